// SPDX-License-Identifier: GPL-2.0
/*
 * netvsp: the loopback host's synthetic NICs, a service of the VMBus
 * server (see netvsp.h for the objects and their locks, vswitch.c for the
 * switch).
 *
 * NVSP as Hyper-V speaks it (hyperv-abi-behaviour.md M24-M39): INIT is
 * accepted for a version the host knows, not newer than net_version, and
 * answered with status NONE otherwise (as OpenVMM does; always with
 * net_version=none); NDIS_CONFIG (from NVSP 2) and NDIS_VER must come
 * before the receive buffer, the receive buffer before the send buffer,
 * and RNDIS traffic only after both.
 * Requests are completed (VM_PKT_COMP, the request's transaction id) only
 * when the guest asked for a completion; SEND_RNDIS_PKT always is.
 *
 * The receive buffer is cut into sub-allocations of one size (a frame of
 * net_mtu_max bytes, its VLAN tag and the RNDIS header and PPIs a host
 * sends), one section at offset 0; the send buffer into 6144-byte
 * sections. Both GPADLs are mapped by netvsp itself with their pages
 * pinned, so a guest that tears a GPADL down early never makes the host
 * write into freed memory.
 *
 * Each receive takes one sub-allocation and one transfer-page packet with
 * one range; its transaction id is (generation << 32 | slot). The guest's
 * completion must name a slot in use, of the same generation, on the
 * queue it went out on; anything else is counted and ignored. When no
 * sub-allocation is free, or the queue's ring is full, the frame is
 * dropped and counted: the host never waits for the guest.
 *
 * Nothing from the guest is trusted: every NVSP message is parsed from the
 * channel's private copy, every RNDIS stream is copied out of the send
 * buffer or the guest's pages into the channel's scratch buffer before it
 * is parsed, and every index, length and offset is bounded.
 */
#define pr_fmt(fmt) "hvg_loophost: " fmt

#include <linux/debugfs.h>
#include <linux/etherdevice.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/if_ether.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <hvguest/compat.h>
#include <hvguest/nvsp.h>
#include <hvguest/vmbus.h>

#include "../netvsc/nvsp_msg.h"
#include "netvsp.h"
#include "server_internal.h"
#include "synic.h"

static unsigned int netvsp_devices = 2;
module_param_named(net_devices, netvsp_devices, uint, 0444);
MODULE_PARM_DESC(net_devices,
		 "Synthetic NICs offered at load, all on one virtual switch, 0 to 8 (default 2)");

static const u32 netvsp_versions[] = {
	HVG_NVSP_VERSION_61, HVG_NVSP_VERSION_6, HVG_NVSP_VERSION_5,
	HVG_NVSP_VERSION_4, HVG_NVSP_VERSION_2, HVG_NVSP_VERSION_1,
};

static const char * const netvsp_version_names[] = {
	"6.1", "6", "5", "4", "2", "1",
};

/* Read once per INIT; 0: every version refused. */
static u32 netvsp_max_version = HVG_NVSP_VERSION_61;

int hvg_lh_netvsp_set_version(const char *name)
{
	unsigned int i;

	if (sysfs_streq(name, "none")) {
		WRITE_ONCE(netvsp_max_version, 0);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(netvsp_versions); i++) {
		if (sysfs_streq(name, netvsp_version_names[i])) {
			WRITE_ONCE(netvsp_max_version, netvsp_versions[i]);
			return 0;
		}
	}
	return -EINVAL;
}

static int netvsp_version_set(const char *val, const struct kernel_param *kp)
{
	return hvg_lh_netvsp_set_version(val);
}

/* The name net_version takes for @v: "6.1" ... "1", or "none". */
static const char *netvsp_version_name(u32 v)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(netvsp_versions); i++)
		if (netvsp_versions[i] == v)
			return netvsp_version_names[i];
	return "none";
}

static int netvsp_version_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  netvsp_version_name(READ_ONCE(netvsp_max_version)));
}

static const struct kernel_param_ops netvsp_version_ops = {
	.set = netvsp_version_set,
	.get = netvsp_version_get,
};

module_param_cb(net_version, &netvsp_version_ops, NULL, 0644);
MODULE_PARM_DESC(net_version,
		 "Newest NVSP version the NICs accept: 6.1 (default), 6, 5, 4, 2 or 1; none: refuse every version (each INIT answered with status NONE); writable, read at each INIT");

static unsigned int netvsp_mtu_max = 9000;
module_param_named(net_mtu_max, netvsp_mtu_max, uint, 0444);
MODULE_PARM_DESC(net_mtu_max,
		 "Largest MTU a NIC takes (GEN_MAXIMUM_FRAME_SIZE; sizes the receive sub-allocations), 576 to 9202 (default 9000)");

static unsigned int netvsp_max_subchannels = 7;
module_param_named(net_max_subchannels, netvsp_max_subchannels, uint, 0644);
MODULE_PARM_DESC(net_max_subchannels,
		 "Sub-channels (extra queues) a NIC grants at most, 0 to 63 (default 7)");

/*
 * A send forwarded in the sender's own signal reaches the receiver's ring
 * with no hand-off to another CPU's work, as a veth pair's does.
 */
static bool netvsp_serve_now = true;
module_param_named(net_serve_now, netvsp_serve_now, bool, 0644);
MODULE_PARM_DESC(net_serve_now,
		 "Serve a NIC channel's sends in the guest's HvSignalEvent call when it comes with interrupts on, and in the channel's work otherwise (default Y; NVSP control messages always in the work; read at each channel open)");

/*
 * RSC: an LSO send reaches a receiver that enabled it as one transfer-page
 * packet of several ranges, which the receiver puts back together, instead
 * of a packet, a completion and an skb per segment.
 */
static bool netvsp_rsc = true;
module_param_named(net_rsc, netvsp_rsc, bool, 0644);
MODULE_PARM_DESC(net_rsc,
		 "Offer RSC (receive segment coalescing, NVSP 6.1) in the offload capabilities, and deliver an LSO send whole to a NIC that enabled it, in up to 64 receive ranges (default Y; read at each INIT)");

#define NETVSP_MAX_DEVICES	8
#define NETVSP_MTU_MIN		576
#define NETVSP_MTU_MAX		9202
/* GPA-direct ranges one send may carry. */
#define NETVSP_MAX_RANGES	64
/*
 * Bytes of a GPA-direct send copied before it is parsed (netvsp_tx_direct()):
 * the RNDIS header, its infos and an LSO frame's headers fit in them.
 */
#define NETVSP_TX_HEAD		512

/*
 * Slot state: busy, the tail of a coalesced receive (completed with its
 * first slot's id only), generation (22 bits), queue (8 bits).
 */
#define NETVSP_SLOT_BUSY	BIT(31)
#define NETVSP_SLOT_TAIL	BIT(30)
#define NETVSP_SLOT_GEN_MASK	0x3fffffu
#define NETVSP_SLOT_GEN_SHIFT	8
#define NETVSP_SLOT_Q_MASK	0xffu
#define NETVSP_SLOT_NONE	U32_MAX	/* the last slot of a receive */

/* Every NIC ever created, freed at module exit. */
static DEFINE_MUTEX(netvsp_nics_lock);
static LIST_HEAD(netvsp_nics);
static unsigned int netvsp_nr_nics;

/* ---------------------------------------------------------------------
 * Faults (debugfs loophost_ctl/net): each armed with a count, taken once
 * per event; stop_tx_completions also takes -1 (every send until reset).
 */
enum netvsp_fault {
	NETVSP_FAULT_RNDIS_MALFORMED,
	NETVSP_FAULT_PPI_ZERO,
	NETVSP_FAULT_PPI_BAD,
	NETVSP_FAULT_RANGE,
	NETVSP_FAULT_FORGED_COMPLETION,
	NETVSP_FAULT_STOP_TX,
	NETVSP_FAULT_NR
};

static const char * const netvsp_fault_names[NETVSP_FAULT_NR] = {
	[NETVSP_FAULT_RNDIS_MALFORMED] = "rndis_malformed",
	[NETVSP_FAULT_PPI_ZERO] = "ppi_zero_length",
	[NETVSP_FAULT_PPI_BAD] = "ppi_bad_offset",
	[NETVSP_FAULT_RANGE] = "range_outside",
	[NETVSP_FAULT_FORGED_COMPLETION] = "forged_completion",
	[NETVSP_FAULT_STOP_TX] = "stop_tx_completions",
};

static atomic_t netvsp_fault_armed[NETVSP_FAULT_NR];
static atomic_long_t netvsp_fault_fired[NETVSP_FAULT_NR];

static bool netvsp_fault_take(enum netvsp_fault f)
{
	int n = atomic_read(&netvsp_fault_armed[f]);

	while (n) {
		if (n < 0 ||
		    atomic_try_cmpxchg(&netvsp_fault_armed[f], &n, n - 1)) {
			atomic_long_inc(&netvsp_fault_fired[f]);
			return true;
		}
	}
	return false;
}

/* ---------------------------------------------------------------------
 * Helpers
 */

static struct netvsp_chan *netvsp_of(struct hvg_lh_channel *ch)
{
	return ch->priv;
}

void netvsp_count(struct netvsp_nic *nic, enum netvsp_stat s, u64 n)
{
	atomic64_add(n, &nic->stats[s]);
}

static u32 netvsp_offered_version(void)
{
	return READ_ONCE(netvsp_max_version);
}

/* @v if it is one of the six versions, else 0. */
static u32 netvsp_known(u32 v)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(netvsp_versions); i++)
		if (netvsp_versions[i] == v)
			return v;
	return 0;
}

static u32 netvsp_mtu(void)
{
	return clamp_t(u32, netvsp_mtu_max, NETVSP_MTU_MIN, NETVSP_MTU_MAX);
}

/* Sub-allocation size: a tagged frame of the largest MTU and headers. */
static u32 netvsp_slot_size(void)
{
	return ALIGN(netvsp_mtu() + ETH_HLEN + 4 + NETVSP_RX_HDR_MAX, 64);
}

static u32 netvsp_num_queues(void)
{
	return min_t(u32, READ_ONCE(netvsp_max_subchannels),
		     NETVSP_MAX_QUEUES - 1) + 1;
}

static void netvsp_bad(struct hvg_lh_channel *ch, const char *what, u32 val)
{
	struct netvsp_nic *nic = netvsp_of(ch)->nic;

	if (nic)
		netvsp_count(nic, NETVSP_BAD_REQUESTS, 1);
	hvg_lh_chan_count(ch, HVG_LH_CH_DROPPED);
	pr_warn_ratelimited("net relid %u: %s (%#x)\n", ch->relid, what, val);
}

/*
 * A completion (VM_PKT_COMP) of @tid. If the ring is full, it is kept and
 * sent when the same packet is served again (-EAGAIN makes the channel's
 * work do that once the guest made room): the request is never redone.
 */
static int netvsp_complete(struct hvg_lh_channel *ch, u64 tid,
			   const void *msg, u32 len)
{
	struct netvsp_chan *nc = netvsp_of(ch);
	struct hvg_ring_buf b = { msg, len };
	int ret;

	ret = hvg_lh_chan_sendv(ch, HVG_PKT_COMP, 0, tid, 0, &b, len ? 1 : 0,
				true);
	if (ret == -EAGAIN) {
		nc->comp_stalled = true;
		nc->comp_tid = tid;
		nc->comp_len = len;
		memcpy(nc->comp_msg, msg, len);
		return -EAGAIN;
	}
	nc->comp_stalled = false;
	return 0;
}

static int netvsp_complete_rndis(struct hvg_lh_channel *ch, u64 tid,
				 u32 status)
{
	struct netvsp_nic *nic = netvsp_of(ch)->nic;
	u32 v = READ_ONCE(nic->version) ?: HVG_NVSP_VERSION_1;
	struct hvg_nvsp_buf m;
	int len, ret;

	len = hvg_nvsp_host_rndis_pkt_complete(&m, v, status);
	if (len < 0)
		return 0;
	ret = netvsp_complete(ch, tid, m.data, len);
	if (!ret && netvsp_fault_take(NETVSP_FAULT_FORGED_COMPLETION)) {
		/* One more completion, of an id the guest never used. */
		pr_info("net fault forged_completion: relid %u, id %#llx\n",
			ch->relid, tid ^ 0x5a5a0000beefULL);
		hvg_lh_chan_sendv(ch, HVG_PKT_COMP, 0,
				  tid ^ 0x5a5a0000beefULL, 0,
				  &(struct hvg_ring_buf){ m.data, len }, 1,
				  false);
	}
	return ret;
}

/* ---------------------------------------------------------------------
 * Guest buffers: pinned and mapped by netvsp itself.
 */

static void netvsp_buf_release(struct netvsp_buf *b)
{
	unsigned int i;

	if (b->va)
		vunmap(b->va);
	for (i = 0; b->pages && i < b->npages; i++)
		put_page(b->pages[i]);
	kvfree(b->pages);
	memset(b, 0, sizeof(*b));
}

/* Map GPADL @handle of @ch as @b; *why names a refusal. */
static int netvsp_buf_map(struct hvg_lh_channel *ch, u32 handle, u16 id,
			  u32 max, struct netvsp_buf *b, const char **why)
{
	struct hvg_lh_gpadl *g;
	unsigned int i;
	int err = 0;

	memset(b, 0, sizeof(*b));
	mutex_lock(&ch->gpadl_lock);
	g = hvg_lh_chan_gpadl(ch, handle);
	if (!g || !g->va || !g->pages) {
		*why = "gpadl_handle (no such GPADL on this channel)";
		err = -ENOENT;
	} else if (g->ring_in_use) {
		*why = "gpadl_handle (a ring)";
		err = -EBUSY;
	} else if (g->byte_offset || g->byte_count > max ||
		   g->byte_count < PAGE_SIZE) {
		*why = "GPADL size or offset";
		err = -EINVAL;
	} else {
		b->npages = DIV_ROUND_UP(g->byte_count, PAGE_SIZE);
		b->pages = kvcalloc(b->npages, sizeof(*b->pages), GFP_KERNEL);
		if (!b->pages) {
			*why = "host memory";
			err = -ENOMEM;
		} else {
			for (i = 0; i < b->npages; i++) {
				b->pages[i] = g->pages[i];
				get_page(b->pages[i]);
			}
			b->size = g->byte_count;
		}
	}
	mutex_unlock(&ch->gpadl_lock);
	if (err) {
		b->npages = 0;
		return err;
	}
	b->va = vmap(b->pages, b->npages, VM_MAP, PAGE_KERNEL);
	if (!b->va) {
		netvsp_buf_release(b);
		*why = "host memory (vmap)";
		return -ENOMEM;
	}
	b->gpadl = handle;
	b->id = id;
	return 0;
}

/* ---------------------------------------------------------------------
 * Receive: sub-allocations and transfer-page packets (rx_lock held)
 */

static int netvsp_slot_get(struct netvsp_nic *nic, u32 *slot)
{
	if (!nic->nfree) {
		netvsp_count(nic, NETVSP_RX_NO_BUFFER, 1);
		return -ENOBUFS;
	}
	*slot = nic->free_slots[--nic->nfree];
	return 0;
}

static void netvsp_slot_put(struct netvsp_nic *nic, u32 slot)
{
	nic->slot_state[slot] = 0;
	nic->free_slots[nic->nfree++] = slot;
}

/* Corrupt what the faults ask for in the message at @msg (@len bytes). */
static void netvsp_rx_faults(u8 *msg, u32 len, u32 *offset, u32 bufsize)
{
	struct hvg_rndis_packet p;
	struct hvg_rndis_ppi e;

	memcpy(&p, msg, sizeof(p));
	if (netvsp_fault_take(NETVSP_FAULT_RNDIS_MALFORMED)) {
		/* msg_len beyond the range, data past it. */
		pr_info("net fault rndis_malformed: msg_len %u for a %u-byte range\n",
			len + 4096, len);
		p.hdr.msg_len = len + 4096;
		p.data_len = len + 4096;
		memcpy(msg, &p, sizeof(p));
	}
	if (p.ppi_len >= sizeof(e) &&
	    netvsp_fault_take(NETVSP_FAULT_PPI_ZERO)) {
		memcpy(&e, msg + 8 + p.ppi_offset, sizeof(e));
		e.size = 0;
		memcpy(msg + 8 + p.ppi_offset, &e, sizeof(e));
		pr_info("net fault ppi_zero_length: first PPI of size 0 sent\n");
	}
	if (p.ppi_len >= sizeof(e) &&
	    netvsp_fault_take(NETVSP_FAULT_PPI_BAD)) {
		memcpy(&e, msg + 8 + p.ppi_offset, sizeof(e));
		e.ppi_offset = 0x100;
		memcpy(msg + 8 + p.ppi_offset, &e, sizeof(e));
		pr_info("net fault ppi_bad_offset: first PPI with value offset 256 sent\n");
	}
	if (netvsp_fault_take(NETVSP_FAULT_RANGE)) {
		pr_info("net fault range_outside: range at %u of a %u-byte buffer\n",
			bufsize - 8, bufsize);
		*offset = bufsize - 8;
	}
}

/*
 * Announce @n slots (@lens bytes each) as one receive on queue @q: one
 * transfer-page packet of @n ranges, completed once with the first slot's
 * id. Frees them on failure.
 */
static int netvsp_rx_commit(struct netvsp_nic *nic, unsigned int q,
			    const u32 *slots, const u32 *lens, u32 n,
			    u32 channel_type, bool data)
{
	struct hvg_lh_channel *ch = nic->queues[q];
	struct netvsp_xfer_rsc *x = &nic->xfer;
	u32 xlen = offsetof(struct netvsp_xfer_rsc, r[n]), gen, i;
	struct hvg_ring_buf b[2];
	struct hvg_nvsp_buf m;
	int mlen, ret;

	lockdep_assert_held(&nic->rx_lock);
	mlen = hvg_nvsp_host_rndis_pkt(&m, nic->version, channel_type);
	if (mlen < 0) {
		for (i = 0; i < n; i++)
			netvsp_slot_put(nic, slots[i]);
		return mlen;
	}
	x->pageset_id = nic->rxbuf.id;
	x->sender_owns_set = 0;
	x->reserved = 0;
	x->range_cnt = n;
	for (i = 0; i < n; i++) {
		x->r[i].byte_count = lens[i];
		x->r[i].byte_offset = slots[i] * nic->slot_size;
	}
	if (data)
		netvsp_rx_faults((u8 *)nic->rxbuf.va +
				 (size_t)slots[0] * nic->slot_size, lens[0],
				 &x->r[0].byte_offset, nic->rxbuf.size);
	gen = nic->gen++ & NETVSP_SLOT_GEN_MASK;
	if (!gen)
		gen = nic->gen++ & NETVSP_SLOT_GEN_MASK;
	for (i = 0; i < n; i++) {
		nic->slot_state[slots[i]] = NETVSP_SLOT_BUSY |
					    (i ? NETVSP_SLOT_TAIL : 0) |
					    gen << NETVSP_SLOT_GEN_SHIFT | q;
		nic->slot_next[slots[i]] = i + 1 < n ? slots[i + 1] :
					   NETVSP_SLOT_NONE;
	}
	b[0] = (struct hvg_ring_buf){ x, xlen };
	b[1] = (struct hvg_ring_buf){ m.data, mlen };
	ret = hvg_lh_chan_sendv(ch, HVG_PKT_DATA_USING_XFER_PAGES,
				HVG_PKT_FLAG_COMPLETION_REQUESTED,
				(u64)gen << 32 | slots[0], xlen, b, 2, false);
	if (ret) {
		for (i = 0; i < n; i++)
			netvsp_slot_put(nic, slots[i]);
		netvsp_count(nic, NETVSP_RX_RING_FULL, 1);
	}
	return ret;
}

/* Deliver a host RNDIS message (a response, an indication) on queue 0. */
static int netvsp_rx_control(struct netvsp_nic *nic, const void *msg, u32 len)
{
	u32 slot;

	if (!nic->rxbuf.va || !nic->queues[0] || len > nic->slot_size) {
		netvsp_count(nic, NETVSP_RX_NOT_READY, 1);
		return -ENODEV;
	}
	if (netvsp_slot_get(nic, &slot))
		return -ENOBUFS;
	memcpy((u8 *)nic->rxbuf.va + (size_t)slot * nic->slot_size, msg, len);
	return netvsp_rx_commit(nic, 0, &slot, &len, 1,
				HVG_NVSP_CHANNEL_CONTROL, false);
}

static unsigned int netvsp_rx_queue(struct netvsp_nic *nic, u32 hash)
{
	const struct hvg_ndis_rss *rss = &nic->dev.rss;
	u32 q;

	if (!rss->enabled || !rss->entries)
		return 0;
	q = rss->table[hash % rss->entries];
	return q < NETVSP_MAX_QUEUES && nic->queues[q] ? q : 0;
}

/* The RNDIS PACKET header with the PPIs in @present, before a frame. */
static u32 netvsp_rx_hdr_len(u32 present)
{
	return sizeof(struct hvg_rndis_packet) +
	       hweight32(present) * (sizeof(struct hvg_rndis_ppi) + 4);
}

/*
 * Deliver LSO frame @f whole on queue @q: one transfer-page packet whose
 * ranges carry an RNDIS PACKET each, marked with RNDIS_PKTINFO_ID (first
 * and last fragment), the frame's bytes cut across them in order. The
 * first carries @ppi (checksum, hash, VLAN) and the headers, its IP length
 * set for the whole frame; the TCP checksum is not computed, and the
 * checksum info says so (the receiver enabled TCP receive checksum
 * offload, hvg_rndis_dev_rsc_on()). Return: 0, -EAGAIN when @f is better
 * cut into segments (too many ranges, headers that do not fit), or
 * another -errno (counted).
 */
static int netvsp_rx_rsc(struct netvsp_nic *nic, unsigned int q,
			 const struct netvsp_frame *f,
			 const struct hvg_rndis_tx_ppi *ppi)
{
	struct hvg_rndis_tx_ppi next = { .present = HVG_RNDIS_PI_PKTINFO_ID };
	struct hvg_rndis_tx_ppi first = *ppi, *p;
	u32 hdr_first, hdr_next, cap_first, cap_next, n, i, pos, chunk, h;
	u8 *dst;
	int hl;

	first.present |= HVG_RNDIS_PI_PKTINFO_ID;
	first.csum |= HVG_RNDIS_RXCSUM_TCP_INVALID;
	hdr_first = netvsp_rx_hdr_len(first.present);
	hdr_next = netvsp_rx_hdr_len(next.present);
	/* No range longer than the MTU the guest announced (see below). */
	cap_first = min(nic->slot_size - hdr_first, nic->mtu);
	cap_next = min(nic->slot_size - hdr_next, nic->mtu);
	n = f->len <= cap_first ? 1 :
	    1 + DIV_ROUND_UP(f->len - cap_first, cap_next);
	if (n > NETVSP_RSC_MAX_RANGES)
		return -EAGAIN;
	if (nic->nfree < n) {
		netvsp_count(nic, NETVSP_RX_NO_BUFFER, 1);
		return -ENOBUFS;
	}
	first.pktinfo_id = nic->rsc_id;
	next.pktinfo_id = nic->rsc_id++;
	for (i = 0, pos = 0; i < n; i++, pos += chunk) {
		netvsp_slot_get(nic, &nic->rsc_slots[i]);
		dst = (u8 *)nic->rxbuf.va +
		      (size_t)nic->rsc_slots[i] * nic->slot_size;
		p = i ? &next : &first;
		h = i ? hdr_next : hdr_first;
		chunk = min(f->len - pos, i ? cap_next : cap_first);
		p->pktinfo_flags = (i ? 0 : HVG_RNDIS_PKTINFO_1ST_FRAG) |
				   (i == n - 1 ? HVG_RNDIS_PKTINFO_LAST_FRAG : 0);
		if (!i) {
			hl = netvsp_rsc_headers(f, dst + h, chunk);
			if (hl < 0) {
				netvsp_slot_put(nic, nic->rsc_slots[0]);
				return -EAGAIN;
			}
			netvsp_frame_copy(f, hl, dst + h + hl, chunk - hl);
		} else {
			netvsp_frame_copy(f, pos, dst + h, chunk);
		}
		/* Cannot fail: @h is the header these PPIs make. */
		hvg_rndis_build_packet(dst, h, p, chunk);
		nic->rsc_lens[i] = h + chunk;
	}
	if (netvsp_rx_commit(nic, q, nic->rsc_slots, nic->rsc_lens, n,
			     HVG_NVSP_CHANNEL_DATA, true))
		return -ENOBUFS;
	netvsp_count(nic, NETVSP_RX_PACKETS, 1);
	netvsp_count(nic, NETVSP_RX_BYTES, f->len);
	netvsp_count(nic, NETVSP_RSC_FRAMES, 1);
	netvsp_count(nic, NETVSP_RSC_RANGES, n);
	return 0;
}

int netvsp_rx_frame(struct netvsp_nic *nic, const struct netvsp_frame *f)
{
	struct hvg_rndis_tx_ppi ppi = {};
	u32 nseg = 1, i, l3, l4, hash = 0, hdr_len, slot, total;
	unsigned int q;
	bool ipv6 = false, ip;
	u8 proto = 0, *dst;
	int len, ret;

	lockdep_assert_held(&nic->rx_lock);
	if (!nic->rxbuf.va || !nic->dev.initialized || !nic->link_up ||
	    !nic->queues[0]) {
		netvsp_count(nic, NETVSP_RX_NOT_READY, 1);
		return -ENODEV;
	}
	ip = netvsp_frame_ip(f->data, f->hlen, &l3, &ipv6, &proto, &l4);
	if (f->mss) {
		nseg = netvsp_lso_count(f);
		if (!nseg) {
			netvsp_count(nic, NETVSP_RX_TOO_BIG, 1);
			return -EINVAL;
		}
	}
	if (nic->dev.rss.enabled) {
		hash = netvsp_rss_hash(&nic->dev.rss, f->data, f->hlen);
		ppi.present |= HVG_RNDIS_PI_HASH;
		ppi.hash = hash;
	}
	q = netvsp_rx_queue(nic, hash);
	if (ip && f->csum_ok) {
		ppi.csum = hvg_rndis_dev_rx_csum(&nic->dev, ipv6, proto);
		if (ppi.csum)
			ppi.present |= HVG_RNDIS_PI_CSUM;
	}
	if (f->has_vlan) {
		ppi.present |= HVG_RNDIS_PI_VLAN;
		ppi.vlan = hvg_rndis_vlan(f->vlan_tci & 0xfff,
					  f->vlan_tci >> 13) |
			   (f->vlan_tci & 0x1000 ? HVG_RNDIS_VLAN_CFI : 0);
	}
	/* A PPI for the PPI faults to damage. */
	if (!ppi.present && (atomic_read(&netvsp_fault_armed[NETVSP_FAULT_PPI_ZERO]) ||
			     atomic_read(&netvsp_fault_armed[NETVSP_FAULT_PPI_BAD])))
		ppi.present |= HVG_RNDIS_PI_HASH;
	if (nseg > 1 && ip && proto == IPPROTO_TCP &&
	    (ppi.csum & HVG_RNDIS_RXCSUM_TCP_OK) &&
	    hvg_rndis_dev_rsc_on(&nic->dev, ipv6)) {
		ret = netvsp_rx_rsc(nic, q, f, &ppi);
		if (ret != -EAGAIN)
			return ret;
	}
	hdr_len = netvsp_rx_hdr_len(ppi.present);

	for (i = 0; i < nseg; i++) {
		if (netvsp_slot_get(nic, &slot))
			return -ENOBUFS;
		dst = (u8 *)nic->rxbuf.va + (size_t)slot * nic->slot_size;
		if (f->mss) {
			len = netvsp_lso_segment(f, i, dst + hdr_len,
						 nic->slot_size - hdr_len);
		} else {
			len = f->len <= nic->slot_size - hdr_len ? f->len :
			      -ENOSPC;
			if (len > 0)
				netvsp_frame_copy(f, 0, dst + hdr_len, len);
		}
		/*
		 * Nothing longer than the MTU the guest announced in
		 * NDIS_CONFIG (VLAN tags travel in the PPI): a host sizes its
		 * receive buffer by it, so the guest must attach again to
		 * raise its MTU.
		 */
		if (len <= 0 || len > nic->mtu) {
			netvsp_slot_put(nic, slot);
			netvsp_count(nic, NETVSP_RX_TOO_BIG, 1);
			return -EMSGSIZE;
		}
		ret = hvg_rndis_build_packet(dst, hdr_len, &ppi, len);
		if (ret != hdr_len) {
			netvsp_slot_put(nic, slot);
			return -EINVAL;
		}
		total = hdr_len + len;
		ret = netvsp_rx_commit(nic, q, &slot, &total, 1,
				       HVG_NVSP_CHANNEL_DATA, true);
		if (ret)
			return ret;
		netvsp_count(nic, NETVSP_RX_PACKETS, 1);
		netvsp_count(nic, NETVSP_RX_BYTES, len);
	}
	if (f->mss)
		netvsp_count(nic, NETVSP_LSO_SEGMENTS, nseg);
	return 0;
}

/* The guest completed receive @tid on queue @q. */
static void netvsp_rx_done(struct hvg_lh_channel *ch, u64 tid)
{
	struct netvsp_nic *nic = netvsp_of(ch)->nic;
	u32 slot = (u32)tid, gen = tid >> 32, st;
	unsigned int q = ch->sub_index;
	bool ok;

	spin_lock_bh(&nic->rx_lock);
	st = slot < nic->nslots ? nic->slot_state[slot] : 0;
	/* A receive's first slot: its tail goes with it, never alone. */
	ok = (st & NETVSP_SLOT_BUSY) && !(st & NETVSP_SLOT_TAIL) && gen &&
	     ((st >> NETVSP_SLOT_GEN_SHIFT) & NETVSP_SLOT_GEN_MASK) == gen &&
	     (st & NETVSP_SLOT_Q_MASK) == q;
	while (ok) {
		u32 next = nic->slot_next[slot];

		netvsp_slot_put(nic, slot);
		if (next >= nic->nslots ||
		    nic->slot_state[next] != (st | NETVSP_SLOT_TAIL))
			break;
		slot = next;
	}
	spin_unlock_bh(&nic->rx_lock);
	if (ok) {
		netvsp_count(nic, NETVSP_COMPLETIONS, 1);
		return;
	}
	netvsp_count(nic, NETVSP_BAD_COMPLETIONS, 1);
	hvg_lh_chan_count(ch, HVG_LH_CH_DROPPED);
	pr_warn_ratelimited("net relid %u: receive completion with id %#llx, which names no receive in flight on this queue: ignored\n",
			    ch->relid, tid);
}

/* Free every slot that went out on queue @q (closed). rx_lock held. */
static void netvsp_slots_drop_queue(struct netvsp_nic *nic, unsigned int q)
{
	u32 i;

	for (i = 0; i < nic->nslots; i++)
		if ((nic->slot_state[i] & NETVSP_SLOT_BUSY) &&
		    (nic->slot_state[i] & NETVSP_SLOT_Q_MASK) == q)
			netvsp_slot_put(nic, i);
}

/* Take the receive buffer away (under rx_lock); release it after. */
static void netvsp_rxbuf_take(struct netvsp_nic *nic, struct netvsp_buf *rb,
			      u32 **fs, u32 **st)
{
	lockdep_assert_held(&nic->rx_lock);
	*rb = nic->rxbuf;
	*fs = nic->free_slots;
	*st = nic->slot_state;
	memset(&nic->rxbuf, 0, sizeof(nic->rxbuf));
	nic->free_slots = NULL;
	nic->slot_state = NULL;
	nic->slot_next = NULL;
	nic->nslots = 0;
	nic->nfree = 0;
}

static void netvsp_rxbuf_free(struct netvsp_buf *rb, u32 *fs, u32 *st)
{
	netvsp_buf_release(rb);
	kvfree(fs);
	kvfree(st);
}

static void netvsp_txbuf_drop(struct netvsp_nic *nic)
{
	struct netvsp_buf b;

	/* Unmapped outside the lock: vunmap() may sleep. */
	write_lock_bh(&nic->txbuf_lock);
	b = nic->txbuf;
	memset(&nic->txbuf, 0, sizeof(nic->txbuf));
	nic->tx_sections = 0;
	write_unlock_bh(&nic->txbuf_lock);
	netvsp_buf_release(&b);
}

/* ---------------------------------------------------------------------
 * NVSP control messages (primary channel)
 */

static int netvsp_init(struct hvg_lh_channel *ch, u64 tid, bool want_comp,
		       const struct hvg_nvsp_guest_msg *m)
{
	struct netvsp_nic *nic = netvsp_of(ch)->nic;
	u32 offered = netvsp_offered_version(), chosen = 0, status;
	struct hvg_nvsp_buf r;
	unsigned int i;
	int len;

	for (i = 0; i < ARRAY_SIZE(netvsp_versions); i++) {
		u32 v = netvsp_versions[i];

		if (v <= offered && v >= m->init.min_ver &&
		    v <= m->init.max_ver) {
			chosen = v;
			break;
		}
	}
	if (nic->rxbuf.va || nic->txbuf.va) {
		netvsp_bad(ch, "INIT with buffers in place: refused",
			   m->init.max_ver);
		chosen = 0;
	}
	if (chosen) {
		spin_lock_bh(&nic->rx_lock);
		hvg_rndis_dev_init(&nic->dev, nic->perm_mac, netvsp_mtu(),
				   chosen, netvsp_num_queues());
		nic->dev.link_up = nic->link_up;
		nic->dev.rsc = netvsp_rsc && chosen >= HVG_NVSP_VERSION_61;
		/* NVSP 1 has no NDIS_CONFIG: Ethernet's MTU. */
		nic->mtu = ETH_DATA_LEN + ETH_HLEN;
		spin_unlock_bh(&nic->rx_lock);
		WRITE_ONCE(nic->version, chosen);
		nic->ndis_config = false;
		nic->ndis_version = false;
		status = HVG_NVSP_STAT_SUCCESS;
	} else if (!offered) {
		pr_info_ratelimited("net relid %u: INIT for NVSP %#x..%#x refused: net_version=none\n",
				    ch->relid, m->init.min_ver, m->init.max_ver);
		status = HVG_NVSP_STAT_NONE;
	} else {
		pr_warn_ratelimited("net relid %u: INIT for NVSP %#x..%#x refused (host offers up to %#x)\n",
				    ch->relid, m->init.min_ver,
				    m->init.max_ver, offered);
		status = HVG_NVSP_STAT_NONE;
	}
	if (!chosen)
		netvsp_count(nic, NETVSP_INIT_REFUSED, 1);
	if (!want_comp)
		return 0;
	/*
	 * Sized as the version taken, else the newest offered; with none
	 * offered, as the version asked for if the host knows it (6.1 if
	 * not): what a host of that version would send.
	 */
	if (!offered)
		offered = netvsp_known(m->init.max_ver) ?: HVG_NVSP_VERSION_61;
	len = hvg_nvsp_host_init_complete(&r, chosen ?: offered, status);
	return len < 0 ? 0 : netvsp_complete(ch, tid, r.data, len);
}

static int netvsp_recv_buf(struct hvg_lh_channel *ch, u64 tid, bool want_comp,
			   const struct hvg_nvsp_guest_msg *m)
{
	struct netvsp_nic *nic = netvsp_of(ch)->nic;
	u32 v = nic->version, slot_size = netvsp_slot_size(), n = 0, i;
	u32 *fs = NULL, *st = NULL;
	const char *why = NULL;
	struct netvsp_buf b;
	struct hvg_nvsp_buf r;
	int len, err;

	if ((v >= HVG_NVSP_VERSION_2 && !nic->ndis_config) ||
	    !nic->ndis_version) {
		why = "SEND_RECV_BUF before NDIS_CONFIG/NDIS_VER";
		goto fail;
	}
	if (nic->rxbuf.va) {
		why = "SEND_RECV_BUF: a receive buffer is in place";
		goto fail;
	}
	err = netvsp_buf_map(ch, m->buf.gpadl, m->buf.id,
			     v <= HVG_NVSP_VERSION_2 ? NETVSP_BUF_MAX_V2 :
			     NETVSP_BUF_MAX, &b, &why);
	if (err)
		goto fail;
	n = b.size / slot_size;
	fs = kvmalloc_array(n, sizeof(*fs), GFP_KERNEL);
	/* The slots' states, then their links (nic->slot_next). */
	st = n ? kvcalloc(n, 2 * sizeof(*st), GFP_KERNEL) : NULL;
	if (!n || !fs || !st) {
		why = n ? "host memory" : "GPADL smaller than one sub-allocation";
		netvsp_rxbuf_free(&b, fs, st);
		goto fail;
	}
	for (i = 0; i < n; i++)
		fs[i] = n - 1 - i;
	spin_lock_bh(&nic->rx_lock);
	nic->rxbuf = b;
	nic->slot_size = slot_size;
	nic->nslots = n;
	nic->nfree = n;
	nic->free_slots = fs;
	nic->slot_state = st;
	nic->slot_next = st + n;
	spin_unlock_bh(&nic->rx_lock);
	len = hvg_nvsp_host_recv_buf_complete(&r, v, HVG_NVSP_STAT_SUCCESS,
					      slot_size, n);
	return len < 0 || !want_comp ? 0 : netvsp_complete(ch, tid, r.data, len);

fail:
	netvsp_bad(ch, why, m->buf.gpadl);
	if (!want_comp)
		return 0;
	len = hvg_nvsp_host_recv_buf_complete(&r, v, HVG_NVSP_STAT_FAIL, 0, 0);
	return len < 0 ? 0 : netvsp_complete(ch, tid, r.data, len);
}

static int netvsp_send_buf(struct hvg_lh_channel *ch, u64 tid, bool want_comp,
			   const struct hvg_nvsp_guest_msg *m)
{
	struct netvsp_nic *nic = netvsp_of(ch)->nic;
	u32 v = nic->version, status = HVG_NVSP_STAT_FAIL, size = 0;
	const char *why = NULL;
	struct netvsp_buf b;
	struct hvg_nvsp_buf r;
	int len;

	if (!nic->rxbuf.va) {
		why = "SEND_SEND_BUF before the receive buffer";
	} else if (nic->txbuf.va) {
		why = "SEND_SEND_BUF: a send buffer is in place";
	} else if (!netvsp_buf_map(ch, m->buf.gpadl, m->buf.id,
				   NETVSP_BUF_MAX, &b, &why)) {
		if (b.size < NETVSP_SECTION_SIZE) {
			why = "send GPADL smaller than one section";
			netvsp_buf_release(&b);
		} else {
			write_lock_bh(&nic->txbuf_lock);
			nic->txbuf = b;
			nic->tx_sections = b.size / NETVSP_SECTION_SIZE;
			write_unlock_bh(&nic->txbuf_lock);
			status = HVG_NVSP_STAT_SUCCESS;
			size = NETVSP_SECTION_SIZE;
		}
	}
	if (why)
		netvsp_bad(ch, why, m->buf.gpadl);
	if (!want_comp)
		return 0;
	len = hvg_nvsp_host_send_buf_complete(&r, v, status, size);
	return len < 0 ? 0 : netvsp_complete(ch, tid, r.data, len);
}

static void netvsp_revoke(struct hvg_lh_channel *ch,
			  const struct hvg_nvsp_guest_msg *m)
{
	struct netvsp_nic *nic = netvsp_of(ch)->nic;
	struct netvsp_buf rb;
	u32 *fs, *st;

	if (m->type == HVG_NVSP_MSG1_REVOKE_SEND_BUF) {
		if (!nic->txbuf.va || nic->txbuf.id != m->revoke.id) {
			netvsp_bad(ch, "REVOKE_SEND_BUF of no such buffer, id",
				   m->revoke.id);
			return;
		}
		netvsp_txbuf_drop(nic);
		return;
	}
	spin_lock_bh(&nic->rx_lock);
	if (!nic->rxbuf.va || nic->rxbuf.id != m->revoke.id) {
		spin_unlock_bh(&nic->rx_lock);
		netvsp_bad(ch, "REVOKE_RECV_BUF of no such buffer, id",
			   m->revoke.id);
		return;
	}
	netvsp_rxbuf_take(nic, &rb, &fs, &st);
	spin_unlock_bh(&nic->rx_lock);
	netvsp_rxbuf_free(&rb, fs, st);
}

/* ---------------------------------------------------------------------
 * RNDIS in SEND_RNDIS_PKT
 */

/*
 * Check the GPA-direct ranges in @ext (@extlen bytes): their count, each
 * one's offset and length, and that every page they name exists; in all
 * at most @cap bytes. Return: their total, or -errno.
 */
static int netvsp_src_init(struct netvsp_src *src, const u8 *ext, u32 extlen,
			   u32 cap)
{
	struct hvg_gpa_direct_hdr gh;
	struct hvg_gpa_range range;
	u32 pos = sizeof(gh), total = 0, r, i;

	if (extlen < sizeof(gh))
		return -EINVAL;
	memcpy(&gh, ext, sizeof(gh));
	if (!gh.range_count || gh.range_count > NETVSP_MAX_RANGES)
		return -EINVAL;
	for (r = 0; r < gh.range_count; r++) {
		u32 npfns;

		if (extlen - pos < sizeof(range))
			return -EINVAL;
		memcpy(&range, ext + pos, sizeof(range));
		pos += sizeof(range);
		if (range.byte_offset >= PAGE_SIZE || !range.byte_count ||
		    range.byte_count > cap - total)
			return -E2BIG;
		npfns = DIV_ROUND_UP(range.byte_offset + range.byte_count,
				     PAGE_SIZE);
		if ((extlen - pos) / 8 < npfns)
			return -EINVAL;
		for (i = 0; i < npfns; i++) {
			u64 pfn;

			memcpy(&pfn, ext + pos + i * 8, 8);
			if (pfn > ULONG_MAX || !pfn_valid(pfn))
				return -EFAULT;
		}
		total += range.byte_count;
		pos += npfns * 8;
	}
	src->ext = ext;
	src->nranges = gh.range_count;
	src->total = total;
	return total;
}

/* Copy @len bytes from offset @off of @src's ranges to @dst (inside). */
static void netvsp_src_copy(const struct netvsp_src *src, u32 off, u8 *dst,
			    u32 len)
{
	u32 pos = sizeof(struct hvg_gpa_direct_hdr), r;
	struct hvg_gpa_range range;

	for (r = 0; r < src->nranges && len; r++) {
		u32 npfns, in, left, i;

		memcpy(&range, src->ext + pos, sizeof(range));
		pos += sizeof(range);
		npfns = DIV_ROUND_UP(range.byte_offset + range.byte_count,
				     PAGE_SIZE);
		if (off >= range.byte_count) {
			off -= range.byte_count;
			pos += npfns * 8;
			continue;
		}
		in = range.byte_offset + off;
		i = in / PAGE_SIZE;
		in %= PAGE_SIZE;
		left = range.byte_count - off;
		for (; len && left; i++, in = 0) {
			u32 n = min3(len, left, (u32)PAGE_SIZE - in);
			u64 pfn;
			void *va;

			memcpy(&pfn, src->ext + pos + i * 8, 8);
			va = kmap_local_page(pfn_to_page(pfn));
			memcpy(dst, (u8 *)va + in, n);
			kunmap_local(va);
			dst += n;
			len -= n;
			left -= n;
		}
		off = 0;
		pos += npfns * 8;
	}
}

void netvsp_frame_copy(const struct netvsp_frame *f, u32 off, u8 *dst,
		       u32 len)
{
	u32 n = off < f->hlen ? min(len, f->hlen - off) : 0;

	memcpy(dst, f->data + off, n);
	if (len > n)
		netvsp_src_copy(f->src, f->src_off + off + n, dst + n,
				len - n);
}

/* The RNDIS stream of a send: section bytes, then GPA-direct ranges. */
static int netvsp_gather(struct hvg_lh_channel *ch,
			 const struct hvg_ring_pkt *pkt, const u8 *ext,
			 const struct hvg_nvsp_guest_msg *m)
{
	struct netvsp_chan *nc = netvsp_of(ch);
	struct netvsp_nic *nic = nc->nic;
	u32 extlen = pkt->desc.offset8 * 8 - sizeof(pkt->desc), total = 0;
	u32 idx = m->rndis_pkt.section_index;
	int ret;

	if (idx != HVG_NVSP_NO_SECTION) {
		read_lock_bh(&nic->txbuf_lock);
		ret = hvg_nvsp_check_section(m, nic->tx_sections,
					     NETVSP_SECTION_SIZE);
		if (!ret)
			memcpy(nc->scratch,
			       (u8 *)nic->txbuf.va +
			       (size_t)idx * NETVSP_SECTION_SIZE,
			       m->rndis_pkt.section_size);
		read_unlock_bh(&nic->txbuf_lock);
		if (ret)
			return -ERANGE;
		total = m->rndis_pkt.section_size;
	}
	if (pkt->desc.type == HVG_PKT_DATA_USING_GPA_DIRECT) {
		struct netvsp_src src;

		ret = netvsp_src_init(&src, ext, extlen, NETVSP_TX_MAX - total);
		if (ret < 0)
			return ret;
		netvsp_src_copy(&src, 0, nc->scratch + total, ret);
		total += ret;
	}
	return total ? total : -ENODATA;
}

/*
 * One frame of a send to the switch: from @msg, the whole message; or, with
 * @src (netvsp_tx_direct()), its first @avail bytes, the rest in @src.
 */
static void netvsp_tx_one(struct netvsp_nic *nic, u8 *msg, u32 avail,
			  const struct netvsp_src *src,
			  const struct hvg_rndis_dev_tx *tx)
{
	struct netvsp_frame f = {
		.data = msg + tx->data_offset,
		.len = tx->data_len,
		.hlen = src ? min(tx->data_len, avail - tx->data_offset) :
			tx->data_len,
		.src = src,
		.src_off = tx->data_offset,
		.csum_ok = true,
	};

	if (!READ_ONCE(nic->link_up)) {
		netvsp_count(nic, NETVSP_TX_DROPPED, 1);
		return;
	}
	if (tx->present & HVG_RNDIS_PI_VLAN) {
		f.has_vlan = true;
		f.vlan_tci = tx->vlan_tci;
	}
	if ((tx->present & HVG_RNDIS_PI_CSUM) &&
	    netvsp_tx_csum(msg + tx->data_offset, tx->data_len, tx)) {
		netvsp_count(nic, NETVSP_TX_DROPPED, 1);
		pr_warn_ratelimited("net%u: checksum request for a frame that does not match it: dropped\n",
				    nic->index);
		return;
	}
	if (tx->present & HVG_RNDIS_PI_LSO) {
		f.mss = tx->mss;
		f.l4_offset = tx->l4_offset;
		f.ipv6 = tx->ipv6;
		if (!netvsp_lso_count(&f)) {
			netvsp_count(nic, NETVSP_TX_DROPPED, 1);
			pr_warn_ratelimited("net%u: LSO request for a frame that is no TCP segment: dropped\n",
					    nic->index);
			return;
		}
	}
	netvsp_count(nic, NETVSP_TX_PACKETS, 1);
	netvsp_count(nic, NETVSP_TX_BYTES, tx->data_len);
	if (!netvsp_switch_forward(nic, &f))
		netvsp_count(nic, NETVSP_TX_NO_PORT, 1);
}

/* Data: every RNDIS PACKET of the stream to the switch. */
static u32 netvsp_tx_data(struct hvg_lh_channel *ch, u32 total)
{
	struct netvsp_chan *nc = netvsp_of(ch);
	struct netvsp_nic *nic = nc->nic;
	struct hvg_rndis_dev_tx tx;
	u32 off = 0, n = 0, type;
	int ret;

	while (total - off >= sizeof(struct hvg_rndis_hdr)) {
		memcpy(&type, nc->scratch + off, sizeof(type));
		if (!type && n)
			break;		/* the section's padding */
		if (n == NETVSP_TX_MSGS) {
			netvsp_bad(ch, "more RNDIS messages in one send than max_pkt_per_msg",
				   n);
			return HVG_NVSP_STAT_INVALID_RNDIS_PKT;
		}
		ret = hvg_rndis_dev_parse_tx(&nic->dev, nc->scratch + off,
					     total - off, &tx);
		if (ret) {
			netvsp_count(nic, NETVSP_TX_DROPPED, 1);
			netvsp_bad(ch, "malformed RNDIS PACKET, error", -ret);
			return HVG_NVSP_STAT_INVALID_RNDIS_PKT;
		}
		netvsp_tx_one(nic, nc->scratch + off, total - off, NULL, &tx);
		n++;
		off += ALIGN(tx.msg_len, 1u << HVG_RNDIS_DEV_ALIGN_SHIFT);
		if (off > total)
			break;
	}
	return n ? HVG_NVSP_STAT_SUCCESS : HVG_NVSP_STAT_INVALID_RNDIS_PKT;
}

/*
 * Data in GPA-direct ranges and no section: the head copied and parsed. An
 * LSO frame (the send's one message, its headers in the head) goes to the
 * switch with the rest of its bytes left in the guest's pages, which each
 * receiver copies once, straight into its receive buffer
 * (netvsp_frame_copy()); anything else has the rest copied too, then goes
 * the way of any send (netvsp_tx_data()). Return: the NVSP status, or
 * -errno for ranges that are not valid.
 */
static int netvsp_tx_direct(struct hvg_lh_channel *ch, const u8 *ext,
			    u32 extlen)
{
	struct netvsp_chan *nc = netvsp_of(ch);
	struct netvsp_nic *nic = nc->nic;
	struct hvg_rndis_dev_tx tx;
	struct netvsp_frame f = { };
	struct netvsp_src src;
	int total;
	u32 head;

	total = netvsp_src_init(&src, ext, extlen, NETVSP_TX_MAX);
	if (total < 0)
		return total;
	head = min_t(u32, total, NETVSP_TX_HEAD);
	netvsp_src_copy(&src, 0, nc->scratch, head);
	if (!hvg_rndis_dev_parse_tx_head(&nic->dev, nc->scratch, head, total,
					 &tx) &&
	    (tx.present & HVG_RNDIS_PI_LSO) && tx.data_offset < head &&
	    ALIGN(tx.msg_len, 1u << HVG_RNDIS_DEV_ALIGN_SHIFT) >= total) {
		f.data = nc->scratch + tx.data_offset;
		f.len = tx.data_len;
		f.hlen = min(tx.data_len, head - tx.data_offset);
		f.mss = tx.mss;
		f.l4_offset = tx.l4_offset;
		f.ipv6 = tx.ipv6;
		if (netvsp_lso_count(&f)) {
			netvsp_count(nic, NETVSP_TX_DIRECT, 1);
			netvsp_tx_one(nic, nc->scratch, head, &src, &tx);
			return HVG_NVSP_STAT_SUCCESS;
		}
	}
	netvsp_src_copy(&src, head, nc->scratch + head, total - head);
	return netvsp_tx_data(ch, total);
}

/* Control: answered by the RNDIS device, the answer in the receive buffer. */
static u32 netvsp_tx_control(struct hvg_lh_channel *ch, u32 total)
{
	struct netvsp_chan *nc = netvsp_of(ch);
	struct netvsp_nic *nic = nc->nic;
	u8 resp[HVG_RNDIS_DEV_RESP_MAX];
	int n;

	spin_lock_bh(&nic->rx_lock);
	n = hvg_rndis_dev_request(&nic->dev, nc->scratch, total, resp,
				  sizeof(resp));
	if (n > 0)
		netvsp_rx_control(nic, resp, n);
	spin_unlock_bh(&nic->rx_lock);
	if (n < 0) {
		netvsp_bad(ch, "malformed RNDIS control message, error", -n);
		return HVG_NVSP_STAT_INVALID_RNDIS_PKT;
	}
	netvsp_count(nic, NETVSP_CONTROL, 1);
	return HVG_NVSP_STAT_SUCCESS;
}

static int netvsp_rndis_pkt(struct hvg_lh_channel *ch,
			    const struct hvg_ring_pkt *pkt, const u8 *ext,
			    const struct hvg_nvsp_guest_msg *m)
{
	struct netvsp_nic *nic = netvsp_of(ch)->nic;
	bool control = m->rndis_pkt.channel_type == HVG_NVSP_CHANNEL_CONTROL;
	u64 tid = pkt->desc.trans_id;
	bool direct;
	int total;
	u32 status;

	if (!nic->rxbuf.va) {
		netvsp_bad(ch, "SEND_RNDIS_PKT before the receive buffer",
			   m->rndis_pkt.channel_type);
		return netvsp_complete_rndis(ch, tid, HVG_NVSP_STAT_FAIL);
	}
	if (control && ch->primary != ch) {
		netvsp_bad(ch, "RNDIS control message on a sub-channel",
			   ch->sub_index);
		return netvsp_complete_rndis(ch, tid, HVG_NVSP_STAT_FAIL);
	}
	/* Data in pages only: the frame need not be copied here first. */
	direct = !control &&
		 m->rndis_pkt.section_index == HVG_NVSP_NO_SECTION &&
		 pkt->desc.type == HVG_PKT_DATA_USING_GPA_DIRECT;
	if (direct)
		total = netvsp_tx_direct(ch, ext, pkt->desc.offset8 * 8 -
					 sizeof(pkt->desc));
	else
		total = netvsp_gather(ch, pkt, ext, m);
	if (total < 0) {
		netvsp_bad(ch, "SEND_RNDIS_PKT with a bad section or page ranges, error",
			   -total);
		return netvsp_complete_rndis(ch, tid,
					     HVG_NVSP_STAT_INVALID_RNDIS_PKT);
	}
	if (control) {
		status = netvsp_tx_control(ch, total);
	} else {
		/* netvsp_tx_direct() returned the status. */
		status = direct ? total : netvsp_tx_data(ch, total);
		if (netvsp_fault_take(NETVSP_FAULT_STOP_TX)) {
			netvsp_count(nic, NETVSP_TX_UNCOMPLETED, 1);
			return 0;
		}
	}
	return netvsp_complete_rndis(ch, tid, status);
}

/* ---------------------------------------------------------------------
 * The service
 */

static int netvsp_on_packet(struct hvg_lh_channel *ch,
			    const struct hvg_ring_pkt *pkt, void *buf)
{
	struct netvsp_chan *nc = netvsp_of(ch);
	struct netvsp_nic *nic = nc->nic;
	bool primary = ch->primary == ch;
	bool want = pkt->desc.flags & HVG_PKT_FLAG_COMPLETION_REQUESTED;
	u64 tid = pkt->desc.trans_id;
	struct hvg_nvsp_guest_msg m;
	u32 version, type = 0, v;
	int ret;

	if (!nic)
		return 0;
	if (nc->comp_stalled) {
		/* The packet whose completion did not fit: only that. */
		if (nc->comp_tid == tid)
			return netvsp_complete(ch, tid, nc->comp_msg,
					       nc->comp_len);
		nc->comp_stalled = false;
	}
	version = READ_ONCE(nic->version);
	if (pkt->desc.type == HVG_PKT_COMP) {
		/* A receive completion: always parsed as NVSP 1 knows it. */
		ret = hvg_nvsp_parse_guest(pkt->data, pkt->data_len,
					   HVG_NVSP_VERSION_1, &m);
		if (ret || m.type != HVG_NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE) {
			netvsp_bad(ch, "completion that is no SEND_RNDIS_PKT_COMPLETE, error",
				   -ret);
			return 0;
		}
		netvsp_rx_done(ch, tid);
		return 0;
	}
	if (pkt->desc.type != HVG_PKT_DATA_INBAND &&
	    pkt->desc.type != HVG_PKT_DATA_USING_GPA_DIRECT) {
		netvsp_bad(ch, "packet type not served", pkt->desc.type);
		return 0;
	}
	if (pkt->data_len >= sizeof(type))
		memcpy(&type, pkt->data, sizeof(type));
	ret = hvg_nvsp_parse_guest(pkt->data, pkt->data_len, version, &m);
	if (ret) {
		netvsp_count(nic, NETVSP_BAD_REQUESTS, 1);
		hvg_lh_chan_count(ch, HVG_LH_CH_DROPPED);
		pr_warn_ratelimited("net relid %u: NVSP message of type %u and %u bytes refused: %s\n",
				    ch->relid, type, pkt->data_len,
				    hvg_nvsp_errname(ret));
		/* A send the guest accounts for gets its completion. */
		if (type == HVG_NVSP_MSG1_SEND_RNDIS_PKT && version)
			return netvsp_complete_rndis(ch, tid,
						     HVG_NVSP_STAT_INVALID_RNDIS_PKT);
		return 0;
	}
	if (m.type == HVG_NVSP_MSG1_SEND_RNDIS_PKT)
		return netvsp_rndis_pkt(ch, pkt, buf, &m);
	if (pkt->desc.type != HVG_PKT_DATA_INBAND || !primary) {
		netvsp_bad(ch, "NVSP control message on a sub-channel or with pages, type",
			   m.type);
		return 0;
	}
	/* Buffers are mapped and freed in process context: in the work. */
	if (hvg_lh_chan_in_signal(ch))
		return HVG_LH_PKT_LATER;
	switch (m.type) {
	case HVG_NVSP_MSG_INIT:
		return netvsp_init(ch, tid, want, &m);
	case HVG_NVSP_MSG2_SEND_NDIS_CONFIG:
		nic->ndis_config = true;
		v = m.ndis_config.mtu;
		if (v < 68 + ETH_HLEN || v > netvsp_mtu() + ETH_HLEN)
			v = ETH_DATA_LEN + ETH_HLEN;
		/* Read by the switch's deliveries (netvsp_rx_frame). */
		spin_lock_bh(&nic->rx_lock);
		nic->mtu = v;
		spin_unlock_bh(&nic->rx_lock);
		break;
	case HVG_NVSP_MSG1_SEND_NDIS_VER:
		if (m.ndis_version.major != HVG_NVSP_NDIS_MAJOR) {
			netvsp_bad(ch, "NDIS major version", m.ndis_version.major);
			break;
		}
		nic->ndis_version = true;
		break;
	case HVG_NVSP_MSG1_SEND_RECV_BUF:
		return netvsp_recv_buf(ch, tid, want, &m);
	case HVG_NVSP_MSG1_SEND_SEND_BUF:
		return netvsp_send_buf(ch, tid, want, &m);
	case HVG_NVSP_MSG1_REVOKE_RECV_BUF:
	case HVG_NVSP_MSG1_REVOKE_SEND_BUF:
		netvsp_revoke(ch, &m);
		break;
	case HVG_NVSP_MSG5_SUBCHANNEL:
		if (!nic->rxbuf.va) {
			netvsp_bad(ch, "SUBCHANNEL before the receive buffer",
				   m.subchannel.num_subchannels);
			return 0;
		}
		nic->sub_requested = m.subchannel.num_subchannels;
		/* The sub-channel work offers them, then answers. */
		hvg_lh_request_subchannels(ch, m.subchannel.num_subchannels,
					   tid, 0);
		return 0;
	case HVG_NVSP_MSG4_SWITCH_DATA_PATH:
		/* No VF here: nothing to switch. An empty completion. */
		return want ? netvsp_complete(ch, tid, NULL, 0) : 0;
	default:
		netvsp_bad(ch, "NVSP message not served", m.type);
		return 0;
	}
	/* Some guests want completions of NDIS_CONFIG/VER: empty ones. */
	return want ? netvsp_complete(ch, tid, NULL, 0) : 0;
}

static void netvsp_on_subchannels(struct hvg_lh_channel *ch,
				  unsigned int total, u64 trans_id, u32 seq)
{
	struct netvsp_nic *nic = netvsp_of(ch)->nic;
	u32 granted = min_t(u32, total, nic->sub_requested);
	u32 table[HVG_NVSP_SEND_TABLE_ENTRIES], i;
	u8 tbl[HVG_NVSP_SEND_TABLE_MSG_SIZE];
	struct hvg_ring_buf b;
	struct hvg_nvsp_buf r;
	int len;

	len = hvg_nvsp_host_subchannel_complete(&r, nic->version,
						granted ? HVG_NVSP_STAT_SUCCESS :
						HVG_NVSP_STAT_FAIL, granted);
	if (len < 0)
		return;
	b = (struct hvg_ring_buf){ r.data, len };
	if (hvg_lh_chan_sendv(ch, HVG_PKT_COMP, 0, trans_id, 0, &b, 1, false))
		pr_warn_ratelimited("net relid %u: SUBCHANNEL completion lost: ring full\n",
				    ch->relid);
	/* M37/M38: the send table, spread over the queues. */
	for (i = 0; i < HVG_NVSP_SEND_TABLE_ENTRIES; i++)
		table[i] = i % (granted + 1);
	len = hvg_nvsp_host_send_table(tbl, sizeof(tbl), table);
	if (len < 0)
		return;
	b = (struct hvg_ring_buf){ tbl, len };
	hvg_lh_chan_sendv(ch, HVG_PKT_DATA_INBAND, 0, 0, 0, &b, 1, false);
}

static struct netvsp_nic *netvsp_nic_new(void)
{
	struct netvsp_nic *nic = kzalloc(sizeof(*nic), GFP_KERNEL);
	unsigned int i;

	if (!nic)
		return NULL;
	INIT_LIST_HEAD(&nic->port);
	rwlock_init(&nic->txbuf_lock);
	spin_lock_init(&nic->rx_lock);
	nic->link_up = true;
	nic->gen = 1;
	for (i = 0; i < NETVSP_NR_STATS; i++)
		atomic64_set(&nic->stats[i], 0);
	mutex_lock(&netvsp_nics_lock);
	nic->index = netvsp_nr_nics++;
	/* Hyper-V's OUI, then a number of our own. */
	nic->perm_mac[0] = 0x00;
	nic->perm_mac[1] = 0x15;
	nic->perm_mac[2] = 0x5d;
	nic->perm_mac[3] = 0x4c;
	nic->perm_mac[4] = nic->index >> 8;
	nic->perm_mac[5] = nic->index + 1;
	list_add_tail(&nic->node, &netvsp_nics);
	mutex_unlock(&netvsp_nics_lock);
	return nic;
}

static u32 netvsp_on_open(struct hvg_lh_channel *ch, const u8 *user_data)
{
	struct netvsp_chan *nc = netvsp_of(ch);
	struct netvsp_nic *nic;

	if (ch->primary == ch) {
		if (!nc->nic)
			nc->nic = netvsp_nic_new();
	} else if (ch->primary && ch->sub_index < NETVSP_MAX_QUEUES) {
		nc->nic = netvsp_of(ch->primary)->nic;
	}
	nic = nc->nic;
	if (!nic)
		return HVG_LH_STATUS_FAIL;
	nc->comp_stalled = false;
	nc->scratch = kvmalloc(NETVSP_TX_MAX, GFP_KERNEL);
	if (!nc->scratch)
		return HVG_LH_STATUS_FAIL;
	if (ch->primary != ch) {
		spin_lock_bh(&nic->rx_lock);
		if (!nic->queues[0] || nic->queues[ch->sub_index]) {
			spin_unlock_bh(&nic->rx_lock);
			kvfree(nc->scratch);
			nc->scratch = NULL;
			return HVG_LH_STATUS_FAIL;
		}
		nic->queues[ch->sub_index] = ch;
		spin_unlock_bh(&nic->rx_lock);
		return 0;
	}
	WRITE_ONCE(nic->version, 0);
	nic->ndis_config = false;
	nic->ndis_version = false;
	nic->sub_requested = 0;
	nic->relid = ch->relid;
	nic->instance = ch->instance;
	spin_lock_bh(&nic->rx_lock);
	hvg_rndis_dev_init(&nic->dev, nic->perm_mac, netvsp_mtu(),
			   netvsp_offered_version(), netvsp_num_queues());
	nic->dev.link_up = nic->link_up;
	nic->queues[0] = ch;
	nic->on_switch = true;
	spin_unlock_bh(&nic->rx_lock);
	netvsp_switch_join(nic);
	return 0;
}

static void netvsp_on_close(struct hvg_lh_channel *ch)
{
	struct netvsp_chan *nc = netvsp_of(ch);
	struct netvsp_nic *nic = nc->nic;
	struct netvsp_buf rb = {};
	u32 *fs = NULL, *st = NULL;
	unsigned int q = ch->sub_index;

	if (!nic)
		return;
	if (ch->primary == ch)
		netvsp_switch_leave(nic);
	spin_lock_bh(&nic->rx_lock);
	if (q < NETVSP_MAX_QUEUES && nic->queues[q] == ch) {
		nic->queues[q] = NULL;
		if (nic->nslots)
			netvsp_slots_drop_queue(nic, q);
	}
	if (ch->primary == ch) {
		nic->on_switch = false;
		nic->dev.initialized = false;
		netvsp_rxbuf_take(nic, &rb, &fs, &st);
	}
	spin_unlock_bh(&nic->rx_lock);
	if (ch->primary == ch) {
		netvsp_rxbuf_free(&rb, fs, st);
		netvsp_txbuf_drop(nic);
		WRITE_ONCE(nic->version, 0);
	}
	kvfree(nc->scratch);
	nc->scratch = NULL;
	nc->comp_stalled = false;
}

static const char * const netvsp_stat_names[NETVSP_NR_STATS] = {
	[NETVSP_TX_PACKETS] = "tx_packets",
	[NETVSP_TX_BYTES] = "tx_bytes",
	[NETVSP_TX_DROPPED] = "tx_dropped",
	[NETVSP_TX_NO_PORT] = "tx_no_port",
	[NETVSP_RX_PACKETS] = "rx_packets",
	[NETVSP_RX_BYTES] = "rx_bytes",
	[NETVSP_RX_NO_BUFFER] = "rx_no_buffer",
	[NETVSP_RX_RING_FULL] = "rx_ring_full",
	[NETVSP_RX_NOT_READY] = "rx_not_ready",
	[NETVSP_RX_TOO_BIG] = "rx_too_big",
	[NETVSP_LSO_SEGMENTS] = "lso_segments",
	[NETVSP_CONTROL] = "rndis_control",
	[NETVSP_BAD_REQUESTS] = "bad_requests",
	[NETVSP_BAD_COMPLETIONS] = "bad_completions",
	[NETVSP_COMPLETIONS] = "rx_completions",
	[NETVSP_TX_UNCOMPLETED] = "tx_uncompleted",
	[NETVSP_INIT_REFUSED] = "init_refused",
	[NETVSP_RSC_FRAMES] = "rsc_frames",
	[NETVSP_RSC_RANGES] = "rsc_ranges",
	[NETVSP_TX_DIRECT] = "tx_direct",
};

static void netvsp_show_nic(struct netvsp_nic *nic, struct seq_file *m)
{
	unsigned int i, queues = 0;
	u32 nfree, nslots, filter, mtu, rss_n, rss_q[4];
	u8 addr[ETH_ALEN], key[HVG_NDIS_RSS_KEY_SIZE];
	bool link, rndis, rss;
	const char *rsc;

	spin_lock_bh(&nic->rx_lock);
	rsc = !nic->dev.rsc ? "not-offered" :
	      hvg_rndis_dev_rsc_on(&nic->dev, false) ||
	      hvg_rndis_dev_rsc_on(&nic->dev, true) ? "on" : "off";
	for (i = 0; i < NETVSP_MAX_QUEUES; i++)
		queues += !!nic->queues[i];
	nfree = nic->nfree;
	nslots = nic->nslots;
	filter = nic->dev.packet_filter;
	link = nic->link_up;
	rndis = nic->dev.initialized;
	ether_addr_copy(addr, nic->dev.mac);
	mtu = nic->mtu;
	rss = nic->dev.rss.enabled;
	rss_n = nic->dev.rss.entries;
	for (i = 0; i < ARRAY_SIZE(rss_q); i++)
		rss_q[i] = i < rss_n ? nic->dev.rss.table[i] : 0;
	memcpy(key, nic->dev.rss.key, sizeof(key));
	spin_unlock_bh(&nic->rx_lock);
	seq_printf(m, " nic=%u mac=%pM nvsp=%#x rndis=%u link=%s filter=%#x queues=%u rx_slots_free=%u/%u",
		   nic->index, nic->perm_mac, READ_ONCE(nic->version), rndis,
		   link ? "up" : "down", filter, queues, nfree, nslots);
	/* The guest's settings: address, NDIS_CONFIG MTU, RSS, RSC. */
	seq_printf(m, " addr=%pM mtu=%u rss=%s rss_entries=%u rss_table=%u,%u,%u,%u rss_key=%*phN rsc=%s",
		   addr, mtu, rss ? "on" : "off", rss_n, rss_q[0], rss_q[1],
		   rss_q[2], rss_q[3], (int)sizeof(key), key, rsc);
	for (i = 0; i < NETVSP_NR_STATS; i++)
		seq_printf(m, " %s=%lld", netvsp_stat_names[i],
			   (long long)atomic64_read(&nic->stats[i]));
}

static void netvsp_show(struct hvg_lh_channel *ch, struct seq_file *m)
{
	struct netvsp_nic *nic = netvsp_of(ch)->nic;

	if (nic && ch->primary == ch)
		netvsp_show_nic(nic, m);
}

const struct hvg_lh_service hvg_lh_netvsp_service = {
	.name = "net",
	.class_id = HVG_GUID_NETWORK,
	.max_subchannels = &netvsp_max_subchannels,
	.priv_size = sizeof(struct netvsp_chan),
	.on_open = netvsp_on_open,
	.on_close = netvsp_on_close,
	.on_packet = netvsp_on_packet,
	.on_subchannels = netvsp_on_subchannels,
	.show = netvsp_show,
	.serve_now = &netvsp_serve_now,
};

/* ---------------------------------------------------------------------
 * Link state and debugfs (loophost_ctl/net)
 */

/* Set @nic's link; tell its guest (INDICATE) if RNDIS is up. */
int hvg_lh_netvsp_set_link(struct netvsp_nic *nic, bool up)
{
	u8 ind[32];
	int n;

	bool changed;

	spin_lock_bh(&nic->rx_lock);
	changed = nic->link_up != up;
	WRITE_ONCE(nic->link_up, up);
	n = hvg_rndis_dev_set_link(&nic->dev, up, ind, sizeof(ind));
	if (n > 0)
		n = netvsp_rx_control(nic, ind, n);
	spin_unlock_bh(&nic->rx_lock);
	if (changed)
		pr_info("net%u (%pM): link %s%s\n", nic->index, nic->perm_mac,
			up ? "up" : "down",
			n < 0 ? " (the guest could not be told)" : "");
	return n < 0 ? n : 0;
}

static struct netvsp_nic *netvsp_nic_find(const char *name)
{
	struct netvsp_nic *nic;
	guid_t g;
	u32 relid = 0;
	bool by_guid = !guid_parse(name, &g);

	if (!by_guid && kstrtou32(name, 0, &relid))
		return NULL;
	list_for_each_entry(nic, &netvsp_nics, node)
		if (by_guid ? guid_equal(&g, &nic->instance) :
			      nic->relid == relid)
			return nic;
	return NULL;
}

static int netvsp_ctl_show(struct seq_file *m, void *unused)
{
	struct netvsp_nic *nic;
	unsigned int f;

	mutex_lock(&netvsp_nics_lock);
	list_for_each_entry(nic, &netvsp_nics, node) {
		seq_printf(m, "relid=%u instance=%pUl", nic->relid,
			   &nic->instance);
		netvsp_show_nic(nic, m);
		seq_putc(m, '\n');
	}
	mutex_unlock(&netvsp_nics_lock);
	for (f = 0; f < NETVSP_FAULT_NR; f++)
		seq_printf(m, "fault %s armed=%d fired=%ld\n",
			   netvsp_fault_names[f],
			   atomic_read(&netvsp_fault_armed[f]),
			   atomic_long_read(&netvsp_fault_fired[f]));
	return 0;
}

static int netvsp_ctl_open(struct inode *inode, struct file *file)
{
	return single_open(file, netvsp_ctl_show, NULL);
}

/*
 * "link <relid|instance|all> up|down", or "fault <name> [count]" (count 1
 * by default; 0 disarms; -1 for stop_tx_completions: until disarmed).
 * @buf is modified.
 */
int hvg_lh_netvsp_command(char *buf)
{
	char *p = strim(buf), *cmd, *a1, *a2;
	struct netvsp_nic *nic;
	int err = 0, n = 1, f;

	cmd = strsep(&p, " \t");
	a1 = strsep(&p, " \t");
	a2 = p ? strim(p) : NULL;
	if (!cmd || !a1)
		return -EINVAL;

	if (!strcmp(cmd, "fault")) {
		f = match_string(netvsp_fault_names, NETVSP_FAULT_NR, a1);
		if (f < 0 || (a2 && *a2 && kstrtoint(a2, 0, &n)))
			return -EINVAL;
		if (n < 0 && f != NETVSP_FAULT_STOP_TX)
			return -EINVAL;
		atomic_set(&netvsp_fault_armed[f], n);
		pr_info("net fault %s armed (%d)\n", netvsp_fault_names[f], n);
		return 0;
	}
	if (strcmp(cmd, "link") || !a2 ||
	    (strcmp(a2, "up") && strcmp(a2, "down")))
		return -EINVAL;
	mutex_lock(&netvsp_nics_lock);
	if (!strcmp(a1, "all")) {
		list_for_each_entry(nic, &netvsp_nics, node)
			hvg_lh_netvsp_set_link(nic, !strcmp(a2, "up"));
	} else {
		nic = netvsp_nic_find(a1);
		if (nic)
			hvg_lh_netvsp_set_link(nic, !strcmp(a2, "up"));
		else
			err = -ENOENT;
	}
	mutex_unlock(&netvsp_nics_lock);
	return err;
}

static ssize_t netvsp_ctl_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char buf[96];
	int err;

	if (!count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	err = hvg_lh_netvsp_command(buf);
	return err ? err : count;
}

static const struct file_operations netvsp_ctl_fops = {
	.owner = THIS_MODULE,
	.open = netvsp_ctl_open,
	.read = seq_read,
	.write = netvsp_ctl_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static struct dentry *netvsp_ctl_file;

void hvg_lh_netvsp_debugfs(struct dentry *root)
{
	struct dentry *dir = debugfs_lookup("loophost_ctl", root);

	if (IS_ERR_OR_NULL(dir))
		return;
	netvsp_ctl_file = debugfs_create_file("net", 0600, dir, NULL,
					      &netvsp_ctl_fops);
	dput(dir);
}

/* ---------------------------------------------------------------------
 * Load and unload
 */

int hvg_lh_netvsp_init(struct hvg_lh_server *srv)
{
	unsigned int i;

	if (netvsp_devices > NETVSP_MAX_DEVICES ||
	    netvsp_mtu_max < NETVSP_MTU_MIN || netvsp_mtu_max > NETVSP_MTU_MAX ||
	    netvsp_max_subchannels >= NETVSP_MAX_QUEUES) {
		pr_err("net_devices=%u net_mtu_max=%u net_max_subchannels=%u: out of range\n",
		       netvsp_devices, netvsp_mtu_max, netvsp_max_subchannels);
		return -EINVAL;
	}
	for (i = 0; i < netvsp_devices; i++) {
		struct netvsp_nic *nic = netvsp_nic_new();
		struct hvg_lh_channel *ch;

		if (!nic)
			return -ENOMEM;
		mutex_lock(&srv->lock);
		ch = hvg_lh_srv_new_device(srv, &hvg_lh_netvsp_service);
		if (!IS_ERR(ch)) {
			netvsp_of(ch)->nic = nic;
			nic->relid = ch->relid;
			nic->instance = ch->instance;
		}
		mutex_unlock(&srv->lock);
		if (IS_ERR(ch))
			return PTR_ERR(ch);
	}
	if (netvsp_devices)
		pr_info("%u synthetic NIC(s) on the virtual switch, NVSP up to %s, MTU up to %u, %u queue(s) each\n",
			netvsp_devices,
			netvsp_version_name(netvsp_offered_version()),
			netvsp_mtu(), netvsp_num_queues());
	return 0;
}

/* After the server is gone: no channel uses a NIC any more. */
void hvg_lh_netvsp_exit(void)
{
	struct netvsp_nic *nic, *tmp;
	unsigned int f;

	mutex_lock(&netvsp_nics_lock);
	list_for_each_entry_safe(nic, tmp, &netvsp_nics, node) {
		list_del(&nic->node);
		kfree(nic);
	}
	netvsp_nr_nics = 0;
	mutex_unlock(&netvsp_nics_lock);
	for (f = 0; f < NETVSP_FAULT_NR; f++)
		atomic_set(&netvsp_fault_armed[f], 0);
}

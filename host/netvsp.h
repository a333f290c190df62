/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netvsp: the loopback host's synthetic NICs (netvsp.c) and the virtual
 * switch that connects them (vswitch.c).
 *
 * Each NIC is one primary channel of the network class plus up to
 * net_max_subchannels sub-channels (queues). The guest speaks NVSP on the
 * primary (INIT, NDIS config and version, the receive and send buffers,
 * SUBCHANNEL) and RNDIS inside NVSP SEND_RNDIS_PKT on every queue (control
 * messages on the primary only). A data packet from one NIC goes to the
 * switch, which hands a copy to every NIC that should see it; the copy is
 * written into that NIC's receive buffer and announced with a transfer-page
 * packet on one of its queues (RSS).
 *
 * Locking, outermost first (srv->lock and the channel locks of
 * server_internal.h are outside all of these, and ch->tx_lock inside):
 *
 *   netvsp_nics_lock (mutex, netvsp.c): the list of NICs, their creation,
 *	and the debugfs controls.
 *   nic->txbuf_lock (rwlock, softirqs off): the send buffer mapping. Read
 *	by every queue's drain while it copies a section (a drain may run in
 *	a guest's signal, in softirq context); written when the buffer is
 *	set up or revoked and at close (unmapped after the unlock).
 *   vswitch lock (rwlock, vswitch.c): the port list. Read while a frame is
 *	forwarded, written when a NIC joins or leaves.
 *   nic->rx_lock (spinlock): everything another NIC's work touches when it
 *	delivers: the receive buffer mapping, the sub-allocation slots, the
 *	queue table, the RNDIS device (its filter, RSS, offloads, MAC, link)
 *	and the switch port's readiness. At most one NIC's rx_lock is held at
 *	a time.
 *
 * Control state (@version, the handshake flags) is written only by the
 * primary channel's work, or by on_open/on_close while that work cannot
 * run; other queues read @version once it is set (READ_ONCE).
 */
#ifndef _HVG_LOOPHOST_NETVSP_H
#define _HVG_LOOPHOST_NETVSP_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <hvguest/nvsp.h>

#include "rndis_dev.h"

struct dentry;
struct hvg_lh_channel;
struct hvg_lh_server;
struct hvg_lh_service;
struct page;
struct seq_file;

/* Send-buffer section size, as Hyper-V and OpenVMM answer. */
#define NETVSP_SECTION_SIZE	6144
/* Buffer sizes accepted: at most 31 MiB (15 MiB up to NVSP 2). */
#define NETVSP_BUF_MAX		(31u << 20)
#define NETVSP_BUF_MAX_V2	HVG_NVSP_RECV_BUF_MAX_V2
/* RNDIS header and the four PPIs a host sends, before the frame. */
#define NETVSP_RX_HDR_MAX	(44 + 4 * 16)
/* Ranges of one coalesced (RSC) receive; a frame needing more is cut. */
#define NETVSP_RSC_MAX_RANGES	64
/* One stream of RNDIS messages from the guest: an LSO frame and headers. */
#define NETVSP_TX_MAX		(HVG_RNDIS_DEV_LSO_FRAME_MAX + 4096)
/* RNDIS messages one SEND_RNDIS_PKT may carry (INIT_C max_pkt_per_msg). */
#define NETVSP_TX_MSGS		HVG_RNDIS_DEV_MAX_PKT_PER_MSG
/* Queues per NIC. */
#define NETVSP_MAX_QUEUES	HVG_NVSP_VRSS_CHANNEL_MAX

/* A guest buffer the host mapped for itself (its pages pinned). */
struct netvsp_buf {
	struct page **pages;
	unsigned int npages;
	void *va;		/* NULL: no buffer */
	u32 size;
	u32 gpadl;
	u16 id;
};

/* The transfer-page header after the descriptor, with one range. */
struct netvsp_xfer {
	u16 pageset_id;
	u8 sender_owns_set;
	u8 reserved;
	u32 range_cnt;
	u32 byte_count;
	u32 byte_offset;
};

static_assert(sizeof(struct netvsp_xfer) == 16);

/* The same header with the ranges of a coalesced (RSC) receive. */
struct netvsp_xfer_rsc {
	u16 pageset_id;
	u8 sender_owns_set;
	u8 reserved;
	u32 range_cnt;
	struct {
		u32 byte_count;
		u32 byte_offset;
	} r[NETVSP_RSC_MAX_RANGES];
};

/* Counters of one NIC (atomic: several works count). */
enum netvsp_stat {
	NETVSP_TX_PACKETS,	/* frames the guest sent */
	NETVSP_TX_BYTES,
	NETVSP_TX_DROPPED,	/* frames refused: malformed, link down */
	NETVSP_TX_NO_PORT,	/* frames no port took (unknown unicast) */
	NETVSP_RX_PACKETS,	/* frames delivered to the guest */
	NETVSP_RX_BYTES,
	NETVSP_RX_NO_BUFFER,	/* dropped: no free receive sub-allocation */
	NETVSP_RX_RING_FULL,	/* dropped: the queue's ring was full */
	NETVSP_RX_NOT_READY,	/* dropped: no buffer, no RNDIS, link down */
	NETVSP_RX_TOO_BIG,	/* dropped: larger than a sub-allocation */
	NETVSP_LSO_SEGMENTS,	/* frames made from LSO sends */
	NETVSP_CONTROL,		/* RNDIS control messages answered */
	NETVSP_BAD_REQUESTS,	/* malformed or out-of-order NVSP/RNDIS */
	NETVSP_BAD_COMPLETIONS,	/* receive completions with a bad id */
	NETVSP_COMPLETIONS,	/* receive completions accepted */
	NETVSP_TX_UNCOMPLETED,	/* send completions withheld (fault) */
	NETVSP_INIT_REFUSED,	/* INITs answered with a failure status */
	NETVSP_RSC_FRAMES,	/* LSO sends delivered coalesced (RSC) */
	NETVSP_RSC_RANGES,	/* receive ranges those took */
	NETVSP_TX_DIRECT,	/* LSO sends the host did not copy whole */
	NETVSP_NR_STATS
};

struct netvsp_nic {
	struct list_head node;		/* netvsp_nics */
	struct list_head port;		/* vswitch ports; vswitch lock */
	unsigned int index;
	u8 perm_mac[6];
	u32 relid;			/* the primary's, for debugfs */
	guid_t instance;

	/* Control state: see the top of this file. */
	u32 version;			/* negotiated NVSP version, 0: none */
	bool ndis_config;
	bool ndis_version;
	u32 mtu;			/* NDIS_CONFIG's, clamped; rx_lock */
	u32 sub_requested;

	rwlock_t txbuf_lock;		/* guards @txbuf, @tx_sections */
	struct netvsp_buf txbuf;
	u32 tx_sections;

	spinlock_t rx_lock;		/* see the top of this file */
	bool on_switch;			/* a port: primary open */
	struct netvsp_buf rxbuf;
	u32 slot_size;			/* sub-allocation bytes */
	u32 nslots;
	u32 nfree;
	u32 *free_slots;		/* stack of free slot indices */
	u32 *slot_state;		/* NETVSP_SLOT_* */
	u32 *slot_next;			/* a coalesced receive's next slot */
	u32 gen;			/* next slot generation */
	/* A coalesced receive being built (rx_lock). */
	u16 rsc_id;
	u32 rsc_slots[NETVSP_RSC_MAX_RANGES];
	u32 rsc_lens[NETVSP_RSC_MAX_RANGES];
	struct netvsp_xfer_rsc xfer;
	struct hvg_lh_channel *queues[NETVSP_MAX_QUEUES];
	struct hvg_rndis_dev dev;
	bool link_up;			/* also WRITE_ONCE: read unlocked */

	atomic64_t stats[NETVSP_NR_STATS];
};

/* Per-channel service state (ch->priv). */
struct netvsp_chan {
	struct netvsp_nic *nic;		/* set at creation (primary) or open */
	u8 *scratch;			/* the work's private copy of a send */
	/* A completion that did not fit in the ring: sent on the retry. */
	bool comp_stalled;
	u64 comp_tid;
	u32 comp_len;
	u8 comp_msg[HVG_NVSP_MSG_SIZE];
};

/* ---------------------------------------------------------------------
 * netvsp.c: the service, its loading (loophost_main.c) and link control
 */
int hvg_lh_netvsp_init(struct hvg_lh_server *srv);
void hvg_lh_netvsp_debugfs(struct dentry *root);
void hvg_lh_netvsp_exit(void);
int hvg_lh_netvsp_set_link(struct netvsp_nic *nic, bool up);
/*
 * The newest NVSP version the NICs accept from the next INIT on (the
 * parameter net_version): "6.1", "6", "5", "4", "2", "1", or "none" (every
 * INIT refused). Return: 0, or -EINVAL for another name.
 */
int hvg_lh_netvsp_set_version(const char *name);
/* A loophost_ctl/net command (modified in place): 0 or -errno. */
int hvg_lh_netvsp_command(char *buf);

/* ---------------------------------------------------------------------
 * netvsp.c, for vswitch.c
 */

/*
 * A send's GPA-direct ranges, checked (netvsp_src_init()), whose bytes are
 * copied from the guest's pages when needed: @ext is in the channel's
 * private copy of the packet.
 */
struct netvsp_src {
	const u8 *ext;
	u32 nranges;
	u32 total;
};

/*
 * A frame the switch delivers, and how the receiver should see it. @data
 * holds @hlen bytes: the whole frame (@hlen == @len), or, for an LSO send
 * the host did not copy (netvsp_tx_direct()), its head, with at least the
 * headers through TCP; the rest is read from @src, where the frame starts
 * at @src_off. Only headers are read at @data; the bytes of a frame go to
 * a receiver with netvsp_frame_copy().
 */
struct netvsp_frame {
	const u8 *data;
	u32 len;
	u32 hlen;
	const struct netvsp_src *src;
	u32 src_off;
	u16 vlan_tci;			/* with @has_vlan */
	bool has_vlan;
	/*
	 * LSO: segment into @mss-byte TCP segments on delivery, or deliver
	 * whole (RSC) to a NIC that takes it.
	 */
	u32 mss;
	u32 l4_offset;
	bool ipv6;
	bool csum_ok;			/* checksums known good */
};

/* Deliver @f to @nic (rx_lock held). Return: 0 or -errno (counted). */
int netvsp_rx_frame(struct netvsp_nic *nic, const struct netvsp_frame *f);

void netvsp_count(struct netvsp_nic *nic, enum netvsp_stat s, u64 n);

/* Copy @len bytes of @f from offset @off (inside the frame) to @dst. */
void netvsp_frame_copy(const struct netvsp_frame *f, u32 off, u8 *dst,
		       u32 len);

/* ---------------------------------------------------------------------
 * vswitch.c
 */
void netvsp_switch_join(struct netvsp_nic *nic);
void netvsp_switch_leave(struct netvsp_nic *nic);

/*
 * Forward one frame from @from (its checksum or LSO request already
 * applied to @f as far as the sender goes). Return: ports that took it.
 */
unsigned int netvsp_switch_forward(struct netvsp_nic *from,
				   const struct netvsp_frame *f);

/* Compute the checksums a TX checksum request asks for, in place. */
int netvsp_tx_csum(u8 *frame, u32 len, const struct hvg_rndis_dev_tx *tx);

/*
 * Segment @f (an LSO frame) into @out, segment @i of @n: writes the
 * headers and payload of that segment with lengths, sequence number, flags
 * and checksums fixed. Return: its length, or -EINVAL.
 */
int netvsp_lso_segment(const struct netvsp_frame *f, u32 i, u8 *out,
		       u32 cap);
/* Segments @f makes (0: malformed). */
u32 netvsp_lso_count(const struct netvsp_frame *f);
/*
 * The headers (through TCP) of @f, an LSO frame, delivered whole: its IP
 * length set for the whole frame, the IPv4 header checksum computed, the
 * TCP checksum left as the sender seeded it (the receiver is told it is
 * not valid). Return: their length, -EINVAL (malformed), -ENOSPC (over
 * @cap) or -E2BIG (the IP length does not fit in 16 bits).
 */
int netvsp_rsc_headers(const struct netvsp_frame *f, u8 *out, u32 cap);

/* Toeplitz hash of a frame's IP addresses (and TCP ports), 0 if none. */
u32 netvsp_rss_hash(const struct hvg_ndis_rss *rss, const u8 *frame,
		    u32 len);

/* Parse Ethernet/IP: L3 offset, IPv6, L4 protocol. False if not IP. */
bool netvsp_frame_ip(const u8 *frame, u32 len, u32 *l3, bool *ipv6,
		     u8 *proto, u32 *l4);

#endif /* _HVG_LOOPHOST_NETVSP_H */

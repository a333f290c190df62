// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_netvsc: the Hyper-V synthetic NIC (driver "hv_netvsc"), a net_device
 * on a VMBus network channel. See Documentation/netvsc.rst.
 *
 * Probe opens the primary channel and runs NVSP: INIT from 6.1 down to 1,
 * NDIS_CONFIG and NDIS_VERSION, the receive buffer (one GPADL; the host
 * picks its sub-allocation geometry, which is checked) and the send buffer
 * (sections of a host-chosen size, checked). Then RNDIS over NVSP:
 * INIT, the queries (frame size, MAC, offload capabilities, link state and
 * speed, RSS capabilities), the offload parameters; with NVSP >= 5 and a
 * host that has several receive queues, sub-channels and RSS. Every wait
 * on the host is bounded by timeout_ms and ended by a rescind.
 *
 * Every channel has a NAPI context: the channel core's receive callback
 * only schedules it and returns HVG_VMBUS_POLL_TAKEN, so the inbound
 * interrupt stays masked until the poll has drained the ring and calls
 * hvg_vmbus_chan_poll_done(). The poll reads completions (transmit,
 * handshake, control), transfer-page packets (received frames and RNDIS
 * control answers and indications, each range checked against the
 * receive buffer and copied before it is parsed) and in-band host
 * messages (the send indirection table). With NVSP 6.1 the host may
 * coalesce (RSC, shown as LRO): the ranges of one packet carry the pieces
 * of one large frame, put together in one skb (nv_rsc_*()).
 *
 * Transmit: the RNDIS PACKET header and its per-packet info are built in
 * a small stack buffer. A frame that fits goes into a send-buffer section;
 * consecutive frames (xmit_more) share a section up to the host's
 * packets-per-message limit, and one SEND_RNDIS_PKT sends the batch.
 * Larger frames get the header pushed into their headroom and go as
 * GPA-direct page ranges, the skb held until the completion. Transaction
 * ids come from a per-queue request-id pool; a completion whose id is not
 * live is dropped and counted.
 */
#define pr_fmt(fmt) "hvg_netvsc: " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/vmalloc.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>
#include <hvguest/compat.h>
#include <hvguest/vmbus_proto.h>

#include "netvsc.h"

static unsigned int timeout_ms = 10000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms,
		 "How long each request of the handshake waits for the host, in ms (default 10000)");

static unsigned int ring_kb = 256;
module_param(ring_kb, uint, 0444);
MODULE_PARM_DESC(ring_kb,
		 "Size of each ring of a channel, each way, in KiB, 16 to 4096 (default 256)");

static unsigned int recv_buf_kb = 16384;
module_param(recv_buf_kb, uint, 0444);
MODULE_PARM_DESC(recv_buf_kb,
		 "Receive buffer per NIC, in KiB, 256 to 31744 (default 16384)");

static unsigned int send_buf_kb = 1024;
module_param(send_buf_kb, uint, 0444);
MODULE_PARM_DESC(send_buf_kb,
		 "Send buffer per NIC, in KiB, 64 to 16384 (default 1024)");

static unsigned int max_queues = 8;
module_param(max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues,
		 "Queues (channels) per NIC at most, also capped by the online CPUs and the host, 1 to 64 (default 8)");

static unsigned int jumbo_mtu = 9000;
module_param(jumbo_mtu, uint, 0444);
MODULE_PARM_DESC(jumbo_mtu,
		 "The largest MTU the receive buffer is sized for at attach, so that a later MTU change up to it needs no new handshake, 1500 to 65521 (default 9000)");

static bool offloads = true;
module_param(offloads, bool, 0444);
MODULE_PARM_DESC(offloads,
		 "Use the checksum and segmentation offloads the host offers (default Y)");

/*
 * A host that answers at once (the loopback host serves a send inside the
 * signal) puts the send's completion in the ring before the signal
 * returns: with the channel's interrupt masked around the send, it is
 * taken on this CPU (hvg_vmbus_chan_quiet_end()) rather than by an
 * interrupt on the channel's target CPU.
 */
static bool quiet_send = true;
module_param(quiet_send, bool, 0644);
MODULE_PARM_DESC(quiet_send,
		 "Mask a queue's channel interrupt around each send while NAPI does not poll it, and take what the host answered meanwhile on the sending CPU (default Y)");

#define NV_PAGE_SIZE	4096u
#define NV_PAGE_SHIFT	12
/* The largest TSO frame: its page ranges fit NV_TX_MAX_PFNS. */
#define NV_TSO_MAX	61440
/* Below this, LSO is not worth its per-packet info. */
#define NV_TSO_MIN	16384

/* netif_napi_add() lost its weight argument in 6.1. */
static void nv_napi_add(struct net_device *ndev, struct napi_struct *napi,
			int (*poll)(struct napi_struct *, int))
{
#if KERNEL_VERSION(6, 1, 0) <= HVG_KVER
	netif_napi_add(ndev, napi, poll);
#else
	netif_napi_add(ndev, napi, poll, NAPI_POLL_WEIGHT);
#endif
}

/* Rate-limited messages naming the VMBus device and the interface. */
#define nv_err_rl(nd, fmt, ...)						\
	({								\
		struct net_device *__n = (nd)->ndev;			\
		dev_err_ratelimited(__n->dev.parent, "%s: " fmt,	\
				    netdev_name(__n), ##__VA_ARGS__);	\
	})
#define nv_warn_rl(nd, fmt, ...)					\
	({								\
		struct net_device *__n = (nd)->ndev;			\
		dev_warn_ratelimited(__n->dev.parent, "%s: " fmt,	\
				     netdev_name(__n), ##__VA_ARGS__);	\
	})

/* eth_hw_addr_set() came in 5.15; dev_addr became const in 5.17. */
static void nv_set_hw_addr(struct net_device *ndev, const u8 *mac)
{
#if KERNEL_VERSION(5, 15, 0) <= HVG_KVER
	eth_hw_addr_set(ndev, mac);
#else
	memcpy(ndev->dev_addr, mac, ETH_ALEN);
#endif
}

/* netif_set_tso_max_size() replaced netif_set_gso_max_size() in 6.0. */
static void nv_set_tso_max(struct net_device *ndev, unsigned int size)
{
#if KERNEL_VERSION(6, 0, 0) <= HVG_KVER
	netif_set_tso_max_size(ndev, size);
#else
	netif_set_gso_max_size(ndev, size);
#endif
}

static u32 nv_timeout_jiffies(void)
{
	return msecs_to_jiffies(clamp_t(u32, READ_ONCE(timeout_ms), 100,
					600000));
}

/*
 * Request-id contexts. A transmit completion's context is either an skb
 * (GPA-direct: held until the host completes) or a send-buffer section,
 * encoded as an odd value (section << 1 | 1): skbs are aligned, so the low
 * bit tells them apart. The handshake and control requests use the
 * addresses of nd->sync and nd->ctl_token.
 */
static void *nv_sec_ctx(u32 sec)
{
	return (void *)(((unsigned long)sec << 1) | 1);
}

static bool nv_ctx_is_sec(const void *ctx, u32 *sec)
{
	unsigned long v = (unsigned long)ctx;

	if (!(v & 1))
		return false;
	*sec = v >> 1;
	return true;
}

static void nv_stat_add(struct nv_qstats *s, u64 *field, u64 n)
{
	u64_stats_update_begin(&s->syncp);
	*field += n;
	u64_stats_update_end(&s->syncp);
}

/* ------------------------------------------------------------------ */
/* Send-buffer sections                                               */

static u32 nv_sec_alloc(struct nv_dev *nd)
{
	u32 n = nd->num_sections, start, i;

	if (!n)
		return HVG_NVSP_NO_SECTION;
	start = raw_smp_processor_id() * 7 % n;
	i = find_next_zero_bit(nd->sec_map, n, start);
	for (;; i = find_next_zero_bit(nd->sec_map, n, i + 1)) {
		if (i >= n) {
			if (!start)
				return HVG_NVSP_NO_SECTION;
			i = find_next_zero_bit(nd->sec_map, start, 0);
			if (i >= start)
				return HVG_NVSP_NO_SECTION;
			start = 0;
		}
		/* Acquire: the host's completion of its last use came first. */
		if (!test_and_set_bit_lock(i, nd->sec_map))
			return i;
	}
}

static void nv_sec_free(struct nv_dev *nd, u32 sec)
{
	/* Release: our writes of the section are done with. */
	if (sec < nd->num_sections)
		clear_bit_unlock(sec, nd->sec_map);
}

/* ------------------------------------------------------------------ */
/* Sending on a channel (nc->lock held, BH off)                      */

/*
 * Send the open batch as one SEND_RNDIS_PKT naming its section.
 * Return: 0 (sent, or nothing to send); -EAGAIN/-EBUSY (kept for later);
 * another error: dropped, the section freed.
 */
static int nv_flush_locked(struct nv_chan *nc)
{
	struct nv_dev *nd = nc->nd;
	struct hvg_nvsp_buf msg;
	int len, ret;
	u64 id;

	if (nc->pend_sec == HVG_NVSP_NO_SECTION)
		return 0;
	len = hvg_nvsp_build_rndis_pkt(&msg, HVG_NVSP_CHANNEL_DATA,
				       nc->pend_sec, nc->pend_len);
	if (len < 0) {
		ret = len;
		goto drop;
	}
	id = hvg_vmbus_rqid_get(nc->rqids, nv_sec_ctx(nc->pend_sec));
	if (!id)
		return -EBUSY;
	/*
	 * Marked first: a host that answers inside the signal has completed
	 * the send before it returns, and NAPI on another CPU may have taken
	 * the completion, which clears the mark; set after, it would stay
	 * and the stall check would reset the NIC. Read by the stall check.
	 */
	WRITE_ONCE(nd->sec_sent[nc->pend_sec], jiffies | 1);
	atomic_inc(&nc->outstanding);
	ret = hvg_vmbus_chan_send(nc->chan, msg.data, len, id,
				  HVG_PKT_FLAG_COMPLETION_REQUESTED);
	if (ret) {
		/* Not sent: no completion comes, the id is still ours. */
		atomic_dec(&nc->outstanding);
		WRITE_ONCE(nd->sec_sent[nc->pend_sec], 0);
		hvg_vmbus_rqid_put(nc->rqids, id);
		if (ret == -EAGAIN)
			return ret;
		goto drop;
	}
	nv_stat_add(&nc->tx, &nc->tx.batches, 1);
	nc->pend_sec = HVG_NVSP_NO_SECTION;
	return 0;

drop:
	nv_stat_add(&nc->tx, &nc->tx.dropped, nc->pend_cnt);
	nv_sec_free(nd, nc->pend_sec);
	nc->pend_sec = HVG_NVSP_NO_SECTION;
	return ret;
}

/* ------------------------------------------------------------------ */
/* Transmit                                                           */

/* The per-packet info of @skb; false if it cannot be described. */
static bool nv_tx_ppi(struct nv_dev *nd, struct sk_buff *skb,
		      struct hvg_rndis_tx_ppi *ppi)
{
	memset(ppi, 0, sizeof(*ppi));
	if (nd->num_chans > 1) {
		ppi->present |= HVG_RNDIS_PI_HASH;
		ppi->hash = skb_get_hash(skb);
	}
	if (skb_vlan_tag_present(skb)) {
		ppi->present |= HVG_RNDIS_PI_VLAN;
		ppi->vlan = hvg_rndis_vlan(skb_vlan_tag_get_id(skb),
					   skb_vlan_tag_get_prio(skb));
	}
	if (skb_is_gso(skb)) {
		bool v6 = skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6;

		/* Headers are rewritten below: they must be ours alone. */
		if (skb_cow_head(skb, 0))
			return false;

		/* The host fills in lengths and checksums per segment. */
		if (!v6) {
			struct iphdr *iph = ip_hdr(skb);

			iph->tot_len = 0;
			iph->check = 0;
			tcp_hdr(skb)->check =
				~csum_tcpudp_magic(iph->saddr, iph->daddr, 0,
						   IPPROTO_TCP, 0);
		} else {
			struct ipv6hdr *ip6 = ipv6_hdr(skb);

			ip6->payload_len = 0;
			tcp_hdr(skb)->check =
				~csum_ipv6_magic(&ip6->saddr, &ip6->daddr, 0,
						 IPPROTO_TCP, 0);
		}
		ppi->present |= HVG_RNDIS_PI_LSO;
		ppi->lso = hvg_rndis_lso_v2(v6, skb_transport_offset(skb),
					    skb_shinfo(skb)->gso_size);
		return true;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		u32 c = (u32)skb_transport_offset(skb) <<
			HVG_RNDIS_TXCSUM_TCP_OFF_SHIFT;
		u8 proto;

		if (skb->protocol == htons(ETH_P_IP)) {
			c |= HVG_RNDIS_TXCSUM_IPV4;
			proto = ip_hdr(skb)->protocol;
		} else if (skb->protocol == htons(ETH_P_IPV6)) {
			c |= HVG_RNDIS_TXCSUM_IPV6;
			proto = ipv6_hdr(skb)->nexthdr;
		} else {
			return skb_checksum_help(skb) == 0;
		}
		if (proto == IPPROTO_TCP)
			c |= HVG_RNDIS_TXCSUM_TCP;
		else if (proto == IPPROTO_UDP)
			c |= HVG_RNDIS_TXCSUM_UDP;
		else
			return skb_checksum_help(skb) == 0;
		/* The offset field has 10 bits. */
		if (skb_transport_offset(skb) > 0x3ff)
			return skb_checksum_help(skb) == 0;
		ppi->present |= HVG_RNDIS_PI_CSUM;
		ppi->csum = c;
	}
	return true;
}

/* One range of physically contiguous bytes, as 4 KiB page frames. */
static int nv_add_range(struct hvg_vmbus_page_range *r, u64 *pfns,
			unsigned int *used, phys_addr_t pa, u32 len)
{
	u32 off = pa & (NV_PAGE_SIZE - 1);
	u32 n = DIV_ROUND_UP(off + len, NV_PAGE_SIZE), i;

	if (*used + n > NV_TX_MAX_PFNS)
		return -E2BIG;
	r->len = len;
	r->offset = off;
	r->npages = n;
	r->pfns = pfns + *used;
	for (i = 0; i < n; i++)
		pfns[*used + i] = (pa >> NV_PAGE_SHIFT) + i;
	*used += n;
	return 0;
}

/*
 * Send @skb (the RNDIS header already pushed) as GPA-direct ranges; the
 * range and page-frame scratch is the channel's (nc->lock held).
 */
static int nv_send_direct(struct nv_chan *nc, struct sk_buff *skb)
{
	struct hvg_vmbus_page_range *ranges = nc->tx_ranges;
	u64 *pfns = nc->tx_pfns;
	struct hvg_nvsp_buf msg;
	unsigned int n = 0, used = 0, i;
	int len, ret;
	u64 id;

	ret = nv_add_range(&ranges[n++], pfns, &used, virt_to_phys(skb->data),
			   skb_headlen(skb));
	for (i = 0; !ret && i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];

		if (!skb_frag_size(f))
			continue;
		ret = nv_add_range(&ranges[n++], pfns, &used,
				   page_to_phys(skb_frag_page(f)) +
				   skb_frag_off(f), skb_frag_size(f));
	}
	if (ret)
		return ret;
	len = hvg_nvsp_build_rndis_pkt(&msg, HVG_NVSP_CHANNEL_DATA,
				       HVG_NVSP_NO_SECTION, 0);
	if (len < 0)
		return len;
	id = hvg_vmbus_rqid_get(nc->rqids, skb);
	if (!id)
		return -EBUSY;
	/* Listed first: the completion may come before the send returns. */
	NV_SKB_CB(skb)->sent = jiffies;
	skb_queue_tail(&nc->inflight, skb);
	atomic_inc(&nc->outstanding);
	ret = hvg_vmbus_chan_send_pages(nc->chan, ranges, n, msg.data, len, id);
	if (ret) {
		atomic_dec(&nc->outstanding);
		if (hvg_vmbus_rqid_put(nc->rqids, id))
			skb_unlink(skb, &nc->inflight);
		return ret;
	}
	return 0;
}

static void nv_tx_stop(struct nv_chan *nc, struct netdev_queue *txq)
{
	netif_tx_stop_queue(txq);
	nv_stat_add(&nc->tx, &nc->tx.stopped, 1);
	/*
	 * Nothing outstanding: no completion will come to wake the queue;
	 * the ring's pending_send_sz still makes the host signal once it
	 * has read, which schedules NAPI, which wakes it. Wake now anyway
	 * when there is nothing in flight at all. Full barrier: the stop
	 * before the re-read; pairs with NAPI's barrier between the
	 * decrement and its netif_tx_queue_stopped() check.
	 */
	smp_mb();
	if (!atomic_read(&nc->outstanding))
		netif_tx_wake_queue(txq);
}

static netdev_tx_t __nv_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct nv_dev *nd = netdev_priv(ndev);
	u16 q = skb_get_queue_mapping(skb);
	struct netdev_queue *txq = netdev_get_tx_queue(ndev, q);
	struct hvg_rndis_tx_ppi ppi;
	u8 hdr[NV_TX_HDR_MAX] __aligned(8);
	struct nv_chan *nc;
	u32 bytes = skb->len, total, align, off;
	int hlen, ret;

	if (!READ_ONCE(nd->attached) || q >= nd->num_chans)
		goto drop_nochan;
	nc = nd->chans[q];
	if (skb_shinfo(skb)->nr_frags + 1 > MAX_SKB_FRAGS &&
	    skb_linearize(skb))
		goto drop;
	if (!nv_tx_ppi(nd, skb, &ppi))
		goto drop;
	hlen = hvg_rndis_build_packet(hdr, sizeof(hdr), &ppi, skb->len);
	if (hlen < 0)
		goto drop;
	total = hlen + skb->len;
	align = nd->pkt_align;

	spin_lock(&nc->lock);
	if (total <= nd->section_size) {
		/* Into the open batch, or a new one. */
		off = ALIGN(nc->pend_len, align);
		if (nc->pend_sec != HVG_NVSP_NO_SECTION &&
		    (off + total > nd->section_size ||
		     nc->pend_cnt >= nd->max_pkt_per_msg)) {
			ret = nv_flush_locked(nc);
			if (ret == -EAGAIN || ret == -EBUSY)
				goto busy;
			off = 0;
		}
		if (nc->pend_sec == HVG_NVSP_NO_SECTION) {
			nc->pend_sec = nv_sec_alloc(nd);
			nc->pend_len = 0;
			nc->pend_cnt = 0;
			off = 0;
		}
		if (nc->pend_sec != HVG_NVSP_NO_SECTION) {
			u8 *dst = (u8 *)nd->send_buf +
				  (size_t)nc->pend_sec * nd->section_size + off;

			/* Pad the previous packet up to the alignment. */
			if (off > nc->pend_len)
				memset(dst - (off - nc->pend_len), 0,
				       off - nc->pend_len);
			memcpy(dst, hdr, hlen);
			skb_copy_bits(skb, 0, dst + hlen, skb->len);
			nc->pend_len = off + total;
			nc->pend_cnt++;
			nv_stat_add(&nc->tx, &nc->tx.copied, 1);
			if (!netdev_xmit_more() ||
			    nc->pend_cnt >= nd->max_pkt_per_msg) {
				ret = nv_flush_locked(nc);
				if (ret == -EAGAIN || ret == -EBUSY)
					nv_tx_stop(nc, txq);
			}
			spin_unlock(&nc->lock);
			nv_stat_add(&nc->tx, &nc->tx.packets, 1);
			nv_stat_add(&nc->tx, &nc->tx.bytes, bytes);
			dev_consume_skb_any(skb);
			return NETDEV_TX_OK;
		}
		/* No free section: GPA-direct, as a large frame goes. */
	}
	ret = nv_flush_locked(nc);
	if (ret == -EAGAIN || ret == -EBUSY)
		goto busy;
	if (skb_cow_head(skb, hlen)) {
		spin_unlock(&nc->lock);
		goto drop;
	}
	memcpy(skb_push(skb, hlen), hdr, hlen);
	ret = nv_send_direct(nc, skb);
	if (ret == -EAGAIN || ret == -EBUSY) {
		skb_pull(skb, hlen);
		goto busy;
	}
	spin_unlock(&nc->lock);
	if (ret) {
		skb_pull(skb, hlen);
		goto drop;
	}
	nv_stat_add(&nc->tx, &nc->tx.direct, 1);
	nv_stat_add(&nc->tx, &nc->tx.packets, 1);
	nv_stat_add(&nc->tx, &nc->tx.bytes, bytes);
	return NETDEV_TX_OK;

busy:
	nv_tx_stop(nc, txq);
	spin_unlock(&nc->lock);
	return NETDEV_TX_BUSY;
drop:
	nv_stat_add(&nc->tx, &nc->tx.dropped, 1);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
drop_nochan:
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static netdev_tx_t nv_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct nv_dev *nd = netdev_priv(ndev);
	u16 q = skb_get_queue_mapping(skb);
	struct hvg_vmbus_channel *chan;
	netdev_tx_t ret;

	if (!READ_ONCE(quiet_send) || !READ_ONCE(nd->attached) ||
	    q >= nd->num_chans)
		return __nv_xmit(skb, ndev);
	/* The channel outlives the call: a detach stops the queues first. */
	chan = nd->chans[q]->chan;
	hvg_vmbus_chan_quiet_begin(chan);
	ret = __nv_xmit(skb, ndev);
	hvg_vmbus_chan_quiet_end(chan);
	return ret;
}

static u16 nv_select_queue(struct net_device *ndev, struct sk_buff *skb,
			   struct net_device *sb_dev)
{
	struct nv_dev *nd = netdev_priv(ndev);
	unsigned int n = ndev->real_num_tx_queues;
	u32 q;

	if (n <= 1)
		return 0;
	q = READ_ONCE(nd->send_table[skb_get_hash(skb) %
				     HVG_NVSP_SEND_TABLE_ENTRIES]);
	return q < n ? q : skb_get_hash(skb) % n;
}

/* ------------------------------------------------------------------ */
/* Receive (NAPI)                                                     */

/* A transmit, handshake or control completion. */
static void nv_completion(struct nv_chan *nc,
			  const struct hvg_vmpacket_desc *desc,
			  const void *data, u32 len)
{
	struct nv_dev *nd = nc->nd;
	struct hvg_nvsp_msg m;
	void *ctx;
	u32 sec;
	int err;

	ctx = hvg_vmbus_rqid_put(nc->rqids, desc->trans_id);
	if (!ctx) {
		atomic_long_inc(&nd->dropped_ids);
		nv_err_rl(nd,
			  "completion with transaction id %#llx of no live request (%u bytes), dropped\n",
			  desc->trans_id, len);
		return;
	}
	if (ctx == &nd->sync) {
		nd->sync.err = hvg_nvsp_parse(data, len, nd->nvsp_version,
					      &nd->sync.msg);
		/* Pairs with the waiter's smp_load_acquire(). */
		smp_store_release(&nd->sync.done, true);
		wake_up(&nd->sync_wq);
		return;
	}
	err = hvg_nvsp_parse(data, len, nd->nvsp_version, &m);
	if (!err && m.type != HVG_NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE)
		err = -HVG_NVSP_E_TYPE;
	if (err) {
		atomic_long_inc(&nd->bad_packets);
		nv_err_rl(nd,
			  "send completion rejected: %s\n",
			  hvg_nvsp_errname(err));
	} else if (m.rndis_pkt_complete.status != HVG_NVSP_STAT_SUCCESS) {
		nv_stat_add(&nc->tx, &nc->tx.errors, 1);
		nv_warn_rl(nd,
			   "host refused a packet: status %u\n",
			   m.rndis_pkt_complete.status);
	}
	if (ctx == &nd->ctl_token) {
		/* Pairs with the requester's smp_load_acquire(). */
		smp_store_release(&nd->ctl_sent, true);
		wake_up(&nd->ctl_wq);
		return;
	}
	if (nv_ctx_is_sec(ctx, &sec)) {
		if (sec < nd->num_sections)
			WRITE_ONCE(nd->sec_sent[sec], 0);
		nv_sec_free(nd, sec);
	} else {
		skb_unlink(ctx, &nc->inflight);
		napi_consume_skb(ctx, 1);
	}
	atomic_dec(&nc->outstanding);
}

static void nv_link_set(struct nv_dev *nd, bool up)
{
	WRITE_ONCE(nd->link_up, up);
	if (up)
		netif_carrier_on(nd->ndev);
	else
		netif_carrier_off(nd->ndev);
}

/* An RNDIS message that is not a data packet, parsed from a copy. */
static void nv_rndis_control(struct nv_dev *nd, const u8 *buf,
			     const struct hvg_rndis_msg *m)
{
	unsigned long flags;
	u32 req_id;

	switch (m->type) {
	case HVG_RNDIS_MSG_INDICATE:
		switch (m->indicate.status) {
		case HVG_RNDIS_STATUS_MEDIA_CONNECT:
			nv_link_set(nd, true);
			break;
		case HVG_RNDIS_STATUS_MEDIA_DISCONNECT:
			nv_link_set(nd, false);
			break;
		case HVG_RNDIS_STATUS_NETWORK_CHANGE:
			/* Down now, up again from process context. */
			nv_link_set(nd, false);
			schedule_work(&nd->link_work);
			break;
		case HVG_RNDIS_STATUS_LINK_SPEED_CHANGE:
			WRITE_ONCE(nd->link_speed_mbps,
				   m->indicate.link_speed / 10000);
			break;
		default:
			break;
		}
		return;
	case HVG_RNDIS_MSG_INIT_C:
		req_id = m->init_c.req_id;
		break;
	case HVG_RNDIS_MSG_QUERY_C:
		req_id = m->query_c.req_id;
		break;
	case HVG_RNDIS_MSG_SET_C:
	case HVG_RNDIS_MSG_KEEPALIVE_C:
		req_id = m->status_c.req_id;
		break;
	default:
		atomic_long_inc(&nd->ctl_unexpected);
		nv_warn_rl(nd,
			   "RNDIS %s from the host not handled\n",
			   hvg_rndis_type_name(m->type));
		return;
	}
	/* ctl_lock: the requester may give up on this id concurrently. */
	spin_lock_irqsave(&nd->ctl_lock, flags);
	if (req_id && req_id == nd->ctl_wait_id && !nd->ctl_done &&
	    m->msg_len <= NV_CTL_RESP_MAX) {
		memcpy(nd->ctl_resp, buf, m->msg_len);
		nd->ctl_msg = *m;
		nd->ctl_err = hvg_rndis_check_reply(m, &nd->ctl_req);
		nd->ctl_done = true;
		spin_unlock_irqrestore(&nd->ctl_lock, flags);
		wake_up(&nd->ctl_wq);
		return;
	}
	spin_unlock_irqrestore(&nd->ctl_lock, flags);
	atomic_long_inc(&nd->ctl_unexpected);
	nv_warn_rl(nd,
		   "RNDIS %s (request id %u, %u bytes) matches no request, dropped\n",
		   hvg_rndis_type_name(m->type), req_id,
		   m->msg_len);
}

/*
 * A checksum the host checked but left invalid in the IPv4 header (a
 * coalesced frame, RXCSUM_IP_INVALID): computed again, once the header is
 * known to fit the frame. @skb->data is at the IP header (a private copy).
 * Return: 0, or -EINVAL if it does not fit.
 */
static int nv_rx_ip_csum(struct sk_buff *skb)
{
	struct iphdr *iph;
	u32 hlen;

	if (!pskb_may_pull(skb, sizeof(*iph)))
		return -EINVAL;
	iph = (struct iphdr *)skb->data;
	hlen = iph->ihl * 4;
	if (hlen < sizeof(*iph) || !pskb_may_pull(skb, hlen))
		return -EINVAL;
	iph = (struct iphdr *)skb->data;
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
	return 0;
}

/*
 * One received frame in @skb (a private copy of it; the linear part
 * holds the start of its headers, the rest may be in fragments), with @p
 * the infos of its RNDIS PACKET (the first one's, for a coalesced frame):
 * its checksum state, VLAN tag and hash, then GRO.
 */
static void nv_rx_deliver(struct nv_chan *nc, struct sk_buff *skb,
			  const struct hvg_rndis_pkt *p)
{
	struct net_device *ndev = nc->nd->ndev;
	bool csum;

	if (skb_headlen(skb) < ETH_HLEN) {
		nv_stat_add(&nc->rx, &nc->rx.errors, 1);
		dev_kfree_skb_any(skb);
		return;
	}
	skb->protocol = eth_type_trans(skb, ndev);
	skb_record_rx_queue(skb, nc->idx);
	skb_checksum_none_assert(skb);
	csum = (p->present & HVG_RNDIS_PI_CSUM) &&
	       (ndev->features & NETIF_F_RXCSUM) &&
	       !(p->csum & (HVG_RNDIS_RXCSUM_TCP_FAILED |
			    HVG_RNDIS_RXCSUM_UDP_FAILED |
			    HVG_RNDIS_RXCSUM_IP_FAILED));
	if (csum && (p->csum & HVG_RNDIS_RXCSUM_IP_OK) &&
	    (p->csum & HVG_RNDIS_RXCSUM_IP_INVALID) &&
	    skb->protocol == htons(ETH_P_IP) && nv_rx_ip_csum(skb)) {
		nv_stat_add(&nc->rx, &nc->rx.errors, 1);
		dev_kfree_skb_any(skb);
		return;
	}
	if (csum && (p->csum & (HVG_RNDIS_RXCSUM_TCP_OK |
				HVG_RNDIS_RXCSUM_UDP_OK))) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		nv_stat_add(&nc->rx, &nc->rx.csum_ok, 1);
	}
	if (p->present & HVG_RNDIS_PI_VLAN) {
		u16 tci = ((p->vlan & HVG_RNDIS_VLAN_ID_MASK) >>
			   HVG_RNDIS_VLAN_ID_SHIFT) |
			  ((p->vlan & HVG_RNDIS_VLAN_PRI_MASK) <<
			   VLAN_PRIO_SHIFT);

		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), tci);
		nv_stat_add(&nc->rx, &nc->rx.vlan, 1);
	}
	if ((p->present & HVG_RNDIS_PI_HASH) && (ndev->features & NETIF_F_RXHASH))
		skb_set_hash(skb, p->hash, PKT_HASH_TYPE_L4);
	nv_stat_add(&nc->rx, &nc->rx.packets, 1);
	nv_stat_add(&nc->rx, &nc->rx.bytes, skb->len);
	napi_gro_receive(&nc->napi, skb);
}

/*
 * Receive segment coalescing: one frame whose pieces are the consecutive
 * ranges of one transfer-page packet, each an RNDIS PACKET with the
 * packet-info id, from a 1ST_FRAG to a LAST_FRAG. It never outlives the
 * packet (nv_rx_xfer()'s stack), so only NAPI touches it.
 *
 * The first fragment is @skb as nv_rx_range() made it (its headers in the
 * linear part); each following one's data is copied from the receive
 * buffer into the queue's RSC pages (nc->rsc_pages, kept from frame to
 * frame so that no part of a page goes unused), one skb fragment per page;
 * @page is set while the skb's last fragment ends where the queue's page
 * is filled to, and so may grow. While @open, @skb NULL
 * means the frame was dropped (and counted): the rest of its fragments are
 * passed over.
 */
struct nv_rsc {
	struct sk_buff *skb;
	struct hvg_rndis_pkt first;	/* the first fragment's infos */
	struct page *page;
	u32 frags;		/* fragments so far, the first included */
	bool open;		/* a first fragment came, its last not yet */
};

/*
 * A coalesced frame dropped: counted in @counter too, and said why (no
 * message without @why: memory, or the caller said it).
 */
static void nv_rsc_drop(struct nv_chan *nc, struct nv_rsc *rsc, u64 *counter,
			const char *why)
{
	if (rsc->skb)
		dev_kfree_skb_any(rsc->skb);
	rsc->skb = NULL;
	rsc->page = NULL;
	nv_stat_add(&nc->rx, counter, 1);
	nv_stat_add(&nc->rx, &nc->rx.rsc_drops, 1);
	if (why)
		nv_err_rl(nc->nd,
			  "coalesced frame dropped after fragment %u: %s\n",
			  rsc->frags, why);
}

/*
 * The queue's next RSC page: the ring's next one, as it is, when no skb
 * holds it any more (no allocation, and with init_on_alloc no zeroing),
 * else a new one. Return: 0 or -ENOMEM.
 */
static int nv_rsc_next_page(struct nv_chan *nc)
{
	const gfp_t gfp = GFP_ATOMIC | __GFP_NOWARN;
	struct page **pp;

	nc->rsc_cur = (nc->rsc_cur + 1) % NV_RSC_PAGES;
	pp = &nc->rsc_pages[nc->rsc_cur];
	/*
	 * Only the queue's own reference left: nobody else can take one,
	 * so the page is ours alone. The acquire orders the last reader's
	 * accesses (before its put_page(), a full barrier) before the copies
	 * into it that follow.
	 */
	if (*pp && page_ref_count(*pp) == 1 && !page_is_pfmemalloc(*pp) &&
	    page_to_nid(*pp) == numa_mem_id()) {
		smp_acquire__after_ctrl_dep();
		nv_stat_add(&nc->rx, &nc->rx.rsc_reused, 1);
	} else {
		if (*pp)
			put_page(*pp);
		*pp = alloc_pages(gfp | __GFP_COMP, NV_RSC_PAGE_ORDER);
		if (!*pp)
			*pp = alloc_page(gfp);
		if (!*pp)
			return -ENOMEM;
	}
	nc->rsc_size = page_size(*pp);
	nc->rsc_used = 0;
	return 0;
}

/*
 * @len bytes of a frame, copied once from @src (the receive buffer, or the
 * head's private copy) into @skb's page fragments, in the queue's current
 * RSC page: the queue holds one reference to each page of its ring, each
 * skb fragment one more. *@last is the page of @skb's last fragment when
 * that fragment ends where the queue's page is filled to (it then grows),
 * else NULL. Return: 0, -ENOMEM, or -EMSGSIZE when the skb has no fragment
 * slot left.
 */
static int nv_rx_frags(struct nv_chan *nc, struct sk_buff *skb,
		       struct page **last, const u8 *src, u32 len)
{
	struct skb_shared_info *sh = skb_shinfo(skb);
	struct page *page;
	u32 n;

	while (len) {
		if (nc->rsc_used == nc->rsc_size && nv_rsc_next_page(nc))
			return -ENOMEM;
		page = nc->rsc_pages[nc->rsc_cur];
		n = min(len, nc->rsc_size - nc->rsc_used);
		if (*last == page) {
			/* Right after the skb's last fragment: it grows. */
			skb_coalesce_rx_frag(skb, sh->nr_frags - 1, n, n);
		} else {
			if (sh->nr_frags >= MAX_SKB_FRAGS)
				return -EMSGSIZE;
			get_page(page);
			skb_add_rx_frag(skb, sh->nr_frags, page, nc->rsc_used,
					n, n);
			*last = page;
		}
		memcpy(page_address(page) + nc->rsc_used, src, n);
		nc->rsc_used += n;
		src += n;
		len -= n;
	}
	return 0;
}

/*
 * A following fragment (@p, parsed from the head of @range) into the
 * frame, within the bounds; else the frame is dropped.
 */
static void nv_rsc_add(struct nv_chan *nc, struct nv_rsc *rsc,
		       const u8 *range, const struct hvg_rndis_pkt *p)
{
	int err;

	if (rsc->frags > NV_RSC_FRAGS_MAX) {
		nv_err_rl(nc->nd,
			  "coalesced frame dropped: more than %u fragments\n",
			  NV_RSC_FRAGS_MAX);
		nv_rsc_drop(nc, rsc, &nc->rx.errors, NULL);
		return;
	}
	if (rsc->skb->len + (u64)p->data_len > NV_RSC_FRAME_MAX) {
		nv_err_rl(nc->nd,
			  "coalesced frame dropped at fragment %u: longer than %u bytes\n",
			  rsc->frags, NV_RSC_FRAME_MAX);
		nv_rsc_drop(nc, rsc, &nc->rx.errors, NULL);
		return;
	}
	/* Inside the range: the parse bounded it by msg_len <= the range. */
	err = nv_rx_frags(nc, rsc->skb, &rsc->page, range + p->data_offset,
			  p->data_len);
	if (err == -EMSGSIZE)
		nv_err_rl(nc->nd,
			  "coalesced frame dropped at fragment %u: more than %u page fragments\n",
			  rsc->frags, (u32)MAX_SKB_FRAGS);
	if (err)
		nv_rsc_drop(nc, rsc, &nc->rx.dropped, NULL);
}

/* The last fragment came: the frame goes up. */
static void nv_rsc_finish(struct nv_chan *nc, struct nv_rsc *rsc)
{
	nv_stat_add(&nc->rx, &nc->rx.rsc_packets, 1);
	nv_stat_add(&nc->rx, &nc->rx.rsc_frags, rsc->frags);
	nv_rx_deliver(nc, rsc->skb, &rsc->first);
	rsc->skb = NULL;
	rsc->page = NULL;
	rsc->open = false;
}

/*
 * A PACKET with the packet-info id, its frame in @skb (@page as
 * nv_rx_frags() left it): a frame of one fragment, the first of several,
 * or one that follows nothing.
 */
static void nv_rsc_start(struct nv_chan *nc, struct nv_rsc *rsc,
			 struct sk_buff *skb, const struct hvg_rndis_pkt *p,
			 struct page *page)
{
	rsc->skb = skb;
	rsc->first = *p;
	rsc->page = page;
	rsc->frags = 1;
	if (!(p->pktinfo_flags & HVG_RNDIS_PKTINFO_1ST_FRAG)) {
		nv_rsc_drop(nc, rsc, &nc->rx.errors,
			    "a following fragment with no first one before it");
		return;
	}
	if (p->pktinfo_flags & HVG_RNDIS_PKTINFO_LAST_FRAG) {
		nv_rsc_finish(nc, rsc);
		return;
	}
	rsc->open = true;
	/* The Ethernet header must be in the linear part. */
	if (skb_headlen(skb) < ETH_HLEN)
		nv_rsc_drop(nc, rsc, &nc->rx.errors,
			    "a first fragment shorter than an Ethernet header");
}

/*
 * A range while a coalesced frame is open: the first @head_len bytes
 * (at most NV_RX_HEAD_MAX) are copied to nc->rx_head and parsed there; a
 * following fragment's data then goes from the receive buffer into the
 * frame, never read. Return: true if the range was a following fragment;
 * false if not (the frame is dropped, and the caller handles the range,
 * whose head is in nc->rx_head).
 */
static bool nv_rsc_next(struct nv_chan *nc, struct nv_rsc *rsc,
			const u8 *range, u32 cnt, u32 *head_len)
{
	struct hvg_rndis_pkt *p;
	struct hvg_rndis_msg m;
	int err;

	*head_len = min_t(u32, cnt, NV_RX_HEAD_MAX);
	memcpy(nc->rx_head, range, *head_len);
	err = hvg_rndis_parse_packet_head(nc->rx_head, *head_len, cnt, &m);
	p = &m.packet;
	if (err || !(p->present & HVG_RNDIS_PI_PKTINFO_ID) ||
	    (p->pktinfo_flags & HVG_RNDIS_PKTINFO_1ST_FRAG)) {
		if (rsc->skb)
			nv_rsc_drop(nc, rsc, &nc->rx.errors,
				    err ? hvg_rndis_errname(err) :
				    !(p->present & HVG_RNDIS_PI_PKTINFO_ID) ?
				    "a frame that is no fragment in the middle" :
				    "a new first fragment in the middle");
		rsc->open = false;
		return false;
	}
	rsc->frags++;
	/* A dropped frame's fragments pass over, up to its last. */
	if (rsc->skb)
		nv_rsc_add(nc, rsc, range, p);
	if (p->pktinfo_flags & HVG_RNDIS_PKTINFO_LAST_FRAG) {
		if (rsc->skb)
			nv_rsc_finish(nc, rsc);
		rsc->open = false;
	}
	return true;
}

/*
 * A range dropped for want of memory (or, split, of skb fragment slots),
 * counted: were it a first fragment, the ones after it pass over
 * (nv_rsc_next() closes this at any other range).
 */
static void nv_rx_drop_range(struct nv_chan *nc, struct nv_rsc *rsc)
{
	nv_stat_add(&nc->rx, &nc->rx.dropped, 1);
	rsc->open = true;
}

/*
 * A range longer than its head, an RNDIS PACKET whose infos and the start
 * of whose frame are in the head's private copy (nc->rx_head, @head_len
 * bytes, parsed there): the frame's headers go into a small linear part,
 * the rest of it into the queue's pages as fragments, copied once, the
 * bytes in the head from its copy and the others from the receive buffer.
 * No allocation of the frame's size per frame: before, an order-2 atomic
 * one for each coalesced frame's first range, zeroed under init_on_alloc.
 * Return: false if the range is not such a PACKET (the caller copies it
 * whole and parses it there, and says what is wrong with it).
 */
static bool nv_rx_split(struct nv_chan *nc, struct nv_rsc *rsc,
			const u8 *range, u32 cnt, u32 head_len)
{
	const struct hvg_rndis_pkt *p;
	struct page *page = NULL;
	struct hvg_rndis_msg m;
	struct sk_buff *skb;
	u32 in_head, hlen;
	u8 *frame;	/* not const: 5.10's eth_get_headlen() takes void * */

	if (hvg_rndis_parse_packet_head(nc->rx_head, head_len, cnt, &m))
		return false;
	p = &m.packet;
	/* The parse put the data after the infos, inside the message. */
	if (p->data_offset > head_len - ETH_HLEN)
		return false;
	frame = nc->rx_head + p->data_offset;
	in_head = min(p->data_len, head_len - p->data_offset);
	/* Clamped: a dissection that fails may return an offset past @in_head. */
	hlen = min(eth_get_headlen(nc->nd->ndev, frame, in_head), in_head);
	skb = napi_alloc_skb(&nc->napi, hlen);
	if (!skb)
		goto drop;
	skb_put_data(skb, frame, hlen);
	if (nv_rx_frags(nc, skb, &page, frame + hlen, in_head - hlen) ||
	    nv_rx_frags(nc, skb, &page, range + p->data_offset + in_head,
			p->data_len - in_head)) {
		dev_kfree_skb_any(skb);
		goto drop;
	}
	if (p->present & HVG_RNDIS_PI_PKTINFO_ID)
		nv_rsc_start(nc, rsc, skb, p, page);
	else
		nv_rx_deliver(nc, skb, p);
	return true;
drop:
	nv_rx_drop_range(nc, rsc);
	return true;
}

/*
 * One range of a transfer-page packet: its head copied and parsed, its
 * frame split into headers and page fragments (nv_rx_split()); or copied
 * out of the receive buffer whole into a new skb, parsed there; or, while
 * a coalesced frame is open, a following fragment of it (nv_rsc_next()).
 */
static void nv_rx_range(struct nv_chan *nc, struct nv_rsc *rsc, u32 off,
			u32 cnt)
{
	struct nv_dev *nd = nc->nd;
	const u8 *range = (const u8 *)nd->recv_buf + off;
	struct hvg_rndis_msg m;
	struct sk_buff *skb;
	u32 head_len = 0;
	int err;

	/* Inside the sub-allocations and no longer than one of them. */
	if (!cnt || cnt > nd->rx_sub_size ||
	    (u64)off + cnt > (u64)nd->rx_sub_size * nd->rx_sub_count) {
		atomic_long_inc(&nd->bad_ranges);
		nv_err_rl(nd,
			  "receive range {offset %u, %u bytes} outside the %u x %u-byte receive buffer, dropped\n",
			  off, cnt, nd->rx_sub_count,
			  nd->rx_sub_size);
		if (rsc->skb)
			nv_rsc_drop(nc, rsc, &nc->rx.errors,
				    "a range outside the receive buffer");
		return;
	}
	if (rsc->open && nv_rsc_next(nc, rsc, range, cnt, &head_len))
		return;
	if (cnt > NV_RX_HEAD_MAX) {
		if (!head_len) {
			head_len = NV_RX_HEAD_MAX;
			memcpy(nc->rx_head, range, head_len);
		}
		if (nv_rx_split(nc, rsc, range, cnt, head_len))
			return;
	}
	skb = napi_alloc_skb(&nc->napi, cnt);
	if (!skb) {
		nv_rx_drop_range(nc, rsc);
		return;
	}
	/*
	 * The one read of the host's bytes: the skb is the private copy (its
	 * first @head_len bytes come from the copy nv_rsc_next() parsed).
	 */
	skb_put_data(skb, nc->rx_head, head_len);
	skb_put_data(skb, range + head_len, cnt - head_len);
	err = hvg_rndis_parse_host(skb->data, cnt, &m);
	if (err) {
		atomic_long_inc(&nd->bad_packets);
		nv_err_rl(nd,
			  "malformed RNDIS message (%u bytes): %s, dropped\n",
			  cnt, hvg_rndis_errname(err));
		dev_kfree_skb_any(skb);
		return;
	}
	if (m.type != HVG_RNDIS_MSG_PACKET) {
		nv_rndis_control(nd, skb->data, &m);
		dev_kfree_skb_any(skb);
	} else {
		skb_pull(skb, m.packet.data_offset);
		skb_trim(skb, m.packet.data_len);
		if (m.packet.present & HVG_RNDIS_PI_PKTINFO_ID)
			nv_rsc_start(nc, rsc, skb, &m.packet, NULL);
		else
			nv_rx_deliver(nc, skb, &m.packet);
	}
}

/* Queue the completion of a transfer-page packet for @nc. */
static void nv_rxc_queue(struct nv_chan *nc, u64 trans_id)
{
	if (nc->rxc_n >= nc->rxc_cap) {
		/* More outstanding than the buffer has slots: a host bug. */
		atomic_long_inc(&nc->nd->bad_packets);
		return;
	}
	nc->rxc[(nc->rxc_head + nc->rxc_n) % nc->rxc_cap] = trans_id;
	nc->rxc_n++;
}

/* Send the queued receive completions; what does not fit waits. */
static void nv_rxc_send(struct nv_chan *nc)
{
	struct hvg_nvsp_buf msg;
	int len, ret = 0;

	if (!nc->rxc_n)
		return;
	len = hvg_nvsp_build_rndis_pkt_complete(&msg, HVG_NVSP_STAT_SUCCESS);
	if (len < 0)
		return;
	spin_lock(&nc->lock);
	while (nc->rxc_n) {
		ret = hvg_vmbus_chan_send_comp(nc->chan, msg.data, len,
					       nc->rxc[nc->rxc_head]);
		if (ret == -EAGAIN)
			break;
		/* Sent, or the channel is gone: either way it is done. */
		nc->rxc_head = (nc->rxc_head + 1) % nc->rxc_cap;
		nc->rxc_n--;
	}
	spin_unlock(&nc->lock);
}

static void nv_rx_xfer(struct nv_chan *nc, const struct hvg_vmpacket_desc *desc,
		       const void *data, u32 len)
{
	struct nv_dev *nd = nc->nd;
	const u8 *hdr = nc->rxpkt;
	u32 hlen = (const u8 *)data - hdr, nranges, i;
	struct nv_rsc rsc = { };
	struct hvg_nvsp_msg m;
	u16 pageset;
	int err;

	/* {u16 pageset id, u8 sender owns, u8, u32 range count, ranges} */
	if (hlen < 8) {
		err = -EBADMSG;
		goto bad;
	}
	memcpy(&pageset, hdr, sizeof(pageset));
	memcpy(&nranges, hdr + 4, sizeof(nranges));
	if (pageset != HVG_NVSP_RECV_BUF_ID || !nranges ||
	    nranges > (hlen - 8) / 8) {
		err = -ERANGE;
		goto bad;
	}
	err = hvg_nvsp_parse(data, len, nd->nvsp_version, &m);
	if (!err && m.type != HVG_NVSP_MSG1_SEND_RNDIS_PKT)
		err = -HVG_NVSP_E_TYPE;
	if (err)
		goto bad;
	for (i = 0; i < nranges; i++) {
		u32 r[2];

		memcpy(r, hdr + 8 + 8 * i, sizeof(r));
		nv_rx_range(nc, &rsc, r[1], r[0]);
	}
	if (rsc.open && rsc.skb)
		nv_rsc_drop(nc, &rsc, &nc->rx.errors,
			    "no last fragment in the transfer-page packet");
	goto complete;

bad:
	atomic_long_inc(&nd->bad_packets);
	nv_err_rl(nd,
		  "malformed transfer-page packet (%u header bytes): %d, dropped\n",
		  hlen, err);
complete:
	/* The sub-allocations go back to the host either way. */
	if (desc->flags & HVG_PKT_FLAG_COMPLETION_REQUESTED)
		nv_rxc_queue(nc, desc->trans_id);
}

static void nv_rx_inband(struct nv_chan *nc, const void *data, u32 len)
{
	struct nv_dev *nd = nc->nd;
	struct hvg_nvsp_msg m;
	unsigned int i;
	int err;

	err = hvg_nvsp_parse(data, len, nd->nvsp_version, &m);
	if (err) {
		atomic_long_inc(&nd->bad_packets);
		nv_err_rl(nd,
			  "in-band NVSP message rejected: %s\n",
			  hvg_nvsp_errname(err));
		return;
	}
	switch (m.type) {
	case HVG_NVSP_MSG5_SEND_INDIRECTION_TABLE:
		for (i = 0; i < HVG_NVSP_SEND_TABLE_ENTRIES; i++)
			WRITE_ONCE(nd->send_table[i], m.send_table.table[i]);
		break;
	case HVG_NVSP_MSG4_SEND_VF_ASSOCIATION:
		/* No VF support: the synthetic path stays. */
		break;
	default:
		netdev_dbg(nd->ndev, "in-band %s ignored\n",
			   hvg_nvsp_type_name(m.type));
		break;
	}
}

static void nv_tx_wake(struct nv_chan *nc)
{
	struct netdev_queue *txq;

	if (!READ_ONCE(nc->nd->attached) ||
	    nc->idx >= nc->nd->ndev->num_tx_queues)
		return;
	txq = netdev_get_tx_queue(nc->nd->ndev, nc->idx);
	/* Pairs with the barrier in nv_tx_stop(). */
	smp_mb();
	if (!netif_tx_queue_stopped(txq))
		return;
	spin_lock(&nc->lock);
	nv_flush_locked(nc);
	spin_unlock(&nc->lock);
	netif_tx_wake_queue(txq);
}

static int nv_napi_poll(struct napi_struct *napi, int budget)
{
	struct nv_chan *nc = container_of(napi, struct nv_chan, napi);
	struct hvg_vmpacket_desc desc;
	const void *data;
	int n = 0, ret;
	u32 len;

	if (!hvg_vmbus_recv_begin(nc->chan)) {
		while (n < budget) {
			ret = hvg_vmbus_recv_next(nc->chan, nc->rxpkt,
						  sizeof(nc->rxpkt), &desc,
						  &data, &len);
			if (!ret)
				break;
			n++;
			if (ret == -ENOBUFS) {
				atomic_long_inc(&nc->nd->bad_packets);
				continue;
			}
			if (ret < 0)
				break;
			switch (desc.type) {
			case HVG_PKT_COMP:
				nv_completion(nc, &desc, data, len);
				break;
			case HVG_PKT_DATA_USING_XFER_PAGES:
				nv_rx_xfer(nc, &desc, data, len);
				break;
			case HVG_PKT_DATA_INBAND:
				nv_rx_inband(nc, data, len);
				break;
			default:
				atomic_long_inc(&nc->nd->bad_packets);
				nv_err_rl(nc->nd,
					  "packet of type %u not expected, dropped\n",
					  desc.type);
				break;
			}
		}
		hvg_vmbus_recv_end(nc->chan);
	}
	nv_rxc_send(nc);
	nv_tx_wake(nc);
	if (n < budget && napi_complete_done(napi, n) &&
	    hvg_vmbus_chan_poll_done(nc->chan))
		napi_schedule(napi);
	return min(n, budget);
}

/* The channel core's callback: hand the channel to NAPI. */
static int nv_chan_cb(struct hvg_vmbus_channel *chan, int budget)
{
	struct nv_chan *nc = hvg_vmbus_chan_get_drvdata(chan);

	napi_schedule(&nc->napi);
	return HVG_VMBUS_POLL_TAKEN;
}

/* ------------------------------------------------------------------ */
/* NVSP handshake                                                     */

static bool nv_sync_done(struct nv_dev *nd)
{
	/* Pairs with NAPI's smp_store_release(): msg is complete. */
	return smp_load_acquire(&nd->sync.done);
}

/*
 * Send an NVSP request on the primary and wait, bounded, for its
 * completion. Return: 0 with the parse result in nd->sync; -ENODEV,
 * -ETIMEDOUT, -EPROTO (malformed answer) or the send's error.
 */
static int nv_sync(struct nv_dev *nd, const struct hvg_nvsp_buf *msg, int len,
		   const char *what)
{
	struct nv_chan *nc = nd->chans[0];
	unsigned long deadline;
	u64 id;
	int ret;

	if (len < 0)
		return len;
	nd->sync.done = false;
	id = hvg_vmbus_rqid_get(nc->rqids, &nd->sync);
	if (!id)
		return -EBUSY;
	spin_lock_bh(&nc->lock);
	ret = hvg_vmbus_chan_send(nc->chan, msg->data, len, id,
				  HVG_PKT_FLAG_COMPLETION_REQUESTED);
	spin_unlock_bh(&nc->lock);
	if (ret) {
		hvg_vmbus_rqid_put(nc->rqids, id);
		return ret;
	}
	deadline = jiffies + nv_timeout_jiffies();
	while (!nv_sync_done(nd)) {
		ret = 0;
		if (hvg_vmbus_chan_rescinded(nd->chan))
			ret = -ENODEV;
		else if (time_after(jiffies, deadline))
			ret = -ETIMEDOUT;
		if (ret) {
			/* Take the id back, unless NAPI has it. */
			if (hvg_vmbus_rqid_put(nc->rqids, id))
				goto failed;
			wait_event_timeout(nd->sync_wq, nv_sync_done(nd), HZ);
			if (!nv_sync_done(nd))
				goto failed;
			break;
		}
		/* The rescind check runs at least every 100 ms. */
		wait_event_timeout(nd->sync_wq, nv_sync_done(nd), HZ / 10);
	}
	if (nd->sync.err) {
		dev_err(&nd->hdev->dev, "NVSP %s: malformed answer: %s\n",
			what, hvg_nvsp_errname(nd->sync.err));
		return -EPROTO;
	}
	return 0;

failed:
	dev_err(&nd->hdev->dev, "NVSP %s: no answer from the host: %d\n",
		what, ret);
	return ret;
}

/* A message that asks for no completion (NDIS_CONFIG, NDIS_VER, REVOKE). */
static int nv_send_nocomp(struct nv_dev *nd, const struct hvg_nvsp_buf *msg,
			  int len)
{
	struct nv_chan *nc = nd->chans[0];
	int ret;

	if (len < 0)
		return len;
	spin_lock_bh(&nc->lock);
	ret = hvg_vmbus_chan_send(nc->chan, msg->data, len, 0, 0);
	spin_unlock_bh(&nc->lock);
	return ret;
}

static int nv_nvsp_init(struct nv_dev *nd)
{
	struct hvg_nvsp_buf msg;
	int len, ret;
	u32 v;

	for (v = hvg_nvsp_version_next(0); v; v = hvg_nvsp_version_next(v)) {
		nd->nvsp_version = 0;
		ret = nv_sync(nd, &msg, hvg_nvsp_build_init(&msg, v), "INIT");
		if (ret)
			return ret;
		ret = hvg_nvsp_check_init(&nd->sync.msg);
		if (!ret)
			break;
		if (ret != -HVG_NVSP_E_STATUS)
			return -EPROTO;
	}
	if (!v) {
		dev_err(&nd->hdev->dev,
			"the host accepts none of the NVSP versions 6.1, 6, 5, 4, 2, 1\n");
		return -EPROTONOSUPPORT;
	}
	nd->nvsp_version = v;

	if (v >= HVG_NVSP_VERSION_2) {
		u64 caps = HVG_NVSP_CAP_IEEE8021Q;

		/* RSC from 6.1 (M24); the offload parameters turn it on. */
		if (v >= HVG_NVSP_VERSION_61)
			caps |= HVG_NVSP_CAP_RSC;
		ret = nv_send_nocomp(nd, &msg,
				     hvg_nvsp_build_ndis_config(&msg, v,
								nd->ndis_mtu + ETH_HLEN,
								caps));
		if (ret)
			return ret;
	}
	ret = nv_send_nocomp(nd, &msg, hvg_nvsp_build_ndis_version(&msg, v));
	if (ret)
		return ret;

	/*
	 * The receive buffer: the host picks the geometry; it is checked.
	 * Hosts of NVSP 2 and older refuse one above 15 MiB.
	 */
	if (v <= HVG_NVSP_VERSION_2)
		nd->recv_size = min(nd->recv_size, HVG_NVSP_RECV_BUF_MAX_V2);
	nd->recv_buf = vzalloc(nd->recv_size);
	if (!nd->recv_buf)
		return -ENOMEM;
	ret = hvg_vmbus_gpadl_create(nd->chan, nd->recv_buf, nd->recv_size,
				     &nd->recv_gpadl);
	if (ret)
		return ret;
	len = hvg_nvsp_build_recv_buf(&msg, nd->recv_gpadl,
				      HVG_NVSP_RECV_BUF_ID);
	ret = nv_sync(nd, &msg, len, "SEND_RECV_BUF");
	if (ret)
		return ret;
	{
		struct hvg_nvsp_recv_geom geom;

		ret = hvg_nvsp_check_recv_buf(&nd->sync.msg, nd->recv_size,
					      &geom);
		if (ret) {
			dev_err(&nd->hdev->dev,
				"receive buffer refused or geometry invalid: %s\n",
				hvg_nvsp_errname(ret));
			return -EPROTO;
		}
		nd->rx_sub_size = geom.sub_alloc_size;
		nd->rx_sub_count = geom.num_sub_allocs;
	}

	nd->send_buf = vzalloc(nd->send_size);
	if (!nd->send_buf)
		return -ENOMEM;
	ret = hvg_vmbus_gpadl_create(nd->chan, nd->send_buf, nd->send_size,
				     &nd->send_gpadl);
	if (ret)
		return ret;
	len = hvg_nvsp_build_send_buf(&msg, nd->send_gpadl,
				      HVG_NVSP_SEND_BUF_ID);
	ret = nv_sync(nd, &msg, len, "SEND_SEND_BUF");
	if (ret)
		return ret;
	ret = hvg_nvsp_check_send_buf(&nd->sync.msg, nd->send_size,
				      &nd->num_sections);
	if (ret) {
		dev_err(&nd->hdev->dev,
			"send buffer refused or section size invalid: %s\n",
			hvg_nvsp_errname(ret));
		return -EPROTO;
	}
	nd->section_size = nd->sync.msg.send_buf.section_size;
	nd->sec_map = bitmap_zalloc(nd->num_sections, GFP_KERNEL);
	nd->sec_sent = kcalloc(nd->num_sections, sizeof(*nd->sec_sent),
			       GFP_KERNEL);
	if (!nd->sec_map || !nd->sec_sent)
		return -ENOMEM;
	dev_info(&nd->hdev->dev,
		 "NVSP %#x; receive buffer %u x %u B, send buffer %u x %u B\n",
		 v, nd->rx_sub_count, nd->rx_sub_size, nd->num_sections,
		 nd->section_size);
	return 0;
}

/* ------------------------------------------------------------------ */
/* RNDIS control                                                      */

static bool nv_ctl_done(struct nv_dev *nd)
{
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&nd->ctl_lock, flags);
	done = nd->ctl_done;
	spin_unlock_irqrestore(&nd->ctl_lock, flags);
	return done;
}

static bool nv_ctl_sent(struct nv_dev *nd)
{
	/* Pairs with NAPI's smp_store_release(). */
	return smp_load_acquire(&nd->ctl_sent);
}

/*
 * Send the RNDIS request of @len bytes in nd->ctl_buf (built with request
 * id @req_id) on the primary as a control SEND_RNDIS_PKT, one GPA-direct
 * range, and wait (bounded) for the send's completion and, unless
 * @no_answer, for the answer. ctl_mutex held.
 * Return: 0 with the answer in nd->ctl_msg/ctl_resp; -ENODEV, -ETIMEDOUT,
 * -EPROTO (an answer that is malformed or a failure status).
 */
static int nv_ctl_request(struct nv_dev *nd, u32 type, u32 req_id, int len,
			  u32 info_cap, bool no_answer)
{
	struct nv_chan *nc = nd->chans[0];
	struct hvg_vmbus_page_range range;
	unsigned long deadline, flags;
	struct hvg_nvsp_buf msg;
	phys_addr_t pa;
	u64 pfn, id;
	int mlen, ret;

	lockdep_assert_held(&nd->ctl_mutex);
	if (len < 0)
		return len;
	spin_lock_irqsave(&nd->ctl_lock, flags);
	nd->ctl_req.type = type;
	nd->ctl_req.req_id = req_id;
	nd->ctl_req.info_cap = info_cap;
	nd->ctl_wait_id = no_answer ? 0 : req_id;
	nd->ctl_done = false;
	spin_unlock_irqrestore(&nd->ctl_lock, flags);
	nd->ctl_sent = false;

	pa = virt_to_phys(nd->ctl_buf);
	pfn = pa >> NV_PAGE_SHIFT;
	range.len = len;
	range.offset = pa & (NV_PAGE_SIZE - 1);
	range.npages = 1;
	range.pfns = &pfn;
	mlen = hvg_nvsp_build_rndis_pkt(&msg, HVG_NVSP_CHANNEL_CONTROL,
					HVG_NVSP_NO_SECTION, 0);
	if (mlen < 0)
		return mlen;
	id = hvg_vmbus_rqid_get(nc->rqids, &nd->ctl_token);
	if (!id)
		return -EBUSY;
	spin_lock_bh(&nc->lock);
	ret = hvg_vmbus_chan_send_pages(nc->chan, &range, 1, msg.data, mlen,
					id);
	spin_unlock_bh(&nc->lock);
	if (ret) {
		hvg_vmbus_rqid_put(nc->rqids, id);
		goto out;
	}
	deadline = jiffies + nv_timeout_jiffies();
	for (;;) {
		if (nv_ctl_sent(nd) && (no_answer || nv_ctl_done(nd)))
			break;
		if (hvg_vmbus_chan_rescinded(nd->chan)) {
			ret = -ENODEV;
			break;
		}
		if (time_after(jiffies, deadline)) {
			ret = -ETIMEDOUT;
			break;
		}
		wait_event_timeout(nd->ctl_wq,
				   nv_ctl_sent(nd) &&
				   (no_answer || nv_ctl_done(nd)), HZ / 10);
	}
	if (ret && !nv_ctl_sent(nd) && !hvg_vmbus_rqid_put(nc->rqids, id)) {
		/* NAPI took the id just now: the send completed. */
		wait_event_timeout(nd->ctl_wq, nv_ctl_sent(nd), HZ);
	}
out:
	spin_lock_irqsave(&nd->ctl_lock, flags);
	nd->ctl_wait_id = 0;
	if (!ret && !no_answer && nd->ctl_err)
		ret = -EPROTO;
	spin_unlock_irqrestore(&nd->ctl_lock, flags);
	if (ret == -ETIMEDOUT)
		netdev_err(nd->ndev, "RNDIS %s (request %u): no answer from the host\n",
			   hvg_rndis_type_name(type), req_id);
	return ret;
}

static u32 nv_ctl_id(struct nv_dev *nd)
{
	if (!++nd->ctl_next_id)
		nd->ctl_next_id = 1;
	return nd->ctl_next_id;
}

/*
 * QUERY @oid; @in/@in_len: the request's information buffer (or NULL);
 * the answer's information buffer into @out (at most @cap bytes).
 * Return: the answer's length, or a negative error.
 */
static int nv_query(struct nv_dev *nd, u32 oid, const void *in, u32 in_len,
		    void *out, u32 cap)
{
	u32 id;
	int ret;

	mutex_lock(&nd->ctl_mutex);
	id = nv_ctl_id(nd);
	ret = nv_ctl_request(nd, HVG_RNDIS_MSG_QUERY, id,
			     hvg_rndis_build_query(nd->ctl_buf, PAGE_SIZE, id,
						   oid, in, in_len),
			     cap, false);
	if (!ret) {
		ret = nd->ctl_msg.query_c.info_len;
		memcpy(out, nd->ctl_resp + nd->ctl_msg.query_c.info_offset,
		       ret);
	}
	mutex_unlock(&nd->ctl_mutex);
	return ret;
}

static int nv_set(struct nv_dev *nd, u32 oid, const void *info, u32 len)
{
	u32 id;
	int ret;

	mutex_lock(&nd->ctl_mutex);
	id = nv_ctl_id(nd);
	ret = nv_ctl_request(nd, HVG_RNDIS_MSG_SET, id,
			     hvg_rndis_build_set(nd->ctl_buf, PAGE_SIZE, id, oid,
						 info, len), 0, false);
	mutex_unlock(&nd->ctl_mutex);
	return ret;
}

static int nv_query_u32(struct nv_dev *nd, u32 oid, u32 *val)
{
	int ret = nv_query(nd, oid, NULL, 0, val, sizeof(*val));

	if (ret >= 0 && ret != sizeof(*val))
		ret = -EPROTO;
	return ret < 0 ? ret : 0;
}

static int nv_set_filter(struct nv_dev *nd, u32 filter)
{
	int ret;

	if (filter == nd->filter)
		return 0;
	ret = nv_set(nd, HVG_OID_GEN_CURRENT_PACKET_FILTER, &filter,
		     sizeof(filter));
	if (!ret)
		nd->filter = filter;
	return ret;
}

/*
 * The offload parameters, into @q (@cap bytes), for what the host offers
 * and what the features want: checksums both ways (receive only with
 * RXCSUM), LSOv2, and where the host coalesces, RSC on with LRO and RXCSUM
 * (a coalesced frame's TCP checksum field is not valid: only a guest that
 * takes the host's word for it may get one), else off.
 * Return: the length, or -ENOSPC.
 */
static int nv_offload_params(struct nv_dev *nd, u8 *q, u32 cap)
{
	struct hvg_ndis_offload_params p = { };
	bool rx = nd->csum_rx && nd->want_rxcsum;

	p.ipv4_csum = HVG_NDIS_OFFLOAD_PARAM_NO_CHANGE;
	if (nd->csum_tx || nd->csum_rx) {
		u8 v = nd->csum_tx && rx ? HVG_NDIS_OFFLOAD_PARAM_TX_RX_ENABLED :
			nd->csum_tx ? HVG_NDIS_OFFLOAD_PARAM_TX_ENABLED_RX_DISABLED :
			rx ? HVG_NDIS_OFFLOAD_PARAM_RX_ENABLED_TX_DISABLED :
			HVG_NDIS_OFFLOAD_PARAM_TX_RX_DISABLED;

		p.tcp_ipv4_csum = v;
		p.tcp_ipv6_csum = v;
		if (nd->nvsp_version > HVG_NVSP_VERSION_4) {
			p.udp_ipv4_csum = v;
			p.udp_ipv6_csum = v;
		}
	}
	if (nd->tso) {
		p.lsov2_ipv4 = HVG_NDIS_LSOV2_ENABLED;
		p.lsov2_ipv6 = HVG_NDIS_LSOV2_ENABLED;
	}
	if (nd->rsc) {
		p.rsc_ipv4 = rx && nd->want_lro ? HVG_NDIS_RSC_ENABLED :
			HVG_NDIS_RSC_DISABLED;
		p.rsc_ipv6 = p.rsc_ipv4;
	}
	return hvg_ndis_build_offload_params(q, cap, nd->nvsp_version, &p);
}

static void nv_offloads(struct nv_dev *nd)
{
	struct hvg_ndis_offload *caps;
	struct net_device *ndev = nd->ndev;
	u8 q[HVG_NDIS_OFFLOAD_SIZE_REV3];
	u32 size;
	int len, ret;

	nd->csum_tx = false;
	nd->csum_rx = false;
	nd->tso = false;
	nd->rsc = false;
	if (!offloads)
		return;
	caps = kzalloc(sizeof(*caps), GFP_KERNEL);
	if (!caps)
		return;
	len = hvg_ndis_build_offload_query(q, sizeof(q), nd->nvsp_version);
	if (len < 0)
		goto out;
	size = len;
	len = nv_query(nd, HVG_OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES, q, size,
		       nd->ctl_buf + PAGE_SIZE / 2, PAGE_SIZE / 2);
	if (len < 0 || hvg_ndis_parse_offload(nd->ctl_buf + PAGE_SIZE / 2, len,
					      size, caps)) {
		netdev_info(ndev, "no offload capabilities from the host: %d\n",
			    len);
		goto out;
	}
	if ((caps->ipv4_tx.flags & HVG_NDIS_CSUM_TCP) &&
	    (caps->ipv4_tx.flags & HVG_NDIS_CSUM_UDP) &&
	    (caps->ipv6_tx.flags & HVG_NDIS_CSUM_TCP) &&
	    (caps->ipv6_tx.flags & HVG_NDIS_CSUM_UDP))
		nd->csum_tx = true;
	if ((caps->ipv4_rx.flags & HVG_NDIS_CSUM_TCP) &&
	    (caps->ipv6_rx.flags & HVG_NDIS_CSUM_TCP))
		nd->csum_rx = true;
	/* LSOv2 both ways, up to what the host takes (and NV_TSO_MAX). */
	nd->tso_max = min3(caps->lsov2_ipv4.max_offload_size,
			   caps->lsov2_ipv6.max_offload_size, (u32)NV_TSO_MAX);
	nd->tso_min_segs = max(caps->lsov2_ipv4.min_segment_count,
			       caps->lsov2_ipv6.min_segment_count);
	/* TCP's GSO frames have two segments at least. */
	if (nd->csum_tx && nd->tso_max >= NV_TSO_MIN &&
	    nd->tso_min_segs <= 2 && nd->nvsp_version >= HVG_NVSP_VERSION_2)
		nd->tso = true;
	/* Coalesced frames: NVSP 6.1, both IP versions, checked checksums. */
	if (nd->csum_rx && nd->nvsp_version >= HVG_NVSP_VERSION_61 &&
	    caps->rsc_ipv4 && caps->rsc_ipv6)
		nd->rsc = true;

	len = nv_offload_params(nd, q, sizeof(q));
	ret = len < 0 ? len :
		nv_set(nd, HVG_OID_TCP_OFFLOAD_PARAMETERS, q, len);
	if (ret) {
		netdev_info(ndev, "offload parameters refused: %d; no offloads\n",
			    ret);
		nd->csum_tx = false;
		nd->csum_rx = false;
		nd->tso = false;
		nd->rsc = false;
		goto out;
	}
	/* UDP TX checksums need NVSP > 4 (not requested before). */
	if (nd->nvsp_version <= HVG_NVSP_VERSION_4) {
		nd->csum_tx = false;
		nd->tso = false;
	}
out:
	kfree(caps);
}

/* SET GEN_RNDIS_CONFIG_PARAMETER "NetworkAddress": the host's current MAC. */
static int nv_send_mac(struct nv_dev *nd, const u8 *mac)
{
	u8 info[HVG_RNDIS_MAC_PARAM_SIZE];
	int len;

	len = hvg_rndis_build_mac_param(info, sizeof(info), mac);
	if (len < 0)
		return len;
	return nv_set(nd, HVG_OID_GEN_RNDIS_CONFIG_PARAMETER, info, len);
}

static int nv_rndis_init(struct nv_dev *nd, bool set_mac)
{
	struct net_device *ndev = nd->ndev;
	u8 mac[ETH_ALEN];
	u32 v, id;
	int ret;

	mutex_lock(&nd->ctl_mutex);
	id = nv_ctl_id(nd);
	ret = nv_ctl_request(nd, HVG_RNDIS_MSG_INIT, id,
			     hvg_rndis_build_init(nd->ctl_buf, PAGE_SIZE, id), 0,
			     false);
	if (!ret) {
		nd->max_pkt_per_msg = clamp_t(u32,
					      nd->ctl_msg.init_c.max_pkt_per_msg,
					      1, 64);
		nd->pkt_align = 1u << nd->ctl_msg.init_c.pkt_align_factor;
		if (nd->pkt_align < 8)
			nd->pkt_align = 8;
	}
	mutex_unlock(&nd->ctl_mutex);
	if (ret) {
		dev_err(&nd->hdev->dev, "RNDIS INIT failed: %d\n", ret);
		return ret;
	}

	/*
	 * The host's largest MTU: ndo_change_mtu allows up to it and attaches
	 * again when the buffers were sized for less (@ndis_mtu).
	 */
	if (!nv_query_u32(nd, HVG_OID_GEN_MAXIMUM_FRAME_SIZE, &v) && v >= 68)
		nd->max_mtu = min_t(u32, v, 65521);
	else
		nd->max_mtu = nd->nvsp_version >= HVG_NVSP_VERSION_2 ?
			      65521 : ETH_DATA_LEN;

	ret = nv_query(nd, HVG_OID_802_3_PERMANENT_ADDRESS, NULL, 0, mac,
		       sizeof(mac));
	if (ret != ETH_ALEN || !is_valid_ether_addr(mac)) {
		dev_err(&nd->hdev->dev, "no valid MAC address from the host: %d\n",
			ret);
		return ret < 0 ? ret : -EPROTO;
	}
	ether_addr_copy(nd->perm_mac, mac);
	if (set_mac)
		nv_set_hw_addr(ndev, mac);

	nv_offloads(nd);

	if (!nv_query_u32(nd, HVG_OID_GEN_MEDIA_CONNECT_STATUS, &v))
		nd->link_up = v == HVG_RNDIS_MEDIA_CONNECTED;
	else
		nd->link_up = true;
	nd->link_speed_mbps = 0;
	nd->num_rx_queues = 1;
	if (nd->nvsp_version >= HVG_NVSP_VERSION_5) {
		struct hvg_ndis_rss_caps caps;
		u8 q[HVG_NDIS_RSS_CAPS_SIZE + 2];
		int len;

		if (!nv_query_u32(nd, HVG_OID_GEN_LINK_SPEED, &v))
			nd->link_speed_mbps = v / 10000;
		len = hvg_ndis_build_rss_caps_query(q, sizeof(q));
		if (len > 0)
			len = nv_query(nd, HVG_OID_GEN_RECEIVE_SCALE_CAPABILITIES,
				       q, len, nd->ctl_buf + PAGE_SIZE / 2,
				       PAGE_SIZE / 2);
		if (len > 0 &&
		    !hvg_ndis_parse_rss_caps(nd->ctl_buf + PAGE_SIZE / 2, len,
					     &caps)) {
			nd->num_rx_queues = clamp_t(u32, caps.num_recv_queues,
						    1, NV_MAX_QUEUES);
			nd->rss_entries = caps.num_indirect_entries;
			if (!nd->rss_entries ||
			    nd->rss_entries > HVG_NDIS_RSS_TABLE_MAX)
				nd->rss_entries = HVG_NDIS_RSS_TABLE_DEFAULT;
		}
	}
	return 0;
}

/* RSS parameters from @rss_table and @rss_key: disabled, then enabled. */
int nv_set_rss(struct nv_dev *nd)
{
	u8 *buf;
	int len, ret;
	u32 hash = HVG_NDIS_HASH_FUNC_TOEPLITZ | HVG_NDIS_HASH_IPV4 |
		   HVG_NDIS_HASH_TCP_IPV4 | HVG_NDIS_HASH_IPV6 |
		   HVG_NDIS_HASH_TCP_IPV6;

	buf = kmalloc(2048, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = hvg_ndis_build_rss_params(buf, 2048, HVG_NDIS_RSS_FLAG_DISABLE,
					hash, nd->rss_table, nd->rss_entries,
					nd->rss_key);
	ret = len < 0 ? len :
		nv_set(nd, HVG_OID_GEN_RECEIVE_SCALE_PARAMETERS, buf, len);
	if (!ret) {
		len = hvg_ndis_build_rss_params(buf, 2048, 0, hash,
						nd->rss_table, nd->rss_entries,
						nd->rss_key);
		ret = len < 0 ? len :
			nv_set(nd, HVG_OID_GEN_RECEIVE_SCALE_PARAMETERS, buf,
			       len);
	}
	kfree(buf);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Channels                                                           */

static struct nv_chan *nv_chan_alloc(struct nv_dev *nd, unsigned int idx)
{
	struct nv_chan *nc;

	nc = kvzalloc(sizeof(*nc), GFP_KERNEL);
	if (!nc)
		return NULL;
	nc->rqids = hvg_vmbus_rqid_create(NV_TX_SLOTS);
	if (!nc->rqids) {
		kvfree(nc);
		return NULL;
	}
	nc->nd = nd;
	nc->idx = idx;
	nc->pend_sec = HVG_NVSP_NO_SECTION;
	spin_lock_init(&nc->lock);
	atomic_set(&nc->outstanding, 0);
	skb_queue_head_init(&nc->inflight);
	u64_stats_init(&nc->tx.syncp);
	u64_stats_init(&nc->rx.syncp);
	nv_napi_add(nd->ndev, &nc->napi, nv_napi_poll);
	return nc;
}

static int nv_chan_open(struct nv_dev *nd, struct nv_chan *nc,
			struct hvg_vmbus_channel *chan)
{
	struct hvg_vmbus_open_params p = {
		.poll = nv_chan_cb,
	};
	int ret;

	p.send_size = clamp_t(u32, ring_kb, 16, 4096) * 1024;
	p.recv_size = p.send_size;
	/* Held until nv_chan_free(): the core may drop a closed sub-channel. */
	hvg_vmbus_chan_get(chan);
	nc->chan = chan;
	hvg_vmbus_chan_set_drvdata(chan, nc);
	napi_enable(&nc->napi);
	nc->napi_on = true;
	ret = hvg_vmbus_chan_open(chan, &p);
	if (ret) {
		napi_disable(&nc->napi);
		nc->napi_on = false;
		dev_err(&nd->hdev->dev, "cannot open channel %u (relid %u): %d\n",
			nc->idx, hvg_vmbus_chan_relid(chan), ret);
		return ret;
	}
	nc->open = true;
	return 0;
}

static void nv_chan_close(struct nv_chan *nc)
{
	if (nc->napi_on) {
		napi_disable(&nc->napi);
		nc->napi_on = false;
	}
	if (nc->open) {
		hvg_vmbus_chan_close(nc->chan);
		nc->open = false;
	}
	/* Not sent by now: the host takes the buffer back with the revoke. */
	nc->rxc_n = 0;
	nc->rxc_head = 0;
}

static void nv_chan_free(struct nv_chan *nc)
{
	unsigned int i;

	/* Whatever the host never completed: skbs (sections go with the
	 * send buffer).
	 */
	skb_queue_purge(&nc->inflight);
	nc->pend_sec = HVG_NVSP_NO_SECTION;
	netif_napi_del(&nc->napi);
	for (i = 0; i < NV_RSC_PAGES; i++)
		if (nc->rsc_pages[i])
			put_page(nc->rsc_pages[i]);
	if (nc->chan)
		hvg_vmbus_chan_put(nc->chan);
	hvg_vmbus_rqid_destroy(nc->rqids);
	kvfree(nc->rxc);
	kvfree(nc);
}

static void nv_subchan(struct hvg_vmbus_channel *sub)
{
	struct hvg_vmbus_device *hdev = hvg_vmbus_chan_device(sub);
	struct nv_dev *nd = hvg_vmbus_get_drvdata(hdev);
	u16 idx = hvg_vmbus_chan_subchan_index(sub);
	struct hvg_vmbus_channel *old = NULL;
	bool used = false;

	if (!nd)
		return;
	spin_lock(&nd->sub_lock);
	/*
	 * A rescinded one gives its index to the new offer: the host
	 * rescinds the sub-channels when the primary closes and offers new
	 * ones with the same indexes on the next request.
	 */
	if (idx && idx < NV_MAX_QUEUES &&
	    (!nd->subs[idx] || hvg_vmbus_chan_rescinded(nd->subs[idx]))) {
		old = nd->subs[idx];
		hvg_vmbus_chan_get(sub);	/* @subs' reference */
		nd->subs[idx] = sub;
		used = true;
	}
	spin_unlock(&nd->sub_lock);
	if (old)
		hvg_vmbus_chan_put(old);
	if (!used)
		dev_warn(&hdev->dev, "sub-channel index %u (relid %u) not used\n",
			 idx, hvg_vmbus_chan_relid(sub));
	wake_up(&nd->sub_wq);
}

/* Sub-channels 1..@n offered and not rescinded? A wait_event() condition. */
static bool nv_have_subs(struct nv_dev *nd, unsigned int n)
{
	struct hvg_vmbus_channel *sub;
	bool have = true;
	unsigned int i;

	spin_lock(&nd->sub_lock);
	for (i = 1; i <= n && have; i++) {
		sub = nd->subs[i];
		have = sub && !hvg_vmbus_chan_rescinded(sub);
	}
	spin_unlock(&nd->sub_lock);
	return have;
}

/*
 * Forget the sub-channels kept in @subs (the rescinded ones only, unless
 * @all), dropping their references. Process context.
 */
static void nv_forget_subs(struct nv_dev *nd, bool all)
{
	struct hvg_vmbus_channel *gone[NV_MAX_QUEUES] = {};
	unsigned int i;

	spin_lock(&nd->sub_lock);
	for (i = 1; i < NV_MAX_QUEUES; i++) {
		if (nd->subs[i] &&
		    (all || hvg_vmbus_chan_rescinded(nd->subs[i]))) {
			gone[i] = nd->subs[i];
			nd->subs[i] = NULL;
		}
	}
	spin_unlock(&nd->sub_lock);
	for (i = 1; i < NV_MAX_QUEUES; i++)
		if (gone[i])
			hvg_vmbus_chan_put(gone[i]);
}

static int nv_rxc_alloc(struct nv_dev *nd, struct nv_chan *nc)
{
	nc->rxc_cap = nd->rx_sub_count + 16;
	nc->rxc = kvcalloc(nc->rxc_cap, sizeof(u64), GFP_KERNEL);
	return nc->rxc ? 0 : -ENOMEM;
}

/* Sub-channels up to @want queues in all; sets nd->num_chans. */
static void nv_open_subchans(struct nv_dev *nd, unsigned int want)
{
	struct hvg_nvsp_buf msg;
	unsigned int i, got;
	int ret;

	nd->num_chans = 1;
	if (want <= 1 || nd->nvsp_version < HVG_NVSP_VERSION_5)
		return;
	ret = nv_sync(nd, &msg,
		      hvg_nvsp_build_subchannel(&msg, nd->nvsp_version,
						want - 1), "SUBCHANNEL");
	if (!ret)
		ret = hvg_nvsp_check_subchannel(&nd->sync.msg, want - 1);
	if (ret) {
		dev_warn(&nd->hdev->dev, "sub-channels refused: %d; one queue\n",
			 ret);
		return;
	}
	got = nd->sync.msg.subchannel.num_subchannels;
	if (!got)
		return;
	/*
	 * Offered now: the host rescinded those of an earlier attach when
	 * the primary closed (Documentation/netvsc.rst).
	 */
	ret = 0;
	if (!wait_event_timeout(nd->sub_wq, nv_have_subs(nd, got),
				nv_timeout_jiffies()))
		ret = -ETIMEDOUT;
	if (ret)
		dev_warn(&nd->hdev->dev,
			 "%u sub-channels granted: %d; using those offered\n",
			 got, ret);
	for (i = 1; i <= got; i++) {
		struct hvg_vmbus_channel *sub;
		struct nv_chan *nc;

		/* Ours while we open it, even if the handler replaces it. */
		spin_lock(&nd->sub_lock);
		sub = nd->subs[i];
		if (sub)
			hvg_vmbus_chan_get(sub);
		spin_unlock(&nd->sub_lock);
		if (!sub)
			break;
		nc = NULL;
		if (!hvg_vmbus_chan_rescinded(sub)) {
			nc = nd->chans[i];
			if (!nc) {
				nc = nv_chan_alloc(nd, i);
				nd->chans[i] = nc;
			}
		}
		if (nc && (nv_rxc_alloc(nd, nc) || nv_chan_open(nd, nc, sub)))
			nc = NULL;
		hvg_vmbus_chan_put(sub);
		if (!nc)
			break;
		nd->num_chans = i + 1;
	}
}

/* ------------------------------------------------------------------ */
/* Attach and detach: the channels, buffers and RNDIS state           */

static void nv_fold_stats(struct nv_dev *nd, struct rtnl_link_stats64 *s);

static void nv_detach(struct nv_dev *nd)
{
	struct nv_chan *chans[NV_MAX_QUEUES];
	struct hvg_nvsp_buf msg;
	unsigned long deadline;
	bool gone = hvg_vmbus_chan_rescinded(nd->chan);
	int i, ret;

	WRITE_ONCE(nd->attached, false);
	/* It reads the sections and queues freed below. */
	cancel_delayed_work_sync(&nd->stall_work);
	/* No transmit runs from here on (NAPI checks @attached to wake). */
	netif_tx_disable(nd->ndev);
	/*
	 * Not after a failed NVSP INIT (@nvsp_version 0): no version, so no
	 * RNDIS and no buffers, and a host that refused every version does
	 * not complete an RNDIS packet (the HALT waited timeout_ms for it).
	 */
	if (nd->chans[0] && nd->chans[0]->open && !gone && nd->nvsp_version) {
		u32 id;

		/* HALT: no answer comes; wait only for the send. */
		mutex_lock(&nd->ctl_mutex);
		id = nv_ctl_id(nd);
		nv_ctl_request(nd, HVG_RNDIS_MSG_HALT, id,
			       hvg_rndis_build_halt(nd->ctl_buf, PAGE_SIZE, id),
			       0, true);
		mutex_unlock(&nd->ctl_mutex);
		/* Then the transmits still in flight, bounded. */
		deadline = jiffies + nv_timeout_jiffies();
		for (i = 0; i < (int)nd->num_chans; i++) {
			struct nv_chan *nc = nd->chans[i];

			spin_lock_bh(&nc->lock);
			nv_flush_locked(nc);
			spin_unlock_bh(&nc->lock);
			while (atomic_read(&nc->outstanding) &&
			       !time_after(jiffies, deadline) &&
			       !hvg_vmbus_chan_rescinded(nd->chan))
				msleep(20);
		}
		if (nd->recv_gpadl)
			nv_send_nocomp(nd, &msg,
				       hvg_nvsp_build_revoke_recv_buf(&msg,
								      HVG_NVSP_RECV_BUF_ID));
		if (nd->send_gpadl)
			nv_send_nocomp(nd, &msg,
				       hvg_nvsp_build_revoke_send_buf(&msg,
								      HVG_NVSP_SEND_BUF_ID));
	}
	/* Sub-channels before the primary. */
	for (i = NV_MAX_QUEUES - 1; i >= 0; i--)
		if (nd->chans[i])
			nv_chan_close(nd->chans[i]);
	/* A wake by a poll that saw @attached before it changed is undone. */
	netif_tx_disable(nd->ndev);
	if (nd->recv_gpadl) {
		ret = hvg_vmbus_gpadl_teardown(nd->chan, nd->recv_gpadl);
		if (ret)
			dev_err(&nd->hdev->dev,
				"receive buffer GPADL not torn down (%d): %u KiB leaked\n",
				ret, nd->recv_size / 1024);
		else
			vfree(nd->recv_buf);
	} else {
		vfree(nd->recv_buf);
	}
	nd->recv_buf = NULL;
	nd->recv_gpadl = 0;
	if (nd->send_gpadl) {
		ret = hvg_vmbus_gpadl_teardown(nd->chan, nd->send_gpadl);
		if (ret)
			dev_err(&nd->hdev->dev,
				"send buffer GPADL not torn down (%d): %u KiB leaked\n",
				ret, nd->send_size / 1024);
		else
			vfree(nd->send_buf);
	} else {
		vfree(nd->send_buf);
	}
	nd->send_buf = NULL;
	nd->send_gpadl = 0;
	memcpy(chans, nd->chans, sizeof(chans));
	/* The counters of the queues that go are kept in the totals. */
	nv_fold_stats(nd, &nd->gone);
	for (i = NV_MAX_QUEUES - 1; i >= 0; i--)
		WRITE_ONCE(nd->chans[i], NULL);
	/* ndo_get_stats64 readers (RCU) are done with the channels. */
	synchronize_net();
	for (i = NV_MAX_QUEUES - 1; i >= 0; i--) {
		struct nv_chan *nc = chans[i];

		if (nc)
			nv_chan_free(nc);
	}
	bitmap_free(nd->sec_map);
	nd->sec_map = NULL;
	kfree(nd->sec_sent);
	nd->sec_sent = NULL;
	nd->num_sections = 0;
	nd->num_chans = 0;
	nd->filter = 0;
	/*
	 * Closing the primary made the host rescind the sub-channels (their
	 * rescinds came before the ring's GPADL_TORNDOWN); a rescinded one
	 * is forgotten (and its reference dropped, so that the core can free
	 * it), so that the next attach's offer takes its index. One whose
	 * rescind is still to come is replaced by nv_subchan().
	 */
	nv_forget_subs(nd, false);
}

static int nv_attach(struct nv_dev *nd, unsigned int want, bool first)
{
	struct net_device *ndev = nd->ndev;
	struct nv_chan *nc;
	unsigned int i;
	int ret;

	nd->ndis_mtu = max_t(u32, ndev->mtu,
			     clamp_t(u32, jumbo_mtu, ETH_DATA_LEN, 65521));
	/* Not past the host's maximum, once a first attach has learnt it. */
	if (nd->max_mtu)
		nd->ndis_mtu = max_t(u32, ndev->mtu,
				     min(nd->ndis_mtu, nd->max_mtu));
	nd->recv_size = clamp_t(u32, recv_buf_kb, 256, 31744) * 1024;
	nd->send_size = clamp_t(u32, send_buf_kb, 64, 16384) * 1024;
	nc = nv_chan_alloc(nd, 0);
	if (!nc)
		return -ENOMEM;
	nd->chans[0] = nc;
	nd->num_chans = 1;
	ret = nv_chan_open(nd, nc, nd->chan);
	if (ret)
		goto fail;
	ret = nv_nvsp_init(nd);
	if (ret)
		goto fail;
	ret = nv_rxc_alloc(nd, nc);
	if (ret)
		goto fail;
	ret = nv_rndis_init(nd, first);
	if (ret)
		goto fail;
	/*
	 * The first attach announces its MTU before it knows the host's
	 * maximum; a host refuses more than that and takes 1500 instead
	 * (OpenVMM: 1514 with the header), so a larger MTU attaches again.
	 */
	if (nd->ndis_mtu > nd->max_mtu)
		nd->ndis_mtu = ETH_DATA_LEN;
	/* An address set by ndo_set_mac_address stays across an attach. */
	if (!first && !ether_addr_equal(ndev->dev_addr, nd->perm_mac)) {
		ret = nv_send_mac(nd, ndev->dev_addr);
		if (ret)
			netdev_warn(ndev, "MAC address %pM refused again by the host (%d): it has %pM\n",
				    ndev->dev_addr, ret, nd->perm_mac);
	}
	want = min3(want, nd->num_rx_queues, num_online_cpus());
	nv_open_subchans(nd, want);
	if (nd->num_chans > 1) {
		/* A table set with ethtool -X stays while it fits the queues. */
		bool keep = netif_is_rxfh_configured(ndev);

		for (i = 0; i < nd->rss_entries; i++)
			keep = keep && nd->rss_table[i] < nd->num_chans;
		for (i = 0; i < nd->rss_entries && !keep; i++)
			nd->rss_table[i] = ethtool_rxfh_indir_default(i,
								      nd->num_chans);
		ret = nv_set_rss(nd);
		if (ret)
			netdev_warn(ndev, "RSS parameters refused: %d\n", ret);
	}
	for (i = 0; i < HVG_NVSP_SEND_TABLE_ENTRIES; i++)
		if (READ_ONCE(nd->send_table[i]) >= nd->num_chans)
			WRITE_ONCE(nd->send_table[i], i % nd->num_chans);
	WRITE_ONCE(nd->attached, true);
	schedule_delayed_work(&nd->stall_work, HZ);
	return 0;

fail:
	nv_detach(nd);
	return ret;
}

/* ------------------------------------------------------------------ */
/* net_device                                                         */

static u32 nv_wanted_filter(struct net_device *ndev)
{
	u32 f;

	if (!netif_running(ndev))
		return 0;
	if (ndev->flags & IFF_PROMISC)
		return HVG_RNDIS_FILTER_PROMISCUOUS;
	f = HVG_RNDIS_FILTER_DIRECTED | HVG_RNDIS_FILTER_BROADCAST;
	if ((ndev->flags & IFF_ALLMULTI) || !netdev_mc_empty(ndev))
		f |= HVG_RNDIS_FILTER_ALL_MULTICAST;
	return f;
}

static void nv_filter_work(struct work_struct *w)
{
	struct nv_dev *nd = container_of(w, struct nv_dev, filter_work);

	rtnl_lock();
	if (READ_ONCE(nd->attached))
		nv_set_filter(nd, nv_wanted_filter(nd->ndev));
	rtnl_unlock();
}

static void nv_link_work(struct work_struct *w)
{
	struct nv_dev *nd = container_of(w, struct nv_dev, link_work);

	/* NETWORK_CHANGE: the link is back after 2 s, as Linux does it. */
	msleep(2000);
	if (READ_ONCE(nd->attached))
		nv_link_set(nd, true);
}

static int nv_open(struct net_device *ndev)
{
	struct nv_dev *nd = netdev_priv(ndev);
	int ret;

	if (!READ_ONCE(nd->attached))
		return -ENODEV;
	ret = nv_set_filter(nd, nv_wanted_filter(ndev));
	if (ret) {
		netdev_err(ndev, "packet filter refused: %d\n", ret);
		return ret;
	}
	if (nd->link_up)
		netif_carrier_on(ndev);
	else
		netif_carrier_off(ndev);
	netif_tx_wake_all_queues(ndev);
	return 0;
}

static int nv_close(struct net_device *ndev)
{
	struct nv_dev *nd = netdev_priv(ndev);

	netif_tx_disable(ndev);
	if (READ_ONCE(nd->attached) && !hvg_vmbus_chan_rescinded(nd->chan))
		nv_set_filter(nd, 0);
	return 0;
}

static void nv_set_rx_mode(struct net_device *ndev)
{
	struct nv_dev *nd = netdev_priv(ndev);

	schedule_work(&nd->filter_work);
}

/* Detach and attach again with @count queues, the MTU as it is (rtnl). */
static int nv_reattach(struct nv_dev *nd, unsigned int count)
{
	struct net_device *ndev = nd->ndev;
	bool up = netif_running(ndev);
	int ret;

	ASSERT_RTNL();
	if (up)
		nv_close(ndev);
	netif_carrier_off(ndev);
	nv_detach(nd);
	ret = nv_attach(nd, count, false);
	if (ret)
		return ret;
	netif_set_real_num_tx_queues(ndev, nd->num_chans);
	netif_set_real_num_rx_queues(ndev, nd->num_chans);
	if (up)
		ret = nv_open(ndev);
	return ret;
}

/*
 * 68 up to the host's maximum (the core refuses more: ndev->max_mtu). Up
 * to what the receive buffer was sized for (@ndis_mtu) it only changes;
 * above, the NIC attaches again and tells the host the new MTU in
 * NDIS_CONFIG, as the host sizes its receive sub-allocations by it.
 */
static int nv_change_mtu(struct net_device *ndev, int mtu)
{
	struct nv_dev *nd = netdev_priv(ndev);
	int old = ndev->mtu, ret;

	if (mtu <= (int)nd->ndis_mtu || !READ_ONCE(nd->attached)) {
		WRITE_ONCE(ndev->mtu, mtu);
		return 0;
	}
	WRITE_ONCE(ndev->mtu, mtu);
	ret = nv_reattach(nd, nd->num_chans);
	if (!ret) {
		netdev_info(ndev, "MTU %d: attached again, the host told\n", mtu);
		return 0;
	}
	netdev_err(ndev, "MTU %d: attach failed (%d); back to %d\n", mtu, ret,
		   old);
	WRITE_ONCE(ndev->mtu, old);
	if (nv_reattach(nd, nd->num_chans))
		netdev_err(ndev, "attach with MTU %d failed too: NIC detached\n",
			   old);
	return ret;
}

/*
 * A new address: the host must take it first (its switch forwards by the
 * address the guest set), then the interface has it.
 */
static int nv_set_mac(struct net_device *ndev, void *p)
{
	struct nv_dev *nd = netdev_priv(ndev);
	struct sockaddr *sa = p;
	int ret;

	ret = eth_prepare_mac_addr_change(ndev, p);
	if (ret)
		return ret;
	if (!READ_ONCE(nd->attached) || hvg_vmbus_chan_rescinded(nd->chan))
		return -ENODEV;
	ret = nv_send_mac(nd, (const u8 *)sa->sa_data);
	if (ret) {
		netdev_err(ndev, "the host refused MAC address %pM: %d\n",
			   sa->sa_data, ret);
		return ret == -EPROTO ? -EADDRNOTAVAIL : ret;
	}
	eth_commit_mac_addr_change(ndev, p);
	return 0;
}

/*
 * LRO (the host's receive segment coalescing) needs RXCSUM: a coalesced
 * frame's TCP checksum field is not valid, only the host's word is.
 */
static netdev_features_t nv_fix_features(struct net_device *ndev,
					 netdev_features_t features)
{
	if (!(features & NETIF_F_RXCSUM))
		features &= ~NETIF_F_LRO;
	return features;
}

/*
 * RXCSUM or LRO changes (rtnl held): new offload parameters, sent at once
 * and waited for; while detached, the next attach sends them. A refusal
 * returns the error, and the core keeps the old features.
 */
static int nv_set_features(struct net_device *ndev,
			   netdev_features_t features)
{
	struct nv_dev *nd = netdev_priv(ndev);
	netdev_features_t changed = ndev->features ^ features;
	bool old_rxcsum = nd->want_rxcsum, old_lro = nd->want_lro;
	u8 q[HVG_NDIS_OFFLOAD_PARAMS_SIZE];
	int len, ret;

	ASSERT_RTNL();
	if (!(changed & (NETIF_F_RXCSUM | NETIF_F_LRO)))
		return 0;
	nd->want_rxcsum = !!(features & NETIF_F_RXCSUM);
	nd->want_lro = !!(features & NETIF_F_LRO);
	if (!READ_ONCE(nd->attached))
		return 0;
	len = nv_offload_params(nd, q, sizeof(q));
	ret = len < 0 ? len :
		nv_set(nd, HVG_OID_TCP_OFFLOAD_PARAMETERS, q, len);
	if (ret) {
		netdev_err(ndev, "offload parameters (rx checksum %s, LRO %s) refused: %d\n",
			   nd->want_rxcsum ? "on" : "off",
			   nd->want_lro ? "on" : "off", ret);
		nd->want_rxcsum = old_rxcsum;
		nd->want_lro = old_lro;
	}
	return ret;
}

/*
 * A queue stopped for the watchdog's time: the host keeps sends that it
 * does not complete, and only a detach (which gives up on them after
 * timeout_ms) gets the sections and request ids back. Done from a work.
 */
static void nv_tx_timeout(struct net_device *ndev, unsigned int txq)
{
	struct nv_dev *nd = netdev_priv(ndev);

	atomic_long_inc(&nd->tx_timeouts);
	nv_warn_rl(nd, "transmit queue %u stalled (the host completes no sends): resetting\n",
		   txq);
	schedule_work(&nd->reset_work);
}

/*
 * Once a second while attached: a send the host has not completed for
 * NV_TX_STALL (a section, or the oldest GPA-direct skb of a queue) is one
 * the host lost, and only a detach gets its section or skb back: reset.
 * A stopped queue is the netdev watchdog's (nv_tx_timeout); this catches
 * the stall that never stops a queue (a socket whose skbs the host keeps
 * blocks on its send buffer first). Detach cancels it before it frees.
 */
static void nv_stall_work(struct work_struct *w)
{
	struct nv_dev *nd = container_of(to_delayed_work(w), struct nv_dev,
					 stall_work);
	unsigned long now = jiffies, t;
	bool stalled = false;
	unsigned int i;

	if (!READ_ONCE(nd->attached))
		return;
	for (i = 0; i < nd->num_sections && !stalled; i++) {
		t = READ_ONCE(nd->sec_sent[i]);
		stalled = t && time_after(now, t + NV_TX_STALL);
	}
	for (i = 0; i < nd->num_chans && !stalled; i++) {
		struct nv_chan *nc = nd->chans[i];
		struct sk_buff *skb;

		/* The list's lock: completions unlink from it. */
		spin_lock_bh(&nc->inflight.lock);
		skb = skb_peek(&nc->inflight);
		stalled = skb && time_after(now, NV_SKB_CB(skb)->sent +
					    NV_TX_STALL);
		spin_unlock_bh(&nc->inflight.lock);
	}
	if (!stalled) {
		schedule_delayed_work(&nd->stall_work, HZ);
		return;
	}
	atomic_long_inc(&nd->tx_timeouts);
	nv_warn_rl(nd, "a send not completed by the host in %u s: resetting\n",
		   NV_TX_STALL / HZ);
	/* The attach after the reset's detach checks again. */
	schedule_work(&nd->reset_work);
}

static void nv_reset_work(struct work_struct *w)
{
	struct nv_dev *nd = container_of(w, struct nv_dev, reset_work);
	int ret;

	rtnl_lock();
	/* Not once remove has begun (it unregisters, then cancels this). */
	if (nd->ndev->reg_state == NETREG_REGISTERED &&
	    READ_ONCE(nd->attached) && !hvg_vmbus_chan_rescinded(nd->chan)) {
		ret = nv_reattach(nd, nd->num_chans);
		if (ret)
			netdev_err(nd->ndev, "reset after a transmit stall failed: %d\n",
				   ret);
		else
			netdev_info(nd->ndev, "reset after a transmit stall: %u queue%s\n",
				    nd->num_chans, nd->num_chans > 1 ? "s" : "");
	}
	rtnl_unlock();
}

/* Add every queue's counters to @s (RCU or rtnl held). */
static void nv_fold_stats(struct nv_dev *nd, struct rtnl_link_stats64 *s)
{
	unsigned int i, start;

	for (i = 0; i < NV_MAX_QUEUES; i++) {
		struct nv_chan *nc = READ_ONCE(nd->chans[i]);
		u64 p, b, d, e;

		if (!nc)
			continue;
		do {
			start = u64_stats_fetch_begin(&nc->tx.syncp);
			p = nc->tx.packets;
			b = nc->tx.bytes;
			d = nc->tx.dropped;
			e = nc->tx.errors;
		} while (u64_stats_fetch_retry(&nc->tx.syncp, start));
		s->tx_packets += p;
		s->tx_bytes += b;
		s->tx_dropped += d;
		s->tx_errors += e;
		do {
			start = u64_stats_fetch_begin(&nc->rx.syncp);
			p = nc->rx.packets;
			b = nc->rx.bytes;
			d = nc->rx.dropped;
			e = nc->rx.errors;
		} while (u64_stats_fetch_retry(&nc->rx.syncp, start));
		s->rx_packets += p;
		s->rx_bytes += b;
		s->rx_dropped += d;
		s->rx_errors += e;
	}
}

static void nv_get_stats64(struct net_device *ndev,
			   struct rtnl_link_stats64 *s)
{
	struct nv_dev *nd = netdev_priv(ndev);

	/* @gone changes only in detach, under rtnl; a torn read is a blip. */
	s->tx_packets = nd->gone.tx_packets;
	s->tx_bytes = nd->gone.tx_bytes;
	s->tx_dropped = nd->gone.tx_dropped;
	s->tx_errors = nd->gone.tx_errors;
	s->rx_packets = nd->gone.rx_packets;
	s->rx_bytes = nd->gone.rx_bytes;
	s->rx_dropped = nd->gone.rx_dropped;
	s->rx_errors = nd->gone.rx_errors;
	rcu_read_lock();
	nv_fold_stats(nd, s);
	rcu_read_unlock();
	s->rx_errors += atomic_long_read(&nd->bad_packets) +
			atomic_long_read(&nd->bad_ranges);
}

static const struct net_device_ops nv_netdev_ops = {
	.ndo_open = nv_open,
	.ndo_stop = nv_close,
	.ndo_start_xmit = nv_xmit,
	.ndo_select_queue = nv_select_queue,
	.ndo_set_rx_mode = nv_set_rx_mode,
	.ndo_change_mtu = nv_change_mtu,
	.ndo_fix_features = nv_fix_features,
	.ndo_set_features = nv_set_features,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_set_mac_address = nv_set_mac,
	.ndo_tx_timeout = nv_tx_timeout,
	.ndo_get_stats64 = nv_get_stats64,
};

/* ethtool -L: detach and attach again with @count queues (rtnl held). */
int nv_change_channels(struct nv_dev *nd, unsigned int count)
{
	int ret = nv_reattach(nd, count);

	if (ret)
		netdev_err(nd->ndev, "re-attach with %u queues failed: %d\n",
			   count, ret);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Probe and remove                                                   */

static int nv_probe(struct hvg_vmbus_device *hdev,
		    const struct hv_vmbus_device_id *id)
{
	struct net_device *ndev;
	struct nv_dev *nd;
	unsigned int want;
	int ret;

	ndev = alloc_etherdev_mq(sizeof(*nd), NV_MAX_QUEUES);
	if (!ndev)
		return -ENOMEM;
	SET_NETDEV_DEV(ndev, &hdev->dev);
	nd = netdev_priv(ndev);
	nd->ndev = ndev;
	nd->hdev = hdev;
	nd->chan = hdev->channel;
	mutex_init(&nd->ctl_mutex);
	spin_lock_init(&nd->sub_lock);
	spin_lock_init(&nd->ctl_lock);
	init_waitqueue_head(&nd->ctl_wq);
	init_waitqueue_head(&nd->sync_wq);
	init_waitqueue_head(&nd->sub_wq);
	INIT_WORK(&nd->link_work, nv_link_work);
	INIT_WORK(&nd->filter_work, nv_filter_work);
	INIT_WORK(&nd->reset_work, nv_reset_work);
	INIT_DELAYED_WORK(&nd->stall_work, nv_stall_work);
	netdev_rss_key_fill(nd->rss_key, sizeof(nd->rss_key));
	nd->rss_entries = HVG_NDIS_RSS_TABLE_DEFAULT;
	nd->ctl_buf = (u8 *)__get_free_page(GFP_KERNEL);
	nd->ctl_resp = kmalloc(NV_CTL_RESP_MAX, GFP_KERNEL);
	if (!nd->ctl_buf || !nd->ctl_resp) {
		ret = -ENOMEM;
		goto err_free;
	}
	ndev->netdev_ops = &nv_netdev_ops;
	ndev->ethtool_ops = &nv_ethtool_ops;
	ndev->min_mtu = ETH_MIN_MTU;
	ndev->max_mtu = ETH_DATA_LEN;
	ndev->needed_headroom = NV_TX_HDR_MAX;
	ndev->watchdog_timeo = 5 * HZ;
	/* The host takes a new address while the NIC runs. */
	ndev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	netif_carrier_off(ndev);

	hvg_vmbus_set_drvdata(hdev, nd);
	hvg_vmbus_set_subchan_handler(nd->chan, nv_subchan);
	want = clamp_t(unsigned int, max_queues, 1, NV_MAX_QUEUES);
	/* Every offload the host has, on by default. */
	nd->want_rxcsum = true;
	nd->want_lro = true;
	ret = nv_attach(nd, want, true);
	if (ret)
		goto err_handler;
	/*
	 * The features follow what this attach found; a later attach asks
	 * the host for no more than they show.
	 */
	nd->want_rxcsum = nd->csum_rx;
	nd->want_lro = nd->rsc;

	ndev->max_mtu = nd->max_mtu;
	ndev->hw_features = NETIF_F_SG | NETIF_F_RXHASH;
	if (nd->csum_tx)
		ndev->hw_features |= NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM;
	if (nd->csum_rx)
		ndev->hw_features |= NETIF_F_RXCSUM;
	if (nd->tso)
		ndev->hw_features |= NETIF_F_TSO | NETIF_F_TSO6;
	/* The host's coalescing, as LRO: the core turns it off to forward. */
	if (nd->rsc)
		ndev->hw_features |= NETIF_F_LRO;
	ndev->hw_features |= NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_CTAG_RX;
	ndev->features = ndev->hw_features;
	ndev->vlan_features = ndev->features & ~(NETIF_F_HW_VLAN_CTAG_TX |
						 NETIF_F_HW_VLAN_CTAG_RX);
	if (nd->tso)
		nv_set_tso_max(ndev, nd->tso_max);
	netif_set_real_num_tx_queues(ndev, nd->num_chans);
	netif_set_real_num_rx_queues(ndev, nd->num_chans);

	ret = register_netdev(ndev);
	if (ret) {
		dev_err(&hdev->dev, "register_netdev failed: %d\n", ret);
		goto err_detach;
	}
	netdev_info(ndev, "%pM, %u queue%s, MTU up to %u%s%s%s%s\n",
		    ndev->dev_addr, nd->num_chans, nd->num_chans > 1 ? "s" : "",
		    ndev->max_mtu, nd->csum_tx ? ", tx checksum" : "",
		    nd->csum_rx ? ", rx checksum" : "", nd->tso ? ", TSO" : "",
		    nd->rsc ? ", LRO (RSC)" : "");
	return 0;

err_detach:
	nv_detach(nd);
err_handler:
	hvg_vmbus_set_subchan_handler(nd->chan, NULL);
	nv_forget_subs(nd, true);
	hvg_vmbus_set_drvdata(hdev, NULL);
err_free:
	free_page((unsigned long)nd->ctl_buf);
	kfree(nd->ctl_resp);
	mutex_destroy(&nd->ctl_mutex);
	free_netdev(ndev);
	return ret;
}

static void nv_remove(struct hvg_vmbus_device *hdev)
{
	struct nv_dev *nd = hvg_vmbus_get_drvdata(hdev);
	struct net_device *ndev = nd->ndev;

	unregister_netdev(ndev);
	cancel_work_sync(&nd->filter_work);
	cancel_work_sync(&nd->link_work);
	/* The stall check, then the reset it may have asked for (which
	 * attaches nothing now that the device is unregistered).
	 */
	cancel_delayed_work_sync(&nd->stall_work);
	cancel_work_sync(&nd->reset_work);
	hvg_vmbus_set_subchan_handler(nd->chan, NULL);
	rtnl_lock();
	nv_detach(nd);
	rtnl_unlock();
	nv_forget_subs(nd, true);
	if (atomic_long_read(&nd->bad_packets) ||
	    atomic_long_read(&nd->dropped_ids) ||
	    atomic_long_read(&nd->bad_ranges))
		dev_info(&hdev->dev,
			 "dropped %ld malformed packets, %ld completions of no live request, %ld ranges outside the receive buffer\n",
			 atomic_long_read(&nd->bad_packets),
			 atomic_long_read(&nd->dropped_ids),
			 atomic_long_read(&nd->bad_ranges));
	hvg_vmbus_set_drvdata(hdev, NULL);
	free_page((unsigned long)nd->ctl_buf);
	kfree(nd->ctl_resp);
	mutex_destroy(&nd->ctl_mutex);
	free_netdev(ndev);
}

static const struct hv_vmbus_device_id nv_id_table[] = {
	{ .guid = HVG_GUID_NETWORK },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, nv_id_table);

static struct hvg_vmbus_driver nv_driver = {
	.name = NV_DRV_NAME,
	.id_table = nv_id_table,
	.probe = nv_probe,
	.remove = nv_remove,
};

static int __init hvg_netvsc_init(void)
{
	return hvg_vmbus_driver_register(&nv_driver);
}

static void __exit hvg_netvsc_exit(void)
{
	hvg_vmbus_driver_unregister(&nv_driver);
}

module_init(hvg_netvsc_init);
module_exit(hvg_netvsc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hyper-V synthetic network driver (hvguest)");

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvg_netvsc internals shared by netvsc_main.c (the device: NVSP, RNDIS,
 * the data path) and netvsc_ethtool.c.
 */
#ifndef _HVGUEST_NETVSC_H
#define _HVGUEST_NETVSC_H

#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <hvguest/vmbus.h>
#include <hvguest/nvsp.h>
#include <hvguest/rndis.h>

#include "nvsp_msg.h"
#include "rndis_msg.h"

#define NV_DRV_NAME		"hv_netvsc"
#define NV_MAX_QUEUES		HVG_NVSP_VRSS_CHANNEL_MAX
/* A received transfer-page packet: its header, ranges and NVSP message. */
#define NV_RXPKT_SIZE		8192
/* The largest RNDIS control answer accepted: INIT_C plus 4 KiB. */
#define NV_CTL_RESP_MAX		(52 + 4096)
/* Room for the RNDIS packet header and four 16-byte PPIs. */
#define NV_TX_HDR_MAX		128
/* Page frame numbers one GPA-direct send may name. */
#define NV_TX_MAX_PFNS		80
/* Transmit request ids per queue. */
#define NV_TX_SLOTS		2048
/* A send the host has not completed in this time is lost: reset. */
#define NV_TX_STALL		(5 * HZ)

/*
 * A copy of at most this many bytes of a long receive range holds its
 * RNDIS header and infos (and, of a frame, its headers): it is parsed
 * there, and the rest of the range copied once into page fragments.
 */
#define NV_RX_HEAD_MAX		256
/* The most ranges one coalesced frame may take (the fact sheet's bound). */
#define NV_RSC_FRAGS_MAX	562
/*
 * The longest coalesced frame: 64 KiB of IP payload (IPv4 total length or
 * IPv6 payload length, 65535) plus an IPv6 header and an Ethernet header
 * with a VLAN tag; IPv4's headers are inside its 65535.
 */
#define NV_RSC_FRAME_MAX	(18 + 40 + 65535)
/*
 * Each queue's ring of pages for received frames' fragments: every frame
 * but its headers, whenever its range is longer than NV_RX_HEAD_MAX (order
 * 3: 32 KiB each with 4 KiB pages); a page no skb holds any more is used
 * again.
 */
#define NV_RSC_PAGES		4
#define NV_RSC_PAGE_ORDER	3

/* A GPA-direct skb in flight: when it went out (skb->cb, ours in xmit). */
struct nv_skb_cb {
	unsigned long sent;
};

#define NV_SKB_CB(skb)		((struct nv_skb_cb *)(skb)->cb)

struct nv_dev;

/* Per-queue counters; u64_stats for 32-bit readers. */
struct nv_qstats {
	struct u64_stats_sync syncp;
	u64 packets;
	u64 bytes;
	u64 copied;		/* TX: sent through a send-buffer section */
	u64 direct;		/* TX: sent as GPA-direct page ranges */
	u64 batches;		/* TX: sections sent (several packets each) */
	u64 stopped;		/* TX: queue stops on ring or id shortage */
	u64 dropped;
	u64 errors;		/* host refused (completion status) or bad */
	u64 csum_ok;		/* RX: host-verified checksums */
	u64 vlan;		/* RX: VLAN tag from the per-packet info */
	u64 rsc_packets;	/* RX: frames built from coalesced fragments */
	u64 rsc_frags;		/* RX: fragments that went into them */
	u64 rsc_drops;		/* RX: coalesced frames dropped unfinished */
	u64 rsc_reused;		/* RX: RSC pages used again, not allocated */
};

/*
 * One channel, one queue: the primary is queue 0, sub-channel n queue n.
 *
 * @lock serialises this channel's writers (the transmit path, NAPI's
 * receive completions and flushes, the control requests on the primary)
 * and guards the open send-buffer batch (@pend_*). Taken with BH off.
 */
struct nv_chan {
	struct nv_dev *nd;
	struct hvg_vmbus_channel *chan;
	u16 idx;
	bool open;
	bool napi_on;
	struct napi_struct napi;
	struct hvg_vmbus_rqid_pool *rqids;

	spinlock_t lock;	/* see above */
	u32 pend_sec;		/* the open batch's section, or NO_SECTION */
	u32 pend_len;		/* bytes used in it */
	u32 pend_cnt;		/* RNDIS packets in it */
	atomic_t outstanding;	/* sends not completed by the host */
	struct sk_buff_head inflight;	/* GPA-direct skbs; its own lock */

	/* Receive completions not yet sent (NAPI only): a FIFO. */
	u64 *rxc;
	u32 rxc_cap, rxc_head, rxc_n;

	/* GPA-direct transmit scratch, under @lock. */
	struct hvg_vmbus_page_range tx_ranges[MAX_SKB_FRAGS + 1];
	u64 tx_pfns[NV_TX_MAX_PFNS];

	struct nv_qstats tx, rx;
	u8 rxpkt[NV_RXPKT_SIZE] __aligned(8);	/* NAPI's private copy */
	u8 rx_head[NV_RX_HEAD_MAX] __aligned(8);	/* NAPI: a fragment's head */
	/*
	 * NAPI: the pages received frames' fragments are copied into, one
	 * at a time (@rsc_cur, filled to @rsc_used of @rsc_size bytes; both
	 * 0 until the first), reused once no skb holds them.
	 */
	struct page *rsc_pages[NV_RSC_PAGES];
	u32 rsc_cur, rsc_used, rsc_size;
};

/* A synchronous NVSP request of the handshake. */
struct nv_sync {
	struct hvg_nvsp_msg msg;
	int err;		/* parser result */
	bool done;		/* release by NAPI, acquire by the waiter */
};

struct nv_dev {
	struct net_device *ndev;
	struct hvg_vmbus_device *hdev;
	struct hvg_vmbus_channel *chan;	/* primary */

	u32 nvsp_version;
	u32 ndis_mtu;		/* the MTU the buffers were sized for */
	u32 max_mtu;		/* the host's largest (GEN_MAXIMUM_FRAME_SIZE) */
	u8 perm_mac[ETH_ALEN];	/* 802_3_PERMANENT_ADDRESS at the last attach */

	/* Receive buffer (shared with the host). */
	void *recv_buf;
	u32 recv_size, recv_gpadl;
	u32 rx_sub_size, rx_sub_count;
	/* Send buffer: @num_sections of @section_size; @sec_map free bits. */
	void *send_buf;
	u32 send_size, send_gpadl;
	u32 section_size, num_sections;
	unsigned long *sec_map;
	unsigned long *sec_sent;	/* jiffies a section went out; 0: not */
	u32 max_pkt_per_msg, pkt_align;

	/* RNDIS control: one request at a time (@ctl_mutex). */
	struct mutex ctl_mutex;	/* one control request in flight */
	spinlock_t ctl_lock;	/* @ctl_wait_id, @ctl_resp*, @ctl_done */
	u32 ctl_next_id;
	u32 ctl_wait_id;	/* 0: no answer expected */
	struct hvg_rndis_request ctl_req;
	struct hvg_rndis_msg ctl_msg;
	int ctl_err;
	bool ctl_done;		/* the answer is in; under ctl_lock */
	bool ctl_sent;		/* the send completed; release/acquire */
	u8 *ctl_buf;		/* the request, one page */
	u8 *ctl_resp;		/* the answer, NV_CTL_RESP_MAX bytes */
	int ctl_token;		/* rqid context of control sends */
	wait_queue_head_t ctl_wq;

	struct nv_sync sync;
	wait_queue_head_t sync_wq;

	/* Queues. @num_chans open channels, all with NAPI. */
	struct nv_chan *chans[NV_MAX_QUEUES];
	unsigned int num_chans;
	/*
	 * Sub-channels handed over by the core, by index; each entry holds a
	 * reference (hvg_vmbus_chan_get()), as the core drops a sub-channel
	 * once it is rescinded, closed and released.
	 */
	struct hvg_vmbus_channel *subs[NV_MAX_QUEUES];
	spinlock_t sub_lock;	/* guards @subs; no put under it */
	wait_queue_head_t sub_wq;
	u32 send_table[HVG_NVSP_SEND_TABLE_ENTRIES];	/* READ_ONCE */
	u32 rss_entries;
	u32 rss_table[HVG_NDIS_RSS_TABLE_MAX];
	u8 rss_key[HVG_NDIS_RSS_KEY_SIZE];
	u32 num_rx_queues;	/* the host's RSS queue count */

	/* Link, from the query and the indications. */
	bool link_up;
	u32 link_speed_mbps;
	struct work_struct link_work;	/* NETWORK_CHANGE: carrier back on */
	struct work_struct filter_work;	/* ndo_set_rx_mode, deferred */
	struct work_struct reset_work;	/* a transmit stall: detach, attach */
	struct delayed_work stall_work;	/* looks for sends never completed */
	u32 filter;		/* the packet filter last set */

	bool attached;		/* channels and buffers up: READ_ONCE */
	bool csum_tx, csum_rx, tso;
	bool rsc;		/* the host coalesces (NVSP >= 6.1, RSC caps) */
	/*
	 * What the offload parameters ask of the host, from the features
	 * (ndo_set_features; kept for the next attach while detached).
	 * Under rtnl, or in probe before the device is registered.
	 */
	bool want_rxcsum, want_lro;
	u32 tso_max;		/* the largest LSO frame, with tso */
	u32 tso_min_segs;	/* the host's fewest segments per LSO frame */

	/* Counters of queues closed by a detach (rtnl). */
	struct rtnl_link_stats64 gone;

	atomic_long_t bad_packets;	/* malformed host packets */
	atomic_long_t dropped_ids;	/* completions of no live request */
	atomic_long_t bad_ranges;	/* RX ranges outside the buffer */
	atomic_long_t ctl_unexpected;	/* RNDIS answers nobody waited for */
	atomic_long_t tx_timeouts;	/* stalled queues reset by the watchdog */
};

extern const struct ethtool_ops nv_ethtool_ops;
int nv_change_channels(struct nv_dev *nd, unsigned int count);
int nv_set_rss(struct nv_dev *nd);

#endif /* _HVGUEST_NETVSC_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the loopback host's VMBus server: channels, the service ops table
 * that device classes implement (echo.c today; storvsp and netvsp later),
 * the channel data path (channel.c) and fault injection (faults.c).
 *
 * Locking, outermost first:
 *
 *   srv->lock (mutex): the control plane. Guards the channel list, every
 *	channel's @state, @target_vp writes, the GPADL lists' membership, the
 *	relid and monitor-id bitmaps, the connection state and the faults.
 *	Taken by the message callback (the SynIC model's receive work), the
 *	debugfs controls and the sub-channel work. Never by a channel's work.
 *   ch->gpadl_lock (mutex): a channel's GPADL list, so that the channel's
 *	work (GPADL_SUM) can use a mapping while the control plane, holding
 *	srv->lock, cannot unmap it underneath. Inside srv->lock.
 *   srv->chan_lock (spinlock): @by_relid, @by_monitor and @int_page, for
 *	the event
 *	callback and the monitor poll, which queue a channel's work and must
 *	not find a freed channel. Innermost; nothing is called under it but
 *	queue_work().
 *   ch->tx_lock (spinlock): the producer side of the channel's inbound ring
 *	(host to guest): the channel's work and the sub-channel work both
 *	write replies. Innermost.
 *
 * A channel's work (the data path) runs only while @state is OPEN; closing
 * sets the state under srv->lock, then cancel_work_sync() waits for a run
 * in progress before the rings are unmapped.
 */
#ifndef _HVG_LOOPHOST_SERVER_INTERNAL_H
#define _HVG_LOOPHOST_SERVER_INTERNAL_H

#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>
#include <hvguest/vmbus_proto.h>

#include "../vmbus/ring.h"
#include "gpadl.h"
#include "synic.h"

struct dentry;

struct hvg_lh_server;
struct hvg_lh_channel;
struct seq_file;

/**
 * struct hvg_lh_service - a device class the host offers
 * @name: the class name in debugfs ("echo") and in the "offer" control
 * @class_id: the offer's if_type
 * @max_subchannels: how many sub-channels one device may have (read when
 *	they are asked for; a module parameter)
 * @priv_size: bytes of per-channel service state (ch->priv), zeroed
 * @offer: optional: fill in the offer's chn_flags, mmio_megabytes and
 *	user_def (zeroed before); srv->lock held
 * @on_open: optional: the guest opened the channel with @user_data (120
 *	bytes); the rings are attached, the data path not yet running.
 *	Return 0, or a non-zero OPENCHANNEL_RESULT status; srv->lock held
 * @on_close: optional: the data path has stopped; srv->lock held
 * @on_packet: the data path, in the channel's work, with the guest's
 *	outbound ring masked: one packet, in private memory. Return 0 when it
 *	is handled, or -EAGAIN when its reply does not fit in the inbound ring
 *	now: the same packet comes again once the guest has made room.
 * @on_subchannels: optional: the sub-channels asked for with
 *	hvg_lh_request_subchannels() are offered; @total is how many the
 *	device now has. Runs in the sub-channel work, srv->lock held, the
 *	channel open.
 * @on_rescind: optional: the channel is being rescinded; srv->lock held
 * @show: optional: counters for the "devices" line, " key=value" each
 * @poll_defer: optional: when it points at false, the channel's work
 *	unmasks an emptied ring at once, without the poll_defer_us sleeps
 *	(host/channel.c); NULL or true: it sleeps and polls as configured
 */
struct hvg_lh_service {
	const char *name;
	guid_t class_id;
	const unsigned int *max_subchannels;
	size_t priv_size;
	void (*offer)(struct hvg_lh_channel *ch, struct hvg_chmsg_offer *msg);
	u32 (*on_open)(struct hvg_lh_channel *ch, const u8 *user_data);
	void (*on_close)(struct hvg_lh_channel *ch);
	/*
	 * on_packet: 0 (served), -EAGAIN (no room for the reply now: served
	 * again once the guest made room) or, only while
	 * hvg_lh_chan_in_signal(), HVG_LH_PKT_LATER (this packet may sleep:
	 * served again in the channel's work).
	 */
	int (*on_packet)(struct hvg_lh_channel *ch,
			 const struct hvg_ring_pkt *pkt, void *buf);
	void (*on_subchannels)(struct hvg_lh_channel *ch, unsigned int total,
			       u64 trans_id, u32 seq);
	void (*on_rescind)(struct hvg_lh_channel *ch);
	void (*show)(struct hvg_lh_channel *ch, struct seq_file *m);
	const bool *poll_defer;
	/*
	 * inband_in_place: optional; while it points at true (read at the
	 * start of each run of the channel's work), on_packet gets an inband
	 * packet's payload where the guest wrote it (pkt->data points into
	 * the guest's ring, and @buf holds nothing of it), valid for the
	 * call only. The guest can still write those bytes: the service
	 * copies what it parses and moves the rest on unread. Every other
	 * packet type, and a packet the service puts off with -EAGAIN, is in
	 * ch->buf as usual.
	 */
	const bool *inband_in_place;
	/*
	 * serve_now: optional; while it points at true (read at each open),
	 * a channel is drained in the guest's own HvSignalEvent call when it
	 * comes with interrupts on (hvg_lh_chan_event_now()), as well as in
	 * its work: on_packet must not sleep there, and puts off a packet
	 * that may with HVG_LH_PKT_LATER. on_open may clear ch->serve_now
	 * for a channel whose packets may all sleep.
	 */
	const bool *serve_now;
};

/* on_packet: serve this packet in the channel's work (struct hvg_lh_service). */
#define HVG_LH_PKT_LATER	1

/* Channel states (ch->state). */
enum hvg_lh_chan_state {
	HVG_LH_CH_PENDING,	/* not offered to the guest yet */
	HVG_LH_CH_OFFERED,	/* offered, not open */
	HVG_LH_CH_OPEN,		/* open: the data path runs */
	HVG_LH_CH_RESCINDED,	/* rescinded, waiting for RELID_RELEASED */
};

/* Per-channel counters of the data path (the channel's work). */
enum hvg_lh_chan_stat {
	HVG_LH_CH_SIGNALS_IN,	/* guest signals (HvSignalEvent or monitor) */
	HVG_LH_CH_SIGNALS_OUT,	/* events the host set for the guest */
	HVG_LH_CH_RUNS,		/* drains of the outbound ring */
	HVG_LH_CH_PKTS_IN,	/* packets read from the guest */
	HVG_LH_CH_PKTS_OUT,	/* packets written to the guest */
	HVG_LH_CH_RING_FULL,	/* writes that found the inbound ring full */
	HVG_LH_CH_MALFORMED,	/* malformed packets or ring indices */
	HVG_LH_CH_DROPPED,	/* packets dropped: too long, or bad request */
	HVG_LH_CH_RUNS_NOW,	/* ... of them in the guest's signal */
	HVG_LH_CH_NR_STATS
};

struct hvg_lh_channel {
	struct hvg_lh_server *srv;
	const struct hvg_lh_service *svc;
	struct list_head node;		/* srv->channels; srv->lock */
	struct hvg_lh_channel *primary;	/* itself for a primary */
	guid_t instance;
	u32 relid;
	u32 conn_id;
	u16 sub_index;
	u8 monitor_id;
	bool monitored;
	bool conn_added;		/* the SynIC model knows @conn_id */
	bool broken;			/* data path stopped: malformed ring */
	enum hvg_lh_chan_state state;	/* srv->lock; READ_ONCE elsewhere */

	/* srv->lock: a SUBCHANNELS request waiting for the sub work */
	bool sub_pending;
	unsigned int sub_want;
	u64 sub_trans_id;
	u32 sub_seq;

	struct mutex gpadl_lock;	/* see the top of this file */
	struct list_head gpadls;	/* gpadl_lock and srv->lock to modify */
	unsigned int nr_gpadls;

	/* While open (set up before the state becomes OPEN): */
	struct hvg_lh_gpadl *ring_gpadl;
	void *out_va;			/* guest outbound ring: we read */
	void *in_va;			/* guest inbound ring: we write */
	struct hvg_ring rx;		/* consumer of the outbound ring */
	struct hvg_ring tx;		/* producer of the inbound ring */
	spinlock_t tx_lock;		/* guards @tx, @tx_pending */
	bool tx_pending;		/* pending_send_sz is set */
	u32 target_vp;			/* WRITE_ONCE under srv->lock */
	struct work_struct work;
	/*
	 * One drain of the outbound ring at a time, by the work or (with
	 * @serve_now) in the guest's signal: @run's HVG_LH_RUN_* bits. The
	 * fields below @run up to @stalled_pkt are the drainer's; @runner
	 * and @runner_ctx say who it is (hvg_lh_chan_serving()).
	 */
	unsigned long run;
	struct task_struct *runner;
	unsigned int runner_ctx;
	bool runner_now;		/* the drain runs in a guest's signal */
	bool serve_now;			/* set by on_open, see the service */
	void *buf;			/* private copy of one packet */
	u32 buflen;
	bool stalled;			/* @stalled_pkt waits for room */
	bool signal_deferred;		/* an event to send at the batch end */
	struct hvg_ring_pkt stalled_pkt;

	atomic_long_t stats[HVG_LH_CH_NR_STATS];
	void *priv;			/* service state, @svc->priv_size */
};

/* One-shot faults (faults.c). */
enum hvg_lh_fault {
	HVG_LH_FAULT_UNKNOWN_TYPE,
	HVG_LH_FAULT_SHORT_PAYLOAD,
	HVG_LH_FAULT_RELID_OUT_OF_RANGE,
	HVG_LH_FAULT_DUPLICATE_OFFER,
	HVG_LH_FAULT_GPADL_CREATED_UNKNOWN,
	HVG_LH_FAULT_BAD_VERSION_RESPONSE,
	HVG_LH_FAULT_DROP_NEXT_REPLY,
	HVG_LH_FAULT_RESCIND_DURING_OPEN,
	HVG_LH_FAULT_RESCIND_DURING_GPADL,
	HVG_LH_FAULT_NR
};

/* Server counters (the "loophost" debugfs file). */
enum hvg_lh_srv_stat {
	HVG_LH_SRV_CONTACTS,		/* INITIATE_CONTACT received */
	HVG_LH_SRV_ACCEPTED,		/* ... answered version_supported = 1 */
	HVG_LH_SRV_REFUSED,		/* ... answered version_supported = 0 */
	HVG_LH_SRV_REQUESTOFFERS,	/* REQUESTOFFERS answered */
	HVG_LH_SRV_UNLOADS,		/* UNLOAD answered */
	HVG_LH_SRV_MALFORMED,		/* short, or not a channel message */
	HVG_LH_SRV_UNKNOWN,		/* a type this server does not serve */
	HVG_LH_SRV_OUT_OF_PLACE,	/* wrong connection id or state */
	HVG_LH_SRV_REPLY_FAILED,	/* the model refused a reply */
	HVG_LH_SRV_OFFERS,		/* OFFERCHANNEL sent */
	HVG_LH_SRV_RESCINDS,		/* RESCIND_CHANNELOFFER sent */
	HVG_LH_SRV_OPENS,		/* channels opened */
	HVG_LH_SRV_OPEN_FAILED,		/* OPENCHANNEL refused */
	HVG_LH_SRV_CLOSES,		/* channels closed */
	HVG_LH_SRV_GPADLS,		/* GPADLs created */
	HVG_LH_SRV_GPADL_FAILED,	/* GPADLs refused */
	HVG_LH_SRV_TEARDOWNS,		/* GPADLs torn down */
	HVG_LH_SRV_RELEASED,		/* relids released */
	HVG_LH_SRV_MODIFIES,		/* MODIFYCHANNEL handled */
	HVG_LH_SRV_BAD_RELID,		/* a message named no usable channel */
	HVG_LH_SRV_INT_PAGE_BITS,	/* relid bits taken from the int page */
	HVG_LH_SRV_NR_STATS
};

struct hvg_lh_server {
	struct hvg_lh_synic *synic;
	u32 host_version;		/* 0: refuses every version */
	bool has_conn_id_v5;
	unsigned int nr_vps;

	struct mutex lock;		/* see the top of this file */
	u32 version;			/* negotiated; 0 while disconnected */
	bool pinned;			/* module reference held while connected */
	u32 boot_vp;			/* config: pre-3.0 control message VP */
	u32 target_vp;			/* where control messages go */
	u8 msg_sint;
	bool offers_requested;		/* REQUESTOFFERS seen this connection */
	struct list_head channels;
	unsigned int nr_channels;
	DECLARE_BITMAP(relids, HVG_VMBUS_MAX_RELIDS);
	u32 relid_cursor;
	DECLARE_BITMAP(monitor_ids, HVG_VMBUS_MAX_MONITOR_ID + 1);
	bool monitor_allocated;		/* offer channels as monitored */
	struct hvg_monitor_page *monitor; /* the guest's page, mapped */
	struct delayed_work monitor_work;
	/* < 5.0: the guest's interrupt page, mapped; set and cleared
	 * under srv->lock and chan_lock, read under either.
	 */
	void *int_page;
	bool stopping;

	/* faults (faults.c), srv->lock */
	bool fault_armed[HVG_LH_FAULT_NR];
	unsigned long fault_fired[HVG_LH_FAULT_NR];

	spinlock_t chan_lock;		/* see the top of this file */
	struct hvg_lh_channel *by_relid[HVG_VMBUS_MAX_RELIDS];
	struct hvg_lh_channel *by_monitor[HVG_VMBUS_MAX_MONITOR_ID + 1];

	struct workqueue_struct *wq;	/* channels' work */
	struct work_struct sub_work;

	atomic_long_t stats[HVG_LH_SRV_NR_STATS];
};

/* A non-zero status for OPENCHANNEL_RESULT, GPADL_CREATED, ... */
#define HVG_LH_STATUS_FAIL	0xc0000001u

/* vmbus_server.c */
void hvg_lh_srv_count(struct hvg_lh_server *srv, enum hvg_lh_srv_stat stat);
void hvg_lh_srv_send(struct hvg_lh_server *srv, const void *msg, u32 len,
		     const char *what);
void hvg_lh_srv_send_reply(struct hvg_lh_server *srv, const void *msg,
			   u32 len, const char *what);
bool hvg_lh_srv_live(struct hvg_lh_server *srv);
void hvg_lh_srv_build_offer(struct hvg_lh_channel *ch,
			    struct hvg_chmsg_offer *msg);
struct hvg_lh_channel *hvg_lh_srv_find(struct hvg_lh_server *srv, u32 relid);
int hvg_lh_srv_rescind(struct hvg_lh_server *srv, struct hvg_lh_channel *ch);
struct hvg_lh_channel *hvg_lh_srv_new_device(struct hvg_lh_server *srv,
					     const struct hvg_lh_service *svc);
const struct hvg_lh_service *hvg_lh_service_find(const char *name);
const char *hvg_lh_chan_state_name(enum hvg_lh_chan_state state);

/* Ask the server for sub-channels of an open primary (any context). */
void hvg_lh_request_subchannels(struct hvg_lh_channel *ch, unsigned int want,
				u64 trans_id, u32 seq);

/* channel.c: the data path */
void hvg_lh_chan_init(struct hvg_lh_channel *ch);
u32 hvg_lh_chan_open(struct hvg_lh_channel *ch,
		     const struct hvg_chmsg_open *open, const char **why);
void hvg_lh_chan_close(struct hvg_lh_channel *ch);
void hvg_lh_chan_kick(struct hvg_lh_channel *ch);
void hvg_lh_chan_event(void *ctx, u32 connection_id, unsigned int signals);
/*
 * The SynIC model's event_now receiver: drains a @serve_now channel in the
 * guest's signal (false, left to the work, for any other channel).
 */
bool hvg_lh_chan_event_now(void *ctx, u32 connection_id);
/* True in the context that drains @ch now (its replies go at the end). */
bool hvg_lh_chan_serving(const struct hvg_lh_channel *ch);
/* ... and that drain runs in the guest's signal: nothing may sleep. */
bool hvg_lh_chan_in_signal(const struct hvg_lh_channel *ch);
/* The interrupt page's guest-to-host half: take every bit, kick channels. */
void hvg_lh_int_page_scan(struct hvg_lh_server *srv);
/*
 * Send a packet to the guest: 0, -HVG_RING_E_FULL (counted) or another
 * error (counted, reported). hvg_lh_chan_send() stalls (see sendv) only
 * when called from the channel's own work: a sender elsewhere (a delayed
 * completion, a hot-plug notification) must not clear the pending_send_sz
 * that a stalled work is waiting on.
 */
int hvg_lh_chan_sendv(struct hvg_lh_channel *ch, u16 type, u16 flags,
		      u64 trans_id, u32 ext_len, const struct hvg_ring_buf *bufs,
		      unsigned int nbufs, bool stall);
int hvg_lh_chan_send(struct hvg_lh_channel *ch, u16 type, u64 trans_id,
		     const void *data, u32 len);
void hvg_lh_chan_count(struct hvg_lh_channel *ch, enum hvg_lh_chan_stat stat);
void hvg_lh_chan_show(struct hvg_lh_channel *ch, struct seq_file *m);
/* A GPADL of this channel by handle, or NULL; gpadl_lock held. */
struct hvg_lh_gpadl *hvg_lh_chan_gpadl(struct hvg_lh_channel *ch, u32 handle);

/* echo.c */
extern const struct hvg_lh_service hvg_lh_echo_service;
extern unsigned int hvg_lh_echo_max_pages_bytes;

/* netvsp.c */
extern const struct hvg_lh_service hvg_lh_netvsp_service;

/* faults.c */
const char *hvg_lh_fault_name(enum hvg_lh_fault f);
bool hvg_lh_fault_take(struct hvg_lh_server *srv, enum hvg_lh_fault f);
void hvg_lh_faults_fire(struct hvg_lh_server *srv);
int hvg_lh_ctl_create(struct hvg_lh_server *srv, struct dentry *parent);
void hvg_lh_ctl_destroy(void);

#endif /* _HVG_LOOPHOST_SERVER_INTERNAL_H */

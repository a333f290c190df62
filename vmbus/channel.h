/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to hvg_vmbus: how the bus (bus.c: offers, devices, drivers,
 * sysfs of a device), the channels (channel.c: state, rings, event
 * dispatch, sysfs of channels/<relid>; gpadl.c: GPADLs) and the connection
 * (connection.c) talk to each other.
 *
 * Message flow (Documentation/vmbus.rst, "Message flow"):
 *  - the SINT handler (connection.c, interrupt context) first calls
 *    hvg_chan_isr() for the event flags, then copies control messages out
 *    of the slot;
 *  - one ordered work (connection.c) parses each message in arrival
 *    order. Replies (OPENCHANNEL_RESULT, GPADL_CREATED, GPADL_TORNDOWN,
 *    MODIFYCHANNEL_RESPONSE) go to hvg_chan_on_reply() at once. Offers and
 *    rescinds go to hvg_bus_on_message(): an offer is allocated and
 *    published right there (hvg_chan_alloc(), hvg_chan_publish()), and a
 *    rescind marks its channel right there (hvg_chan_rescind(): every
 *    waiter wakes with -ENODEV); the slow parts (device add, driver probe,
 *    device removal, RELID_RELEASED) then run on a second ordered
 *    workqueue (bus.c), in the same order, so a rescind never overtakes
 *    its offer and a probe that waits for a reply never blocks the reply.
 */
#ifndef _HVG_VMBUS_CHANNEL_H
#define _HVG_VMBUS_CHANNEL_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <hvguest/vmbus.h>

#include "chanmsg.h"
#include "ring.h"

struct kobject;
struct dentry;
struct hvg_hv_backend;
struct hvg_chan_kobj;

/* Channel states; the numbers are those of upstream's sysfs "state". */
enum hvg_chan_state {
	HVG_CHAN_CLOSED = 0,	/* offered, not open (upstream OFFER_STATE) */
	HVG_CHAN_OPENING = 1,	/* OPENCHANNEL sent, no result yet */
	HVG_CHAN_OPEN = 3,	/* upstream OPENED_STATE */
	HVG_CHAN_CLOSING = 4,	/* close in progress */
};

/* Bits of hvg_vmbus_channel.flags. */
#define HVG_CHAN_F_RESCINDED	0	/* the host rescinded the offer */
#define HVG_CHAN_F_PUBLISHED	1	/* in the relid table */
#define HVG_CHAN_F_RELEASED	2	/* relid given back (or UNLOADed) */
#define HVG_CHAN_F_RESCIND_DONE	3	/* bus.c processed the rescind */
#define HVG_CHAN_F_HANDED	4	/* sub-channel given to the driver */
#define HVG_CHAN_F_BROKEN	5	/* inbound ring malformed: stopped */
#define HVG_CHAN_F_MISSED	6	/* an event came while the driver polled */
#define HVG_CHAN_F_DEV_GONE	7	/* primary: its device was removed */
#define HVG_CHAN_F_COUNTED	8	/* sub: counted in its primary's @nsubs */

/* Per-channel counters (debugfs, and sysfs where upstream has them). */
enum hvg_chan_stat {
	HVG_CHAN_ST_INTERRUPTS,		/* event flag bits seen (in) */
	HVG_CHAN_ST_EVENTS,		/* signals to the host (out) */
	HVG_CHAN_ST_INTR_OUT_EMPTY,	/* of those: outbound empty->non-empty */
	HVG_CHAN_ST_INTR_IN_FULL,	/* of those: inbound pending crossing */
	HVG_CHAN_ST_OUT_FULL_FIRST,	/* sends that first found the ring full */
	HVG_CHAN_ST_OUT_FULL_TOTAL,	/* sends refused with -EAGAIN */
	HVG_CHAN_ST_MALFORMED,		/* malformed inbound packets/indices */
	HVG_CHAN_ST_OVERSIZED,		/* packets over the caller's buffer */
	HVG_CHAN_ST_POLLS,		/* receive callback calls */
	HVG_CHAN_ST_DEFERRED,		/* polls left to the timer, masked */
	HVG_CHAN_ST_QUIET_RECV,		/* answers found after a quiet send */
	HVG_CHAN_ST_NR
};

/*
 * One channel: a primary (the device's) or a sub-channel.
 *
 * Lifetime: a kref. The offer holds one reference until the relid is given
 * back (RELID_RELEASED, or UNLOAD at module exit); a device holds one on
 * each of its channels until the device is released, or, for a
 * sub-channel, until it is dropped once its relid is given back (bus.c); a
 * driver holds one on each sub-channel it keeps (hvg_vmbus_chan_get()). Event dispatch finds
 * a channel only through the RCU relid table, and the channel is freed
 * after a grace period (kfree_rcu) with its tasklet killed.
 *
 * @lock (mutex, process context: open, close, set_target_cpu, sysfs cpu,
 * bus.c's rescind and release) guards @state, @target_cpu, @target_vp,
 * @rings, @ring_gpadl, @poll, @budget and @no_defer against each other's
 * changes.
 * The fast paths (send, the tasklet, event dispatch) read @state with
 * READ_ONCE and rely on the ordering documented in channel.c instead.
 * @flags: atomic bitops, any context.
 * @sub_lock (spinlock, any context but hard irq) guards @subs, @sub_node
 * of the sub-channels, @subchan_fn and @nsubs of a primary, and the
 * setting and clearing of a sub-channel's COUNTED bit.
 * @subchan_mutex (primary, process context) is held while @subchan_fn
 * runs and while it is changed, so that hvg_vmbus_set_subchan_handler(NULL)
 * returns only once no call of the old handler is running. Lock order:
 * @subchan_mutex, then @sub_lock.
 * The offer, @primary and @dev are set before the channel can be seen by
 * a driver and constant afterwards.
 */
/* hvg_vmbus_chan_send_pages(): ranges per packet. */
#define HVG_VMBUS_MAX_PAGE_RANGES	32

struct hvg_vmbus_channel {
	struct hvg_chmsg_offer_info offer;
	struct kref ref;
	struct rcu_head rcu;
	unsigned long flags;

	struct hvg_vmbus_channel *primary;	/* NULL: this is a primary */
	struct hvg_vmbus_device *dev;		/* the (primary's) device */
	struct list_head all_node;		/* bus.c's list of channels */

	spinlock_t sub_lock;		/* guards @subs .. @nsubs */
	struct list_head subs;		/* primary: its sub-channels */
	struct list_head sub_node;	/* sub: entry in primary->subs */
	void (*subchan_fn)(struct hvg_vmbus_channel *sub);
	struct mutex subchan_mutex;	/* held across @subchan_fn calls */
	unsigned int nsubs;		/* primary: live (COUNTED) sub-channels */
	wait_queue_head_t subs_wq;	/* hvg_vmbus_wait_subchans() */

	struct mutex lock;		/* guards @state .. @no_defer */
	enum hvg_chan_state state;
	unsigned int target_cpu;
	u32 target_vp;
	struct hvg_ring_pair rings;
	u32 ring_gpadl;
	hvg_vmbus_poll_t poll;
	int budget;
	bool no_defer;			/* open_params.no_defer */

	/* Receive: the tasklet runs on the CPU that took the event. */
	struct tasklet_struct tasklet;
	/*
	 * Interrupt deferral (channel.c, "irq_defer_us"): while the inbound
	 * ring stays masked after a poll, this timer schedules the tasklet
	 * again; @defer_left counts the empty polls left before unmasking.
	 * Both are used by the tasklet only (and the timer, which only
	 * schedules the tasklet).
	 */
	struct hrtimer defer_timer;
	unsigned int defer_left;
	bool poll_taken;		/* driver polls (HVG_VMBUS_POLL_TAKEN) */
	bool pending_set;		/* writer set pending_send_sz */
	wait_queue_head_t writable_wq;	/* hvg_vmbus_chan_wait_writable() */

	/* GPA-direct scratch, used by the one writer (send_pages). */
	struct hvg_gpa_direct_hdr gpa_hdr;
	u32 gpa_ranges[HVG_VMBUS_MAX_PAGE_RANGES][2];	/* byte_count, byte_offset */
	struct hvg_ring_buf gpa_bufs[2 + 2 * HVG_VMBUS_MAX_PAGE_RANGES];

	/* bus.c: the slow parts of offer and rescind, and the relid release. */
	struct work_struct offer_work;
	struct work_struct rescind_work;
	struct work_struct release_work;

	void *drvdata;
	struct hvg_chan_kobj *kobj;	/* channels/<relid>, or NULL */
	struct dentry *debugfs;
	atomic64_t stats[HVG_CHAN_ST_NR];
	/* Ring packet and byte counts of earlier opens (@lock). */
	u64 closed_pkts_in, closed_bytes_in;
	u64 closed_pkts_out, closed_bytes_out;
};

/* --- connection.c: what the bus and the channels use ------------------ */

/* The negotiated version (0 when disconnected). */
u32 hvg_vmbus_version(void);

/*
 * Post a guest-to-host channel message to the negotiated message
 * connection id. Process context. Return: 0, -ENOTCONN, or the backend's
 * error.
 */
int hvg_vmbus_post(const struct hvg_chmsg_buf *msg);

/*
 * True once the host answered UNLOAD on this connection (syscore
 * shutdown, panic, module exit): it has dropped every channel, GPADL and relid
 * (hyperv-abi-behaviour.md M10), so nothing needs closing or tearing down
 * and no ring or buffer is still mapped by it. Any context.
 */
bool hvg_vmbus_host_released(void);

/* The backend; valid while connected. */
struct hvg_hv_backend *hvg_vmbus_backend(void);

/*
 * The guest-to-host monitor page (monitor_page2 of INITIATE_CONTACT), or
 * NULL when the connection has none; the send half of the interrupt page
 * (versions below 5.0), or NULL.
 */
struct hvg_monitor_page *hvg_vmbus_monitor_out(void);
struct hvg_monitor_page *hvg_vmbus_monitor_in(void);	/* monitor_page1 */
unsigned long *hvg_vmbus_int_page_out(void);

/* --- channel.c: what the bus and the connection use ------------------- */

int hvg_chan_init(void);	/* module init, before connecting */
void hvg_chan_exit(void);	/* module exit, after every channel is gone */

/*
 * A channel for a parsed offer: closed, not yet visible to event dispatch.
 * Work context. Return: the channel (one reference) or NULL (no memory).
 */
struct hvg_vmbus_channel *hvg_chan_alloc(const struct hvg_chmsg_offer_info *o);
/*
 * Set sub-channel @sub's default target CPU: the online CPU its index
 * places after @primary's, so that each device's channels spread over the
 * CPUs whatever other devices were offered in between. (One round robin
 * over every channel gave all the channels of one of two NICs, offered
 * together, the same CPU of two.) Takes cpus_read_lock(); call it without
 * the bus lock.
 */
void hvg_chan_spread_from(struct hvg_vmbus_channel *sub,
			  const struct hvg_vmbus_channel *primary);
void hvg_chan_get(struct hvg_vmbus_channel *chan);
void hvg_chan_put(struct hvg_vmbus_channel *chan);

/*
 * Make it the channel of its relid for event dispatch and replies (RCU).
 * Return: 0, or -EEXIST when the relid is taken (a duplicate offer).
 */
int hvg_chan_publish(struct hvg_vmbus_channel *chan);

/* The published channel of @relid, or NULL. Caller holds rcu_read_lock(). */
struct hvg_vmbus_channel *hvg_chan_lookup_rcu(u32 relid);

/*
 * The host rescinded @chan: mark it, wake every waiter on it with
 * -ENODEV. Any context but hard interrupt; idempotent.
 */
void hvg_chan_rescind(struct hvg_vmbus_channel *chan);

/*
 * Remove @chan from event dispatch (the relid may be offered again). It
 * must be closed. Process context.
 */
void hvg_chan_unpublish(struct hvg_vmbus_channel *chan);

/* Force a channel closed whose driver is gone (device removal, exit). */
void hvg_chan_force_close(struct hvg_vmbus_channel *chan);

/* The parsed offer a channel was made from (constant). */
const struct hvg_chmsg_offer_info *hvg_chan_offer(struct hvg_vmbus_channel *c);

/*
 * A reply for a channel (OPENCHANNEL_RESULT, GPADL_CREATED,
 * GPADL_TORNDOWN, MODIFYCHANNEL_RESPONSE), from the ordered message work.
 * Return: true if a waiter took it; false if nobody waited (the caller
 * counts it as unexpected and logs it).
 */
bool hvg_chan_on_reply(const struct hvg_chmsg *msg);

/* The SINT handler's part: scan @cpu's event flags. Interrupt context. */
void hvg_chan_isr(unsigned int cpu);

/* Is a channel bound to @cpu (open or opening)? For the offline check. */
bool hvg_chan_cpu_busy(unsigned int cpu);

/*
 * sysfs: channels/<relid>/ of @chan under @parent (the device's
 * "channels" kobject), with the attributes of sysfs-bus-vmbus.
 */
int hvg_chan_sysfs_add(struct hvg_vmbus_channel *chan, struct kobject *parent);
void hvg_chan_sysfs_del(struct hvg_vmbus_channel *chan);

/* debugfs: /sys/kernel/debug/hvguest/vmbus/<relid> (dir @root). */
void hvg_chan_debugfs_add(struct hvg_vmbus_channel *chan, struct dentry *root);
void hvg_chan_debugfs_del(struct hvg_vmbus_channel *chan);

/* One ring's header as upstream's in_* and out_* device attributes show it. */
struct hvg_chan_ring_info {
	u32 mask;		/* interrupt_mask */
	u32 read_index;
	u32 write_index;
	u32 to_read;		/* bytes between read and write index */
	u32 to_write;		/* the rest of the data area */
};

/* Return: 0, or -EINVAL when the channel is not open (no rings). */
int hvg_chan_ring_info(struct hvg_vmbus_channel *chan, bool inbound,
		       struct hvg_chan_ring_info *ri);

/* For bus.c's device attributes: "relid:cpu" lines (channel_vp_mapping). */
ssize_t hvg_chan_vp_mapping(struct hvg_vmbus_device *dev, char *buf);

/*
 * Waiting for a reply (channel.c), used by channel.c and gpadl.c: a
 * waiter is added before the request is posted, matched by
 * hvg_chan_on_reply() per hyperv-abi-behaviour.md M43, and woken with
 * -ENODEV by a rescind if @wake_on_rescind.
 */
struct hvg_chan_waiter {
	struct list_head node;
	struct hvg_vmbus_channel *chan;
	u32 type;		/* HVG_CHMSG_* reply type */
	u32 relid;
	u32 key;		/* openid or GPADL handle; 0: relid only */
	bool wake_on_rescind;
	bool done;
	int result;		/* 0: the reply came; -ENODEV: rescinded */
	u32 status;		/* the reply's status */
	struct completion comp;
};

void hvg_chan_waiter_init(struct hvg_chan_waiter *w,
			  struct hvg_vmbus_channel *chan, u32 type, u32 key,
			  bool wake_on_rescind);
/* Add @w; -ENODEV when @chan is already rescinded and @w would wake. */
int hvg_chan_waiter_add(struct hvg_chan_waiter *w);
/* Wait (bounded) and remove @w. Return: 0, -ENODEV or -ETIMEDOUT. */
int hvg_chan_waiter_wait(struct hvg_chan_waiter *w);
void hvg_chan_waiter_del(struct hvg_chan_waiter *w);

/* --- gpadl.c ---------------------------------------------------------- */

/* Create a GPADL for the page list @pfns; see hvg_vmbus_gpadl_create(). */
int hvg_gpadl_create_pfns(struct hvg_vmbus_channel *chan, const u64 *pfns,
			  u32 npages, u32 *handle);

/* --- bus.c ------------------------------------------------------------ */

int hvg_bus_init(void);		/* before connecting */
void hvg_bus_settle(void);	/* after ALLOFFERS_DELIVERED: devices added */
void hvg_bus_remove_all(void);	/* before UNLOAD: every device removed */
void hvg_bus_exit(void);	/* after UNLOAD: channels freed */

/*
 * OFFERCHANNEL or RESCIND_CHANNELOFFER, from the ordered message work, in
 * arrival order.
 */
void hvg_bus_on_message(const struct hvg_chmsg *msg);

/* A rescinded channel was closed: bus.c may give its relid back. */
void hvg_bus_chan_closed(struct hvg_vmbus_channel *chan);

/* --- vmbus_main.c ----------------------------------------------------- */

/* /sys/kernel/debug/hvguest/vmbus (or an error pointer; debugfs copes). */
struct dentry *hvg_vmbus_debugfs_root(void);

#endif /* _HVG_VMBUS_CHANNEL_H */

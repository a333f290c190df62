/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to hvg_vmbus: how the bus (bus.c: offers, devices, drivers,
 * sysfs of a device) and the channels (channel.c: state, rings, GPADLs,
 * event dispatch, sysfs of channels/<relid>) talk to each other, and what
 * both take from the connection (connection.c).
 *
 * Message flow (Documentation/vmbus.rst):
 *  - the SINT handler (connection.c, interrupt context) first calls
 *    hvg_chan_isr() for the event flags, then copies control messages out
 *    of the slot;
 *  - one ordered work (connection.c) parses each message in arrival
 *    order. Replies (OPENCHANNEL_RESULT, GPADL_CREATED, GPADL_TORNDOWN,
 *    MODIFYCHANNEL_RESPONSE) go to hvg_chan_on_reply() at once. An offer
 *    is allocated and published right there (hvg_chan_alloc(),
 *    hvg_chan_publish()), and a rescind marks its channel right there
 *    (hvg_chan_rescind(): every waiter wakes with -ENODEV); the slow parts
 *    (device add, driver probe, device removal, RELID_RELEASED) then run on
 *    a second ordered workqueue (bus.c), in the same order, so a rescind
 *    never overtakes its offer and a probe that waits for a reply never
 *    blocks the reply.
 */
#ifndef _HVG_VMBUS_CHANNEL_H
#define _HVG_VMBUS_CHANNEL_H

#include <linux/types.h>
#include <hvguest/vmbus.h>

#include "chanmsg.h"

struct kobject;

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
 * Signal the host for @chan's offer: through the monitor page when the
 * offer has monitor_allocated, else HvSignalEvent(connection_id). Any
 * context.
 */
struct hvg_hv_backend *hvg_vmbus_backend(void);

/*
 * The guest-to-host monitor page (monitor_page2 of INITIATE_CONTACT), or
 * NULL when the connection has none.
 */
struct hvg_monitor_page *hvg_vmbus_monitor_out(void);

/* --- channel.c: what the bus and the connection use ------------------- */

int hvg_chan_init(void);	/* module init, before connecting */
void hvg_chan_exit(void);	/* module exit, after every channel is gone */

/*
 * A channel for a parsed offer: closed, not yet visible to event dispatch.
 * Work context. Return: the channel or NULL (no memory).
 */
struct hvg_vmbus_channel *hvg_chan_alloc(const struct hvg_chmsg_offer_info *o);

/*
 * Make it the channel of its relid for event dispatch and replies (RCU).
 * Return: 0, or -EEXIST when the relid is taken (a duplicate offer).
 */
int hvg_chan_publish(struct hvg_vmbus_channel *chan);

/* The published channel of @relid, or NULL. Caller holds rcu_read_lock(). */
struct hvg_vmbus_channel *hvg_chan_lookup_rcu(u32 relid);

/*
 * The host rescinded @chan: mark it, stop its callback, wake every waiter
 * on it with -ENODEV. Any context but hard interrupt; idempotent.
 */
void hvg_chan_rescind(struct hvg_vmbus_channel *chan);

/*
 * Remove @chan from event dispatch and free it once no RCU reader sees it.
 * It must be closed (its driver's remove() ran). Process context. The
 * caller sends RELID_RELEASED (after a rescind) before or after, as M9 asks.
 */
void hvg_chan_unpublish_free(struct hvg_vmbus_channel *chan);

/* Link a sub-channel to its primary (bus.c decides which one). */
void hvg_chan_set_primary(struct hvg_vmbus_channel *sub,
			  struct hvg_vmbus_channel *primary,
			  struct hvg_vmbus_device *dev);
void hvg_chan_set_device(struct hvg_vmbus_channel *chan,
			 struct hvg_vmbus_device *dev);

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

/*
 * sysfs: channels/<relid>/ of @chan under @parent (the device's
 * "channels" kobject), with the attributes of sysfs-bus-vmbus.
 */
int hvg_chan_sysfs_add(struct hvg_vmbus_channel *chan, struct kobject *parent);
void hvg_chan_sysfs_del(struct hvg_vmbus_channel *chan);

/*
 * For the device attributes of bus.c: one "relid:cpu" pair per channel
 * (channel_vp_mapping), the primary's monitor id, and the state.
 */
ssize_t hvg_chan_vp_mapping(struct hvg_vmbus_device *dev, char *buf);

#endif /* _HVG_VMBUS_CHANNEL_H */

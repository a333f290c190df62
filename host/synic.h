/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loopback host's SynIC model: per virtual processor, a message page
 * (one 256-byte slot per SINT, with the message_pending/EOM protocol and a
 * bounded queue behind every slot) and an event flags page, plus the guest
 * side of HvPostMessage, HvSignalEvent and EOM.
 *
 * The model serves two front ends (Documentation/loophost.rst): hvg's
 * software backend, for which it allocates the pages itself and raises a
 * SINT as an irq_work on the target CPU, and later the soft Hyper-V
 * partition, which hands in the guest's own SIMP/SIEFP pages (a page
 * provider) and raises SINTs its own way (an interrupt sink).
 *
 * Nothing here is exported: hvg_loophost and the KUnit module each compile
 * their own copy.
 */
#ifndef _HVG_LOOPHOST_SYNIC_H
#define _HVG_LOOPHOST_SYNIC_H

#include <linux/types.h>
#include <hvguest/tlfs.h>
#include <hvguest/hypercall.h>

struct hvg_lh_synic;

/* A VP's two SynIC pages. */
enum hvg_lh_page {
	HVG_LH_SIMP,		/* struct hvg_synic_message_page */
	HVG_LH_SIEFP,		/* struct hvg_synic_event_page */
};

/**
 * struct hvg_lh_page_provider - where a VP's SynIC pages are
 * @with_page: call @fn(page, @arg) with page @which of @vp, only while the
 *	guest has it enabled, and make sure no @fn runs on it any more once
 *	the guest's disabling write has returned (the soft partition runs it
 *	under the VP's register lock). Return 0 after @fn ran, or non-zero
 *	(-ENODEV) when the page is disabled: messages then wait in the slot
 *	queues and event flags are held, until hvg_lh_synic_rescan().
 *
 * Called with the model's VP lock held and interrupts off: it must not
 * sleep, and @fn (the model's) only reads and writes the page.
 */
struct hvg_lh_page_provider {
	int (*with_page)(void *ctx, u32 vp, enum hvg_lh_page which,
			 void (*fn)(void *page, void *arg), void *arg);
};

/*
 * What an interrupt sink's raise did: DONE (delivered, or nothing to do:
 * a polled SINT), or HOLD (not now: the SINT is masked, the VP disabled or
 * offline; the model keeps it and raises it again on hvg_lh_synic_rescan()).
 */
enum hvg_lh_raise_result {
	HVG_LH_RAISE_DONE,
	HVG_LH_RAISE_HOLD,
};

/**
 * struct hvg_lh_irq_sink - how a SINT reaches the guest
 * @raise: assert @sint on @vp. Called from any context, with no model lock
 *	held, after the message or flag it announces is visible. Must not
 *	run the guest's handler inline. Return: enum hvg_lh_raise_result.
 */
struct hvg_lh_irq_sink {
	int (*raise)(void *ctx, u32 vp, unsigned int sint);
};

/*
 * Host-side receivers of a connection. Both run in process context (a
 * work item), one call at a time for the whole model, in posting order for
 * messages. They may sleep, and may add and remove connections (their own
 * included: a removal from inside a callback does not wait for the
 * callbacks, since none but the caller runs).
 * @signals: how many HvSignalEvent calls this call stands for (coalesced).
 */
typedef void (*hvg_lh_message_fn)(void *ctx, u32 connection_id,
				  u32 message_type, const void *payload,
				  u32 payload_size);
typedef void (*hvg_lh_event_fn)(void *ctx, u32 connection_id,
				unsigned int signals);

/*
 * An optional second receiver of a connection's events, run in the
 * guest's own HvSignalEvent call, on its CPU, instead of the work: only
 * when that call comes with interrupts on and not in hard interrupt
 * context, under rcu_read_lock(), so it must not sleep; calls from many
 * CPUs may run at once. It returns true if it took the event, false to
 * leave it to @event in the work (as if it were not set).
 */
typedef bool (*hvg_lh_event_now_fn)(void *ctx, u32 connection_id);

/**
 * struct hvg_lh_synic_config - what hvg_lh_synic_create() builds
 * @nr_vps: number of virtual processors: VP indexes are 0 .. @nr_vps - 1.
 *	With the default interrupt sink the VP index is the CPU number, so at
 *	most nr_cpu_ids; another sink maps VP indexes to CPUs its own way
 *	(the soft partition's may be sparse, up to 4095).
 * @slot_depth: messages that may wait behind one (VP, SINT) slot (>= 1)
 * @rx_depth: guest messages (HvPostMessage) that may wait for the host's
 *	receive callbacks, model-wide (>= 1)
 * @pages: page provider, or NULL: the model allocates a zeroed SIMP and
 *	SIEFP page per VP itself
 * @pages_ctx: first argument of the provider's ops
 * @sink: interrupt sink, or NULL: an irq_work queued on CPU @vp that calls
 *	the handler of hvg_lh_synic_set_handler()
 * @sink_ctx: first argument of @sink->raise
 */
struct hvg_lh_synic_config {
	u32 nr_vps;
	unsigned int slot_depth;
	unsigned int rx_depth;
	const struct hvg_lh_page_provider *pages;
	void *pages_ctx;
	const struct hvg_lh_irq_sink *sink;
	void *sink_ctx;
};

/* VP indexes are below this (TLFS: at most 4096 VPs per partition). */
#define HVG_LH_MAX_VPS			4096

/*
 * Connections the model can hold at once: the VMBus server's two message
 * ids and one per channel.
 */
#define HVG_LH_MAX_CONNECTIONS		256

/* Counters; hvg_lh_stat_name() gives each a name. */
enum hvg_lh_stat {
	HVG_LH_POSTED,		/* host messages accepted for a slot */
	HVG_LH_DELIVERED,	/* messages written into a slot */
	HVG_LH_QUEUED,		/* posts that found the slot busy */
	HVG_LH_SLOT_FULL,	/* posts refused: slot queue full */
	HVG_LH_PENDING_SET,	/* message_pending set on a busy slot */
	HVG_LH_EOM,		/* EOMs */
	HVG_LH_EOM_DELIVERED,	/* messages an EOM moved into a slot */
	HVG_LH_EVENT_SET,	/* event flags newly set */
	HVG_LH_EVENT_COALESCED,	/* event flags that were already set */
	HVG_LH_EVENT_HELD,	/* event flags held: SIEFP disabled */
	HVG_LH_EVENT_LOST,	/* event flags lost: no memory to hold them */
	HVG_LH_EVENT_REDELIVERED, /* held flags set by a rescan */
	HVG_LH_RAISED,		/* interrupts raised */
	HVG_LH_RAISE_HELD,	/* raises the sink could not deliver, held */
	HVG_LH_RAISE_REDELIVERED, /* held raises a rescan asserted again */
	HVG_LH_PANIC_POSTED,	/* messages posted during a panic */
	HVG_LH_PANIC_FAILED,	/* ... that could not be posted */
	HVG_LH_RAISE_OFFLINE,	/* raises held for an offline CPU */
	HVG_LH_IRQ_RUNS,	/* software sink: irq_work runs */
	HVG_LH_IRQ_NO_HANDLER,	/* software sink: held, no handler */
	HVG_LH_HC_POST,		/* HvPostMessage calls */
	HVG_LH_HC_POST_FAILED,	/* ... that returned an error status */
	HVG_LH_HC_SIGNAL,	/* HvSignalEvent calls */
	HVG_LH_HC_SIGNAL_FAILED,/* ... that returned an error status */
	HVG_LH_RX_DELIVERED,	/* guest messages given to a callback */
	HVG_LH_RX_DROPPED,	/* guest messages dropped: connection gone */
	HVG_LH_EVENT_CALLBACKS,	/* event callback calls */
	HVG_LH_EVENT_NOW,	/* events taken in the guest's call */
	HVG_LH_OFFLINE_REFUSED,	/* CPU offlines the guest's check refused */
	HVG_LH_NR_STATS
};

const char *hvg_lh_stat_name(enum hvg_lh_stat stat);
unsigned long hvg_lh_synic_stat(struct hvg_lh_synic *s, enum hvg_lh_stat stat);

/*
 * Create and destroy. Process context. hvg_lh_synic_destroy() requires that
 * nobody calls into the model any more (host side or guest side); it
 * flushes the software sink's irq_work and the receive work, and frees every
 * queued message and the pages it allocated.
 * Return: the model, or ERR_PTR(-EINVAL / -ENOMEM).
 */
struct hvg_lh_synic *hvg_lh_synic_create(const struct hvg_lh_synic_config *cfg);
void hvg_lh_synic_destroy(struct hvg_lh_synic *s);

/* The model's own pages of @vp (NULL with an external page provider). */
struct hvg_synic_message_page *hvg_lh_synic_message_page(struct hvg_lh_synic *s,
							 u32 vp);
struct hvg_synic_event_page *hvg_lh_synic_event_page(struct hvg_lh_synic *s,
						     u32 vp);

/*
 * Software sink only: the guest's one handler, run in irq_work context on
 * the CPU of the VP whose SINT was raised. Interrupts raised while no
 * handler is set are held and delivered when one is set. Process context;
 * set returns -EBUSY if a handler is set; clear waits until no CPU runs it.
 */
int hvg_lh_synic_set_handler(struct hvg_lh_synic *s, hvg_hv_handler_t handler,
			     void *ctx);
void hvg_lh_synic_clear_handler(struct hvg_lh_synic *s);

/*
 * Software sink only: the guest's CPU-offline check (set_offline_check of
 * include/hvguest/hypercall.h), asked from a cpuhp teardown callback before
 * any CPU goes offline, as the Hyper-V backend asks it; a refusal fails the
 * offline. @check NULL removes it (destroy does too). Installing sets up a
 * cpuhp state, removing removes it. One model per module may have a check.
 * Process context, not under the hotplug lock.
 * Return: 0; -EBUSY (a check is installed, by this model or another);
 * -EOPNOTSUPP (another sink: its front end owns CPU hotplug); a cpuhp
 * error.
 */
int hvg_lh_synic_set_offline_check(struct hvg_lh_synic *s,
				   hvg_hv_offline_check_t check, void *ctx);

/*
 * Host side.
 *
 * hvg_lh_synic_post() - post a message to (@vp, @sint): into the slot if it
 * is free, else behind it in the slot's queue, with message_pending set on
 * the message in the slot. Any context.
 * Return: 0; -EINVAL (bad VP, SINT, type 0 or payload over 240 bytes);
 * -ENOBUFS (queue full); -ENOMEM; -ESHUTDOWN (being destroyed).
 *
 * hvg_lh_synic_set_event() - set event flag @flag of (@vp, @sint) and raise
 * the SINT if the flag was clear. Any context.
 * Return: 1 if the flag was newly set, 0 if it was already set; -EINVAL;
 * -ENXIO (SIEFP disabled: the flag is held, and set with a raise by the
 * rescan after the guest enables the page again); -ENOMEM (disabled, and
 * no memory to hold it: lost); -ESHUTDOWN.
 *
 * hvg_lh_synic_rescan() - the guest changed @vp's SynIC (enabled SIMP or
 * SIEFP, unmasked a SINT, brought the VP online): fill every free slot that
 * has messages waiting, set the event flags held while the SIEFP was
 * disabled, and raise again every SINT whose raise the sink held. Any
 * context; no model lock held by the caller.
 *
 * hvg_lh_synic_post_panic() - post from a panic (or any context that must
 * not wait): like hvg_lh_synic_post() but never allocates or raises (the
 * guest polls its message pages then; other CPUs may be stopped), and
 * gives up on a VP lock it cannot take within about a millisecond (a CPU
 * stopped while holding it). A busy slot gets the message in its queue,
 * from a buffer reserved for this, one per VP; the guest's EOM fills it.
 * Return: 0; -EINVAL; -EBUSY (lock not taken, or the reserve in use);
 * -ESHUTDOWN.
 */
int hvg_lh_synic_post(struct hvg_lh_synic *s, u32 vp, unsigned int sint,
		      u32 message_type, const void *payload, u32 payload_size);
int hvg_lh_synic_set_event(struct hvg_lh_synic *s, u32 vp, unsigned int sint,
			   unsigned int flag);
void hvg_lh_synic_rescan(struct hvg_lh_synic *s, u32 vp);
int hvg_lh_synic_post_panic(struct hvg_lh_synic *s, u32 vp, unsigned int sint,
			    u32 message_type, const void *payload,
			    u32 payload_size);

/*
 * Connections the guest posts and signals to. @message or @event may be
 * NULL: the connection's port then is not of that type. Add: any context;
 * -EINVAL (id over 24 bits, both NULL), -EEXIST, -ENOSPC, -ESHUTDOWN.
 * Remove: process context; on return no callback for it runs any more and
 * messages still queued for it are dropped (counted). Called from outside
 * a callback, it waits for a callback in progress, so the caller must not
 * hold a lock that a callback takes.
 */
int hvg_lh_synic_add_connection(struct hvg_lh_synic *s, u32 connection_id,
				hvg_lh_message_fn message,
				hvg_lh_event_fn event, void *ctx);
void hvg_lh_synic_remove_connection(struct hvg_lh_synic *s,
				    u32 connection_id);

/*
 * Set (or clear, with NULL) the event_now receiver of connection
 * @connection_id, which has an event callback and the same context.
 * Any context; -ENOENT if there is no such connection. A removal's wait
 * (hvg_lh_synic_flush()) also waits for the event_now calls in progress.
 */
int hvg_lh_synic_set_event_now(struct hvg_lh_synic *s, u32 connection_id,
			       hvg_lh_event_now_fn now);

/*
 * The two halves of a removal, for a caller that holds a lock a callback
 * may take: _nowait() removes at once (a callback that found the
 * connection before may still be running, so whatever its context points
 * to must stay valid), hvg_lh_synic_flush() waits until no callback runs
 * (a no-op from inside a callback). Process context.
 */
void hvg_lh_synic_remove_connection_nowait(struct hvg_lh_synic *s,
					   u32 connection_id);
void hvg_lh_synic_flush(struct hvg_lh_synic *s);

/*
 * Guest side: the hypercalls, returning a TLFS status (HVG_STATUS_*). Any
 * context, never sleep, never call the guest's handler inline, nor a host
 * callback but a connection's event_now (hvg_lh_synic_set_event_now()).
 *
 * HvPostMessage: SUCCESS; INVALID_PARAMETER (type 0 or with bit 31 set,
 * payload over 240 bytes, NULL payload with a size); INVALID_CONNECTION_ID
 * (no such connection); INVALID_PORT_ID (the port takes no messages, or the
 * model is going away); INSUFFICIENT_BUFFERS (receive queue full);
 * INSUFFICIENT_MEMORY.
 *
 * HvSignalEvent: SUCCESS; INVALID_CONNECTION_ID; INVALID_PORT_ID (the port
 * takes no events, or going away); INVALID_PARAMETER (flag number not 0:
 * every port of this model has one flag).
 *
 * EOM: the guest on @vp wrote the EOM register: every free slot of @vp with
 * a message waiting gets the next one.
 */
u16 hvg_lh_synic_hc_post_message(struct hvg_lh_synic *s, u32 connection_id,
				 u32 message_type, const void *payload,
				 u32 payload_size);
u16 hvg_lh_synic_hc_signal_event(struct hvg_lh_synic *s, u32 connection_id,
				 u16 flag_number);
void hvg_lh_synic_eom(struct hvg_lh_synic *s, u32 vp);

#endif /* _HVG_LOOPHOST_SYNIC_H */

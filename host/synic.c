// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback host's SynIC model (see synic.h and
 * Documentation/loophost.rst).
 *
 * The host and the guest run concurrently in one kernel, on different CPUs,
 * so the slot protocol is the TLFS one with both sides' barriers:
 *
 *   host fills a free slot:  payload, size, flags; smp_wmb(); message_type
 *   guest consumes:          read type; rmb; copy; type = 0; mb; read flags;
 *                            EOM only if message_pending was set
 *   host finds a busy slot:  set message_pending; smp_mb(); re-read type,
 *                            and fill the slot itself if the guest freed it
 *                            in between (it may have read the flags before
 *                            the pending bit landed, and will not EOM)
 *
 * Interrupts are raised only after the VP lock is dropped: the guest's
 * handler may run at once on this CPU and call EOM, which takes that lock.
 */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "synic.h"

/* One message waiting for a slot, or for a host receive callback. */
struct hvg_lh_msg {
	struct list_head node;
	u32 connection_id;		/* guest messages only */
	u32 message_type;
	u32 payload_size;
	bool reserve;			/* the model's panic buffer: not freed */
	u64 payload[HVG_MESSAGE_PAYLOAD_QWORDS];
};

/*
 * One virtual processor.
 *
 * @lock (spinlock, taken with interrupts off: the guest calls EOM from its
 * interrupt handler) guards @queue and @queued, and serialises every host
 * write into this VP's SIMP and SIEFP pages, so that a page provider can
 * rely on the page being written only while the lock is held. Taken from
 * any context; it nests inside nothing of the model and is never held
 * while an interrupt is raised or a callback runs.
 *
 * @held_flags (NULL until first needed) holds event flags set while the
 * SIEFP was disabled; its words are written with atomic bit operations
 * under @lock and taken with xchg() under @lock by the rescan.
 *
 * @held is a bitmap of SINTs whose raise the sink refused (masked SINT,
 * disabled or offline VP), @rescans counts rescans; both atomic, no lock
 * (see hvg_lh_raise()).
 *
 * @raised is a bitmap of SINTs raised for the software sink and not yet
 * handed to the handler; atomic bit operations, no lock. @kicks counts
 * remote kicks (IPIs) not yet finished, atomic; @csd is owned by the IPI
 * code while a kick is in flight, which bit 0 of @kicking says: the raiser
 * that sets it sends the kick, the kick's handler clears it (atomic bit
 * operations, no lock; see hvg_lh_sw_kick_vp()). @own_simp,
 * @own_siefp, @s and @vp are set at creation and read-only after.
 */
struct hvg_lh_vp {
	struct hvg_lh_synic *s;
	u32 vp;
	spinlock_t lock;		/* see above */
	struct list_head queue[HVG_SINT_COUNT];
	unsigned int queued[HVG_SINT_COUNT];
	struct hvg_synic_message_page *own_simp;
	struct hvg_synic_event_page *own_siefp;
	struct hvg_synic_event_page *held_flags;
	unsigned long held;
	atomic_t rescans;
	struct irq_work irq_work;	/* software sink */
	call_single_data_t csd;		/* software sink: remote kick */
	atomic_t kicks;			/* kicks in flight */
	unsigned long kicking;		/* bit 0: @csd is in flight */
	unsigned long raised;
};

/* A connection the guest posts or signals to; in hvg_lh_synic.conns[]. */
struct hvg_lh_conn {
	bool used;
	u32 id;
	hvg_lh_message_fn message;
	hvg_lh_event_fn event;
	hvg_lh_event_now_fn now;	/* optional, see synic.h */
	void *ctx;
	unsigned int signals;		/* not yet handed to @event */
};

/*
 * The model.
 *
 * @lock (spinlock, interrupts off: the hypercalls come from any context)
 * guards @conns, @rx, @rx_queued, @stopping, @handler and @handler_ctx. The
 * hypercalls, the receive work and the software sink's irq_work take it;
 * never together with a VP lock, and never across a callback.
 *
 * @stopping is also read without @lock (READ_ONCE) under a VP lock by the
 * host-side entry points: destroy sets it, then takes every VP lock once.
 * @cfg and @vps are set at creation and read-only after. @stats are atomic.
 * @reserve is the panic post's buffer, owned by whoever set bit 0 of
 * @reserve_busy (test_and_set_bit; cleared when the slot takes it).
 *
 * @offline_check and @offline_ctx: see hvg_lh_offline_lock below.
 */
struct hvg_lh_synic {
	struct hvg_lh_synic_config cfg;
	struct hvg_lh_vp *vps;

	spinlock_t lock;		/* see above */
	struct hvg_lh_conn conns[HVG_LH_MAX_CONNECTIONS];
	struct list_head rx;
	unsigned int rx_queued;
	bool stopping;
	hvg_hv_handler_t handler;
	void *handler_ctx;
	struct work_struct rx_work;
	struct hvg_lh_msg *reserve;
	unsigned long reserve_busy;

	hvg_hv_offline_check_t offline_check;
	void *offline_ctx;

	atomic_long_t stats[HVG_LH_NR_STATS];
};

static const char * const hvg_lh_stat_names[HVG_LH_NR_STATS] = {
	[HVG_LH_POSTED] = "posted",
	[HVG_LH_DELIVERED] = "delivered",
	[HVG_LH_QUEUED] = "queued",
	[HVG_LH_SLOT_FULL] = "slot_full",
	[HVG_LH_PENDING_SET] = "pending_set",
	[HVG_LH_EOM] = "eom",
	[HVG_LH_EOM_DELIVERED] = "eom_delivered",
	[HVG_LH_EVENT_SET] = "event_set",
	[HVG_LH_EVENT_COALESCED] = "event_coalesced",
	[HVG_LH_EVENT_HELD] = "event_held",
	[HVG_LH_EVENT_LOST] = "event_lost",
	[HVG_LH_EVENT_REDELIVERED] = "event_redelivered",
	[HVG_LH_RAISED] = "raised",
	[HVG_LH_RAISE_HELD] = "raise_held",
	[HVG_LH_RAISE_REDELIVERED] = "raise_redelivered",
	[HVG_LH_PANIC_POSTED] = "panic_posted",
	[HVG_LH_PANIC_FAILED] = "panic_failed",
	[HVG_LH_RAISE_OFFLINE] = "raise_offline",
	[HVG_LH_IRQ_RUNS] = "irq_runs",
	[HVG_LH_IRQ_NO_HANDLER] = "irq_no_handler",
	[HVG_LH_HC_POST] = "hc_post",
	[HVG_LH_HC_POST_FAILED] = "hc_post_failed",
	[HVG_LH_HC_SIGNAL] = "hc_signal",
	[HVG_LH_HC_SIGNAL_FAILED] = "hc_signal_failed",
	[HVG_LH_RX_DELIVERED] = "rx_delivered",
	[HVG_LH_RX_DROPPED] = "rx_dropped",
	[HVG_LH_EVENT_CALLBACKS] = "event_callbacks",
	[HVG_LH_EVENT_NOW] = "event_now",
	[HVG_LH_OFFLINE_REFUSED] = "offline_refused",
};

const char *hvg_lh_stat_name(enum hvg_lh_stat stat)
{
	if ((unsigned int)stat >= HVG_LH_NR_STATS)
		return "?";
	return hvg_lh_stat_names[stat];
}

unsigned long hvg_lh_synic_stat(struct hvg_lh_synic *s, enum hvg_lh_stat stat)
{
	if ((unsigned int)stat >= HVG_LH_NR_STATS)
		return 0;
	return atomic_long_read(&s->stats[stat]);
}

static void hvg_lh_count(struct hvg_lh_synic *s, enum hvg_lh_stat stat)
{
	atomic_long_inc(&s->stats[stat]);
}

/* ---------------------------------------------------------------------
 * The default page provider: pages the model allocated
 */

static int hvg_lh_own_with_page(void *ctx, u32 vp, enum hvg_lh_page which,
				void (*fn)(void *page, void *arg), void *arg)
{
	struct hvg_lh_synic *s = ctx;

	fn(which == HVG_LH_SIMP ? (void *)s->vps[vp].own_simp :
				  (void *)s->vps[vp].own_siefp, arg);
	return 0;
}

static const struct hvg_lh_page_provider hvg_lh_own_pages = {
	.with_page = hvg_lh_own_with_page,
};

/* Page @which of @vp through the provider. VP lock held. */
static int hvg_lh_with_page(struct hvg_lh_synic *s, u32 vp,
			    enum hvg_lh_page which,
			    void (*fn)(void *page, void *arg), void *arg)
{
	return s->cfg.pages->with_page(s->cfg.pages_ctx, vp, which, fn, arg);
}

struct hvg_synic_message_page *hvg_lh_synic_message_page(struct hvg_lh_synic *s,
							 u32 vp)
{
	return vp < s->cfg.nr_vps ? s->vps[vp].own_simp : NULL;
}

struct hvg_synic_event_page *hvg_lh_synic_event_page(struct hvg_lh_synic *s,
						     u32 vp)
{
	return vp < s->cfg.nr_vps ? s->vps[vp].own_siefp : NULL;
}

/* ---------------------------------------------------------------------
 * The default interrupt sink: an irq_work on the CPU numbered like the VP
 */

/*
 * Runs on CPU @vp in the IPI of smp_call_function_single_async(): queue the
 * VP's irq_work there, on its own CPU.
 */
static void hvg_lh_sw_kick(void *info)
{
	struct hvg_lh_vp *v = info;

	/*
	 * The IPI code unlocked @csd before it called this: it is free for
	 * the next kick once @kicking is clear.
	 */
	clear_bit(0, &v->kicking);
	/*
	 * Orders the clear before the irq_work's read of @raised (after the
	 * claim); pairs with the barrier in hvg_lh_sw_kick_vp(): a raiser
	 * that still saw @kicking set has its bit in @raised seen by the
	 * work queued here.
	 */
	smp_mb__after_atomic();
	irq_work_queue(&v->irq_work);
	/*
	 * The last access to @v: destroy waits for @kicks to reach 0 before
	 * it frees the VP. The barrier orders the queueing before the drop.
	 */
	smp_mb__before_atomic();
	atomic_dec(&v->kicks);
}

/* Queue @v's irq_work on its own CPU. Any context. */
static void hvg_lh_sw_kick_vp(struct hvg_lh_synic *s, struct hvg_lh_vp *v)
{
	int cpu = get_cpu();

	if (cpu == v->vp) {
		/* A self-interrupt: it runs once interrupts are on again. */
		irq_work_queue(&v->irq_work);
	} else if (!cpu_online(v->vp)) {
		/* Held in @raised; the next raise or set_handler delivers. */
		hvg_lh_count(s, HVG_LH_RAISE_OFFLINE);
	} else {
		/*
		 * irq_work_queue_on() is not exported: an asynchronous IPI
		 * queues the work on the target CPU instead. Its caller must
		 * serialise the uses of @csd (the -EBUSY test of
		 * smp_call_function_single_async() is a plain read, and two
		 * CPUs that both pass it add the same node twice to the
		 * target's call queue, which then loops on itself: seen as an
		 * RCU stall with the target spinning in the call-function IPI,
		 * 2026-12-07). @kicking is that serialisation: only the raiser
		 * that sets it sends the IPI. One that finds it set relies on
		 * the kick in flight, whose handler clears it before it queues
		 * the work; the barrier orders this raise's bit in @raised
		 * before the test and pairs with the one in hvg_lh_sw_kick().
		 */
		smp_mb__before_atomic();
		if (!test_and_set_bit(0, &v->kicking)) {
			atomic_inc(&v->kicks);
			if (smp_call_function_single_async(v->vp, &v->csd)) {
				/* Gone offline meanwhile: held in @raised. */
				clear_bit(0, &v->kicking);
				atomic_dec(&v->kicks);
			}
		}
	}
	put_cpu();
}

static int hvg_lh_sw_raise(void *ctx, u32 vp, unsigned int sint)
{
	struct hvg_lh_synic *s = ctx;
	struct hvg_lh_vp *v = &s->vps[vp];

	/*
	 * The bit is set before the work is queued (the irq_work claim and
	 * the IPI are full barriers), and the work takes the bitmap with
	 * xchg(), so a raise is never lost between a run and the next one.
	 */
	set_bit(sint, &v->raised);
	hvg_lh_sw_kick_vp(s, v);
	/* An offline CPU's raise waits in @raised: the sink holds it. */
	return HVG_LH_RAISE_DONE;
}

static void hvg_lh_sw_irq(struct irq_work *work)
{
	struct hvg_lh_vp *v = container_of(work, struct hvg_lh_vp, irq_work);
	struct hvg_lh_synic *s = v->s;
	hvg_hv_handler_t handler;
	unsigned long sints, flags;
	void *ctx;

	sints = xchg(&v->raised, 0);
	if (!sints)
		return;
	hvg_lh_count(s, HVG_LH_IRQ_RUNS);

	spin_lock_irqsave(&s->lock, flags);
	handler = s->handler;
	ctx = s->handler_ctx;
	spin_unlock_irqrestore(&s->lock, flags);

	if (!handler) {
		unsigned int sint;

		/* Like a masked SINT: hold it until a handler is set. */
		for_each_set_bit(sint, &sints, HVG_SINT_COUNT)
			set_bit(sint, &v->raised);
		hvg_lh_count(s, HVG_LH_IRQ_NO_HANDLER);
		return;
	}
	handler(ctx);
}

static const struct hvg_lh_irq_sink hvg_lh_sw_sink = {
	.raise = hvg_lh_sw_raise,
};

/*
 * Raise @sint on @vp through the sink; a raise the sink refuses is held in
 * the VP's @held and raised again by the next rescan. No model lock held.
 *
 * A rescan that runs while the sink refuses could miss the held bit (it
 * takes @held before the bit is set). It increments @rescans before it
 * takes @held, and the sink's refusal was decided before that rescan's
 * cause (the guest's unmask) was visible; so if @rescans moved since
 * before the refusal, the raise is retried here, unless a rescan already
 * took the bit.
 */
static void hvg_lh_raise(struct hvg_lh_synic *s, u32 vp, unsigned int sint)
{
	struct hvg_lh_vp *v = &s->vps[vp];
	int gen;

	hvg_lh_count(s, HVG_LH_RAISED);
	for (;;) {
		gen = atomic_read_acquire(&v->rescans);
		if (s->cfg.sink->raise(s->cfg.sink_ctx, vp, sint) !=
		    HVG_LH_RAISE_HOLD)
			return;
		hvg_lh_count(s, HVG_LH_RAISE_HELD);
		set_bit(sint, &v->held);
		/* The held bit before @rescans is read again. */
		smp_mb__after_atomic();
		if (atomic_read(&v->rescans) == gen ||
		    !test_and_clear_bit(sint, &v->held))
			return;
	}
}

int hvg_lh_synic_set_handler(struct hvg_lh_synic *s, hvg_hv_handler_t handler,
			     void *ctx)
{
	unsigned long flags;
	u32 vp;
	int err = 0;

	if (!handler)
		return -EINVAL;
	if (s->cfg.sink != &hvg_lh_sw_sink)
		return -EOPNOTSUPP;
	spin_lock_irqsave(&s->lock, flags);
	if (s->handler) {
		err = -EBUSY;
	} else {
		s->handler_ctx = ctx;
		s->handler = handler;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	if (err)
		return err;

	/*
	 * Deliver what was held while no handler was set. A run that still
	 * read no handler puts its SINTs back in @raised before
	 * irq_work_sync() returns; any later run sees the handler.
	 */
	for (vp = 0; vp < s->cfg.nr_vps; vp++) {
		irq_work_sync(&s->vps[vp].irq_work);
		if (READ_ONCE(s->vps[vp].raised))
			hvg_lh_sw_kick_vp(s, &s->vps[vp]);
	}
	return 0;
}

void hvg_lh_synic_clear_handler(struct hvg_lh_synic *s)
{
	unsigned long flags;
	u32 vp;

	if (s->cfg.sink != &hvg_lh_sw_sink)
		return;
	spin_lock_irqsave(&s->lock, flags);
	s->handler = NULL;
	s->handler_ctx = NULL;
	spin_unlock_irqrestore(&s->lock, flags);
	/* A run that read the old handler before the clear ends here. */
	for (vp = 0; vp < s->cfg.nr_vps; vp++)
		irq_work_sync(&s->vps[vp].irq_work);
}

/* ---------------------------------------------------------------------
 * CPU offline
 */

/*
 * The model whose guest installed an offline check, and the cpuhp state
 * (dynamic, single instance) that asks it: one per module. A multi-instance
 * state is no use here: a teardown refused by one of its instances leaves
 * cpuhp's rollback position set, and the next state's callback warns (seen
 * on 6.1), while a refused single-instance teardown is the path upstream's
 * own VMBus driver takes.
 *
 * hvg_lh_offline_lock (mutex) serialises installing and removing, and
 * guards hvg_lh_cpuhp_state. hvg_lh_offline_model and the model's
 * @offline_check/@offline_ctx are written under it and under
 * cpus_read_lock(), so the teardown callback (hotplug lock held for
 * writing) reads them stable without the mutex.
 */
static DEFINE_MUTEX(hvg_lh_offline_lock);
static struct hvg_lh_synic *hvg_lh_offline_model;
static int hvg_lh_cpuhp_state;		/* 0: not set up */

/*
 * cpuhp teardown callback, on the CPU going down: ask the guest's check,
 * as the Hyper-V backend does before it tears a CPU's SynIC down. A
 * refusal fails the offline (cpuhp rolls back).
 */
static int hvg_lh_cpu_down(unsigned int cpu)
{
	struct hvg_lh_synic *s = READ_ONCE(hvg_lh_offline_model);
	hvg_hv_offline_check_t check;
	int err;

	if (!s)
		return 0;
	check = READ_ONCE(s->offline_check);
	if (!check)
		return 0;
	err = check(READ_ONCE(s->offline_ctx), cpu);
	if (!err)
		return 0;
	hvg_lh_count(s, HVG_LH_OFFLINE_REFUSED);
	return err < 0 ? err : -EBUSY;
}

/* Install @check, or remove it (NULL). hvg_lh_offline_lock held. */
static void hvg_lh_offline_set(struct hvg_lh_synic *s,
			       hvg_hv_offline_check_t check, void *ctx)
{
	/*
	 * The hotplug lock keeps every teardown callback out while the
	 * triple changes: none sees part of it, none that follows the old.
	 */
	cpus_read_lock();
	WRITE_ONCE(s->offline_ctx, ctx);
	WRITE_ONCE(s->offline_check, check);
	WRITE_ONCE(hvg_lh_offline_model, check ? s : NULL);
	cpus_read_unlock();
}

int hvg_lh_synic_set_offline_check(struct hvg_lh_synic *s,
				   hvg_hv_offline_check_t check, void *ctx)
{
	int err = 0, state;

	if (s->cfg.sink != &hvg_lh_sw_sink)
		return -EOPNOTSUPP;
	mutex_lock(&hvg_lh_offline_lock);
	if (!check) {
		if (hvg_lh_offline_model == s) {
			hvg_lh_offline_set(s, NULL, NULL);
			cpuhp_remove_state_nocalls(hvg_lh_cpuhp_state);
			hvg_lh_cpuhp_state = 0;
		}
		goto out;
	}
	if (hvg_lh_offline_model) {
		err = -EBUSY;
		goto out;
	}
	state = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN,
					  "hvguest/loophost:online", NULL,
					  hvg_lh_cpu_down);
	if (state < 0) {
		err = state;
		goto out;
	}
	hvg_lh_cpuhp_state = state;
	hvg_lh_offline_set(s, check, ctx);
out:
	mutex_unlock(&hvg_lh_offline_lock);
	return err;
}

/* ---------------------------------------------------------------------
 * Message slots
 */

/*
 * Move the next waiting message of @sint into its slot on @page, if the
 * slot is free. VP lock held. Return: true if a message was written (the
 * caller raises the SINT after dropping the lock).
 */
static bool hvg_lh_slot_fill(struct hvg_lh_vp *v, unsigned int sint,
			     struct hvg_synic_message_page *page)
{
	struct hvg_synic_message *slot = &page->sint_message[sint];
	struct hvg_lh_msg *m;

	if (list_empty(&v->queue[sint]))
		return false;

	if (READ_ONCE(slot->header.message_type) != HVG_MSGTYPE_NONE) {
		/* Busy: ask the guest for an EOM when it frees the slot. */
		WRITE_ONCE(slot->header.message_flags,
			   READ_ONCE(slot->header.message_flags) |
			   HVG_MSGFLAG_PENDING);
		hvg_lh_count(v->s, HVG_LH_PENDING_SET);
		/*
		 * Full barrier: message_pending must be visible before
		 * message_type is read again. Pairs with the guest's barrier
		 * between clearing message_type and reading message_flags:
		 * either the guest sees the pending bit and EOMs, or we see
		 * the free slot here and fill it ourselves.
		 */
		smp_mb();
		if (READ_ONCE(slot->header.message_type) != HVG_MSGTYPE_NONE)
			return false;
	}

	m = list_first_entry(&v->queue[sint], struct hvg_lh_msg, node);
	list_del(&m->node);
	v->queued[sint]--;

	memcpy(slot->payload, m->payload, m->payload_size);
	slot->header.payload_size = m->payload_size;
	slot->header.sender = 0;
	WRITE_ONCE(slot->header.message_flags,
		   list_empty(&v->queue[sint]) ? 0 : HVG_MSGFLAG_PENDING);
	/*
	 * Payload, size and flags before message_type: a non-zero type is
	 * what hands the slot to the guest. Pairs with the guest's read
	 * barrier between reading message_type and reading the rest.
	 */
	smp_wmb();
	WRITE_ONCE(slot->header.message_type, m->message_type);
	if (m->reserve)
		clear_bit_unlock(0, &v->s->reserve_busy);
	else
		kfree(m);
	hvg_lh_count(v->s, HVG_LH_DELIVERED);
	return true;
}

/* The arguments of a host post are usable. */
static bool hvg_lh_post_ok(struct hvg_lh_synic *s, u32 vp, unsigned int sint,
			   u32 message_type, const void *payload,
			   u32 payload_size)
{
	return vp < s->cfg.nr_vps && sint < HVG_SINT_COUNT &&
	       message_type != HVG_MSGTYPE_NONE &&
	       payload_size <= HVG_MESSAGE_PAYLOAD_BYTES &&
	       (!payload_size || payload);
}

/* What hvg_lh_fill_fn() is to fill, and what it filled. */
struct hvg_lh_fill {
	struct hvg_lh_vp *v;
	unsigned long want;		/* SINTs to try */
	unsigned long filled;		/* SINTs whose slot got a message */
};

/* The provider's callback: fill the wanted free slots. VP lock held. */
static void hvg_lh_fill_fn(void *page, void *arg)
{
	struct hvg_lh_fill *f = arg;
	unsigned int sint;

	for_each_set_bit(sint, &f->want, HVG_SINT_COUNT)
		if (hvg_lh_slot_fill(f->v, sint, page))
			__set_bit(sint, &f->filled);
}

/* Fill @want's free slots of @v if its SIMP is enabled. VP lock held. */
static unsigned long hvg_lh_fill(struct hvg_lh_vp *v, unsigned long want)
{
	struct hvg_lh_fill f = { .v = v, .want = want };

	hvg_lh_with_page(v->s, v->vp, HVG_LH_SIMP, hvg_lh_fill_fn, &f);
	return f.filled;
}

int hvg_lh_synic_post(struct hvg_lh_synic *s, u32 vp, unsigned int sint,
		      u32 message_type, const void *payload, u32 payload_size)
{
	struct hvg_lh_msg *m;
	struct hvg_lh_vp *v;
	unsigned long flags;
	bool raise = false;
	int err = 0;

	if (!hvg_lh_post_ok(s, vp, sint, message_type, payload, payload_size))
		return -EINVAL;
	v = &s->vps[vp];

	m = kzalloc(sizeof(*m), GFP_ATOMIC);
	if (!m)
		return -ENOMEM;
	m->message_type = message_type;
	m->payload_size = payload_size;
	if (payload_size)
		memcpy(m->payload, payload, payload_size);

	spin_lock_irqsave(&v->lock, flags);
	if (READ_ONCE(s->stopping)) {
		err = -ESHUTDOWN;
	} else if (v->queued[sint] >= s->cfg.slot_depth) {
		err = -ENOBUFS;
		hvg_lh_count(s, HVG_LH_SLOT_FULL);
	} else {
		/* In order: behind whatever already waits for this slot. */
		list_add_tail(&m->node, &v->queue[sint]);
		v->queued[sint]++;
		hvg_lh_count(s, HVG_LH_POSTED);
		raise = hvg_lh_fill(v, BIT(sint));
		if (!raise)
			hvg_lh_count(s, HVG_LH_QUEUED);
	}
	spin_unlock_irqrestore(&v->lock, flags);

	if (err)
		kfree(m);
	else if (raise)
		hvg_lh_raise(s, vp, sint);
	return err;
}

/*
 * During a panic a VP lock is only tried, for about a millisecond: a CPU
 * stopped while holding it never drops it.
 */
#define HVG_LH_PANIC_LOCK_TRIES	1000

/* Fill every free slot of @v that has a message waiting; count EOM fills. */
static void hvg_lh_vp_fill(struct hvg_lh_synic *s, u32 vp, bool eom)
{
	struct hvg_lh_vp *v = &s->vps[vp];
	unsigned long flags, filled = 0, want = 0;
	unsigned int sint, tries = 0;

	/* A panicking guest EOMs while it polls for UNLOAD_RESPONSE. */
	if (unlikely(oops_in_progress)) {
		while (!spin_trylock_irqsave(&v->lock, flags)) {
			if (++tries == HVG_LH_PANIC_LOCK_TRIES)
				return;
			udelay(1);
		}
	} else {
		spin_lock_irqsave(&v->lock, flags);
	}
	for (sint = 0; sint < HVG_SINT_COUNT; sint++)
		if (!list_empty(&v->queue[sint]))
			__set_bit(sint, &want);
	if (want && !READ_ONCE(s->stopping))
		filled = hvg_lh_fill(v, want);
	spin_unlock_irqrestore(&v->lock, flags);
	if (eom)
		atomic_long_add(hweight_long(filled),
				&s->stats[HVG_LH_EOM_DELIVERED]);

	for_each_set_bit(sint, &filled, HVG_SINT_COUNT)
		hvg_lh_raise(s, vp, sint);
}

void hvg_lh_synic_eom(struct hvg_lh_synic *s, u32 vp)
{
	if (vp >= s->cfg.nr_vps)
		return;
	hvg_lh_count(s, HVG_LH_EOM);
	hvg_lh_vp_fill(s, vp, true);
}

/* What hvg_lh_redeliver_fn() is to do, and which SINTs to raise. */
struct hvg_lh_redeliver {
	struct hvg_lh_vp *v;
	unsigned long raise;
};

/* The provider's callback: move the held flags into the page. */
static void hvg_lh_redeliver_fn(void *p, void *arg)
{
	struct hvg_lh_redeliver *r = arg;
	struct hvg_synic_event_page *page = p;
	struct hvg_lh_vp *v = r->v;
	struct hvg_lh_synic *s = v->s;
	unsigned int sint, i;

	for (sint = 0; sint < HVG_SINT_COUNT; sint++) {
		unsigned long *held =
			(unsigned long *)v->held_flags->sint_flags[sint].flags;
		unsigned long *dst =
			(unsigned long *)page->sint_flags[sint].flags;

		for (i = 0; i < HVG_EVENT_FLAGS_COUNT / BITS_PER_LONG; i++) {
			unsigned long w = xchg(&held[i], 0), old;

			if (!w)
				continue;
			/*
			 * Atomic OR, a full barrier like the set_event path:
			 * the flags are visible before the raise. Only flags
			 * that were clear in the page assert the SINT.
			 */
			old = atomic_long_fetch_or(w, (atomic_long_t *)&dst[i]);
			if (w & ~old) {
				__set_bit(sint, &r->raise);
				atomic_long_add(hweight_long(w & ~old),
						&s->stats[HVG_LH_EVENT_REDELIVERED]);
			}
		}
	}
}

/* Set the flags held while @v's SIEFP was disabled; SINTs to raise. */
static unsigned long hvg_lh_flags_redeliver(struct hvg_lh_synic *s,
					    struct hvg_lh_vp *v)
{
	struct hvg_lh_redeliver r = { .v = v };
	unsigned long flags;

	spin_lock_irqsave(&v->lock, flags);
	if (!READ_ONCE(s->stopping) && v->held_flags)
		hvg_lh_with_page(s, v->vp, HVG_LH_SIEFP, hvg_lh_redeliver_fn,
				 &r);
	spin_unlock_irqrestore(&v->lock, flags);
	return r.raise;
}

void hvg_lh_synic_rescan(struct hvg_lh_synic *s, u32 vp)
{
	struct hvg_lh_vp *v;
	unsigned long sints;
	unsigned int sint;

	if (vp >= s->cfg.nr_vps)
		return;
	v = &s->vps[vp];
	/*
	 * Before @held is taken, and a full barrier with it: pairs with
	 * hvg_lh_raise(), which reads @rescans after setting a held bit.
	 */
	atomic_inc(&v->rescans);
	smp_mb__after_atomic();	/* orders the increment before the xchg */
	hvg_lh_vp_fill(s, vp, false);
	sints = hvg_lh_flags_redeliver(s, v) | xchg(&v->held, 0);
	for_each_set_bit(sint, &sints, HVG_SINT_COUNT) {
		hvg_lh_count(s, HVG_LH_RAISE_REDELIVERED);
		hvg_lh_raise(s, vp, sint);
	}
}

int hvg_lh_synic_post_panic(struct hvg_lh_synic *s, u32 vp, unsigned int sint,
			    u32 message_type, const void *payload,
			    u32 payload_size)
{
	struct hvg_lh_msg *m = s->reserve;
	struct hvg_lh_vp *v;
	unsigned long flags;
	unsigned int tries = 0;
	int err = 0;

	if (!hvg_lh_post_ok(s, vp, sint, message_type, payload, payload_size))
		return -EINVAL;
	v = &s->vps[vp];
	/* Pairs with the clear_bit_unlock() when a slot took the reserve. */
	if (test_and_set_bit_lock(0, &s->reserve_busy)) {
		err = -EBUSY;
		goto out;
	}
	m->message_type = message_type;
	m->payload_size = payload_size;
	if (payload_size)
		memcpy(m->payload, payload, payload_size);
	while (!spin_trylock_irqsave(&v->lock, flags)) {
		if (++tries == HVG_LH_PANIC_LOCK_TRIES) {
			clear_bit_unlock(0, &s->reserve_busy);
			err = -EBUSY;
			goto out;
		}
		udelay(1);
	}
	if (READ_ONCE(s->stopping)) {
		err = -ESHUTDOWN;
		clear_bit_unlock(0, &s->reserve_busy);
	} else {
		/* Behind what waits: the guest's EOMs bring it forward. */
		list_add_tail(&m->node, &v->queue[sint]);
		v->queued[sint]++;
		hvg_lh_fill(v, BIT(sint));
	}
	spin_unlock_irqrestore(&v->lock, flags);
out:
	hvg_lh_count(s, err ? HVG_LH_PANIC_FAILED : HVG_LH_PANIC_POSTED);
	return err;
}

/* ---------------------------------------------------------------------
 * Event flags
 */

struct hvg_lh_flag {
	unsigned int sint, flag;
	int ret;
};

/* The provider's callback: set one flag; 1 if it was clear. */
static void hvg_lh_flag_fn(void *p, void *arg)
{
	struct hvg_synic_event_page *page = p;
	struct hvg_lh_flag *f = arg;

	/*
	 * Flag n is bit n % 8 of byte n / 8 (TLFS HV_SYNIC_EVENT_FLAGS); on
	 * little-endian x86-64 that is bit n of the unsigned long array.
	 * The atomic test-and-set is a full barrier: the flag is visible
	 * before the interrupt announcing it is raised, and it pairs with
	 * the guest's atomic test-and-clear.
	 */
	f->ret = !test_and_set_bit(f->flag,
			(unsigned long *)page->sint_flags[f->sint].flags);
}

int hvg_lh_synic_set_event(struct hvg_lh_synic *s, u32 vp, unsigned int sint,
			   unsigned int flag)
{
	struct hvg_lh_flag f = { .sint = sint, .flag = flag };
	struct hvg_synic_event_page *spare = NULL;
	bool off;
	struct hvg_lh_vp *v;
	unsigned long flags;
	int ret;

	if (vp >= s->cfg.nr_vps || sint >= HVG_SINT_COUNT ||
	    flag >= HVG_EVENT_FLAGS_COUNT)
		return -EINVAL;
	v = &s->vps[vp];

again:
	spin_lock_irqsave(&v->lock, flags);
	if (READ_ONCE(s->stopping)) {
		ret = -ESHUTDOWN;
	} else {
		off = hvg_lh_with_page(s, vp, HVG_LH_SIEFP, hvg_lh_flag_fn,
				       &f);
		if (off && !v->held_flags && !spare) {
			/* First hold on this VP: allocate outside the lock. */
			spin_unlock_irqrestore(&v->lock, flags);
			spare = (void *)get_zeroed_page(GFP_ATOMIC);
			if (!spare) {
				hvg_lh_count(s, HVG_LH_EVENT_LOST);
				return -ENOMEM;
			}
			goto again;
		}
		if (off) {
			if (!v->held_flags) {
				v->held_flags = spare;
				spare = NULL;
			}
			/* Held until the rescan after the page is enabled. */
			set_bit(flag, (unsigned long *)
				v->held_flags->sint_flags[sint].flags);
			ret = -ENXIO;
		} else {
			ret = f.ret;
		}
	}
	spin_unlock_irqrestore(&v->lock, flags);
	free_page((unsigned long)spare);

	if (ret == -ENXIO)
		hvg_lh_count(s, HVG_LH_EVENT_HELD);
	if (ret == 1) {
		hvg_lh_count(s, HVG_LH_EVENT_SET);
		/* Only a clear-to-set transition asserts the SINT. */
		hvg_lh_raise(s, vp, sint);
	} else if (ret == 0) {
		hvg_lh_count(s, HVG_LH_EVENT_COALESCED);
	}
	return ret;
}

/* ---------------------------------------------------------------------
 * Connections and the guest's hypercalls
 */

/* The connection @id, or NULL. Model lock held. */
static struct hvg_lh_conn *hvg_lh_conn_find(struct hvg_lh_synic *s, u32 id)
{
	unsigned int i;

	for (i = 0; i < HVG_LH_MAX_CONNECTIONS; i++) {
		if (s->conns[i].used && s->conns[i].id == id)
			return &s->conns[i];
	}
	return NULL;
}

int hvg_lh_synic_add_connection(struct hvg_lh_synic *s, u32 connection_id,
				hvg_lh_message_fn message,
				hvg_lh_event_fn event, void *ctx)
{
	struct hvg_lh_conn *c = NULL;
	unsigned long flags;
	unsigned int i;
	int err = 0;

	if ((connection_id & ~HVG_CONNECTION_ID_MASK) || (!message && !event))
		return -EINVAL;

	spin_lock_irqsave(&s->lock, flags);
	if (s->stopping) {
		err = -ESHUTDOWN;
	} else if (hvg_lh_conn_find(s, connection_id)) {
		err = -EEXIST;
	} else {
		for (i = 0; i < HVG_LH_MAX_CONNECTIONS && !c; i++) {
			if (!s->conns[i].used)
				c = &s->conns[i];
		}
		if (!c) {
			err = -ENOSPC;
		} else {
			c->used = true;
			c->id = connection_id;
			c->message = message;
			c->event = event;
			c->ctx = ctx;
			c->signals = 0;
		}
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return err;
}

void hvg_lh_synic_remove_connection_nowait(struct hvg_lh_synic *s,
					   u32 connection_id)
{
	struct hvg_lh_conn *c;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	c = hvg_lh_conn_find(s, connection_id);
	if (c)
		memset(c, 0, sizeof(*c));
	spin_unlock_irqrestore(&s->lock, flags);
}

int hvg_lh_synic_set_event_now(struct hvg_lh_synic *s, u32 connection_id,
			       hvg_lh_event_now_fn now)
{
	struct hvg_lh_conn *c;
	unsigned long flags;
	int err = -ENOENT;

	spin_lock_irqsave(&s->lock, flags);
	c = hvg_lh_conn_find(s, connection_id);
	if (c && c->event) {
		c->now = now;
		err = 0;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return err;
}

void hvg_lh_synic_flush(struct hvg_lh_synic *s)
{
	/* An event_now call that found a connection before its removal. */
	synchronize_rcu();
	/*
	 * From inside a callback (the receive work itself) no other callback
	 * runs, and flushing would wait for ourselves.
	 */
	if (current_work() != &s->rx_work)
		flush_work(&s->rx_work);
}

void hvg_lh_synic_remove_connection(struct hvg_lh_synic *s, u32 connection_id)
{
	hvg_lh_synic_remove_connection_nowait(s, connection_id);
	/*
	 * A callback that looked the connection up before the removal may
	 * still run; it ends within this flush. Later runs no longer find the
	 * connection and drop its messages.
	 */
	hvg_lh_synic_flush(s);
}

/*
 * The receive work: hands guest messages to their connection's callback in
 * posting order, then coalesced HvSignalEvent calls to the event callbacks.
 * One run at a time (one work item). Process context.
 */
static void hvg_lh_rx_work(struct work_struct *work)
{
	struct hvg_lh_synic *s = container_of(work, struct hvg_lh_synic,
					      rx_work);

	for (;;) {
		hvg_lh_message_fn mfn = NULL;
		hvg_lh_event_fn efn = NULL;
		struct hvg_lh_msg *m = NULL;
		unsigned int i, signals = 0;
		struct hvg_lh_conn *c;
		unsigned long flags;
		void *ctx = NULL;
		u32 id = 0;

		spin_lock_irqsave(&s->lock, flags);
		if (s->stopping) {
			spin_unlock_irqrestore(&s->lock, flags);
			return;
		}
		m = list_first_entry_or_null(&s->rx, struct hvg_lh_msg, node);
		if (m) {
			list_del(&m->node);
			s->rx_queued--;
			c = hvg_lh_conn_find(s, m->connection_id);
			if (c && c->message) {
				mfn = c->message;
				ctx = c->ctx;
			}
		} else {
			for (i = 0; i < HVG_LH_MAX_CONNECTIONS; i++) {
				c = &s->conns[i];
				if (c->used && c->signals) {
					efn = c->event;
					ctx = c->ctx;
					id = c->id;
					signals = c->signals;
					c->signals = 0;
					break;
				}
			}
		}
		spin_unlock_irqrestore(&s->lock, flags);

		if (m) {
			if (mfn) {
				mfn(ctx, m->connection_id, m->message_type,
				    m->payload, m->payload_size);
				hvg_lh_count(s, HVG_LH_RX_DELIVERED);
			} else {
				hvg_lh_count(s, HVG_LH_RX_DROPPED);
			}
			kfree(m);
		} else if (efn) {
			efn(ctx, id, signals);
			hvg_lh_count(s, HVG_LH_EVENT_CALLBACKS);
		} else {
			return;
		}
		cond_resched();
	}
}

u16 hvg_lh_synic_hc_post_message(struct hvg_lh_synic *s, u32 connection_id,
				 u32 message_type, const void *payload,
				 u32 payload_size)
{
	struct hvg_lh_conn *c;
	struct hvg_lh_msg *m;
	unsigned long flags;
	u16 status;

	hvg_lh_count(s, HVG_LH_HC_POST);
	if (message_type == HVG_MSGTYPE_NONE || (message_type & BIT(31)) ||
	    payload_size > HVG_MESSAGE_PAYLOAD_BYTES ||
	    (payload_size && !payload)) {
		status = HVG_STATUS_INVALID_PARAMETER;
		goto out;
	}

	/* Copied now: the guest may reuse its input page on return. */
	m = kzalloc(sizeof(*m), GFP_ATOMIC);
	if (!m) {
		status = HVG_STATUS_INSUFFICIENT_MEMORY;
		goto out;
	}
	m->connection_id = connection_id;
	m->message_type = message_type;
	m->payload_size = payload_size;
	if (payload_size)
		memcpy(m->payload, payload, payload_size);

	spin_lock_irqsave(&s->lock, flags);
	c = hvg_lh_conn_find(s, connection_id);
	if (!c) {
		status = HVG_STATUS_INVALID_CONNECTION_ID;
	} else if (!c->message || s->stopping) {
		status = HVG_STATUS_INVALID_PORT_ID;
	} else if (s->rx_queued >= s->cfg.rx_depth) {
		status = HVG_STATUS_INSUFFICIENT_BUFFERS;
	} else {
		list_add_tail(&m->node, &s->rx);
		s->rx_queued++;
		m = NULL;
		/* Never inline: the host runs later, in process context. */
		queue_work(system_wq, &s->rx_work);
		status = HVG_STATUS_SUCCESS;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	kfree(m);
out:
	if (status != HVG_STATUS_SUCCESS)
		hvg_lh_count(s, HVG_LH_HC_POST_FAILED);
	return status;
}

/* Count a signal of @c for the receive work. Model lock held. */
static void hvg_lh_signal_queue(struct hvg_lh_synic *s, struct hvg_lh_conn *c)
{
	if (c->signals != UINT_MAX)
		c->signals++;
	queue_work(system_wq, &s->rx_work);
}

u16 hvg_lh_synic_hc_signal_event(struct hvg_lh_synic *s, u32 connection_id,
				 u16 flag_number)
{
	hvg_lh_event_now_fn now = NULL;
	struct hvg_lh_conn *c;
	unsigned long flags;
	void *ctx = NULL;
	bool taken;
	u16 status;

	hvg_lh_count(s, HVG_LH_HC_SIGNAL);
	spin_lock_irqsave(&s->lock, flags);
	c = hvg_lh_conn_find(s, connection_id);
	if (!c) {
		status = HVG_STATUS_INVALID_CONNECTION_ID;
	} else if (!c->event || s->stopping) {
		status = HVG_STATUS_INVALID_PORT_ID;
	} else if (flag_number != 0) {
		status = HVG_STATUS_INVALID_PARAMETER;
	} else {
		status = HVG_STATUS_SUCCESS;
		/*
		 * The receiver takes _bh locks and runs the service: only
		 * with interrupts on, and never in a hard interrupt.
		 */
		if (c->now && !irqs_disabled_flags(flags) && !hardirq_count()) {
			now = c->now;
			ctx = c->ctx;
		} else {
			hvg_lh_signal_queue(s, c);
		}
	}
	spin_unlock_irqrestore(&s->lock, flags);
	if (status != HVG_STATUS_SUCCESS) {
		hvg_lh_count(s, HVG_LH_HC_SIGNAL_FAILED);
		return status;
	}
	if (!now)
		return status;

	/* The removal's flush waits for this call (synchronize_rcu()). */
	rcu_read_lock();
	taken = now(ctx, connection_id);
	rcu_read_unlock();
	if (taken) {
		hvg_lh_count(s, HVG_LH_EVENT_NOW);
		return status;
	}
	/* Left to the work, if the connection is still there. */
	spin_lock_irqsave(&s->lock, flags);
	c = hvg_lh_conn_find(s, connection_id);
	if (c && c->event && !s->stopping)
		hvg_lh_signal_queue(s, c);
	spin_unlock_irqrestore(&s->lock, flags);
	return status;
}

/* ---------------------------------------------------------------------
 * Creation and teardown
 */

static void hvg_lh_free_vps(struct hvg_lh_synic *s)
{
	struct hvg_lh_msg *m, *tmp;
	unsigned int sint;
	u32 vp;

	for (vp = 0; vp < s->cfg.nr_vps; vp++) {
		struct hvg_lh_vp *v = &s->vps[vp];

		for (sint = 0; sint < HVG_SINT_COUNT; sint++) {
			list_for_each_entry_safe(m, tmp, &v->queue[sint], node)
				if (!m->reserve)
					kfree(m);
		}
		free_page((unsigned long)v->own_simp);
		free_page((unsigned long)v->own_siefp);
		free_page((unsigned long)v->held_flags);
	}
	kvfree(s->vps);
	kfree(s->reserve);
}

struct hvg_lh_synic *hvg_lh_synic_create(const struct hvg_lh_synic_config *cfg)
{
	struct hvg_lh_synic *s;
	unsigned int sint, i;
	u32 vp;

	if (!cfg || !cfg->nr_vps || cfg->nr_vps > HVG_LH_MAX_VPS ||
	    !cfg->slot_depth || !cfg->rx_depth)
		return ERR_PTR(-EINVAL);
	if (cfg->pages && !cfg->pages->with_page)
		return ERR_PTR(-EINVAL);
	if (cfg->sink ? !cfg->sink->raise : cfg->nr_vps > nr_cpu_ids)
		return ERR_PTR(-EINVAL);

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->cfg = *cfg;
	if (!s->cfg.pages) {
		s->cfg.pages = &hvg_lh_own_pages;
		s->cfg.pages_ctx = s;
	}
	if (!s->cfg.sink) {
		s->cfg.sink = &hvg_lh_sw_sink;
		s->cfg.sink_ctx = s;
	}
	spin_lock_init(&s->lock);
	INIT_LIST_HEAD(&s->rx);
	INIT_WORK(&s->rx_work, hvg_lh_rx_work);
	for (i = 0; i < HVG_LH_NR_STATS; i++)
		atomic_long_set(&s->stats[i], 0);

	s->reserve = kzalloc(sizeof(*s->reserve), GFP_KERNEL);
	if (!s->reserve)
		goto fail_s;
	s->reserve->reserve = true;
	/* Up to 4096 VPs of a few hundred bytes: maybe not contiguous. */
	s->vps = kvcalloc(cfg->nr_vps, sizeof(*s->vps), GFP_KERNEL);
	if (!s->vps)
		goto fail_s;
	for (vp = 0; vp < cfg->nr_vps; vp++) {
		struct hvg_lh_vp *v = &s->vps[vp];

		v->s = s;
		v->vp = vp;
		spin_lock_init(&v->lock);
		for (sint = 0; sint < HVG_SINT_COUNT; sint++)
			INIT_LIST_HEAD(&v->queue[sint]);
		init_irq_work(&v->irq_work, hvg_lh_sw_irq);
		v->csd.func = hvg_lh_sw_kick;
		v->csd.info = v;
		atomic_set(&v->kicks, 0);
		atomic_set(&v->rescans, 0);
	}
	for (vp = 0; vp < cfg->nr_vps && !cfg->pages; vp++) {
		struct hvg_lh_vp *v = &s->vps[vp];

		v->own_simp = (void *)get_zeroed_page(GFP_KERNEL);
		v->own_siefp = (void *)get_zeroed_page(GFP_KERNEL);
		if (!v->own_simp || !v->own_siefp)
			goto fail_vps;
	}
	return s;

fail_vps:
	hvg_lh_free_vps(s);
	kfree(s);
	return ERR_PTR(-ENOMEM);
fail_s:
	kfree(s->reserve);
	kfree(s);
	return ERR_PTR(-ENOMEM);
}

void hvg_lh_synic_destroy(struct hvg_lh_synic *s)
{
	struct hvg_lh_msg *m, *tmp;
	unsigned long flags;
	u32 vp;

	if (IS_ERR_OR_NULL(s))
		return;

	/* Nothing may refuse an offline for a model that is going away. */
	if (s->cfg.sink == &hvg_lh_sw_sink)
		hvg_lh_synic_set_offline_check(s, NULL, NULL);
	spin_lock_irqsave(&s->lock, flags);
	s->stopping = true;
	s->handler = NULL;
	s->handler_ctx = NULL;
	spin_unlock_irqrestore(&s->lock, flags);
	/*
	 * Every host-side entry point reads @stopping under a VP lock: one
	 * that takes the lock after this pass sees it and does nothing.
	 */
	for (vp = 0; vp < s->cfg.nr_vps; vp++) {
		spin_lock_irqsave(&s->vps[vp].lock, flags);
		spin_unlock_irqrestore(&s->vps[vp].lock, flags);
	}

	cancel_work_sync(&s->rx_work);
	for (vp = 0; vp < s->cfg.nr_vps; vp++) {
		/* A kick in flight still queues the irq_work: wait for it. */
		while (atomic_read_acquire(&s->vps[vp].kicks))
			cond_resched();
		irq_work_sync(&s->vps[vp].irq_work);
	}

	list_for_each_entry_safe(m, tmp, &s->rx, node) {
		list_del(&m->node);
		kfree(m);
		hvg_lh_count(s, HVG_LH_RX_DROPPED);
	}
	hvg_lh_free_vps(s);
	kfree(s);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * VMBus channels (Documentation/vmbus.rst, "Channels"): their state, the
 * relid table that event dispatch uses, open and close, sending and
 * receiving through the ring, the receive callback and its interrupt
 * policy, the target CPU, the matching of host replies to their waiters,
 * and the per-channel sysfs and debugfs files.
 *
 * Contexts:
 *  - hvg_chan_isr(): hard interrupt (or the backend's irq_work), on the CPU
 *    whose SINT fired. It finds channels through the RCU relid table and
 *    schedules their tasklet there.
 *  - the tasklet: softirq, on the CPU that took the event (the channel's
 *    target CPU); a tasklet never runs on two CPUs at once, so the receive
 *    callback never runs concurrently with itself.
 *  - everything that waits for the host: process context, each wait
 *    bounded by timeout_ms.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <hvguest/compat.h>
#include <hvguest/hypercall.h>

#include "channel.h"
#include "connection.h"

/*
 * The relid table: the published channel of each relid. Readers: event
 * dispatch and reply matching, under rcu_read_lock(). Writers (publish,
 * unpublish) hold hvg_relid_lock.
 */
static struct hvg_vmbus_channel __rcu *hvg_relid_table[HVG_VMBUS_MAX_RELIDS];
static DEFINE_SPINLOCK(hvg_relid_lock);	/* guards writes of the table */

/*
 * Reply waiters: one list for every channel. hvg_waiters_lock (irqsave:
 * rescind may run from any context) guards the list and each waiter's
 * @done, @result and @status, and orders a waiter's addition against a
 * rescind of its channel (the RESCINDED bit is set under it).
 */
static LIST_HEAD(hvg_waiters);
static DEFINE_SPINLOCK(hvg_waiters_lock);

/* Round robin over online CPUs for the default target CPU. */
static atomic_t hvg_next_cpu = ATOMIC_INIT(0);

static const char * const hvg_chan_stat_names[HVG_CHAN_ST_NR] = {
	[HVG_CHAN_ST_INTERRUPTS] = "interrupts",
	[HVG_CHAN_ST_EVENTS] = "events",
	[HVG_CHAN_ST_INTR_OUT_EMPTY] = "intr_out_empty",
	[HVG_CHAN_ST_INTR_IN_FULL] = "intr_in_full",
	[HVG_CHAN_ST_OUT_FULL_FIRST] = "out_full_first",
	[HVG_CHAN_ST_OUT_FULL_TOTAL] = "out_full_total",
	[HVG_CHAN_ST_MALFORMED] = "malformed",
	[HVG_CHAN_ST_OVERSIZED] = "oversized",
	[HVG_CHAN_ST_POLLS] = "polls",
	[HVG_CHAN_ST_DEFERRED] = "deferred_polls",
	[HVG_CHAN_ST_QUIET_RECV] = "quiet_receives",
};

/*
 * Interrupt deferral, as NAPI's napi_defer_hard_irqs with
 * gro_flush_timeout: when a poll leaves the inbound ring empty, the
 * interrupt stays masked and a timer polls again after irq_defer_us; only
 * after irq_defer_polls polls in a row found nothing is it unmasked. A
 * host that keeps writing then needs no signal at all (it signals only an
 * unmasked, empty ring), at the cost of up to irq_defer_us of latency for
 * a packet that comes while the ring is masked. 0 turns it off; so do
 * low-resolution timers (hrtimer_resolution above irq_defer_us).
 */
static unsigned int hvg_irq_defer_us = 50;
module_param_named(irq_defer_us, hvg_irq_defer_us, uint, 0644);
MODULE_PARM_DESC(irq_defer_us,
		 "Microseconds between the polls of a channel whose inbound interrupt stays masked after it ran dry (0: unmask at once; at most 10000; default 50)");

static unsigned int hvg_irq_defer_polls = 8;
module_param_named(irq_defer_polls, hvg_irq_defer_polls, uint, 0644);
MODULE_PARM_DESC(irq_defer_polls,
		 "Empty timer polls before a channel's inbound interrupt is unmasked again (0: unmask at once; default 8)");

static void hvg_chan_count(struct hvg_vmbus_channel *c, enum hvg_chan_stat s)
{
	atomic64_inc(&c->stats[s]);
}

static unsigned int hvg_timeout_jiffies(void)
{
	return msecs_to_jiffies(READ_ONCE(hvg_vmbus_timeout_ms));
}

/* For log messages; the device may be gone already (then NULL). */
static const char *hvg_chan_name(struct hvg_vmbus_channel *c)
{
	struct hvg_vmbus_device *dev = READ_ONCE(c->dev);

	return dev ? dev_name(&dev->dev) : "(no device)";
}

/* ---------------------------------------------------------------------
 * Reply waiters.
 */

void hvg_chan_waiter_init(struct hvg_chan_waiter *w,
			  struct hvg_vmbus_channel *chan, u32 type, u32 key,
			  bool wake_on_rescind)
{
	memset(w, 0, sizeof(*w));
	INIT_LIST_HEAD(&w->node);
	w->chan = chan;
	w->type = type;
	w->relid = chan->offer.child_relid;
	w->key = key;
	w->wake_on_rescind = wake_on_rescind;
	init_completion(&w->comp);
}

int hvg_chan_waiter_add(struct hvg_chan_waiter *w)
{
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&hvg_waiters_lock, flags);
	if (w->wake_on_rescind &&
	    test_bit(HVG_CHAN_F_RESCINDED, &w->chan->flags))
		err = -ENODEV;
	else
		list_add_tail(&w->node, &hvg_waiters);
	spin_unlock_irqrestore(&hvg_waiters_lock, flags);
	return err;
}

void hvg_chan_waiter_del(struct hvg_chan_waiter *w)
{
	unsigned long flags;

	spin_lock_irqsave(&hvg_waiters_lock, flags);
	list_del_init(&w->node);
	spin_unlock_irqrestore(&hvg_waiters_lock, flags);
}

int hvg_chan_waiter_wait(struct hvg_chan_waiter *w)
{
	unsigned long flags;
	int err;

	wait_for_completion_timeout(&w->comp, hvg_timeout_jiffies());
	spin_lock_irqsave(&hvg_waiters_lock, flags);
	/* @done decides, not the wait: a reply may race the timeout. */
	list_del_init(&w->node);
	err = w->done ? w->result : -ETIMEDOUT;
	spin_unlock_irqrestore(&hvg_waiters_lock, flags);
	return err;
}

/* Wake @w with @result; hvg_waiters_lock held. */
static void hvg_waiter_finish(struct hvg_chan_waiter *w, int result,
			      u32 status)
{
	list_del_init(&w->node);
	w->done = true;
	w->result = result;
	w->status = status;
	complete(&w->comp);
}

bool hvg_chan_on_reply(const struct hvg_chmsg *msg)
{
	struct hvg_chan_waiter *w;
	u32 relid = 0, key = 0, status = 0;
	bool match_relid = true, found = false;
	unsigned long flags;

	switch (msg->type) {
	case HVG_CHMSG_OPENCHANNEL_RESULT:
		relid = msg->open_result.child_relid;
		key = msg->open_result.openid;
		status = msg->open_result.status;
		break;
	case HVG_CHMSG_GPADL_CREATED:
		relid = msg->gpadl_created.child_relid;
		key = msg->gpadl_created.gpadl;
		status = msg->gpadl_created.status;
		break;
	case HVG_CHMSG_GPADL_TORNDOWN:
		/* Matched on the handle alone (M43). */
		key = msg->gpadl_torndown.gpadl;
		match_relid = false;
		break;
	case HVG_CHMSG_MODIFYCHANNEL_RESP:
		relid = msg->modify_response.child_relid;
		status = msg->modify_response.status;
		break;
	default:
		return false;
	}

	spin_lock_irqsave(&hvg_waiters_lock, flags);
	list_for_each_entry(w, &hvg_waiters, node) {
		if (w->type != msg->type || w->key != key)
			continue;
		if (match_relid && w->relid != relid)
			continue;
		hvg_waiter_finish(w, 0, status);
		found = true;
		break;
	}
	spin_unlock_irqrestore(&hvg_waiters_lock, flags);
	return found;
}

/* ---------------------------------------------------------------------
 * Allocation, the relid table, rescind.
 */

static void hvg_chan_tasklet(struct tasklet_struct *t);

/* The deferral timer: hard interrupt context, on the channel's CPU. */
static enum hrtimer_restart hvg_chan_defer_fn(struct hrtimer *t)
{
	struct hvg_vmbus_channel *c = container_of(t, struct hvg_vmbus_channel,
						   defer_timer);

	tasklet_schedule(&c->tasklet);
	return HRTIMER_NORESTART;
}

/*
 * The online CPU @n places after @from, wrapping (@from itself for 0 and
 * its multiples; counted from the first online CPU if @from is offline).
 * The caller holds cpus_read_lock().
 */
static unsigned int hvg_online_cpu_after(unsigned int from, unsigned int n)
{
	unsigned int cpu = from < nr_cpu_ids && cpu_online(from) ?
			   from : cpumask_first(cpu_online_mask);

	for (n %= num_online_cpus(); n; n--) {
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
	}
	return cpu;
}

struct hvg_vmbus_channel *hvg_chan_alloc(const struct hvg_chmsg_offer_info *o)
{
	struct hvg_vmbus_channel *c;
	unsigned int cpu;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	c->offer = *o;
	kref_init(&c->ref);
	INIT_LIST_HEAD(&c->all_node);
	spin_lock_init(&c->sub_lock);
	mutex_init(&c->subchan_mutex);
	INIT_LIST_HEAD(&c->subs);
	INIT_LIST_HEAD(&c->sub_node);
	init_waitqueue_head(&c->subs_wq);
	mutex_init(&c->lock);
	c->state = HVG_CHAN_CLOSED;
	tasklet_setup(&c->tasklet, hvg_chan_tasklet);
	hvg_compat_hrtimer_setup(&c->defer_timer, hvg_chan_defer_fn,
				 CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	init_waitqueue_head(&c->writable_wq);

	/*
	 * Default target CPU of a primary: the online CPUs in turn, device
	 * after device. A sub-channel's follows its primary's
	 * (hvg_chan_spread_from()). Checked again at open.
	 */
	cpus_read_lock();	/* the online mask stays as it is meanwhile */
	cpu = cpumask_first(cpu_online_mask);
	if (!o->sub_channel_index)
		cpu = hvg_online_cpu_after(cpu, (unsigned int)
					   atomic_inc_return(&hvg_next_cpu));
	c->target_cpu = cpu;
	cpus_read_unlock();
	return c;
}

void hvg_chan_spread_from(struct hvg_vmbus_channel *sub,
			  const struct hvg_vmbus_channel *primary)
{
	unsigned int cpu;

	cpus_read_lock();	/* the online mask stays as it is meanwhile */
	cpu = hvg_online_cpu_after(READ_ONCE(primary->target_cpu),
				   sub->offer.sub_channel_index);
	/* Not open yet: nothing reads it but open and sysfs. */
	WRITE_ONCE(sub->target_cpu, cpu);
	cpus_read_unlock();
}

static void hvg_chan_release(struct kref *ref)
{
	struct hvg_vmbus_channel *c = container_of(ref, struct hvg_vmbus_channel,
						   ref);

	/*
	 * Unpublished before the last reference goes. An event handler that
	 * found the channel before that may still schedule its tasklet: wait
	 * for every such reader, then for the tasklet.
	 */
	synchronize_rcu();
	hrtimer_cancel(&c->defer_timer);
	tasklet_kill(&c->tasklet);
	/* A sub-channel holds its primary (see bus.c). */
	if (c->primary)
		hvg_chan_put(c->primary);
	kfree(c);
}

void hvg_chan_get(struct hvg_vmbus_channel *chan)
{
	kref_get(&chan->ref);
}

void hvg_chan_put(struct hvg_vmbus_channel *chan)
{
	kref_put(&chan->ref, hvg_chan_release);
}

void hvg_vmbus_chan_get(struct hvg_vmbus_channel *chan)
{
	hvg_chan_get(chan);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_get);

void hvg_vmbus_chan_put(struct hvg_vmbus_channel *chan)
{
	might_sleep();
	hvg_chan_put(chan);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_put);

int hvg_chan_publish(struct hvg_vmbus_channel *chan)
{
	u32 relid = chan->offer.child_relid;
	int err = 0;

	if (relid == 0 || relid >= HVG_VMBUS_MAX_RELIDS)
		return -ERANGE;
	spin_lock(&hvg_relid_lock);
	if (rcu_access_pointer(hvg_relid_table[relid])) {
		err = -EEXIST;
	} else {
		/* Release: the channel's fields before its pointer. */
		rcu_assign_pointer(hvg_relid_table[relid], chan);
		set_bit(HVG_CHAN_F_PUBLISHED, &chan->flags);
	}
	spin_unlock(&hvg_relid_lock);
	return err;
}

void hvg_chan_unpublish(struct hvg_vmbus_channel *chan)
{
	u32 relid = chan->offer.child_relid;

	spin_lock(&hvg_relid_lock);
	if (test_and_clear_bit(HVG_CHAN_F_PUBLISHED, &chan->flags) &&
	    rcu_access_pointer(hvg_relid_table[relid]) == chan)
		RCU_INIT_POINTER(hvg_relid_table[relid], NULL);
	spin_unlock(&hvg_relid_lock);
}

struct hvg_vmbus_channel *hvg_chan_lookup_rcu(u32 relid)
{
	if (relid >= HVG_VMBUS_MAX_RELIDS)
		return NULL;
	return rcu_dereference(hvg_relid_table[relid]);
}

void hvg_chan_rescind(struct hvg_vmbus_channel *chan)
{
	struct hvg_chan_waiter *w, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&hvg_waiters_lock, flags);
	set_bit(HVG_CHAN_F_RESCINDED, &chan->flags);
	list_for_each_entry_safe(w, tmp, &hvg_waiters, node)
		if (w->chan == chan && w->wake_on_rescind)
			hvg_waiter_finish(w, -ENODEV, 0);
	spin_unlock_irqrestore(&hvg_waiters_lock, flags);
	wake_up_all(&chan->writable_wq);
	wake_up_all(&chan->subs_wq);
	if (chan->primary)
		wake_up_all(&chan->primary->subs_wq);
}

const struct hvg_chmsg_offer_info *hvg_chan_offer(struct hvg_vmbus_channel *c)
{
	return &c->offer;
}

bool hvg_chan_cpu_busy(unsigned int cpu)
{
	struct hvg_vmbus_channel *c;
	bool busy = false;
	unsigned int i;

	rcu_read_lock();
	for (i = 1; i < HVG_VMBUS_MAX_RELIDS && !busy; i++) {
		c = rcu_dereference(hvg_relid_table[i]);
		if (c && READ_ONCE(c->state) != HVG_CHAN_CLOSED &&
		    READ_ONCE(c->target_cpu) == cpu)
			busy = true;
	}
	rcu_read_unlock();
	return busy;
}

/* ---------------------------------------------------------------------
 * Signalling the host, event dispatch, the receive callback.
 */

static void hvg_chan_signal(struct hvg_vmbus_channel *c)
{
	struct hvg_monitor_page *mon = hvg_vmbus_monitor_out();
	unsigned long *intpage;
	u8 id = c->offer.monitor_id;
	int err;

	hvg_chan_count(c, HVG_CHAN_ST_EVENTS);
	if (c->offer.monitor_allocated && mon) {
		intpage = hvg_vmbus_int_page_out();
		if (intpage)
			set_bit(c->offer.child_relid, intpage);
		/*
		 * An atomic OR of the channel's bit into .pending of its
		 * trigger group (the 8-byte group is naturally aligned and
		 * .pending is its low half, little endian). Whoever services
		 * the page clears it (hyperv-abi-behaviour.md M41).
		 */
		set_bit(id % HVG_MONITOR_BITS,
			(unsigned long *)&mon->trigger_group[id / HVG_MONITOR_BITS]);
		return;
	}
	err = hvg_hv_signal_event(hvg_vmbus_backend(), c->offer.connection_id);
	if (err)
		pr_err_ratelimited("%s: relid %u: HvSignalEvent(connection_id %#x) failed: %d\n",
				   hvg_chan_name(c), c->offer.child_relid,
				   c->offer.connection_id, err);
}

void hvg_chan_isr(unsigned int cpu)
{
	struct hvg_hv_backend *hv = hvg_vmbus_backend();
	struct hvg_synic_event_flags *ef;
	struct hvg_synic_event_page *page;
	struct hvg_vmbus_channel *c;
	unsigned long bits;
	unsigned int i, b;

	if (!hv)
		return;
	page = hvg_hv_event_page(hv, cpu);
	if (!page)
		return;
	ef = &page->sint_flags[HVG_VMBUS_MESSAGE_SINT];

	rcu_read_lock();
	for (i = 0; i < HVG_VMBUS_MAX_RELIDS / 64; i++) {
		if (!READ_ONCE(ef->flags[i]))
			continue;
		/*
		 * Test and clear every bit of the word at once: one atomic
		 * exchange, so a bit the host sets meanwhile is either in
		 * @bits or stays set for the next scan.
		 */
		bits = (unsigned long)xchg(&ef->flags[i], 0);
		if (i == 0)
			bits &= ~1ul;	/* relid 0 is never a channel */
		for_each_set_bit(b, &bits, 64) {
			c = hvg_chan_lookup_rcu(i * 64 + b);
			if (!c)
				continue;
			hvg_chan_count(c, HVG_CHAN_ST_INTERRUPTS);
			/*
			 * Acquire: pairs with the release that made the
			 * channel OPEN after its rings were set up.
			 */
			if (smp_load_acquire(&c->state) == HVG_CHAN_OPEN)
				tasklet_schedule(&c->tasklet);
		}
	}
	rcu_read_unlock();
}

static void hvg_chan_tasklet(struct tasklet_struct *t)
{
	struct hvg_vmbus_channel *c = from_tasklet(c, t, tasklet);
	struct hvg_ring *in = &c->rings.in;
	unsigned int defer_us;
	int n, avail;

	/* Acquire: pairs with the release in open; the rings are set up. */
	if (smp_load_acquire(&c->state) != HVG_CHAN_OPEN)
		return;
	/* The host may have read enough for a waiting writer. */
	if (READ_ONCE(c->pending_set))
		wake_up_all(&c->writable_wq);
	if (test_bit(HVG_CHAN_F_RESCINDED, &c->flags) ||
	    test_bit(HVG_CHAN_F_BROKEN, &c->flags))
		return;
	if (READ_ONCE(c->poll_taken)) {
		/*
		 * The driver polls; tell hvg_vmbus_chan_poll_done() that an
		 * event came. Full barrier between the bit and the re-read
		 * of poll_taken: pairs with the one in poll_done, so that
		 * either it sees the bit or we see the channel given back.
		 */
		set_bit(HVG_CHAN_F_MISSED, &c->flags);
		/* Orders the bit before the re-read (see above). */
		smp_mb__after_atomic();
		if (READ_ONCE(c->poll_taken))
			return;
	}

	hvg_ring_mask_begin(in);
	hvg_chan_count(c, HVG_CHAN_ST_POLLS);
	n = c->poll(c, c->budget);
	if (n == HVG_VMBUS_POLL_TAKEN) {
		WRITE_ONCE(c->poll_taken, true);
		return;
	}
	if (n >= c->budget) {
		/* Maybe more: run again after other softirq work. */
		c->defer_left = READ_ONCE(hvg_irq_defer_polls);
		tasklet_schedule(&c->tasklet);
		return;
	}
	/*
	 * Ran dry: stay masked and poll again soon (see irq_defer_us), unless
	 * the timer cannot fire that soon (low-resolution timers: a whole
	 * tick per poll would add milliseconds to every reply).
	 */
	defer_us = c->no_defer ? 0 : min(READ_ONCE(hvg_irq_defer_us), 10000U);
	if ((u64)defer_us * NSEC_PER_USEC < hrtimer_resolution)
		defer_us = 0;
	if (n > 0)
		c->defer_left = READ_ONCE(hvg_irq_defer_polls);
	else if (c->defer_left)
		c->defer_left--;
	if (defer_us && c->defer_left) {
		hvg_chan_count(c, HVG_CHAN_ST_DEFERRED);
		hrtimer_start(&c->defer_timer, ns_to_ktime((u64)defer_us * NSEC_PER_USEC),
			      HRTIMER_MODE_REL_PINNED);
		return;
	}
	avail = hvg_ring_mask_end(in);
	if (avail > 0)
		tasklet_schedule(&c->tasklet);
}

bool hvg_vmbus_chan_poll_done(struct hvg_vmbus_channel *chan)
{
	int avail;

	if (READ_ONCE(chan->state) != HVG_CHAN_OPEN)
		return false;
	avail = hvg_ring_mask_end(&chan->rings.in);
	if (avail > 0) {
		hvg_ring_mask_begin(&chan->rings.in);
		return true;
	}
	WRITE_ONCE(chan->poll_taken, false);
	/* Pairs with the barrier in the tasklet (see there). */
	smp_mb();
	if (test_and_clear_bit(HVG_CHAN_F_MISSED, &chan->flags))
		tasklet_schedule(&chan->tasklet);
	return false;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_poll_done);

/*
 * The mask is the tasklet's too (NAPI style) and this writes it from
 * another context: the last write wins. Every begin is followed by its
 * owner's end, which re-checks the ring after it unmasks, so at worst one
 * side's window sees an interrupt it did not need; none is lost. A driver
 * that polls (poll_taken) owns the mask: then nothing is done.
 */
void hvg_vmbus_chan_quiet_begin(struct hvg_vmbus_channel *chan)
{
	/* Acquire: the rings are set up once OPEN is seen. */
	if (smp_load_acquire(&chan->state) != HVG_CHAN_OPEN ||
	    READ_ONCE(chan->poll_taken))
		return;
	hvg_ring_mask_begin(&chan->rings.in);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_quiet_begin);

void hvg_vmbus_chan_quiet_end(struct hvg_vmbus_channel *chan)
{
	/* Acquire: as in quiet_begin. */
	if (smp_load_acquire(&chan->state) != HVG_CHAN_OPEN ||
	    READ_ONCE(chan->poll_taken))
		return;
	if (hvg_ring_mask_end(&chan->rings.in) > 0) {
		hvg_chan_count(chan, HVG_CHAN_ST_QUIET_RECV);
		tasklet_schedule(&chan->tasklet);
	}
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_quiet_end);

/* ---------------------------------------------------------------------
 * Sending.
 */

/* Bytes a packet takes in the ring: descriptor, payload, padding, trailer. */
static u32 hvg_pkt_footprint(u32 ext_len, u32 len)
{
	return ALIGN(sizeof(struct hvg_vmpacket_desc) + ext_len + len, 8) +
	       HVG_PKT_TRAILER_SIZE;
}

/*
 * What a write returned, turned into the API's result: signal when the
 * ring asks for it, and on a full ring publish pending_send_sz. Returns 1
 * when the caller should try once more (space appeared while pending was
 * being set).
 */
static int hvg_chan_after_write(struct hvg_vmbus_channel *c, int ret, u32 need)
{
	struct hvg_ring *out = &c->rings.out;
	u32 free;

	if (ret == HVG_RING_SIGNAL) {
		hvg_chan_count(c, HVG_CHAN_ST_INTR_OUT_EMPTY);
		hvg_chan_signal(c);
		ret = 0;
	}
	if (ret == 0) {
		if (c->pending_set) {
			hvg_ring_set_pending(out, 0);
			WRITE_ONCE(c->pending_set, false);
		}
		return 0;
	}
	if (ret != -HVG_RING_E_FULL) {
		if (ret != -HVG_RING_E_TOOBIG)
			pr_err_ratelimited("%s: relid %u: outbound ring: read_index malformed (%d)\n",
					   hvg_chan_name(c),
					   c->offer.child_relid, ret);
		return ret;
	}
	hvg_chan_count(c, HVG_CHAN_ST_OUT_FULL_TOTAL);
	if (!c->pending_set)
		hvg_chan_count(c, HVG_CHAN_ST_OUT_FULL_FIRST);
	WRITE_ONCE(c->pending_set, true);
	free = hvg_ring_set_pending(out, need);
	/* The host freed the space before it saw pending_send_sz. */
	if (free > need)
		return 1;
	return -EAGAIN;
}

static int hvg_chan_send_check(struct hvg_vmbus_channel *chan)
{
	if (test_bit(HVG_CHAN_F_RESCINDED, &chan->flags))
		return -ENODEV;
	/* Acquire: the rings are set up once OPEN is seen. */
	if (smp_load_acquire(&chan->state) != HVG_CHAN_OPEN)
		return -ENOTCONN;
	return 0;
}

int hvg_vmbus_chan_send(struct hvg_vmbus_channel *chan, const void *data,
			u32 len, u64 req_id, u16 flags)
{
	int ret, tries = 0;

	ret = hvg_chan_send_check(chan);
	if (ret)
		return ret;
	do {
		ret = hvg_ring_write(&chan->rings.out, HVG_PKT_DATA_INBAND,
				     flags, req_id, data, len);
		ret = hvg_chan_after_write(chan, ret,
					   hvg_pkt_footprint(0, len));
	} while (ret == 1 && ++tries < 2);
	return ret == 1 ? -EAGAIN : ret;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_send);

int hvg_vmbus_chan_send_comp(struct hvg_vmbus_channel *chan, const void *data,
			     u32 len, u64 trans_id)
{
	int ret, tries = 0;

	ret = hvg_chan_send_check(chan);
	if (ret)
		return ret;
	do {
		ret = hvg_ring_write(&chan->rings.out, HVG_PKT_COMP, 0,
				     trans_id, data, len);
		ret = hvg_chan_after_write(chan, ret,
					   hvg_pkt_footprint(0, len));
	} while (ret == 1 && ++tries < 2);
	return ret == 1 ? -EAGAIN : ret;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_send_comp);

int hvg_vmbus_chan_send_pages(struct hvg_vmbus_channel *chan,
			      const struct hvg_vmbus_page_range *ranges,
			      unsigned int nranges, const void *data, u32 len,
			      u64 req_id)
{
	struct hvg_ring_buf *bufs = chan->gpa_bufs;
	unsigned int i, nb = 0;
	u64 ext = sizeof(chan->gpa_hdr);
	int ret, tries = 0;

	ret = hvg_chan_send_check(chan);
	if (ret)
		return ret;
	if (!ranges || nranges == 0 || nranges > HVG_VMBUS_MAX_PAGE_RANGES ||
	    (len && !data))
		return -EINVAL;

	chan->gpa_hdr.reserved = 0;
	chan->gpa_hdr.range_count = nranges;
	bufs[nb].base = &chan->gpa_hdr;
	bufs[nb++].len = sizeof(chan->gpa_hdr);
	for (i = 0; i < nranges; i++) {
		const struct hvg_vmbus_page_range *r = &ranges[i];
		u64 span = (u64)r->offset + r->len;

		/* Exactly the pages the bytes span, and at least one byte. */
		if (!r->pfns || !r->len || r->offset >= HVG_RING_HDR_SIZE ||
		    !r->npages || DIV_ROUND_UP_ULL(span, 4096) != r->npages)
			return -EINVAL;
		chan->gpa_ranges[i][0] = r->len;
		chan->gpa_ranges[i][1] = r->offset;
		bufs[nb].base = chan->gpa_ranges[i];
		bufs[nb++].len = sizeof(chan->gpa_ranges[i]);
		bufs[nb].base = r->pfns;
		bufs[nb++].len = r->npages * sizeof(u64);
		ext += sizeof(chan->gpa_ranges[i]) + (u64)r->npages * 8;
		/* offset8 is 16 bits: the ranges must fit in front of it. */
		if (ext + sizeof(struct hvg_vmpacket_desc) > 0xffffu * 8)
			return -EMSGSIZE;
	}
	if (len) {
		bufs[nb].base = data;
		bufs[nb++].len = len;
	}
	do {
		ret = hvg_ring_writev(&chan->rings.out,
				      HVG_PKT_DATA_USING_GPA_DIRECT,
				      HVG_PKT_FLAG_COMPLETION_REQUESTED,
				      req_id, (u32)ext, bufs, nb);
		ret = hvg_chan_after_write(chan, ret,
					   hvg_pkt_footprint((u32)ext, len));
	} while (ret == 1 && ++tries < 2);
	return ret == 1 ? -EAGAIN : ret;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_send_pages);

/*
 * The wait condition: rescinded, closed, or @need bytes free, with
 * pending_send_sz published first so that the host signals when they are.
 */
static bool hvg_chan_writable(struct hvg_vmbus_channel *chan, u32 need)
{
	return test_bit(HVG_CHAN_F_RESCINDED, &chan->flags) ||
	       READ_ONCE(chan->state) != HVG_CHAN_OPEN ||
	       hvg_ring_set_pending(&chan->rings.out, need) > need;
}

int hvg_vmbus_chan_wait_writable(struct hvg_vmbus_channel *chan, u32 bytes)
{
	u32 need = hvg_pkt_footprint(0, bytes);
	long left;
	int err;

	err = hvg_chan_send_check(chan);
	if (err)
		return err == -ENOTCONN ? -ENODEV : err;
	if (hvg_ring_free_bytes(&chan->rings.out) > need)
		return 0;
	WRITE_ONCE(chan->pending_set, true);
	left = wait_event_killable_timeout(chan->writable_wq,
					   hvg_chan_writable(chan, need),
					   hvg_timeout_jiffies());
	if (left < 0)
		return -EINTR;
	if (test_bit(HVG_CHAN_F_RESCINDED, &chan->flags) ||
	    READ_ONCE(chan->state) != HVG_CHAN_OPEN)
		return -ENODEV;
	return left ? 0 : -ETIMEDOUT;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_wait_writable);

/* ---------------------------------------------------------------------
 * Receiving (from the callback, or the driver's own polling).
 */

static void hvg_chan_malformed(struct hvg_vmbus_channel *c, int err)
{
	hvg_chan_count(c, HVG_CHAN_ST_MALFORMED);
	if (!test_and_set_bit(HVG_CHAN_F_BROKEN, &c->flags))
		pr_err("%s: relid %u: inbound ring malformed (%d): the channel stops receiving\n",
		       hvg_chan_name(c), c->offer.child_relid, err);
}

int hvg_vmbus_recv_begin(struct hvg_vmbus_channel *chan)
{
	int ret = hvg_ring_read_begin(&chan->rings.in);

	if (ret < 0) {
		hvg_chan_malformed(chan, ret);
		return ret;
	}
	return ret ? 0 : -ENODATA;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_recv_begin);

/* Read the next packet: into @buf, or left in the ring with @in_place. */
static int hvg_chan_recv(struct hvg_vmbus_channel *chan, bool in_place,
			 void *buf, u32 buflen, struct hvg_vmpacket_desc *desc,
			 const void **data, u32 *data_len)
{
	struct hvg_ring_pkt pkt;
	int ret;

	if (in_place)
		ret = hvg_ring_read_peek(&chan->rings.in, buflen, &pkt);
	else
		ret = hvg_ring_read_next(&chan->rings.in, buf, buflen, &pkt);
	if (ret == 1) {
		*desc = pkt.desc;
		*data = pkt.data;
		*data_len = pkt.data_len;
		return 1;
	}
	if (ret == -HVG_RING_E_NOBUFS) {
		hvg_chan_count(chan, HVG_CHAN_ST_OVERSIZED);
		pr_err_ratelimited("%s: relid %u: packet of %u bytes (type %u) over the %u-byte buffer dropped\n",
				   hvg_chan_name(chan), chan->offer.child_relid,
				   hvg_ring_pkt_buflen(&pkt), pkt.desc.type,
				   buflen);
		hvg_ring_skip(&chan->rings.in);
		return ret;
	}
	if (ret < 0)
		hvg_chan_malformed(chan, ret);
	return ret;
}

int hvg_vmbus_recv_next(struct hvg_vmbus_channel *chan, void *buf, u32 buflen,
			struct hvg_vmpacket_desc *desc, const void **data,
			u32 *data_len)
{
	return hvg_chan_recv(chan, false, buf, buflen, desc, data, data_len);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_recv_next);

int hvg_vmbus_recv_peek(struct hvg_vmbus_channel *chan, u32 maxlen,
			struct hvg_vmpacket_desc *desc, const void **data,
			u32 *data_len)
{
	return hvg_chan_recv(chan, true, NULL, maxlen, desc, data, data_len);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_recv_peek);

void hvg_vmbus_recv_end(struct hvg_vmbus_channel *chan)
{
	if (hvg_ring_read_end(&chan->rings.in)) {
		hvg_chan_count(chan, HVG_CHAN_ST_INTR_IN_FULL);
		hvg_chan_signal(chan);
	}
}
EXPORT_SYMBOL_GPL(hvg_vmbus_recv_end);

/* ---------------------------------------------------------------------
 * Open, close, target CPU.
 */

/* Free the rings, or leak them if the host may still map them. */
static void hvg_chan_drop_rings(struct hvg_vmbus_channel *c, int teardown_err)
{
	/* Keep the counts of this open for hvg_vmbus_chan_stats(). */
	c->closed_pkts_in += c->rings.in.stats.packets;
	c->closed_bytes_in += c->rings.in.stats.bytes;
	c->closed_pkts_out += c->rings.out.stats.packets;
	c->closed_bytes_out += c->rings.out.stats.bytes;
	if (teardown_err) {
		pr_err("%s: relid %u: ring GPADL %#x not torn down (%d): %u ring pages leaked, the host may still map them\n",
		       hvg_chan_name(c), c->offer.child_relid, c->ring_gpadl,
		       teardown_err, c->rings.npages);
		memset(&c->rings, 0, sizeof(c->rings));
	} else {
		hvg_ring_pair_free(&c->rings);
	}
	c->ring_gpadl = 0;
}

static int hvg_chan_ring_gpadl(struct hvg_vmbus_channel *c)
{
	unsigned int i, n = c->rings.npages;
	u64 *pfns;
	int err;

	if (n > HVG_GPADL_MAX_PAGES)
		return -EINVAL;
	pfns = kvmalloc_array(n, sizeof(*pfns), GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;
	/* PAGE_SIZE is 4 KiB here (ring_alloc.c asserts it). */
	for (i = 0; i < n; i++)
		pfns[i] = page_to_pfn(c->rings.pages[i]);
	err = hvg_gpadl_create_pfns(c, pfns, n, &c->ring_gpadl);
	kvfree(pfns);
	return err;
}

int hvg_vmbus_chan_open(struct hvg_vmbus_channel *chan,
			const struct hvg_vmbus_open_params *p)
{
	struct hvg_chan_waiter *w = NULL;
	struct hvg_chmsg_buf *msg = NULL;
	u32 relid = chan->offer.child_relid;
	int err, terr;

	if (!p || !p->poll || p->budget < 0 ||
	    p->user_len > HVG_OPEN_USER_DATA_BYTES ||
	    (p->user_len && !p->user_data) ||
	    p->send_size < 2 * PAGE_SIZE || p->send_size % PAGE_SIZE ||
	    p->recv_size < 2 * PAGE_SIZE || p->recv_size % PAGE_SIZE)
		return -EINVAL;
	msg = kmalloc(sizeof(*msg), GFP_KERNEL);
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!msg || !w) {
		err = -ENOMEM;
		goto out_free;
	}

	mutex_lock(&chan->lock);
	if (test_bit(HVG_CHAN_F_RESCINDED, &chan->flags)) {
		err = -ENODEV;
		goto out_unlock;
	}
	if (chan->state != HVG_CHAN_CLOSED) {
		err = -EBUSY;
		goto out_unlock;
	}
	err = hvg_ring_pair_alloc(&chan->rings, p->send_size, p->recv_size);
	if (err)
		goto out_unlock;
	err = hvg_chan_ring_gpadl(chan);
	if (err) {
		/* Only a timeout leaves the GPADL possibly mapped. */
		hvg_chan_drop_rings(chan, err == -ETIMEDOUT ? err : 0);
		goto out_unlock;
	}

	/* The target CPU, stable against offlining from OPENING on. */
	cpus_read_lock();
	if (!cpu_online(chan->target_cpu))
		chan->target_cpu = cpumask_first(cpu_online_mask);
	chan->target_vp = hvg_hv_vp_index(hvg_vmbus_backend(),
					  chan->target_cpu);
	chan->poll = p->poll;
	chan->budget = p->budget ? p->budget : 64;
	chan->no_defer = p->no_defer;
	chan->defer_left = 0;
	chan->poll_taken = false;
	chan->pending_set = false;
	clear_bit(HVG_CHAN_F_BROKEN, &chan->flags);
	clear_bit(HVG_CHAN_F_MISSED, &chan->flags);
	WRITE_ONCE(chan->state, HVG_CHAN_OPENING);
	cpus_read_unlock();

	err = hvg_chmsg_build_open(msg, relid, relid, chan->ring_gpadl,
				   chan->target_vp, chan->rings.out_pages,
				   p->user_data, p->user_len);
	if (err)
		goto err_teardown;
	hvg_chan_waiter_init(w, chan, HVG_CHMSG_OPENCHANNEL_RESULT, relid, true);
	err = hvg_chan_waiter_add(w);
	if (err)
		goto err_teardown;
	err = hvg_vmbus_post(msg);
	if (err) {
		hvg_chan_waiter_del(w);
		goto err_teardown;
	}
	err = hvg_chan_waiter_wait(w);
	if (!err && w->status) {
		pr_err("%s: relid %u: the host refused OPENCHANNEL: status %#x\n",
		       hvg_chan_name(chan), relid, w->status);
		err = -EIO;
	} else if (err == -ETIMEDOUT) {
		pr_err("%s: relid %u: no OPENCHANNEL_RESULT within %u ms (timeout_ms)\n",
		       hvg_chan_name(chan), relid,
		       READ_ONCE(hvg_vmbus_timeout_ms));
	}
	if (err)
		goto err_teardown;

	/*
	 * Release: the rings and callback above are visible before OPEN,
	 * which event dispatch and senders read with acquire.
	 */
	smp_store_release(&chan->state, HVG_CHAN_OPEN);
	/* A packet and its signal may have come while we were OPENING. */
	tasklet_schedule(&chan->tasklet);
	mutex_unlock(&chan->lock);
	kfree(w);
	kfree(msg);
	return 0;

err_teardown:
	/* The host may have opened it after all (a late result). */
	if (err == -ETIMEDOUT && !hvg_chmsg_build_close(msg, relid))
		hvg_vmbus_post(msg);
	WRITE_ONCE(chan->state, HVG_CHAN_CLOSED);
	terr = hvg_vmbus_gpadl_teardown(chan, chan->ring_gpadl);
	hvg_chan_drop_rings(chan, terr);
out_unlock:
	mutex_unlock(&chan->lock);
out_free:
	kfree(w);
	kfree(msg);
	return err;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_open);

void hvg_vmbus_chan_close(struct hvg_vmbus_channel *chan)
{
	struct hvg_chmsg_buf *msg;
	bool rescinded;
	int err;

	mutex_lock(&chan->lock);
	if (chan->state == HVG_CHAN_CLOSED) {
		mutex_unlock(&chan->lock);
		return;
	}
	/* Stop the callback: the tasklet returns early once not OPEN. */
	WRITE_ONCE(chan->state, HVG_CHAN_CLOSING);
	/*
	 * The tasklet arms the timer only while OPEN: a run that saw OPEN
	 * before the store above may still arm it, so cancel it again once
	 * tasklet_kill() has waited for that run. A tasklet run that the
	 * timer scheduled in between returns at once (not OPEN).
	 */
	hrtimer_cancel(&chan->defer_timer);
	tasklet_kill(&chan->tasklet);
	hrtimer_cancel(&chan->defer_timer);
	wake_up_all(&chan->writable_wq);

	rescinded = test_bit(HVG_CHAN_F_RESCINDED, &chan->flags);
	/*
	 * The host ignores CLOSECHANNEL after a rescind (M9), and has
	 * closed every channel itself once it answered UNLOAD (M10).
	 */
	if (!rescinded && !hvg_vmbus_host_released()) {
		msg = kmalloc(sizeof(*msg), GFP_KERNEL);
		err = msg ? hvg_chmsg_build_close(msg, chan->offer.child_relid)
			  : -ENOMEM;
		if (!err)
			err = hvg_vmbus_post(msg);
		if (err)
			pr_err("%s: relid %u: CLOSECHANNEL not sent: %d\n",
			       hvg_chan_name(chan), chan->offer.child_relid,
			       err);
		kfree(msg);
	}
	err = hvg_vmbus_gpadl_teardown(chan, chan->ring_gpadl);
	hvg_chan_drop_rings(chan, err);
	chan->poll = NULL;
	WRITE_ONCE(chan->state, HVG_CHAN_CLOSED);
	mutex_unlock(&chan->lock);

	if (rescinded)
		hvg_bus_chan_closed(chan);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_close);

void hvg_chan_force_close(struct hvg_vmbus_channel *chan)
{
	if (READ_ONCE(chan->state) != HVG_CHAN_CLOSED) {
		pr_warn("%s: relid %u: still open after its driver's remove(): closing it\n",
			hvg_chan_name(chan), chan->offer.child_relid);
		hvg_vmbus_chan_close(chan);
	}
}

int hvg_vmbus_chan_set_target_cpu(struct hvg_vmbus_channel *chan,
				  unsigned int cpu)
{
	struct hvg_chan_waiter *w = NULL;
	struct hvg_chmsg_buf *msg = NULL;
	u32 v = hvg_vmbus_version(), relid = chan->offer.child_relid;
	unsigned int old_cpu;
	u32 old_vp, vp;
	int err;

	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	msg = kmalloc(sizeof(*msg), GFP_KERNEL);
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!msg || !w) {
		err = -ENOMEM;
		goto out_free;
	}
	mutex_lock(&chan->lock);
	if (test_bit(HVG_CHAN_F_RESCINDED, &chan->flags)) {
		err = -ENODEV;
		goto out_unlock;
	}
	cpus_read_lock();
	if (!cpu_online(cpu)) {
		cpus_read_unlock();
		err = -EINVAL;
		goto out_unlock;
	}
	if (chan->state == HVG_CHAN_CLOSED || cpu == chan->target_cpu) {
		WRITE_ONCE(chan->target_cpu, cpu);
		cpus_read_unlock();
		err = 0;
		goto out_unlock;
	}
	if (chan->state != HVG_CHAN_OPEN || v < HVG_VMBUS_VERSION_4_1) {
		cpus_read_unlock();
		err = chan->state != HVG_CHAN_OPEN ? -EBUSY : -EOPNOTSUPP;
		goto out_unlock;
	}
	vp = hvg_hv_vp_index(hvg_vmbus_backend(), cpu);
	err = hvg_chmsg_build_modifychannel(msg, v, relid, vp);
	if (err) {
		cpus_read_unlock();
		goto out_unlock;
	}
	/*
	 * The new CPU is bound from now on (the offline check sees it); the
	 * old one received events until the host switched, which it may
	 * still do: its tasklet runs there harmlessly.
	 */
	old_cpu = chan->target_cpu;
	old_vp = chan->target_vp;
	WRITE_ONCE(chan->target_cpu, cpu);
	chan->target_vp = vp;
	cpus_read_unlock();

	if (v >= HVG_VMBUS_VERSION_5_3) {
		hvg_chan_waiter_init(w, chan, HVG_CHMSG_MODIFYCHANNEL_RESP, 0,
				     true);
		err = hvg_chan_waiter_add(w);
		if (!err) {
			err = hvg_vmbus_post(msg);
			if (err)
				hvg_chan_waiter_del(w);
			else
				err = hvg_chan_waiter_wait(w);
		}
		if (!err && w->status) {
			pr_err("%s: relid %u: the host refused MODIFYCHANNEL to VP %u: status %#x\n",
			       hvg_chan_name(chan), relid, vp, w->status);
			err = -EIO;
		}
	} else {
		/* Hosts before 5.3 never answer (M11). */
		err = hvg_vmbus_post(msg);
	}
	if (err) {
		WRITE_ONCE(chan->target_cpu, old_cpu);
		chan->target_vp = old_vp;
	}
out_unlock:
	mutex_unlock(&chan->lock);
out_free:
	kfree(w);
	kfree(msg);
	return err;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_set_target_cpu);

void hvg_vmbus_chan_stats(struct hvg_vmbus_channel *chan,
			  struct hvg_vmbus_chan_stats *st)
{
	memset(st, 0, sizeof(*st));
	/* The lock keeps the rings from being freed (or set up) meanwhile. */
	mutex_lock(&chan->lock);
	st->packets_in = chan->closed_pkts_in;
	st->bytes_in = chan->closed_bytes_in;
	st->packets_out = chan->closed_pkts_out;
	st->bytes_out = chan->closed_bytes_out;
	if (chan->state != HVG_CHAN_CLOSED && chan->rings.pages) {
		/*
		 * Written by the tasklet (in) and the sender (out) without a
		 * lock; a 64-bit load is whole on the 64-bit kernels built.
		 */
		st->packets_in += READ_ONCE(chan->rings.in.stats.packets);
		st->bytes_in += READ_ONCE(chan->rings.in.stats.bytes);
		st->packets_out += READ_ONCE(chan->rings.out.stats.packets);
		st->bytes_out += READ_ONCE(chan->rings.out.stats.bytes);
	}
	mutex_unlock(&chan->lock);
	st->signals = atomic64_read(&chan->stats[HVG_CHAN_ST_EVENTS]);
	st->interrupts = atomic64_read(&chan->stats[HVG_CHAN_ST_INTERRUPTS]);
	st->ring_full = atomic64_read(&chan->stats[HVG_CHAN_ST_OUT_FULL_TOTAL]);
	st->polls = atomic64_read(&chan->stats[HVG_CHAN_ST_POLLS]);
	st->malformed = atomic64_read(&chan->stats[HVG_CHAN_ST_MALFORMED]);
	st->oversized = atomic64_read(&chan->stats[HVG_CHAN_ST_OVERSIZED]);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_stats);

/* ---------------------------------------------------------------------
 * Identity.
 */

struct hvg_vmbus_device *hvg_vmbus_chan_device(struct hvg_vmbus_channel *chan)
{
	return chan->dev;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_device);

u32 hvg_vmbus_chan_relid(struct hvg_vmbus_channel *chan)
{
	return chan->offer.child_relid;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_relid);

u16 hvg_vmbus_chan_subchan_index(struct hvg_vmbus_channel *chan)
{
	return chan->offer.sub_channel_index;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_subchan_index);

unsigned int hvg_vmbus_chan_target_cpu(struct hvg_vmbus_channel *chan)
{
	return READ_ONCE(chan->target_cpu);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_target_cpu);

bool hvg_vmbus_chan_rescinded(struct hvg_vmbus_channel *chan)
{
	return test_bit(HVG_CHAN_F_RESCINDED, &chan->flags);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_rescinded);

void *hvg_vmbus_chan_get_drvdata(struct hvg_vmbus_channel *chan)
{
	return READ_ONCE(chan->drvdata);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_get_drvdata);

void hvg_vmbus_chan_set_drvdata(struct hvg_vmbus_channel *chan, void *data)
{
	WRITE_ONCE(chan->drvdata, data);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_set_drvdata);

const u8 *hvg_vmbus_chan_offer_user_def(struct hvg_vmbus_channel *chan)
{
	return chan->offer.user_def;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_chan_offer_user_def);

/* ---------------------------------------------------------------------
 * sysfs: channels/<relid>/ (Documentation/ABI/stable/sysfs-bus-vmbus).
 */

struct hvg_chan_kobj {
	struct kobject kobj;
	struct hvg_vmbus_channel *chan;	/* lives longer than the kobject's files */
};

struct hvg_chan_attr {
	struct attribute attr;
	ssize_t (*show)(struct hvg_vmbus_channel *c, char *buf);
	ssize_t (*store)(struct hvg_vmbus_channel *c, const char *buf,
			 size_t count);
};

#define to_hvg_chan_attr(a) container_of(a, struct hvg_chan_attr, attr)
#define to_hvg_chan_kobj(k) container_of(k, struct hvg_chan_kobj, kobj)

static ssize_t hvg_chan_attr_show(struct kobject *kobj, struct attribute *a,
				  char *buf)
{
	struct hvg_chan_attr *attr = to_hvg_chan_attr(a);

	return attr->show ? attr->show(to_hvg_chan_kobj(kobj)->chan, buf) :
			    -EIO;
}

static ssize_t hvg_chan_attr_store(struct kobject *kobj, struct attribute *a,
				   const char *buf, size_t count)
{
	struct hvg_chan_attr *attr = to_hvg_chan_attr(a);

	return attr->store ?
	       attr->store(to_hvg_chan_kobj(kobj)->chan, buf, count) : -EIO;
}

static const struct sysfs_ops hvg_chan_sysfs_ops = {
	.show = hvg_chan_attr_show,
	.store = hvg_chan_attr_store,
};

/* Bytes between the read and write index of a ring, from its header. */
static u32 hvg_ring_hdr_used(struct hvg_ring *r)
{
	const struct hvg_ring_hdr *h = hvg_ring_hdr(r);
	u32 w = READ_ONCE(h->write_index) % r->size;
	u32 rd = READ_ONCE(h->read_index) % r->size;

	return w >= rd ? w - rd : r->size - (rd - w);
}

/*
 * A value of an open channel's ring; 0 when closed. The channel lock
 * keeps the rings from being freed meanwhile.
 */
static ssize_t hvg_chan_ring_show(struct hvg_vmbus_channel *c, char *buf,
				  u32 (*get)(struct hvg_vmbus_channel *c))
{
	u32 v = 0;

	mutex_lock(&c->lock);
	if (c->state == HVG_CHAN_OPEN)
		v = get(c);
	mutex_unlock(&c->lock);
	return sysfs_emit(buf, "%u\n", v);
}

static u32 hvg_get_in_mask(struct hvg_vmbus_channel *c)
{
	return READ_ONCE(hvg_ring_hdr(&c->rings.in)->interrupt_mask);
}

static u32 hvg_get_out_mask(struct hvg_vmbus_channel *c)
{
	return READ_ONCE(hvg_ring_hdr(&c->rings.out)->interrupt_mask);
}

static u32 hvg_get_read_avail(struct hvg_vmbus_channel *c)
{
	return hvg_ring_hdr_used(&c->rings.in);
}

static u32 hvg_get_write_avail(struct hvg_vmbus_channel *c)
{
	return c->rings.out.size - hvg_ring_hdr_used(&c->rings.out);
}

/* Not in upstream's ABI: the outbound ring's pending_send_sz. */
static u32 hvg_get_pending_sz(struct hvg_vmbus_channel *c)
{
	return READ_ONCE(hvg_ring_hdr(&c->rings.out)->pending_send_sz);
}

#define HVG_CHAN_RING_ATTR(name)					\
static ssize_t hvg_chan_##name##_show(struct hvg_vmbus_channel *c,	\
				      char *buf)			\
{									\
	return hvg_chan_ring_show(c, buf, hvg_get_##name);		\
}									\
static struct hvg_chan_attr hvg_chan_attr_##name =			\
	__ATTR(name, 0444, hvg_chan_##name##_show, NULL)

HVG_CHAN_RING_ATTR(in_mask);
HVG_CHAN_RING_ATTR(out_mask);
HVG_CHAN_RING_ATTR(read_avail);
HVG_CHAN_RING_ATTR(write_avail);
HVG_CHAN_RING_ATTR(pending_sz);

#define HVG_CHAN_STAT_ATTR(name, stat)					\
static ssize_t hvg_chan_##name##_show(struct hvg_vmbus_channel *c,	\
				      char *buf)			\
{									\
	return sysfs_emit(buf, "%llu\n",				\
			  (u64)atomic64_read(&c->stats[stat]));		\
}									\
static struct hvg_chan_attr hvg_chan_attr_##name =			\
	__ATTR(name, 0444, hvg_chan_##name##_show, NULL)

HVG_CHAN_STAT_ATTR(events, HVG_CHAN_ST_EVENTS);
HVG_CHAN_STAT_ATTR(interrupts, HVG_CHAN_ST_INTERRUPTS);
HVG_CHAN_STAT_ATTR(intr_in_full, HVG_CHAN_ST_INTR_IN_FULL);
HVG_CHAN_STAT_ATTR(intr_out_empty, HVG_CHAN_ST_INTR_OUT_EMPTY);
HVG_CHAN_STAT_ATTR(out_full_first, HVG_CHAN_ST_OUT_FULL_FIRST);
HVG_CHAN_STAT_ATTR(out_full_total, HVG_CHAN_ST_OUT_FULL_TOTAL);

static ssize_t hvg_chan_cpu_show(struct hvg_vmbus_channel *c, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(c->target_cpu));
}

static ssize_t hvg_chan_cpu_store(struct hvg_vmbus_channel *c,
				  const char *buf, size_t count)
{
	unsigned int cpu;
	int err;

	err = kstrtouint(buf, 0, &cpu);
	if (err)
		return err;
	err = hvg_vmbus_chan_set_target_cpu(c, cpu);
	return err ? err : count;
}

static struct hvg_chan_attr hvg_chan_attr_cpu =
	__ATTR(cpu, 0644, hvg_chan_cpu_show, hvg_chan_cpu_store);

static ssize_t hvg_chan_subchannel_id_show(struct hvg_vmbus_channel *c,
					   char *buf)
{
	return sysfs_emit(buf, "%u\n", c->offer.sub_channel_index);
}

static struct hvg_chan_attr hvg_chan_attr_subchannel_id =
	__ATTR(subchannel_id, 0444, hvg_chan_subchannel_id_show, NULL);

static ssize_t hvg_chan_monitor_id_show(struct hvg_vmbus_channel *c,
					char *buf)
{
	return sysfs_emit(buf, "%u\n", c->offer.monitor_id);
}

static struct hvg_chan_attr hvg_chan_attr_monitor_id =
	__ATTR(monitor_id, 0444, hvg_chan_monitor_id_show, NULL);

/* pending and latency: the channel's entries in the outbound monitor page. */
static ssize_t hvg_chan_pending_show(struct hvg_vmbus_channel *c, char *buf)
{
	struct hvg_monitor_page *mon = hvg_vmbus_monitor_out();
	u8 id = c->offer.monitor_id;
	u32 pending;

	if (!mon)
		return -EINVAL;
	pending = READ_ONCE(mon->trigger_group[id / HVG_MONITOR_BITS].pending);
	return sysfs_emit(buf, "%d\n",
			  !!(pending & BIT(id % HVG_MONITOR_BITS)));
}

static struct hvg_chan_attr hvg_chan_attr_pending =
	__ATTR(pending, 0444, hvg_chan_pending_show, NULL);

static ssize_t hvg_chan_latency_show(struct hvg_vmbus_channel *c, char *buf)
{
	struct hvg_monitor_page *mon = hvg_vmbus_monitor_out();
	u8 id = c->offer.monitor_id;

	if (!mon)
		return -EINVAL;
	return sysfs_emit(buf, "%d\n",
			  READ_ONCE(mon->latency[id / HVG_MONITOR_BITS]
						[id % HVG_MONITOR_BITS]));
}

static struct hvg_chan_attr hvg_chan_attr_latency =
	__ATTR(latency, 0444, hvg_chan_latency_show, NULL);

static struct attribute *hvg_chan_attrs[] = {
	&hvg_chan_attr_cpu.attr,
	&hvg_chan_attr_in_mask.attr,
	&hvg_chan_attr_out_mask.attr,
	&hvg_chan_attr_read_avail.attr,
	&hvg_chan_attr_write_avail.attr,
	&hvg_chan_attr_pending_sz.attr,
	&hvg_chan_attr_events.attr,
	&hvg_chan_attr_interrupts.attr,
	&hvg_chan_attr_intr_in_full.attr,
	&hvg_chan_attr_intr_out_empty.attr,
	&hvg_chan_attr_out_full_first.attr,
	&hvg_chan_attr_out_full_total.attr,
	&hvg_chan_attr_subchannel_id.attr,
	&hvg_chan_attr_monitor_id.attr,
	&hvg_chan_attr_pending.attr,
	&hvg_chan_attr_latency.attr,
	NULL,
};

/* monitor_id, pending and latency only for monitored channels, as upstream. */
static umode_t hvg_chan_attr_visible(struct kobject *kobj,
				     struct attribute *a, int n)
{
	struct hvg_vmbus_channel *c = to_hvg_chan_kobj(kobj)->chan;

	if (!c->offer.monitor_allocated &&
	    (a == &hvg_chan_attr_monitor_id.attr ||
	     a == &hvg_chan_attr_pending.attr ||
	     a == &hvg_chan_attr_latency.attr))
		return 0;
	return a->mode;
}

static const struct attribute_group hvg_chan_group = {
	.attrs = hvg_chan_attrs,
	.is_visible = hvg_chan_attr_visible,
};

static void hvg_chan_kobj_release(struct kobject *kobj)
{
	kfree(to_hvg_chan_kobj(kobj));
}

static struct kobj_type hvg_chan_ktype = {
	.sysfs_ops = &hvg_chan_sysfs_ops,
	.release = hvg_chan_kobj_release,
};

int hvg_chan_sysfs_add(struct hvg_vmbus_channel *chan, struct kobject *parent)
{
	struct hvg_chan_kobj *k;
	int err;

	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	k->chan = chan;
	err = kobject_init_and_add(&k->kobj, &hvg_chan_ktype, parent, "%u",
				   chan->offer.child_relid);
	if (err)
		goto err_put;
	err = sysfs_create_group(&k->kobj, &hvg_chan_group);
	if (err)
		goto err_put;
	kobject_uevent(&k->kobj, KOBJ_ADD);
	chan->kobj = k;
	return 0;
err_put:
	kobject_put(&k->kobj);
	return err;
}

void hvg_chan_sysfs_del(struct hvg_vmbus_channel *chan)
{
	/*
	 * Once: a sub-channel's directory goes with its relid (bus.c's
	 * release) or with its device, whichever comes first, and the two
	 * may run at once (module exit).
	 */
	struct hvg_chan_kobj *k = xchg(&chan->kobj, NULL);

	if (!k)
		return;
	/* On return no show() or store() of these files runs any more. */
	sysfs_remove_group(&k->kobj, &hvg_chan_group);
	kobject_del(&k->kobj);
	kobject_put(&k->kobj);
}

int hvg_chan_ring_info(struct hvg_vmbus_channel *chan, bool inbound,
		       struct hvg_chan_ring_info *ri)
{
	const struct hvg_ring_hdr *h;
	struct hvg_ring *r;
	int err = -EINVAL;

	mutex_lock(&chan->lock);
	if (chan->state == HVG_CHAN_OPEN) {
		r = inbound ? &chan->rings.in : &chan->rings.out;
		h = hvg_ring_hdr(r);
		ri->mask = READ_ONCE(h->interrupt_mask);
		ri->read_index = READ_ONCE(h->read_index);
		ri->write_index = READ_ONCE(h->write_index);
		ri->to_read = hvg_ring_hdr_used(r);
		ri->to_write = r->size - ri->to_read;
		err = 0;
	}
	mutex_unlock(&chan->lock);
	return err;
}

ssize_t hvg_chan_vp_mapping(struct hvg_vmbus_device *dev, char *buf)
{
	struct hvg_vmbus_channel *p = dev->channel, *s;
	ssize_t n;

	n = sysfs_emit(buf, "%u:%u\n", p->offer.child_relid,
		       READ_ONCE(p->target_cpu));
	spin_lock(&p->sub_lock);
	list_for_each_entry(s, &p->subs, sub_node)
		if (!test_bit(HVG_CHAN_F_RELEASED, &s->flags))
			n += sysfs_emit_at(buf, n, "%u:%u\n",
					   s->offer.child_relid,
					   READ_ONCE(s->target_cpu));
	spin_unlock(&p->sub_lock);
	return n;
}

/* ---------------------------------------------------------------------
 * debugfs: /sys/kernel/debug/hvguest/vmbus/<relid>/state
 */

static int hvg_chan_debugfs_show(struct seq_file *m, void *unused)
{
	struct hvg_vmbus_channel *c = m->private;
	char line[512];
	unsigned int i;

	mutex_lock(&c->lock);
	seq_printf(m, "device: %s\nrelid: %u\nsubchannel: %u\nstate: %d\nflags: %#lx\ntarget_cpu: %u\ntarget_vp: %u\nconnection_id: %#x\nmonitor: %s %u\nring_gpadl: %#x\n",
		   hvg_chan_name(c), c->offer.child_relid,
		   c->offer.sub_channel_index, c->state, c->flags,
		   c->target_cpu, c->target_vp, c->offer.connection_id,
		   c->offer.monitor_allocated ? "yes" : "no",
		   c->offer.monitor_id, c->ring_gpadl);
	if (c->state == HVG_CHAN_OPEN) {
		hvg_ring_dump(&c->rings.out, line, sizeof(line));
		seq_printf(m, "out: %s", line);
		hvg_ring_dump(&c->rings.in, line, sizeof(line));
		seq_printf(m, "in: %s", line);
	}
	mutex_unlock(&c->lock);
	if (!c->primary) {
		struct hvg_vmbus_channel *s;
		unsigned int live, listed = 0;

		/* @sub_lock: the list and the count of live ones agree. */
		spin_lock(&c->sub_lock);
		live = c->nsubs;
		list_for_each_entry(s, &c->subs, sub_node)
			listed++;
		spin_unlock(&c->sub_lock);
		seq_printf(m, "subchannels: %u\nsubchannels_listed: %u\n",
			   live, listed);
	}
	for (i = 0; i < HVG_CHAN_ST_NR; i++)
		seq_printf(m, "%s: %llu\n", hvg_chan_stat_names[i],
			   (u64)atomic64_read(&c->stats[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvg_chan_debugfs);

void hvg_chan_debugfs_add(struct hvg_vmbus_channel *chan, struct dentry *root)
{
	char name[16];

	if (IS_ERR_OR_NULL(root))
		return;
	snprintf(name, sizeof(name), "%u", chan->offer.child_relid);
	chan->debugfs = debugfs_create_dir(name, root);
	debugfs_create_file("state", 0444, chan->debugfs, chan,
			    &hvg_chan_debugfs_fops);
}

void hvg_chan_debugfs_del(struct hvg_vmbus_channel *chan)
{
	/* Once, as hvg_chan_sysfs_del(). */
	debugfs_remove_recursive(xchg(&chan->debugfs, NULL));
}

int hvg_chan_init(void)
{
	return 0;
}

void hvg_chan_exit(void)
{
	/* Every channel was unpublished and every waiter is gone. */
	WARN_ON_ONCE(!list_empty(&hvg_waiters));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The SynIC of the real Hyper-V backend, and how a VMBus SINT reaches the
 * one registered handler.
 *
 * Per CPU, through a cpuhp state (callbacks run on the CPU concerned): read
 * the VP index; enable the message page (SIMP) and the event flags page
 * (SIEFP); program SINT 2 with the VMBus vector and unmask it; enable the
 * SynIC (SCONTROL). Offline and unload undo the four writes in reverse
 * order, restoring the values found; reboot, kexec, crash and suspend
 * switch them off (hyperv.c). Either way a register is only written back
 * while it still holds the value written here. The layer above may refuse
 * an offline through the check it installs (set_offline_check).
 *
 * The interrupt. Where the kernel offers hv_setup_vmbus_handler() and has
 * the HYPERVISOR_CALLBACK_VECTOR gate (it detected Hyper-V at boot), SINT 2
 * raises that vector and the kernel calls our hook. Otherwise - a module
 * cannot install an IDT vector - SINT 2 is put in polling mode (unmasked,
 * but no interrupt is generated) and a pinned per-CPU hrtimer looks at the
 * VMBus message slot and event flags and calls the handler when something
 * is there. Polling adds latency (up to poll_interval_us) and wakes idle
 * CPUs; the timers only run while a handler is registered.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/cpu.h>
#include <linux/io.h>
#include <linux/smp.h>
#include <linux/percpu.h>
#include <linux/hrtimer.h>
#include <linux/rcupdate.h>
#include <linux/lockdep.h>

#include "internal.h"

u64 hvg_hyperv_poll_ns = 1000 * NSEC_PER_USEC;

/*
 * Vector programmed into SINT 2 in polling mode. The polling bit means no
 * interrupt is ever raised, but the field must hold a valid vector (16-255);
 * this is the value of HYPERVISOR_CALLBACK_VECTOR in every supported kernel.
 */
#define HVG_POLL_SINT_VECTOR	0xf3

static const u32 hvg_synic_msr[HVG_SYNIC_REGS] = {
	[HVG_SYNIC_SIMP] = HVG_MSR_SIMP,
	[HVG_SYNIC_SIEFP] = HVG_MSR_SIEFP,
	[HVG_SYNIC_SINT] = HVG_MSR_SINT(HVG_VMBUS_SINT),
	[HVG_SYNIC_SCONTROL] = HVG_MSR_SCONTROL,
};

static const char * const hvg_synic_reg_name[HVG_SYNIC_REGS] = {
	[HVG_SYNIC_SIMP] = "SIMP",
	[HVG_SYNIC_SIEFP] = "SIEFP",
	[HVG_SYNIC_SINT] = "SINT2",
	[HVG_SYNIC_SCONTROL] = "SCONTROL",
};

static u64 hvg_page_msr(u64 old, void *page)
{
	return (old & HVG_MSR_PAGE_RESERVED) |
	       ((u64)virt_to_phys(page) & HVG_MSR_PAGE_PFN_MASK) |
	       HVG_MSR_PAGE_ENABLE;
}

static u64 hvg_sint_value(u64 old)
{
	u64 v = old & ~(HVG_SINT_VECTOR_MASK | HVG_SINT_MASKED |
			HVG_SINT_AUTO_EOI | HVG_SINT_POLLING);

	if (hvg_hyperv.irq_mode == HVG_IRQ_POLLING)
		return v | HVG_POLL_SINT_VECTOR | HVG_SINT_POLLING;
	v |= hvg_hyperv.vector;
	/*
	 * The kernel's vector handler acknowledges the local APIC only when
	 * Hyper-V recommends against auto EOI; otherwise the SINT must EOI by
	 * itself.
	 */
	if (!(hvg_hyperv.info->hints & HVG_HINT_DEPRECATING_AEOI))
		v |= HVG_SINT_AUTO_EOI;
	return v;
}

/* What a register is set to when the SynIC is switched off. */
static u64 hvg_synic_off_value(unsigned int reg, u64 found)
{
	switch (reg) {
	case HVG_SYNIC_SIMP:
	case HVG_SYNIC_SIEFP:
		return found & ~HVG_MSR_PAGE_ENABLE;
	case HVG_SYNIC_SINT:
		return found | HVG_SINT_MASKED;
	default:
		/* SCONTROL: enabled only if it was found enabled. */
		return found;
	}
}

/* Put back registers [0, count) just written, in reverse order. */
static void hvg_synic_restore(struct hvg_hv_cpu *c, unsigned int count)
{
	while (count--)
		hvg_ll->write_msr(hvg_synic_msr[count], c->saved[count]);
}

/**
 * hvg_synic_cpu_up() - program this CPU's SynIC from @c->saved
 * @c: this CPU's state; the caller runs on its CPU, not preemptible or in
 *	its hotplug callback
 *
 * Return: 0, or -EIO if a write faulted (nothing left changed).
 */
int hvg_synic_cpu_up(struct hvg_hv_cpu *c)
{
	unsigned int i;
	int err;

	c->ours[HVG_SYNIC_SIMP] = hvg_page_msr(c->saved[HVG_SYNIC_SIMP],
					       c->simp);
	c->ours[HVG_SYNIC_SIEFP] = hvg_page_msr(c->saved[HVG_SYNIC_SIEFP],
						c->siefp);
	c->ours[HVG_SYNIC_SINT] = hvg_sint_value(c->saved[HVG_SYNIC_SINT]);
	c->ours[HVG_SYNIC_SCONTROL] = c->saved[HVG_SYNIC_SCONTROL] |
				      HVG_SCONTROL_ENABLE;

	for (i = 0; i < HVG_SYNIC_REGS; i++) {
		err = hvg_ll->write_msr(hvg_synic_msr[i], c->ours[i]);
		if (err) {
			hvg_synic_restore(c, i);
			return err;
		}
	}
	WRITE_ONCE(c->synic_on, true);
	return 0;
}

/*
 * Has another owner (the in-kernel hv_vmbus, loaded after this module)
 * taken this CPU's SynIC? SINT 2 and SCONTROL cannot tell: a VMBus client
 * programs them to the same values. The pages can: the new owner names its
 * own. Any of SIMP, SIEFP or SINT 2 not holding the value written here
 * means the SynIC is someone else's; @log names what was found.
 */
static bool hvg_synic_taken(struct hvg_hv_cpu *c, bool log)
{
	bool taken = false;
	unsigned int i;
	u64 now;

	for (i = 0; i < HVG_SYNIC_SCONTROL; i++) {
		if (hvg_ll->read_msr(hvg_synic_msr[i], &now) ||
		    now == c->ours[i])
			continue;
		taken = true;
		if (log)
			pr_warn("CPU %u: %s is %#llx, not the %#llx written here: another SynIC owner (hv_vmbus?) took it\n",
				smp_processor_id(), hvg_synic_reg_name[i], now,
				c->ours[i]);
	}
	return taken;
}

/**
 * hvg_synic_cpu_down() - take this CPU's SynIC down, in reverse order
 * @c: this CPU's state, on its CPU (any context: also the crash path)
 * @how: put back the values found, or switch the SynIC off
 *
 * A SynIC that another owner has taken since (hvg_synic_taken()) is left
 * as it is, all four registers, and logged.
 */
void hvg_synic_cpu_down(struct hvg_hv_cpu *c, enum hvg_synic_down how)
{
	unsigned int i = HVG_SYNIC_REGS;
	u64 val;

	if (hvg_synic_taken(c, true)) {
		atomic_inc(&hvg_hyperv.foreign);
		pr_warn("CPU %u: SynIC left to its new owner\n",
			smp_processor_id());
	} else {
		while (i--) {
			val = c->saved[i];
			if (how == HVG_SYNIC_DISABLE)
				val = hvg_synic_off_value(i, val);
			hvg_ll->write_msr(hvg_synic_msr[i], val);
		}
	}
	WRITE_ONCE(c->synic_on, false);
}

/* Arm @c's poll timer; must run on @c's CPU (the timer is pinned). */
static void hvg_synic_arm_poll(struct hvg_hv_cpu *c)
{
	hrtimer_start(&c->poll_timer, ns_to_ktime(hvg_hyperv_poll_ns),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

/* IPI callback of register: arm this CPU's poll timer. */
static void hvg_synic_start_poll(void *unused)
{
	hvg_synic_arm_poll(this_cpu_ptr(hvg_hyperv.cpu));
}

/**
 * hvg_synic_cpu_online() - cpuhp online callback, runs on @cpu
 * @cpu: the CPU coming online
 *
 * After a reboot or crash shutdown the SynIC stays off.
 *
 * Return: 0, or -EIO if an MSR access faulted (nothing left changed).
 */
int hvg_synic_cpu_online(unsigned int cpu)
{
	struct hvg_hv_cpu *c = per_cpu_ptr(hvg_hyperv.cpu, cpu);
	unsigned int i;
	u64 vp;
	int err;

	if (READ_ONCE(hvg_hyperv.shutdown))
		return 0;
	err = hvg_ll->read_msr(HVG_MSR_VP_INDEX, &vp);
	if (err)
		goto fail;
	WRITE_ONCE(c->vp_index, (u32)vp);

	for (i = 0; i < HVG_SYNIC_REGS; i++) {
		err = hvg_ll->read_msr(hvg_synic_msr[i], &c->saved[i]);
		if (err)
			goto fail;
	}
	err = hvg_synic_cpu_up(c);
	if (err)
		goto fail;

	/* The hotplug lock excludes register/unregister: polling is stable. */
	if (hvg_hyperv.polling)
		hvg_synic_arm_poll(c);
	return 0;

fail:
	pr_err("CPU %u: SynIC set-up failed (%d)\n", cpu, err);
	return err;
}

/**
 * hvg_synic_cpu_offline() - cpuhp teardown callback, runs on @cpu
 * @cpu: the CPU going offline (or every CPU at unload)
 *
 * First asks the layer above, through the offline check it installed,
 * whether @cpu may go; cpuhp turns a refusal into a failed offline and
 * rolls back, so nothing is changed before the answer.
 *
 * Return: 0, or the check's refusal (-EBUSY).
 */
int hvg_synic_cpu_offline(unsigned int cpu)
{
	struct hvg_hv_cpu *c = per_cpu_ptr(hvg_hyperv.cpu, cpu);
	hvg_hv_offline_check_t check;
	int err;

	/* Stable here: it changes only under cpus_read_lock(). */
	check = READ_ONCE(hvg_hyperv.offline_check);
	if (check && c->synic_on) {
		err = check(READ_ONCE(hvg_hyperv.offline_ctx), cpu);
		if (err) {
			atomic_inc(&hvg_hyperv.offline_refused);
			return err < 0 ? err : -EBUSY;
		}
	}
	hrtimer_cancel(&c->poll_timer);
	if (!c->synic_on)
		return 0;
	hvg_synic_cpu_down(c, HVG_SYNIC_RESTORE);
	return 0;
}

int hvg_synic_set_offline_check(struct hvg_hv_backend *hv,
				hvg_hv_offline_check_t check, void *ctx)
{
	struct hvg_hyperv *h = hvg_hyperv_of(hv);
	int err = 0;

	mutex_lock(&h->lock);
	if (check && h->offline_check) {
		err = -EBUSY;
	} else {
		/*
		 * The hotplug lock keeps every teardown callback out while the
		 * pair changes, so none sees half of it, and none that follows
		 * sees the old one.
		 */
		cpus_read_lock();
		WRITE_ONCE(h->offline_ctx, ctx);
		WRITE_ONCE(h->offline_check, check);
		cpus_read_unlock();
	}
	mutex_unlock(&h->lock);
	return err;
}

/* At unload: nobody may refuse the teardowns that removing the state makes. */
void hvg_synic_clear_offline_check(void)
{
	hvg_synic_set_offline_check(&hvg_hyperv.backend, NULL, NULL);
}

/* Called with interrupts disabled on the CPU whose SINT fired. */
void hvg_synic_dispatch(void)
{
	hvg_hv_handler_t fn;

	lockdep_assert_irqs_disabled();
	/* Pairs with the release in register: handler_ctx is visible. */
	fn = smp_load_acquire(&hvg_hyperv.handler);
	if (!fn)
		return;
	atomic_inc(&hvg_hyperv.dispatches);
	fn(READ_ONCE(hvg_hyperv.handler_ctx));
}

static void hvg_synic_vector_isr(void)
{
	hvg_synic_dispatch();
}

static bool hvg_synic_pending(struct hvg_hv_cpu *c)
{
	const struct hvg_synic_message *msg =
		&c->simp->sint_message[HVG_VMBUS_SINT];
	const struct hvg_synic_event_flags *ev =
		&c->siefp->sint_flags[HVG_VMBUS_SINT];
	unsigned int i;

	if (READ_ONCE(msg->header.message_type) != HVG_MSGTYPE_NONE)
		return true;
	for (i = 0; i < ARRAY_SIZE(ev->flags); i++)
		if (READ_ONCE(ev->flags[i]))
			return true;
	return false;
}

/* IPI callback: dispatch if this CPU's VMBus slot or flags hold something. */
static void hvg_synic_kick(void *unused)
{
	if (hvg_synic_pending(this_cpu_ptr(hvg_hyperv.cpu)))
		hvg_synic_dispatch();
}

/* Polling mode: the per-CPU timer stands in for the SINT interrupt. */
enum hrtimer_restart hvg_synic_poll(struct hrtimer *timer)
{
	struct hvg_hv_cpu *c = container_of(timer, struct hvg_hv_cpu,
					    poll_timer);

	atomic_inc(&hvg_hyperv.polls);
	if (hvg_synic_pending(c))
		hvg_synic_dispatch();
	hrtimer_forward_now(timer, ns_to_ktime(hvg_hyperv_poll_ns));
	return HRTIMER_RESTART;
}

/**
 * hvg_synic_eom() - end of message on this CPU's VMBus slot
 * @hv: the backend
 *
 * Preemption must be disabled (the slot is this CPU's).
 */
void hvg_synic_eom(struct hvg_hv_backend *hv)
{
	struct hvg_hv_cpu *c = this_cpu_ptr(hvg_hyperv_of(hv)->cpu);
	struct hvg_synic_message *msg = &c->simp->sint_message[HVG_VMBUS_SINT];

	WRITE_ONCE(msg->header.message_type, HVG_MSGTYPE_NONE);
	/*
	 * Full barrier: the slot must read as free before message_flags is
	 * sampled. It pairs with the hypervisor, which sets the pending flag
	 * when it finds the slot busy: the other order could miss a flag set
	 * just before the clear, and the queued message would never come.
	 */
	mb();
	if (READ_ONCE(msg->header.message_flags) & HVG_MSGFLAG_PENDING)
		hvg_ll->write_msr(HVG_MSR_EOM, 0);
}

int hvg_synic_register_handler(struct hvg_hv_backend *hv,
			       hvg_hv_handler_t handler, void *ctx)
{
	struct hvg_hyperv *h = hvg_hyperv_of(hv);
	unsigned int cpu;
	int err = 0;

	if (!handler)
		return -EINVAL;

	mutex_lock(&h->lock);
	if (h->handler_set) {
		err = -EBUSY;
		goto out;
	}
	WRITE_ONCE(h->handler_ctx, ctx);
	/* Publish ctx before the handler; pairs with the acquire in dispatch. */
	smp_store_release(&h->handler, handler);
	h->handler_set = true;

	if (h->irq_mode == HVG_IRQ_VECTOR) {
		hvg_ll->set_vmbus_handler(hvg_synic_vector_isr);
		/*
		 * A message that arrived before the hook was set raised its
		 * interrupt into nothing and will not raise another before
		 * EOM: look at every CPU's slot once.
		 */
		on_each_cpu(hvg_synic_kick, NULL, 1);
		goto out;
	}
	/* The hotplug lock keeps the online set and polling consistent. */
	cpus_read_lock();
	h->polling = true;
	for_each_online_cpu(cpu)
		smp_call_function_single(cpu, hvg_synic_start_poll, NULL, 1);
	cpus_read_unlock();
out:
	mutex_unlock(&h->lock);
	return err;
}

/* IPI callback: has another owner taken this CPU's SynIC? */
static void hvg_synic_check_taken(void *taken)
{
	struct hvg_hv_cpu *c = this_cpu_ptr(hvg_hyperv.cpu);

	if (c->synic_on && hvg_synic_taken(c, false))
		WRITE_ONCE(*(bool *)taken, true);
}

/*
 * The kernel's hook cannot be read back. Whoever takes it (the in-kernel
 * hv_vmbus, loaded after this module) takes the SynIC as well: a SynIC
 * that is someone else's on some CPU means the hook is no longer this
 * module's either, and removing it would cut the new owner off.
 */
static bool hvg_synic_hook_still_ours(void)
{
	bool taken = false;

	/* No CPU comes or goes (and programs SINT 2) while each is asked. */
	cpus_read_lock();
	on_each_cpu(hvg_synic_check_taken, &taken, 1);
	cpus_read_unlock();
	if (taken)
		pr_warn("another VMBus client (hv_vmbus?) took the SynIC: leaving the kernel's VMBus interrupt hook to it\n");
	return !taken;
}

void hvg_synic_unregister_handler(struct hvg_hv_backend *hv)
{
	struct hvg_hyperv *h = hvg_hyperv_of(hv);
	unsigned int cpu;

	mutex_lock(&h->lock);
	if (!h->handler_set)
		goto out;

	if (h->irq_mode == HVG_IRQ_VECTOR) {
		if (hvg_synic_hook_still_ours())
			hvg_ll->set_vmbus_handler(NULL);
	} else {
		cpus_read_lock();
		h->polling = false;
		for_each_online_cpu(cpu)
			hrtimer_cancel(&per_cpu_ptr(h->cpu, cpu)->poll_timer);
		cpus_read_unlock();
	}
	WRITE_ONCE(h->handler, NULL);
	/*
	 * Every caller of the handler runs with interrupts disabled, which is
	 * an RCU read-side section: after a grace period none is left.
	 */
	synchronize_rcu();
	WRITE_ONCE(h->handler_ctx, NULL);
	h->handler_set = false;
out:
	mutex_unlock(&h->lock);
}

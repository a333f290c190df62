// SPDX-License-Identifier: GPL-2.0
/*
 * The real Hyper-V backend: guest OS identity, the hypercall page, the
 * per-CPU HvPostMessage input pages, HvPostMessage and HvSignalEvent, and
 * the ops table that hvg_vmbus sees. The SynIC and the interrupt path are
 * in synic.c.
 *
 * Set-up order (TLFS): the guest OS id before the hypercall page is
 * enabled; then, per CPU, the SynIC (synic.c). Teardown runs in reverse and
 * puts back every MSR value that was found, where it still holds the value
 * written here.
 *
 * Lifecycle: syscore shutdown (reboot, halt, power off, kexec: after every
 * device has shut down) and a panic notifier switch the SynIC and the own
 * hypercall page off before another kernel can run, after the layer above
 * has sent its UNLOAD (its syscore ops registered later run first; the
 * panic notifier has the lowest priority); syscore suspend/resume switch
 * them off and on again around hibernation and sleep.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/notifier.h>
#include <linux/smp.h>
#include <hvguest/compat.h>

#include "internal.h"

struct hvg_hyperv hvg_hyperv;
unsigned int hvg_post_backoff_min_us = 1000;

static const char *hvg_status_name(u16 status)
{
	switch (status) {
	case HVG_STATUS_SUCCESS:
		return "SUCCESS";
	case HVG_STATUS_INVALID_HYPERCALL_CODE:
		return "INVALID_HYPERCALL_CODE";
	case HVG_STATUS_INVALID_HYPERCALL_INPUT:
		return "INVALID_HYPERCALL_INPUT";
	case HVG_STATUS_INVALID_ALIGNMENT:
		return "INVALID_ALIGNMENT";
	case HVG_STATUS_INVALID_PARAMETER:
		return "INVALID_PARAMETER";
	case HVG_STATUS_ACCESS_DENIED:
		return "ACCESS_DENIED";
	case HVG_STATUS_OPERATION_DENIED:
		return "OPERATION_DENIED";
	case HVG_STATUS_INSUFFICIENT_MEMORY:
		return "INSUFFICIENT_MEMORY";
	case HVG_STATUS_INVALID_PORT_ID:
		return "INVALID_PORT_ID";
	case HVG_STATUS_INVALID_CONNECTION_ID:
		return "INVALID_CONNECTION_ID";
	case HVG_STATUS_INSUFFICIENT_BUFFERS:
		return "INSUFFICIENT_BUFFERS";
	default:
		return "unknown";
	}
}

/**
 * hvg_hv_status_to_errno() - one distinct errno per TLFS status
 * @status: the low 16 bits of a hypercall result
 *
 * Return: 0 for success, else a negative errno that names the cause.
 */
int hvg_hv_status_to_errno(u16 status)
{
	switch (status) {
	case HVG_STATUS_SUCCESS:
		return 0;
	case HVG_STATUS_INVALID_HYPERCALL_CODE:
		return -EOPNOTSUPP;
	case HVG_STATUS_INVALID_HYPERCALL_INPUT:
		return -EPROTO;
	case HVG_STATUS_INVALID_ALIGNMENT:
		return -EFAULT;
	case HVG_STATUS_INVALID_PARAMETER:
		return -EINVAL;
	case HVG_STATUS_ACCESS_DENIED:
		return -EACCES;
	case HVG_STATUS_OPERATION_DENIED:
		return -EPERM;
	case HVG_STATUS_INSUFFICIENT_MEMORY:
		return -ENOMEM;
	case HVG_STATUS_INVALID_PORT_ID:
		return -EADDRNOTAVAIL;
	case HVG_STATUS_INVALID_CONNECTION_ID:
		return -ENXIO;
	case HVG_STATUS_INSUFFICIENT_BUFFERS:
		return -ENOBUFS;
	default:
		return -EIO;
	}
}
EXPORT_SYMBOL_GPL(hvg_hv_status_to_errno);

static unsigned int hvg_status_slot(u16 status)
{
	return min_t(unsigned int, status, HVG_STATUS_SLOTS - 1);
}

/* Count a status; log the first failure of each cause, once. */
static int hvg_hyperv_status(struct hvg_hyperv *h, const char *call,
			     atomic_t *counts, unsigned int log_base,
			     u16 status)
{
	unsigned int slot = hvg_status_slot(status);
	int err = hvg_hv_status_to_errno(status);

	atomic_inc(&counts[slot]);
	if (err && !test_and_set_bit(log_base + slot, h->logged))
		pr_err("%s failed: status %#x (%s), returning %d; later failures with this status are counted in debugfs, not logged\n",
		       call, status, hvg_status_name(status), err);
	return err;
}

/*
 * Every hypercall runs with interrupts off and looks at @shutdown in that
 * same section. hvg_hyperv_shutdown() sets @shutdown and then sends an IPI
 * to every CPU before it disables the hypercall page: the IPI cannot land
 * inside such a section, so once it has run everywhere no CPU is in a
 * hypercall and every later one sees @shutdown (the IPI orders the store
 * before the receiving CPU's next load, as smp_call_function() does).
 */
static int hvg_hyperv_post_once(struct hvg_hyperv *h, u32 connection_id,
				u32 message_type, const void *payload,
				u32 payload_size, u16 *status)
{
	struct hvg_post_message_input *in;
	unsigned long flags;
	u64 result;

	/*
	 * The input page is this CPU's and the hypervisor reads it during the
	 * call: interrupts stay off so that nothing else on this CPU (an
	 * interrupt handler posting a message) reuses it meanwhile.
	 */
	local_irq_save(flags);
	if (READ_ONCE(h->shutdown)) {
		local_irq_restore(flags);
		return -ESHUTDOWN;
	}
	in = this_cpu_ptr(h->cpu)->input;
	in->connection_id = connection_id;
	in->reserved = 0;
	in->message_type = message_type;
	in->payload_size = payload_size;
	memcpy(in->payload, payload, payload_size);
	result = hvg_ll->hypercall(h->hc_page, HVG_HVCALL_POST_MESSAGE, in,
				   NULL);
	local_irq_restore(flags);

	*status = result & HVG_HYPERCALL_STATUS_MASK;
	return 0;
}

/* A VMBus INITIATE_CONTACT: channel message 14 in a type-1 message. */
static bool hvg_is_initiate_contact(u32 message_type, const void *payload,
				    u32 payload_size)
{
	u32 chmsg;

	if (message_type != HVG_VMBUS_MESSAGE_TYPE ||
	    payload_size < sizeof(chmsg))
		return false;
	memcpy(&chmsg, payload, sizeof(chmsg));
	return chmsg == HVG_VMBUS_MSG_INITIATE_CONTACT;
}

/*
 * Short of buffers or memory, the hypervisor may have room later. It also
 * answers INVALID_CONNECTION_ID when messages come too fast; but an
 * INITIATE_CONTACT to connection id 4 gets it from every host older than
 * VMBus 5.0, and the caller must fall back to an older version at once.
 */
bool hvg_hv_post_retryable(u16 status, u32 message_type,
			   const void *payload, u32 payload_size)
{
	switch (status) {
	case HVG_STATUS_INSUFFICIENT_MEMORY:
	case HVG_STATUS_INSUFFICIENT_BUFFERS:
		return true;
	case HVG_STATUS_INVALID_CONNECTION_ID:
		return !hvg_is_initiate_contact(message_type, payload,
						payload_size);
	default:
		return false;
	}
}
EXPORT_SYMBOL_GPL(hvg_hv_post_retryable);

static void hvg_post_backoff(unsigned int us, u32 flags)
{
	if (!(flags & HVG_POST_NOSLEEP))
		usleep_range(us, us + us / 4);
	else if (us >= USEC_PER_MSEC)
		mdelay(us / USEC_PER_MSEC);
	else
		udelay(us);
}

static int hvg_hyperv_post_message(struct hvg_hv_backend *hv,
				   u32 connection_id, u32 message_type,
				   const void *payload, u32 payload_size,
				   u32 flags)
{
	struct hvg_hyperv *h = hvg_hyperv_of(hv);
	unsigned int delay = hvg_post_backoff_min_us;
	unsigned int attempt;
	u16 status;
	int err;

	if (payload_size > HVG_MESSAGE_PAYLOAD_BYTES)
		return -EMSGSIZE;
	if (connection_id & ~HVG_CONNECTION_ID_MASK ||
	    !message_type || message_type >= 0x80000000 ||
	    (payload_size && !payload) || (flags & ~HVG_POST_NOSLEEP))
		return -EINVAL;

	if (!(flags & HVG_POST_NOSLEEP))
		might_sleep();
	for (attempt = 0; ; attempt++) {
		err = hvg_hyperv_post_once(h, connection_id, message_type,
					   payload, payload_size, &status);
		if (err)
			return err;
		if (!hvg_hv_post_retryable(status, message_type, payload,
					   payload_size))
			break;
		if (attempt == HVG_POST_RETRIES)
			break;
		/* The hypervisor is short for now: back off, then retry. */
		atomic_inc(&h->post_retries);
		atomic_inc(&h->post_status[hvg_status_slot(status)]);
		hvg_post_backoff(delay, flags);
		delay = min_t(unsigned int, delay * 2, HVG_POST_BACKOFF_MAX_US);
	}
	return hvg_hyperv_status(h, "HvPostMessage", h->post_status, 0,
				 status);
}

static int hvg_hyperv_signal_event(struct hvg_hv_backend *hv,
				   u32 connection_id)
{
	struct hvg_hyperv *h = hvg_hyperv_of(hv);
	unsigned long flags;
	u64 result;

	if (connection_id & ~HVG_CONNECTION_ID_MASK)
		return -EINVAL;
	/* Interrupts off around the check and the call: see post_once. */
	local_irq_save(flags);
	if (READ_ONCE(h->shutdown)) {
		local_irq_restore(flags);
		return -ESHUTDOWN;
	}
	result = hvg_ll->hypercall_fast(h->hc_page,
					HVG_HVCALL_SIGNAL_EVENT |
					HVG_HYPERCALL_FAST,
					HVG_SIGNAL_EVENT_INPUT(connection_id, 0));
	local_irq_restore(flags);
	return hvg_hyperv_status(h, "HvSignalEvent", h->signal_status,
				 HVG_STATUS_SLOTS,
				 result & HVG_HYPERCALL_STATUS_MASK);
}

static struct hvg_synic_message_page *
hvg_hyperv_message_page(struct hvg_hv_backend *hv, unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return NULL;
	return per_cpu_ptr(hvg_hyperv_of(hv)->cpu, cpu)->simp;
}

static struct hvg_synic_event_page *
hvg_hyperv_event_page(struct hvg_hv_backend *hv, unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return NULL;
	return per_cpu_ptr(hvg_hyperv_of(hv)->cpu, cpu)->siefp;
}

static u32 hvg_hyperv_vp_index(struct hvg_hv_backend *hv, unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return HVG_VP_INDEX_INVALID;
	return READ_ONCE(per_cpu_ptr(hvg_hyperv_of(hv)->cpu, cpu)->vp_index);
}

static const struct hvg_hv_ops hvg_hyperv_ops = {
	.post_message = hvg_hyperv_post_message,
	.signal_event = hvg_hyperv_signal_event,
	.message_page = hvg_hyperv_message_page,
	.event_page = hvg_hyperv_event_page,
	.vp_index = hvg_hyperv_vp_index,
	.eom = hvg_synic_eom,
	.register_handler = hvg_synic_register_handler,
	.unregister_handler = hvg_synic_unregister_handler,
	.set_offline_check = hvg_synic_set_offline_check,
};

static void hvg_hyperv_free_pages(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct hvg_hv_cpu *c = per_cpu_ptr(hvg_hyperv.cpu, cpu);

		free_page((unsigned long)c->input);
		free_page((unsigned long)c->simp);
		free_page((unsigned long)c->siefp);
		c->input = NULL;
		c->simp = NULL;
		c->siefp = NULL;
	}
}

static void *hvg_alloc_cpu_page(unsigned int cpu)
{
	struct page *pg;

	pg = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO, 0);
	return pg ? page_address(pg) : NULL;
}

static int hvg_hyperv_alloc_pages(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct hvg_hv_cpu *c = per_cpu_ptr(hvg_hyperv.cpu, cpu);

		c->vp_index = HVG_VP_INDEX_INVALID;
		hvg_compat_hrtimer_setup(&c->poll_timer, hvg_synic_poll,
					 CLOCK_MONOTONIC,
					 HRTIMER_MODE_REL_PINNED_HARD);
		c->input = hvg_alloc_cpu_page(cpu);
		c->simp = hvg_alloc_cpu_page(cpu);
		c->siefp = hvg_alloc_cpu_page(cpu);
		if (!c->input || !c->simp || !c->siefp) {
			hvg_hyperv_free_pages();
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * Refuse to share the SynIC: if the VMBus SINT is already unmasked or the
 * message page already enabled, another VMBus client (the in-kernel
 * hv_vmbus) owns it.
 */
static int hvg_hyperv_check_synic_free(void)
{
	u64 simp, sint;
	int err;

	/* Both reads from the same CPU's SynIC. */
	preempt_disable();
	err = hvg_ll->read_msr(HVG_MSR_SIMP, &simp);
	if (!err)
		err = hvg_ll->read_msr(HVG_MSR_SINT(HVG_VMBUS_SINT), &sint);
	preempt_enable();
	if (err) {
		pr_err("cannot read the SynIC MSRs (%d)\n", err);
		return err;
	}
	if ((simp & HVG_MSR_PAGE_ENABLE) || !(sint & HVG_SINT_MASKED)) {
		pr_err("the SynIC is already in use (SIMP %#llx, SINT2 %#llx): the in-kernel hv_vmbus driver owns the VMBus interrupt; unload or blacklist hv_vmbus to use hvguest\n",
		       simp, sint);
		return -EBUSY;
	}
	return 0;
}

/* Write the guest OS id, then enable the own hypercall page; any context. */
static int hvg_hyperv_hc_enable(struct hvg_hyperv *h)
{
	u64 val;
	int err;

	err = hvg_ll->write_msr(HVG_MSR_GUEST_OS_ID, h->ours_guest_os_id);
	if (!err)
		err = hvg_ll->write_msr(HVG_MSR_HYPERCALL, h->ours_hypercall);
	if (!err)
		err = hvg_ll->read_msr(HVG_MSR_HYPERCALL, &val);
	if (!err && !(val & HVG_MSR_PAGE_ENABLE))
		err = -EIO;
	if (err) {
		hvg_ll->write_msr(HVG_MSR_HYPERCALL, h->saved_hypercall);
		hvg_ll->write_msr(HVG_MSR_GUEST_OS_ID, h->saved_guest_os_id);
		return err;
	}
	h->hc_on = true;
	return 0;
}

/* Put back @msr as found, unless someone else has written it since. */
static void hvg_hyperv_put_back(u32 msr, const char *name, u64 ours,
				u64 found)
{
	u64 now;

	if (!hvg_ll->read_msr(msr, &now) && now != ours) {
		atomic_inc(&hvg_hyperv.foreign);
		pr_warn("%s is %#llx, not the %#llx written here: someone else took it; left as it is\n",
			name, now, ours);
		return;
	}
	hvg_ll->write_msr(msr, found);
}

/*
 * Disable the own hypercall page, then put the guest OS id back; any
 * context. The page was found disabled (set-up refuses to move an enabled
 * one), so the value found is the disabled one.
 */
static void hvg_hyperv_hc_disable(struct hvg_hyperv *h)
{
	if (!h->hc_on)
		return;
	hvg_hyperv_put_back(HVG_MSR_HYPERCALL, "the hypercall MSR",
			    h->ours_hypercall, h->saved_hypercall);
	hvg_hyperv_put_back(HVG_MSR_GUEST_OS_ID, "the guest OS id",
			    h->ours_guest_os_id, h->saved_guest_os_id);
	h->hc_on = false;
}

/* Enable this module's own hypercall page, guest OS id first. */
static int hvg_hyperv_own_hypercall_page(struct hvg_hyperv *h)
{
	u64 gos, hc;
	int err;

	err = hvg_ll->read_msr(HVG_MSR_GUEST_OS_ID, &gos);
	if (!err)
		err = hvg_ll->read_msr(HVG_MSR_HYPERCALL, &hc);
	if (err) {
		pr_err("cannot read the hypercall MSRs (%d)\n", err);
		return err;
	}
	if (hc & HVG_MSR_PAGE_ENABLE) {
		pr_err("a hypercall page is already enabled (HYPERCALL %#llx) but the kernel did not set it up: refusing to move it\n",
		       hc);
		return -EBUSY;
	}
	h->saved_guest_os_id = gos;
	h->saved_hypercall = hc;
	h->ours_guest_os_id = HVG_GUEST_OS_ID(HVG_KVER);
	h->ours_hypercall = (hc & HVG_MSR_PAGE_RESERVED) |
			    ((u64)hvg_ll_own_page_pfn() <<
			     HVG_MSR_PAGE_PFN_SHIFT) |
			    HVG_MSR_PAGE_ENABLE;

	err = hvg_hyperv_hc_enable(h);
	if (err)
		goto fail;
	if (!hvg_ll->own_page_usable()) {
		pr_err("indirect branch tracking is on but the hypervisor's hypercall code lacks ENDBR64\n");
		err = -EOPNOTSUPP;
		hvg_hyperv_hc_disable(h);
		goto fail;
	}

	h->own_hypercall_page = true;
	h->hc_page = HVG_HC_PAGE_OWN;
	return 0;

fail:
	pr_err("cannot enable the hypercall page (%d)\n", err);
	return err;
}

/* ---------------------------------------------------------------------
 * Lifecycle: reboot and kexec, crash, suspend and hibernation
 */

/* IPI callback of shutdown: switch this CPU's SynIC off. */
static void hvg_hyperv_cpu_off(void *unused)
{
	struct hvg_hv_cpu *c = this_cpu_ptr(hvg_hyperv.cpu);

	if (c->synic_on)
		hvg_synic_cpu_down(c, HVG_SYNIC_DISABLE);
}

/**
 * hvg_hyperv_shutdown() - before a reboot or kexec: switch everything off
 *
 * Process context: syscore shutdown, after device_shutdown() and after the
 * layer above's own syscore shutdown (registered later, so run earlier)
 * has sent its UNLOAD.
 * Every online CPU's SynIC is switched off, so that host messages and event
 * flags stop landing in pages the next kernel reuses, then the own
 * hypercall page is disabled, so that the hypervisor stops overlaying 4 KiB
 * of what will be the next kernel's RAM. Hypercalls fail with -ESHUTDOWN
 * from here on, and CPUs that come online keep their SynIC off.
 */
void hvg_hyperv_shutdown(void)
{
	struct hvg_hyperv *h = &hvg_hyperv;

	if (!h->cpu || READ_ONCE(h->shutdown))
		return;
	/* Keeps CPUs from coming or going while each one is switched off. */
	cpus_read_lock();
	WRITE_ONCE(h->shutdown, true);
	/* Waits out hypercalls in flight: see hvg_hyperv_post_once(). */
	on_each_cpu(hvg_hyperv_cpu_off, NULL, 1);
	cpus_read_unlock();
	hvg_hyperv_hc_disable(h);
	pr_info("SynIC and hypercall page disabled for reboot or kexec\n");
}

/**
 * hvg_hyperv_crash_shutdown() - the same on the crash path
 *
 * From the panic notifier: the other CPUs are stopped, interrupts are off,
 * nothing may sleep or take a lock. Only this CPU's SynIC can be reached
 * (the registers are per virtual processor); the other CPUs' stay enabled
 * until the next kernel writes them, but the layer above has sent UNLOAD
 * by now, after which the host sends nothing more to them.
 */
void hvg_hyperv_crash_shutdown(void)
{
	struct hvg_hyperv *h = &hvg_hyperv;
	struct hvg_hv_cpu *c;

	if (!h->cpu)
		return;
	WRITE_ONCE(h->shutdown, true);
	c = this_cpu_ptr(h->cpu);
	if (c->synic_on)
		hvg_synic_cpu_down(c, HVG_SYNIC_DISABLE);
	hvg_hyperv_hc_disable(h);
}

static int hvg_hyperv_panic_notify(struct notifier_block *nb,
				   unsigned long action, void *data)
{
	hvg_hyperv_crash_shutdown();
	return NOTIFY_DONE;
}

/**
 * hvg_hyperv_suspend() - syscore suspend: before hibernation or sleep
 *
 * Runs on the boot CPU, the others offline (their cpuhp teardown put their
 * SynIC back), interrupts off. Switches this CPU's SynIC and the own
 * hypercall page off: hibernation loses every MSR, and the image must not
 * be written with the hypervisor still writing into it.
 *
 * Return: 0.
 */
int hvg_hyperv_suspend(void)
{
	struct hvg_hyperv *h = &hvg_hyperv;
	struct hvg_hv_cpu *c = this_cpu_ptr(h->cpu);

	h->suspended = true;
	if (c->synic_on)
		hvg_synic_cpu_down(c, HVG_SYNIC_DISABLE);
	hvg_hyperv_hc_disable(h);
	return 0;
}

/**
 * hvg_hyperv_resume() - syscore resume: after hibernation or sleep
 *
 * Same context as hvg_hyperv_suspend(), also when a later suspend step
 * failed. Re-establishes the guest OS id and the own hypercall page, then
 * this CPU's SynIC; the other CPUs get theirs from the cpuhp online
 * callback as they come back. If the hypercall page cannot be enabled
 * again, hypercalls fail with -ESHUTDOWN rather than call into nothing.
 */
void hvg_hyperv_resume(void)
{
	struct hvg_hyperv *h = &hvg_hyperv;
	struct hvg_hv_cpu *c = this_cpu_ptr(h->cpu);
	int err;

	if (!h->suspended)
		return;
	h->suspended = false;
	if (READ_ONCE(h->shutdown))
		return;
	if (h->own_hypercall_page) {
		err = hvg_hyperv_hc_enable(h);
		if (err) {
			pr_err("resume: cannot enable the hypercall page again (%d); the backend is shut down\n",
			       err);
			WRITE_ONCE(h->shutdown, true);
			return;
		}
	}
	err = hvg_synic_cpu_up(c);
	if (err)
		pr_err("resume: CPU %u: SynIC set-up failed (%d)\n",
		       smp_processor_id(), err);
}

static int hvg_hyperv_lifecycle_register(struct hvg_hyperv *h)
{
	int err;

	h->panic_nb.notifier_call = hvg_hyperv_panic_notify;
	h->panic_nb.priority = HVG_HV_NOTIFIER_PRIORITY;
	err = atomic_notifier_chain_register(&panic_notifier_list,
					     &h->panic_nb);
	if (err)
		return err;
	h->syscore.suspend = hvg_hyperv_suspend;
	h->syscore.resume = hvg_hyperv_resume;
	h->syscore.shutdown = hvg_hyperv_shutdown;
	hvg_compat_register_syscore(&h->syscore);
	return 0;
}

static void hvg_hyperv_lifecycle_unregister(struct hvg_hyperv *h)
{
	hvg_compat_unregister_syscore(&h->syscore);
	atomic_notifier_chain_unregister(&panic_notifier_list, &h->panic_nb);
}

/**
 * hvg_hyperv_init() - set up the real backend and offer it to the adapter
 * @info: a successful detection result; must outlive the backend
 *
 * Return: 0, or a negative errno with every change undone and the reason
 * logged.
 */
int hvg_hyperv_init(const struct hvg_hv_info *info)
{
	struct hvg_hyperv *h = &hvg_hyperv;
	int err;

	memset(h, 0, sizeof(*h));
	mutex_init(&h->lock);
	h->info = info;
	h->backend.name = "hyperv";
	h->backend.owner = THIS_MODULE;
	h->backend.ops = &hvg_hyperv_ops;
	h->backend.priv = h;

	h->cpu = alloc_percpu(struct hvg_hv_cpu);
	if (!h->cpu)
		return -ENOMEM;
	err = hvg_hyperv_alloc_pages();
	if (err)
		goto free_percpu;

	err = hvg_hyperv_check_synic_free();
	if (err)
		goto free_pages;

	if (hvg_ll->kernel_hv_ready()) {
		h->hc_page = HVG_HC_PAGE_KERNEL;
	} else {
		err = hvg_hyperv_own_hypercall_page(h);
		if (err)
			goto free_pages;
	}

	h->vector = hvg_ll->vmbus_vector();
	h->irq_mode = h->vector ? HVG_IRQ_VECTOR : HVG_IRQ_POLLING;

	err = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "hvguest/synic:online",
				hvg_synic_cpu_online, hvg_synic_cpu_offline);
	if (err < 0) {
		pr_err("cannot set up the SynIC on every CPU (%d)\n", err);
		goto release_hc;
	}
	h->cpuhp_state = err;

	err = hvg_hyperv_lifecycle_register(h);
	if (err) {
		pr_err("cannot register the panic notifier (%d)\n",
		       err);
		goto remove_cpuhp;
	}

	err = hvg_hv_set_real_backend(&h->backend);
	if (err)
		goto unregister;

	pr_info("Hyper-V backend ready: %s hypercall page, VMBus interrupt by %s\n",
		h->own_hypercall_page ? "own" : "the kernel's",
		h->irq_mode == HVG_IRQ_VECTOR ?
		"the kernel's callback vector" : "SynIC polling");
	return 0;

unregister:
	hvg_hyperv_lifecycle_unregister(h);
remove_cpuhp:
	cpuhp_remove_state(h->cpuhp_state);
release_hc:
	hvg_hyperv_hc_disable(h);
free_pages:
	hvg_hyperv_free_pages();
free_percpu:
	free_percpu(h->cpu);
	h->cpu = NULL;
	return err;
}

/**
 * hvg_hyperv_exit() - undo hvg_hyperv_init(), in reverse order
 *
 * Only called when nobody holds the backend: hvg_vmbus holds a reference
 * on this module while it uses it. Puts back only what still holds this
 * module's values; a SynIC or hypercall MSR that another owner has taken
 * since is left to it (and logged).
 */
void hvg_hyperv_exit(void)
{
	struct hvg_hyperv *h = &hvg_hyperv;

	if (!h->cpu)
		return;
	hvg_hv_clear_real_backend();
	hvg_hyperv_lifecycle_unregister(h);
	hvg_synic_clear_offline_check();
	cpuhp_remove_state(h->cpuhp_state);
	/* Disable the overlay before the module text under it is freed. */
	hvg_hyperv_hc_disable(h);
	hvg_hyperv_free_pages();
	free_percpu(h->cpu);
	h->cpu = NULL;
}

/* debugfs: hvguest/hypercall/stats */
void hvg_hyperv_stats_show(struct seq_file *m)
{
	unsigned int cpu, i;

	if (!hvg_hyperv.cpu) {
		seq_puts(m, "hyperv_backend: inactive\n");
		return;
	}
	seq_puts(m, "hyperv_backend: active\n");
	seq_printf(m, "hypercall_page: %s\n",
		   hvg_hyperv.own_hypercall_page ? "own" : "kernel");
	seq_printf(m, "shutdown: %s\n",
		   READ_ONCE(hvg_hyperv.shutdown) ? "yes" : "no");
	seq_printf(m, "offline_refused: %d\n",
		   atomic_read(&hvg_hyperv.offline_refused));
	seq_printf(m, "left_to_other_owner: %d\n",
		   atomic_read(&hvg_hyperv.foreign));
	seq_printf(m, "irq_mode: %s\n",
		   hvg_hyperv.irq_mode == HVG_IRQ_VECTOR ? "vector" : "polling");
	seq_printf(m, "vector: %#x\n", hvg_hyperv.vector);
	seq_printf(m, "post_message_retries: %d\n",
		   atomic_read(&hvg_hyperv.post_retries));
	for (i = 0; i < HVG_STATUS_SLOTS; i++) {
		int p = atomic_read(&hvg_hyperv.post_status[i]);
		int s = atomic_read(&hvg_hyperv.signal_status[i]);

		if (p || s)
			seq_printf(m, "status %u%s: post_message %d signal_event %d\n",
				   i, i == HVG_STATUS_SLOTS - 1 ? "+" : "",
				   p, s);
	}
	seq_printf(m, "polls: %d\n", atomic_read(&hvg_hyperv.polls));
	seq_printf(m, "dispatches: %d\n", atomic_read(&hvg_hyperv.dispatches));
	for_each_possible_cpu(cpu) {
		struct hvg_hv_cpu *c = per_cpu_ptr(hvg_hyperv.cpu, cpu);

		seq_printf(m, "cpu%u: vp_index %u synic %s\n", cpu,
			   READ_ONCE(c->vp_index),
			   READ_ONCE(c->synic_on) ? "on" : "off");
	}
}

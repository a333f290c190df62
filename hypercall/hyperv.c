// SPDX-License-Identifier: GPL-2.0
/*
 * The real Hyper-V backend: guest OS identity, the hypercall page, the
 * per-CPU HvPostMessage input pages, HvPostMessage and HvSignalEvent, and
 * the ops table that hvg_vmbus sees. The SynIC and the interrupt path are
 * in synic.c.
 *
 * Set-up order (TLFS): the guest OS id before the hypercall page is
 * enabled; then, per CPU, the SynIC (synic.c). Teardown runs in reverse and
 * puts back every MSR value that was found.
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

static unsigned int hvg_status_slot(u16 status)
{
	return min_t(unsigned int, status, HVG_STATUS_SLOTS - 1);
}

/* Count a status; log the first failure of each cause, once. */
static int hvg_hyperv_status(const char *call, atomic_t *counts,
			     unsigned int log_base, u16 status)
{
	unsigned int slot = hvg_status_slot(status);
	int err = hvg_hv_status_to_errno(status);

	atomic_inc(&counts[slot]);
	if (err && !test_and_set_bit(log_base + slot, hvg_hyperv.logged))
		pr_err("%s failed: status %#x (%s), returning %d; later failures with this status are counted in debugfs, not logged\n",
		       call, status, hvg_status_name(status), err);
	return err;
}

static u16 hvg_hyperv_post_once(u32 connection_id, u32 message_type,
				const void *payload, u32 payload_size)
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
	in = this_cpu_ptr(hvg_hyperv.cpu)->input;
	in->connection_id = connection_id;
	in->reserved = 0;
	in->message_type = message_type;
	in->payload_size = payload_size;
	memcpy(in->payload, payload, payload_size);
	result = hvg_ll->hypercall(hvg_hyperv.hc_page, HVG_HVCALL_POST_MESSAGE,
				   in, NULL);
	local_irq_restore(flags);

	return result & HVG_HYPERCALL_STATUS_MASK;
}

static int hvg_hyperv_post_message(struct hvg_hv_backend *hv,
				   u32 connection_id, u32 message_type,
				   const void *payload, u32 payload_size)
{
	unsigned int delay = hvg_post_backoff_min_us;
	unsigned int attempt;
	u16 status;

	if (payload_size > HVG_MESSAGE_PAYLOAD_BYTES)
		return -EMSGSIZE;
	if (connection_id & ~HVG_CONNECTION_ID_MASK ||
	    !message_type || message_type >= 0x80000000 ||
	    (payload_size && !payload))
		return -EINVAL;

	might_sleep();
	for (attempt = 0; ; attempt++) {
		status = hvg_hyperv_post_once(connection_id, message_type,
					      payload, payload_size);
		if (status != HVG_STATUS_INSUFFICIENT_MEMORY &&
		    status != HVG_STATUS_INSUFFICIENT_BUFFERS)
			break;
		if (attempt == HVG_POST_RETRIES)
			break;
		/* The hypervisor is short for now: back off, then retry. */
		atomic_inc(&hvg_hyperv.post_retries);
		atomic_inc(&hvg_hyperv.post_status[hvg_status_slot(status)]);
		usleep_range(delay, delay + delay / 4);
		delay = min_t(unsigned int, delay * 2, HVG_POST_BACKOFF_MAX_US);
	}
	return hvg_hyperv_status("HvPostMessage", hvg_hyperv.post_status, 0,
				 status);
}

static int hvg_hyperv_signal_event(struct hvg_hv_backend *hv,
				   u32 connection_id)
{
	u64 result;

	if (connection_id & ~HVG_CONNECTION_ID_MASK)
		return -EINVAL;
	result = hvg_ll->hypercall_fast(hvg_hyperv.hc_page,
					HVG_HVCALL_SIGNAL_EVENT |
					HVG_HYPERCALL_FAST,
					HVG_SIGNAL_EVENT_INPUT(connection_id, 0));
	return hvg_hyperv_status("HvSignalEvent", hvg_hyperv.signal_status,
				 HVG_STATUS_SLOTS,
				 result & HVG_HYPERCALL_STATUS_MASK);
}

static struct hvg_synic_message_page *
hvg_hyperv_message_page(struct hvg_hv_backend *hv, unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return NULL;
	return per_cpu_ptr(hvg_hyperv.cpu, cpu)->simp;
}

static struct hvg_synic_event_page *
hvg_hyperv_event_page(struct hvg_hv_backend *hv, unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return NULL;
	return per_cpu_ptr(hvg_hyperv.cpu, cpu)->siefp;
}

static u32 hvg_hyperv_vp_index(struct hvg_hv_backend *hv, unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return HVG_VP_INDEX_INVALID;
	return READ_ONCE(per_cpu_ptr(hvg_hyperv.cpu, cpu)->vp_index);
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

/* Enable this module's own hypercall page, guest OS id first. */
static int hvg_hyperv_own_hypercall_page(void)
{
	u64 gos, hc, val;
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
	hvg_hyperv.saved_guest_os_id = gos;
	hvg_hyperv.saved_hypercall = hc;

	err = hvg_ll->write_msr(HVG_MSR_GUEST_OS_ID,
			    HVG_GUEST_OS_ID(HVG_KVER));
	if (err)
		goto restore_gos;

	val = (hc & HVG_MSR_PAGE_RESERVED) |
	      ((u64)hvg_ll_own_page_pfn() << HVG_MSR_PAGE_PFN_SHIFT) |
	      HVG_MSR_PAGE_ENABLE;
	err = hvg_ll->write_msr(HVG_MSR_HYPERCALL, val);
	if (err)
		goto restore_hc;
	err = hvg_ll->read_msr(HVG_MSR_HYPERCALL, &val);
	if (!err && !(val & HVG_MSR_PAGE_ENABLE))
		err = -EIO;
	if (err)
		goto restore_hc;
	if (!hvg_ll->own_page_usable()) {
		pr_err("indirect branch tracking is on but the hypervisor's hypercall code lacks ENDBR64\n");
		err = -EOPNOTSUPP;
		goto restore_hc;
	}

	hvg_hyperv.own_hypercall_page = true;
	hvg_hyperv.hc_page = HVG_HC_PAGE_OWN;
	return 0;

restore_hc:
	hvg_ll->write_msr(HVG_MSR_HYPERCALL, hc);
restore_gos:
	hvg_ll->write_msr(HVG_MSR_GUEST_OS_ID, gos);
	pr_err("cannot enable the hypercall page (%d)\n", err);
	return err;
}

static void hvg_hyperv_release_hypercall_page(void)
{
	if (!hvg_hyperv.own_hypercall_page)
		return;
	/* Disable the overlay before the module text under it is freed. */
	hvg_ll->write_msr(HVG_MSR_HYPERCALL, hvg_hyperv.saved_hypercall);
	hvg_ll->write_msr(HVG_MSR_GUEST_OS_ID, hvg_hyperv.saved_guest_os_id);
	hvg_hyperv.own_hypercall_page = false;
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
	int err;

	memset(&hvg_hyperv, 0, sizeof(hvg_hyperv));
	mutex_init(&hvg_hyperv.lock);
	hvg_hyperv.info = info;
	hvg_hyperv.backend.name = "hyperv";
	hvg_hyperv.backend.owner = THIS_MODULE;
	hvg_hyperv.backend.ops = &hvg_hyperv_ops;
	hvg_hyperv.backend.priv = &hvg_hyperv;

	hvg_hyperv.cpu = alloc_percpu(struct hvg_hv_cpu);
	if (!hvg_hyperv.cpu)
		return -ENOMEM;
	err = hvg_hyperv_alloc_pages();
	if (err)
		goto free_percpu;

	err = hvg_hyperv_check_synic_free();
	if (err)
		goto free_pages;

	if (hvg_ll->kernel_hv_ready()) {
		hvg_hyperv.hc_page = HVG_HC_PAGE_KERNEL;
	} else {
		err = hvg_hyperv_own_hypercall_page();
		if (err)
			goto free_pages;
	}

	hvg_hyperv.vector = hvg_ll->vmbus_vector();
	hvg_hyperv.irq_mode = hvg_hyperv.vector ? HVG_IRQ_VECTOR :
						  HVG_IRQ_POLLING;

	err = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "hvguest/synic:online",
				hvg_synic_cpu_online, hvg_synic_cpu_offline);
	if (err < 0) {
		pr_err("cannot set up the SynIC on every CPU (%d)\n", err);
		goto release_hc;
	}
	hvg_hyperv.cpuhp_state = err;

	err = hvg_hv_set_real_backend(&hvg_hyperv.backend);
	if (err)
		goto remove_cpuhp;

	pr_info("Hyper-V backend ready: %s hypercall page, VMBus interrupt by %s\n",
		hvg_hyperv.own_hypercall_page ? "own" : "the kernel's",
		hvg_hyperv.irq_mode == HVG_IRQ_VECTOR ?
		"the kernel's callback vector" : "SynIC polling");
	return 0;

remove_cpuhp:
	cpuhp_remove_state(hvg_hyperv.cpuhp_state);
release_hc:
	hvg_hyperv_release_hypercall_page();
free_pages:
	hvg_hyperv_free_pages();
free_percpu:
	free_percpu(hvg_hyperv.cpu);
	hvg_hyperv.cpu = NULL;
	return err;
}

/**
 * hvg_hyperv_exit() - undo hvg_hyperv_init(), in reverse order
 *
 * Only called when nobody holds the backend: hvg_vmbus holds a reference
 * on this module while it uses it.
 */
void hvg_hyperv_exit(void)
{
	if (!hvg_hyperv.cpu)
		return;
	hvg_hv_clear_real_backend();
	cpuhp_remove_state(hvg_hyperv.cpuhp_state);
	hvg_hyperv_release_hypercall_page();
	hvg_hyperv_free_pages();
	free_percpu(hvg_hyperv.cpu);
	hvg_hyperv.cpu = NULL;
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

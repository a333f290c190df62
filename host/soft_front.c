// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_loophost's hv_soft front end (see soft_front.h): the same SynIC model
 * (synic.c) and VMBus server (vmbus_server.c) as the hvg software backend,
 * behind the soft Hyper-V partition of the test kernel.
 *
 * The callbacks run in the guest's hypercall and MSR paths: HvPostMessage
 * with preemption (and in a panic, interrupts) off, HvSignalEvent from any
 * context up to hard IRQ, EOM from the guest's message tasklet. They never
 * sleep: the model copies a message (GFP_ATOMIC) and queues it for its
 * work, answers INSUFFICIENT_BUFFERS/MEMORY when it cannot (the guest
 * retries), and counts a signal for its work. A panicking guest's UNLOAD
 * is answered inside the hypercall (hvg_lh_server_panic_message()).
 *
 * Interrupts: the model raises a SINT only with none of its locks held
 * (synic.h), so the guest's handler and the tasklet that may run on
 * irq_exit of a self-IPI can call back into the host. A SINT that hv_soft
 * reports masked, or a VP that is disabled or offline, is held by the
 * model and raised again when hv_soft reports a SynIC change.
 */
#define pr_fmt(fmt) "hvg_loophost: " fmt

#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <asm/hv_soft.h>
#include <hvguest/tlfs.h>

#include "soft_front.h"
#include "vmbus_server.h"

/*
 * Set before hv_soft_register_host() and cleared after
 * hv_soft_unregister_host(), which waits for running callbacks: the
 * callbacks read them without a lock.
 */
static struct hvg_lh_synic *hvg_lh_soft_model;
static struct hvg_lh_server *hvg_lh_soft_srv;

static u16 hvg_lh_soft_post_message(u32 vp, u32 connection_id,
				    u32 message_type, const void *payload,
				    u32 payload_size)
{
	/* The guest polls for UNLOAD_RESPONSE now: answer at once. */
	if (unlikely(oops_in_progress) &&
	    hvg_lh_server_panic_message(hvg_lh_soft_srv, connection_id,
					message_type, payload, payload_size))
		return HVG_STATUS_SUCCESS;
	/* Copied by the model: @payload is the guest's input page. */
	return hvg_lh_synic_hc_post_message(hvg_lh_soft_model, connection_id,
					    message_type, payload,
					    payload_size);
}

static u16 hvg_lh_soft_signal_event(u32 vp, u32 connection_id,
				    u16 flag_number)
{
	return hvg_lh_synic_hc_signal_event(hvg_lh_soft_model, connection_id,
					    flag_number);
}

static void hvg_lh_soft_eom(u32 vp)
{
	hvg_lh_synic_eom(hvg_lh_soft_model, vp);
}

static void hvg_lh_soft_synic_changed(u32 vp)
{
	/* Held messages, flags and raises go out if they can now. */
	hvg_lh_synic_rescan(hvg_lh_soft_model, vp);
}

/*
 * No owner: hv_soft would pin it while any VP has SCONTROL enabled. With
 * hvg's own stack, hvg_hypercall's real backend enables the SynIC of every
 * CPU when it loads and keeps it until it unloads, and it cannot unload
 * before this module, which uses its symbols: this module could never
 * unload. The VMBus server pins this module instead while a guest is
 * connected (INITIATE_CONTACT accepted, until UNLOAD), which is what the
 * pin is for: upstream's hv_vmbus waits for UNLOAD_RESPONSE without a
 * limit. A guest that is not connected gets ACCESS_DENIED from hv_soft
 * once this module is gone; hv_soft_unregister_host() waits for running
 * callbacks.
 */
static const struct hv_soft_host_ops hvg_lh_soft_ops = {
	.owner = NULL,
	.post_message = hvg_lh_soft_post_message,
	.signal_event = hvg_lh_soft_signal_event,
	.eom = hvg_lh_soft_eom,
	.synic_changed = hvg_lh_soft_synic_changed,
};

/* The page provider: the guest's pages, under hv_soft's VP lock. */
static int hvg_lh_soft_with_page(void *ctx, u32 vp, enum hvg_lh_page which,
				 void (*fn)(void *page, void *arg), void *arg)
{
	return hv_soft_with_page(vp, which == HVG_LH_SIMP ? HV_SOFT_SIMP :
							    HV_SOFT_SIEFP,
				 fn, arg);
}

const struct hvg_lh_page_provider hvg_lh_soft_pages = {
	.with_page = hvg_lh_soft_with_page,
};

/* The interrupt sink: an IPI on the SINT's vector, or held. */
static int hvg_lh_soft_raise(void *ctx, u32 vp, unsigned int sint)
{
	int ret = hv_soft_raise_sint(vp, sint);

	switch (ret) {
	case 0:
	case HV_SOFT_SINT_POLLING:
		return HVG_LH_RAISE_DONE;
	case HV_SOFT_SINT_MASKED:
	case -ENODEV:
		/* Masked, SynIC off or CPU offline: synic_changed retries. */
		return HVG_LH_RAISE_HOLD;
	default:
		pr_warn_ratelimited("SINT %u of VP %u not raised: %d\n", sint,
				    vp, ret);
		return HVG_LH_RAISE_DONE;
	}
}

const struct hvg_lh_irq_sink hvg_lh_soft_sink = {
	.raise = hvg_lh_soft_raise,
};

bool hvg_lh_soft_available(void)
{
	return hv_soft_enabled();
}

u32 hvg_lh_soft_nr_vps(void)
{
	unsigned int cpu;
	u32 vp, n = 0;

	for_each_possible_cpu(cpu) {
		vp = hv_soft_cpu_to_vp(cpu);
		if (vp < HVG_LH_MAX_VPS && vp + 1 > n)
			n = vp + 1;
	}
	return n;
}

u32 hvg_lh_soft_boot_vp(void)
{
	return hv_soft_cpu_to_vp(0);
}

int hvg_lh_soft_start(struct hvg_lh_synic *model, struct hvg_lh_server *srv)
{
	int err;

	hvg_lh_soft_model = model;
	hvg_lh_soft_srv = srv;
	err = hv_soft_register_host(&hvg_lh_soft_ops);
	if (err) {
		hvg_lh_soft_model = NULL;
		hvg_lh_soft_srv = NULL;
	}
	return err;
}

void hvg_lh_soft_stop(void)
{
	hv_soft_unregister_host(&hvg_lh_soft_ops);
	hvg_lh_soft_model = NULL;
	hvg_lh_soft_srv = NULL;
}

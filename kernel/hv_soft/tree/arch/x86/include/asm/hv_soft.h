/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hv_soft: a soft Hyper-V partition for the hvguest test kernel.
 *
 * Booted with "hv_soft" on the command line (and built with
 * CONFIG_HYPERV_SOFT=y), the kernel answers the Hyper-V CPUID leaves and
 * synthetic MSRs itself, fills the page that the HYPERCALL MSR names with a
 * stub that calls a C dispatcher, and keeps a SynIC register file for each
 * virtual processor (VP). Upstream's Hyper-V code then runs as on Hyper-V;
 * the hypervisor behind it is one module (the "host", hvg_loophost's
 * hv_soft front end) registered through the API below. Without "hv_soft"
 * nothing of this is active: the hooks in msr.h and processor.h fall
 * through to the real instructions.
 *
 * This file is arch/x86/include/asm/hv_soft.h in the patched tree. In the
 * hvguest project it lives in kernel/hv_soft/tree/ with the rest of the
 * new files; kernel/hv_soft/hooks.patch holds the edits of existing files;
 * scripts/test-kernel applies both to a copy of the 6.1 source.
 *
 * An out-of-tree host detects the API with __has_include(<asm/hv_soft.h>)
 * and IS_ENABLED(CONFIG_HYPERV_SOFT), then checks HV_SOFT_API_VERSION.
 *
 * VP index. Each possible CPU is one VP. By default the VP index is the
 * CPU number; booted with "hv_soft=vpoffset" it is the CPU number plus
 * HV_SOFT_VP_OFFSET, so that code that confuses the two fails. Always
 * convert with hv_soft_cpu_to_vp() / hv_soft_vp_to_cpu().
 *
 * Locking. Each VP has a raw spinlock guarding its SynIC registers and the
 * guest's writes to them. The MSR writes of that VP's CPU take it;
 * hv_soft_with_page() and hv_soft_get_synic() take it for the host. No host
 * callback is ever called with a VP lock held, so a callback may call any
 * function of this API. The callbacks are called under rcu_read_lock();
 * hv_soft_unregister_host() waits for running callbacks to return.
 *
 * Never trust the guest: the host is handed pointers into guest memory
 * (the post-message payload, the SynIC pages). Copy before parsing; the
 * payload pointer is valid only until the callback returns.
 */
#ifndef _ASM_X86_HV_SOFT_H
#define _ASM_X86_HV_SOFT_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/limits.h>

/* Bumped on an incompatible change of the API below. */
#define HV_SOFT_API_VERSION	1

/* The VP index offset of "hv_soft=vpoffset". */
#define HV_SOFT_VP_OFFSET	100

/* The SynIC has 16 SINTs; a message page has one 256-byte slot per SINT. */
#define HV_SOFT_SINT_COUNT	16

struct module;

/*
 * The host's callbacks. Every return value is an HV_STATUS_* code
 * (asm-generic/hyperv-tlfs.h) that the guest's hypercall returns as is.
 * None of them may sleep; all run on the CPU of the calling VP @vp, with
 * no VP lock held.
 *
 * @post_message: HvPostMessage, checked by hv_soft (alignment, page
 *	crossing, reserved fields, message type non-zero with bit 31 clear,
 *	payload size <= 240). Preemption is off; interrupts may be off (the
 *	guest's panic path posts CHANNELMSG_UNLOAD with interrupts off, then
 *	polls the message page without taking interrupts). @payload points
 *	into the guest's input page: copy what you keep. Return SUCCESS,
 *	INVALID_CONNECTION_ID, or INSUFFICIENT_BUFFERS / INSUFFICIENT_MEMORY
 *	when the host cannot queue now (the guest retries).
 * @signal_event: HvSignalEvent (fast or memory form), checked by hv_soft
 *	(reserved bits zero, flag number < 2048). Any context: process,
 *	softirq (channel callbacks) or hard IRQ. Return SUCCESS,
 *	INVALID_CONNECTION_ID or INVALID_PORT_ID.
 * @eom: the guest wrote the EOM MSR on @vp: rescan the VP's message
 *	slots and deliver what is queued. Usually softirq context
 *	(vmbus_on_msg_dpc); interrupts may be off.
 * @synic_changed: the guest changed SCONTROL, SIMP, SIEFP or a SINT of
 *	@vp (or the VP's CPU came online or went offline): re-read the state
 *	with hv_soft_get_synic(), deliver what was held for a masked SINT or
 *	a disabled page. Any context; interrupts may be off.
 */
struct hv_soft_host_ops {
	struct module *owner;
	u16 (*post_message)(u32 vp, u32 connection_id, u32 message_type,
			    const void *payload, u32 payload_size);
	u16 (*signal_event)(u32 vp, u32 connection_id, u16 flag_number);
	void (*eom)(u32 vp);
	void (*synic_changed)(u32 vp);
};

/* The two SynIC pages of a VP. */
enum hv_soft_page {
	HV_SOFT_SIMP,		/* message page: 16 slots of 256 bytes */
	HV_SOFT_SIEFP,		/* event flags page: 16 x 2048 bits */
};

/* A snapshot of one VP's SynIC registers (raw MSR values). */
struct hv_soft_synic {
	u64 scontrol;
	u64 simp;
	u64 siefp;
	u64 sint[HV_SOFT_SINT_COUNT];
	bool cpu_online;	/* the VP's CPU is online */
};

/* hv_soft_raise_sint() results other than 0 (IPI sent) and -errno. */
#define HV_SOFT_SINT_POLLING	1	/* polling mode: no IPI; delivered */
#define HV_SOFT_SINT_MASKED	2	/* masked: not delivered; hold it */

#ifdef CONFIG_HYPERV_SOFT

/* Booted with "hv_soft": the soft partition is active. */
bool hv_soft_enabled(void);

/*
 * Register the host (one at a time). -ENODEV without "hv_soft", -EBUSY
 * when a host is registered, -EINVAL for ops without every callback.
 * Until one is registered, HvPostMessage and HvSignalEvent return
 * HV_STATUS_ACCESS_DENIED. While any VP has SCONTROL enabled, hv_soft
 * holds a reference on @ops->owner (the guest's SynIC is connected to the
 * host, which must stay to answer, e.g. CHANNELMSG_UNLOAD).
 */
int hv_soft_register_host(const struct hv_soft_host_ops *ops);

/*
 * Unregister @ops; on return no callback of @ops is running or will be
 * called. May sleep.
 */
void hv_soft_unregister_host(const struct hv_soft_host_ops *ops);

/*
 * Call @fn(page, @arg) with the kernel address of VP @vp's SIMP or SIEFP
 * page, under the VP's raw spinlock (interrupts off), only while SCONTROL
 * and that page are enabled: once the guest's disabling WRMSR has
 * returned, no @fn is running on the page. @fn must be short and must not
 * sleep or call back into hv_soft. Returns 0 after @fn ran, -ENODEV when
 * the page (or the SynIC, or hv_soft) is not enabled, -EINVAL for an
 * unknown VP.
 */
int hv_soft_with_page(u32 vp, enum hv_soft_page which,
		      void (*fn)(void *page, void *arg), void *arg);

/*
 * Raise SINT @sint on VP @vp, as the hypervisor does after writing a
 * message slot or an event flag. Reads the SINT register under the VP
 * lock and then, outside it: masked -> HV_SOFT_SINT_MASKED (the host holds
 * the message and retries on synic_changed); polling -> HV_SOFT_SINT_POLLING
 * (no interrupt); else an IPI on the SINT's vector to the VP's CPU -> 0.
 * -ENODEV when SCONTROL is off or the VP's CPU is offline (hold and retry
 * on synic_changed), -EINVAL for an unknown VP or SINT >= 16 or a vector
 * below 16. Any context; raising to the current CPU with interrupts on
 * takes the interrupt before returning, so never call it with a lock held
 * that the guest's interrupt path (EOM, hypercalls) can need.
 */
int hv_soft_raise_sint(u32 vp, u32 sint);

/* Snapshot VP @vp's SynIC registers; -EINVAL for an unknown VP. */
int hv_soft_get_synic(u32 vp, struct hv_soft_synic *st);

/* VP index <-> CPU number. -EINVAL / U32_MAX when there is none. */
int hv_soft_vp_to_cpu(u32 vp);
u32 hv_soft_cpu_to_vp(unsigned int cpu);

/*
 * --- The hooks: not for the host. ---
 *
 * msr.h and processor.h call these when HV_SOFT_HOOKS is defined: not in
 * the decompressor, the EFI stub or purgatory (built with
 * __DISABLE_EXPORTS), nor in the vDSO.
 */
#if !defined(__DISABLE_EXPORTS) && !defined(BUILD_VDSO)
#define HV_SOFT_HOOKS 1
#endif

/* Set by the early parameter "hv_soft"; read by the inline hooks. */
extern bool hv_soft_active;

/* CPUID leaves 0x40000000-0x400000ff; in: *eax = leaf. */
void hv_soft_cpuid(unsigned int *eax, unsigned int *ebx,
		   unsigned int *ecx, unsigned int *edx);
/* Synthetic MSRs: 0, or -EIO where Hyper-V raises #GP. */
int hv_soft_rdmsr(u32 msr, u64 *val);
int hv_soft_wrmsr(u32 msr, u64 val);
/* The non-_safe forms: a fault is reported like an unchecked #GP. */
u64 hv_soft_rdmsr_unchecked(u32 msr);
void hv_soft_wrmsr_unchecked(u32 msr, u64 val);

#define HV_SOFT_MSR_FIRST	0x40000000u
#define HV_SOFT_MSR_LAST	0x400001ffu

/* Constant MSR numbers outside the range fold this away. */
static __always_inline bool hv_soft_msr(u32 msr)
{
	return msr >= HV_SOFT_MSR_FIRST && msr <= HV_SOFT_MSR_LAST &&
	       unlikely(hv_soft_active);
}

static __always_inline bool hv_soft_cpuid_leaf(unsigned int leaf)
{
	return (leaf & 0xffffff00u) == 0x40000000u && unlikely(hv_soft_active);
}

#else /* !CONFIG_HYPERV_SOFT */

static inline bool hv_soft_enabled(void)
{
	return false;
}

static inline int hv_soft_register_host(const struct hv_soft_host_ops *ops)
{
	return -ENODEV;
}

static inline void hv_soft_unregister_host(const struct hv_soft_host_ops *ops)
{
}

static inline int hv_soft_with_page(u32 vp, enum hv_soft_page which,
				    void (*fn)(void *page, void *arg),
				    void *arg)
{
	return -ENODEV;
}

static inline int hv_soft_raise_sint(u32 vp, u32 sint)
{
	return -ENODEV;
}

static inline int hv_soft_get_synic(u32 vp, struct hv_soft_synic *st)
{
	return -EINVAL;
}

static inline int hv_soft_vp_to_cpu(u32 vp)
{
	return -EINVAL;
}

static inline u32 hv_soft_cpu_to_vp(unsigned int cpu)
{
	return U32_MAX;
}

static __always_inline bool hv_soft_msr(u32 msr)
{
	return false;
}

static __always_inline bool hv_soft_cpuid_leaf(unsigned int leaf)
{
	return false;
}

#endif /* CONFIG_HYPERV_SOFT */

#endif /* _ASM_X86_HV_SOFT_H */

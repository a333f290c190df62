/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows how the supported kernels (5.10, 6.1, 6.12 and
 * the newest) and their configurations differ. Every switch is keyed on the
 * kernel version (HVG_KVER) or IS_ENABLED(CONFIG_...) and names the upstream
 * change that made the difference. Code elsewhere uses only the hvg_compat_*
 * names and HVG_* flags defined here.
 */
#ifndef _HVGUEST_COMPAT_H
#define _HVGUEST_COMPAT_H

#include <linux/version.h>
#include <linux/kconfig.h>
#include <linux/types.h>
#include <linux/hrtimer.h>
#include <asm/cpufeature.h>

/*
 * The version of the kernel being built against. checkpatch objects to
 * LINUX_VERSION_CODE because in-tree code always matches its kernel; this
 * header is the one out-of-tree exception (scripts/checkpatch exempts it).
 * KERNEL_VERSION() saturates the sublevel at 255 (5.10.223 reads 5.10.255),
 * as it does for the guest OS id of the kernel's own Hyper-V code.
 */
#define HVG_KVER	LINUX_VERSION_CODE

/*
 * The kernel's own Hyper-V support (arch/x86/hyperv, drivers/hv/hv_common.c)
 * is built in whenever CONFIG_HYPERV is y or m. It exports
 * hv_is_hyperv_initialized() and hv_hypercall_pg and provides the inline
 * hv_do_hypercall() and hv_do_fast_hypercall8() in asm/mshyperv.h, which
 * call through the kernel's hypercall page. Without it the kernel has no
 * hypercall page that could be reused.
 */
#if IS_ENABLED(CONFIG_HYPERV) && defined(CONFIG_X86_64)
#define HVG_HAVE_KERNEL_HYPERV 1
#include <asm/hypervisor.h>
#include <asm/mshyperv.h>
#else
#define HVG_HAVE_KERNEL_HYPERV 0
#endif

/*
 * The kernel's HYPERVISOR_CALLBACK_VECTOR handler calls one hook. v5.13
 * ("Drivers: hv: vmbus: Move handling of VMbus interrupts") renamed the
 * functions that set it, hv_setup_vmbus_irq(irq, handler) and
 * hv_remove_vmbus_irq(), to hv_setup_vmbus_handler(handler) and
 * hv_remove_vmbus_handler(); on x86 the irq argument of the old one is
 * ignored (the vector is fixed). Both kinds are exported, so every
 * supported kernel with CONFIG_HYPERV has the hook.
 */
#if HVG_HAVE_KERNEL_HYPERV
#define HVG_HAVE_VMBUS_HANDLER_HOOK 1
#else
#define HVG_HAVE_VMBUS_HANDLER_HOOK 0
#endif

/* True when the kernel itself set up Hyper-V: guest OS id, hypercall page. */
static inline bool hvg_compat_kernel_hv_ready(void)
{
#if HVG_HAVE_KERNEL_HYPERV
	return hv_is_hyperv_initialized();
#else
	return false;
#endif
}

/* A slow hypercall through the kernel's page (only when it is ready). */
static inline u64 hvg_compat_kernel_hypercall(u64 control, void *input,
					      void *output)
{
#if HVG_HAVE_KERNEL_HYPERV
	return hv_do_hypercall(control, input, output);
#else
	return U64_MAX;
#endif
}

/* A fast hypercall with 8 bytes of input through the kernel's page. */
static inline u64 hvg_compat_kernel_fast_hypercall8(u16 code, u64 input)
{
#if HVG_HAVE_KERNEL_HYPERV
	return hv_do_fast_hypercall8(code, input);
#else
	return U64_MAX;
#endif
}

/*
 * The kernel's hook is usable only where the kernel allocated the IDT gate
 * for HYPERVISOR_CALLBACK_VECTOR, which ms_hyperv_init_platform() does when
 * it detected Hyper-V at boot.
 */
static inline bool hvg_compat_vmbus_vector_available(void)
{
#if HVG_HAVE_VMBUS_HANDLER_HOOK
	return hypervisor_is_type(X86_HYPER_MS_HYPERV);
#else
	return false;
#endif
}

/* The vector that the kernel's hook serves (0 when there is none). */
static inline u8 hvg_compat_vmbus_vector(void)
{
#if HVG_HAVE_VMBUS_HANDLER_HOOK
	return HYPERVISOR_CALLBACK_VECTOR;
#else
	return 0;
#endif
}

/* Install (@fn non-NULL) or remove (@fn NULL) the kernel's VMBus hook. */
static inline void hvg_compat_set_vmbus_handler(void (*fn)(void))
{
#if HVG_HAVE_VMBUS_HANDLER_HOOK && KERNEL_VERSION(5, 13, 0) <= HVG_KVER
	if (fn)
		hv_setup_vmbus_handler(fn);
	else
		hv_remove_vmbus_handler();
#elif HVG_HAVE_VMBUS_HANDLER_HOOK
	if (fn)
		hv_setup_vmbus_irq(0, fn);
	else
		hv_remove_vmbus_irq();
#endif
}

/*
 * Indirect branch tracking (X86_FEATURE_IBT, v5.18, "x86/ibt: Base IBT
 * bits"): with it on, an indirect call must land on ENDBR64.
 */
static inline bool hvg_compat_ibt_enabled(void)
{
#ifdef X86_FEATURE_IBT
	return cpu_feature_enabled(X86_FEATURE_IBT);
#else
	return false;
#endif
}

/*
 * hrtimer_setup() replaced hrtimer_init() plus a store to ->function in
 * v6.13 ("hrtimers: Introduce hrtimer_setup() to replace hrtimer_init()");
 * hrtimer_init() was later removed.
 */
static inline void hvg_compat_hrtimer_setup(struct hrtimer *timer,
					    enum hrtimer_restart (*fn)(struct hrtimer *),
					    clockid_t clock,
					    enum hrtimer_mode mode)
{
#if KERNEL_VERSION(6, 13, 0) <= HVG_KVER
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

/*
 * panic_notifier_list (exported on every supported kernel) moved from
 * <linux/kernel.h> to <linux/panic_notifier.h> in v5.14 ("kernel.h: split
 * out panic and oops helpers").
 */
#if KERNEL_VERSION(5, 14, 0) <= HVG_KVER
#include <linux/panic_notifier.h>
#else
#include <linux/kernel.h>
#endif

/*
 * System core operations. suspend/resume (hibernation, suspend to RAM,
 * kexec with preserve_context) run on the boot CPU, the others offline,
 * interrupts off. shutdown (reboot, halt, power off, kexec) runs in process
 * context after device_shutdown(), with the other CPUs still online, in
 * the reverse order of registration. v6.19 ("syscore: Pass context data to
 * callbacks") replaced register_syscore_ops(struct syscore_ops *) with
 * register_syscore(struct syscore *), whose callbacks take a data pointer.
 * hvg_compat_syscore hides the difference: fill the callbacks wanted
 * (NULL for none), then register it.
 */
#include <linux/syscore_ops.h>

#if KERNEL_VERSION(6, 19, 0) <= HVG_KVER
#define HVG_SYSCORE_DATA 1
#else
#define HVG_SYSCORE_DATA 0
#endif

struct hvg_compat_syscore {
	int (*suspend)(void);
	void (*resume)(void);
	void (*shutdown)(void);
	struct syscore_ops ops;
#if HVG_SYSCORE_DATA
	struct syscore core;
#endif
};

#if HVG_SYSCORE_DATA
static inline int hvg_compat_syscore_suspend(void *data)
{
	return ((struct hvg_compat_syscore *)data)->suspend();
}

static inline void hvg_compat_syscore_resume(void *data)
{
	((struct hvg_compat_syscore *)data)->resume();
}

static inline void hvg_compat_syscore_shutdown(void *data)
{
	((struct hvg_compat_syscore *)data)->shutdown();
}
#endif

static inline void hvg_compat_register_syscore(struct hvg_compat_syscore *s)
{
#if HVG_SYSCORE_DATA
	s->ops.suspend = s->suspend ? hvg_compat_syscore_suspend : NULL;
	s->ops.resume = s->resume ? hvg_compat_syscore_resume : NULL;
	s->ops.shutdown = s->shutdown ? hvg_compat_syscore_shutdown : NULL;
	s->core.ops = &s->ops;
	s->core.data = s;
	register_syscore(&s->core);
#else
	s->ops.suspend = s->suspend;
	s->ops.resume = s->resume;
	s->ops.shutdown = s->shutdown;
	register_syscore_ops(&s->ops);
#endif
}

static inline void hvg_compat_unregister_syscore(struct hvg_compat_syscore *s)
{
#if HVG_SYSCORE_DATA
	unregister_syscore(&s->core);
#else
	unregister_syscore_ops(&s->ops);
#endif
}

/*
 * Driver-core signatures of the vmbus bus_type (vmbus/bus.c):
 * bus_type.match takes a const driver from v6.11 ("driver core: make
 * bus_type.match() take a const struct device_driver *"), .uevent a const
 * device from v6.3 ("driver core: make struct bus_type.uevent() take a
 * const *"), and .remove returns void from v5.15 ("bus: Make remove
 * callback return void").
 */
#if KERNEL_VERSION(6, 11, 0) <= HVG_KVER
#define HVG_MATCH_DRV_CONST const
#else
#define HVG_MATCH_DRV_CONST
#endif
#if KERNEL_VERSION(6, 3, 0) <= HVG_KVER
#define HVG_UEVENT_DEV_CONST const
#else
#define HVG_UEVENT_DEV_CONST
#endif
#if KERNEL_VERSION(5, 15, 0) <= HVG_KVER
#define HVG_DEFINE_BUS_REMOVE(name, fn)				\
	static void name(struct device *dev)			\
	{							\
		fn(dev);					\
	}
#else
#define HVG_DEFINE_BUS_REMOVE(name, fn)				\
	static int name(struct device *dev)			\
	{							\
		fn(dev);					\
		return 0;					\
	}
#endif

/*
 * Headers that moved: the panic notifier list left kernel.h for
 * <linux/panic_notifier.h> in v5.14 ("kernel.h: split out panic and oops
 * helpers"); <asm/unaligned.h> became <linux/unaligned.h> in v6.12
 * ("move asm/unaligned.h to linux/unaligned.h").
 */
#if KERNEL_VERSION(5, 14, 0) <= HVG_KVER
#include <linux/panic_notifier.h>
#endif
#if KERNEL_VERSION(6, 12, 0) <= HVG_KVER
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * kmap_local_page() and kunmap_local() arrived in v5.11 ("mm/highmem:
 * Provide kmap_local*"). hvguest is x86-64 only, where there is no
 * highmem and every page has its permanent address, so before 5.11 the
 * mapping is page_address() and unmapping does nothing.
 */
#if KERNEL_VERSION(5, 11, 0) > HVG_KVER
#ifdef CONFIG_HIGHMEM
#error "hvguest supports x86-64 only (no highmem)"
#endif
#include <linux/mm.h>
#define kmap_local_page(page)	page_address(page)
#define kunmap_local(addr)	((void)(addr))
#endif

#endif /* _HVGUEST_COMPAT_H */

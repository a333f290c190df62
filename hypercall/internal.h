/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvg_hypercall internals, shared between the files of the module and the
 * KUnit suite (kunit/hypercall_test.c), which compiles the same files into
 * hvg_kunit.ko and drives them against a fake hypervisor.
 */
#ifndef _HVG_HYPERCALL_INTERNAL_H
#define _HVG_HYPERCALL_INTERNAL_H

#include <linux/types.h>
#include <linux/hrtimer.h>
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <hvguest/compat.h>
#include <hvguest/tlfs.h>
#include <hvguest/hypercall.h>

struct seq_file;

/* ---------------------------------------------------------------------
 * lowlevel.c: the only code that executes CPUID, RDMSR/WRMSR or a hypercall
 */

struct hvg_cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

/* Which hypercall page a call goes through. */
enum hvg_hc_page {
	HVG_HC_PAGE_KERNEL,	/* the kernel's, set up at boot */
	HVG_HC_PAGE_OWN,	/* the page reserved in this module's text */
};

/**
 * struct hvg_ll_ops - low-level platform accessors
 * @get_cpuid: execute CPUID for @leaf (subleaf 0)
 * @read_msr: read an MSR of the current CPU; 0 or -EIO if it faulted
 * @write_msr: write an MSR of the current CPU; 0 or -EIO if it faulted
 * @hypercall: a slow hypercall through @page; @input and @output are kernel
 *	virtual addresses of directly mapped pages (or NULL); returns RAX
 * @hypercall_fast: a fast hypercall, @input in RDX; @control has the fast
 *	bit set; returns RAX
 * @kernel_hv_ready: the kernel set up Hyper-V itself (guest OS id written,
 *	its hypercall page enabled), so HVG_HC_PAGE_KERNEL works
 * @vmbus_vector: the vector that the kernel's VMBus hook serves, or 0 when
 *	no such hook can be used here
 * @set_vmbus_handler: install @fn in the kernel's hook, or remove it (NULL)
 * @own_page_usable: the enabled own hypercall page can be called here (with
 *	indirect branch tracking on, it must start with ENDBR64)
 *
 * The real table (hvg_ll_real) is the default; the KUnit suite points
 * hvg_ll at a fake TLFS model.
 */
struct hvg_ll_ops {
	void (*get_cpuid)(u32 leaf, struct hvg_cpuid_regs *regs);
	int (*read_msr)(u32 msr, u64 *val);
	int (*write_msr)(u32 msr, u64 val);
	u64 (*hypercall)(enum hvg_hc_page page, u64 control, void *input,
			 void *output);
	u64 (*hypercall_fast)(enum hvg_hc_page page, u64 control, u64 input);
	bool (*kernel_hv_ready)(void);
	u8 (*vmbus_vector)(void);
	void (*set_vmbus_handler)(void (*fn)(void));
	bool (*own_page_usable)(void);
};

extern const struct hvg_ll_ops hvg_ll_real;
/* Set once before any use (module init, or a test's init); never NULL. */
extern const struct hvg_ll_ops *hvg_ll;

/* The page reserved in this module's text (an asm label in lowlevel.c). */
extern const u8 hvg_ll_hypercall_page[];

/* Physical frame of the page-aligned page reserved in this module's text. */
unsigned long hvg_ll_own_page_pfn(void);

/* ---------------------------------------------------------------------
 * detect.c: CPUID decoding
 */

/* Room for a reason that names every missing privilege. */
#define HVG_REASON_LEN		320

/**
 * struct hvg_hv_info - what CPUID says about the hypervisor
 *
 * Filled once by hvg_hv_detect() before anything else runs; read-only
 * afterwards, so it needs no lock.
 */
struct hvg_hv_info {
	bool hypervisor;	/* CPUID.1:ECX[31] */
	char vendor[13];	/* leaf 0x40000000, printable copy */
	u32 max_leaf;
	u32 interface;		/* leaf 0x40000001 EAX */
	u32 build;		/* leaf 0x40000002 */
	u16 major, minor;
	u32 service_pack;
	u32 priv_lo;		/* leaf 0x40000003 EAX */
	u32 priv_hi;		/* leaf 0x40000003 EBX */
	u32 features;		/* leaf 0x40000003 EDX */
	u32 hints;		/* leaf 0x40000004 EAX */
	u32 max_vps, max_lps;	/* leaf 0x40000005 */
	u32 isolation_type;	/* leaf 0x4000000C EBX[3:0], if reported */

	/* 0: usable; -ENODEV: not Hyper-V; -EOPNOTSUPP: unusable Hyper-V */
	int status;
	char reason[HVG_REASON_LEN];	/* why status is not 0 */
};

int hvg_hv_detect(struct hvg_hv_info *info);
void hvg_hv_info_log(const struct hvg_hv_info *info);
void hvg_hv_info_show(struct seq_file *m, const struct hvg_hv_info *info);

/* ---------------------------------------------------------------------
 * hyperv.c and synic.c: the real backend
 */

/* How a VMBus SINT reaches the handler on the real Hyper-V. */
enum hvg_irq_mode {
	HVG_IRQ_VECTOR,		/* the kernel's HYPERVISOR_CALLBACK_VECTOR hook */
	HVG_IRQ_POLLING,	/* SINT polling bit, per-CPU hrtimer */
};

/* Bounded backoff of HvPostMessage when the hypervisor is short. */
#define HVG_POST_RETRIES		10
#define HVG_POST_BACKOFF_MAX_US		64000

/* Status slots for counting and logging; the last one is "other". */
#define HVG_STATUS_SLOTS		32

/* The four SynIC registers of a CPU, in the order they are enabled. */
enum hvg_synic_reg {
	HVG_SYNIC_SIMP,
	HVG_SYNIC_SIEFP,
	HVG_SYNIC_SINT,
	HVG_SYNIC_SCONTROL,
	HVG_SYNIC_REGS
};

/*
 * How a CPU's SynIC is taken down: put back the values found (offline,
 * unload), or switch it off (reboot, kexec, crash, suspend: the message and
 * event pages are disabled and SINT 2 masked, whatever was found). Either
 * way only a register that still holds the value this module wrote is
 * touched; another owner's value is left and logged.
 */
enum hvg_synic_down {
	HVG_SYNIC_RESTORE,
	HVG_SYNIC_DISABLE,
};

/**
 * struct hvg_hv_cpu - per-CPU state of the real backend
 *
 * The pages are allocated for every possible CPU before the cpuhp state is
 * installed and freed after it is removed. saved[] (the values found),
 * ours[] (the values written), vp_index and synic_on are written only on
 * this CPU: by its hotplug callbacks, which cpuhp serialises, or by the
 * reboot, crash and syscore paths, which run when those callbacks cannot
 * (hotplug lock held, other CPUs stopped or offline). vp_index and synic_on
 * are read from any CPU (READ_ONCE). poll_timer is armed and cancelled
 * under the CPU hotplug lock (see synic.c).
 */
struct hvg_hv_cpu {
	struct hvg_post_message_input *input;	/* HvPostMessage input page */
	struct hvg_synic_message_page *simp;
	struct hvg_synic_event_page *siefp;
	u32 vp_index;
	bool synic_on;
	u64 saved[HVG_SYNIC_REGS];
	u64 ours[HVG_SYNIC_REGS];
	struct hrtimer poll_timer;
};

/**
 * struct hvg_hyperv - the real Hyper-V backend (one instance)
 *
 * Everything above @lock is set by hvg_hyperv_init() and read-only until
 * hvg_hyperv_exit(), except @hc_on and @suspended, which the reboot, crash
 * and syscore paths change while no hypercall can run (see hyperv.c).
 *
 * @lock serialises register/unregister of the handler and of the offline
 * check, and guards @handler_set and @polling. @handler and @handler_ctx
 * are read locklessly from interrupt context: @handler_ctx is written
 * before @handler is published (release/acquire), and unregistering clears
 * @handler and then waits for an RCU grace period, which covers every
 * interrupts-off caller. @offline_check and @offline_ctx are written with
 * @lock and the CPU hotplug lock (read) held, and read by the cpuhp
 * teardown callback, which runs with the hotplug lock held for writing.
 * @shutdown is set once (reboot, kexec, crash) and read locklessly: see
 * hvg_hyperv_shutdown(). The counters are atomics.
 */
struct hvg_hyperv {
	struct hvg_hv_backend backend;
	const struct hvg_hv_info *info;
	struct hvg_hv_cpu __percpu *cpu;
	enum hvg_hc_page hc_page;
	bool own_hypercall_page;
	bool hc_on;			/* own page currently enabled */
	u64 saved_guest_os_id, saved_hypercall;
	u64 ours_guest_os_id, ours_hypercall;
	enum hvg_irq_mode irq_mode;
	u8 vector;
	int cpuhp_state;
	struct notifier_block panic_nb;
	struct hvg_compat_syscore syscore;
	bool suspended;			/* boot CPU only, interrupts off */

	struct mutex lock;		/* handler registration, see above */
	bool handler_set;
	bool polling;
	hvg_hv_handler_t handler;
	void *handler_ctx;
	hvg_hv_offline_check_t offline_check;
	void *offline_ctx;
	bool shutdown;

	atomic_t post_status[HVG_STATUS_SLOTS];
	atomic_t signal_status[HVG_STATUS_SLOTS];
	atomic_t post_retries;
	atomic_t polls;
	atomic_t dispatches;
	atomic_t offline_refused;
	atomic_t foreign;		/* registers left to another owner */
	unsigned long logged[BITS_TO_LONGS(2 * HVG_STATUS_SLOTS)];
};

extern struct hvg_hyperv hvg_hyperv;

/* The real backend that an op was handed. */
static inline struct hvg_hyperv *hvg_hyperv_of(struct hvg_hv_backend *hv)
{
	return container_of(hv, struct hvg_hyperv, backend);
}

/* Polling period in ns (module parameter poll_interval_us). */
extern u64 hvg_hyperv_poll_ns;
/* First HvPostMessage backoff step in microseconds. */
extern unsigned int hvg_post_backoff_min_us;

int hvg_hyperv_init(const struct hvg_hv_info *info);
void hvg_hyperv_exit(void);
void hvg_hyperv_stats_show(struct seq_file *m);

/* Lifecycle entry points (also what the notifiers and syscore ops call). */
void hvg_hyperv_shutdown(void);
void hvg_hyperv_crash_shutdown(void);
int hvg_hyperv_suspend(void);
void hvg_hyperv_resume(void);

/* synic.c */
int hvg_synic_cpu_online(unsigned int cpu);
int hvg_synic_cpu_offline(unsigned int cpu);
int hvg_synic_cpu_up(struct hvg_hv_cpu *c);
void hvg_synic_cpu_down(struct hvg_hv_cpu *c, enum hvg_synic_down how);
void hvg_synic_eom(struct hvg_hv_backend *hv);
int hvg_synic_register_handler(struct hvg_hv_backend *hv,
			       hvg_hv_handler_t handler, void *ctx);
void hvg_synic_unregister_handler(struct hvg_hv_backend *hv);
int hvg_synic_set_offline_check(struct hvg_hv_backend *hv,
				hvg_hv_offline_check_t check, void *ctx);
void hvg_synic_clear_offline_check(void);
void hvg_synic_dispatch(void);
enum hrtimer_restart hvg_synic_poll(struct hrtimer *timer);

/* ---------------------------------------------------------------------
 * adapter.c: backend registry and selection
 */
enum hvg_hv_mode {
	HVG_MODE_AUTO,
	HVG_MODE_HYPERV,
	HVG_MODE_LOOPBACK,
};

extern enum hvg_hv_mode hvg_hv_mode;

const char *hvg_hv_mode_name(enum hvg_hv_mode mode);
int hvg_hv_mode_parse(const char *s, enum hvg_hv_mode *mode);
int hvg_hv_set_real_backend(struct hvg_hv_backend *hv);
unsigned int hvg_hv_users(const struct hvg_hv_backend *hv);
void hvg_hv_clear_real_backend(void);
void hvg_hv_set_real_unavailable(const char *why);
void hvg_hv_registry_show(struct seq_file *m);

#endif /* _HVG_HYPERCALL_INTERNAL_H */

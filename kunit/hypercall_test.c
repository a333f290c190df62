// SPDX-License-Identifier: GPL-2.0
/*
 * The hypercall adapter against a fake hypervisor.
 *
 * The fake is a small model of the TLFS behind the low-level accessor table
 * (hypercall/internal.h): CPUID values, a per-CPU MSR file with the
 * partition-wide MSRs shared, an ordered log of every MSR write, and a
 * hypercall recorder that returns scripted status codes. The real backend
 * (hypercall/hyperv.c, synic.c) runs unchanged on top of it, including its
 * real cpuhp state, so the suites check what it wrote, in which order and
 * on which CPU, and that teardown puts every MSR back.
 *
 * This verifies the adapter against the model of the ABI, not against a
 * real Hyper-V host.
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <hvguest/compat.h>

#include "../hypercall/internal.h"

/* CPUs the model has registers for; set-up refuses a larger machine. */
#define FAKE_CPUS	64
#define FAKE_LOG	256
#define FAKE_CALLS	64
#define FAKE_SCRIPT	32

/* The MSRs the model knows; any other access faults, like a #GP. */
static const u32 fake_msrs[] = {
	HVG_MSR_GUEST_OS_ID, HVG_MSR_HYPERCALL, HVG_MSR_VP_INDEX,
	HVG_MSR_SCONTROL, HVG_MSR_SIEFP, HVG_MSR_SIMP, HVG_MSR_EOM,
	HVG_MSR_SINT(HVG_VMBUS_SINT),
};

#define FAKE_NMSR	ARRAY_SIZE(fake_msrs)

/* One MSR write, as logged; the log is guarded by fake.lock. */
struct fake_write {
	unsigned int cpu;
	u32 msr;
	u64 val;
};

/* One recorded hypercall; the recorder is guarded by fake.lock. */
struct fake_call {
	u64 control;
	enum hvg_hc_page page;
	bool irqs_off;
	bool aligned;
	u64 fast_input;
	struct hvg_post_message_input in;
};

/*
 * The model. lock guards the MSR file, the write log, the recorder and the
 * script: accessors run in process, hotplug-thread and interrupt context.
 * The CPUID values and the flags are set by a test before it runs code.
 */
static struct {
	spinlock_t lock;		/* see above */
	struct hvg_cpuid_regs leaf1;
	struct hvg_cpuid_regs hv[16];	/* leaves 0x40000000.. */
	u64 msr[FAKE_CPUS][FAKE_NMSR];
	struct fake_write log[FAKE_LOG];
	unsigned int nlog;
	struct fake_call calls[FAKE_CALLS];
	unsigned int ncalls;
	u16 script[FAKE_SCRIPT];
	unsigned int nscript, script_pos;
	unsigned int eoms;
	bool log_lost;			/* a write did not fit in the log */
	u32 fault_msr;			/* writes to it fault; 0 = none */
	unsigned int fault_cpu;
	unsigned int outside_model;	/* accesses from CPUs >= FAKE_CPUS */
	unsigned int dead_page_calls;	/* calls through a disabled page */
	bool kernel_ready;
	bool page_usable;		/* what own_page_usable() answers */
	u8 vector;
	void (*hook)(void);
} fake;

static int fake_msr_index(u32 msr)
{
	unsigned int i;

	for (i = 0; i < FAKE_NMSR; i++)
		if (fake_msrs[i] == msr)
			return i;
	return -1;
}

/* GUEST_OS_ID and HYPERCALL are partition-wide: kept in CPU 0's slot. */
static bool fake_partition_wide(u32 msr)
{
	return msr == HVG_MSR_GUEST_OS_ID || msr == HVG_MSR_HYPERCALL;
}

/*
 * The row of the MSR file for an access from this CPU, or -1 for a CPU the
 * model has no registers for (the access faults and is counted, so that a
 * larger machine fails the tests instead of writing past the array).
 */
static int fake_slot_cpu(u32 msr)
{
	unsigned int cpu = raw_smp_processor_id();

	if (fake_partition_wide(msr))
		return 0;
	if (cpu >= FAKE_CPUS) {
		fake.outside_model++;
		return -1;
	}
	return cpu;
}

static void fake_cpuid(u32 leaf, struct hvg_cpuid_regs *r)
{
	memset(r, 0, sizeof(*r));
	if (leaf == 1)
		*r = fake.leaf1;
	else if (leaf >= 0x40000000 && leaf < 0x40000000 + ARRAY_SIZE(fake.hv))
		*r = fake.hv[leaf - 0x40000000];
}

static int fake_rdmsr(u32 msr, u64 *val)
{
	int i = fake_msr_index(msr);
	unsigned long flags;

	int row;

	if (i < 0 || msr == HVG_MSR_EOM)
		return -EIO;
	spin_lock_irqsave(&fake.lock, flags);
	row = fake_slot_cpu(msr);
	if (row >= 0)
		*val = fake.msr[row][i];
	spin_unlock_irqrestore(&fake.lock, flags);
	return row < 0 ? -EIO : 0;
}

static int fake_wrmsr(u32 msr, u64 val)
{
	int i = fake_msr_index(msr);
	unsigned int cpu = raw_smp_processor_id();
	unsigned long flags;
	int row;

	if (i < 0 || msr == HVG_MSR_VP_INDEX)
		return -EIO;
	if (fake.fault_msr == msr && fake.fault_cpu == cpu)
		return -EIO;
	spin_lock_irqsave(&fake.lock, flags);
	row = fake_slot_cpu(msr);
	if (row < 0) {
		spin_unlock_irqrestore(&fake.lock, flags);
		return -EIO;
	}
	if (msr == HVG_MSR_EOM)
		fake.eoms++;
	else
		fake.msr[row][i] = val;
	if (fake.nlog < FAKE_LOG)
		fake.log[fake.nlog++] = (struct fake_write){ cpu, msr, val };
	else
		fake.log_lost = true;
	spin_unlock_irqrestore(&fake.lock, flags);
	return 0;
}

/*
 * A call through the own page while the HYPERCALL MSR is disabled would
 * execute UD2 on real hardware: count it. Called with fake.lock held.
 */
static void fake_check_page(enum hvg_hc_page page)
{
	if (page == HVG_HC_PAGE_OWN &&
	    !(fake.msr[0][fake_msr_index(HVG_MSR_HYPERCALL)] &
	      HVG_MSR_PAGE_ENABLE))
		fake.dead_page_calls++;
}

static u16 fake_next_status(void)
{
	if (fake.script_pos < fake.nscript)
		return fake.script[fake.script_pos++];
	return HVG_STATUS_SUCCESS;
}

static u64 fake_hypercall(enum hvg_hc_page page, u64 control, void *input,
			  void *output)
{
	struct fake_call *c = NULL;
	unsigned long flags;
	u16 status;

	spin_lock_irqsave(&fake.lock, flags);
	fake_check_page(page);
	if (fake.ncalls < FAKE_CALLS)
		c = &fake.calls[fake.ncalls++];
	if (c) {
		c->control = control;
		c->page = page;
		c->irqs_off = irqs_disabled_flags(flags);
		c->aligned = input && IS_ALIGNED(virt_to_phys(input), 8);
		if (input)
			memcpy(&c->in, input, sizeof(c->in));
	}
	status = fake_next_status();
	spin_unlock_irqrestore(&fake.lock, flags);
	/* Reps completed and reserved bits set: only bits 15:0 are status. */
	return (0xabcULL << 32) | status;
}

static u64 fake_hypercall_fast(enum hvg_hc_page page, u64 control, u64 input)
{
	struct fake_call *c = NULL;
	unsigned long flags;
	u16 status;

	spin_lock_irqsave(&fake.lock, flags);
	fake_check_page(page);
	if (fake.ncalls < FAKE_CALLS)
		c = &fake.calls[fake.ncalls++];
	if (c) {
		c->control = control;
		c->page = page;
		c->fast_input = input;
	}
	status = fake_next_status();
	spin_unlock_irqrestore(&fake.lock, flags);
	return status;
}

static bool fake_kernel_hv_ready(void)
{
	return fake.kernel_ready;
}

static u8 fake_vmbus_vector(void)
{
	return fake.vector;
}

static void fake_set_vmbus_handler(void (*fn)(void))
{
	WRITE_ONCE(fake.hook, fn);
}

/* With IBT on, the real check looks for ENDBR64 in the overlaid page. */
static bool fake_own_page_usable(void)
{
	return fake.page_usable;
}

static const struct hvg_ll_ops fake_ops = {
	.get_cpuid = fake_cpuid,
	.read_msr = fake_rdmsr,
	.write_msr = fake_wrmsr,
	.hypercall = fake_hypercall,
	.hypercall_fast = fake_hypercall_fast,
	.kernel_hv_ready = fake_kernel_hv_ready,
	.vmbus_vector = fake_vmbus_vector,
	.set_vmbus_handler = fake_set_vmbus_handler,
	.own_page_usable = fake_own_page_usable,
};

static void fake_set_vendor(const char *v)
{
	memcpy(&fake.hv[0].ebx, v, 4);
	memcpy(&fake.hv[0].ecx, v + 4, 4);
	memcpy(&fake.hv[0].edx, v + 8, 4);
}

/* A complete Hyper-V: everything VMBus needs, nothing isolated. */
static void fake_reset(void)
{
	unsigned int cpu;

	memset(&fake, 0, sizeof(fake));
	spin_lock_init(&fake.lock);
	fake.leaf1.ecx = HVG_CPUID_FEATURES_ECX_HYPERVISOR;
	fake.hv[0].eax = 0x4000000a;
	fake_set_vendor("Microsoft Hv");
	fake.hv[1].eax = HVG_CPUID_INTERFACE_HV1;
	fake.hv[2].eax = 20348;
	fake.hv[2].ebx = (10 << 16) | 0;
	fake.hv[3].eax = HVG_PRIV_VP_RUNTIME | HVG_PRIV_TIME_REF_COUNT |
			 HVG_PRIV_SYNIC | HVG_PRIV_SYNTIMER |
			 HVG_PRIV_HYPERCALL | HVG_PRIV_VP_INDEX;
	fake.hv[3].ebx = HVG_PRIV_HI_POST_MESSAGES | HVG_PRIV_HI_SIGNAL_EVENTS;
	fake.hv[5].eax = 240;
	fake.hv[5].ebx = 64;
	for (cpu = 0; cpu < FAKE_CPUS; cpu++) {
		/* Reset state, with reserved bits set to see they survive. */
		fake.msr[cpu][fake_msr_index(HVG_MSR_VP_INDEX)] = 100 + cpu;
		fake.msr[cpu][fake_msr_index(HVG_MSR_SIMP)] = 0x100;
		fake.msr[cpu][fake_msr_index(HVG_MSR_SIEFP)] = 0x200;
		fake.msr[cpu][fake_msr_index(HVG_MSR_SINT(HVG_VMBUS_SINT))] =
			HVG_SINT_MASKED;
		fake.msr[cpu][fake_msr_index(HVG_MSR_SCONTROL)] = 0;
	}
	fake.msr[0][fake_msr_index(HVG_MSR_HYPERCALL)] = 0x4;
	fake.page_usable = true;
}

static void fake_clear_log(void)
{
	unsigned long flags;

	spin_lock_irqsave(&fake.lock, flags);
	fake.nlog = 0;
	fake.log_lost = false;
	fake.ncalls = 0;
	spin_unlock_irqrestore(&fake.lock, flags);
}

/*
 * Index of the first write of @msr on @cpu in the log, or -1. A log that
 * overflowed cannot prove that a write did not happen: that fails the test.
 */
static int fake_find(struct kunit *test, unsigned int cpu, u32 msr, u64 *val)
{
	unsigned int i;

	KUNIT_EXPECT_FALSE_MSG(test, fake.log_lost,
			       "MSR write log overflowed (%u entries)", FAKE_LOG);
	for (i = 0; i < fake.nlog; i++) {
		if (fake.log[i].msr != msr)
			continue;
		if (fake.log[i].cpu != cpu && !fake_partition_wide(msr))
			continue;
		if (val)
			*val = fake.log[i].val;
		return i;
	}
	return -1;
}

static void fake_script(const u16 *statuses, unsigned int n)
{
	memcpy(fake.script, statuses, n * sizeof(*statuses));
	fake.nscript = n;
	fake.script_pos = 0;
}

/* A VMBus channel message: the channel message type in the first u32. */
static void chmsg(u32 *msg, unsigned int words, u32 type)
{
	memset(msg, 0, words * sizeof(*msg));
	msg[0] = type;
}

static int hvg_fake_init(struct kunit *test)
{
	if (nr_cpu_ids > FAKE_CPUS) {
		kunit_err(test, "the fake TLFS models %u CPUs, this machine has %u\n",
			  FAKE_CPUS, nr_cpu_ids);
		return -E2BIG;
	}
	fake_reset();
	hvg_ll = &fake_ops;
	hvg_hv_mode = HVG_MODE_AUTO;
	hvg_post_backoff_min_us = 10;
	return 0;
}

static void hvg_fake_exit(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, fake.outside_model, 0U);
	KUNIT_EXPECT_EQ(test, fake.dead_page_calls, 0U);
	/* A case that stopped half-way leaves the backend set up. */
	if (hvg_hyperv.cpu) {
		hvg_synic_unregister_handler(&hvg_hyperv.backend);
		hvg_hyperv_exit();
	}
	hvg_ll = &hvg_ll_real;
	hvg_hv_mode = HVG_MODE_AUTO;
}

/* ---------------------------------------------------------------------
 * Detection
 */

static struct hvg_hv_info test_info;

static void detect_accepts_complete_hyperv(struct kunit *test)
{
	fake.hv[4].eax = HVG_HINT_DEPRECATING_AEOI;
	KUNIT_ASSERT_EQ(test, hvg_hv_detect(&test_info), 0);
	KUNIT_EXPECT_TRUE(test, test_info.hypervisor);
	KUNIT_EXPECT_STREQ(test, test_info.vendor, "Microsoft Hv");
	KUNIT_EXPECT_EQ(test, test_info.max_leaf, 0x4000000aU);
	KUNIT_EXPECT_EQ(test, test_info.major, 10);
	KUNIT_EXPECT_EQ(test, test_info.build, 20348U);
	KUNIT_EXPECT_EQ(test, test_info.hints, HVG_HINT_DEPRECATING_AEOI);
	KUNIT_EXPECT_EQ(test, test_info.max_vps, 240U);
	KUNIT_EXPECT_EQ(test, test_info.priv_hi,
			(u32)(HVG_PRIV_HI_POST_MESSAGES |
			      HVG_PRIV_HI_SIGNAL_EVENTS));
}

static void detect_refuses_no_hypervisor(struct kunit *test)
{
	fake.leaf1.ecx = 0;
	KUNIT_EXPECT_EQ(test, hvg_hv_detect(&test_info), -ENODEV);
	KUNIT_EXPECT_NOT_NULL(test, strstr(test_info.reason, "no hypervisor"));
}

static void detect_refuses_other_vendor(struct kunit *test)
{
	fake_set_vendor("KVMKVMKVM\0\0\0");
	KUNIT_EXPECT_EQ(test, hvg_hv_detect(&test_info), -ENODEV);
	KUNIT_EXPECT_NOT_NULL(test, strstr(test_info.reason, "KVMKVMKVM..."));
	KUNIT_EXPECT_NOT_NULL(test, strstr(test_info.reason,
					   "not \"Microsoft Hv\""));
}

static void detect_refuses_low_max_leaf(struct kunit *test)
{
	fake.hv[0].eax = 0x40000004;
	KUNIT_EXPECT_EQ(test, hvg_hv_detect(&test_info), -ENODEV);
	KUNIT_EXPECT_NOT_NULL(test, strstr(test_info.reason,
					   "0x40000004 is below 0x40000005"));
}

static void detect_accepts_max_leaf_5(struct kunit *test)
{
	fake.hv[0].eax = 0x40000005;
	KUNIT_EXPECT_EQ(test, hvg_hv_detect(&test_info), 0);
}

static void detect_refuses_other_interface(struct kunit *test)
{
	fake.hv[1].eax = 0x31235356; /* "VS#1" */
	KUNIT_EXPECT_EQ(test, hvg_hv_detect(&test_info), -ENODEV);
	KUNIT_EXPECT_NOT_NULL(test, strstr(test_info.reason, "not \"Hv#1\""));
}

struct missing_case {
	bool high;
	u32 bit;
	const char *message;
};

static const struct missing_case missing_cases[] = {
	{ false, HVG_PRIV_HYPERCALL, "hypercall MSRs (CPUID 0x40000003 EAX bit 5)" },
	{ false, HVG_PRIV_VP_INDEX, "VP index MSR (CPUID 0x40000003 EAX bit 6)" },
	{ false, HVG_PRIV_SYNIC, "SynIC MSRs (CPUID 0x40000003 EAX bit 2)" },
	{ true, HVG_PRIV_HI_POST_MESSAGES, "PostMessage hypercall (CPUID 0x40000003 EBX bit 4)" },
	{ true, HVG_PRIV_HI_SIGNAL_EVENTS, "SignalEvent hypercall (CPUID 0x40000003 EBX bit 5)" },
};

/*
 * One case per table row would be KUNIT_CASE_PARAM, but the 6.1 debugfs
 * results lose parameterised subtests; the loop names the row instead.
 */
static void detect_refuses_each_missing_privilege(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(missing_cases); i++) {
		const struct missing_case *c = &missing_cases[i];

		fake_reset();
		if (c->high)
			fake.hv[3].ebx &= ~c->bit;
		else
			fake.hv[3].eax &= ~c->bit;
		KUNIT_EXPECT_EQ_MSG(test, hvg_hv_detect(&test_info),
				    -EOPNOTSUPP, "%s", c->message);
		KUNIT_EXPECT_NOT_NULL_MSG(test,
					  strstr(test_info.reason,
						 "missing required privilege: "),
					  "%s", c->message);
		KUNIT_EXPECT_NOT_NULL_MSG(test,
					  strstr(test_info.reason, c->message),
					  "reason: %s", test_info.reason);
	}
}

static void detect_names_every_missing_privilege(struct kunit *test)
{
	fake.hv[3].eax = 0;
	fake.hv[3].ebx = 0;
	KUNIT_EXPECT_EQ(test, hvg_hv_detect(&test_info), -EOPNOTSUPP);
	KUNIT_EXPECT_NOT_NULL(test, strstr(test_info.reason, "hypercall MSRs"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(test_info.reason, "SignalEvent"));
}

static void detect_refuses_isolated_vm(struct kunit *test)
{
	fake.hv[0].eax = 0x4000000c;
	fake.hv[3].ebx |= HVG_PRIV_HI_ISOLATION;
	fake.hv[12].ebx = 2;	/* SNP */
	KUNIT_EXPECT_EQ(test, hvg_hv_detect(&test_info), -EOPNOTSUPP);
	KUNIT_EXPECT_NOT_NULL(test, strstr(test_info.reason, "isolated"));
}

static struct kunit_case detect_cases[] = {
	KUNIT_CASE(detect_accepts_complete_hyperv),
	KUNIT_CASE(detect_refuses_no_hypervisor),
	KUNIT_CASE(detect_refuses_other_vendor),
	KUNIT_CASE(detect_refuses_low_max_leaf),
	KUNIT_CASE(detect_accepts_max_leaf_5),
	KUNIT_CASE(detect_refuses_other_interface),
	KUNIT_CASE(detect_refuses_each_missing_privilege),
	KUNIT_CASE(detect_names_every_missing_privilege),
	KUNIT_CASE(detect_refuses_isolated_vm),
	{}
};

static struct kunit_suite hvg_hypercall_detect_suite = {
	.name = "hvg_hypercall_detect",
	.init = hvg_fake_init,
	.exit = hvg_fake_exit,
	.test_cases = detect_cases,
};

/* ---------------------------------------------------------------------
 * The real backend: set-up order, teardown, SynIC, interrupt, EOM
 */

static u64 snapshot[FAKE_CPUS][FAKE_NMSR];

static void take_snapshot(void)
{
	memcpy(snapshot, fake.msr, sizeof(snapshot));
}

static void expect_msrs_as_found(struct kunit *test)
{
	unsigned int cpu, i;

	for (cpu = 0; cpu < FAKE_CPUS; cpu++)
		for (i = 0; i < FAKE_NMSR; i++)
			KUNIT_EXPECT_EQ_MSG(test, fake.msr[cpu][i],
					    snapshot[cpu][i],
					    "cpu %u msr %#x", cpu, fake_msrs[i]);
}

static int start_backend(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, hvg_hv_detect(&test_info), 0);
	take_snapshot();
	fake_clear_log();
	return hvg_hyperv_init(&test_info);
}

/* SynIC set-up on @cpu as the log shows it: order and values. */
static void expect_synic_on(struct kunit *test, unsigned int cpu)
{
	struct hvg_hv_cpu *c = per_cpu_ptr(hvg_hyperv.cpu, cpu);
	u64 simp, siefp, sint, sctl;
	int i_simp, i_siefp, i_sint, i_sctl;

	i_simp = fake_find(test, cpu, HVG_MSR_SIMP, &simp);
	i_siefp = fake_find(test, cpu, HVG_MSR_SIEFP, &siefp);
	i_sint = fake_find(test, cpu, HVG_MSR_SINT(HVG_VMBUS_SINT), &sint);
	i_sctl = fake_find(test, cpu, HVG_MSR_SCONTROL, &sctl);
	KUNIT_ASSERT_GE_MSG(test, i_simp, 0, "cpu %u", cpu);
	KUNIT_ASSERT_GE(test, i_siefp, 0);
	KUNIT_ASSERT_GE(test, i_sint, 0);
	KUNIT_ASSERT_GE(test, i_sctl, 0);

	/* SIMP and SIEFP enabled, page aligned, before SINT2 is unmasked. */
	KUNIT_EXPECT_LT(test, i_simp, i_sint);
	KUNIT_EXPECT_LT(test, i_siefp, i_sint);
	KUNIT_EXPECT_TRUE(test, simp & HVG_MSR_PAGE_ENABLE);
	KUNIT_EXPECT_TRUE(test, siefp & HVG_MSR_PAGE_ENABLE);
	KUNIT_EXPECT_EQ(test, simp & HVG_MSR_PAGE_PFN_MASK,
			(u64)virt_to_phys(c->simp));
	KUNIT_EXPECT_EQ(test, siefp & HVG_MSR_PAGE_PFN_MASK,
			(u64)virt_to_phys(c->siefp));
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(virt_to_phys(c->simp), PAGE_SIZE));
	/* Reserved bits preserved. */
	KUNIT_EXPECT_EQ(test, simp & HVG_MSR_PAGE_RESERVED, 0x100ULL);
	KUNIT_EXPECT_EQ(test, siefp & HVG_MSR_PAGE_RESERVED, 0x200ULL);
	KUNIT_EXPECT_FALSE(test, sint & HVG_SINT_MASKED);
	KUNIT_EXPECT_GE(test, sint & HVG_SINT_VECTOR_MASK,
			(u64)HVG_SINT_VECTOR_MIN);
	/* SCONTROL enabled, last. */
	KUNIT_EXPECT_TRUE(test, sctl & HVG_SCONTROL_ENABLE);
	KUNIT_EXPECT_GT(test, i_sctl, i_sint);
	KUNIT_EXPECT_EQ(test, hvg_hyperv.backend.ops->vp_index(&hvg_hyperv.backend, cpu),
			100 + cpu);
	KUNIT_EXPECT_TRUE(test, c->synic_on);
}

static void init_order_own_page(struct kunit *test)
{
	u64 gos, hc;
	int i_gos, i_hc;
	unsigned int cpu;

	KUNIT_ASSERT_EQ(test, start_backend(test), 0);

	i_gos = fake_find(test, 0, HVG_MSR_GUEST_OS_ID, &gos);
	i_hc = fake_find(test, 0, HVG_MSR_HYPERCALL, &hc);
	KUNIT_ASSERT_GE(test, i_gos, 0);
	KUNIT_ASSERT_GE(test, i_hc, 0);
	KUNIT_EXPECT_LT(test, i_gos, i_hc);
	KUNIT_EXPECT_EQ(test, gos, (0x8100ULL << 48) |
			((u64)HVG_KVER << 16));
	KUNIT_EXPECT_TRUE(test, hc & HVG_MSR_PAGE_ENABLE);
	/* Page-aligned GPA; reserved bits (bit 2 here) preserved. */
	KUNIT_EXPECT_EQ(test, hc & ~HVG_MSR_PAGE_PFN_MASK, 0x5ULL);
	KUNIT_EXPECT_EQ(test, hc >> HVG_MSR_PAGE_PFN_SHIFT,
			(u64)hvg_ll_own_page_pfn());
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)hvg_ll_hypercall_page,
					   PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, hvg_hyperv.hc_page, HVG_HC_PAGE_OWN);

	for_each_online_cpu(cpu)
		expect_synic_on(test, cpu);

	hvg_hyperv_exit();
	expect_msrs_as_found(test);
}

static void init_reuses_kernel_page(struct kunit *test)
{
	fake.kernel_ready = true;
	KUNIT_ASSERT_EQ(test, start_backend(test), 0);
	KUNIT_EXPECT_LT(test, fake_find(test, 0, HVG_MSR_GUEST_OS_ID, NULL), 0);
	KUNIT_EXPECT_LT(test, fake_find(test, 0, HVG_MSR_HYPERCALL, NULL), 0);
	KUNIT_EXPECT_EQ(test, hvg_hyperv.hc_page, HVG_HC_PAGE_KERNEL);
	KUNIT_EXPECT_EQ(test, hvg_hv_signal_event(&hvg_hyperv.backend, 2), 0);
	KUNIT_EXPECT_EQ(test, fake.calls[0].page, HVG_HC_PAGE_KERNEL);
	hvg_hyperv_exit();
	expect_msrs_as_found(test);
}

static long run_offline(void *arg)
{
	return hvg_synic_cpu_offline((unsigned long)arg);
}

static long run_online(void *arg)
{
	return hvg_synic_cpu_online((unsigned long)arg);
}

/* What cpuhp does for a CPU that goes away and one that comes later. */
static void init_cpu_online_later(struct kunit *test)
{
	unsigned int cpu = cpumask_last(cpu_online_mask);
	unsigned int i;

	KUNIT_ASSERT_EQ(test, start_backend(test), 0);

	KUNIT_EXPECT_EQ(test, work_on_cpu(cpu, run_offline,
					  (void *)(unsigned long)cpu), 0);
	/* The CPU's own MSRs are back; the partition's stay set up. */
	for (i = 0; i < FAKE_NMSR; i++)
		if (!fake_partition_wide(fake_msrs[i]))
			KUNIT_EXPECT_EQ(test, fake.msr[cpu][i],
					snapshot[cpu][i]);
	KUNIT_EXPECT_FALSE(test, per_cpu_ptr(hvg_hyperv.cpu, cpu)->synic_on);

	fake_clear_log();
	KUNIT_EXPECT_EQ(test, work_on_cpu(cpu, run_online,
					  (void *)(unsigned long)cpu), 0);
	expect_synic_on(test, cpu);

	hvg_hyperv_exit();
	expect_msrs_as_found(test);
}

static void init_refuses_busy_synic(struct kunit *test)
{
	unsigned int cpu;

	/* The in-kernel hv_vmbus got there first. */
	for (cpu = 0; cpu < FAKE_CPUS; cpu++)
		fake.msr[cpu][fake_msr_index(HVG_MSR_SINT(HVG_VMBUS_SINT))] =
			HVG_SINT_AUTO_EOI | 0xf3;
	KUNIT_EXPECT_EQ(test, start_backend(test), -EBUSY);
	KUNIT_EXPECT_EQ(test, fake.nlog, 0U);
	expect_msrs_as_found(test);
}

static void init_refuses_foreign_hypercall_page(struct kunit *test)
{
	fake.msr[0][fake_msr_index(HVG_MSR_HYPERCALL)] = 0x1234000 |
							  HVG_MSR_PAGE_ENABLE;
	KUNIT_EXPECT_EQ(test, start_backend(test), -EBUSY);
	KUNIT_EXPECT_EQ(test, fake.nlog, 0U);
	expect_msrs_as_found(test);
}

/* IBT on and no ENDBR64 at the start of the hypervisor's code. */
static void init_refuses_page_without_endbr(struct kunit *test)
{
	fake.page_usable = false;
	KUNIT_EXPECT_EQ(test, start_backend(test), -EOPNOTSUPP);
	/* The page was enabled to be looked at, then disabled again. */
	KUNIT_EXPECT_GE(test, fake_find(test, 0, HVG_MSR_HYPERCALL, NULL), 0);
	expect_msrs_as_found(test);
	KUNIT_EXPECT_TRUE(test, !hvg_hyperv.cpu);
}

static void init_unwinds_on_msr_fault(struct kunit *test)
{
	/* SIEFP faults on the last CPU: every change must be undone. */
	fake.fault_msr = HVG_MSR_SIEFP;
	fake.fault_cpu = cpumask_last(cpu_online_mask);
	KUNIT_EXPECT_EQ(test, start_backend(test), -EIO);
	expect_msrs_as_found(test);
	KUNIT_EXPECT_TRUE(test, !hvg_hyperv.cpu);
}

static void sint_vector_mode(struct kunit *test)
{
	u64 sint;

	fake.vector = 0xf3;
	KUNIT_ASSERT_EQ(test, start_backend(test), 0);
	KUNIT_EXPECT_EQ(test, hvg_hyperv.irq_mode, HVG_IRQ_VECTOR);
	KUNIT_ASSERT_GE(test, fake_find(test, 0, HVG_MSR_SINT(HVG_VMBUS_SINT), &sint),
			0);
	KUNIT_EXPECT_EQ(test, sint & HVG_SINT_VECTOR_MASK, 0xf3ULL);
	/* No DEPRECATING_AEOI hint: the SINT must auto-EOI. */
	KUNIT_EXPECT_TRUE(test, sint & HVG_SINT_AUTO_EOI);
	KUNIT_EXPECT_FALSE(test, sint & HVG_SINT_POLLING);
	hvg_hyperv_exit();
	expect_msrs_as_found(test);
}

static void sint_vector_mode_no_aeoi(struct kunit *test)
{
	u64 sint;

	fake.vector = 0xf3;
	fake.hv[4].eax = HVG_HINT_DEPRECATING_AEOI;
	KUNIT_ASSERT_EQ(test, start_backend(test), 0);
	KUNIT_ASSERT_GE(test, fake_find(test, 0, HVG_MSR_SINT(HVG_VMBUS_SINT), &sint),
			0);
	KUNIT_EXPECT_FALSE(test, sint & HVG_SINT_AUTO_EOI);
	hvg_hyperv_exit();
}

static void sint_polling_mode(struct kunit *test)
{
	u64 sint;

	KUNIT_ASSERT_EQ(test, start_backend(test), 0);
	KUNIT_EXPECT_EQ(test, hvg_hyperv.irq_mode, HVG_IRQ_POLLING);
	KUNIT_ASSERT_GE(test, fake_find(test, 0, HVG_MSR_SINT(HVG_VMBUS_SINT), &sint),
			0);
	KUNIT_EXPECT_TRUE(test, sint & HVG_SINT_POLLING);
	KUNIT_EXPECT_FALSE(test, sint & HVG_SINT_MASKED);
	hvg_hyperv_exit();
	expect_msrs_as_found(test);
}

static atomic_t handler_calls;
static void *handler_ctx_seen;
static unsigned int handler_cpu_seen;

static void test_handler(void *ctx)
{
	WRITE_ONCE(handler_ctx_seen, ctx);
	WRITE_ONCE(handler_cpu_seen, smp_processor_id());
	atomic_inc(&handler_calls);
}

/* Wait up to a second for the handler to have run @n times. */
static bool wait_handler_calls(int n)
{
	int i;

	for (i = 0; i < 200 && atomic_read(&handler_calls) < n; i++)
		usleep_range(5000, 6000);
	return atomic_read(&handler_calls) >= n;
}

static void handler_vector_hook(struct kunit *test)
{
	struct hvg_hv_backend *hv = &hvg_hyperv.backend;
	struct hvg_synic_message *msg;
	unsigned long flags;

	fake.vector = 0xf3;
	KUNIT_ASSERT_EQ(test, start_backend(test), 0);
	atomic_set(&handler_calls, 0);

	/* A message already waits on the first CPU: registering finds it. */
	msg = &hvg_hv_message_page(hv, cpumask_first(cpu_online_mask))
		->sint_message[HVG_VMBUS_SINT];
	WRITE_ONCE(msg->header.message_type, HVG_VMBUS_MESSAGE_TYPE);
	KUNIT_EXPECT_EQ(test, hvg_hv_register_handler(hv, test_handler, test),
			0);
	KUNIT_EXPECT_EQ(test, atomic_read(&handler_calls), 1);
	WRITE_ONCE(msg->header.message_type, HVG_MSGTYPE_NONE);
	KUNIT_EXPECT_EQ(test, hvg_hv_register_handler(hv, test_handler, test),
			-EBUSY);
	KUNIT_ASSERT_NOT_NULL(test, READ_ONCE(fake.hook));

	/* What the kernel's vector handler does, interrupts off. */
	local_irq_save(flags);
	fake.hook();
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, atomic_read(&handler_calls), 2);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(handler_ctx_seen), (void *)test);

	hvg_hv_unregister_handler(hv);
	KUNIT_EXPECT_NULL(test, READ_ONCE(fake.hook));
	hvg_hyperv_exit();
}

/*
 * The "hypervisor" posts a message into @cpu's VMBus slot: the handler must
 * run, on @cpu, within a second. Returns the slot, free again.
 */
static struct hvg_synic_message *expect_polled(struct kunit *test,
					       unsigned int cpu)
{
	struct hvg_synic_message *msg =
		&hvg_hv_message_page(&hvg_hyperv.backend, cpu)
			->sint_message[HVG_VMBUS_SINT];
	int calls = atomic_read(&handler_calls);

	WRITE_ONCE(msg->header.message_type, HVG_VMBUS_MESSAGE_TYPE);
	KUNIT_EXPECT_TRUE(test, wait_handler_calls(calls + 1));
	KUNIT_EXPECT_EQ(test, READ_ONCE(handler_cpu_seen), cpu);
	WRITE_ONCE(msg->header.message_type, HVG_MSGTYPE_NONE);
	return msg;
}

static void handler_polling_timer(struct kunit *test)
{
	struct hvg_hv_backend *hv = &hvg_hyperv.backend;
	struct hvg_synic_message *msg;
	unsigned int cpu = cpumask_first(cpu_online_mask);
	int calls;

	KUNIT_ASSERT_EQ(test, start_backend(test), 0);
	atomic_set(&handler_calls, 0);
	KUNIT_ASSERT_EQ(test, hvg_hv_register_handler(hv, test_handler, test),
			0);

	/* Nothing pending: the timers run but call nobody. */
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&handler_calls), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&hvg_hyperv.polls), 0);

	msg = expect_polled(test, cpu);

	hvg_hv_unregister_handler(hv);
	WRITE_ONCE(msg->header.message_type, HVG_VMBUS_MESSAGE_TYPE);
	calls = atomic_read(&handler_calls);
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&handler_calls), calls);
	WRITE_ONCE(msg->header.message_type, HVG_MSGTYPE_NONE);
	hvg_hyperv_exit();
	expect_msrs_as_found(test);
}

/* A CPU that comes online while the handler is registered is polled too. */
static void handler_polling_cpu_online_later(struct kunit *test)
{
	struct hvg_hv_backend *hv = &hvg_hyperv.backend;
	unsigned int cpu = cpumask_last(cpu_online_mask);

	KUNIT_ASSERT_EQ(test, start_backend(test), 0);
	atomic_set(&handler_calls, 0);
	KUNIT_ASSERT_EQ(test, hvg_hv_register_handler(hv, test_handler, test),
			0);
	KUNIT_EXPECT_EQ(test, work_on_cpu(cpu, run_offline,
					  (void *)(unsigned long)cpu), 0);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&per_cpu_ptr(hvg_hyperv.cpu,
							     cpu)->poll_timer));
	KUNIT_EXPECT_EQ(test, work_on_cpu(cpu, run_online,
					  (void *)(unsigned long)cpu), 0);

	expect_polled(test, cpu);

	hvg_hv_unregister_handler(hv);
	hvg_hyperv_exit();
	expect_msrs_as_found(test);
}

static void eom_clears_slot_and_signals_only_if_pending(struct kunit *test)
{
	struct hvg_synic_message *msg;
	unsigned int eoms;

	KUNIT_ASSERT_EQ(test, start_backend(test), 0);

	preempt_disable();
	msg = &this_cpu_ptr(hvg_hyperv.cpu)->simp->sint_message[HVG_VMBUS_SINT];
	msg->header.message_type = HVG_VMBUS_MESSAGE_TYPE;
	msg->header.message_flags = 0;
	eoms = fake.eoms;
	hvg_hv_eom(&hvg_hyperv.backend);
	KUNIT_EXPECT_EQ(test, msg->header.message_type, HVG_MSGTYPE_NONE);
	KUNIT_EXPECT_EQ(test, fake.eoms, eoms);

	msg->header.message_type = HVG_VMBUS_MESSAGE_TYPE;
	msg->header.message_flags = HVG_MSGFLAG_PENDING;
	hvg_hv_eom(&hvg_hyperv.backend);
	KUNIT_EXPECT_EQ(test, msg->header.message_type, HVG_MSGTYPE_NONE);
	KUNIT_EXPECT_EQ(test, fake.eoms, eoms + 1);
	preempt_enable();

	hvg_hyperv_exit();
}

static struct kunit_case hyperv_cases[] = {
	KUNIT_CASE(init_order_own_page),
	KUNIT_CASE(init_reuses_kernel_page),
	KUNIT_CASE(init_cpu_online_later),
	KUNIT_CASE(init_refuses_busy_synic),
	KUNIT_CASE(init_refuses_foreign_hypercall_page),
	KUNIT_CASE(init_refuses_page_without_endbr),
	KUNIT_CASE(init_unwinds_on_msr_fault),
	KUNIT_CASE(sint_vector_mode),
	KUNIT_CASE(sint_vector_mode_no_aeoi),
	KUNIT_CASE(sint_polling_mode),
	KUNIT_CASE(handler_vector_hook),
	KUNIT_CASE(handler_polling_timer),
	KUNIT_CASE(handler_polling_cpu_online_later),
	KUNIT_CASE(eom_clears_slot_and_signals_only_if_pending),
	{}
};

static struct kunit_suite hvg_hypercall_hyperv_suite = {
	.name = "hvg_hypercall_hyperv",
	.init = hvg_fake_init,
	.exit = hvg_fake_exit,
	.test_cases = hyperv_cases,
};

/* ---------------------------------------------------------------------
 * Lifecycle: reboot and kexec, crash, suspend and resume, CPU offline,
 * another SynIC owner
 */

/* @msr as the model holds it for @cpu. */
static u64 fake_reg(unsigned int cpu, u32 msr)
{
	return fake.msr[fake_partition_wide(msr) ? 0 : cpu][fake_msr_index(msr)];
}

/* @cpu's SynIC switched off: pages disabled, SINT 2 masked. */
static void expect_synic_off(struct kunit *test, unsigned int cpu)
{
	KUNIT_EXPECT_FALSE_MSG(test, fake_reg(cpu, HVG_MSR_SIMP) &
			       HVG_MSR_PAGE_ENABLE, "cpu %u", cpu);
	KUNIT_EXPECT_FALSE_MSG(test, fake_reg(cpu, HVG_MSR_SIEFP) &
			       HVG_MSR_PAGE_ENABLE, "cpu %u", cpu);
	KUNIT_EXPECT_TRUE_MSG(test, fake_reg(cpu, HVG_MSR_SINT(HVG_VMBUS_SINT)) &
			      HVG_SINT_MASKED, "cpu %u", cpu);
	KUNIT_EXPECT_EQ_MSG(test, fake_reg(cpu, HVG_MSR_SCONTROL),
			    snapshot[cpu][fake_msr_index(HVG_MSR_SCONTROL)],
			    "cpu %u", cpu);
	KUNIT_EXPECT_FALSE(test, per_cpu_ptr(hvg_hyperv.cpu, cpu)->synic_on);
}

/* @cpu's SynIC up, as the model holds it now. */
static void expect_synic_live(struct kunit *test, unsigned int cpu)
{
	struct hvg_hv_cpu *c = per_cpu_ptr(hvg_hyperv.cpu, cpu);

	KUNIT_EXPECT_TRUE_MSG(test, c->synic_on, "cpu %u", cpu);
	KUNIT_EXPECT_EQ_MSG(test, fake_reg(cpu, HVG_MSR_SIMP),
			    0x100 | (u64)virt_to_phys(c->simp) |
			    HVG_MSR_PAGE_ENABLE, "cpu %u", cpu);
	KUNIT_EXPECT_EQ_MSG(test, fake_reg(cpu, HVG_MSR_SIEFP),
			    0x200 | (u64)virt_to_phys(c->siefp) |
			    HVG_MSR_PAGE_ENABLE, "cpu %u", cpu);
	KUNIT_EXPECT_FALSE_MSG(test, fake_reg(cpu, HVG_MSR_SINT(HVG_VMBUS_SINT)) &
			       HVG_SINT_MASKED, "cpu %u", cpu);
	KUNIT_EXPECT_TRUE_MSG(test, fake_reg(cpu, HVG_MSR_SCONTROL) &
			      HVG_SCONTROL_ENABLE, "cpu %u", cpu);
}

/* The own hypercall page disabled and the guest OS id as found. */
static void expect_hypercall_page_off(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, fake_reg(0, HVG_MSR_HYPERCALL) &
			   HVG_MSR_PAGE_ENABLE);
	KUNIT_EXPECT_EQ(test, fake_reg(0, HVG_MSR_GUEST_OS_ID),
			snapshot[0][fake_msr_index(HVG_MSR_GUEST_OS_ID)]);
}

/* The per-CPU registers of @cpu hold what was found at set-up. */
static void expect_cpu_as_found(struct kunit *test, unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < FAKE_NMSR; i++)
		if (!fake_partition_wide(fake_msrs[i]))
			KUNIT_EXPECT_EQ_MSG(test, fake.msr[cpu][i],
					    snapshot[cpu][i], "cpu %u msr %#x",
					    cpu, fake_msrs[i]);
}

/*
 * Reboot, halt, power off and kexec: syscore shutdown, which the kernel
 * runs after device_shutdown() and, in the reverse order of registration,
 * after that of the layer above, which has sent its UNLOAD by then.
 */
static void syscore_shutdown_disables_page_and_synic(struct kunit *test)
{
	struct hvg_hv_backend *hv = &hvg_hyperv.backend;
	unsigned int cpu;
	u64 x = 0;

	fake_reset();
	KUNIT_ASSERT_EQ(test, start_backend(test), 0);
	KUNIT_ASSERT_EQ(test, hvg_hv_register_handler(hv, test_handler, test),
			0);
	/* Registered with a shutdown callback: this one. */
	KUNIT_EXPECT_TRUE(test,
			  hvg_hyperv.syscore.shutdown == hvg_hyperv_shutdown);
	KUNIT_EXPECT_NOT_NULL(test, hvg_hyperv.syscore.ops.shutdown);

	hvg_hyperv.syscore.shutdown();
	for_each_online_cpu(cpu)
		expect_synic_off(test, cpu);
	expect_hypercall_page_off(test);

	/* Nothing reaches the disabled page any more. */
	fake_clear_log();
	KUNIT_EXPECT_EQ(test, hvg_hv_post_message(hv, 4, 1, &x,
						  sizeof(x), 0),
			-ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, hvg_hv_signal_event(hv, 2), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, fake.ncalls, 0U);

	/* A CPU that comes back keeps its SynIC off. */
	cpu = cpumask_last(cpu_online_mask);
	KUNIT_EXPECT_EQ(test, work_on_cpu(cpu, run_offline,
					  (void *)(unsigned long)cpu),
			0);
	KUNIT_EXPECT_EQ(test, work_on_cpu(cpu, run_online,
					  (void *)(unsigned long)cpu),
			0);
	expect_synic_off(test, cpu);

	hvg_hv_unregister_handler(hv);
	hvg_hyperv_exit();
	expect_msrs_as_found(test);
}

/*
 * The crash path: the layer above's panic notifier sends UNLOAD without
 * sleeping, then the adapter's switches this CPU off; interrupts and
 * preemption stay off throughout, as in panic().
 */
static void crash_disables_without_sleeping(struct kunit *test)
{
	static const u16 no_buf = HVG_STATUS_INSUFFICIENT_BUFFERS;
	struct notifier_block *nb = &hvg_hyperv.panic_nb;
	struct hvg_hv_backend *hv = &hvg_hyperv.backend;
	unsigned long switches;
	unsigned int cpu, other;
	int unload, after;
	u32 msg[2];

	KUNIT_ASSERT_EQ(test, start_backend(test), 0);
	KUNIT_EXPECT_EQ(test, nb->priority, INT_MIN);
	KUNIT_EXPECT_EQ(test,
			atomic_notifier_chain_unregister(&panic_notifier_list,
							 nb), 0);
	KUNIT_ASSERT_EQ(test,
			atomic_notifier_chain_register(&panic_notifier_list,
						       nb), 0);

	chmsg(msg, ARRAY_SIZE(msg), 16);	/* UNLOAD */
	fake_clear_log();
	fake_script(&no_buf, 1);
	preempt_disable();
	local_irq_disable();
	cpu = smp_processor_id();
	switches = current->nvcsw + current->nivcsw;
	unload = hvg_hv_post_message(hv, 1, HVG_VMBUS_MESSAGE_TYPE, msg,
				     sizeof(msg), HVG_POST_NOSLEEP);
	nb->notifier_call(nb, 0, NULL);
	after = hvg_hv_post_message(hv, 1, HVG_VMBUS_MESSAGE_TYPE, msg,
				    sizeof(msg), HVG_POST_NOSLEEP);
	switches = current->nvcsw + current->nivcsw - switches;
	local_irq_enable();
	preempt_enable();

	KUNIT_EXPECT_EQ(test, unload, 0);
	KUNIT_EXPECT_EQ(test, after, -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, fake.ncalls, 2U);
	KUNIT_EXPECT_EQ(test, switches, 0UL);
	expect_synic_off(test, cpu);
	expect_hypercall_page_off(test);
	/* The other CPUs are stopped in a real crash: out of reach. */
	for_each_online_cpu(other)
		if (other != cpu)
			expect_synic_live(test, other);

	hvg_hyperv_exit();
	expect_msrs_as_found(test);
}

/* Hibernation: the registers of @cpu and the partition's are lost. */
static void fake_power_cycle(unsigned int cpu)
{
	unsigned long flags;

	spin_lock_irqsave(&fake.lock, flags);
	fake.msr[cpu][fake_msr_index(HVG_MSR_SIMP)] = 0;
	fake.msr[cpu][fake_msr_index(HVG_MSR_SIEFP)] = 0;
	fake.msr[cpu][fake_msr_index(HVG_MSR_SINT(HVG_VMBUS_SINT))] =
		HVG_SINT_MASKED;
	fake.msr[cpu][fake_msr_index(HVG_MSR_SCONTROL)] = 0;
	fake.msr[0][fake_msr_index(HVG_MSR_HYPERCALL)] = 0;
	fake.msr[0][fake_msr_index(HVG_MSR_GUEST_OS_ID)] = 0;
	spin_unlock_irqrestore(&fake.lock, flags);
}

static void resume_reenables_page_and_synic(struct kunit *test)
{
	struct hvg_hv_backend *hv = &hvg_hyperv.backend;
	u64 suspended[FAKE_NMSR], hc_suspended, hc, x = 0;
	int err, i_gos, i_hc;
	unsigned int cpu;

	KUNIT_ASSERT_EQ(test, start_backend(test), 0);

	/* As syscore runs them: one CPU, interrupts off. */
	preempt_disable();
	local_irq_disable();
	cpu = smp_processor_id();
	err = hvg_hyperv.syscore.suspend();
	memcpy(suspended, fake.msr[cpu], sizeof(suspended));
	hc_suspended = fake_reg(0, HVG_MSR_HYPERCALL);
	fake_power_cycle(cpu);
	fake_clear_log();
	hvg_hyperv.syscore.resume();
	local_irq_enable();
	preempt_enable();

	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_FALSE(test, suspended[fake_msr_index(HVG_MSR_SIMP)] &
			   HVG_MSR_PAGE_ENABLE);
	KUNIT_EXPECT_FALSE(test, suspended[fake_msr_index(HVG_MSR_SIEFP)] &
			   HVG_MSR_PAGE_ENABLE);
	KUNIT_EXPECT_TRUE(test,
			  suspended[fake_msr_index(HVG_MSR_SINT(HVG_VMBUS_SINT))] &
			  HVG_SINT_MASKED);
	KUNIT_EXPECT_FALSE(test, hc_suspended & HVG_MSR_PAGE_ENABLE);

	/* Guest OS id, then the same hypercall page, then the SynIC. */
	i_gos = fake_find(test, 0, HVG_MSR_GUEST_OS_ID, NULL);
	i_hc = fake_find(test, 0, HVG_MSR_HYPERCALL, &hc);
	KUNIT_ASSERT_GE(test, i_gos, 0);
	KUNIT_ASSERT_GE(test, i_hc, 0);
	KUNIT_EXPECT_LT(test, i_gos, i_hc);
	KUNIT_EXPECT_EQ(test, fake_reg(0, HVG_MSR_GUEST_OS_ID),
			HVG_GUEST_OS_ID(HVG_KVER));
	KUNIT_EXPECT_TRUE(test, hc & HVG_MSR_PAGE_ENABLE);
	KUNIT_EXPECT_EQ(test, hc >> HVG_MSR_PAGE_PFN_SHIFT,
			(u64)hvg_ll_own_page_pfn());
	expect_synic_on(test, cpu);
	expect_synic_live(test, cpu);

	/* And the backend works again. */
	fake_clear_log();
	KUNIT_EXPECT_EQ(test, hvg_hv_post_message(hv, 4, 1, &x, sizeof(x), 0),
			0);
	KUNIT_EXPECT_EQ(test, fake.ncalls, 1U);

	hvg_hyperv_exit();
	expect_msrs_as_found(test);
}

static unsigned int busy_cpu;
static atomic_t offline_asks;

static int test_offline_check(void *ctx, unsigned int cpu)
{
	atomic_inc(&offline_asks);
	return cpu == READ_ONCE(busy_cpu) ? -EBUSY : 0;
}

#ifdef CONFIG_HOTPLUG_CPU
/* The real hotplug path, where there is a CPU to spare. */
static void offline_for_real(struct kunit *test, unsigned int cpu, int want)
{
	if (num_online_cpus() < 2)
		return;
	KUNIT_EXPECT_EQ(test, remove_cpu(cpu), want);
	if (want) {
		KUNIT_EXPECT_TRUE(test, cpu_online(cpu));
		/* Wrongly gone: bring it back for the cases that follow. */
		if (!cpu_online(cpu))
			KUNIT_EXPECT_EQ(test, add_cpu(cpu), 0);
		expect_synic_live(test, cpu);
		return;
	}
	KUNIT_EXPECT_FALSE(test, cpu_online(cpu));
	expect_cpu_as_found(test, cpu);
	KUNIT_EXPECT_EQ(test, add_cpu(cpu), 0);
	expect_synic_live(test, cpu);
}
#else
static void offline_for_real(struct kunit *test, unsigned int cpu, int want)
{
}
#endif

static void offline_refused_while_busy(struct kunit *test)
{
	struct hvg_hv_backend *hv = &hvg_hyperv.backend;
	unsigned int cpu = cpumask_last(cpu_online_mask);

	KUNIT_ASSERT_EQ(test, start_backend(test), 0);
	atomic_set(&offline_asks, 0);
	WRITE_ONCE(busy_cpu, cpu);
	KUNIT_ASSERT_EQ(test, hvg_hv_set_offline_check(hv, test_offline_check,
						       test), 0);
	KUNIT_EXPECT_EQ(test, hvg_hv_set_offline_check(hv, test_offline_check,
						       test), -EBUSY);

	/* Busy: refused before anything is touched. */
	fake_clear_log();
	KUNIT_EXPECT_EQ(test, work_on_cpu(cpu, run_offline,
					  (void *)(unsigned long)cpu), -EBUSY);
	KUNIT_EXPECT_EQ(test, atomic_read(&offline_asks), 1);
	KUNIT_EXPECT_EQ(test, fake.nlog, 0U);
	expect_synic_live(test, cpu);
	offline_for_real(test, cpu, -EBUSY);

	/* No longer busy: allowed, and the SynIC is put back. */
	WRITE_ONCE(busy_cpu, UINT_MAX);
	KUNIT_EXPECT_EQ(test, work_on_cpu(cpu, run_offline,
					  (void *)(unsigned long)cpu), 0);
	expect_cpu_as_found(test, cpu);
	KUNIT_EXPECT_EQ(test, work_on_cpu(cpu, run_online,
					  (void *)(unsigned long)cpu), 0);
	expect_synic_live(test, cpu);
	offline_for_real(test, cpu, 0);

	/* Removed: not asked any more. */
	WRITE_ONCE(busy_cpu, cpu);
	KUNIT_EXPECT_EQ(test, hvg_hv_set_offline_check(hv, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, work_on_cpu(cpu, run_offline,
					  (void *)(unsigned long)cpu), 0);
	KUNIT_EXPECT_EQ(test, work_on_cpu(cpu, run_online,
					  (void *)(unsigned long)cpu), 0);

	/* Unload with a check installed: nothing may refuse it. */
	KUNIT_ASSERT_EQ(test, hvg_hv_set_offline_check(hv, test_offline_check,
						       test), 0);
	hvg_hyperv_exit();
	expect_msrs_as_found(test);
}

static void other_vmbus_isr(void)
{
}

/*
 * hv_vmbus loads after this module's backend was set up: it takes the
 * SynIC of one CPU, the kernel's interrupt hook, and the hypercall MSR and
 * guest OS id. Unloading must leave all of that to it, and still put back
 * what was left of this module's.
 */
static void unload_leaves_other_owners_values(struct kunit *test)
{
	struct hvg_hv_backend *hv = &hvg_hyperv.backend;
	unsigned int taken = cpumask_last(cpu_online_mask), cpu;
	u64 theirs[FAKE_NMSR];
	void (*hook)(void);
	unsigned long flags;

	fake.vector = 0xf3;
	KUNIT_ASSERT_EQ(test, start_backend(test), 0);
	KUNIT_ASSERT_EQ(test, hvg_hv_register_handler(hv, test_handler, test),
			0);

	spin_lock_irqsave(&fake.lock, flags);
	fake.msr[taken][fake_msr_index(HVG_MSR_SIMP)] = 0x7000001;
	fake.msr[taken][fake_msr_index(HVG_MSR_SIEFP)] = 0x8000001;
	/*
	 * SINT 2 and SCONTROL: the same values as this module's (the same
	 * vector, auto EOI, the enable bit); only the pages tell them apart.
	 */
	fake.msr[taken][fake_msr_index(HVG_MSR_SINT(HVG_VMBUS_SINT))] =
		HVG_SINT_AUTO_EOI | 0xf3;
	fake.msr[taken][fake_msr_index(HVG_MSR_SCONTROL)] =
		HVG_SCONTROL_ENABLE;
	fake.msr[0][fake_msr_index(HVG_MSR_HYPERCALL)] = 0x9000001;
	fake.msr[0][fake_msr_index(HVG_MSR_GUEST_OS_ID)] = 0x8100000000000042;
	memcpy(theirs, fake.msr[taken], sizeof(theirs));
	spin_unlock_irqrestore(&fake.lock, flags);
	WRITE_ONCE(fake.hook, other_vmbus_isr);

	hvg_hv_unregister_handler(hv);
	hvg_hyperv_exit();

	hook = READ_ONCE(fake.hook);
	KUNIT_EXPECT_PTR_EQ(test, (void *)hook, (void *)other_vmbus_isr);
	KUNIT_EXPECT_EQ(test, memcmp(fake.msr[taken], theirs, sizeof(theirs)),
			0);
	KUNIT_EXPECT_EQ(test, fake_reg(0, HVG_MSR_HYPERCALL), 0x9000001ULL);
	KUNIT_EXPECT_EQ(test, fake_reg(0, HVG_MSR_GUEST_OS_ID),
			0x8100000000000042ULL);
	/* What was still this module's is put back as found. */
	for_each_online_cpu(cpu)
		if (cpu != taken)
			expect_cpu_as_found(test, cpu);
}

static struct kunit_case lifecycle_cases[] = {
	KUNIT_CASE(syscore_shutdown_disables_page_and_synic),
	KUNIT_CASE(crash_disables_without_sleeping),
	KUNIT_CASE(resume_reenables_page_and_synic),
	KUNIT_CASE(offline_refused_while_busy),
	KUNIT_CASE(unload_leaves_other_owners_values),
	{}
};

static struct kunit_suite hvg_hypercall_lifecycle_suite = {
	.name = "hvg_hypercall_lifecycle",
	.init = hvg_fake_init,
	.exit = hvg_fake_exit,
	.test_cases = lifecycle_cases,
};

/* ---------------------------------------------------------------------
 * HvPostMessage and HvSignalEvent
 */

static int hvg_post_init(struct kunit *test)
{
	hvg_fake_init(test);
	if (start_backend(test))
		return -ENODEV;
	fake_clear_log();
	return 0;
}

static void hvg_post_exit(struct kunit *test)
{
	hvg_hyperv_exit();
	hvg_fake_exit(test);
}

static void post_input_layout(struct kunit *test)
{
	u8 payload[HVG_MESSAGE_PAYLOAD_BYTES];
	struct fake_call *c = &fake.calls[0];
	unsigned int i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = i ^ 0x5a;
	KUNIT_ASSERT_EQ(test, hvg_hv_post_message(&hvg_hyperv.backend, 4,
						  HVG_VMBUS_MESSAGE_TYPE,
						  payload, sizeof(payload), 0), 0);
	KUNIT_ASSERT_EQ(test, fake.ncalls, 1U);
	KUNIT_EXPECT_EQ(test, c->control, (u64)HVG_HVCALL_POST_MESSAGE);
	KUNIT_EXPECT_EQ(test, c->page, HVG_HC_PAGE_OWN);
	KUNIT_EXPECT_TRUE(test, c->irqs_off);
	KUNIT_EXPECT_TRUE(test, c->aligned);
	KUNIT_EXPECT_EQ(test, c->in.connection_id, 4U);
	KUNIT_EXPECT_EQ(test, c->in.reserved, 0U);
	KUNIT_EXPECT_EQ(test, c->in.message_type, 1U);
	KUNIT_EXPECT_EQ(test, c->in.payload_size, 240U);
	KUNIT_EXPECT_EQ(test, memcmp(c->in.payload, payload, sizeof(payload)),
			0);
}

static void post_short_payload(struct kunit *test)
{
	static const char hello[] = "hello";

	KUNIT_ASSERT_EQ(test, hvg_hv_post_message(&hvg_hyperv.backend, 1, 1,
						  hello, 5, 0), 0);
	KUNIT_EXPECT_EQ(test, fake.calls[0].in.payload_size, 5U);
	KUNIT_EXPECT_EQ(test, memcmp(fake.calls[0].in.payload, hello, 5), 0);
}

static void post_rejects_bad_arguments(struct kunit *test)
{
	u8 payload[HVG_MESSAGE_PAYLOAD_BYTES + 1] = {};
	struct hvg_hv_backend *hv = &hvg_hyperv.backend;

	KUNIT_EXPECT_EQ(test, hvg_hv_post_message(hv, 4, 1, payload, 241, 0),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, hvg_hv_post_message(hv, 1 << 24, 1, payload, 8, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, hvg_hv_post_message(hv, 4, 0, payload, 8, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, hvg_hv_post_message(hv, 4, 0x80000010, payload,
						  8, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvg_hv_post_message(hv, 4, 1, NULL, 8, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvg_hv_post_message(hv, 4, 1, payload, 8,
						  HVG_POST_NOSLEEP << 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, fake.ncalls, 0U);
}

static void post_retries_then_succeeds(struct kunit *test)
{
	static const u16 s[] = { HVG_STATUS_INSUFFICIENT_BUFFERS,
				 HVG_STATUS_INSUFFICIENT_MEMORY,
				 HVG_STATUS_INSUFFICIENT_BUFFERS };
	u64 x = 42;

	fake_script(s, ARRAY_SIZE(s));
	KUNIT_EXPECT_EQ(test, hvg_hv_post_message(&hvg_hyperv.backend, 4, 1,
						  &x, sizeof(x), 0), 0);
	KUNIT_EXPECT_EQ(test, fake.ncalls, 4U);
	/* Every retry sends the same message again. */
	KUNIT_EXPECT_EQ(test, fake.calls[3].in.payload[0], 42ULL);
	KUNIT_EXPECT_EQ(test, fake.calls[3].in.connection_id, 4U);
}

static void post_retry_bound(struct kunit *test, u16 status, int err)
{
	u16 s[FAKE_SCRIPT];
	unsigned int i;
	u64 x = 0;

	for (i = 0; i < ARRAY_SIZE(s); i++)
		s[i] = status;
	fake_script(s, ARRAY_SIZE(s));
	KUNIT_EXPECT_EQ(test, hvg_hv_post_message(&hvg_hyperv.backend, 4, 1,
						  &x, sizeof(x), 0), err);
	KUNIT_EXPECT_EQ(test, fake.ncalls, HVG_POST_RETRIES + 1U);
}

static void post_gives_up_on_buffers(struct kunit *test)
{
	post_retry_bound(test, HVG_STATUS_INSUFFICIENT_BUFFERS, -ENOBUFS);
}

static void post_gives_up_on_memory(struct kunit *test)
{
	post_retry_bound(test, HVG_STATUS_INSUFFICIENT_MEMORY, -ENOMEM);
}

static const struct {
	u16 status;
	int err;
} status_map[] = {
	{ HVG_STATUS_INVALID_HYPERCALL_CODE, -EOPNOTSUPP },
	{ HVG_STATUS_INVALID_HYPERCALL_INPUT, -EPROTO },
	{ HVG_STATUS_INVALID_ALIGNMENT, -EFAULT },
	{ HVG_STATUS_INVALID_PARAMETER, -EINVAL },
	{ HVG_STATUS_ACCESS_DENIED, -EACCES },
	{ HVG_STATUS_OPERATION_DENIED, -EPERM },
	{ HVG_STATUS_INVALID_PORT_ID, -EADDRNOTAVAIL },
	{ 0x7777, -EIO },
};

static void post_maps_each_status(struct kunit *test)
{
	int got[ARRAY_SIZE(status_map)];
	unsigned int i, j;
	u64 x = 0;

	for (i = 0; i < ARRAY_SIZE(status_map); i++) {
		fake_clear_log();
		fake_script(&status_map[i].status, 1);
		got[i] = hvg_hv_post_message(&hvg_hyperv.backend, 4, 1, &x,
					     sizeof(x), 0);
		KUNIT_EXPECT_EQ_MSG(test, got[i], status_map[i].err,
				    "status %#x", status_map[i].status);
		/* No retry for these. */
		KUNIT_EXPECT_EQ(test, fake.ncalls, 1U);
		/* What the code returned is distinct: no two causes share one. */
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE_MSG(test, got[i], got[j],
					    "statuses %#x and %#x",
					    status_map[i].status,
					    status_map[j].status);
		KUNIT_EXPECT_NE(test, got[i], -ENOBUFS);
		KUNIT_EXPECT_NE(test, got[i], -ENOMEM);
		KUNIT_EXPECT_NE(test, got[i], -ENXIO);
		KUNIT_EXPECT_NE(test, got[i], 0);
	}
	/* Each cause was logged (once: the bit stays set). */
	KUNIT_EXPECT_TRUE(test, test_bit(HVG_STATUS_ACCESS_DENIED,
					 hvg_hyperv.logged));
	KUNIT_EXPECT_EQ(test, hvg_hv_status_to_errno(HVG_STATUS_SUCCESS), 0);
}

/* Too fast: the hypervisor says INVALID_CONNECTION_ID, then accepts. */
static void post_retries_invalid_connection_id(struct kunit *test)
{
	static const u16 s[] = { HVG_STATUS_INVALID_CONNECTION_ID,
				 HVG_STATUS_INVALID_CONNECTION_ID };
	u32 msg[4];

	chmsg(msg, ARRAY_SIZE(msg), 3);	/* REQUESTOFFERS */
	fake_script(s, ARRAY_SIZE(s));
	KUNIT_EXPECT_EQ(test, hvg_hv_post_message(&hvg_hyperv.backend, 4,
						  HVG_VMBUS_MESSAGE_TYPE, msg,
						  sizeof(msg), 0), 0);
	KUNIT_EXPECT_EQ(test, fake.ncalls, 3U);
	KUNIT_EXPECT_EQ(test, atomic_read(&hvg_hyperv.post_retries), 2);
}

static void post_gives_up_on_connection_id(struct kunit *test)
{
	post_retry_bound(test, HVG_STATUS_INVALID_CONNECTION_ID, -ENXIO);
}

/*
 * INITIATE_CONTACT to connection id 4 fails with INVALID_CONNECTION_ID on
 * a host older than VMBus 5.0: final at once, so the caller can fall back.
 * Other statuses are retried for it as for any message.
 */
static void post_initiate_contact_not_retried(struct kunit *test)
{
	static const u16 bad_id = HVG_STATUS_INVALID_CONNECTION_ID;
	static const u16 no_buf = HVG_STATUS_INSUFFICIENT_BUFFERS;
	u32 msg[10];

	chmsg(msg, ARRAY_SIZE(msg), HVG_VMBUS_MSG_INITIATE_CONTACT);
	fake_script(&bad_id, 1);
	KUNIT_EXPECT_EQ(test, hvg_hv_post_message(&hvg_hyperv.backend, 4,
						  HVG_VMBUS_MESSAGE_TYPE, msg,
						  sizeof(msg), 0), -ENXIO);
	KUNIT_EXPECT_EQ(test, fake.ncalls, 1U);

	fake_clear_log();
	fake_script(&no_buf, 1);
	KUNIT_EXPECT_EQ(test, hvg_hv_post_message(&hvg_hyperv.backend, 4,
						  HVG_VMBUS_MESSAGE_TYPE, msg,
						  sizeof(msg), 0), 0);
	KUNIT_EXPECT_EQ(test, fake.ncalls, 2U);
}

/*
 * HVG_POST_NOSLEEP, as the layer above uses it for UNLOAD on the crash
 * path: with preemption and interrupts off, the backoff must busy-wait.
 * A sleep would count a context switch (and splat: scheduling while
 * atomic).
 */
static void post_nosleep_retries_without_sleeping(struct kunit *test)
{
	static const u16 s[] = { HVG_STATUS_INSUFFICIENT_BUFFERS,
				 HVG_STATUS_INSUFFICIENT_MEMORY,
				 HVG_STATUS_INVALID_CONNECTION_ID };
	unsigned long switches;
	u32 msg[2];
	int err;

	chmsg(msg, ARRAY_SIZE(msg), 16);	/* UNLOAD */
	fake_script(s, ARRAY_SIZE(s));
	preempt_disable();
	local_irq_disable();
	switches = current->nvcsw + current->nivcsw;
	err = hvg_hv_post_message(&hvg_hyperv.backend, 1,
				  HVG_VMBUS_MESSAGE_TYPE, msg, sizeof(msg),
				  HVG_POST_NOSLEEP);
	switches = current->nvcsw + current->nivcsw - switches;
	local_irq_enable();
	preempt_enable();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, fake.ncalls, 4U);
	KUNIT_EXPECT_EQ(test, switches, 0UL);
}

static void signal_event_is_fast(struct kunit *test)
{
	static const u16 denied = HVG_STATUS_ACCESS_DENIED;

	KUNIT_ASSERT_EQ(test, hvg_hv_signal_event(&hvg_hyperv.backend, 0x2a),
			0);
	KUNIT_ASSERT_EQ(test, fake.ncalls, 1U);
	KUNIT_EXPECT_EQ(test, fake.calls[0].control,
			HVG_HVCALL_SIGNAL_EVENT | HVG_HYPERCALL_FAST);
	KUNIT_EXPECT_EQ(test, fake.calls[0].fast_input, 0x2aULL);
	KUNIT_EXPECT_EQ(test, hvg_hv_signal_event(&hvg_hyperv.backend, 1 << 24),
			-EINVAL);
	fake_script(&denied, 1);
	KUNIT_EXPECT_EQ(test, hvg_hv_signal_event(&hvg_hyperv.backend, 2),
			-EACCES);
}

static struct kunit_case post_cases[] = {
	KUNIT_CASE(post_input_layout),
	KUNIT_CASE(post_short_payload),
	KUNIT_CASE(post_rejects_bad_arguments),
	KUNIT_CASE(post_retries_then_succeeds),
	KUNIT_CASE(post_gives_up_on_buffers),
	KUNIT_CASE(post_gives_up_on_memory),
	KUNIT_CASE(post_gives_up_on_connection_id),
	KUNIT_CASE(post_retries_invalid_connection_id),
	KUNIT_CASE(post_initiate_contact_not_retried),
	KUNIT_CASE(post_nosleep_retries_without_sleeping),
	KUNIT_CASE(post_maps_each_status),
	KUNIT_CASE(signal_event_is_fast),
	{}
};

static struct kunit_suite hvg_hypercall_post_suite = {
	.name = "hvg_hypercall_post",
	.init = hvg_post_init,
	.exit = hvg_post_exit,
	.test_cases = post_cases,
};

/* ---------------------------------------------------------------------
 * Backend registry and selection, with fake backends
 */

static int fake_post(struct hvg_hv_backend *hv, u32 c, u32 t, const void *p,
		     u32 n, u32 flags)
{
	return 0;
}

static int fake_signal(struct hvg_hv_backend *hv, u32 c)
{
	return 0;
}

static struct hvg_synic_message_page *fake_mpage(struct hvg_hv_backend *hv,
						 unsigned int cpu)
{
	return NULL;
}

static struct hvg_synic_event_page *fake_epage(struct hvg_hv_backend *hv,
					       unsigned int cpu)
{
	return NULL;
}

static u32 fake_vp(struct hvg_hv_backend *hv, unsigned int cpu)
{
	return cpu;
}

static void fake_eom(struct hvg_hv_backend *hv)
{
}

static int fake_register(struct hvg_hv_backend *hv, hvg_hv_handler_t h,
			 void *c)
{
	return 0;
}

static void fake_unreg(struct hvg_hv_backend *hv)
{
}

static int fake_offline_check(struct hvg_hv_backend *hv,
			      hvg_hv_offline_check_t check, void *ctx)
{
	return 0;
}

static const struct hvg_hv_ops fake_backend_ops = {
	.post_message = fake_post,
	.signal_event = fake_signal,
	.message_page = fake_mpage,
	.event_page = fake_epage,
	.vp_index = fake_vp,
	.eom = fake_eom,
	.register_handler = fake_register,
	.unregister_handler = fake_unreg,
	.set_offline_check = fake_offline_check,
};

static struct hvg_hv_backend soft_a, soft_b, fake_real;

static int hvg_registry_init(struct kunit *test)
{
	hvg_fake_init(test);
	soft_a = (struct hvg_hv_backend){ .name = "soft_a",
		.owner = THIS_MODULE, .ops = &fake_backend_ops };
	soft_b = (struct hvg_hv_backend){ .name = "soft_b",
		.owner = NULL, .ops = &fake_backend_ops };
	fake_real = (struct hvg_hv_backend){ .name = "fake_real",
		.owner = NULL, .ops = &fake_backend_ops };
	return 0;
}

static void hvg_registry_exit(struct kunit *test)
{
	/* Whatever a failed case left behind. */
	while (hvg_hv_users(&soft_a))
		hvg_hv_put(&soft_a);
	while (hvg_hv_users(&soft_b))
		hvg_hv_put(&soft_b);
	while (hvg_hv_users(&fake_real))
		hvg_hv_put(&fake_real);
	hvg_hv_unregister_backend(&soft_a);
	hvg_hv_unregister_backend(&soft_b);
	hvg_hv_clear_real_backend();
	hvg_fake_exit(test);
}

static void registry_get_software_takes_module_ref(struct kunit *test)
{
	struct hvg_hv_backend *hv;
	int refs;

	KUNIT_EXPECT_EQ(test, PTR_ERR(hvg_hv_get()), -ENODEV);
	KUNIT_ASSERT_EQ(test, hvg_hv_register_backend(&soft_a), 0);

	refs = module_refcount(THIS_MODULE);
	hv = hvg_hv_get();
	KUNIT_ASSERT_PTR_EQ(test, hv, &soft_a);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs + 1);
	KUNIT_EXPECT_EQ(test, hvg_hv_users(&soft_a), 1U);

	/* One user at a time. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(hvg_hv_get()), -EBUSY);

	hvg_hv_put(hv);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs);
	KUNIT_EXPECT_EQ(test, hvg_hv_users(&soft_a), 0U);
	KUNIT_EXPECT_EQ(test, hvg_hv_unregister_backend(&soft_a), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(hvg_hv_get()), -ENODEV);
}

static void registry_rejects_bad_registrations(struct kunit *test)
{
	struct hvg_hv_ops partial = fake_backend_ops;
	struct hvg_hv_backend bad = { .name = "bad", .ops = &partial };

	partial.eom = NULL;
	KUNIT_EXPECT_EQ(test, hvg_hv_register_backend(&bad), -EINVAL);
	partial = fake_backend_ops;
	partial.set_offline_check = NULL;
	KUNIT_EXPECT_EQ(test, hvg_hv_register_backend(&bad), -EINVAL);
	bad.ops = NULL;
	KUNIT_EXPECT_EQ(test, hvg_hv_register_backend(&bad), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvg_hv_register_backend(NULL), -EINVAL);

	KUNIT_ASSERT_EQ(test, hvg_hv_register_backend(&soft_a), 0);
	KUNIT_EXPECT_EQ(test, hvg_hv_register_backend(&soft_a), -EEXIST);
	KUNIT_EXPECT_EQ(test, hvg_hv_register_backend(&soft_b), -EBUSY);
	KUNIT_EXPECT_EQ(test, hvg_hv_unregister_backend(&soft_b), -ENOENT);
}

static void registry_unregister_while_held(struct kunit *test)
{
	struct hvg_hv_backend *hv;

	KUNIT_ASSERT_EQ(test, hvg_hv_register_backend(&soft_b), 0);
	hv = hvg_hv_get();
	KUNIT_ASSERT_PTR_EQ(test, hv, &soft_b);
	KUNIT_EXPECT_EQ(test, hvg_hv_unregister_backend(&soft_b), -EBUSY);
	hvg_hv_put(hv);
	KUNIT_EXPECT_EQ(test, hvg_hv_unregister_backend(&soft_b), 0);
}

/* What hvg_hv_get() picks, by mode and by what is registered. */
struct select_case {
	enum hvg_hv_mode mode;
	bool real, soft;
	struct hvg_hv_backend *expect;	/* NULL: -ENODEV */
	const char *desc;
};

static const struct select_case select_cases[] = {
	{ HVG_MODE_AUTO, false, false, NULL, "auto, none" },
	{ HVG_MODE_AUTO, false, true, &soft_a, "auto, software only" },
	{ HVG_MODE_AUTO, true, false, &fake_real, "auto, Hyper-V only" },
	{ HVG_MODE_AUTO, true, true, &fake_real, "auto, both: Hyper-V" },
	{ HVG_MODE_HYPERV, false, true, NULL, "hyperv, software only" },
	{ HVG_MODE_HYPERV, true, true, &fake_real, "hyperv, both" },
	{ HVG_MODE_LOOPBACK, true, false, NULL, "loopback, Hyper-V only" },
	{ HVG_MODE_LOOPBACK, true, true, &soft_a, "loopback, both" },
};

static void registry_selects_by_mode(struct kunit *test)
{
	struct hvg_hv_backend *hv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(select_cases); i++) {
		const struct select_case *c = &select_cases[i];

		hvg_hv_mode = c->mode;
		if (c->real)
			KUNIT_ASSERT_EQ(test,
					hvg_hv_set_real_backend(&fake_real), 0);
		if (c->soft)
			KUNIT_ASSERT_EQ(test,
					hvg_hv_register_backend(&soft_a), 0);
		hv = hvg_hv_get();
		if (c->expect) {
			KUNIT_EXPECT_PTR_EQ_MSG(test, hv, c->expect, "%s",
						c->desc);
			if (!IS_ERR(hv))
				hvg_hv_put(hv);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(hv), -ENODEV, "%s",
					    c->desc);
		}
		hvg_hv_unregister_backend(&soft_a);
		hvg_hv_clear_real_backend();
	}
}

static void registry_mode_parse(struct kunit *test)
{
	enum hvg_hv_mode m;

	KUNIT_EXPECT_EQ(test, hvg_hv_mode_parse("auto", &m), 0);
	KUNIT_EXPECT_EQ(test, m, HVG_MODE_AUTO);
	KUNIT_EXPECT_EQ(test, hvg_hv_mode_parse("hyperv\n", &m), 0);
	KUNIT_EXPECT_EQ(test, m, HVG_MODE_HYPERV);
	KUNIT_EXPECT_EQ(test, hvg_hv_mode_parse("loopback", &m), 0);
	KUNIT_EXPECT_EQ(test, m, HVG_MODE_LOOPBACK);
	KUNIT_EXPECT_EQ(test, hvg_hv_mode_parse("xen", &m), -EINVAL);
	KUNIT_EXPECT_STREQ(test, hvg_hv_mode_name(HVG_MODE_LOOPBACK),
			   "loopback");
}

/* The real backend, set up on the model, is what auto and hyperv pick. */
static void registry_real_backend_end_to_end(struct kunit *test)
{
	struct hvg_hv_backend *hv;

	KUNIT_ASSERT_EQ(test, start_backend(test), 0);
	hv = hvg_hv_get();
	KUNIT_ASSERT_PTR_EQ(test, hv, &hvg_hyperv.backend);
	KUNIT_EXPECT_STREQ(test, hv->name, "hyperv");
	KUNIT_EXPECT_EQ(test, hvg_hv_vp_index(hv, 0), 100U);
	KUNIT_EXPECT_EQ(test, hvg_hv_vp_index(hv, nr_cpu_ids),
			HVG_VP_INDEX_INVALID);
	KUNIT_EXPECT_NULL(test, hvg_hv_message_page(hv, nr_cpu_ids));
	KUNIT_EXPECT_NOT_NULL(test, hvg_hv_event_page(hv, 0));
	hvg_hv_put(hv);
	hvg_hyperv_exit();
	expect_msrs_as_found(test);
}

static struct kunit_case registry_cases[] = {
	KUNIT_CASE(registry_get_software_takes_module_ref),
	KUNIT_CASE(registry_rejects_bad_registrations),
	KUNIT_CASE(registry_unregister_while_held),
	KUNIT_CASE(registry_selects_by_mode),
	KUNIT_CASE(registry_mode_parse),
	KUNIT_CASE(registry_real_backend_end_to_end),
	{}
};

static struct kunit_suite hvg_hypercall_registry_suite = {
	.name = "hvg_hypercall_registry",
	.init = hvg_registry_init,
	.exit = hvg_registry_exit,
	.test_cases = registry_cases,
};

kunit_test_suites(&hvg_hypercall_detect_suite, &hvg_hypercall_hyperv_suite,
		  &hvg_hypercall_lifecycle_suite, &hvg_hypercall_post_suite,
		  &hvg_hypercall_registry_suite);

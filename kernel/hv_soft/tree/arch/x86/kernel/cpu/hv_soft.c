// SPDX-License-Identifier: GPL-2.0
/*
 * hv_soft: a soft Hyper-V partition for the hvguest test kernel.
 *
 * With "hv_soft" on the command line this file plays the hypervisor for
 * the kernel it is built into: it answers the Hyper-V CPUID leaves and
 * synthetic MSRs (through hooks at the top of native_cpuid() and of the
 * native MSR accessors), writes a stub that calls hv_soft_hypercall() into
 * the page that the HYPERCALL MSR names, keeps a SynIC register file for
 * each virtual processor (VP), and hands HvPostMessage, HvSignalEvent, EOM
 * and SynIC changes to one registered host module, which delivers messages
 * and events through hv_soft_with_page() and hv_soft_raise_sint(). The
 * API is described in <asm/hv_soft.h>.
 *
 * Fidelity limits: the SynIC pages are the guest's own RAM, not overlay
 * pages (as in KVM); a SINT is a LAPIC IPI, so auto-EOI cannot be honoured
 * (the AEOI-deprecated hint is set); the partition has no message-buffer
 * limit of its own (the host returns INSUFFICIENT_BUFFERS when it has to).
 */
#define pr_fmt(fmt) "hv_soft: " fmt

#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/export.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/cpumask.h>
#include <linux/smp.h>
#include <linux/printk.h>
#include <asm/apic.h>
#include <asm/pgtable.h>
#include <asm/sync_core.h>
#include <asm/hyperv-tlfs.h>
#include <asm/hv_soft.h>

/* Host version reported in CPUID 0x40000002: 10.0, build 20348. */
#define HV_SOFT_BUILD		20348
#define HV_SOFT_VERSION		(10u << 16)

/* "Hv#1" in CPUID 0x40000001 EAX: the interface signature. */
#define HV_SOFT_SIGNATURE	0x31237648u

/* SINT register bit 18: the SINT is polled; no interrupt is raised. */
#define HV_SOFT_SINT_POLLING_BIT	BIT_ULL(18)

/* Reserved bits of the page MSRs (HYPERCALL, SIMP, SIEFP, VP assist). */
#define HV_SOFT_PAGE_ENABLE	BIT_ULL(0)
#define HV_SOFT_PAGE_PFN(v)	((v) >> PAGE_SHIFT)

/* Hypercall control bits that must be zero (TLFS: 31:27 and 63:60). */
#define HV_SOFT_HC_RSVD		(GENMASK_ULL(31, 27) | GENMASK_ULL(63, 60))

/* The HvPostMessage input block: 16-byte header and a 240-byte payload. */
struct hv_soft_post_input {
	u32 connection_id;
	u32 reserved;
	u32 message_type;
	u32 payload_size;
	u8 payload[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
};

/* One VP's SynIC registers. */
struct hv_soft_vp {
	/*
	 * Guards every field below. Taken by the VP's own MSR accesses and
	 * by the host's page accesses; never held across a host callback or
	 * an IPI.
	 */
	raw_spinlock_t lock;
	u64 scontrol;
	u64 simp;
	u64 siefp;
	u64 sint[HV_SYNIC_SINT_COUNT];
	u64 vp_assist;
	void *simp_page;	/* direct-map address while enabled, or NULL */
	void *siefp_page;
};

#define HV_SOFT_SINT_RESET	HV_SYNIC_SINT_MASKED

static struct hv_soft_vp hv_soft_vps[NR_CPUS] = {
	[0 ... NR_CPUS - 1] = {
		.lock = __RAW_SPIN_LOCK_UNLOCKED(hv_soft_vps.lock),
		.sint = { [0 ... HV_SYNIC_SINT_COUNT - 1] = HV_SOFT_SINT_RESET },
	},
};

/*
 * Guards the partition-wide MSRs (guest OS id, hypercall page, TSC
 * invariant control). The hypercall page is filled outside it.
 */
static DEFINE_RAW_SPINLOCK(hv_soft_part_lock);
static u64 hv_soft_guest_os_id;
static u64 hv_soft_hypercall_msr;
static u64 hv_soft_tsc_inv_ctl;

/*
 * hv_soft_host_lock guards the writers of hv_soft_host, the count of VPs
 * whose SCONTROL is enabled and the reference held on the host's module
 * while that count is not zero. Readers of hv_soft_host use RCU.
 */
static DEFINE_RAW_SPINLOCK(hv_soft_host_lock);
static const struct hv_soft_host_ops __rcu *hv_soft_host;
static unsigned int hv_soft_connected_vps;
static struct module *hv_soft_pinned;

bool hv_soft_active __ro_after_init;
EXPORT_SYMBOL(hv_soft_active);

static u32 hv_soft_vp_offset __ro_after_init;
/* Refuse the kernel's own hypercall page at boot (hv_soft=nokernelhc). */
static bool hv_soft_no_boot_hc __ro_after_init;

/*
 * "hv_soft" switches the soft partition on; "hv_soft=vpoffset" also makes
 * the VP index differ from the CPU number; "hv_soft=nokernelhc" leaves the
 * HYPERCALL MSR disabled while the kernel boots, so that hyperv_init() gives
 * up its page and a module must bring its own (hvg_hypercall's own-page
 * path). Options are comma-separated.
 */
static int __init hv_soft_setup(char *arg)
{
	char *opt;

	hv_soft_active = true;
	while (arg && (opt = strsep(&arg, ",")) != NULL) {
		if (!strcmp(opt, "vpoffset"))
			hv_soft_vp_offset = HV_SOFT_VP_OFFSET;
		else if (!strcmp(opt, "nokernelhc"))
			hv_soft_no_boot_hc = true;
		else if (*opt)
			pr_warn("unknown option \"%s\"\n", opt);
	}
	return 0;
}
early_param("hv_soft", hv_soft_setup);

static int __init hv_soft_announce(void)
{
	if (hv_soft_active)
		pr_info("soft Hyper-V partition active (VP index = CPU + %u%s)\n",
			hv_soft_vp_offset,
			hv_soft_no_boot_hc ? ", no hypercall page at boot" : "");
	return 0;
}
early_initcall(hv_soft_announce);

bool hv_soft_enabled(void)
{
	return hv_soft_active;
}
EXPORT_SYMBOL_GPL(hv_soft_enabled);

u32 hv_soft_cpu_to_vp(unsigned int cpu)
{
	if (cpu >= nr_cpu_ids)
		return U32_MAX;
	return cpu + hv_soft_vp_offset;
}
EXPORT_SYMBOL_GPL(hv_soft_cpu_to_vp);

int hv_soft_vp_to_cpu(u32 vp)
{
	if (vp < hv_soft_vp_offset || vp - hv_soft_vp_offset >= nr_cpu_ids)
		return -EINVAL;
	return vp - hv_soft_vp_offset;
}
EXPORT_SYMBOL_GPL(hv_soft_vp_to_cpu);

static struct hv_soft_vp *hv_soft_vp_of(u32 vp)
{
	int cpu = hv_soft_vp_to_cpu(vp);

	return cpu < 0 ? NULL : &hv_soft_vps[cpu];
}

/* The VP of the CPU that executes the instruction being emulated. */
static u32 hv_soft_this_vp(void)
{
	return raw_smp_processor_id() + hv_soft_vp_offset;
}

/* --- CPUID --- */

void hv_soft_cpuid(unsigned int *eax, unsigned int *ebx, unsigned int *ecx,
		   unsigned int *edx)
{
	u32 leaf = *eax;

	*eax = 0;
	*ebx = 0;
	*ecx = 0;
	*edx = 0;
	switch (leaf) {
	case HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS:
		*eax = HYPERV_CPUID_IMPLEMENT_LIMITS;
		memcpy(ebx, "Micr", 4);
		memcpy(ecx, "osof", 4);
		memcpy(edx, "t Hv", 4);
		break;
	case HYPERV_CPUID_INTERFACE:
		*eax = HV_SOFT_SIGNATURE;
		break;
	case HYPERV_CPUID_VERSION:
		*eax = HV_SOFT_BUILD;
		*ebx = HV_SOFT_VERSION;
		break;
	case HYPERV_CPUID_FEATURES:
		/*
		 * SynIC, hypercall page, VP index; TSC invariant, so the
		 * guest keeps its TSC clocksource instead of marking it
		 * unstable. PostMessage and SignalEvent.
		 */
		*eax = HV_MSR_SYNIC_AVAILABLE | HV_MSR_HYPERCALL_AVAILABLE |
		       HV_MSR_VP_INDEX_AVAILABLE | HV_ACCESS_TSC_INVARIANT;
		*ebx = HV_POST_MESSAGES | HV_SIGNAL_EVENTS;
		break;
	case HYPERV_CPUID_ENLIGHTMENT_INFO:
		/*
		 * A SINT is a LAPIC IPI here, which needs an EOI: ask the
		 * guest not to use auto-EOI. Never notify on spinlock waits.
		 */
		*eax = HV_DEPRECATING_AEOI_RECOMMENDED;
		*ebx = U32_MAX;
		break;
	case HYPERV_CPUID_IMPLEMENT_LIMITS:
		/*
		 * Asked before the possible CPUs are known: the VP indexes
		 * (CPU + offset) stay below what the build allows.
		 */
		*eax = CONFIG_NR_CPUS + hv_soft_vp_offset;
		*ebx = CONFIG_NR_CPUS;
		break;
	default:
		break;
	}
}
EXPORT_SYMBOL(hv_soft_cpuid);

/* --- The hypercall page --- */

/*
 * The stub the hypercall page holds (35 bytes). Entered like the
 * hypervisor's code: RCX control, RDX input, R8 output; it returns the
 * status in RAX and may clobber R8-R11 and the flags, but RDI and RSI are
 * the caller's, so they are saved. The frame lets the frame-pointer
 * unwinder walk through it (the return address into the stub itself is
 * not kernel text: a trace loses that one frame).
 */
static const u8 hv_soft_stub_head[] = {
	0xf3, 0x0f, 0x1e, 0xfa,		/* endbr64 */
	0x55,				/* push %rbp */
	0x48, 0x89, 0xe5,		/* mov %rsp,%rbp */
	0x57,				/* push %rdi */
	0x56,				/* push %rsi */
	0x48, 0x89, 0xcf,		/* mov %rcx,%rdi */
	0x48, 0x89, 0xd6,		/* mov %rdx,%rsi */
	0x4c, 0x89, 0xc2,		/* mov %r8,%rdx */
	0x48, 0xb8,			/* movabs $hv_soft_hypercall,%rax */
};

static const u8 hv_soft_stub_tail[] = {
	0xff, 0xd0,			/* call *%rax */
	0x5e,				/* pop %rsi */
	0x5f,				/* pop %rdi */
	0x5d,				/* pop %rbp */
	0xc3,				/* ret */
};

#define HV_SOFT_STUB_LEN (sizeof(hv_soft_stub_head) + sizeof(u64) + \
			  sizeof(hv_soft_stub_tail))

static u64 hv_soft_hypercall(u64 control, u64 rdx, u64 r8);

static void hv_soft_build_stub(u8 *buf)
{
	u64 target = (unsigned long)hv_soft_hypercall;

	memcpy(buf, hv_soft_stub_head, sizeof(hv_soft_stub_head));
	memcpy(buf + sizeof(hv_soft_stub_head), &target, sizeof(target));
	memcpy(buf + sizeof(hv_soft_stub_head) + sizeof(target),
	       hv_soft_stub_tail, sizeof(hv_soft_stub_tail));
	/* The rest of the page: int3. */
	memset(buf + HV_SOFT_STUB_LEN, 0xcc, PAGE_SIZE - HV_SOFT_STUB_LEN);
}

static bool hv_soft_kaddr_writable(void *kaddr)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)kaddr, &level);

	return pte && pte_present(*pte) && pte_write(*pte);
}

/*
 * Fill the page at @pfn with the stub: through the direct map when that
 * alias is writable (the kernel's vmalloc'd ROX page), else through a
 * temporary writable mapping (a page in a module's text, whose direct-map
 * alias is read-only), which needs a context that may sleep. Returns
 * false when the page cannot be filled.
 */
static bool hv_soft_fill_hypercall_page(unsigned long pfn)
{
	struct page *page;
	void *kaddr;
	u8 *buf;

	if (!pfn_valid(pfn)) {
		pr_warn("HYPERCALL names PFN %#lx, which is not RAM\n", pfn);
		return false;
	}
	page = pfn_to_page(pfn);
	kaddr = page_address(page);
	if (hv_soft_kaddr_writable(kaddr)) {
		hv_soft_build_stub(kaddr);
		return true;
	}
	if (!preemptible()) {
		pr_warn("HYPERCALL page %#lx is read-only and this context cannot map it\n",
			pfn);
		return false;
	}
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	kaddr = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	if (!buf || !kaddr) {
		kfree(buf);
		if (kaddr)
			vunmap(kaddr);
		return false;
	}
	hv_soft_build_stub(buf);
	memcpy(kaddr, buf, PAGE_SIZE);
	vunmap(kaddr);
	kfree(buf);
	/* Another alias of the page is executable: serialize this CPU. */
	sync_core();
	return true;
}

/* --- Host callbacks --- */

/* Whether the guest's SynIC is connected to the host: pin its module. */
static void hv_soft_connect_change(int delta)
{
	const struct hv_soft_host_ops *ops;
	struct module *put = NULL;
	unsigned long flags;

	raw_spin_lock_irqsave(&hv_soft_host_lock, flags);
	hv_soft_connected_vps += delta;
	ops = rcu_dereference_protected(hv_soft_host,
					lockdep_is_held(&hv_soft_host_lock));
	if (hv_soft_connected_vps && !hv_soft_pinned && ops && ops->owner) {
		__module_get(ops->owner);
		hv_soft_pinned = ops->owner;
	} else if (!hv_soft_connected_vps && hv_soft_pinned) {
		put = hv_soft_pinned;
		hv_soft_pinned = NULL;
	}
	raw_spin_unlock_irqrestore(&hv_soft_host_lock, flags);
	module_put(put);
}

static void hv_soft_notify_eom(u32 vp)
{
	const struct hv_soft_host_ops *ops;

	rcu_read_lock();
	ops = rcu_dereference(hv_soft_host);
	if (ops)
		ops->eom(vp);
	rcu_read_unlock();
}

static void hv_soft_notify_synic(u32 vp)
{
	const struct hv_soft_host_ops *ops;

	rcu_read_lock();
	ops = rcu_dereference(hv_soft_host);
	if (ops)
		ops->synic_changed(vp);
	rcu_read_unlock();
}

int hv_soft_register_host(const struct hv_soft_host_ops *ops)
{
	unsigned long flags;
	int err = 0;

	if (!hv_soft_active)
		return -ENODEV;
	if (!ops || !ops->post_message || !ops->signal_event || !ops->eom ||
	    !ops->synic_changed)
		return -EINVAL;
	raw_spin_lock_irqsave(&hv_soft_host_lock, flags);
	if (rcu_access_pointer(hv_soft_host)) {
		err = -EBUSY;
	} else {
		rcu_assign_pointer(hv_soft_host, ops);
		if (hv_soft_connected_vps && ops->owner) {
			__module_get(ops->owner);
			hv_soft_pinned = ops->owner;
		}
	}
	raw_spin_unlock_irqrestore(&hv_soft_host_lock, flags);
	if (!err)
		pr_info("host %s registered\n",
			ops->owner ? module_name(ops->owner) : "(built-in)");
	return err;
}
EXPORT_SYMBOL_GPL(hv_soft_register_host);

void hv_soft_unregister_host(const struct hv_soft_host_ops *ops)
{
	struct module *put = NULL;
	unsigned long flags;
	bool found;

	raw_spin_lock_irqsave(&hv_soft_host_lock, flags);
	found = rcu_access_pointer(hv_soft_host) == ops;
	if (found) {
		RCU_INIT_POINTER(hv_soft_host, NULL);
		put = hv_soft_pinned;
		hv_soft_pinned = NULL;
	}
	raw_spin_unlock_irqrestore(&hv_soft_host_lock, flags);
	if (!found) {
		pr_warn("unregistering a host that is not registered\n");
		return;
	}
	/* Every callback runs under rcu_read_lock(): wait for them. */
	synchronize_rcu();
	module_put(put);
	pr_info("host unregistered\n");
}
EXPORT_SYMBOL_GPL(hv_soft_unregister_host);

/* --- Hypercalls --- */

static u16 hv_soft_post_message(u64 control, u64 gpa)
{
	const struct hv_soft_host_ops *ops;
	const struct hv_soft_post_input *in;
	u32 conn, rsvd, type, size;
	u16 status;

	if (control & HV_HYPERCALL_FAST_BIT)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (gpa & 7)
		return HV_STATUS_INVALID_ALIGNMENT;
	if (offset_in_page(gpa) + sizeof(*in) > PAGE_SIZE)
		return HV_STATUS_INVALID_ALIGNMENT;
	if (!pfn_valid(PHYS_PFN(gpa)))
		return HV_STATUS_INVALID_PARAMETER;
	in = phys_to_virt(gpa);
	/* The guest's block: each field read once. */
	conn = READ_ONCE(in->connection_id);
	rsvd = READ_ONCE(in->reserved);
	type = READ_ONCE(in->message_type);
	size = READ_ONCE(in->payload_size);
	if (rsvd || (conn & ~GENMASK(23, 0)))
		return HV_STATUS_INVALID_PARAMETER;
	if (!type || (type & BIT(31)))
		return HV_STATUS_INVALID_PARAMETER;
	if (size > HV_MESSAGE_PAYLOAD_BYTE_COUNT)
		return HV_STATUS_INVALID_PARAMETER;

	rcu_read_lock();
	ops = rcu_dereference(hv_soft_host);
	status = ops ? ops->post_message(hv_soft_this_vp(), conn, type,
					 in->payload, size) :
		       HV_STATUS_ACCESS_DENIED;
	rcu_read_unlock();
	return status;
}

static u16 hv_soft_signal_event(u64 control, u64 rdx)
{
	const struct hv_soft_host_ops *ops;
	u64 input;
	u32 conn;
	u16 flag;
	u16 status;

	if (control & HV_HYPERCALL_FAST_BIT) {
		input = rdx;
	} else {
		if (rdx & 7)
			return HV_STATUS_INVALID_ALIGNMENT;
		if (!pfn_valid(PHYS_PFN(rdx)))
			return HV_STATUS_INVALID_PARAMETER;
		input = READ_ONCE(*(u64 *)phys_to_virt(rdx));
	}
	conn = lower_32_bits(input);
	flag = upper_32_bits(input) & 0xffff;
	if (input >> 48)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (conn & ~GENMASK(23, 0))
		return HV_STATUS_INVALID_CONNECTION_ID;
	if (flag >= HV_EVENT_FLAGS_COUNT)
		return HV_STATUS_INVALID_PARAMETER;

	rcu_read_lock();
	ops = rcu_dereference(hv_soft_host);
	status = ops ? ops->signal_event(hv_soft_this_vp(), conn, flag) :
		       HV_STATUS_ACCESS_DENIED;
	rcu_read_unlock();
	return status;
}

/*
 * Called by the stub in the hypercall page, in the caller's context (any:
 * process, softirq, hard IRQ, interrupts off on the panic path). Returns
 * the hypercall result value: status in bits 15:0, reps completed (always
 * 0: no rep hypercall is implemented) in bits 43:32. Called only through
 * its address, so it keeps the standard calling convention.
 */
static noinline u64 hv_soft_hypercall(u64 control, u64 rdx, u64 r8)
{
	u16 code = control & 0xffff;

	if (control & (HV_SOFT_HC_RSVD | HV_HYPERCALL_VARHEAD_MASK |
		       HV_HYPERCALL_REP_COMP_MASK | HV_HYPERCALL_REP_START_MASK))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	switch (code) {
	case HVCALL_POST_MESSAGE:
		return hv_soft_post_message(control, rdx);
	case HVCALL_SIGNAL_EVENT:
		return hv_soft_signal_event(control, rdx);
	default:
		return HV_STATUS_INVALID_HYPERCALL_CODE;
	}
}

/* --- MSRs --- */

/* The direct-map address of an enabled SynIC page, or NULL. */
static void *hv_soft_synic_page(u64 val)
{
	unsigned long pfn = HV_SOFT_PAGE_PFN(val);

	if (!(val & HV_SOFT_PAGE_ENABLE))
		return NULL;
	if (!pfn_valid(pfn)) {
		pr_warn_ratelimited("SynIC page %#lx is not RAM: ignored\n", pfn);
		return NULL;
	}
	return pfn_to_kaddr(pfn);
}

static int hv_soft_vp_rdmsr(u32 msr, u64 *val)
{
	struct hv_soft_vp *v = &hv_soft_vps[raw_smp_processor_id()];
	unsigned long flags;
	int err = 0;

	raw_spin_lock_irqsave(&v->lock, flags);
	switch (msr) {
	case HV_X64_MSR_SCONTROL:
		*val = v->scontrol;
		break;
	case HV_X64_MSR_SVERSION:
		*val = HV_SYNIC_VERSION_1;
		break;
	case HV_X64_MSR_SIMP:
		*val = v->simp;
		break;
	case HV_X64_MSR_SIEFP:
		*val = v->siefp;
		break;
	case HV_X64_MSR_EOM:
		*val = 0;
		break;
	case HV_X64_MSR_SINT0 ... HV_X64_MSR_SINT15:
		*val = v->sint[msr - HV_X64_MSR_SINT0];
		break;
	case HV_X64_MSR_VP_ASSIST_PAGE:
		*val = v->vp_assist;
		break;
	default:
		err = -EIO;
		break;
	}
	raw_spin_unlock_irqrestore(&v->lock, flags);
	return err;
}

int hv_soft_rdmsr(u32 msr, u64 *val)
{
	unsigned long flags;

	*val = 0;
	switch (msr) {
	case HV_X64_MSR_GUEST_OS_ID:
	case HV_X64_MSR_HYPERCALL:
	case HV_X64_MSR_TSC_INVARIANT_CONTROL:
		raw_spin_lock_irqsave(&hv_soft_part_lock, flags);
		if (msr == HV_X64_MSR_GUEST_OS_ID)
			*val = hv_soft_guest_os_id;
		else if (msr == HV_X64_MSR_HYPERCALL)
			*val = hv_soft_hypercall_msr;
		else
			*val = hv_soft_tsc_inv_ctl;
		raw_spin_unlock_irqrestore(&hv_soft_part_lock, flags);
		return 0;
	case HV_X64_MSR_VP_INDEX:
		*val = hv_soft_this_vp();
		return 0;
	default:
		return hv_soft_vp_rdmsr(msr, val);
	}
}
EXPORT_SYMBOL(hv_soft_rdmsr);

static int hv_soft_wr_hypercall(u64 val)
{
	unsigned long flags;
	bool fill;

	/* Reserved bits 11:2 must be zero; bit 1 (locked) is accepted. */
	if (val & GENMASK_ULL(11, 2))
		return -EIO;
	/*
	 * The page can only be enabled once the guest OS id is set; with
	 * nokernelhc, not while the kernel boots.
	 */
	if ((val & HV_SOFT_PAGE_ENABLE) &&
	    (!READ_ONCE(hv_soft_guest_os_id) ||
	     (hv_soft_no_boot_hc && system_state == SYSTEM_BOOTING)))
		val &= ~HV_SOFT_PAGE_ENABLE;
	fill = val & HV_SOFT_PAGE_ENABLE;
	if (fill && !hv_soft_fill_hypercall_page(HV_SOFT_PAGE_PFN(val)))
		val &= ~HV_SOFT_PAGE_ENABLE;
	raw_spin_lock_irqsave(&hv_soft_part_lock, flags);
	hv_soft_hypercall_msr = val;
	raw_spin_unlock_irqrestore(&hv_soft_part_lock, flags);
	return 0;
}

/* Update one VP register under the VP lock; called with it held. */
static int hv_soft_vp_wrmsr_locked(struct hv_soft_vp *v, u32 msr, u64 val,
				   bool *changed, int *connect)
{
	u64 *reg;
	void **page;

	switch (msr) {
	case HV_X64_MSR_SCONTROL:
		if (val & ~HV_SYNIC_CONTROL_ENABLE)
			return -EIO;
		if ((val ^ v->scontrol) & HV_SYNIC_CONTROL_ENABLE)
			*connect = (val & HV_SYNIC_CONTROL_ENABLE) ? 1 : -1;
		*changed = val != v->scontrol;
		v->scontrol = val;
		return 0;
	case HV_X64_MSR_SIMP:
	case HV_X64_MSR_SIEFP:
		if (val & GENMASK_ULL(11, 1))
			return -EIO;
		reg = msr == HV_X64_MSR_SIMP ? &v->simp : &v->siefp;
		page = msr == HV_X64_MSR_SIMP ? &v->simp_page : &v->siefp_page;
		*changed = val != *reg;
		*reg = val;
		*page = hv_soft_synic_page(val);
		/* As KVM does: an enabled page starts zeroed. */
		if (*page && *changed)
			memset(*page, 0, PAGE_SIZE);
		return 0;
	case HV_X64_MSR_SINT0 ... HV_X64_MSR_SINT15:
		if (val & ~(HV_SYNIC_SINT_VECTOR_MASK | HV_SYNIC_SINT_MASKED |
			    HV_SYNIC_SINT_AUTO_EOI | HV_SOFT_SINT_POLLING_BIT))
			return -EIO;
		if (!(val & HV_SYNIC_SINT_MASKED) &&
		    (val & HV_SYNIC_SINT_VECTOR_MASK) < HV_SYNIC_FIRST_VALID_VECTOR)
			return -EIO;
		if ((val & HV_SYNIC_SINT_AUTO_EOI) &&
		    !(val & HV_SYNIC_SINT_MASKED))
			pr_warn_once("SINT%u with auto-EOI: not supported, the guest must EOI (the AEOI-deprecated hint is set)\n",
				     msr - HV_X64_MSR_SINT0);
		reg = &v->sint[msr - HV_X64_MSR_SINT0];
		*changed = val != *reg;
		*reg = val;
		return 0;
	case HV_X64_MSR_VP_ASSIST_PAGE:
		if (val & GENMASK_ULL(11, 1))
			return -EIO;
		v->vp_assist = val;
		return 0;
	case HV_X64_MSR_EOM:
		return 0;
	default:
		return -EIO;
	}
}

int hv_soft_wrmsr(u32 msr, u64 val)
{
	struct hv_soft_vp *v = &hv_soft_vps[raw_smp_processor_id()];
	unsigned long flags;
	bool changed = false;
	int connect = 0;
	int err;

	switch (msr) {
	case HV_X64_MSR_GUEST_OS_ID:
		raw_spin_lock_irqsave(&hv_soft_part_lock, flags);
		hv_soft_guest_os_id = val;
		/* Clearing the guest OS id disables the hypercall page. */
		if (!val)
			hv_soft_hypercall_msr &= ~HV_SOFT_PAGE_ENABLE;
		raw_spin_unlock_irqrestore(&hv_soft_part_lock, flags);
		return 0;
	case HV_X64_MSR_HYPERCALL:
		return hv_soft_wr_hypercall(val);
	case HV_X64_MSR_TSC_INVARIANT_CONTROL:
		if (val & ~1ULL)
			return -EIO;
		raw_spin_lock_irqsave(&hv_soft_part_lock, flags);
		hv_soft_tsc_inv_ctl = val;
		raw_spin_unlock_irqrestore(&hv_soft_part_lock, flags);
		return 0;
	case HV_X64_MSR_VP_INDEX:
	case HV_X64_MSR_SVERSION:
		return -EIO;	/* read-only */
	}

	raw_spin_lock_irqsave(&v->lock, flags);
	err = hv_soft_vp_wrmsr_locked(v, msr, val, &changed, &connect);
	raw_spin_unlock_irqrestore(&v->lock, flags);
	if (err)
		return err;

	/* Tell the host, outside the VP lock. */
	if (connect > 0)
		hv_soft_connect_change(1);
	if (msr == HV_X64_MSR_EOM)
		hv_soft_notify_eom(hv_soft_this_vp());
	else if (changed)
		hv_soft_notify_synic(hv_soft_this_vp());
	if (connect < 0)
		hv_soft_connect_change(-1);
	return 0;
}
EXPORT_SYMBOL(hv_soft_wrmsr);

/* The non-_safe forms: an MSR Hyper-V would #GP on is reported like it. */
u64 hv_soft_rdmsr_unchecked(u32 msr)
{
	u64 val;

	if (hv_soft_rdmsr(msr, &val)) {
		pr_warn_once("unchecked MSR access error: RDMSR from 0x%x at rIP: %pS (soft Hyper-V partition)\n",
			     msr, __builtin_return_address(0));
		dump_stack();
		return 0;
	}
	return val;
}
EXPORT_SYMBOL(hv_soft_rdmsr_unchecked);

void hv_soft_wrmsr_unchecked(u32 msr, u64 val)
{
	if (hv_soft_wrmsr(msr, val)) {
		pr_warn_once("unchecked MSR access error: WRMSR to 0x%x (tried to write 0x%016llx) at rIP: %pS (soft Hyper-V partition)\n",
			     msr, val, __builtin_return_address(0));
		dump_stack();
	}
}
EXPORT_SYMBOL(hv_soft_wrmsr_unchecked);

/* --- Host services --- */

int hv_soft_with_page(u32 vp, enum hv_soft_page which,
		      void (*fn)(void *page, void *arg), void *arg)
{
	struct hv_soft_vp *v;
	unsigned long flags;
	void *page;
	int err = -ENODEV;

	if (!hv_soft_active)
		return -ENODEV;
	v = hv_soft_vp_of(vp);
	if (!v || (which != HV_SOFT_SIMP && which != HV_SOFT_SIEFP))
		return -EINVAL;
	raw_spin_lock_irqsave(&v->lock, flags);
	page = which == HV_SOFT_SIMP ? v->simp_page : v->siefp_page;
	if (page && (v->scontrol & HV_SYNIC_CONTROL_ENABLE)) {
		fn(page, arg);
		err = 0;
	}
	raw_spin_unlock_irqrestore(&v->lock, flags);
	return err;
}
EXPORT_SYMBOL_GPL(hv_soft_with_page);

int hv_soft_raise_sint(u32 vp, u32 sint)
{
	struct hv_soft_vp *v;
	unsigned long flags;
	bool enabled;
	int cpu;
	u64 reg;

	if (!hv_soft_active)
		return -ENODEV;
	cpu = hv_soft_vp_to_cpu(vp);
	if (cpu < 0 || sint >= HV_SYNIC_SINT_COUNT)
		return -EINVAL;
	v = &hv_soft_vps[cpu];
	raw_spin_lock_irqsave(&v->lock, flags);
	reg = v->sint[sint];
	enabled = v->scontrol & HV_SYNIC_CONTROL_ENABLE;
	raw_spin_unlock_irqrestore(&v->lock, flags);

	if (!enabled || !cpu_online(cpu))
		return -ENODEV;
	if (reg & HV_SYNIC_SINT_MASKED)
		return HV_SOFT_SINT_MASKED;
	if (reg & HV_SOFT_SINT_POLLING_BIT)
		return HV_SOFT_SINT_POLLING;
	if ((reg & HV_SYNIC_SINT_VECTOR_MASK) < HV_SYNIC_FIRST_VALID_VECTOR)
		return -EINVAL;
	apic->send_IPI(cpu, reg & HV_SYNIC_SINT_VECTOR_MASK);
	return 0;
}
EXPORT_SYMBOL_GPL(hv_soft_raise_sint);

int hv_soft_get_synic(u32 vp, struct hv_soft_synic *st)
{
	struct hv_soft_vp *v = hv_soft_vp_of(vp);
	unsigned long flags;

	if (!v)
		return -EINVAL;
	raw_spin_lock_irqsave(&v->lock, flags);
	st->scontrol = v->scontrol;
	st->simp = v->simp;
	st->siefp = v->siefp;
	memcpy(st->sint, v->sint, sizeof(st->sint));
	raw_spin_unlock_irqrestore(&v->lock, flags);
	st->cpu_online = cpu_online(hv_soft_vp_to_cpu(vp));
	return 0;
}
EXPORT_SYMBOL_GPL(hv_soft_get_synic);

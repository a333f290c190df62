// SPDX-License-Identifier: GPL-2.0
/*
 * The low-level accessors: the only code in hvg_hypercall that executes
 * CPUID, RDMSR, WRMSR or a hypercall. Everything above goes through the
 * hvg_ll table, so that the KUnit suite can put a model of the hypervisor
 * underneath and check every access.
 *
 * The hypercall page. When the kernel set up Hyper-V at boot, its page is
 * reused through the kernel's own inline helpers (compat.h). Otherwise this
 * module offers a page of its own: a module cannot make memory executable
 * through exported interfaces, but the hypercall page is a GPA overlay, so
 * the hypervisor fills whatever guest page the HYPERCALL MSR names. The page
 * below is reserved, page aligned, inside this module's text, which is
 * already executable. Until the hypervisor overlays it, and again once the
 * MSR is disabled, it holds a function that objtool accepts and that traps
 * if called: ENDBR64 (its address is taken), UD2, then int3 padding.
 * hyperv.c disables the MSR before module exit returns and the text under
 * the overlay is freed. It is called like the kernel calls its own
 * page: indirectly, through a retpoline where those are on. With indirect
 * branch tracking on, the hypervisor's code must start with ENDBR64;
 * hvg_ll_own_page_usable() checks that once the page is enabled.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/string.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <asm/processor.h>
#include <asm/msr.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <hvguest/compat.h>

#include "internal.h"

asm(".pushsection .text, \"ax\"\n"
	".balign 4096\n"
	".globl hvg_ll_hypercall_page\n"
	".type hvg_ll_hypercall_page, @function\n"
	"hvg_ll_hypercall_page:\n"
	".byte 0xf3, 0x0f, 0x1e, 0xfa\n"	/* endbr64 */
	".byte 0x0f, 0x0b\n"			/* ud2 */
	".fill 4090, 1, 0xcc\n"		/* int3 */
	".size hvg_ll_hypercall_page, 4096\n"
	".popsection\n");

unsigned long hvg_ll_own_page_pfn(void)
{
	/* Module text is vmalloc space: look the frame up in the page tables. */
	return vmalloc_to_pfn(hvg_ll_hypercall_page);
}

/* ENDBR64, little endian: f3 0f 1e fa. */
#define HVG_ENDBR64	0xfa1e0ff3u

static bool hvg_ll_real_own_page_usable(void)
{
	u32 first;

	if (!hvg_compat_ibt_enabled())
		return true;
	memcpy(&first, hvg_ll_hypercall_page, sizeof(first));
	return first == HVG_ENDBR64;
}

static void hvg_ll_real_cpuid(u32 leaf, struct hvg_cpuid_regs *r)
{
	cpuid(leaf, &r->eax, &r->ebx, &r->ecx, &r->edx);
}

static int hvg_ll_real_rdmsr(u32 msr, u64 *val)
{
	u32 lo, hi;

	if (rdmsr_safe(msr, &lo, &hi))
		return -EIO;
	*val = ((u64)hi << 32) | lo;
	return 0;
}

static int hvg_ll_real_wrmsr(u32 msr, u64 val)
{
	if (wrmsr_safe(msr, lower_32_bits(val), upper_32_bits(val)))
		return -EIO;
	return 0;
}

/*
 * x86-64 hypercall convention: RCX input value, RDX input (GPA or first
 * fast operand), R8 output (GPA or second fast operand), RAX result; the
 * hypervisor may clobber R9-R11 and the flags.
 */
static u64 hvg_ll_own_call(u64 control, u64 rdx, u64 r8_in)
{
	register u64 r8 asm("r8") = r8_in;
	u64 status;

	asm volatile(CALL_NOSPEC
		     : "=a" (status), ASM_CALL_CONSTRAINT,
		       "+c" (control), "+d" (rdx), "+r" (r8)
		     : THUNK_TARGET(hvg_ll_hypercall_page)
		     : "cc", "memory", "r9", "r10", "r11");
	return status;
}

static u64 hvg_ll_real_hypercall(enum hvg_hc_page page, u64 control,
				 void *input, void *output)
{
	if (page == HVG_HC_PAGE_KERNEL)
		return hvg_compat_kernel_hypercall(control, input, output);
	return hvg_ll_own_call(control, input ? virt_to_phys(input) : 0,
			       output ? virt_to_phys(output) : 0);
}

static u64 hvg_ll_real_hypercall_fast(enum hvg_hc_page page, u64 control,
				      u64 input)
{
	if (page == HVG_HC_PAGE_KERNEL)
		return hvg_compat_kernel_fast_hypercall8(control & 0xffff,
							 input);
	return hvg_ll_own_call(control, input, 0);
}

static bool hvg_ll_real_kernel_hv_ready(void)
{
	return hvg_compat_kernel_hv_ready();
}

static u8 hvg_ll_real_vmbus_vector(void)
{
	return hvg_compat_vmbus_vector_available() ?
		hvg_compat_vmbus_vector() : 0;
}

static void hvg_ll_real_set_vmbus_handler(void (*fn)(void))
{
	hvg_compat_set_vmbus_handler(fn);
}

const struct hvg_ll_ops hvg_ll_real = {
	.get_cpuid = hvg_ll_real_cpuid,
	.read_msr = hvg_ll_real_rdmsr,
	.write_msr = hvg_ll_real_wrmsr,
	.hypercall = hvg_ll_real_hypercall,
	.hypercall_fast = hvg_ll_real_hypercall_fast,
	.kernel_hv_ready = hvg_ll_real_kernel_hv_ready,
	.vmbus_vector = hvg_ll_real_vmbus_vector,
	.set_vmbus_handler = hvg_ll_real_set_vmbus_handler,
	.own_page_usable = hvg_ll_real_own_page_usable,
};

const struct hvg_ll_ops *hvg_ll = &hvg_ll_real;

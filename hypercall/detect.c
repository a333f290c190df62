// SPDX-License-Identifier: GPL-2.0
/*
 * Hypervisor detection: decode the CPUID leaves that the TLFS defines into
 * one struct hvg_hv_info and decide whether this is a Hyper-V that offers
 * everything a VMBus client needs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/seq_file.h>
#include <linux/printk.h>

#include "internal.h"

/* A privilege the VMBus client cannot do without. */
struct hvg_required_priv {
	const char *name;
	bool high;		/* EBX (hypercalls) rather than EAX (MSRs) */
	u32 bit;
};

static const struct hvg_required_priv hvg_required_privs[] = {
	{ "hypercall MSRs", false, HVG_PRIV_HYPERCALL },
	{ "VP index MSR", false, HVG_PRIV_VP_INDEX },
	{ "SynIC MSRs", false, HVG_PRIV_SYNIC },
	{ "PostMessage hypercall", true, HVG_PRIV_HI_POST_MESSAGES },
	{ "SignalEvent hypercall", true, HVG_PRIV_HI_SIGNAL_EVENTS },
};

static void hvg_copy_vendor(char *dst, const struct hvg_cpuid_regs *r)
{
	int i;

	memcpy(dst, &r->ebx, 4);
	memcpy(dst + 4, &r->ecx, 4);
	memcpy(dst + 8, &r->edx, 4);
	for (i = 0; i < 12; i++)
		if (!isprint(dst[i]))
			dst[i] = '.';
	dst[12] = '\0';
}

static __printf(3, 4)
int hvg_refuse(struct hvg_hv_info *info, int status, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(info->reason, sizeof(info->reason), fmt, args);
	va_end(args);
	info->status = status;
	return status;
}

static int hvg_check_privileges(struct hvg_hv_info *info)
{
	size_t len = 0;
	unsigned int i;
	bool missing = false;

	for (i = 0; i < ARRAY_SIZE(hvg_required_privs); i++) {
		const struct hvg_required_priv *p = &hvg_required_privs[i];
		u32 word = p->high ? info->priv_hi : info->priv_lo;

		if (word & p->bit)
			continue;
		len += scnprintf(info->reason + len, sizeof(info->reason) - len,
				 "%s%s (CPUID 0x40000003 %s bit %lu)",
				 missing ? ", " : "missing required privilege: ",
				 p->name, p->high ? "EBX" : "EAX",
				 __ffs(p->bit));
		missing = true;
	}
	if (missing) {
		info->status = -EOPNOTSUPP;
		return info->status;
	}
	return 0;
}

/**
 * hvg_hv_detect() - read and judge the hypervisor's CPUID leaves
 * @info: filled in completely, whatever the result
 *
 * Return: 0 for a usable Hyper-V; -ENODEV when there is no hypervisor or it
 * is not Hyper-V; -EOPNOTSUPP for a Hyper-V that lacks a required feature
 * or privilege, or that runs this guest isolated. @info->reason says why.
 */
int hvg_hv_detect(struct hvg_hv_info *info)
{
	struct hvg_cpuid_regs r;

	memset(info, 0, sizeof(*info));

	hvg_ll->get_cpuid(1, &r);
	info->hypervisor = r.ecx & HVG_CPUID_FEATURES_ECX_HYPERVISOR;
	if (!info->hypervisor)
		return hvg_refuse(info, -ENODEV,
				  "no hypervisor (CPUID.1:ECX bit 31 clear)");

	hvg_ll->get_cpuid(HVG_CPUID_VENDOR_AND_MAX, &r);
	info->max_leaf = r.eax;
	hvg_copy_vendor(info->vendor, &r);
	if (memcmp(info->vendor, HVG_CPUID_VENDOR_HYPERV, 12))
		return hvg_refuse(info, -ENODEV,
				  "hypervisor vendor is \"%s\", not \"%s\"",
				  info->vendor, HVG_CPUID_VENDOR_HYPERV);
	if (info->max_leaf < HVG_CPUID_MIN_MAX_LEAF)
		return hvg_refuse(info, -ENODEV,
				  "max hypervisor CPUID leaf %#x is below %#x",
				  info->max_leaf, HVG_CPUID_MIN_MAX_LEAF);

	hvg_ll->get_cpuid(HVG_CPUID_INTERFACE, &r);
	info->interface = r.eax;
	if (info->interface != HVG_CPUID_INTERFACE_HV1)
		return hvg_refuse(info, -ENODEV,
				  "hypervisor interface %#x is not \"Hv#1\"",
				  info->interface);

	hvg_ll->get_cpuid(HVG_CPUID_VERSION, &r);
	info->build = r.eax;
	info->major = r.ebx >> 16;
	info->minor = r.ebx & 0xffff;
	info->service_pack = r.ecx;

	hvg_ll->get_cpuid(HVG_CPUID_FEATURES, &r);
	info->priv_lo = r.eax;
	info->priv_hi = r.ebx;
	info->features = r.edx;

	hvg_ll->get_cpuid(HVG_CPUID_ENLIGHTENMENT, &r);
	info->hints = r.eax;

	hvg_ll->get_cpuid(HVG_CPUID_LIMITS, &r);
	info->max_vps = r.eax;
	info->max_lps = r.ebx;

	if (info->max_leaf >= HVG_CPUID_ISOLATION &&
	    (info->priv_hi & HVG_PRIV_HI_ISOLATION)) {
		hvg_ll->get_cpuid(HVG_CPUID_ISOLATION, &r);
		info->isolation_type = r.ebx & HVG_ISOLATION_TYPE_MASK;
	}

	if (hvg_check_privileges(info))
		return info->status;

	if (info->isolation_type)
		return hvg_refuse(info, -EOPNOTSUPP,
				  "isolated VM (isolation type %u) is not supported",
				  info->isolation_type);

	info->status = 0;
	return 0;
}

/* The one line that summarises detection. */
void hvg_hv_info_log(const struct hvg_hv_info *info)
{
	if (info->status == -ENODEV) {
		pr_info("no Hyper-V found: %s\n", info->reason);
		return;
	}
	if (info->status) {
		pr_warn("Hyper-V %u.%u build %u, max leaf %#x, privileges %#x:%#x: unusable: %s\n",
			info->major, info->minor, info->build, info->max_leaf,
			info->priv_hi, info->priv_lo, info->reason);
		return;
	}
	pr_info("Hyper-V %u.%u build %u, max leaf %#x, privileges %#x:%#x, features %#x, hints %#x, max VPs %u\n",
		info->major, info->minor, info->build, info->max_leaf,
		info->priv_hi, info->priv_lo, info->features, info->hints,
		info->max_vps);
}

/* debugfs: hvguest/hypercall/info */
void hvg_hv_info_show(struct seq_file *m, const struct hvg_hv_info *info)
{
	seq_printf(m, "hypervisor_present: %d\n", info->hypervisor);
	seq_printf(m, "vendor: %s\n", info->vendor);
	seq_printf(m, "max_leaf: %#x\n", info->max_leaf);
	seq_printf(m, "interface: %#x\n", info->interface);
	seq_printf(m, "version: %u.%u build %u service_pack %u\n",
		   info->major, info->minor, info->build, info->service_pack);
	seq_printf(m, "privileges_eax: %#x\n", info->priv_lo);
	seq_printf(m, "privileges_ebx: %#x\n", info->priv_hi);
	seq_printf(m, "features_edx: %#x\n", info->features);
	seq_printf(m, "hints: %#x\n", info->hints);
	seq_printf(m, "max_vps: %u\n", info->max_vps);
	seq_printf(m, "max_lps: %u\n", info->max_lps);
	seq_printf(m, "isolation_type: %u\n", info->isolation_type);
	seq_printf(m, "usable: %s\n", info->status ? "no" : "yes");
	if (info->status)
		seq_printf(m, "reason: %s\n", info->reason);
}

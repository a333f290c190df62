// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_hypercall: the hypercall adapter module. Detects Hyper-V, sets up the
 * real backend when there is one (hyperv.c, synic.c), keeps the backend
 * registry (adapter.c) and owns the debugfs directory /sys/kernel/debug/hvguest.
 *
 * Documentation/hypercall.rst describes parameters and debugfs files.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "internal.h"

static int hvg_param_backend_set(const char *val, const struct kernel_param *kp)
{
	return hvg_hv_mode_parse(val, &hvg_hv_mode);
}

static int hvg_param_backend_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", hvg_hv_mode_name(hvg_hv_mode));
}

static const struct kernel_param_ops hvg_param_backend_ops = {
	.set = hvg_param_backend_set,
	.get = hvg_param_backend_get,
};

module_param_cb(backend, &hvg_param_backend_ops, NULL, 0444);
MODULE_PARM_DESC(backend,
		 "Which backend hvg_vmbus gets: auto (Hyper-V if present, else a software backend such as hvg_loophost), hyperv, or loopback (default auto)");

static unsigned int poll_interval_us = 1000;
module_param(poll_interval_us, uint, 0444);
MODULE_PARM_DESC(poll_interval_us,
		 "SynIC polling period in microseconds, used on Hyper-V only when the kernel offers no VMBus interrupt hook (100-1000000, default 1000)");

/* Written once at init, read-only afterwards. */
static struct hvg_hv_info hvg_info;
static struct dentry *hvg_debugfs_top;
static struct dentry *hvg_debugfs_dir;

struct dentry *hvg_debugfs_root(void)
{
	return hvg_debugfs_top;
}
EXPORT_SYMBOL_GPL(hvg_debugfs_root);

static int hvg_info_show(struct seq_file *m, void *unused)
{
	hvg_hv_info_show(m, &hvg_info);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvg_info);

static int hvg_backends_show(struct seq_file *m, void *unused)
{
	hvg_hv_registry_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvg_backends);

static int hvg_stats_show(struct seq_file *m, void *unused)
{
	hvg_hyperv_stats_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvg_stats);

static void hvg_debugfs_init(void)
{
	hvg_debugfs_top = debugfs_create_dir("hvguest", NULL);
	hvg_debugfs_dir = debugfs_create_dir("hypercall", hvg_debugfs_top);
	debugfs_create_file("info", 0444, hvg_debugfs_dir, NULL,
			    &hvg_info_fops);
	debugfs_create_file("backends", 0444, hvg_debugfs_dir, NULL,
			    &hvg_backends_fops);
	debugfs_create_file("stats", 0444, hvg_debugfs_dir, NULL,
			    &hvg_stats_fops);
}

static int __init hvg_hypercall_init(void)
{
	char why[HVG_REASON_LEN];
	int err;

	if (poll_interval_us < 100 || poll_interval_us > 1000000) {
		pr_err("poll_interval_us=%u is outside 100-1000000\n",
		       poll_interval_us);
		return -EINVAL;
	}
	hvg_hyperv_poll_ns = (u64)poll_interval_us * NSEC_PER_USEC;
	hvg_ll = &hvg_ll_real;

	hvg_hv_detect(&hvg_info);
	hvg_hv_info_log(&hvg_info);

	if (hvg_hv_mode == HVG_MODE_LOOPBACK) {
		hvg_hv_set_real_unavailable("not used with backend=loopback");
		pr_info("backend=loopback: waiting for a software backend to register (modprobe hvg_loophost)\n");
	} else if (hvg_info.status) {
		snprintf(why, sizeof(why), "%s", hvg_info.reason);
		hvg_hv_set_real_unavailable(why);
		if (hvg_hv_mode == HVG_MODE_HYPERV) {
			pr_err("backend=hyperv, but Hyper-V is not usable: %s\n",
			       hvg_info.reason);
			return hvg_info.status;
		}
		pr_info("no Hyper-V backend; waiting for a software backend to register (modprobe hvg_loophost)\n");
	} else {
		err = hvg_hyperv_init(&hvg_info);
		if (err) {
			snprintf(why, sizeof(why),
				 "Hyper-V set-up failed (%d), see earlier messages",
				 err);
			hvg_hv_set_real_unavailable(why);
			if (hvg_hv_mode == HVG_MODE_HYPERV)
				return err;
			pr_info("Hyper-V backend unavailable; waiting for a software backend to register (modprobe hvg_loophost)\n");
		}
	}

	hvg_debugfs_init();
	return 0;
}

static void __exit hvg_hypercall_exit(void)
{
	debugfs_remove_recursive(hvg_debugfs_top);
	/* Disables this module's hypercall page before its text is freed. */
	hvg_hyperv_exit();
}

module_init(hvg_hypercall_init);
module_exit(hvg_hypercall_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hyper-V hypercall adapter (hvguest)");

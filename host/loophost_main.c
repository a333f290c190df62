// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_loophost: the loopback host, a software Hyper-V parent partition.
 *
 * At load it builds one SynIC model (synic.c) with its own pages and the
 * software interrupt sink (VP index = CPU number), starts the VMBus server
 * on it (vmbus_server.c: offers, GPADLs, channels; channel.c: the data
 * path; echo.c: the echo test device; faults.c: the debugfs controls) and
 * registers both, as hvg_hypercall's software backend, behind the ops
 * table of include/hvguest/hypercall.h. hvg_vmbus
 * then runs on it as it would on Hyper-V. See Documentation/loophost.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <hvguest/hypercall.h>
#include <hvguest/vmbus_proto.h>

#include "synic.h"
#include "vmbus_server.h"
#include "server_internal.h"
#include "storvsp.h"
#include "netvsp.h"
#include "soft_front.h"

static char hvg_lh_version_param[8] = "5.3";
module_param_string(version, hvg_lh_version_param,
		    sizeof(hvg_lh_version_param), 0444);
MODULE_PARM_DESC(version,
		 "VMBus version the host answers as: 5.3 (default), 5.2, 5.1, 5.0, 4.1, 4.0, 3.0 or 2.4; none: refuse every version (each INITIATE_CONTACT answered version_supported = 0)");

static unsigned int hvg_lh_echo_devices = 1;
module_param_named(echo_devices, hvg_lh_echo_devices, uint, 0444);
MODULE_PARM_DESC(echo_devices,
		 "Echo test devices offered at load (default 1; more with loophost_ctl/offer)");

static bool hvg_lh_monitor_allocated;
module_param_named(monitor_allocated, hvg_lh_monitor_allocated, bool, 0444);
MODULE_PARM_DESC(monitor_allocated,
		 "Offer channels with a monitor id and poll the guest's monitor page for their signals (default off: the guest uses HvSignalEvent)");

static char hvg_lh_frontend_param[8] = "auto";
module_param_string(frontend, hvg_lh_frontend_param,
		    sizeof(hvg_lh_frontend_param), 0444);
MODULE_PARM_DESC(frontend,
		 "Who the guest is: auto (default: hv_soft when the kernel was booted with hv_soft, else hvg), hvg (hvg_hypercall's software backend) or hv_soft (the soft Hyper-V partition: upstream's drivers, or hvg with backend=hyperv)");

/* Set at init, cleared at exit; nothing else writes them. */
static bool hvg_lh_soft;
static struct hvg_lh_synic *hvg_lh_model;
static struct hvg_lh_server *hvg_lh_srv;
static struct dentry *hvg_lh_debugfs;

/* Retries of HvPostMessage while the model is short of buffers. */
#define HVG_LH_POST_RETRIES	8
#define HVG_LH_POST_BACKOFF_US	100

static int hvg_lh_post_message(struct hvg_hv_backend *hv, u32 connection_id,
			       u32 message_type, const void *payload,
			       u32 payload_size, u32 flags)
{
	unsigned int attempt, delay = HVG_LH_POST_BACKOFF_US;
	u16 status;

	if (payload_size > HVG_MESSAGE_PAYLOAD_BYTES)
		return -EMSGSIZE;
	if (connection_id & ~HVG_CONNECTION_ID_MASK || !message_type ||
	    message_type >= 0x80000000 || (payload_size && !payload) ||
	    (flags & ~HVG_POST_NOSLEEP))
		return -EINVAL;
	if (!(flags & HVG_POST_NOSLEEP))
		might_sleep();
	/* A panicking guest's UNLOAD: answered now, the guest polls. */
	if (unlikely(oops_in_progress) &&
	    hvg_lh_server_panic_message(hvg_lh_srv, connection_id,
					message_type, payload, payload_size))
		return 0;

	for (attempt = 0; ; attempt++) {
		status = hvg_lh_synic_hc_post_message(hv->priv, connection_id,
						      message_type, payload,
						      payload_size);
		/* The same retry rules as the Hyper-V backend (hypercall.h). */
		if (!hvg_hv_post_retryable(status, message_type, payload,
					   payload_size))
			break;
		if (attempt == HVG_LH_POST_RETRIES)
			break;
		if (!(flags & HVG_POST_NOSLEEP))
			usleep_range(delay, delay + delay / 4);
		else if (delay >= USEC_PER_MSEC)
			mdelay(delay / USEC_PER_MSEC);
		else
			udelay(delay);
		delay *= 2;
	}
	return hvg_hv_status_to_errno(status);
}

static int hvg_lh_signal_event(struct hvg_hv_backend *hv, u32 connection_id)
{
	u16 status;

	if (connection_id & ~HVG_CONNECTION_ID_MASK)
		return -EINVAL;
	status = hvg_lh_synic_hc_signal_event(hv->priv, connection_id, 0);
	return hvg_hv_status_to_errno(status);
}

static struct hvg_synic_message_page *
hvg_lh_message_page(struct hvg_hv_backend *hv, unsigned int cpu)
{
	return cpu < nr_cpu_ids ? hvg_lh_synic_message_page(hv->priv, cpu) :
				  NULL;
}

static struct hvg_synic_event_page *
hvg_lh_event_page(struct hvg_hv_backend *hv, unsigned int cpu)
{
	return cpu < nr_cpu_ids ? hvg_lh_synic_event_page(hv->priv, cpu) :
				  NULL;
}

/* The software sink delivers VP n's interrupts on CPU n. */
static u32 hvg_lh_vp_index(struct hvg_hv_backend *hv, unsigned int cpu)
{
	return cpu < nr_cpu_ids ? cpu : HVG_VP_INDEX_INVALID;
}

static void hvg_lh_eom(struct hvg_hv_backend *hv)
{
	unsigned int cpu = smp_processor_id();
	struct hvg_synic_message_page *page;
	struct hvg_synic_message *slot;

	page = hvg_lh_synic_message_page(hv->priv, cpu);
	if (!page)
		return;
	slot = &page->sint_message[HVG_VMBUS_MESSAGE_SINT];
	WRITE_ONCE(slot->header.message_type, HVG_MSGTYPE_NONE);
	/*
	 * Full barrier: the slot reads as free before message_flags is
	 * sampled. Pairs with the model's smp_mb() between setting
	 * message_pending on a busy slot and reading message_type again
	 * (hvg_lh_slot_fill): one of the two sides refills the slot.
	 */
	smp_mb();
	if (READ_ONCE(slot->header.message_flags) & HVG_MSGFLAG_PENDING)
		hvg_lh_synic_eom(hv->priv, cpu);
}

static int hvg_lh_register_handler(struct hvg_hv_backend *hv,
				   hvg_hv_handler_t handler, void *ctx)
{
	return hvg_lh_synic_set_handler(hv->priv, handler, ctx);
}

static void hvg_lh_unregister_handler(struct hvg_hv_backend *hv)
{
	hvg_lh_synic_clear_handler(hv->priv);
}

/* Asked before a CPU goes offline, as the Hyper-V backend asks (synic.c). */
static int hvg_lh_set_offline_check(struct hvg_hv_backend *hv,
				    hvg_hv_offline_check_t check, void *ctx)
{
	return hvg_lh_synic_set_offline_check(hv->priv, check, ctx);
}

static const struct hvg_hv_ops hvg_lh_ops = {
	.post_message = hvg_lh_post_message,
	.signal_event = hvg_lh_signal_event,
	.message_page = hvg_lh_message_page,
	.event_page = hvg_lh_event_page,
	.vp_index = hvg_lh_vp_index,
	.eom = hvg_lh_eom,
	.register_handler = hvg_lh_register_handler,
	.unregister_handler = hvg_lh_unregister_handler,
	.set_offline_check = hvg_lh_set_offline_check,
};

static struct hvg_hv_backend hvg_lh_backend = {
	.name = "loophost",
	.owner = THIS_MODULE,
	.ops = &hvg_lh_ops,
};

static int hvg_lh_debugfs_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	hvg_lh_server_show(hvg_lh_srv, m);
	for (i = 0; i < HVG_LH_NR_STATS; i++)
		seq_printf(m, "synic_%s: %lu\n", hvg_lh_stat_name(i),
			   hvg_lh_synic_stat(hvg_lh_model, i));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvg_lh_debugfs);

/*
 * "5.3" -> 0x00050003, "none" -> 0 (refuse every version).
 * Return: 0 and *@version, or -EINVAL if it is none of the eight versions.
 */
static int hvg_lh_parse_version(const char *s, u32 *version)
{
	unsigned int major, minor;
	char end;

	if (sysfs_streq(s, "none")) {
		*version = 0;
		return 0;
	}
	if (sscanf(s, "%u.%u%c", &major, &minor, &end) != 2 ||
	    major > 0xffff || minor > 0xffff)
		return -EINVAL;
	if (!hvg_lh_server_version_known(major << 16 | minor))
		return -EINVAL;
	*version = major << 16 | minor;
	return 0;
}

static int __init hvg_loophost_init(void)
{
	struct hvg_lh_synic_config cfg = {
		.nr_vps = nr_cpu_ids,
		.slot_depth = 64,
		.rx_depth = 64,
	};
	struct hvg_lh_server_config srv_cfg = {
		.echo_devices = hvg_lh_echo_devices,
		.monitor_allocated = hvg_lh_monitor_allocated,
	};
	u32 version;
	int err;

	if (hvg_lh_parse_version(hvg_lh_version_param, &version)) {
		pr_err("version=%s is not one of 5.3, 5.2, 5.1, 5.0, 4.1, 4.0, 3.0, 2.4, none\n",
		       hvg_lh_version_param);
		return -EINVAL;
	}
	if (sysfs_streq(hvg_lh_frontend_param, "auto")) {
		hvg_lh_soft = hvg_lh_soft_available();
	} else if (sysfs_streq(hvg_lh_frontend_param, "hv_soft")) {
		if (!hvg_lh_soft_available()) {
			pr_err("frontend=hv_soft, but the kernel was not booted with hv_soft (or has no CONFIG_HYPERV_SOFT)\n");
			return -ENODEV;
		}
		hvg_lh_soft = true;
	} else if (!sysfs_streq(hvg_lh_frontend_param, "hvg")) {
		pr_err("frontend=%s is not one of auto, hvg, hv_soft\n",
		       hvg_lh_frontend_param);
		return -EINVAL;
	}
	if (IS_ENABLED(CONFIG_HYPERV_SOFT) && hvg_lh_soft) {
		/* The guest's pages and VP indexes, hv_soft's interrupts. */
		cfg.nr_vps = hvg_lh_soft_nr_vps();
		cfg.pages = &hvg_lh_soft_pages;
		cfg.sink = &hvg_lh_soft_sink;
	}

	hvg_lh_model = hvg_lh_synic_create(&cfg);
	if (IS_ERR(hvg_lh_model)) {
		err = PTR_ERR(hvg_lh_model);
		goto err_out;
	}
	srv_cfg.host_version = version;
	srv_cfg.nr_vps = cfg.nr_vps;
	/* The software sink's VP n is CPU n: CPU 0 is VP 0. */
	if (IS_ENABLED(CONFIG_HYPERV_SOFT) && hvg_lh_soft)
		srv_cfg.boot_vp = hvg_lh_soft_boot_vp();
	hvg_lh_srv = hvg_lh_server_create(hvg_lh_model, &srv_cfg);
	if (IS_ERR(hvg_lh_srv)) {
		err = PTR_ERR(hvg_lh_srv);
		goto err_model;
	}
	err = hvg_lh_storvsp_init(hvg_lh_srv);
	if (!err)
		err = hvg_lh_netvsp_init(hvg_lh_srv);
	if (err)
		goto err_server;
	if (hvg_lh_soft) {
		err = hvg_lh_soft_start(hvg_lh_model, hvg_lh_srv);
		if (err) {
			pr_err("cannot register as hv_soft's host: %d\n", err);
			goto err_server;
		}
	} else {
		hvg_lh_backend.priv = hvg_lh_model;
		err = hvg_hv_register_backend(&hvg_lh_backend);
		if (err) {
			pr_err("cannot register as the software backend: %d\n",
			       err);
			goto err_server;
		}
	}
	hvg_lh_debugfs = debugfs_create_file("loophost", 0444,
					     hvg_debugfs_root(), NULL,
					     &hvg_lh_debugfs_fops);
	hvg_lh_ctl_create(hvg_lh_srv, hvg_debugfs_root());
	hvg_lh_netvsp_debugfs(hvg_debugfs_root());
	if (version)
		pr_info("serving VMBus %u.%u on %u VPs, %u echo device(s), front end %s\n",
			version >> 16, version & 0xffff, cfg.nr_vps,
			hvg_lh_echo_devices, hvg_lh_soft ? "hv_soft" : "hvg");
	else
		pr_info("refusing every VMBus version (version=none) on %u VPs, front end %s\n",
			cfg.nr_vps, hvg_lh_soft ? "hv_soft" : "hvg");
	return 0;

err_server:
	hvg_lh_server_destroy(hvg_lh_srv);
	hvg_lh_storvsp_exit();
	hvg_lh_netvsp_exit();
err_model:
	hvg_lh_synic_destroy(hvg_lh_model);
err_out:
	pr_err("not loaded: %d\n", err);
	return err;
}

static void __exit hvg_loophost_exit(void)
{
	int err;

	hvg_lh_ctl_destroy();
	debugfs_remove(hvg_lh_debugfs);
	if (hvg_lh_soft) {
		/* hv_soft pinned us while the guest's SynIC was on. */
		hvg_lh_soft_stop();
	} else {
		/* No user: hvg_hv_get() pins this module while hvg_vmbus runs. */
		err = hvg_hv_unregister_backend(&hvg_lh_backend);
		WARN_ON_ONCE(err);
	}
	hvg_lh_server_destroy(hvg_lh_srv);
	hvg_lh_storvsp_exit();
	hvg_lh_netvsp_exit();
	hvg_lh_synic_destroy(hvg_lh_model);
}

module_init(hvg_loophost_init);
module_exit(hvg_loophost_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvguest loopback host: software Hyper-V host (SynIC model, VMBus server, echo test device)");

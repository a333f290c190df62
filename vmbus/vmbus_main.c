// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_vmbus: the VMBus channel core.
 *
 * At load it acquires a hypercall backend (with none, no Hyper-V and no
 * software host, there is no bus, and loading fails with a message that
 * says what to do), registers the bus "vmbus" (bus.c) and connects to the
 * host behind the backend (connection.c): version negotiation,
 * REQUESTOFFERS. Offers become devices on the bus as they arrive.
 *
 * At unload every device is removed first (the drivers close their
 * channels), then UNLOAD is sent, then the channels are freed: after
 * UNLOAD the host has dropped every relid and GPADL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <hvguest/hypercall.h>

#include "channel.h"
#include "connection.h"

/* Set at init, cleared at exit; nothing else writes them. */
static struct hvg_hv_backend *hvg_vmbus_hv;
static struct dentry *hvg_vmbus_debugfs;

struct dentry *hvg_vmbus_debugfs_root(void)
{
	return hvg_vmbus_debugfs;
}

static int __init hvg_vmbus_init(void)
{
	struct hvg_hv_backend *hv = hvg_hv_get();
	int err;

	if (IS_ERR(hv)) {
		if (PTR_ERR(hv) == -EBUSY)
			pr_err("the hypercall backend is already in use\n");
		else
			pr_err("no hypercall backend: load the loopback host first (modprobe hvg_loophost), or run on Hyper-V\n");
		return PTR_ERR(hv);
	}
	pr_info("using the \"%s\" hypercall backend\n", hv->name);
	hvg_vmbus_debugfs = debugfs_create_dir("vmbus", hvg_debugfs_root());

	err = hvg_chan_init();
	if (err)
		goto err_debugfs;
	err = hvg_bus_init();
	if (err)
		goto err_chan;
	err = hvg_vmbus_connect(hv);
	if (err) {
		pr_err("cannot connect to the host: %d\n", err);
		goto err_bus;
	}
	/* The offers are devices when the load returns. */
	hvg_bus_settle();
	hvg_vmbus_hv = hv;
	return 0;

err_bus:
	/* Offers that came before the failure: devices, then channels. */
	hvg_bus_remove_all();
	hvg_bus_exit();
err_chan:
	hvg_chan_exit();
err_debugfs:
	debugfs_remove_recursive(hvg_vmbus_debugfs);
	hvg_vmbus_debugfs = NULL;
	hvg_hv_put(hv);
	return err;
}

static void __exit hvg_vmbus_exit(void)
{
	hvg_bus_remove_all();
	hvg_vmbus_disconnect();
	hvg_bus_exit();
	hvg_chan_exit();
	debugfs_remove_recursive(hvg_vmbus_debugfs);
	hvg_vmbus_debugfs = NULL;
	hvg_hv_put(hvg_vmbus_hv);
	hvg_vmbus_hv = NULL;
}

module_init(hvg_vmbus_init);
module_exit(hvg_vmbus_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hyper-V VMBus channel core (hvguest): connection, offers and devices on the bus vmbus, channels, GPADLs, request ids");

// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_vmbus: the VMBus channel core.
 *
 * At load it acquires a hypercall backend (with none, no Hyper-V and no
 * software host, there is no bus, and loading fails with a message that says
 * what to do) and connects to the host behind it (connection.c): version
 * negotiation, REQUESTOFFERS. At unload it sends UNLOAD and gives the
 * backend back. Offers, devices and channels come in later changes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/err.h>
#include <hvguest/hypercall.h>

#include "connection.h"

/* Set at init, cleared at exit; nothing else touches it. */
static struct hvg_hv_backend *hvg_vmbus_hv;

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
	err = hvg_vmbus_connect(hv);
	if (err) {
		pr_err("cannot connect to the host: %d\n", err);
		hvg_hv_put(hv);
		return err;
	}
	hvg_vmbus_hv = hv;
	return 0;
}

static void __exit hvg_vmbus_exit(void)
{
	hvg_vmbus_disconnect();
	hvg_hv_put(hvg_vmbus_hv);
	hvg_vmbus_hv = NULL;
}

module_init(hvg_vmbus_init);
module_exit(hvg_vmbus_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hyper-V VMBus channel core (hvguest): connection and version negotiation so far");

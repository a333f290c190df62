// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_loophost: the loopback host, a software Hyper-V parent partition.
 *
 * So far it carries only the SynIC model (synic.c): message slots with the
 * message_pending/EOM protocol, event flags, and the guest side of
 * HvPostMessage, HvSignalEvent and EOM, tested by the KUnit suite
 * hvg_loophost_synic. Without the VMBus server there is nothing to serve, so
 * the module creates no model instance and registers no hypercall backend:
 * hvg_vmbus keeps refusing to load on a machine without Hyper-V, saying why.
 * See Documentation/loophost.rst.
 */
#include <linux/module.h>

#include "synic.h"

static int __init hvg_loophost_init(void)
{
	return 0;
}

static void __exit hvg_loophost_exit(void)
{
}

module_init(hvg_loophost_init);
module_exit(hvg_loophost_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvguest loopback host: software Hyper-V host (SynIC model only; registers no backend yet)");

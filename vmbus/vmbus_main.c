// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_vmbus: the VMBus channel core.
 *
 * Not implemented yet: this module only loads and unloads. It binds no
 * device and registers nothing, so that nothing pretends to work before the
 * driver itself lands.
 */
#include <linux/module.h>

static int __init hvg_vmbus_init(void)
{
	return 0;
}

static void __exit hvg_vmbus_exit(void)
{
}

module_init(hvg_vmbus_init);
module_exit(hvg_vmbus_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hyper-V VMBus channel core (hvguest)");

// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_loophost: the loopback host, a software Hyper-V parent partition.
 *
 * Not implemented yet: this module only loads and unloads. It binds no
 * device and registers nothing, so that nothing pretends to work before the
 * driver itself lands.
 */
#include <linux/module.h>

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
MODULE_DESCRIPTION("hvguest loopback host: software Hyper-V host (not implemented yet, registers no backend)");

// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_netvsc: Hyper-V synthetic network driver (hv_netvsc).
 *
 * Not implemented yet: this module only loads and unloads. It binds no
 * device and registers nothing, so that nothing pretends to work before the
 * driver itself lands.
 */
#include <linux/module.h>

static int __init hvg_netvsc_init(void)
{
	return 0;
}

static void __exit hvg_netvsc_exit(void)
{
}

module_init(hvg_netvsc_init);
module_exit(hvg_netvsc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hyper-V synthetic network driver (hvguest; not implemented yet, binds nothing)");

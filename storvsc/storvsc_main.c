// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_storvsc: Hyper-V synthetic SCSI storage driver (hv_storvsc).
 *
 * Not implemented yet: this module only loads and unloads. It binds no
 * device and registers nothing, so that nothing pretends to work before the
 * driver itself lands.
 */
#include <linux/module.h>

static int __init hvg_storvsc_init(void)
{
	return 0;
}

static void __exit hvg_storvsc_exit(void)
{
}

module_init(hvg_storvsc_init);
module_exit(hvg_storvsc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hyper-V synthetic storage driver (hvguest; not implemented yet, binds nothing)");

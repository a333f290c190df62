// SPDX-License-Identifier: GPL-2.0
/*
 * hvg_kunit: every hvguest KUnit suite, in one module. Loading it runs the
 * suites; results are in the kernel log and in /sys/kernel/debug/kunit/.
 */
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvguest KUnit suites (loading the module runs them)");

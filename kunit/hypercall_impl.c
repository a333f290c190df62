// SPDX-License-Identifier: GPL-2.0
/*
 * The hypercall adapter, compiled into the test module so that the KUnit
 * suite (hypercall_test.c) can drive it against a fake hypervisor:
 * hvg_hypercall.ko has its own copy, and an object file may belong to one
 * module only. This copy exports nothing: hvg_hypercall.ko may be loaded
 * beside the test module, and a symbol may be exported only once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#undef EXPORT_SYMBOL_GPL
#define EXPORT_SYMBOL_GPL(sym)

#include "../hypercall/lowlevel.c"
#include "../hypercall/detect.c"
#include "../hypercall/adapter.c"
#include "../hypercall/hyperv.c"
#include "../hypercall/synic.c"

// SPDX-License-Identifier: GPL-2.0
/*
 * The request-id allocator, compiled into the test module: hvg_vmbus.ko
 * has its own copy (and exports it), and an object file may belong to one
 * module only.
 */
#include <linux/export.h>
#undef EXPORT_SYMBOL_GPL
#define EXPORT_SYMBOL_GPL(sym)
#include "../vmbus/rqid.c"

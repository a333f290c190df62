// SPDX-License-Identifier: GPL-2.0
/*
 * The ring buffer core, compiled into the test module: hvg_vmbus.ko has its
 * own copy, and an object file may belong to one module only.
 */
#include "../vmbus/ring.c"
#include "../vmbus/ring_alloc.c"

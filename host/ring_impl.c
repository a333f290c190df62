// SPDX-License-Identifier: GPL-2.0
/*
 * The ring buffer core, compiled into hvg_loophost: the host attaches the
 * opposite endpoints of the guest's rings with the very same code the guest
 * uses (one source, vmbus/ring.c; hvg_vmbus.ko and hvg_kunit.ko have their
 * own copies, and an object file may belong to one module only). Nothing
 * in it is exported, so the copies coexist.
 */
#include "../vmbus/ring.c"
#include "../vmbus/ring_alloc.c"

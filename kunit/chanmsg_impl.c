// SPDX-License-Identifier: GPL-2.0
/*
 * The channel message parser and builders, compiled into the test module:
 * hvg_vmbus.ko has its own copy, and an object file may belong to one
 * module only.
 */
#include "../vmbus/chanmsg.c"

// SPDX-License-Identifier: GPL-2.0
/*
 * netvsc/rndis_msg.c compiled into the test module: hvg_netvsc.ko has its own
 * copy, and an object file may belong to one module only.
 */
#include "../netvsc/rndis_msg.c"

// SPDX-License-Identifier: GPL-2.0
/*
 * The RNDIS parsers and builders of netvsc/rndis_msg.c, compiled into the
 * loopback host for its RNDIS device (rndis_dev.c): hvg_netvsc.ko has its
 * own copy, and an object file may belong to one module only.
 */
#include "../netvsc/rndis_msg.c"

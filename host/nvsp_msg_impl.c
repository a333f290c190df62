// SPDX-License-Identifier: GPL-2.0
/*
 * The NVSP parsers and builders of netvsc/nvsp_msg.c, compiled into the
 * loopback host for netvsp.c: hvg_netvsc.ko has its own copy, and an object
 * file may belong to one module only.
 */
#include "../netvsc/nvsp_msg.c"

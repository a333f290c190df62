// SPDX-License-Identifier: GPL-2.0
/*
 * host/netvsp.c and host/vswitch.c compiled into the test module (the
 * server of loophost_server_test.c lists the netvsp service, and the
 * hvg_loophost_netvsp suite drives it): hvg_loophost.ko has its own copy,
 * and an object file may belong to one module only.
 */
#include "../host/netvsp.c"
#include "../host/vswitch.c"

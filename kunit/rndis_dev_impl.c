// SPDX-License-Identifier: GPL-2.0
/*
 * host/rndis_dev.c compiled into the test module: hvg_loophost.ko has its
 * own copy, and an object file may belong to one module only. Its RNDIS
 * parsers come from rndis_msg_impl.c.
 */
#include "../host/rndis_dev.c"

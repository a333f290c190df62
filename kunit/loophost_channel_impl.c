// SPDX-License-Identifier: GPL-2.0
/*
 * host/channel.c compiled into the test module for the KUnit suites of
 * loophost_server_test.c: hvg_loophost.ko has its own copy, and an object
 * file may belong to one module only.
 */
#include "../host/channel.c"

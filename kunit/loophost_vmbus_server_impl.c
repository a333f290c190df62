// SPDX-License-Identifier: GPL-2.0
/*
 * host/vmbus_server.c compiled into the test module for the KUnit suites of
 * loophost_server_test.c: hvg_loophost.ko has its own copy, and an object
 * file may belong to one module only.
 */
#include "../host/vmbus_server.c"

// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback host's SynIC model, compiled into the test module so that
 * the KUnit suite (loophost_synic_test.c) can drive it: hvg_loophost.ko has
 * its own copy, and an object file may belong to one module only. The model
 * exports nothing, so both copies can be loaded side by side.
 */
#include "../host/synic.c"

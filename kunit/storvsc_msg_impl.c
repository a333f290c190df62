// SPDX-License-Identifier: GPL-2.0
/*
 * The storvsc packet builders, parser and result mapping, compiled into
 * the test module: hvg_storvsc.ko has its own copy, and an object file may
 * belong to one module only.
 */
#include "../storvsc/storvsc_msg.c"

// SPDX-License-Identifier: GPL-2.0
/*
 * host/lun_bdev.c compiled into the test module for the KUnit suite of
 * storvsp_test.c (which includes host/storvsp.c, which calls it):
 * hvg_loophost.ko has its own copy, and an object file may belong to one
 * module only.
 */
#include "../host/lun_bdev.c"

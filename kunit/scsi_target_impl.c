// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback host's SCSI target, compiled into the test module:
 * hvg_loophost.ko has its own copy, and an object file may belong to one
 * module only.
 */
#include "../host/scsi_target.c"

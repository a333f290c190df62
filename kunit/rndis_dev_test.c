// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_rndis_dev": the loopback host's RNDIS device, with the
 * test cases of kunit/rndis_dev_cases.h, the same ones tools/netvsc_msg_test
 * runs in user space. Requests are handled from kmalloc'ed copies of their
 * exact length, so KASAN reports a read past the end.
 */
#include "../host/rndis_dev.h"

#define CT_SUITE	hvg_rndis_dev
#define CT_CASES_H	"rndis_dev_cases.h"
#define CT_CASE_LIST_H	"rndis_dev_case_list.h"
#include "cases_suite.h"

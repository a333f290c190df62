// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_rndis_msg": the test cases of kunit/rndis_msg_cases.h, the
 * same ones tools/netvsc_msg_test runs in user space. Messages are parsed
 * from kmalloc'ed copies of their exact length, so KASAN reports a read
 * past the end.
 */
#include "../netvsc/rndis_msg.h"

#define CT_SUITE	hvg_rndis_msg
#define CT_CASES_H	"rndis_msg_cases.h"
#define CT_CASE_LIST_H	"rndis_msg_case_list.h"
#include "cases_suite.h"

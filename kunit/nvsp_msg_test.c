// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_nvsp_msg": the test cases of kunit/nvsp_msg_cases.h, the
 * same ones tools/netvsc_msg_test runs in user space. Messages are parsed
 * from kmalloc'ed copies of their exact length, so KASAN reports a read
 * past the end.
 */
#include "../netvsc/nvsp_msg.h"

#define CT_SUITE	hvg_nvsp_msg
#define CT_CASES_H	"nvsp_msg_cases.h"
#define CT_CASE_LIST_H	"nvsp_msg_case_list.h"
#include "cases_suite.h"

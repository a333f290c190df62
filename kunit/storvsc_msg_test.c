// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_storvsc_msg": the storvsc packet test cases of
 * kunit/storvsc_msg_cases.h, the same ones tools/storvsc_test runs in user
 * space. Packets are parsed from kmalloc'ed copies of their exact length,
 * so KASAN reports a read past the end.
 */
#include "../storvsc/storvsc_msg.h"

#define CT_SUITE	hvg_storvsc_msg
#define CT_CASES_H	"storvsc_msg_cases.h"
#define CT_CASE_LIST_H	"storvsc_msg_case_list.h"
#include "cases_suite.h"

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_chanmsg": the channel message test cases of
 * kunit/chanmsg_cases.h, the same ones tools/chanmsg_test runs in user
 * space. Messages are parsed from kmalloc'ed copies of their exact length,
 * so KASAN reports a read past the end.
 */
#include "../vmbus/chanmsg.h"

#define CT_SUITE	hvg_chanmsg
#define CT_CASES_H	"chanmsg_cases.h"
#define CT_CASE_LIST_H	"chanmsg_case_list.h"
#include "cases_suite.h"

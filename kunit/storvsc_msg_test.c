// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_storvsc_msg": the storvsc packet test cases of
 * kunit/storvsc_msg_cases.h, the same ones tools/storvsc_test runs in user
 * space. Packets are parsed from kmalloc'ed copies of their exact length,
 * so KASAN reports a read past the end.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include "../storvsc/storvsc_msg.h"

struct ct {
	struct kunit *test;
};

#define CT_FAIL(t, fmt, ...)	KUNIT_FAIL((t)->test, fmt, ##__VA_ARGS__)
#define ct_alloc(n)		kvzalloc(n, GFP_KERNEL)
#define ct_free(p)		kvfree(p)

#include "storvsc_msg_cases.h"

#define CT_CASE(name)							\
static void hvg_storvsc_msg_##name(struct kunit *test)			\
{									\
	struct ct t = { .test = test };					\
									\
	ct_case_##name(&t);						\
}

#include "storvsc_msg_case_list.h"
#undef CT_CASE

#define CT_CASE(name)	KUNIT_CASE(hvg_storvsc_msg_##name),
static struct kunit_case hvg_storvsc_msg_cases[] = {
#include "storvsc_msg_case_list.h"
	{}
};

#undef CT_CASE

static struct kunit_suite hvg_storvsc_msg_suite = {
	.name = "hvg_storvsc_msg",
	.test_cases = hvg_storvsc_msg_cases,
};

kunit_test_suite(hvg_storvsc_msg_suite);

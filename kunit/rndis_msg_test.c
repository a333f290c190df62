// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_rndis_msg": the test cases of kunit/rndis_msg_cases.h, the
 * same ones tools/netvsc_msg_test runs in user space. Messages are parsed
 * from kmalloc'ed copies of their exact length, so KASAN reports a read
 * past the end.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include "../netvsc/rndis_msg.h"

struct ct {
	struct kunit *test;
};

#define CT_FAIL(t, fmt, ...)	KUNIT_FAIL((t)->test, fmt, ##__VA_ARGS__)
#define ct_alloc(n)		kvzalloc(n, GFP_KERNEL)
#define ct_free(p)		kvfree(p)

#include "rndis_msg_cases.h"

#define CT_CASE(name)							\
static void hvg_rndis_msg_##name(struct kunit *test)			\
{									\
	struct ct t = { .test = test };					\
									\
	ct_case_##name(&t);						\
}

#include "rndis_msg_case_list.h"
#undef CT_CASE

#define CT_CASE(name)	KUNIT_CASE(hvg_rndis_msg_##name),
static struct kunit_case hvg_rndis_msg_cases[] = {
#include "rndis_msg_case_list.h"
	{}
};

#undef CT_CASE

static struct kunit_suite hvg_rndis_msg_suite = {
	.name = "hvg_rndis_msg",
	.test_cases = hvg_rndis_msg_cases,
};

kunit_test_suite(hvg_rndis_msg_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_chanmsg": the channel message test cases of
 * kunit/chanmsg_cases.h, the same ones tools/chanmsg_test runs in user
 * space. Messages are parsed from kmalloc'ed copies of their exact length,
 * so KASAN reports a read past the end.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include "../vmbus/chanmsg.h"

struct ct {
	struct kunit *test;
};

#define CT_FAIL(t, fmt, ...)	KUNIT_FAIL((t)->test, fmt, ##__VA_ARGS__)
#define ct_alloc(n)		kvzalloc(n, GFP_KERNEL)
#define ct_free(p)		kvfree(p)

#include "chanmsg_cases.h"

#define CT_CASE(name)							\
static void hvg_chanmsg_##name(struct kunit *test)			\
{									\
	struct ct t = { .test = test };					\
									\
	ct_case_##name(&t);						\
}

#include "chanmsg_case_list.h"
#undef CT_CASE

#define CT_CASE(name)	KUNIT_CASE(hvg_chanmsg_##name),
static struct kunit_case hvg_chanmsg_cases[] = {
#include "chanmsg_case_list.h"
	{}
};

#undef CT_CASE

static struct kunit_suite hvg_chanmsg_suite = {
	.name = "hvg_chanmsg",
	.test_cases = hvg_chanmsg_cases,
};

kunit_test_suite(hvg_chanmsg_suite);

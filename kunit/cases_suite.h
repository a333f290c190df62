/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One KUnit suite from a cases header written once for KUnit and user
 * space: kunit/<x>_cases.h defines ct_case_<name>(struct ct *) for each
 * CT_CASE(<name>) of kunit/<x>_case_list.h, and tools/<x>_test runs the
 * same cases. The including file defines, then includes this header:
 *
 *   CT_SUITE        the suite's name as a C identifier (hvg_chanmsg); the
 *                   suite is named after it, its cases CT_SUITE_<name>
 *   CT_CASES_H      the cases header, as an #include operand
 *   CT_CASE_LIST_H  the case list, as an #include operand
 *
 * CT_FAIL fails the running case with a message; ct_alloc and ct_free give
 * the cases zeroed memory that KASAN watches.
 */
#include <kunit/test.h>
#include <linux/slab.h>

struct ct {
	struct kunit *test;
};

#define CT_FAIL(t, fmt, ...)	KUNIT_FAIL((t)->test, fmt, ##__VA_ARGS__)
#define ct_alloc(n)		kvzalloc(n, GFP_KERNEL)
#define ct_free(p)		kvfree(p)

#include CT_CASES_H

#define CT_PASTE_(a, b)		a##b
#define CT_PASTE(a, b)		CT_PASTE_(a, b)
#define CT_STR_(x)		#x
#define CT_STR(x)		CT_STR_(x)
#define CT_FN(name)		CT_PASTE(CT_PASTE(CT_SUITE, _), name)
/* KUNIT_CASE() stringifies its argument: expand CT_FN() first. */
#define CT_KUNIT_CASE(fn)	KUNIT_CASE(fn)

#define CT_CASE(name)							\
static void CT_FN(name)(struct kunit *test)				\
{									\
	struct ct t = { .test = test };					\
									\
	ct_case_##name(&t);						\
}

#include CT_CASE_LIST_H
#undef CT_CASE

#define CT_CASE(name)	CT_KUNIT_CASE(CT_FN(name)),
static struct kunit_case CT_PASTE(CT_SUITE, _cases)[] = {
#include CT_CASE_LIST_H
	{}
};

#undef CT_CASE

static struct kunit_suite CT_PASTE(CT_SUITE, _suite) = {
	.name = CT_STR(CT_SUITE),
	.test_cases = CT_PASTE(CT_SUITE, _cases),
};

kunit_test_suite(CT_PASTE(CT_SUITE, _suite));

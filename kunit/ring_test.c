// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_ring": the ring buffer test cases of kunit/ring_cases.h,
 * the same ones tools/ring_test runs in user space.
 *
 * The two-thread stress runs a kthread producer against the test thread as
 * consumer. In the test guest (QEMU TCG, KASAN) it sends ring_stress_packets
 * packets, 100000 by default (20000 took 0.5 s in the 2-vCPU guest); the
 * 10 million packet run is the user-space one (make -C tools check).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "../vmbus/ring.h"

static unsigned long ring_stress_packets = 100000;
module_param(ring_stress_packets, ulong, 0444);
MODULE_PARM_DESC(ring_stress_packets,
		 "packets sent by the hvg_ring two-thread stress case (default 100000)");

struct rt {
	struct kunit *test;
};

#define RT_FAIL(t, fmt, ...)	KUNIT_FAIL((t)->test, fmt, ##__VA_ARGS__)
#define rt_alloc(n)		kvzalloc(n, GFP_KERNEL)
#define rt_free(p)		kvfree(p)
#define rt_now_ns()		ktime_get_ns()
#define rt_yield()		cond_resched()
#define rt_stress_packets(t)	((u64)ring_stress_packets)
#define rt_wait_timeout_ns	(60ull * NSEC_PER_SEC)

struct rt_thread {
	struct completion done;
	int (*fn)(void *arg);
	void *arg;
};

static int rt_thread_main(void *p)
{
	struct rt_thread *th = p;

	th->fn(th->arg);
	kthread_complete_and_exit(&th->done, 0);
}

static int rt_thread_start(struct rt_thread *th, int (*fn)(void *),
			   void *arg)
{
	struct task_struct *task;

	init_completion(&th->done);
	th->fn = fn;
	th->arg = arg;
	task = kthread_run(rt_thread_main, th, "hvg_ring_stress");
	return PTR_ERR_OR_ZERO(task);
}

static void rt_thread_join(struct rt_thread *th)
{
	wait_for_completion(&th->done);
}

#include "ring_cases.h"

#define RT_RING_CASE(name)						\
static void hvg_ring_##name(struct kunit *test)				\
{									\
	struct rt t = { .test = test };					\
									\
	rt_case_##name(&t);						\
}

#include "ring_case_list.h"
#undef RT_RING_CASE

#define RT_RING_CASE(name)	KUNIT_CASE(hvg_ring_##name),
static struct kunit_case hvg_ring_cases[] = {
#include "ring_case_list.h"
	{}
};

#undef RT_RING_CASE

static struct kunit_suite hvg_ring_suite = {
	.name = "hvg_ring",
	.test_cases = hvg_ring_cases,
};

kunit_test_suite(hvg_ring_suite);

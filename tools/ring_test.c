// SPDX-License-Identifier: GPL-2.0
/*
 * User-space run of the ring buffer test cases (kunit/ring_cases.h), the
 * same cases the KUnit suite runs, against the same vmbus/ring.c.
 *
 * Usage: ring_test [stress_packets]   (default 10000000)
 *
 * Prints TAP: one "ok N - name" or "not ok N - name" line per case.
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include "case_harness.h"
#include "../vmbus/ring.h"

struct rt {
	int failed;
	u64 stress_packets;
};

#define RT_FAIL(t, ...)		ct_report(&(t)->failed, __VA_ARGS__)
#define rt_alloc(n)		calloc(1, n)
#define rt_free(p)		free(p)
#define rt_yield()		sched_yield()
#define rt_stress_packets(t)	((t)->stress_packets)
#define rt_wait_timeout_ns	(10ull * 1000 * 1000 * 1000)

static u64 rt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

struct rt_thread {
	pthread_t tid;
	int (*fn)(void *arg);
	void *arg;
};

static void *rt_thread_main(void *p)
{
	struct rt_thread *th = p;

	th->fn(th->arg);
	return NULL;
}

static int rt_thread_start(struct rt_thread *th, int (*fn)(void *),
			   void *arg)
{
	th->fn = fn;
	th->arg = arg;
	return pthread_create(&th->tid, NULL, rt_thread_main, th);
}

static void rt_thread_join(struct rt_thread *th)
{
	pthread_join(th->tid, NULL);
}

#include "../kunit/ring_cases.h"

struct rt_case {
	const char *name;
	void (*fn)(struct rt *t);
};

#define RT_RING_CASE(name)	{ #name, rt_case_##name },
static const struct rt_case rt_cases[] = {
#include "../kunit/ring_case_list.h"
};

int main(int argc, char **argv)
{
	unsigned int i, n = ARRAY_SIZE(rt_cases);
	u64 stress = 10000000;
	int failed = 0;
	u64 t0;

	if (argc > 1)
		stress = strtoull(argv[1], NULL, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%u\n", n);
	for (i = 0; i < n; i++) {
		struct rt t = { .stress_packets = stress };

		t0 = rt_now_ns();
		rt_cases[i].fn(&t);
		printf("%s %u - ring_%s # %llu ms\n", t.failed ? "not ok" : "ok",
		       i + 1, rt_cases[i].name,
		       (unsigned long long)((rt_now_ns() - t0) / 1000000));
		failed += !!t.failed;
	}
	printf("# ring: %u passed, %d failed (stress: %llu packets)\n",
	       n - failed, failed, (unsigned long long)stress);
	return failed ? 1 : 0;
}

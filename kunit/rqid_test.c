// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_rqid": the request-id allocator (vmbus/rqid.c). Ids are
 * what the host echoes back, so the suite plays a host that forges them,
 * replays stale ones and sends ones out of range; and it runs gets and
 * puts concurrently on every CPU.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <hvguest/vmbus.h>

static int ctx_of[64];	/* distinct non-NULL contexts */

static void hvg_rqid_sizes(struct kunit *test)
{
	struct hvg_vmbus_rqid_pool *p;

	KUNIT_EXPECT_NULL(test, hvg_vmbus_rqid_create(0));
	KUNIT_EXPECT_NULL(test, hvg_vmbus_rqid_create(65536));
	p = hvg_vmbus_rqid_create(65535);
	KUNIT_ASSERT_NOT_NULL(test, p);
	hvg_vmbus_rqid_destroy(p);
	hvg_vmbus_rqid_destroy(NULL);
}

static void hvg_rqid_exhaustion(struct kunit *test)
{
	struct hvg_vmbus_rqid_pool *p = hvg_vmbus_rqid_create(4);
	u64 ids[4];
	int i, j;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, hvg_vmbus_rqid_get(p, NULL), 0ull);
	for (i = 0; i < 4; i++) {
		ids[i] = hvg_vmbus_rqid_get(p, &ctx_of[i]);
		KUNIT_EXPECT_NE(test, ids[i], 0ull);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, ids[i], ids[j]);
	}
	/* Every slot taken. */
	KUNIT_EXPECT_EQ(test, hvg_vmbus_rqid_get(p, &ctx_of[9]), 0ull);
	KUNIT_EXPECT_PTR_EQ(test, hvg_vmbus_rqid_put(p, ids[2]),
			    (void *)&ctx_of[2]);
	/* One free again, exactly one. */
	ids[2] = hvg_vmbus_rqid_get(p, &ctx_of[5]);
	KUNIT_EXPECT_NE(test, ids[2], 0ull);
	KUNIT_EXPECT_EQ(test, hvg_vmbus_rqid_get(p, &ctx_of[9]), 0ull);
	KUNIT_EXPECT_PTR_EQ(test, hvg_vmbus_rqid_put(p, ids[2]),
			    (void *)&ctx_of[5]);
	for (i = 0; i < 4; i++)
		if (i != 2)
			KUNIT_EXPECT_PTR_EQ(test, hvg_vmbus_rqid_put(p, ids[i]),
					    (void *)&ctx_of[i]);
	hvg_vmbus_rqid_destroy(p);
}

static void hvg_rqid_stale(struct kunit *test)
{
	struct hvg_vmbus_rqid_pool *p = hvg_vmbus_rqid_create(1);
	u64 a, b;

	KUNIT_ASSERT_NOT_NULL(test, p);
	a = hvg_vmbus_rqid_get(p, &ctx_of[0]);
	KUNIT_ASSERT_NE(test, a, 0ull);
	KUNIT_EXPECT_PTR_EQ(test, hvg_vmbus_rqid_put(p, a), (void *)&ctx_of[0]);
	/* A second completion of the same request. */
	KUNIT_EXPECT_NULL(test, hvg_vmbus_rqid_put(p, a));
	/* The slot is reused: the old id must not find the new request. */
	b = hvg_vmbus_rqid_get(p, &ctx_of[1]);
	KUNIT_ASSERT_NE(test, b, 0ull);
	KUNIT_EXPECT_NE(test, a, b);
	KUNIT_EXPECT_EQ(test, (u32)a, (u32)b);	/* same slot */
	KUNIT_EXPECT_NULL(test, hvg_vmbus_rqid_put(p, a));
	KUNIT_EXPECT_PTR_EQ(test, hvg_vmbus_rqid_put(p, b), (void *)&ctx_of[1]);
	hvg_vmbus_rqid_destroy(p);
}

static void hvg_rqid_forged(struct kunit *test)
{
	struct hvg_vmbus_rqid_pool *p = hvg_vmbus_rqid_create(8);
	u64 id;

	KUNIT_ASSERT_NOT_NULL(test, p);
	id = hvg_vmbus_rqid_get(p, &ctx_of[3]);
	KUNIT_ASSERT_NE(test, id, 0ull);
	/* Out of range: slot 0 (id 0), past the last slot, huge. */
	KUNIT_EXPECT_NULL(test, hvg_vmbus_rqid_put(p, 0));
	KUNIT_EXPECT_NULL(test, hvg_vmbus_rqid_put(p, (id & ~0xffffffffull) | 9));
	KUNIT_EXPECT_NULL(test, hvg_vmbus_rqid_put(p, (id & ~0xffffffffull) |
						      0xffffffffu));
	KUNIT_EXPECT_NULL(test, hvg_vmbus_rqid_put(p, U64_MAX));
	/* The right slot, the wrong generation. */
	KUNIT_EXPECT_NULL(test, hvg_vmbus_rqid_put(p, id + (1ull << 32)));
	KUNIT_EXPECT_NULL(test, hvg_vmbus_rqid_put(p, id - (1ull << 32)));
	/* A free slot of the pool. */
	KUNIT_EXPECT_NULL(test, hvg_vmbus_rqid_put(p, (id & ~0xffffffffull) |
						      ((u32)id % 8 + 1)));
	/* A pointer, as if the host sent back an address. */
	KUNIT_EXPECT_NULL(test, hvg_vmbus_rqid_put(p, (u64)(uintptr_t)&ctx_of[3]));
	/* None of that disturbed the live id. */
	KUNIT_EXPECT_PTR_EQ(test, hvg_vmbus_rqid_put(p, id), (void *)&ctx_of[3]);
	KUNIT_EXPECT_NULL(test, hvg_vmbus_rqid_put(NULL, id));
	hvg_vmbus_rqid_destroy(p);
}

/* Concurrency: every CPU takes and gives back ids of one small pool. */
#define RQ_ROUNDS	20000
#define RQ_HELD		6

struct rq_thread {
	struct hvg_vmbus_rqid_pool *pool;
	struct completion done;
	unsigned long errors, got, full;
	int tag[RQ_HELD];
};

static int rq_thread_fn(void *arg)
{
	struct rq_thread *t = arg;
	u64 ids[RQ_HELD] = { 0 };
	unsigned int r, i;

	for (r = 0; r < RQ_ROUNDS; r++) {
		i = r % RQ_HELD;
		if (ids[i]) {
			if (hvg_vmbus_rqid_put(t->pool, ids[i]) != &t->tag[i])
				t->errors++;
			/* A replay must fail, also under contention. */
			if (hvg_vmbus_rqid_put(t->pool, ids[i]))
				t->errors++;
			ids[i] = 0;
		}
		ids[i] = hvg_vmbus_rqid_get(t->pool, &t->tag[i]);
		if (ids[i])
			t->got++;
		else
			t->full++;
		if (!(r % 256))
			cond_resched();
	}
	for (i = 0; i < RQ_HELD; i++)
		if (ids[i] && hvg_vmbus_rqid_put(t->pool, ids[i]) != &t->tag[i])
			t->errors++;
	complete(&t->done);
	return 0;
}

static void hvg_rqid_concurrent(struct kunit *test)
{
	unsigned int n = num_online_cpus() * 2, i, slots;
	struct hvg_vmbus_rqid_pool *pool;
	struct task_struct *task;
	unsigned long got = 0;
	struct rq_thread *t;
	u64 id;

	/* Fewer slots than ids wanted at once: exhaustion under load too. */
	slots = n * RQ_HELD / 2;
	pool = hvg_vmbus_rqid_create(slots);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	t = kunit_kcalloc(test, n, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < n; i++) {
		t[i].pool = pool;
		init_completion(&t[i].done);
		task = kthread_run(rq_thread_fn, &t[i], "hvg_rqid_%u", i);
		if (IS_ERR(task)) {
			KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(task));
			complete(&t[i].done);
		}
	}
	for (i = 0; i < n; i++) {
		wait_for_completion(&t[i].done);
		KUNIT_EXPECT_EQ(test, t[i].errors, 0ul);
		/* One thread may starve while the others hold every slot. */
		got += t[i].got;
	}
	KUNIT_EXPECT_GT(test, got, 0ul);
	/* Everything was given back: the whole pool is free again. */
	for (i = 0; i < slots; i++)
		KUNIT_EXPECT_NE(test, hvg_vmbus_rqid_get(pool, &ctx_of[0]), 0ull);
	id = hvg_vmbus_rqid_get(pool, &ctx_of[0]);
	KUNIT_EXPECT_EQ(test, id, 0ull);
	hvg_vmbus_rqid_destroy(pool);
}

static struct kunit_case hvg_rqid_cases[] = {
	KUNIT_CASE(hvg_rqid_sizes),
	KUNIT_CASE(hvg_rqid_exhaustion),
	KUNIT_CASE(hvg_rqid_stale),
	KUNIT_CASE(hvg_rqid_forged),
	KUNIT_CASE(hvg_rqid_concurrent),
	{}
};

static struct kunit_suite hvg_rqid_suite = {
	.name = "hvg_rqid",
	.test_cases = hvg_rqid_cases,
};

kunit_test_suite(hvg_rqid_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * Request ids (transaction ids) for VSC drivers: a slot index plus a
 * generation, never a pointer (Documentation/vmbus.rst, "Request ids").
 *
 * An id is (u64)generation << 32 | (slot index + 1), so it is never 0. A
 * completion from the host carries an id that it may have forged or kept
 * from an earlier request: hvg_vmbus_rqid_put() gives back the context
 * only for the live id of a slot, and NULL for anything else.
 *
 * Lock-free. Who owns a slot is decided by its bit in @busy
 * (test_and_set_bit() in get, clear_bit_unlock() in put); whether an id is
 * live is decided by the slot's @state word, (generation << 1 | live),
 * which get publishes with release semantics after writing @ctx, and which
 * put retires with one cmpxchg, so that of two puts of the same id exactly
 * one gets the context. Generations are 32 bits: an id comes back to life
 * only after 2^32 reuses of its slot.
 *
 * The file is compiled into hvg_vmbus.ko and, for its KUnit suite, into
 * hvg_kunit.ko (kunit/rqid_impl.c, which turns the exports off so that only
 * hvg_vmbus.ko exports the symbols).
 */
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/mm.h>		/* kvzalloc() on 5.10 */
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <hvguest/vmbus.h>

#define HVG_RQID_MAX_SLOTS	65535u

struct hvg_rqid_slot {
	atomic64_t state;	/* generation << 1 | live */
	void *ctx;		/* valid while live; written before state */
};

struct hvg_vmbus_rqid_pool {
	unsigned int nslots;
	atomic_t hint;		/* where the next search starts; a hint only */
	unsigned long *busy;	/* bit i: slot i is owned by a get */
	struct hvg_rqid_slot slots[];
};

struct hvg_vmbus_rqid_pool *hvg_vmbus_rqid_create(unsigned int nslots)
{
	struct hvg_vmbus_rqid_pool *pool;
	unsigned int i;

	if (!nslots || nslots > HVG_RQID_MAX_SLOTS)
		return NULL;
	pool = kvzalloc(struct_size(pool, slots, nslots), GFP_KERNEL);
	if (!pool)
		return NULL;
	pool->busy = bitmap_zalloc(nslots, GFP_KERNEL);
	if (!pool->busy) {
		kvfree(pool);
		return NULL;
	}
	pool->nslots = nslots;
	for (i = 0; i < nslots; i++)
		atomic64_set(&pool->slots[i].state, 1ull << 1);
	return pool;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_rqid_create);

void hvg_vmbus_rqid_destroy(struct hvg_vmbus_rqid_pool *pool)
{
	if (!pool)
		return;
	bitmap_free(pool->busy);
	kvfree(pool);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_rqid_destroy);

/* Claim a free slot's bit; the index, or nslots when every slot is busy. */
static unsigned int hvg_rqid_claim(struct hvg_vmbus_rqid_pool *pool)
{
	unsigned int n = pool->nslots, start, idx, tries;

	start = (unsigned int)atomic_read(&pool->hint) % n;
	/*
	 * Each failed test_and_set_bit() means another CPU took that slot
	 * meanwhile; a bounded number of rounds keeps this lock-free without
	 * spinning forever on a pool that others keep full.
	 */
	for (tries = 0; tries < 2 * n + 2; tries++) {
		idx = find_next_zero_bit(pool->busy, n, start);
		if (idx >= n) {
			idx = find_first_zero_bit(pool->busy, n);
			if (idx >= n)
				return n;
		}
		if (!test_and_set_bit(idx, pool->busy)) {
			atomic_set(&pool->hint, idx + 1);
			return idx;
		}
		start = idx + 1 < n ? idx + 1 : 0;
	}
	return n;
}

u64 hvg_vmbus_rqid_get(struct hvg_vmbus_rqid_pool *pool, void *ctx)
{
	struct hvg_rqid_slot *slot;
	unsigned int idx;
	u64 gen;

	if (!ctx)
		return 0;
	idx = hvg_rqid_claim(pool);
	if (idx >= pool->nslots)
		return 0;
	slot = &pool->slots[idx];
	/* We own the slot: nobody else writes state until it is live. */
	gen = (u64)atomic64_read(&slot->state) >> 1;
	slot->ctx = ctx;
	/*
	 * Release: @ctx is written before the slot turns live. Pairs with
	 * the acquire read of @state in hvg_vmbus_rqid_put() before it reads
	 * @ctx.
	 */
	atomic64_set_release(&slot->state, (s64)(gen << 1 | 1));
	return (gen & 0xffffffffull) << 32 | (idx + 1);
}
EXPORT_SYMBOL_GPL(hvg_vmbus_rqid_get);

void *hvg_vmbus_rqid_put(struct hvg_vmbus_rqid_pool *pool, u64 id)
{
	u32 low = (u32)id, gen = (u32)(id >> 32);
	struct hvg_rqid_slot *slot;
	void *ctx;
	s64 state;

	if (!pool || low == 0 || low > pool->nslots)
		return NULL;
	slot = &pool->slots[low - 1];
	/* Acquire: pairs with the release in get; @ctx is read after. */
	state = atomic64_read_acquire(&slot->state);
	if (!(state & 1) || (u32)((u64)state >> 1) != gen)
		return NULL;
	ctx = slot->ctx;
	/*
	 * Retire the id: of two puts of the same id, only one cmpxchg wins;
	 * the next generation starts not live. Fully ordered: the read of
	 * @ctx above happens before the slot can be claimed again.
	 */
	if (atomic64_cmpxchg(&slot->state, state,
			     (s64)((((u64)state >> 1) + 1) << 1)) != state)
		return NULL;
	/*
	 * Unlock: everything above is visible before the bit is clear and
	 * another get may claim the slot. Pairs with the fully ordered
	 * test_and_set_bit() in hvg_rqid_claim().
	 */
	clear_bit_unlock(low - 1, pool->busy);
	return ctx;
}
EXPORT_SYMBOL_GPL(hvg_vmbus_rqid_put);

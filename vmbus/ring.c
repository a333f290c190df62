// SPDX-License-Identifier: GPL-2.0
/*
 * The VMBus ring buffer: packets in and out of one ring of a channel.
 *
 * This file is the data plane of every channel, and it is shared memory
 * with the host, so three rules shape it:
 *
 * - Wire compatibility: the header page, the packet descriptor, the zero
 *   padding to 8 bytes and the 8-byte trailer ((u64)packet start << 32)
 *   are those of Hyper-V (Documentation/ring.rst).
 * - The host is not trusted: every index it owns is read once and checked,
 *   every packet is copied into private memory before anything parses it,
 *   and a malformed packet is rejected with its own error, counted, and
 *   never clamped into something that looks valid.
 * - Signals are expensive (Hyper-V throttles a guest that over-signals): a
 *   signal is asked for only on an empty to non-empty transition of a ring
 *   whose consumer has not masked it, or when reading frees enough space to
 *   cross the producer's pending_send_sz.
 *
 * The data area is mapped twice back to back, so a packet that wraps around
 * its end is copied with one memcpy; only the indices are reduced modulo the
 * size. The same file builds into the kernel and into the user-space tools;
 * ring_env.h supplies the barriers and the few library calls it needs.
 */
#include "ring.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the VMBus ring is little endian and so is every Hyper-V guest"
#endif

/* The descriptor plus the trailer: the smallest possible packet. */
#define RING_MIN_FOOTPRINT \
	(sizeof(struct hvg_vmpacket_desc) + HVG_PKT_TRAILER_SIZE)

/* Bytes between r and w going forward: what a consumer at r may read. */
static inline u32 ring_used(u32 w, u32 r, u32 size)
{
	return w >= r ? w - r : size - (r - w);
}

/* Free space as the ABI defines it: the whole data area when empty. */
static inline u32 ring_free(u32 w, u32 r, u32 size)
{
	return size - ring_used(w, r, size);
}

static inline int ring_check_index(const struct hvg_ring *ring, u32 idx)
{
	if (unlikely(idx >= ring->size))
		return -HVG_RING_E_INDEX;
	if (unlikely(idx & 7))
		return -HVG_RING_E_ALIGN;
	return 0;
}

/*
 * Reject a malformed input: count it once and make the error sticky. The
 * fast paths in ring.h find it without testing it: a write through an
 * empty free_cache, which sends it to __hvg_ring_reserve_slow(), and a
 * read through an empty snapshot, which sends it to the index check that
 * limit8 = 0 fails.
 */
static int ring_fail(struct hvg_ring *ring, int err)
{
	ring->err = err;
	ring->limit8 = 0;
	ring->free_cache = 0;
	ring->seen_write = ring->priv_read;
	ring->stats.malformed++;
	return err;
}

static int ring_setup(struct hvg_ring *ring, void *base, u32 size)
{
	if (!base || size < HVG_RING_MIN_DATA || size & 7 ||
	    size > HVG_RING_MAX_DATA)
		return -HVG_RING_E_INVAL;
	memset(ring, 0, sizeof(*ring));
	ring->data = (u8 *)base + HVG_RING_HDR_SIZE;
	ring->size = size;
	ring->limit8 = size >> 3;
	return 0;
}

/**
 * hvg_ring_init() - set up a ring and reset its shared header
 * @ring: the endpoint to set up
 * @base: the header page, followed by the data area mapped twice back to
 *	back (4 KiB + 2 * @size bytes)
 * @size: bytes of the data area, a multiple of 8, 64 to 1 GiB
 *
 * For the side that allocates the ring, before the host is told about it:
 * both indices, interrupt_mask and pending_send_sz become 0, and
 * feature_bits says that this side honours pending_send_sz.
 *
 * Return: 0, or -EINVAL for a bad size or pointer.
 */
int hvg_ring_init(struct hvg_ring *ring, void *base, u32 size)
{
	int err = ring_setup(ring, base, size);

	if (err)
		return err;
	memset(hvg_ring_hdr(ring), 0, sizeof(struct hvg_ring_hdr));
	hvg_ring_hdr(ring)->feature_bits = HVG_RING_FEAT_PENDING_SEND_SZ;
	return 0;
}

/**
 * hvg_ring_attach() - set up an endpoint on a ring already in use
 * @ring: the endpoint to set up
 * @base: the header page, followed by the data area mapped twice back to
 *	back (4 KiB + 2 * @size bytes)
 * @size: bytes of the data area, a multiple of 8, 64 to 1 GiB
 *
 * For the peer of the side that called hvg_ring_init() (the loopback host,
 * the tests, the fuzzer): the private indices start from the shared ones,
 * which are checked.
 *
 * Return: 0; -EINVAL for a bad size or pointer; -ERANGE or -EILSEQ (sticky,
 * counted) when an index in the header is out of range or misaligned.
 */
int hvg_ring_attach(struct hvg_ring *ring, void *base, u32 size)
{
	int err = ring_setup(ring, base, size);
	u32 w, r;

	if (err)
		return err;
	/*
	 * Acquire, both: they start the snapshots the fast paths use without
	 * loading the index again (seen_write, and priv_write against which
	 * the producer's first write rereads read_index anyway). The packet
	 * loads of the first hvg_ring_read_next() stay after the write_index
	 * load: pairs with the producer's full barrier before its
	 * write_index store (__hvg_ring_publish()); our stores into space
	 * the read_index frees stay after that load: pairs with the
	 * consumer's full barrier before its read_index store
	 * (hvg_ring_read_end()).
	 */
	w = hvg_ring_load_acquire(&hvg_ring_hdr(ring)->write_index);
	r = hvg_ring_load_acquire(&hvg_ring_hdr(ring)->read_index);
	err = ring_check_index(ring, w);
	if (!err)
		err = ring_check_index(ring, r);
	if (err)
		return ring_fail(ring, err);
	ring->priv_write = w;
	ring->seen_write = w;
	ring->priv_read = r;
	ring->published_read = r;
	return 0;
}

/**
 * hvg_ring_pair_init() - initialise both rings of a mapped pair
 * @pair: with out_va and in_va mapped as [header][data][data again]
 * @out_size: bytes of the outbound ring, header page included
 * @in_size: bytes of the inbound ring, header page included
 *
 * The last step of hvg_ring_pair_alloc(), in both of its builds.
 *
 * Return: 0 or -EINVAL (see hvg_ring_init()).
 */
int hvg_ring_pair_init(struct hvg_ring_pair *pair, u32 out_size, u32 in_size)
{
	u8 *out = pair->out_va, *in = pair->in_va;
	int err;

	err = hvg_ring_init(&pair->out, out, out_size - HVG_RING_HDR_SIZE);
	if (err)
		return err;
	return hvg_ring_init(&pair->in, in, in_size - HVG_RING_HDR_SIZE);
}

/*
 * The consumer's read_index, checked (it may be anything the peer wrote),
 * and the free space from it, which also refreshes free_cache (capped: see
 * __hvg_ring_reserve()).
 */
static int ring_load_free(struct hvg_ring *ring, u32 *free)
{
	u32 r;
	int err;

	/*
	 * Acquire: our stores into the space this read_index frees stay
	 * after this load. Pairs with the consumer's full barrier before its
	 * read_index store (hvg_ring_read_end()), after its last read of that
	 * space.
	 */
	r = hvg_ring_load_acquire(&hvg_ring_hdr(ring)->read_index);
	err = ring_check_index(ring, r);
	if (err)
		return ring_fail(ring, err);
	*free = ring_free(ring->priv_write, r, ring->size);
	ring->free_cache = *free < HVG_RING_FREE_CACHE_MAX ?
			   *free : HVG_RING_FREE_CACHE_MAX;
	return 0;
}

/**
 * hvg_ring_writev() - gather one packet of any number of pieces (producer)
 * @ring: the producer endpoint
 * @type: HVG_PKT_*
 * @flags: HVG_PKT_FLAG_*
 * @trans_id: transaction id (a slot index, never a pointer)
 * @ext_len: how many of the gathered bytes extend the descriptor (a
 *	GPA-direct range list), a multiple of 8; the payload starts after them
 * @bufs: the pieces, copied back to back after the descriptor
 * @nbufs: number of pieces (0 for a bare descriptor)
 *
 * hvg_ring_write() (ring.h), for any list of pieces: the same layout, the
 * same checks in the same order, the same publication and signal decision.
 *
 * Return: as hvg_ring_write(); also -EINVAL if @ext_len is not a multiple
 * of 8 or longer than the pieces.
 */
int hvg_ring_writev(struct hvg_ring *ring, u16 type, u16 flags, u64 trans_id,
		    u32 ext_len, const struct hvg_ring_buf *bufs,
		    unsigned int nbufs)
{
	u32 old_w = ring->priv_write, new_w;
	unsigned int i;
	u64 total;
	u8 *dst = NULL;
	int err;

	if (unlikely(ring->err))
		return ring->err;
	/* A 64-bit sum of 32-bit lengths: it cannot wrap. */
	for (total = 0, i = 0; i < nbufs; i++)
		total += bufs[i].len;
	if (unlikely(ext_len & 7 || ext_len > total))
		return -HVG_RING_E_INVAL;
	/* Too big for len8 or for the ring: __hvg_ring_reserve_slow() says. */
	err = __hvg_ring_reserve(ring, type, flags, trans_id,
				 sizeof(struct hvg_vmpacket_desc) + ext_len,
				 total, &dst);
	if (unlikely(err))
		return err;
	new_w = ring->priv_write;
	/* The pieces back to back, over the zeroed last word. */
	for (i = 0; i < nbufs; i++) {
		memcpy(dst, bufs[i].base, bufs[i].len);
		dst += bufs[i].len;
	}
	return __hvg_ring_publish(ring, hvg_ring_hdr(ring), old_w, new_w);
}

/*
 * free_cache says a packet of need bytes (trailer included) may not fit:
 * read read_index again. Return 0 if it fits now (free_cache refreshed),
 * or why not, in the order of the checks in hvg_ring_writev(): the sticky
 * error, too big ever, a malformed read_index (sticky), or full now.
 */
int __hvg_ring_reserve_slow(struct hvg_ring *ring, u64 need)
{
	u32 free;
	int err;

	if (unlikely(ring->err))
		return ring->err;
	if (need > HVG_RING_MAX_PKT + HVG_PKT_TRAILER_SIZE || need >= ring->size)
		return -HVG_RING_E_TOOBIG;
	err = ring_load_free(ring, &free);
	if (err)
		return err;
	if (free <= need) {
		ring->stats.full++;
		return -HVG_RING_E_FULL;
	}
	return 0;
}

/**
 * hvg_ring_free_bytes() - free space as the producer sees it now
 * @ring: the producer endpoint
 *
 * Return: free bytes (the data size when empty); a packet fits if its size
 * plus the 8-byte trailer is strictly less. 0 if read_index is malformed.
 */
u32 hvg_ring_free_bytes(struct hvg_ring *ring)
{
	u32 free;

	if (ring->err || ring_load_free(ring, &free))
		return 0;
	return free;
}

/**
 * hvg_ring_set_pending() - tell the consumer how much space we wait for
 * @ring: the producer endpoint
 * @bytes: space needed (a packet plus its trailer), or 0 for none
 *
 * After a write returned -EAGAIN, the producer publishes the space it needs
 * and then rechecks the free space: if the consumer freed the space just
 * before it saw @bytes, this recheck, not a signal, is what finds it.
 *
 * Return: the free space after @bytes is visible to the consumer.
 */
u32 hvg_ring_set_pending(struct hvg_ring *ring, u32 bytes)
{
	WRITE_ONCE(hvg_ring_hdr(ring)->pending_send_sz, bytes);
	/*
	 * Full barrier: the pending_send_sz store is visible before the
	 * read_index load in hvg_ring_free_bytes(). Pairs with the consumer's
	 * full barrier between its read_index store and its pending_send_sz
	 * load (hvg_ring_read_end()).
	 */
	hvg_ring_mb();
	return hvg_ring_free_bytes(ring);
}

/* Refresh the consumer's view of write_index; 0 or a sticky error. */
static int ring_load_write_index(struct hvg_ring *ring)
{
	u32 w;
	int err;

	/*
	 * Acquire: the packet loads that follow cannot be satisfied before
	 * this load of write_index. Pairs with the producer's full barrier
	 * before its write_index store (__hvg_ring_publish()).
	 */
	w = hvg_ring_load_acquire(&hvg_ring_hdr(ring)->write_index);
	err = ring_check_index(ring, w);
	if (unlikely(err))
		return ring_fail(ring, err);
	ring->seen_write = w;
	return 0;
}

/**
 * hvg_ring_read_begin() - start a batch of reads (consumer)
 * @ring: the consumer endpoint
 *
 * Return: the bytes the producer has published and we have not read yet,
 * or a sticky malformed-input error (-ERANGE, -EILSEQ, ...).
 */
int hvg_ring_read_begin(struct hvg_ring *ring)
{
	int err;

	if (unlikely(ring->err))
		return ring->err;
	err = ring_load_write_index(ring);
	if (unlikely(err))
		return err;
	return ring_used(ring->seen_write, ring->priv_read, ring->size);
}

/*
 * A write_index that failed hvg_ring_index_ok(), read once by the caller:
 * the sticky error if there is one (limit8 is 0), else rejected now.
 */
int __hvg_ring_bad_index(struct hvg_ring *ring, u32 idx)
{
	if (ring->err)
		return ring->err;
	return ring_fail(ring, ring_check_index(ring, idx));
}

/*
 * Check the descriptor of the packet at priv_read, whose first word the
 * caller read once (word), with avail bytes published from there: each
 * check in the documented order, a failure counted and sticky. Return 0
 * if the packet and its trailer are well formed and within avail.
 */
static int ring_check_desc(struct hvg_ring *ring, u64 word, u32 avail)
{
	u32 off = ((word >> 16) & 0xffff) * 8, len = ((word >> 32) & 0xffff) * 8;

	/*
	 * A producer publishes whole packets only, so the bytes up to any
	 * write_index it published hold at least one whole packet.
	 */
	if (avail < RING_MIN_FOOTPRINT)
		return ring_fail(ring, -HVG_RING_E_OVERRUN);
	if (len < sizeof(struct hvg_vmpacket_desc))
		return ring_fail(ring, -HVG_RING_E_SHORT);
	if (off < sizeof(struct hvg_vmpacket_desc) || off > len)
		return ring_fail(ring, -HVG_RING_E_OFFSET);
	if (len + HVG_PKT_TRAILER_SIZE > avail)
		return ring_fail(ring, -HVG_RING_E_OVERRUN);
	return 0;
}

/*
 * Why hvg_ring_read_next() cannot take the packet whose first descriptor
 * word it read (once: word) with avail bytes published: a malformed one
 * (counted, sticky), with *pkt zeroed; else it is too long for the
 * caller's buffer, and *pkt says what it is: the checked first word,
 * trans_id read once, no payload.
 */
int __hvg_ring_read_refused(struct hvg_ring *ring, u64 word, u32 avail,
			    struct hvg_ring_pkt *pkt)
{
	int err = ring_check_desc(ring, word, avail);

	memset(pkt, 0, sizeof(*pkt));
	if (err)
		return err;
	memcpy(&pkt->desc, &word, sizeof(word));
	pkt->desc.trans_id =
		READ_ONCE(*(const u64 *)(ring->data + ring->priv_read + 8));
	return -HVG_RING_E_NOBUFS;
}

/**
 * hvg_ring_skip() - drop the next packet unread (consumer)
 * @ring: the consumer endpoint
 *
 * For the packet hvg_ring_read_next() refused with -ENOBUFS (the drain
 * loop in ring.h), or any next packet. Its descriptor is read again, once,
 * and checked as hvg_ring_read_next() checks it (the host may have
 * rewritten it since); only its length is used. The private read index
 * advances past it; read_index is published by hvg_ring_read_end().
 *
 * Return: 1 when a packet was dropped (counted in stats.dropped, not in
 * stats.packets or stats.bytes); 0 when the ring is empty; or the sticky
 * malformed-input error, as hvg_ring_read_next() returns it.
 */
int hvg_ring_skip(struct hvg_ring *ring)
{
	u32 r = ring->priv_read, avail, len;
	u64 word;
	int err;

	if (unlikely(ring->err))
		return ring->err;
	if (ring->seen_write == r) {
		err = ring_load_write_index(ring);
		if (err)
			return err;
	}
	avail = ring_used(ring->seen_write, r, ring->size);
	if (!avail)
		return 0;
	word = READ_ONCE(*(const u64 *)(ring->data + r));
	err = ring_check_desc(ring, word, avail);
	if (err)
		return err;
	len = ((word >> 32) & 0xffff) * 8;
	r += len + HVG_PKT_TRAILER_SIZE;
	if (r >= ring->size)
		r -= ring->size;
	ring->priv_read = r;
	ring->stats.dropped++;
	return 1;
}

/*
 * The end of hvg_ring_read_end() when the producer waits for space: signal
 * only if this batch (from old_r to priv_read) made the free space cross
 * pending, from "not more than" to "more than".
 */
bool __hvg_ring_read_end_pending(struct hvg_ring *ring, u32 old_r,
				 u32 pending)
{
	u32 size = ring->size, r = ring->priv_read, w, free_now, bytes_read;

	if (!(READ_ONCE(hvg_ring_hdr(ring)->feature_bits) &
	      HVG_RING_FEAT_PENDING_SEND_SZ))
		return false;
	/*
	 * Load-load: pending_send_sz before write_index, so the free space
	 * compared with the pending size is not older than it. Pairs with the
	 * producer's full barrier in hvg_ring_set_pending().
	 */
	hvg_ring_rmb();
	w = READ_ONCE(hvg_ring_hdr(ring)->write_index);
	if (ring_check_index(ring, w))
		return false;	/* the next read reports it */
	free_now = ring_free(w, r, size);
	bytes_read = ring_used(r, old_r, size);
	/* Still not enough: the writer needs strictly more than pending. */
	if (free_now <= pending)
		return false;
	/* Already enough before this batch: the producer was told then. */
	if (free_now > bytes_read && free_now - bytes_read > pending)
		return false;
	ring->stats.signals++;
	return true;
}

/**
 * hvg_ring_mask_begin() - ask the producer not to signal (consumer)
 * @ring: the consumer endpoint
 *
 * For the time the consumer drains the ring anyway; end with
 * hvg_ring_mask_end().
 */
void hvg_ring_mask_begin(struct hvg_ring *ring)
{
	WRITE_ONCE(hvg_ring_hdr(ring)->interrupt_mask, 1);
	/*
	 * Full barrier: the mask store is visible before the write_index
	 * loads of the drain that follows. Pairs with the producer's full
	 * barrier between its write_index store and its interrupt_mask load
	 * (hvg_ring_write()).
	 */
	hvg_ring_mb();
}

/**
 * hvg_ring_mask_end() - allow signals again, and recheck (consumer)
 * @ring: the consumer endpoint
 *
 * A producer that wrote while the mask was set did not signal. So after
 * clearing the mask, the consumer looks once more: if this returns
 * non-zero, it must drain again (and mask again) instead of waiting for a
 * signal that will not come.
 *
 * Return: bytes available to read, or a sticky malformed-index error.
 */
int hvg_ring_mask_end(struct hvg_ring *ring)
{
	WRITE_ONCE(hvg_ring_hdr(ring)->interrupt_mask, 0);
	/*
	 * Full barrier: the unmask store is visible before the write_index
	 * load in hvg_ring_read_begin(). Pairs with the producer's full
	 * barrier between its write_index store and its interrupt_mask load
	 * (hvg_ring_write()): either it sees the mask clear and signals, or
	 * we see its packet now.
	 */
	hvg_ring_mb();
	return hvg_ring_read_begin(ring);
}

/**
 * hvg_ring_dump() - one line of ring state, for debugfs
 * @ring: either endpoint
 * @buf: output
 * @len: size of @buf
 *
 * The shared fields are each read once; free and avail are derived from
 * those reads.
 *
 * Return: the number of characters stored, without the terminating NUL.
 */
int hvg_ring_dump(struct hvg_ring *ring, char *buf, size_t len)
{
	const struct hvg_ring_hdr *hdr = hvg_ring_hdr(ring);
	const struct hvg_ring_stats *st = &ring->stats;
	u32 w = READ_ONCE(hdr->write_index), r = READ_ONCE(hdr->read_index);
	u32 used = ring_used(w % ring->size, r % ring->size, ring->size);

	return hvg_ring_snprintf(buf, len,
		"write=%u read=%u mask=%u pending=%u feat=%#x size=%u free=%u avail=%u priv_write=%u priv_read=%u err=%d packets=%llu bytes=%llu signals=%llu full=%llu malformed=%llu dropped=%llu\n",
		w, r, READ_ONCE(hdr->interrupt_mask),
		READ_ONCE(hdr->pending_send_sz), READ_ONCE(hdr->feature_bits),
		ring->size, ring->size - used, used, ring->priv_write,
		ring->priv_read, ring->err,
		(unsigned long long)st->packets,
		(unsigned long long)st->bytes,
		(unsigned long long)st->signals,
		(unsigned long long)st->full,
		(unsigned long long)st->malformed,
		(unsigned long long)st->dropped);
}

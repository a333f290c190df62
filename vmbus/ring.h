/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMBus ring buffer: one direction of one channel.
 *
 * A channel owns a ring pair in one page set that a single GPADL describes:
 * the outbound (guest to host) ring first, the inbound (host to guest) ring
 * second. Each ring is a 4 KiB header page (struct hvg_ring_hdr) followed by
 * the data area, whose pages are mapped twice back to back so that a packet
 * that wraps around the end of the data area is still one contiguous copy.
 *
 * A struct hvg_ring is one endpoint of one ring: the producer (it writes
 * packets and owns write_index) or the consumer (it reads packets, owns
 * read_index and interrupt_mask). The guest is the producer of the outbound
 * ring and the consumer of the inbound ring; the loopback host and the tests
 * attach the opposite endpoints to the same memory.
 *
 * Locking: the ring takes no lock. At most one producer call and one
 * consumer call may run on one struct hvg_ring at a time (the channel holds
 * its outbound lock around hvg_ring_write(), and reads only from its one
 * callback); the producer and the consumer of the same ring are peers and
 * run concurrently. The stats of an endpoint are written only by that
 * endpoint's calls.
 *
 * The ring never signals the peer itself: every call that may need a signal
 * says so (hvg_ring_write() returns HVG_RING_SIGNAL, hvg_ring_read_end()
 * returns true), counts it in stats.signals, and the caller sends it.
 *
 * Errors (negative errno values; the named aliases are what the code and
 * the tests use):
 *
 *   -EAGAIN    HVG_RING_E_FULL      write: the packet does not fit now
 *   -EMSGSIZE  HVG_RING_E_TOOBIG    write: the packet can never fit (larger
 *                                   than the ring or than len8 can say)
 *   -EINVAL    HVG_RING_E_INVAL     caller error: bad ext_len or sizes
 *   -ENOBUFS   HVG_RING_E_NOBUFS    read: the packet after its descriptor
 *                                   is larger than the caller's buffer;
 *                                   nothing is consumed, the descriptor
 *                                   is returned, not sticky (see below)
 *   -EBADMSG   HVG_RING_E_SHORT     malformed: len8 * 8 < 16
 *   -EPROTO    HVG_RING_E_OFFSET    malformed: offset8 * 8 < 16, or
 *                                   offset8 > len8
 *   -EOVERFLOW HVG_RING_E_OVERRUN   malformed: packet plus trailer longer
 *                                   than the bytes the peer published
 *   -ERANGE    HVG_RING_E_INDEX     malformed: a peer-owned index is not
 *                                   below the data size
 *   -EILSEQ    HVG_RING_E_ALIGN     malformed: a peer-owned index is not a
 *                                   multiple of 8
 *
 * A malformed packet or index is rejected (never clamped), counted once in
 * stats.malformed, and makes the error sticky: every later read (or write,
 * for a bad read_index) on that endpoint returns the same error until the
 * ring is initialised again, because the stream can no longer be trusted.
 *
 * The drain loop. -ENOBUFS is not malformed input: the packet is well
 * formed and only longer than the caller's buffer, so it stays where it is
 * until the caller takes it (hvg_ring_read_next() again with a buffer of
 * hvg_ring_pkt_buflen(&pkt) bytes) or drops it (hvg_ring_skip(), counted
 * in stats.dropped). A caller whose buffer is already the channel's
 * largest packet drops it: a longer packet is a protocol error of the
 * host. Every other result ends the loop or consumes a packet, so this
 * loop ends:
 *
 *	while ((ret = hvg_ring_read_next(ring, buf, buflen, &pkt)) != 0) {
 *		if (ret == -HVG_RING_E_NOBUFS) {
 *			(protocol error: report pkt.desc and
 *			 hvg_ring_pkt_buflen(&pkt), more than buflen)
 *			hvg_ring_skip(ring);
 *			continue;
 *		}
 *		if (ret < 0)
 *			break;		(malformed: sticky, report it)
 *		handle(&pkt);
 *	}
 *	if (hvg_ring_read_end(ring))
 *		signal the producer;
 */
#ifndef _HVGUEST_RING_H
#define _HVGUEST_RING_H

#include "ring_env.h"
#include <hvguest/vmbus_proto.h>

/* hvg_ring_write(): written, and the caller must signal the consumer. */
#define HVG_RING_SIGNAL		1

#define HVG_RING_E_FULL		EAGAIN
#define HVG_RING_E_TOOBIG	EMSGSIZE
#define HVG_RING_E_INVAL	EINVAL
#define HVG_RING_E_NOBUFS	ENOBUFS
#define HVG_RING_E_SHORT	EBADMSG
#define HVG_RING_E_OFFSET	EPROTO
#define HVG_RING_E_OVERRUN	EOVERFLOW
#define HVG_RING_E_INDEX	ERANGE
#define HVG_RING_E_ALIGN	EILSEQ

/* The largest packet len8 can describe, in bytes (excluding the trailer). */
#define HVG_RING_MAX_PKT	(0xffffu * 8)

/* The smallest data area that holds one minimal packet and a free slot. */
#define HVG_RING_MIN_DATA	64u

/* free_cache is at most this: the largest packet plus its trailer, + 1. */
#define HVG_RING_FREE_CACHE_MAX	(HVG_RING_MAX_PKT + HVG_PKT_TRAILER_SIZE + 1)

/* The largest data area: index differences stay well inside an s32. */
#define HVG_RING_MAX_DATA	0x40000000u	/* 1 GiB */

/* One piece of a packet to gather into the ring. */
struct hvg_ring_buf {
	const void *base;
	u32 len;
};

/*
 * A packet read from the ring, in private memory: its descriptor here, as
 * it was checked, and the rest of it (the descriptor's extension, if any,
 * then the payload and its padding: len8 * 8 - 16 bytes) at the start of
 * the caller's buffer, so that an inband payload starts where the buffer
 * does, aligned as the buffer is.
 */
struct hvg_ring_pkt {
	struct hvg_vmpacket_desc desc;
	const void *data;	/* the payload: buffer + offset8 * 8 - 16 */
	u32 data_len;		/* (len8 - offset8) * 8, padding included */
};

/*
 * The buffer a packet needs after its descriptor: for the packet that
 * hvg_ring_read_next() refused with -ENOBUFS, whose descriptor it returned.
 */
static inline u32 hvg_ring_pkt_buflen(const struct hvg_ring_pkt *pkt)
{
	return pkt->desc.len8 * 8u - (u32)sizeof(pkt->desc);
}

/* Per-endpoint counters; written only by that endpoint's calls. */
struct hvg_ring_stats {
	u64 packets;	/* packets written (producer) or read (consumer) */
	u64 signals;	/* signals this endpoint told its caller to send */
	u64 bytes;	/* their len8 * 8, trailer not included */
	u64 full;	/* writes refused with -EAGAIN */
	u64 malformed;	/* malformed packets or peer indices rejected */
	u64 dropped;	/* packets dropped unread by hvg_ring_skip() */
};

struct hvg_ring {
	/* shared data area, mapped twice in a row, above the header page */
	u8 *data;
	u32 size;		/* data area bytes, a multiple of 8 */
	u32 priv_write;		/* producer: write_index as we last wrote it */
	/* producer: free bytes at the last checked read_index, less writes */
	u32 free_cache;
	u32 priv_read;		/* consumer: next byte to read (private) */
	u32 published_read;	/* consumer: read_index as last published */
	u32 seen_write;		/* consumer: write_index as last read */
	u32 limit8;		/* size / 8, or 0 once err is set (see below) */
	int err;		/* sticky error after a malformed input */
	struct hvg_ring_stats stats;
};

/* The two rings of a channel, in one page set (outbound first). */
struct hvg_ring_pair {
	struct hvg_ring out;	/* guest to host: we produce */
	struct hvg_ring in;	/* host to guest: we consume */
#ifdef __KERNEL__
	struct page **pages;	/* the page set a GPADL describes */
	unsigned int npages;	/* out_size / PAGE_SIZE + in_size / PAGE_SIZE */
	unsigned int out_pages;	/* offset of the inbound ring, in pages */
	void *out_va;		/* vmap: [hdr][data][data again] */
	void *in_va;
#else
	int memfd;		/* the page set */
	void *out_va;		/* mmap: [hdr][data][data again] */
	void *in_va;
	size_t out_map, in_map;	/* bytes of each mapping */
#endif
};

int hvg_ring_init(struct hvg_ring *ring, void *base, u32 size);
int hvg_ring_attach(struct hvg_ring *ring, void *base, u32 size);

/*
 * Producer. The ring builds each packet's descriptor itself, so len8 and
 * offset8 always describe exactly the bytes written. hvg_ring_write()
 * (below, inline) writes the common packet, one payload after a bare
 * descriptor; hvg_ring_writev() gathers any list of pieces, the first
 * ext_len bytes of which extend the descriptor (a GPA-direct range list).
 */
int hvg_ring_writev(struct hvg_ring *ring, u16 type, u16 flags, u64 trans_id,
		    u32 ext_len, const struct hvg_ring_buf *bufs,
		    unsigned int nbufs);
u32 hvg_ring_free_bytes(struct hvg_ring *ring);
u32 hvg_ring_set_pending(struct hvg_ring *ring, u32 bytes);

/* Consumer. hvg_ring_read_next() and hvg_ring_read_end() are below. */
int hvg_ring_read_begin(struct hvg_ring *ring);
int hvg_ring_skip(struct hvg_ring *ring);
void hvg_ring_mask_begin(struct hvg_ring *ring);
int hvg_ring_mask_end(struct hvg_ring *ring);

int hvg_ring_dump(struct hvg_ring *ring, char *buf, size_t len);

/*
 * Page set: allocate and map (ring_alloc.c in the kernel, with vmap;
 * tools/ring_alloc_user.c in user space, with a memfd mapped twice).
 * out_size and in_size count the header page and the data area and are
 * multiples of 4 KiB; both rings are initialised (hvg_ring_init()).
 */
int hvg_ring_pair_alloc(struct hvg_ring_pair *pair, u32 out_size,
			u32 in_size);
int hvg_ring_pair_init(struct hvg_ring_pair *pair, u32 out_size,
		       u32 in_size);
void hvg_ring_pair_free(struct hvg_ring_pair *pair);
#ifdef __KERNEL__
struct page;
void *hvg_ring_vmap(struct page **pages, unsigned int npages);
void *hvg_ring_vmap_pair(struct page **pages, unsigned int npages,
			 unsigned int in_page, void **in_va);
#endif

/*
 * The per-packet fast paths, inline: a write+read pair is a few dozen
 * instructions besides its two copies, and calls, prologues and argument
 * passing were a third of that. Everything unusual (an error, a full ring, a
 * packet of several pieces, a pending_send_sz to honour) goes out of line
 * to vmbus/ring.c, which also holds the rest of the ring.
 */
int __hvg_ring_reserve_slow(struct hvg_ring *ring, u64 need);
int __hvg_ring_bad_index(struct hvg_ring *ring, u32 idx);
int __hvg_ring_read_refused(struct hvg_ring *ring, u64 word, u32 avail,
			    struct hvg_ring_pkt *pkt);
bool __hvg_ring_read_end_pending(struct hvg_ring *ring, u32 old_r,
				 u32 pending);

/*
 * A peer-owned index is below the data size and a multiple of 8. Once the
 * endpoint has a sticky error, limit8 is 0 and no index passes: the fast
 * paths check the sticky error only on their way out, and the consumer's
 * snapshot is emptied at the same time (seen_write = priv_read), so that
 * every read goes through this check.
 *
 * One comparison does both: rotated right by 3, a multiple of 8 below the
 * size becomes a number below size / 8, and any other index becomes one of
 * at least 2^29 (a low bit rotated to the top), which no limit8 reaches.
 */
static __always_inline bool hvg_ring_index_ok(const struct hvg_ring *ring,
					      u32 idx)
{
	return (idx >> 3 | idx << 29) < ring->limit8;
}

/*
 * The header page, which always sits just below the data area: one
 * pointer finds both.
 */
static __always_inline struct hvg_ring_hdr *__hvg_ring_hdr(const u8 *data)
{
	return (struct hvg_ring_hdr *)(data - HVG_RING_HDR_SIZE);
}

static __always_inline struct hvg_ring_hdr *
hvg_ring_hdr(const struct hvg_ring *ring)
{
	return __hvg_ring_hdr(ring->data);
}

/*
 * Publish a packet written at old_w, the producer's write_index becoming
 * new_w, and decide about the signal; the last step of every write.
 */
static __always_inline int __hvg_ring_publish(struct hvg_ring *ring,
					      struct hvg_ring_hdr *hdr,
					      u32 old_w, u32 new_w)
{
	u32 mask;

	/*
	 * Publish write_index with a full barrier on each side of the store,
	 * in one fully ordered exchange (one locked instruction on x86):
	 *
	 * Before: the packet bytes, padding and trailer that the write
	 * stored are visible before write_index. Pairs with the consumer's
	 * acquire load of write_index (hvg_ring_read_next(),
	 * hvg_ring_read_begin()) before it reads the packet.
	 *
	 * After: the write_index store is visible before the loads of
	 * interrupt_mask and read_index below. Pairs with the consumer's full
	 * barrier between its interrupt_mask or read_index store and its next
	 * load of write_index (hvg_ring_mask_end(), and the one after the
	 * read_index store in hvg_ring_read_end()): either the consumer sees
	 * this packet, or this side sees its new mask and read_index.
	 */
	hvg_ring_publish_mb(&hdr->write_index, new_w);

	mask = READ_ONCE(hdr->interrupt_mask);
	/*
	 * Load-load: interrupt_mask before read_index, so a read_index that
	 * says "empty" is not older than the mask that said "not draining".
	 * Pairs with the full barrier after the consumer sets the mask
	 * (hvg_ring_mask_begin()).
	 */
	hvg_ring_rmb();
	/* Signal if not masked and the consumer had read up to old_w. */
	if (mask | (READ_ONCE(hdr->read_index) ^ old_w))
		return 0;
	ring->stats.signals++;
	return HVG_RING_SIGNAL;
}

/*
 * Reserve room for a packet and lay out everything but its payload: check
 * the space, then store the zeroed last word of the packet (the payload
 * overwrites all of it but the padding), the descriptor, whose payload
 * starts hdr_len bytes in, and the trailer (where this packet starts, in
 * the upper 32 bits); len is the bytes after the descriptor. Return 0 with
 * *dst where those go and the private write index and the counters
 * advanced; or the refusal from __hvg_ring_reserve_slow(): a sticky error,
 * too big ever, a bad read_index, or full now.
 *
 * The space is checked against free_cache, the free space as of the last
 * read_index we checked less what we wrote since: it can only be smaller
 * than the truth, so a packet that fits in it fits. Only when it is too
 * small is read_index read again (__hvg_ring_reserve_slow()), which keeps
 * the producer off the consumer's cache line while there is room. The
 * same check bounds the packet: free_cache never exceeds the largest
 * packet len8 can describe plus its trailer (HVG_RING_FREE_CACHE_MAX), and
 * the size is computed in 64 bits, so any len that passes fits in len8.
 */
static __always_inline int __hvg_ring_reserve(struct hvg_ring *ring,
					      u16 type, u16 flags,
					      u64 trans_id, u32 hdr_len,
					      u64 len, u8 **dst)
{
	u32 old_w = ring->priv_write, new_w;
	u64 padded = (len + sizeof(struct hvg_vmpacket_desc) + 7) & ~7ull;
	u64 need = padded + HVG_PKT_TRAILER_SIZE;
	s64 left = (s64)ring->free_cache - (s64)need;
	u8 *p;
	int err;

	if (unlikely(left <= 0)) {
		err = __hvg_ring_reserve_slow(ring, need);
		if (unlikely(err))
			return err;
		left = ring->free_cache - need;
	}
	ring->free_cache = left;
	/*
	 * No barrier here: the read_index that made this space free was read
	 * with acquire semantics (__hvg_ring_reserve_slow()), so the stores
	 * below and the caller's copies stay after it. Pairs with the
	 * consumer's release of read_index in hvg_ring_read_end().
	 */
	p = ring->data + old_w;
	/* The last word first: for a bare descriptor it is trans_id. */
	*(u64 *)(p + padded - 8) = 0;
	/* Little endian: type, offset8, len8, flags from low to high. */
	*(u64 *)p = type | (u64)(hdr_len >> 3) << 16 | padded << 29 |
		    (u64)flags << 48;
	*(u64 *)(p + 8) = trans_id;
	*(u64 *)(p + padded) = (u64)old_w << 32;
	*dst = p + sizeof(struct hvg_vmpacket_desc);
	/* Indices are below 2^30, so the sign says which side of size. */
	new_w = old_w + need;
	if ((s32)(new_w - ring->size) >= 0)
		new_w -= ring->size;
	ring->priv_write = new_w;
	ring->stats.packets++;
	ring->stats.bytes += padded;
	return 0;
}

/**
 * hvg_ring_write() - write one packet: a descriptor and a payload (producer)
 * @ring: the producer endpoint
 * @type: HVG_PKT_*
 * @flags: HVG_PKT_FLAG_*
 * @trans_id: transaction id (a slot index, never a pointer)
 * @data: the payload
 * @len: its bytes
 *
 * The packet is a 16-byte descriptor that the ring builds (offset8 = 2,
 * len8 the padded size), the payload, zero padding to a multiple of 8 and
 * the 8-byte trailer. The ring is never filled completely: a packet is
 * written only if more than its size plus trailer is free.
 *
 * Return: HVG_RING_SIGNAL (1), counted, when the caller must signal the
 * consumer: the ring was empty before this packet and the consumer has not
 * set interrupt_mask; 0 when written without a signal; -EAGAIN if the
 * packet does not fit now (counted as a ring-full event); -EMSGSIZE if it
 * can never fit; -ERANGE or -EILSEQ (sticky) if the consumer's read_index
 * is malformed. hvg_ring_writev() returns the same for the same packet.
 */
static __always_inline int hvg_ring_write(struct hvg_ring *ring, u16 type,
					  u16 flags, u64 trans_id,
					  const void *data, u32 len)
{
	struct hvg_ring_hdr *hdr = hvg_ring_hdr(ring);
	u32 old_w = ring->priv_write, new_w;
	u8 *dst = NULL;
	int err;

	err = __hvg_ring_reserve(ring, type, flags, trans_id,
				 sizeof(struct hvg_vmpacket_desc), len, &dst);
	if (unlikely(err))
		return err;
	/* Taken before the copy, which the compiler cannot see around. */
	new_w = ring->priv_write;
	memcpy(dst, data, len);
	return __hvg_ring_publish(ring, hdr, old_w, new_w);
}

/*
 * The checks and the bookkeeping of hvg_ring_read_next() and
 * hvg_ring_read_peek(): on success (1) @pkt->desc and @pkt->data_len are
 * set, the private read index is past the packet, and *@srcp is the
 * packet's first byte in the ring (its descriptor); the caller sets
 * @pkt->data. Anything else as hvg_ring_read_next() returns it.
 */
static __always_inline int __hvg_ring_take(struct hvg_ring *ring, u32 buflen,
					   struct hvg_ring_pkt *pkt,
					   const u8 **srcp)
{
	u32 r = ring->priv_read, w = ring->seen_write, avail, len, off;
	const u8 *data = ring->data, *src;
	u32 data_len;
	u64 word;
	int ret;

	/* A sticky error emptied the snapshot and fails the index check. */
	avail = w - r;
	if (!avail) {
		/*
		 * The snapshot is used up: look for newer packets. Acquire:
		 * the packet loads that follow cannot be satisfied before
		 * this load of write_index. Pairs with the producer's full
		 * barrier before its write_index store (__hvg_ring_publish()).
		 */
		w = hvg_ring_load_acquire(&__hvg_ring_hdr(data)->write_index);
		if (unlikely(!hvg_ring_index_ok(ring, w))) {
			ret = __hvg_ring_bad_index(ring, w);
			goto none;
		}
		ring->seen_write = w;
		avail = w - r;
		if (!avail) {
			ret = 0;
			goto none;
		}
	}
	if ((s32)avail < 0)
		avail += ring->size;
	src = data + r;
	word = READ_ONCE(*(const u64 *)src);
	/* Little endian: type, offset8, len8, flags from low to high. */
	off = (word >> 13) & (0xffff << 3);
	len = (word >> 29) & (0xffff << 3);
	data_len = len - off;
	/*
	 * 16 <= offset8 * 8 <= len8 * 8, so that the packet holds at least
	 * its descriptor: off and len are below 2^19, so off - 16 and
	 * len - off are negative, their sign bit set, exactly when one of the
	 * two fails. Then packet and trailer within the bytes the producer
	 * published (whole packets only, so at least 24; len and avail are
	 * multiples of 8, so len + 8 <= avail is len < avail), and within the
	 * caller's buffer. Else __hvg_ring_read_refused() says which, in the
	 * documented order.
	 */
	if (unlikely((s32)((off - 16) | data_len) < 0 || len >= avail ||
		     len - 16 > buflen))
		return __hvg_ring_read_refused(ring, word, avail, pkt);

	pkt->data_len = data_len;
	r += len + HVG_PKT_TRAILER_SIZE;
	if ((s32)(r - ring->size) >= 0)
		r -= ring->size;
	ring->priv_read = r;
	ring->stats.packets++;
	ring->stats.bytes += len;
	/*
	 * The descriptor's first word as it was checked (not a second fetch,
	 * so a host that rewrites it meanwhile cannot make the copy disagree
	 * with the checks), and trans_id read once.
	 */
	memcpy(&pkt->desc, &word, sizeof(word));
	pkt->desc.trans_id = READ_ONCE(*(const u64 *)(src + 8));
	*srcp = src;
	return 1;
none:
	memset(pkt, 0, sizeof(*pkt));
	return ret;
}

/**
 * hvg_ring_read_next() - copy the next packet into private memory
 * @ring: the consumer endpoint
 * @buf: private buffer for the packet after its descriptor, 8-byte aligned
 * @buflen: its size: normally the largest packet this channel accepts,
 *	less 16
 * @pkt: required; filled in with the descriptor and where the payload is
 *	in @buf
 *
 * Works from a snapshot of write_index, and takes a new one (an acquire
 * load, checked) only when it has read up to the snapshot. The descriptor's
 * first word (type, offset8, len8, flags) is read from the ring once; the
 * checks and the private copy both use that value, so a host that rewrites
 * the packet while it is copied cannot make them disagree. The private read
 * index advances; read_index is published only by hvg_ring_read_end().
 *
 * Return: 1 with a packet in @pkt and @buf. -ENOBUFS if the packet is well
 * formed but needs more than @buflen bytes after its descriptor: nothing
 * is consumed, @pkt->desc is its descriptor (hvg_ring_pkt_buflen() says
 * how much buffer it needs), @pkt->data is NULL and @pkt->data_len 0; the
 * caller takes it with a larger buffer or drops it with hvg_ring_skip()
 * (the drain loop at the top of this file). Otherwise @pkt is zeroed and
 * the result is 0 when the ring is empty, or a malformed-packet error,
 * counted and sticky: -EBADMSG (len8 too short), -EPROTO (bad offset8),
 * -EOVERFLOW (packet beyond the published bytes), -ERANGE or -EILSEQ (bad
 * write_index).
 */
static __always_inline int hvg_ring_read_next(struct hvg_ring *ring,
					      void *buf, u32 buflen,
					      struct hvg_ring_pkt *pkt)
{
	const u8 *src = NULL;
	int ret;

	ret = __hvg_ring_take(ring, buflen, pkt, &src);
	if (ret != 1)
		return ret;
	/* The private copy of the rest of the packet. */
	pkt->data = (const u8 *)buf + pkt->desc.offset8 * 8 - 16;
	memcpy(buf, src + 16, pkt->desc.len8 * 8 - 16);
	return 1;
}

/**
 * hvg_ring_read_peek() - the next packet, its payload left in the ring
 * @ring: the consumer endpoint
 * @maxlen: the largest packet after its descriptor that the caller takes,
 *	as @buflen of hvg_ring_read_next()
 * @pkt: required; filled in with the descriptor, as checked, and where
 *	the payload is in the ring
 *
 * hvg_ring_read_next() without the copy: the same checks, the same
 * results, the descriptor copied the same way; but @pkt->data points into
 * the shared data area (one contiguous run, thanks to the double mapping),
 * and stays valid until hvg_ring_read_end() gives the space back. The peer
 * can still write those bytes: this is for a consumer that moves a payload
 * on without parsing it, or that copies what it parses first and reads
 * each byte of it once. Everything else goes through hvg_ring_read_next().
 */
static __always_inline int hvg_ring_read_peek(struct hvg_ring *ring,
					      u32 maxlen,
					      struct hvg_ring_pkt *pkt)
{
	const u8 *src = NULL;
	int ret;

	ret = __hvg_ring_take(ring, maxlen, pkt, &src);
	if (ret == 1)
		pkt->data = src + pkt->desc.offset8 * 8;
	return ret;
}

/**
 * hvg_ring_read_end() - publish read_index once for the batch (consumer)
 * @ring: the consumer endpoint
 *
 * Releases the space of every packet read since the last call. If the
 * producer advertised pending_send_sz and this batch made the free space
 * cross it (from "not more than pending" to "more than pending"), the
 * caller must signal the producer (__hvg_ring_read_end_pending() decides,
 * and checks feature_bits).
 *
 * Return: true when the caller must signal the producer (counted).
 */
static __always_inline bool hvg_ring_read_end(struct hvg_ring *ring)
{
	struct hvg_ring_hdr *hdr = hvg_ring_hdr(ring);
	u32 r = ring->priv_read, old_r = ring->published_read, pending;

	if (r == old_r)
		return false;
	/*
	 * Publish read_index with a full barrier on each side of the store,
	 * in one fully ordered exchange (one locked instruction on x86):
	 *
	 * Before (release): every load from the packets consumed in this
	 * batch (the copies in hvg_ring_read_next()) completes before the
	 * producer can see their space freed. Pairs with the producer's
	 * acquire load of read_index (__hvg_ring_reserve_slow()).
	 *
	 * After: the read_index store is visible before the pending_send_sz
	 * load. Pairs with the producer's full barrier between its
	 * pending_send_sz store and its read_index load
	 * (hvg_ring_set_pending()): either the producer sees the space we
	 * freed, or we see its pending size and signal. (Issued whether or
	 * not feature_bits says pending_send_sz is honoured: that is checked
	 * only when there is a pending size.)
	 */
	ring->published_read = r;
	hvg_ring_publish_mb(&hdr->read_index, r);
	pending = READ_ONCE(hdr->pending_send_sz);
	if (likely(!pending))
		return false;
	return __hvg_ring_read_end_pending(ring, old_r, pending);
}

#endif /* _HVGUEST_RING_H */

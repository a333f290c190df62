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
 *   -EINVAL    HVG_RING_E_INVAL     caller error: bad descriptor or sizes
 *   -ENOBUFS   HVG_RING_E_NOBUFS    read: the packet is larger than the
 *                                   caller's buffer; nothing is consumed
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

/* The largest data area: index differences stay well inside an s32. */
#define HVG_RING_MAX_DATA	0x40000000u	/* 1 GiB */

/* One piece of a packet to gather into the ring. */
struct hvg_ring_buf {
	const void *base;
	u32 len;
};

/* A packet read from the ring, in the caller's private buffer. */
struct hvg_ring_pkt {
	const struct hvg_vmpacket_desc *desc;	/* start of the private copy */
	const void *data;	/* desc + offset8 * 8 */
	u32 len;		/* len8 * 8: descriptor, payload, padding */
	u32 data_len;		/* (len8 - offset8) * 8 */
};

/* Per-endpoint counters; written only by that endpoint's calls. */
struct hvg_ring_stats {
	u64 packets;	/* packets written (producer) or read (consumer) */
	u64 signals;	/* signals this endpoint told its caller to send */
	u64 bytes;	/* their len8 * 8, trailer not included */
	u64 full;	/* writes refused with -EAGAIN */
	u64 malformed;	/* malformed packets or peer indices rejected */
};

struct hvg_ring {
	struct hvg_ring_hdr *hdr;	/* shared header page */
	u8 *data;		/* shared data area, mapped twice in a row */
	u32 size;		/* data area bytes, a multiple of 8 */
	u32 priv_write;		/* producer: write_index as we last wrote it */
	u32 priv_read;		/* consumer: next byte to read (private) */
	u32 published_read;	/* consumer: read_index as last published */
	u32 seen_write;		/* consumer: write_index as last read */
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

int hvg_ring_init(struct hvg_ring *ring, void *hdr, void *data, u32 size);
int hvg_ring_attach(struct hvg_ring *ring, void *hdr, void *data, u32 size);

/* Producer. */
int hvg_ring_write(struct hvg_ring *ring, const struct hvg_ring_buf *bufs,
		   unsigned int nbufs);
u32 hvg_ring_free_bytes(struct hvg_ring *ring);
u32 hvg_ring_set_pending(struct hvg_ring *ring, u32 bytes);

/* Consumer. */
int hvg_ring_read_begin(struct hvg_ring *ring);
int hvg_ring_read_next(struct hvg_ring *ring, void *buf, u32 buflen,
		       struct hvg_ring_pkt *pkt);
bool hvg_ring_read_end(struct hvg_ring *ring);
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
#endif

/**
 * hvg_ring_desc_init() - fill in a packet descriptor
 * @desc: the descriptor, at the start of the packet's first buffer
 * @type: HVG_PKT_*
 * @flags: HVG_PKT_FLAG_*
 * @trans_id: transaction id (a slot index, never a pointer)
 * @hdr_len: bytes from the descriptor start to the payload, multiple of 8
 * @pkt_len: bytes of descriptor, extension header and payload, unpadded
 */
static inline void hvg_ring_desc_init(struct hvg_vmpacket_desc *desc,
				      u16 type, u16 flags, u64 trans_id,
				      u32 hdr_len, u32 pkt_len)
{
	desc->type = type;
	desc->offset8 = hdr_len >> 3;
	desc->len8 = (pkt_len + 7) >> 3;
	desc->flags = flags;
	desc->trans_id = trans_id;
}

#endif /* _HVGUEST_RING_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the ring reader (vmbus/ring.c): the fuzzer plays a
 * hostile host and owns everything the host can write: the inbound ring's
 * header (write_index, read_index as found at attach, interrupt_mask,
 * pending_send_sz, feature_bits) and all of its data, and the outbound
 * ring's read_index. The guest reads the inbound ring to the end with the
 * drain loop of ring.h, with and without the interrupt mask, into a
 * private buffer of a fuzzed size; a packet too long for it is dropped
 * (hvg_ring_skip()) or taken with a buffer of the size it says, and the
 * loop must end within a bound. Then the guest writes packets into the
 * outbound ring.
 *
 * Input: [in.write u32][in.read u32][mask u32][pending u32][feat u32]
 *        [out.read u32][out.write u32][buflen u16][wlen u16][flags u8]
 *        (33 bytes, little endian; flags: bit 0 and 1 mask the first and
 *        second read, bit 2 and 3 make them take a packet too long for
 *        the buffer instead of dropping it, bits 4-7 are the written
 *        packet's flags), then
 *        [inbound data area, up to 4096 bytes; the rest is zero]
 *
 * Anything that is not an orderly return with a documented error is a bug:
 * the target aborts on a broken invariant; ASan and UBSan catch the rest.
 */
#include <stdlib.h>
#include "../vmbus/ring.h"

#define FZ_RING		(2 * HVG_RING_HDR_SIZE)
#define FZ_HDR_BYTES	33

static struct hvg_ring_pair fz_pair;
static u8 fz_payload[4096];
/* Large enough for any packet of the inbound ring: the "take" buffer. */
static u8 fz_big[FZ_RING];

#define FZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "ring_fuzz: %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

static u32 fz_u32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static u16 fz_u16(const u8 *p)
{
	u16 v;

	memcpy(&v, p, 2);
	return v;
}

static bool fz_malformed_err(int err)
{
	return err == -HVG_RING_E_SHORT || err == -HVG_RING_E_OFFSET ||
	       err == -HVG_RING_E_OVERRUN || err == -HVG_RING_E_INDEX ||
	       err == -HVG_RING_E_ALIGN;
}

/* A packet read into buf (buflen bytes): its invariants, every byte. */
static void fz_check_pkt(const struct hvg_ring_pkt *pkt, const u8 *buf,
			 u32 buflen)
{
	u32 i, sum = 0;

	FZ_ASSERT(pkt->desc.len8 >= 2 && pkt->desc.len8 * 8u - 16 <= buflen);
	FZ_ASSERT(pkt->desc.offset8 >= 2 &&
		  pkt->desc.offset8 <= pkt->desc.len8);
	FZ_ASSERT((const u8 *)pkt->data == buf + pkt->desc.offset8 * 8 - 16);
	FZ_ASSERT(pkt->data_len + pkt->desc.offset8 * 8u ==
		  pkt->desc.len8 * 8u);
	/* Touch every byte the caller may use: ASan checks bounds. */
	for (i = 0; i < pkt->data_len; i++)
		sum += ((const u8 *)pkt->data)[i];
	__asm__ __volatile__("" : : "r"(sum));
}

/*
 * The drain loop of ring.h. Every round consumes a packet of at least 24
 * bytes of the inbound ring, or ends the loop, or (take) refuses a packet
 * that the next round then takes with the larger buffer: with one
 * snapshot of write_index, at most 2 * size / 24 rounds.
 */
static void fz_read(struct hvg_ring *in, u8 *buf, u32 buflen, bool masked,
		    bool take)
{
	u64 packets = in->stats.packets, dropped = in->stats.dropped;
	struct hvg_ring_pkt pkt;
	u32 rounds = 0, refused = 0, taken = 0;
	int ret;

	if (masked)
		hvg_ring_mask_begin(in);
	ret = hvg_ring_read_begin(in);
	while (ret >= 0 && (ret = hvg_ring_read_next(in, buf, buflen, &pkt))) {
		FZ_ASSERT(++rounds <= 2 * (in->size / 24));
		if (ret == -HVG_RING_E_NOBUFS) {
			/* Well formed, and said so: only too long. */
			FZ_ASSERT(hvg_ring_pkt_buflen(&pkt) > buflen);
			FZ_ASSERT(pkt.desc.offset8 >= 2 &&
				  pkt.desc.offset8 <= pkt.desc.len8);
			FZ_ASSERT(!pkt.data && !pkt.data_len);
			FZ_ASSERT(!in->err);
			refused++;
			if (!take) {
				ret = hvg_ring_skip(in);
				FZ_ASSERT(ret == 1);
				continue;
			}
			ret = hvg_ring_read_next(in, fz_big,
						 hvg_ring_pkt_buflen(&pkt),
						 &pkt);
			FZ_ASSERT(ret == 1);
			fz_check_pkt(&pkt, fz_big, hvg_ring_pkt_buflen(&pkt));
			taken++;
			continue;
		}
		if (ret < 0)
			break;
		fz_check_pkt(&pkt, buf, buflen);
		taken++;
	}
	FZ_ASSERT(ret == 0 || fz_malformed_err(ret));
	FZ_ASSERT(in->stats.malformed <= 1);
	FZ_ASSERT(!fz_malformed_err(ret) || in->stats.malformed == 1);
	/* Each packet was read or dropped once, and counted as such. */
	FZ_ASSERT(in->stats.dropped - dropped == (take ? 0 : refused));
	FZ_ASSERT(in->stats.packets - packets == taken);
	hvg_ring_read_end(in);
	FZ_ASSERT(hvg_ring_hdr(in)->read_index == in->priv_read);
	FZ_ASSERT(in->priv_read < in->size && !(in->priv_read & 7));
	if (masked)
		hvg_ring_mask_end(in);
}

static void fz_write(struct hvg_ring *out, u32 len, u16 flags)
{
	u32 old = out->priv_write;
	u64 signals = out->stats.signals, packets = out->stats.packets;
	int ret;

	ret = hvg_ring_write(out, HVG_PKT_DATA_INBAND, flags, 1, fz_payload,
			     len);
	FZ_ASSERT(ret == 0 || ret == HVG_RING_SIGNAL ||
		  ret == -HVG_RING_E_FULL || ret == -HVG_RING_E_TOOBIG ||
		  ret == -HVG_RING_E_INDEX || ret == -HVG_RING_E_ALIGN);
	/* A signal asked for is a signal counted, and only then. */
	FZ_ASSERT(out->stats.signals - signals == (ret == HVG_RING_SIGNAL));
	if (ret < 0) {
		/* Refused: nothing written, nothing published. */
		FZ_ASSERT(out->priv_write == old &&
			  out->stats.packets == packets &&
			  hvg_ring_hdr(out)->write_index == old);
		return;
	}
	FZ_ASSERT(out->stats.packets == packets + 1);
	FZ_ASSERT(hvg_ring_hdr(out)->write_index ==
		  (old + ((16 + len + 7) & ~7u) + 8) % out->size);
}

/*
 * The libFuzzer entry point; the Makefile links it under libFuzzer's name
 * (-Wl,--defsym), so that the source keeps kernel naming.
 */
int ring_fuzz_one(const u8 *data, size_t size);

int ring_fuzz_one(const u8 *data, size_t size)
{
	struct hvg_ring in, out;
	struct hvg_ring_hdr *ih, *oh;
	u32 buflen, wlen, dlen;
	u8 *buf, flags;

	if (size < FZ_HDR_BYTES)
		return 0;
	if (!fz_pair.in_va && hvg_ring_pair_alloc(&fz_pair, FZ_RING, FZ_RING))
		abort();
	ih = hvg_ring_hdr(&fz_pair.in);
	oh = hvg_ring_hdr(&fz_pair.out);

	/* The host's view of the world, all of it from the input. */
	ih->write_index = fz_u32(data + 0);
	ih->read_index = fz_u32(data + 4);
	ih->interrupt_mask = fz_u32(data + 8);
	ih->pending_send_sz = fz_u32(data + 12);
	ih->feature_bits = fz_u32(data + 16);
	buflen = fz_u16(data + 28) % 5000;
	wlen = fz_u16(data + 30) % 5000;
	flags = data[32];
	dlen = size - FZ_HDR_BYTES;
	if (dlen > fz_pair.in.size)
		dlen = fz_pair.in.size;
	memcpy(fz_pair.in.data, data + FZ_HDR_BYTES, dlen);
	memset(fz_pair.in.data + dlen, 0, fz_pair.in.size - dlen);

	/* The reader: the private buffer is exactly buflen bytes. */
	buf = malloc(buflen ? buflen : 1);
	if (!buf)
		abort();
	if (hvg_ring_attach(&in, ih, fz_pair.in.size) == 0) {
		fz_read(&in, buf, buflen, flags & 1, flags & 4);
		/* A second pass: sticky errors stay, nothing is re-read. */
		fz_read(&in, buf, buflen, flags & 2, flags & 8);
	} else {
		FZ_ASSERT(in.err && in.stats.malformed == 1);
	}
	free(buf);

	/*
	 * The writer, from an offset of the fuzzer's choice, against the
	 * read_index the fuzzer writes after the writer attached.
	 */
	oh->write_index = fz_u32(data + 24) % fz_pair.out.size & ~7u;
	oh->read_index = oh->write_index;
	FZ_ASSERT(!hvg_ring_attach(&out, oh, fz_pair.out.size));
	oh->read_index = fz_u32(data + 20);
	fz_write(&out, wlen, flags >> 4);
	fz_write(&out, wlen / 2, 0);
	return 0;
}

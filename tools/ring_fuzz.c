// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the ring reader (vmbus/ring.c): the fuzzer plays a
 * hostile host and owns everything the host can write: the inbound ring's
 * header (write_index, read_index as found at attach, interrupt_mask,
 * pending_send_sz, feature_bits) and all of its data, and the outbound
 * ring's read_index. The guest reads the inbound ring to the end, with and
 * without the interrupt mask, into a private buffer of a fuzzed size, and
 * writes one packet into the outbound ring.
 *
 * Input: [in.write u32][in.read u32][mask u32][pending u32][feat u32]
 *        [out.read u32][out.write u32][buflen u16][wlen u16][flags u8]
 *        (33 bytes, little endian), then
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

static void fz_read(struct hvg_ring *in, u8 *buf, u32 buflen, bool masked)
{
	struct hvg_ring_pkt pkt;
	u32 i, sum = 0, n = 0;
	int ret;

	if (masked)
		hvg_ring_mask_begin(in);
	ret = hvg_ring_read_begin(in);
	while (ret >= 0) {
		ret = hvg_ring_read_next(in, buf, buflen, &pkt);
		if (ret != 1)
			break;
		n++;
		FZ_ASSERT(n <= in->size / 24);
		FZ_ASSERT(pkt.desc.len8 >= 2 &&
			  pkt.desc.len8 * 8u - 16 <= buflen);
		FZ_ASSERT(pkt.desc.offset8 >= 2 &&
			  pkt.desc.offset8 <= pkt.desc.len8);
		FZ_ASSERT((const u8 *)pkt.data ==
			  buf + pkt.desc.offset8 * 8 - 16);
		FZ_ASSERT(pkt.data_len + pkt.desc.offset8 * 8u ==
			  pkt.desc.len8 * 8u);
		/* Touch every byte the caller may use: ASan checks bounds. */
		for (i = 0; i < pkt.data_len; i++)
			sum += ((const u8 *)pkt.data)[i];
	}
	FZ_ASSERT(ret == 0 || ret == -HVG_RING_E_NOBUFS ||
		  fz_malformed_err(ret));
	FZ_ASSERT(in->stats.malformed <= 1);
	FZ_ASSERT(!fz_malformed_err(ret) || in->stats.malformed == 1);
	hvg_ring_read_end(in);
	FZ_ASSERT(hvg_ring_hdr(in)->read_index == in->priv_read);
	FZ_ASSERT(in->priv_read < in->size && !(in->priv_read & 7));
	if (masked)
		hvg_ring_mask_end(in);
	__asm__ __volatile__("" : : "r"(sum));
}

static void fz_write(struct hvg_ring *out, u32 len, u16 flags)
{
	u32 old = out->priv_write;
	bool sig;
	int ret;

	ret = hvg_ring_write(out, HVG_PKT_DATA_INBAND, flags, 1, fz_payload,
			     len);
	sig = ret == HVG_RING_SIGNAL;
	if (sig)
		ret = 0;
	FZ_ASSERT(ret == 0 || ret == -HVG_RING_E_FULL ||
		  ret == -HVG_RING_E_TOOBIG || ret == -HVG_RING_E_INDEX ||
		  ret == -HVG_RING_E_ALIGN);
	if (ret) {
		FZ_ASSERT(hvg_ring_hdr(out)->write_index == old && !sig);
		return;
	}
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
		fz_read(&in, buf, buflen, flags & 1);
		/* A second pass: sticky errors stay, nothing is re-read. */
		fz_read(&in, buf, buflen, flags & 2);
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

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring buffer test cases, written once and compiled twice: into the
 * KUnit suite (kunit/ring_test.c) and into the user-space test binary
 * (tools/ring_test.c). The includer provides:
 *
 *   struct rt                     one running case
 *   RT_FAIL(t, fmt, ...)          record a failure (the case goes on)
 *   rt_alloc(n), rt_free(p)       zeroed memory for buffers
 *   rt_now_ns()                   a monotonic clock
 *   rt_yield()                    let the other thread run (busy waits)
 *   struct rt_thread, rt_thread_start(th, fn, arg), rt_thread_join(th)
 *   rt_stress_packets(t)          how many packets the stress case sends
 *   rt_wait_timeout_ns            how long a wait may take before it fails
 *
 * and then builds its table of cases by defining RT_RING_CASE(name) and
 * including ring_case_list.h.
 *
 * Naming: "guest" endpoints are those of struct hvg_ring_pair (the guest
 * produces on pair.out and consumes pair.in); "host" endpoints are attached
 * to the same memory with hvg_ring_attach(), as the loopback host would.
 */

#define RT_CHECK(t, cond) do {						\
	if (!(cond))							\
		RT_FAIL(t, "%s:%d: %s", __FILE__, __LINE__, #cond);	\
} while (0)

/* Check, and say whether it held: "if (!RT_OK(t, x)) goto out;". */
#define RT_OK(t, cond)	rt_ok(t, !!(cond), __FILE__, __LINE__, #cond)

#define RT_EQ(t, a, b) do {						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a != __b)							\
		RT_FAIL(t, "%s:%d: %s == %lld, expected %s == %lld",	\
			__FILE__, __LINE__, #a, __a, #b, __b);		\
} while (0)

#define RT_SMALL_RING	(2 * HVG_RING_HDR_SIZE)	/* 4 KiB of data */
#define RT_BUF_SIZE	(64 * 1024)
#define RT_DESC		((u32)sizeof(struct hvg_vmpacket_desc))

static bool rt_ok(struct rt *t, bool ok, const char *file, int line,
		  const char *what)
{
	if (!ok)
		RT_FAIL(t, "%s:%d: %s", file, line, what);
	return ok;
}

struct rt_env {
	struct hvg_ring_pair pair;
	struct hvg_ring host_out;	/* host consumes the outbound ring */
	struct hvg_ring host_in;	/* host produces the inbound ring */
	u8 *scratch;			/* packets being built */
	u8 *pkt;			/* the reader's private buffer */
};

static void rt_env_free(struct rt_env *env)
{
	hvg_ring_pair_free(&env->pair);
	rt_free(env->scratch);
	rt_free(env->pkt);
}

static int rt_env_init(struct rt *t, struct rt_env *env, u32 out_size,
		       u32 in_size)
{
	int err;

	memset(env, 0, sizeof(*env));
	env->scratch = rt_alloc(RT_BUF_SIZE);
	env->pkt = rt_alloc(RT_BUF_SIZE);
	err = hvg_ring_pair_alloc(&env->pair, out_size, in_size);
	if (!err)
		err = hvg_ring_attach(&env->host_out,
				      hvg_ring_hdr(&env->pair.out),
				      env->pair.out.size);
	if (!err)
		err = hvg_ring_attach(&env->host_in,
				      hvg_ring_hdr(&env->pair.in),
				      env->pair.in.size);
	if (err || !env->scratch || !env->pkt) {
		RT_FAIL(t, "ring env setup failed: %d", err);
		rt_env_free(env);
		return -1;
	}
	return 0;
}

/*
 * Put both endpoints of a ring at offset @off with the ring empty, as if
 * (size + off) bytes had gone through it. Stats start again from zero.
 */
static void rt_ring_at(struct hvg_ring *guest, struct hvg_ring *host, u32 off)
{
	hvg_ring_hdr(guest)->write_index = off;
	hvg_ring_hdr(guest)->read_index = off;
	hvg_ring_attach(guest, hvg_ring_hdr(guest), guest->size);
	hvg_ring_attach(host, hvg_ring_hdr(host), host->size);
}

static u8 rt_pattern(u64 id, u32 i)
{
	return (u8)(id * 131 + i * 7 + (i >> 8));
}

/* Write an inband packet with @len payload bytes of rt_pattern(@id). */
static int rt_send(struct rt_env *env, struct hvg_ring *prod, u32 len,
		   u64 id, bool *signal)
{
	u32 i;
	int ret;

	for (i = 0; i < len; i++)
		env->scratch[i] = rt_pattern(id, i);
	ret = hvg_ring_write(prod, HVG_PKT_DATA_INBAND,
			     HVG_PKT_FLAG_COMPLETION_REQUESTED, id,
			     env->scratch, len);
	*signal = ret == HVG_RING_SIGNAL;
	return ret < 0 ? ret : 0;
}

/* Read one packet and check that it is what rt_send(@len, @id) wrote. */
static void rt_recv(struct rt *t, struct rt_env *env, struct hvg_ring *cons,
		    u32 len, u64 id)
{
	struct hvg_ring_pkt pkt;
	const u8 *data;
	u32 i, padded = (RT_DESC + len + 7) & ~7u;
	int ret;

	ret = hvg_ring_read_next(cons, env->pkt, RT_BUF_SIZE, &pkt);
	RT_EQ(t, ret, 1);
	if (ret != 1)
		return;
	RT_EQ(t, pkt.desc.type, HVG_PKT_DATA_INBAND);
	RT_EQ(t, pkt.desc.offset8, 2);
	RT_EQ(t, pkt.desc.len8, padded / 8);
	RT_EQ(t, pkt.desc.flags, HVG_PKT_FLAG_COMPLETION_REQUESTED);
	RT_EQ(t, pkt.desc.trans_id, id);
	RT_EQ(t, pkt.data_len, padded - RT_DESC);
	/* The payload starts the buffer. */
	RT_CHECK(t, pkt.data == env->pkt);
	data = pkt.data;
	for (i = 0; i < len; i++) {
		if (data[i] != rt_pattern(id, i)) {
			RT_FAIL(t, "packet %llu byte %u: %#x", (unsigned long long)id,
				i, data[i]);
			return;
		}
	}
	for (; i < pkt.data_len; i++)
		RT_CHECK(t, data[i] == 0);	/* padding is zero */
}

/* ------------------------------------------------------------------ */
/* Wire checks: bytes laid out by hand from the fact sheet.           */

static void rt_put_le(u8 *ring_data, u32 size, u32 pos, u64 v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		ring_data[(pos + i) % size] = (u8)(v >> (8 * i));
}

static u64 rt_get_le(const u8 *p, int n)
{
	u64 v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/*
 * Lay out one packet byte by byte, without ring.c: descriptor (type,
 * offset8, len8, flags, trans_id, little endian), an extension header of
 * @ext zero bytes, @len payload bytes, zero padding to 8, and the trailer
 * (start << 32). Wraps modulo @size. Returns the bytes used.
 */
static u32 rt_hand_packet(u8 *data, u32 size, u32 start, u16 type, u16 flags,
			  u64 id, u32 ext, u32 len)
{
	u32 hdr = 16 + ext, total = (hdr + len + 7) & ~7u, i;

	rt_put_le(data, size, start + 0, type, 2);
	rt_put_le(data, size, start + 2, hdr / 8, 2);
	rt_put_le(data, size, start + 4, total / 8, 2);
	rt_put_le(data, size, start + 6, flags, 2);
	rt_put_le(data, size, start + 8, id, 8);
	for (i = 16; i < hdr; i++)
		rt_put_le(data, size, start + i, 0, 1);
	for (i = 0; i < len; i++)
		rt_put_le(data, size, start + hdr + i, rt_pattern(id, i), 1);
	for (i = hdr + len; i < total; i++)
		rt_put_le(data, size, start + i, 0, 1);
	rt_put_le(data, size, start + total, (u64)start << 32, 8);
	return total + 8;
}

static void rt_case_wire_read_hand_built(struct rt *t)
{
	struct rt_env env;
	struct hvg_ring *in;
	struct hvg_ring_pkt pkt;
	u8 *hdr_bytes;
	u32 start, pos, i;

	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
		return;
	in = &env.pair.in;
	hdr_bytes = (u8 *)hvg_ring_hdr(in);
	/* Start 8 bytes before the end: the first descriptor wraps. */
	start = in->size - 8;
	rt_ring_at(in, &env.host_in, start);
	memset(in->data, 0xee, in->size);

	pos = start;
	pos += rt_hand_packet(in->data, in->size, pos, HVG_PKT_COMP, 0,
			      0x1122334455667788ull, 0, 0);
	pos %= in->size;
	pos += rt_hand_packet(in->data, in->size, pos, HVG_PKT_DATA_INBAND, 1,
			      7, 0, 13);
	pos += rt_hand_packet(in->data, in->size, pos,
			      HVG_PKT_DATA_USING_GPA_DIRECT, 1, 9, 24, 100);
	/* write_index: header bytes 0..3, little endian. */
	rt_put_le(hdr_bytes, HVG_RING_HDR_SIZE, 0, pos, 4);

	RT_EQ(t, hvg_ring_read_begin(in), (pos + in->size - start) % in->size);
	RT_EQ(t, hvg_ring_read_next(in, env.pkt, RT_BUF_SIZE, &pkt), 1);
	RT_EQ(t, pkt.desc.type, HVG_PKT_COMP);
	RT_EQ(t, pkt.desc.trans_id, 0x1122334455667788ull);
	RT_EQ(t, pkt.desc.len8, 2);
	RT_EQ(t, pkt.data_len, 0);

	rt_recv(t, &env, in, 13, 7);

	RT_EQ(t, hvg_ring_read_next(in, env.pkt, RT_BUF_SIZE, &pkt), 1);
	RT_EQ(t, pkt.desc.type, HVG_PKT_DATA_USING_GPA_DIRECT);
	RT_EQ(t, pkt.desc.offset8, 5);
	RT_EQ(t, pkt.desc.len8, (16 + 24 + 104) / 8);
	/* The 24-byte extension first in the buffer, then the payload. */
	RT_EQ(t, (const u8 *)pkt.data - (const u8 *)env.pkt, 24);
	for (i = 0; i < 100; i++)
		RT_CHECK(t, ((const u8 *)pkt.data)[i] == rt_pattern(9, i));

	RT_EQ(t, hvg_ring_read_next(in, env.pkt, RT_BUF_SIZE, &pkt), 0);
	/* read_index (header bytes 4..7) moves only at the end of the batch */
	RT_EQ(t, rt_get_le(hdr_bytes + 4, 4), start);
	RT_CHECK(t, !hvg_ring_read_end(in));
	RT_EQ(t, rt_get_le(hdr_bytes + 4, 4), pos);
	RT_EQ(t, in->stats.malformed, 0);
	rt_env_free(&env);
}

static void rt_case_wire_write_bytes(struct rt *t)
{
	struct rt_env env;
	struct hvg_ring *out;
	u8 *expect = NULL;
	const u8 *hdr_bytes;
	struct hvg_ring_buf bufs[3];
	u32 start, pos, i;
	bool sig;

	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
		return;
	out = &env.pair.out;
	hdr_bytes = (const u8 *)hvg_ring_hdr(out);
	expect = rt_alloc(out->size);
	if (!RT_OK(t, expect))
		goto out;
	start = out->size - 40;
	rt_ring_at(out, &env.host_out, start);
	memset(out->data, 0xee, out->size);
	memset(expect, 0xee, out->size);

	pos = start;
	pos += rt_hand_packet(expect, out->size, pos, HVG_PKT_DATA_INBAND, 1,
			      42, 0, 29);
	pos %= out->size;	/* the first packet wraps */
	pos += rt_hand_packet(expect, out->size, pos, HVG_PKT_DATA_INBAND, 1,
			      43, 0, 8);
	pos += rt_hand_packet(expect, out->size, pos, HVG_PKT_COMP, 0, 44, 0,
			      0);
	pos += rt_hand_packet(expect, out->size, pos,
			      HVG_PKT_DATA_USING_GPA_DIRECT, 1, 45, 24, 21);
	RT_EQ(t, rt_send(&env, out, 29, 42, &sig), 0);
	RT_EQ(t, rt_send(&env, out, 8, 43, &sig), 0);
	/* A bare descriptor, and a gather with a descriptor extension. */
	RT_EQ(t, hvg_ring_writev(out, HVG_PKT_COMP, 0, 44, 0, NULL, 0), 0);
	for (i = 0; i < 21; i++)
		env.scratch[24 + i] = rt_pattern(45, i);
	memset(env.scratch, 0, 24);
	bufs[0].base = env.scratch;		/* the 24-byte extension, */
	bufs[0].len = 20;
	bufs[1].base = env.scratch + 20;	/* split inside it, */
	bufs[1].len = 10;
	bufs[2].base = env.scratch + 30;	/* and in the payload */
	bufs[2].len = 15;
	RT_EQ(t, hvg_ring_writev(out, HVG_PKT_DATA_USING_GPA_DIRECT, 1, 45,
				 24, bufs, 3), 0);

	for (i = 0; i < out->size; i++) {
		if (out->data[i] != expect[i]) {
			RT_FAIL(t, "ring byte %u is %#x, expected %#x", i,
				out->data[i], expect[i]);
			break;
		}
	}
	/* The alias shows the same bytes. */
	RT_CHECK(t, !memcmp(out->data + out->size, out->data, out->size));
	RT_EQ(t, rt_get_le(hdr_bytes + 0, 4), pos);
	RT_EQ(t, rt_get_le(hdr_bytes + 4, 4), start);
	RT_EQ(t, rt_get_le(hdr_bytes + 64, 4), HVG_RING_FEAT_PENDING_SEND_SZ);
out:
	rt_free(expect);
	rt_env_free(&env);
}

/* ------------------------------------------------------------------ */
/* Wrap-around, full and empty.                                       */

/*
 * The outbound ring empty at offset @off, then one rt_send() of @len bytes
 * as packet @id, which must ask for a signal. Return the bytes it took in
 * the ring (trailer included), or 0 if the write failed.
 */
static u32 rt_send_at(struct rt *t, struct rt_env *env, u32 off, u32 len,
		      u64 id)
{
	bool sig;

	rt_ring_at(&env->pair.out, &env->host_out, off);
	if (!RT_OK(t, !rt_send(env, &env->pair.out, len, id, &sig)))
		return 0;
	RT_CHECK(t, sig);
	return ((RT_DESC + len + 7) & ~7u) + 8;
}

/*
 * hvg_ring_read_peek() of what rt_send_at(@off, @len, @id) wrote (@need
 * bytes): the same descriptor as hvg_ring_read_next() gives, the payload
 * in place in the ring (one contiguous run through the double mapping),
 * the space held until hvg_ring_read_end(), and -ENOBUFS past @maxlen as
 * read_next.
 */
static void rt_peek_at(struct rt *t, struct rt_env *env, u32 off, u32 len,
		       u64 id, u32 need)
{
	struct hvg_ring *out = &env->pair.out, *host = &env->host_out;
	struct hvg_ring_pkt pkt;
	const u8 *data;
	u32 i;

	RT_EQ(t, hvg_ring_read_begin(host), need);
	/* One byte short of the payload: refused, kept. */
	if (len >= 8) {
		RT_EQ(t, hvg_ring_read_peek(host, need - 25, &pkt),
		      -HVG_RING_E_NOBUFS);
		RT_EQ(t, host->priv_read, off);
	}
	if (!RT_OK(t, hvg_ring_read_peek(host, need - 24, &pkt) == 1))
		return;
	RT_EQ(t, pkt.desc.type, HVG_PKT_DATA_INBAND);
	RT_EQ(t, pkt.desc.offset8, 2);
	RT_EQ(t, pkt.desc.trans_id, id);
	RT_EQ(t, pkt.data_len, need - 8 - RT_DESC);
	data = pkt.data;
	RT_CHECK(t, data == out->data + off + RT_DESC);
	for (i = 0; i < len; i++) {
		if (data[i] != rt_pattern(id, i)) {
			RT_FAIL(t, "peek at offset %u byte %u: %#x", off, i,
				data[i]);
			return;
		}
	}
	/* Not given back before the batch ends. */
	RT_EQ(t, hvg_ring_hdr(out)->read_index, off);
	RT_EQ(t, hvg_ring_read_peek(host, RT_BUF_SIZE, &pkt), 0);
	hvg_ring_read_end(host);
	RT_EQ(t, hvg_ring_hdr(out)->read_index, (off + need) % out->size);
	RT_EQ(t, host->stats.malformed, 0);
}

/* Every offset of the ring and a few lengths: read_next, then read_peek. */
static void rt_case_wrap_every_offset(struct rt *t)
{
	static const u32 lens[] = { 0, 1, 8, 29, 200, 1000 };
	struct rt_env env;
	struct hvg_ring *out, *host;
	struct hvg_ring_pkt pkt;
	u32 off, k, need;
	u64 trailer;

	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
		return;
	out = &env.pair.out;
	host = &env.host_out;
	for (off = 0; off < out->size; off += 8) {
		for (k = 0; k < ARRAY_SIZE(lens); k++) {
			need = rt_send_at(t, &env, off, lens[k], off + k);
			if (!need)
				goto out;
			RT_EQ(t, hvg_ring_hdr(out)->write_index,
			      (off + need) % out->size);
			memcpy(&trailer, out->data + off + need - 8, 8);
			RT_EQ(t, trailer, (u64)off << 32);
			RT_EQ(t, hvg_ring_read_begin(host), need);
			rt_recv(t, &env, host, lens[k], off + k);
			RT_EQ(t, hvg_ring_read_next(host, env.pkt,
						    RT_BUF_SIZE, &pkt), 0);
			hvg_ring_read_end(host);
			RT_EQ(t, hvg_ring_hdr(out)->read_index,
			      hvg_ring_hdr(out)->write_index);
			/* The same packet again, read in place. */
			need = rt_send_at(t, &env, off, lens[k], off + k);
			if (!need)
				goto out;
			rt_peek_at(t, &env, off, lens[k], off + k, need);
		}
	}
out:
	rt_env_free(&env);
}

static void rt_case_full_and_empty(struct rt *t)
{
	struct rt_env env;
	struct hvg_ring *out, *host;
	struct hvg_ring_pkt pkt;
	u32 n = 0;
	bool sig;
	int ret;

	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
		return;
	out = &env.pair.out;
	host = &env.host_out;

	/* Empty. */
	RT_EQ(t, hvg_ring_read_begin(host), 0);
	RT_EQ(t, hvg_ring_read_next(host, env.pkt, RT_BUF_SIZE, &pkt), 0);
	RT_CHECK(t, !hvg_ring_read_end(host));
	RT_EQ(t, hvg_ring_free_bytes(out), out->size);

	/* 64-byte footprints (16 + 40 + trailer): 63 fit, never 64. */
	while ((ret = rt_send(&env, out, 40, n, &sig)) == 0)
		n++;
	RT_EQ(t, ret, -HVG_RING_E_FULL);
	RT_EQ(t, n, out->size / 64 - 1);
	RT_EQ(t, out->stats.full, 1);
	RT_EQ(t, hvg_ring_free_bytes(out), 64);
	/* A 56-byte footprint fits, leaving 8 bytes: the ring is never full. */
	RT_EQ(t, rt_send(&env, out, 32, n, &sig), 0);
	RT_EQ(t, hvg_ring_free_bytes(out), 8);
	RT_EQ(t, rt_send(&env, out, 0, n + 1, &sig), -HVG_RING_E_FULL);
	RT_EQ(t, out->stats.full, 2);
	RT_CHECK(t, hvg_ring_hdr(out)->write_index !=
		    hvg_ring_hdr(out)->read_index);
	/* A packet that can never fit is not "full" but too big. */
	RT_EQ(t, rt_send(&env, out, out->size, 0, &sig),
	      -HVG_RING_E_TOOBIG);

	/* Drain: exactly what went in, then empty again. */
	RT_EQ(t, hvg_ring_read_begin(host), out->size - 8);
	for (ret = 0; ret < (int)n; ret++)
		rt_recv(t, &env, host, 40, ret);
	rt_recv(t, &env, host, 32, n);
	RT_EQ(t, hvg_ring_read_next(host, env.pkt, RT_BUF_SIZE, &pkt), 0);
	hvg_ring_read_end(host);
	RT_EQ(t, hvg_ring_hdr(out)->read_index,
	      hvg_ring_hdr(out)->write_index);
	RT_EQ(t, hvg_ring_free_bytes(out), out->size);
	RT_EQ(t, host->stats.packets, n + 1);
	RT_EQ(t, out->stats.packets, n + 1);
	RT_EQ(t, out->stats.bytes, 56ull * n + 48);
	rt_env_free(&env);
}

/* ------------------------------------------------------------------ */
/* Signals.                                                           */

/* Read up to @max packets in one batch (without ending it). */
static void rt_drain(struct rt_env *env, struct hvg_ring *cons, u32 max)
{
	struct hvg_ring_pkt pkt;

	hvg_ring_read_begin(cons);
	while (max-- &&
	       hvg_ring_read_next(cons, env->pkt, RT_BUF_SIZE, &pkt) == 1)
		;
}

static void rt_case_signal_on_write(struct rt *t)
{
	struct rt_env env;
	struct hvg_ring *out, *host;
	bool sig;

	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
		return;
	out = &env.pair.out;
	host = &env.host_out;

	RT_EQ(t, rt_send(&env, out, 10, 1, &sig), 0);
	RT_CHECK(t, sig);			/* empty -> non-empty */
	RT_EQ(t, rt_send(&env, out, 10, 2, &sig), 0);
	RT_CHECK(t, !sig);			/* was not empty */
	rt_drain(&env, host, 1);
	RT_CHECK(t, !hvg_ring_read_end(host));	/* one still queued */
	RT_EQ(t, rt_send(&env, out, 10, 3, &sig), 0);
	RT_CHECK(t, !sig);
	rt_drain(&env, host, ~0u);
	hvg_ring_read_end(host);
	RT_EQ(t, rt_send(&env, out, 10, 4, &sig), 0);
	RT_CHECK(t, sig);			/* empty again -> signal */

	/* The consumer masks while it drains: no signal, then the recheck. */
	rt_drain(&env, host, ~0u);
	hvg_ring_read_end(host);
	hvg_ring_mask_begin(host);
	RT_EQ(t, hvg_ring_hdr(out)->interrupt_mask, 1);
	RT_EQ(t, rt_send(&env, out, 10, 5, &sig), 0);
	RT_CHECK(t, !sig);
	RT_EQ(t, hvg_ring_mask_end(host), 40);	/* recheck finds it */
	RT_EQ(t, hvg_ring_hdr(out)->interrupt_mask, 0);
	RT_EQ(t, rt_send(&env, out, 10, 6, &sig), 0);
	RT_CHECK(t, !sig);			/* not empty */
	rt_drain(&env, host, ~0u);
	hvg_ring_read_end(host);
	RT_EQ(t, hvg_ring_mask_end(host), 0);

	/* Full: no signal, even though the consumer is not draining. */
	while (!rt_send(&env, out, 200, 7, &sig))
		;
	RT_EQ(t, out->stats.full, 1);
	RT_EQ(t, out->stats.signals, 3);	/* packets 1, 4, first fill */
	RT_EQ(t, host->stats.signals, 0);
	rt_env_free(&env);
}

static void rt_case_signal_on_pending(struct rt *t)
{
	struct rt_env env;
	struct hvg_ring *in, *host;
	u32 k, signals = 0, at = 0, n = 0;
	bool sig;

	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
		return;
	in = &env.pair.in;
	host = &env.host_in;

	/* The host fills the inbound ring with 64-byte packets (free: 64). */
	while (!rt_send(&env, host, 40, n, &sig))
		n++;
	/* It wants 1032 bytes (a 1000-byte payload) and says so. */
	RT_EQ(t, rt_send(&env, host, 1000, 99, &sig), -HVG_RING_E_FULL);
	RT_EQ(t, hvg_ring_set_pending(host, 1032), 64);
	RT_EQ(t, hvg_ring_hdr(in)->pending_send_sz, 1032);

	/* One packet per batch: free = 64 + 64k crosses 1032 at k = 16. */
	for (k = 1; k <= 20; k++) {
		rt_drain(&env, in, 1);
		if (hvg_ring_read_end(in)) {
			signals++;
			at = k;
		}
	}
	RT_EQ(t, signals, 1);
	RT_EQ(t, at, 16);
	RT_EQ(t, in->stats.signals, 1);

	/* Pending equal to the free space is "not enough" (strictly more). */
	hvg_ring_set_pending(host, 64 + 64 * 20 + 64);
	rt_drain(&env, in, 1);
	RT_CHECK(t, !hvg_ring_read_end(in));	/* free == pending */
	rt_drain(&env, in, 1);
	RT_CHECK(t, hvg_ring_read_end(in));	/* free > pending */

	/* A batch of several packets that crosses signals once. */
	hvg_ring_set_pending(host, 64 + 64 * 22 + 64 * 5);
	rt_drain(&env, in, 8);
	RT_CHECK(t, hvg_ring_read_end(in));

	/* No pending size: no signal. */
	hvg_ring_set_pending(host, 0);
	rt_drain(&env, in, 1);
	RT_CHECK(t, !hvg_ring_read_end(in));

	/* The producer does not honour pending_send_sz: no signal. */
	hvg_ring_set_pending(host, 64 + 64 * 31 + 32);
	hvg_ring_hdr(in)->feature_bits = 0;
	rt_drain(&env, in, 1);
	RT_CHECK(t, !hvg_ring_read_end(in));
	RT_EQ(t, in->stats.signals, 3);
	rt_env_free(&env);
}

static void rt_case_mask_recheck(struct rt *t)
{
	struct rt_env env;
	struct hvg_ring *in, *host;
	bool sig;

	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
		return;
	in = &env.pair.in;
	host = &env.host_in;

	hvg_ring_mask_begin(in);
	RT_EQ(t, hvg_ring_hdr(in)->interrupt_mask, 1);
	RT_EQ(t, rt_send(&env, host, 3, 1, &sig), 0);
	RT_CHECK(t, !sig);			/* masked */
	RT_EQ(t, hvg_ring_mask_end(in), 32);	/* the race, closed */
	RT_EQ(t, hvg_ring_hdr(in)->interrupt_mask, 0);
	hvg_ring_mask_begin(in);
	RT_EQ(t, hvg_ring_read_begin(in), 32);
	rt_recv(t, &env, in, 3, 1);
	hvg_ring_read_end(in);
	RT_EQ(t, hvg_ring_mask_end(in), 0);	/* nothing more: wait */
	RT_EQ(t, rt_send(&env, host, 3, 2, &sig), 0);
	RT_CHECK(t, sig);			/* and the signal comes */
	RT_EQ(t, host->stats.signals, 1);
	rt_env_free(&env);
}

static void rt_case_batch_publish(struct rt *t)
{
	struct rt_env env;
	struct hvg_ring *in, *host;
	bool sig;
	int i;

	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
		return;
	in = &env.pair.in;
	host = &env.host_in;
	for (i = 0; i < 3; i++)
		RT_EQ(t, rt_send(&env, host, 100, i, &sig), 0);
	RT_EQ(t, hvg_ring_read_begin(in), 3 * 128);
	for (i = 0; i < 3; i++) {
		rt_recv(t, &env, in, 100, i);
		RT_EQ(t, hvg_ring_hdr(in)->read_index, 0);	/* not yet */
	}
	RT_CHECK(t, !hvg_ring_read_end(in));
	RT_EQ(t, hvg_ring_hdr(in)->read_index, 3 * 128);
	/* An empty batch publishes nothing. */
	hvg_ring_hdr(in)->read_index = 8;
	RT_CHECK(t, !hvg_ring_read_end(in));
	RT_EQ(t, hvg_ring_hdr(in)->read_index, 8);
	hvg_ring_hdr(in)->read_index = 3 * 128;
	RT_EQ(t, in->stats.packets, 3);
	RT_EQ(t, in->stats.bytes, 3 * 120);
	rt_env_free(&env);
}

static void rt_case_dump_line(struct rt *t)
{
	struct rt_env env;
	char *line;
	bool sig;
	int n;

	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
		return;
	line = rt_alloc(512);
	if (!RT_OK(t, line))
		goto out;
	RT_EQ(t, rt_send(&env, &env.pair.out, 8, 1, &sig), 0);
	n = hvg_ring_dump(&env.pair.out, line, 512);
	RT_CHECK(t, n > 0 && n < 512);
	RT_CHECK(t, strstr(line, "write=32 read=0 mask=0 pending=0 feat=0x1 "));
	RT_CHECK(t, strstr(line, " size=4096 free=4064 avail=32 "));
	RT_CHECK(t, strstr(line, " packets=1 bytes=24 signals=1 full=0 malformed=0 dropped=0\n"));
	RT_EQ(t, strlen(line), n);
	RT_EQ(t, hvg_ring_dump(&env.pair.out, line, 8), 7);
	RT_EQ(t, strlen(line), 7);
	/* The consumer drops it: counted apart from the packets read. */
	RT_EQ(t, hvg_ring_skip(&env.host_out), 1);
	n = hvg_ring_dump(&env.host_out, line, 512);
	RT_CHECK(t, n > 0 && n < 512);
	RT_CHECK(t, strstr(line, " priv_read=32 err=0 packets=0 bytes=0 "));
	RT_CHECK(t, strstr(line, " malformed=0 dropped=1\n"));
out:
	rt_free(line);
	rt_env_free(&env);
}

/* ------------------------------------------------------------------ */
/* Malformed input from a hostile host: each case its own error.      */

/*
 * Put a packet with the given descriptor words at the reader's position of
 * the inbound ring and publish write_index = start + @publish.
 */
static void rt_forge(struct rt_env *env, u16 offset8, u16 len8, u32 publish)
{
	struct hvg_ring *in = &env->pair.in;

	rt_hand_packet(in->data, in->size, 0, HVG_PKT_DATA_INBAND, 0, 5, 0, 32);
	rt_put_le(in->data, in->size, 2, offset8, 2);
	rt_put_le(in->data, in->size, 4, len8, 2);
	hvg_ring_hdr(in)->write_index = publish;
}

static void rt_expect_malformed(struct rt *t, struct rt_env *env, int err)
{
	struct hvg_ring *in = &env->pair.in;
	struct hvg_ring_pkt pkt;

	hvg_ring_read_begin(in);
	RT_EQ(t, hvg_ring_read_next(in, env->pkt, RT_BUF_SIZE, &pkt), err);
	RT_EQ(t, in->stats.malformed, 1);
	RT_EQ(t, in->stats.packets, 0);
	/* Sticky, and counted once. */
	RT_EQ(t, hvg_ring_read_next(in, env->pkt, RT_BUF_SIZE, &pkt), err);
	RT_EQ(t, hvg_ring_read_begin(in), err);
	RT_EQ(t, hvg_ring_skip(in), err);
	RT_EQ(t, in->stats.malformed, 1);
	RT_EQ(t, in->stats.dropped, 0);
	RT_CHECK(t, !hvg_ring_read_end(in));
	RT_EQ(t, hvg_ring_hdr(in)->read_index, 0);	/* nothing consumed */
}

#define RT_MALFORMED_CASE(name, offset8, len8, publish, err)		\
static void rt_case_##name(struct rt *t)				\
{									\
	struct rt_env env;						\
									\
	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))		\
		return;							\
	rt_forge(&env, offset8, len8, publish);				\
	rt_expect_malformed(t, &env, err);				\
	rt_env_free(&env);						\
}

/* A well-formed packet here is offset8 2, len8 6 (48 bytes), 56 published. */
RT_MALFORMED_CASE(malformed_len_short, 2, 1, 56, -HVG_RING_E_SHORT)
RT_MALFORMED_CASE(malformed_len_zero, 0, 0, 56, -HVG_RING_E_SHORT)
RT_MALFORMED_CASE(malformed_offset_small, 1, 6, 56, -HVG_RING_E_OFFSET)
RT_MALFORMED_CASE(malformed_offset_beyond_len, 7, 6, 56, -HVG_RING_E_OFFSET)
RT_MALFORMED_CASE(malformed_len_beyond_avail, 2, 7, 56, -HVG_RING_E_OVERRUN)
RT_MALFORMED_CASE(malformed_len_huge, 2, 0xffff, 56, -HVG_RING_E_OVERRUN)
RT_MALFORMED_CASE(malformed_trailer_missing, 2, 6, 48, -HVG_RING_E_OVERRUN)
RT_MALFORMED_CASE(malformed_partial_desc, 2, 6, 16, -HVG_RING_E_OVERRUN)
RT_MALFORMED_CASE(malformed_write_index_range, 2, 6, 4096, -HVG_RING_E_INDEX)
RT_MALFORMED_CASE(malformed_write_index_huge, 2, 6, 0xfffffff8u,
		  -HVG_RING_E_INDEX)
RT_MALFORMED_CASE(malformed_write_index_align, 2, 6, 52, -HVG_RING_E_ALIGN)

static void rt_case_malformed_read_index(struct rt *t)
{
	static const struct {
		u32 read_index;
		int err;
	} bad[] = {
		{ 4096, -HVG_RING_E_INDEX },
		{ 0x80000000u, -HVG_RING_E_INDEX },
		{ 12, -HVG_RING_E_ALIGN },
	};
	struct rt_env env;
	struct hvg_ring *out;
	unsigned int k;
	bool sig;

	for (k = 0; k < ARRAY_SIZE(bad); k++) {
		if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
			return;
		out = &env.pair.out;
		hvg_ring_hdr(out)->read_index = bad[k].read_index;
		RT_EQ(t, rt_send(&env, out, 8, 1, &sig), bad[k].err);
		RT_EQ(t, out->stats.signals, 0);
		RT_EQ(t, hvg_ring_hdr(out)->write_index, 0);
		/* sticky even if repaired */
		hvg_ring_hdr(out)->read_index = 0;
		RT_EQ(t, rt_send(&env, out, 8, 1, &sig), bad[k].err);
		RT_EQ(t, out->stats.malformed, 1);
		RT_EQ(t, out->stats.packets, 0);
		/* The host endpoint refuses such an index when attaching. */
		hvg_ring_hdr(out)->read_index = bad[k].read_index;
		RT_EQ(t, hvg_ring_attach(&env.host_out, hvg_ring_hdr(out),
					 out->size), bad[k].err);
		rt_env_free(&env);
	}
}

/*
 * A well-formed packet longer than the buffer: refused with its descriptor,
 * nothing consumed, not sticky; taken with a buffer of the size it says.
 */
static void rt_case_packet_too_big_for_buffer(struct rt *t)
{
	struct rt_env env;
	struct hvg_ring *in;
	struct hvg_ring_pkt pkt;
	u32 need;
	bool sig;
	int k;

	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
		return;
	in = &env.pair.in;
	RT_EQ(t, rt_send(&env, &env.host_in, 100, 3, &sig), 0);
	hvg_ring_read_begin(in);
	for (k = 0; k < 2; k++) {
		memset(&pkt, 0xa5, sizeof(pkt));
		RT_EQ(t, hvg_ring_read_next(in, env.pkt, 64, &pkt),
		      -HVG_RING_E_NOBUFS);
		RT_EQ(t, pkt.desc.type, HVG_PKT_DATA_INBAND);
		RT_EQ(t, pkt.desc.offset8, 2);
		RT_EQ(t, pkt.desc.len8, 15);
		RT_EQ(t, pkt.desc.flags, HVG_PKT_FLAG_COMPLETION_REQUESTED);
		RT_EQ(t, pkt.desc.trans_id, 3);
		RT_CHECK(t, !pkt.data);
		RT_EQ(t, pkt.data_len, 0);
	}
	need = hvg_ring_pkt_buflen(&pkt);
	RT_EQ(t, need, 104);
	RT_EQ(t, in->stats.malformed, 0);
	RT_EQ(t, in->err, 0);
	RT_EQ(t, in->priv_read, 0);		/* still there */
	/* One byte short is still too short; the size it said is enough. */
	RT_EQ(t, hvg_ring_read_next(in, env.pkt, need - 1, &pkt),
	      -HVG_RING_E_NOBUFS);
	if (RT_OK(t, hvg_ring_read_next(in, env.pkt, need, &pkt) == 1)) {
		RT_EQ(t, pkt.desc.trans_id, 3);
		RT_EQ(t, pkt.data_len, 104);
		RT_EQ(t, ((const u8 *)pkt.data)[99], rt_pattern(3, 99));
	}
	RT_EQ(t, hvg_ring_read_next(in, env.pkt, need, &pkt), 0);
	RT_CHECK(t, !hvg_ring_read_end(in));
	RT_EQ(t, hvg_ring_hdr(in)->read_index, 128);
	RT_EQ(t, in->stats.packets, 1);
	RT_EQ(t, in->stats.dropped, 0);
	rt_env_free(&env);
}

/*
 * The drain loop of ring.h, as written there, over a buffer of
 * @buflen bytes; at most @max_rounds rounds, else the case fails instead
 * of spinning. Packets are checked against rt_send(len, id) with
 * @lens[id]; the ones that fit must arrive in order, the others be
 * refused with their descriptor and dropped. Return the rounds taken.
 */
static u32 rt_drain_loop(struct rt *t, struct rt_env *env,
			 struct hvg_ring *in, u32 buflen, const u32 *lens,
			 u32 n, u32 max_rounds)
{
	struct hvg_ring_pkt pkt;
	u32 rounds = 0, next = 0, padded;
	int ret;

	while ((ret = hvg_ring_read_next(in, env->pkt, buflen, &pkt)) != 0) {
		if (++rounds > max_rounds) {
			RT_FAIL(t, "drain loop still going after %u rounds",
				max_rounds);
			break;
		}
		/* Each round is the next packet, taken or refused. */
		if (!RT_OK(t, next < n))
			break;
		padded = (RT_DESC + lens[next] + 7) & ~7u;
		if (ret == -HVG_RING_E_NOBUFS) {
			RT_CHECK(t, padded - RT_DESC > buflen);
			RT_EQ(t, pkt.desc.trans_id, next);
			RT_EQ(t, pkt.desc.len8, padded / 8);
			RT_EQ(t, hvg_ring_pkt_buflen(&pkt), padded - RT_DESC);
			RT_EQ(t, hvg_ring_skip(in), 1);
			next++;
			continue;
		}
		if (ret < 0) {
			RT_FAIL(t, "drain loop: error %d", ret);
			break;
		}
		RT_CHECK(t, padded - RT_DESC <= buflen);
		RT_EQ(t, pkt.desc.trans_id, next);
		RT_EQ(t, pkt.data_len, padded - RT_DESC);
		next++;
	}
	RT_EQ(t, next, n);
	RT_CHECK(t, !hvg_ring_read_end(in));
	return rounds;
}

/*
 * The documented drain loop ends, whatever mix of packets that fit and
 * packets too long for the buffer the host sends. (Before hvg_ring_skip(),
 * one 100-byte packet against a 64-byte buffer kept the loop going for
 * ever: -ENOBUFS consumed nothing and was not sticky.)
 */
static void rt_case_oversize_drain_ends(struct rt *t)
{
	static const u32 mixes[][6] = {
		{ 100 },			/* the report: 100 vs 64 */
		{ 100, 100, 100 },		/* nothing fits */
		{ 100, 8, 49 },			/* first too long */
		{ 8, 0, 100 },			/* last too long */
		{ 49, 48, 300, 1, 2000, 41 },	/* interleaved */
	};
	static const u32 nmix[] = { 1, 3, 3, 3, 6 };
	struct rt_env env;
	struct hvg_ring *in;
	u32 lens[6], m, i, big, len;
	bool sig;

	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
		return;
	in = &env.pair.in;
	for (m = 0; m < ARRAY_SIZE(mixes); m++) {
		rt_ring_at(in, &env.host_in, 8 * m);
		big = 0;
		for (i = 0; i < nmix[m]; i++) {
			lens[i] = mixes[m][i];
			big += RT_DESC + lens[i] > 64;
			RT_EQ(t, rt_send(&env, &env.host_in, lens[i], i, &sig),
			      0);
		}
		/* One round per packet, and no more. */
		RT_EQ(t, rt_drain_loop(t, &env, in, 48, lens, nmix[m],
				       nmix[m]), nmix[m]);
		RT_EQ(t, in->stats.dropped, big);
		RT_EQ(t, in->stats.packets, nmix[m] - big);
		RT_EQ(t, in->stats.malformed, 0);
		/* Everything consumed, the space given back. */
		RT_EQ(t, hvg_ring_hdr(in)->read_index,
		      hvg_ring_hdr(in)->write_index);
	}
	/* Every payload size against every buffer size around it. */
	for (len = 0; len <= 80; len++) {
		for (i = 0; i <= 96; i += 8) {
			rt_ring_at(in, &env.host_in, in->size - 8 - len % 8 * 8);
			lens[0] = len;
			lens[1] = 0;
			RT_EQ(t, rt_send(&env, &env.host_in, len, 0, &sig), 0);
			RT_EQ(t, rt_send(&env, &env.host_in, 0, 1, &sig), 0);
			RT_EQ(t, rt_drain_loop(t, &env, in, i, lens, 2, 2), 2);
			RT_EQ(t, in->stats.dropped,
			      ((RT_DESC + len + 7) & ~7u) - RT_DESC > i);
		}
	}
	rt_env_free(&env);
}

/*
 * hvg_ring_skip() checks the descriptor it drops as a read does: a
 * malformed one is refused with its own error, counted and sticky, and
 * nothing is dropped; on an empty ring it does nothing.
 */
static void rt_case_skip_checks_what_it_drops(struct rt *t)
{
	static const struct {
		u16 offset8, len8;
		u32 publish;
		int err;
	} bad[] = {
		{ 2, 1, 56, -HVG_RING_E_SHORT },
		{ 1, 6, 56, -HVG_RING_E_OFFSET },
		{ 7, 6, 56, -HVG_RING_E_OFFSET },
		{ 2, 7, 56, -HVG_RING_E_OVERRUN },
		{ 2, 6, 16, -HVG_RING_E_OVERRUN },
		{ 2, 6, 4096, -HVG_RING_E_INDEX },
		{ 2, 6, 52, -HVG_RING_E_ALIGN },
	};
	struct rt_env env;
	struct hvg_ring *in;
	struct hvg_ring_pkt pkt;
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(bad); k++) {
		if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
			return;
		in = &env.pair.in;
		RT_EQ(t, hvg_ring_skip(in), 0);		/* empty */
		rt_forge(&env, bad[k].offset8, bad[k].len8, bad[k].publish);
		RT_EQ(t, hvg_ring_skip(in), bad[k].err);
		RT_EQ(t, hvg_ring_skip(in), bad[k].err);
		RT_EQ(t, hvg_ring_read_next(in, env.pkt, RT_BUF_SIZE, &pkt),
		      bad[k].err);
		RT_EQ(t, in->stats.malformed, 1);
		RT_EQ(t, in->stats.dropped, 0);
		RT_EQ(t, in->priv_read, 0);
		rt_env_free(&env);
	}
	/* Well formed: dropped, and the next packet is the next one. */
	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
		return;
	in = &env.pair.in;
	rt_forge(&env, 2, 6, 56);
	RT_EQ(t, hvg_ring_skip(in), 1);
	RT_EQ(t, in->priv_read, 56);
	RT_EQ(t, hvg_ring_skip(in), 0);
	RT_EQ(t, in->stats.dropped, 1);
	RT_EQ(t, in->stats.packets, 0);
	RT_EQ(t, in->stats.malformed, 0);
	RT_CHECK(t, !hvg_ring_read_end(in));
	RT_EQ(t, hvg_ring_hdr(in)->read_index, 56);
	rt_env_free(&env);
}

static void rt_case_write_rejects_bad_args(struct rt *t)
{
	struct rt_env env;
	struct hvg_ring *out;
	struct hvg_ring_buf buf = { NULL, 16 };

	if (rt_env_init(t, &env, RT_SMALL_RING, RT_SMALL_RING))
		return;
	out = &env.pair.out;
	buf.base = env.scratch;
	/* The extension is a whole number of words, inside the pieces. */
	RT_EQ(t, hvg_ring_writev(out, HVG_PKT_DATA_INBAND, 0, 1, 4, &buf, 1),
	      -HVG_RING_E_INVAL);
	RT_EQ(t, hvg_ring_writev(out, HVG_PKT_DATA_INBAND, 0, 1, 24, &buf, 1),
	      -HVG_RING_E_INVAL);
	/* More than len8 can say, whatever the ring size. */
	RT_EQ(t, hvg_ring_write(out, HVG_PKT_DATA_INBAND, 0, 1, env.scratch,
				HVG_RING_MAX_PKT - 15), -HVG_RING_E_TOOBIG);
	RT_EQ(t, hvg_ring_write(out, HVG_PKT_DATA_INBAND, 0, 1, env.scratch,
				0xffffffffu), -HVG_RING_E_TOOBIG);
	/* More than this ring can ever hold. */
	RT_EQ(t, hvg_ring_write(out, HVG_PKT_DATA_INBAND, 0, 1, env.scratch,
				out->size), -HVG_RING_E_TOOBIG);
	RT_EQ(t, hvg_ring_hdr(out)->write_index, 0);
	RT_EQ(t, out->stats.packets, 0);
	RT_EQ(t, out->stats.full, 0);
	/* Fine: the extension is the whole packet after the descriptor. */
	RT_EQ(t, hvg_ring_writev(out, HVG_PKT_DATA_INBAND, 0, 1, 16, &buf, 1),
	      HVG_RING_SIGNAL);
	RT_EQ(t, hvg_ring_hdr(out)->write_index, 40);
	/* offset8 = 4, len8 = 4 */
	RT_EQ(t, (u32)(*(u64 *)out->data >> 16), 4u << 16 | 4);
	rt_env_free(&env);
}

/* ------------------------------------------------------------------ */
/* Two threads, random sizes, a checksum on every packet.             */

#define RT_STRESS_RING	(16 * HVG_RING_HDR_SIZE)	/* 60 KiB of data */
#define RT_STRESS_MAX	2048

struct rt_stress {
	struct rt_env env;
	struct hvg_ring *prod, *cons;
	u64 packets;
	u32 prod_bell;		/* bumped by the producer when it signals */
	u32 cons_bell;		/* bumped by the consumer when it signals */
	int prod_err;
};

static u64 rt_xorshift(u64 *s)
{
	u64 x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/*
 * Payload: [u32 len][u32 sum][len - 8 bytes from the seed], len >= 8. The
 * sum mixes the body 8 bytes at a time (a short last word is zero-filled).
 */
static u32 rt_mix(u32 sum, u64 v)
{
	v ^= sum;
	v *= 0x9e3779b97f4a7c15ull;
	return (u32)(v >> 32) ^ (u32)v;
}

static void rt_fill(u8 *p, u32 len, u64 seed)
{
	u64 s = seed | 1, v;
	u32 i, n, sum = len;

	for (i = 8; i < len; i += 8) {
		v = rt_xorshift(&s);
		n = len - i < 8 ? len - i : 8;
		if (n < 8)
			v &= ~0ull >> (64 - 8 * n);
		memcpy(p + i, &v, n);
		sum = rt_mix(sum, v);
	}
	memcpy(p, &len, 4);
	memcpy(p + 4, &sum, 4);
}

static u32 rt_sum(const u8 *p, u32 len)
{
	u32 i, n, sum = len;
	u64 v;

	for (i = 8; i < len; i += 8) {
		n = len - i < 8 ? len - i : 8;
		v = 0;
		memcpy(&v, p + i, n);
		sum = rt_mix(sum, v);
	}
	return sum;
}

/* Wait until *bell differs from @seen; false on timeout. */
static bool rt_wait_bell(u32 *bell, u32 seen)
{
	u64 deadline = rt_now_ns() + rt_wait_timeout_ns;
	u32 spins = 0;

	while (READ_ONCE(*bell) == seen) {
		hvg_ring_relax();
		if (!(++spins & 255)) {
			rt_yield();
			if (rt_now_ns() > deadline)
				return false;
		}
	}
	/*
	 * Load-load: the bell before the ring state it announces. Pairs with
	 * the full barrier after the index store that ends the ring call
	 * before the bell's store (__hvg_ring_publish() in hvg_ring_write()
	 * or hvg_ring_read_end()).
	 */
	hvg_ring_rmb();
	return true;
}

static int rt_stress_producer(void *arg)
{
	struct rt_stress *st = arg;
	u64 seq, rnd = 0x9e3779b97f4a7c15ull;
	u32 len, need, bell;
	bool sig;
	int ret;

	for (seq = 0; seq < st->packets; seq++) {
		len = 8 + (u32)(rt_xorshift(&rnd) % (RT_STRESS_MAX - 8));
		rt_fill(st->env.scratch, len, seq);
		need = ((RT_DESC + len + 7) & ~7u) + HVG_PKT_TRAILER_SIZE;
		for (;;) {
			bell = READ_ONCE(st->cons_bell);
			ret = hvg_ring_write(st->prod, HVG_PKT_DATA_INBAND, 0, seq,
					     st->env.scratch, len);
			sig = ret == HVG_RING_SIGNAL;
			if (sig)
				ret = 0;
			if (ret != -HVG_RING_E_FULL)
				break;
			/* Full: publish what we need, recheck, then wait. */
			if (hvg_ring_set_pending(st->prod, need) > need)
				continue;
			if (!rt_wait_bell(&st->cons_bell, bell)) {
				ret = -ETIMEDOUT;
				break;
			}
		}
		if (ret) {
			st->prod_err = ret;
			break;
		}
		if (READ_ONCE(hvg_ring_hdr(st->prod)->pending_send_sz))
			hvg_ring_set_pending(st->prod, 0);
		if (sig)
			WRITE_ONCE(st->prod_bell, st->prod_bell + 1);
	}
	return 0;
}

static void rt_case_stress_two_threads(struct rt *t)
{
	struct rt_stress *st;
	struct rt_thread th;
	struct hvg_ring_pkt pkt;
	u64 got = 0, bad = 0;
	u32 len, sum, bell;
	int ret;

	st = rt_alloc(sizeof(*st));
	if (!st) {
		RT_FAIL(t, "no memory");
		return;
	}
	if (rt_env_init(t, &st->env, RT_SMALL_RING, RT_STRESS_RING)) {
		rt_free(st);
		return;
	}
	st->packets = rt_stress_packets(t);
	st->prod = &st->env.host_in;
	st->cons = &st->env.pair.in;
	if (rt_thread_start(&th, rt_stress_producer, st)) {
		RT_FAIL(t, "cannot start the producer thread");
		goto out;
	}

	/* The consumer: masked while draining, as an interrupt handler is. */
	while (got < st->packets && !bad) {
		bell = READ_ONCE(st->prod_bell);
		hvg_ring_mask_begin(st->cons);
		ret = hvg_ring_read_begin(st->cons);
		while (ret >= 0 &&
		       (ret = hvg_ring_read_next(st->cons, st->env.pkt,
						 RT_BUF_SIZE, &pkt)) == 1) {
			memcpy(&len, pkt.data, 4);
			memcpy(&sum, (const u8 *)pkt.data + 4, 4);
			if (pkt.desc.trans_id != got || len < 8 ||
			    len > pkt.data_len || pkt.data_len - len > 7 ||
			    rt_sum(pkt.data, len) != sum) {
				RT_FAIL(t, "packet %llu: id %llu len %u",
					(unsigned long long)got,
					(unsigned long long)pkt.desc.trans_id,
					len);
				bad++;
				break;
			}
			got++;
		}
		if (ret < 0) {
			RT_FAIL(t, "read error %d after %llu packets", ret,
				(unsigned long long)got);
			break;
		}
		if (hvg_ring_read_end(st->cons))
			WRITE_ONCE(st->cons_bell, st->cons_bell + 1);
		if (hvg_ring_mask_end(st->cons) != 0 || got == st->packets)
			continue;
		if (READ_ONCE(st->prod_err))
			break;
		if (!rt_wait_bell(&st->prod_bell, bell)) {
			RT_FAIL(t, "lost wakeup: no signal after %llu packets",
				(unsigned long long)got);
			break;
		}
	}
	rt_thread_join(&th);
	RT_EQ(t, st->prod_err, 0);
	RT_EQ(t, got, st->packets);
	RT_EQ(t, st->cons->stats.malformed, 0);
	RT_EQ(t, st->prod->stats.packets, st->packets);
out:
	rt_env_free(&st->env);
	rt_free(st);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the netvsc protocol test cases (nvsp_msg_cases.h,
 * rndis_msg_cases.h, rndis_dev_cases.h), which are compiled both into KUnit
 * suites and into tools/netvsc_msg_test. The includer provides struct ct,
 * CT_FAIL(t, fmt, ...), ct_alloc(n) (zeroed, exactly n bytes) and
 * ct_free(p), as for kunit/chanmsg_cases.h.
 *
 * Expected bytes are written by hand, little endian, from the fact sheet
 * offsets, never through the structs under test.
 */
#ifndef _HVG_KUNIT_NETVSC_CT_H
#define _HVG_KUNIT_NETVSC_CT_H

#define CT_EQ(t, a, b) do {						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a != __b)							\
		CT_FAIL(t, "%s:%d: %s == %lld, expected %s == %lld",	\
			__FILE__, __LINE__, #a, __a, #b, __b);		\
} while (0)

#define CT_CHECK(t, cond) do {						\
	if (!(cond))							\
		CT_FAIL(t, "%s:%d: %s", __FILE__, __LINE__, #cond);	\
} while (0)

/* Compare @got_len bytes at @got with the expected ones. */
#define CT_MEM(t, got, got_len, want, want_len)				\
	ct_mem(t, __FILE__, __LINE__, got, got_len, want, want_len)

static inline void ct_mem(struct ct *t, const char *file, int line,
			  const void *got, long long got_len,
			  const u8 *want, long long want_len)
{
	const u8 *g = got;
	long long i;

	if (got_len != want_len) {
		CT_FAIL(t, "%s:%d: length %lld, expected %lld", file, line,
			got_len, want_len);
		return;
	}
	for (i = 0; i < want_len; i++) {
		if (g[i] != want[i]) {
			CT_FAIL(t, "%s:%d: byte %lld is 0x%02x, expected 0x%02x",
				file, line, i, g[i], want[i]);
			return;
		}
	}
}

static inline void ct_le16(u8 *p, u16 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static inline void ct_le32(u8 *p, u32 v)
{
	ct_le16(p, v & 0xffff);
	ct_le16(p + 2, v >> 16);
}

static inline void ct_le64(u8 *p, u64 v)
{
	ct_le32(p, (u32)v);
	ct_le32(p + 4, (u32)(v >> 32));
}

static inline u32 ct_get32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static inline u16 ct_get16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

/* A heap copy of exactly @len bytes (ASan/KASAN see reads past it). */
static inline u8 *ct_dup(const u8 *src, u32 len)
{
	u8 *p = ct_alloc(len ? len : 1);

	if (p && len)
		memcpy(p, src, len);
	return p;
}

#endif /* _HVG_KUNIT_NETVSC_CT_H */

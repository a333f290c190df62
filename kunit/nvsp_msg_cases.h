/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NVSP message test cases (netvsc/nvsp_msg.c), written once and compiled
 * twice: into the KUnit suite "hvg_nvsp_msg" (kunit/nvsp_msg_test.c) and
 * into tools/netvsc_msg_test. See kunit/netvsc_ct.h for what the includer
 * provides. Case order: nvsp_msg_case_list.h.
 */
#include "netvsc_ct.h"

#define CT_N1	0x00000002u
#define CT_N2	0x00030002u
#define CT_N4	0x00040000u
#define CT_N5	0x00050000u
#define CT_N6	0x00060000u
#define CT_N61	0x00060001u

/* Parse @len bytes of @msg from a heap copy of exactly that length. */
static int ct_nvsp(const u8 *msg, u32 len, u32 version,
		   struct hvg_nvsp_msg *out)
{
	u8 *copy = ct_dup(msg, len);
	int ret;

	if (!copy)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	ret = hvg_nvsp_parse(copy, len, version, out);
	ct_free(copy);
	return ret;
}

/* SEND_RECV_BUF_COMPLETE: status, one section {0, size, count, end}. */
static u32 ct_recv_complete(u8 *m, u32 status, u32 size, u32 count)
{
	memset(m, 0, 40);
	ct_le32(m, 102);
	ct_le32(m + 4, status);
	ct_le32(m + 8, 1);
	ct_le32(m + 12, 0);
	ct_le32(m + 16, size);
	ct_le32(m + 20, count);
	ct_le32(m + 24, size * count);
	return 28;
}

static void ct_case_init_complete(struct ct *t)
{
	struct hvg_nvsp_msg m;
	u8 b[40] = { 0 };

	ct_le32(b, 2);
	ct_le32(b + 4, 0xffffffff);	/* deprecated: never compared */
	ct_le32(b + 8, 34);
	ct_le32(b + 12, 1);
	CT_EQ(t, ct_nvsp(b, 16, 0, &m), 0);
	CT_EQ(t, m.type, HVG_NVSP_MSG_INIT_COMPLETE);
	CT_EQ(t, m.init_complete.max_mdl_chain_len, 34);
	CT_EQ(t, hvg_nvsp_check_init(&m), 0);
	CT_EQ(t, ct_nvsp(b, 40, CT_N61, &m), 0);
	CT_EQ(t, hvg_nvsp_check_init(&m), 0);
	/* OpenVMM refuses with status NONE; others with FAIL or TOO_NEW. */
	ct_le32(b + 12, 0);
	CT_EQ(t, ct_nvsp(b, 16, 0, &m), 0);
	CT_EQ(t, hvg_nvsp_check_init(&m), -HVG_NVSP_E_STATUS);
	ct_le32(b + 12, 3);
	CT_EQ(t, ct_nvsp(b, 16, 0, &m), 0);
	CT_EQ(t, hvg_nvsp_check_init(&m), -HVG_NVSP_E_STATUS);
	CT_EQ(t, ct_nvsp(b, 15, 0, &m), -HVG_NVSP_E_SHORT);
}

static void ct_case_version_gating(struct ct *t)
{
	struct hvg_nvsp_msg m;
	u8 b[128] = { 0 };

	ct_recv_complete(b, 1, 1728, 100);
	CT_EQ(t, ct_nvsp(b, 28, 0, &m), -HVG_NVSP_E_VERSION);
	CT_EQ(t, ct_nvsp(b, 28, CT_N1, &m), 0);
	memset(b, 0, sizeof(b));
	ct_le32(b, 133);
	ct_le32(b + 4, 1);
	CT_EQ(t, ct_nvsp(b, 12, CT_N4, &m), -HVG_NVSP_E_VERSION);
	CT_EQ(t, ct_nvsp(b, 12, CT_N5, &m), 0);
	ct_le32(b, 128);
	CT_EQ(t, ct_nvsp(b, 12, CT_N2, &m), -HVG_NVSP_E_VERSION);
	CT_EQ(t, ct_nvsp(b, 12, CT_N4, &m), 0);
	ct_le32(b, 134);
	CT_EQ(t, ct_nvsp(b, 76, CT_N4, &m), -HVG_NVSP_E_VERSION);
}

static void ct_case_recv_buf_geometry(struct ct *t)
{
	const u32 buf = 16 << 20;
	struct hvg_nvsp_recv_geom g = { 0 };
	struct hvg_nvsp_msg m;
	u8 b[64];

	/* Hyper-V style: 1728-byte slots filling 16 MiB; 28 and 40 bytes. */
	ct_recv_complete(b, 1, 1728, 9709);
	CT_EQ(t, ct_nvsp(b, 28, CT_N5, &m), 0);
	CT_EQ(t, hvg_nvsp_check_recv_buf(&m, buf, &g), 0);
	CT_EQ(t, g.sub_alloc_size, 1728);
	CT_EQ(t, g.num_sub_allocs, 9709);
	CT_EQ(t, ct_nvsp(b, 40, CT_N61, &m), 0);
	CT_EQ(t, hvg_nvsp_check_recv_buf(&m, buf, &g), 0);
	/* OpenVMM: 1806 bytes at MTU 1514. */
	ct_recv_complete(b, 1, 1806, buf / 1806);
	CT_EQ(t, ct_nvsp(b, 28, CT_N61, &m), 0);
	CT_EQ(t, hvg_nvsp_check_recv_buf(&m, buf, &g), 0);
	/* One slot too many for the buffer. */
	ct_recv_complete(b, 1, 1806, buf / 1806 + 1);
	CT_EQ(t, ct_nvsp(b, 28, CT_N61, &m), 0);
	CT_EQ(t, hvg_nvsp_check_recv_buf(&m, buf, &g), -HVG_NVSP_E_GEOMETRY);
	/* size x count wraps 32 bits. */
	ct_recv_complete(b, 1, 0x10000, 0x10001);
	ct_le32(b + 24, 0x10000);
	CT_EQ(t, ct_nvsp(b, 28, CT_N61, &m), 0);
	CT_EQ(t, hvg_nvsp_check_recv_buf(&m, buf, &g), -HVG_NVSP_E_GEOMETRY);
	/* Sub-allocation below 68, none, not at 0, end_offset wrong. */
	ct_recv_complete(b, 1, 67, 100);
	ct_nvsp(b, 28, CT_N61, &m);
	CT_EQ(t, hvg_nvsp_check_recv_buf(&m, buf, &g), -HVG_NVSP_E_GEOMETRY);
	ct_recv_complete(b, 1, 1728, 0);
	ct_nvsp(b, 28, CT_N61, &m);
	CT_EQ(t, hvg_nvsp_check_recv_buf(&m, buf, &g), -HVG_NVSP_E_GEOMETRY);
	ct_recv_complete(b, 1, 1728, 100);
	ct_le32(b + 12, 4096);
	ct_nvsp(b, 28, CT_N61, &m);
	CT_EQ(t, hvg_nvsp_check_recv_buf(&m, buf, &g), -HVG_NVSP_E_GEOMETRY);
	ct_recv_complete(b, 1, 1728, 100);
	ct_le32(b + 24, 1728 * 100 + 1);
	ct_nvsp(b, 28, CT_N61, &m);
	CT_EQ(t, hvg_nvsp_check_recv_buf(&m, buf, &g), -HVG_NVSP_E_GEOMETRY);
	/* No section; two sections (fit in 44 bytes, not in 28). */
	ct_recv_complete(b, 1, 1728, 100);
	ct_le32(b + 8, 0);
	CT_EQ(t, ct_nvsp(b, 12, CT_N61, &m), 0);
	CT_EQ(t, hvg_nvsp_check_recv_buf(&m, buf, &g), -HVG_NVSP_E_GEOMETRY);
	ct_recv_complete(b, 1, 1728, 100);
	ct_le32(b + 8, 2);
	CT_EQ(t, ct_nvsp(b, 28, CT_N61, &m), -HVG_NVSP_E_SHORT);
	memset(b + 28, 0, 16);
	CT_EQ(t, ct_nvsp(b, 44, CT_N61, &m), 0);
	CT_EQ(t, hvg_nvsp_check_recv_buf(&m, buf, &g), -HVG_NVSP_E_GEOMETRY);
	/* A count of sections that would overflow a multiplication. */
	ct_le32(b + 8, 0x10000001);
	CT_EQ(t, ct_nvsp(b, 44, CT_N61, &m), -HVG_NVSP_E_SHORT);
	/* A refusal. */
	ct_recv_complete(b, 2, 1728, 100);
	ct_nvsp(b, 28, CT_N61, &m);
	CT_EQ(t, hvg_nvsp_check_recv_buf(&m, buf, &g), -HVG_NVSP_E_STATUS);
	CT_EQ(t, ct_nvsp(b, 11, CT_N61, &m), -HVG_NVSP_E_SHORT);
}

static void ct_case_send_buf_geometry(struct ct *t)
{
	struct hvg_nvsp_msg m;
	u32 n = 0;
	u8 b[40] = { 0 };

	ct_le32(b, 105);
	ct_le32(b + 4, 1);
	ct_le32(b + 8, 6144);
	CT_EQ(t, ct_nvsp(b, 12, CT_N1, &m), 0);
	CT_EQ(t, hvg_nvsp_check_send_buf(&m, 1 << 20, &n), 0);
	CT_EQ(t, n, (1 << 20) / 6144);
	ct_le32(b + 8, 67);
	ct_nvsp(b, 12, CT_N1, &m);
	CT_EQ(t, hvg_nvsp_check_send_buf(&m, 1 << 20, &n), -HVG_NVSP_E_GEOMETRY);
	ct_le32(b + 8, (1 << 20) + 1);
	ct_nvsp(b, 12, CT_N1, &m);
	CT_EQ(t, hvg_nvsp_check_send_buf(&m, 1 << 20, &n), -HVG_NVSP_E_GEOMETRY);
	ct_le32(b + 8, 1 << 20);
	ct_nvsp(b, 12, CT_N1, &m);
	CT_EQ(t, hvg_nvsp_check_send_buf(&m, 1 << 20, &n), 0);
	CT_EQ(t, n, 1);
	ct_le32(b + 4, 2);
	ct_nvsp(b, 12, CT_N1, &m);
	CT_EQ(t, hvg_nvsp_check_send_buf(&m, 1 << 20, &n), -HVG_NVSP_E_STATUS);
	CT_EQ(t, ct_nvsp(b, 11, CT_N1, &m), -HVG_NVSP_E_SHORT);
	/* A check of the wrong type. */
	CT_EQ(t, hvg_nvsp_check_init(&m), -HVG_NVSP_E_TYPE);
}

static void ct_case_rndis_pkt(struct ct *t)
{
	struct hvg_nvsp_msg m;
	u8 b[40] = { 0 };

	ct_le32(b, 107);
	ct_le32(b + 4, 1);
	ct_le32(b + 8, 0xffffffff);
	CT_EQ(t, ct_nvsp(b, 16, CT_N1, &m), 0);
	CT_EQ(t, m.rndis_pkt.channel_type, 1);
	CT_EQ(t, m.rndis_pkt.section_index, 0xffffffff);
	ct_le32(b + 4, 2);
	CT_EQ(t, ct_nvsp(b, 16, CT_N1, &m), -HVG_NVSP_E_RANGE);
	CT_EQ(t, ct_nvsp(b, 15, CT_N1, &m), -HVG_NVSP_E_SHORT);
	ct_le32(b, 108);
	ct_le32(b + 4, 5);
	CT_EQ(t, ct_nvsp(b, 8, CT_N1, &m), 0);
	CT_EQ(t, m.rndis_pkt_complete.status, 5);
	CT_EQ(t, ct_nvsp(b, 7, CT_N1, &m), -HVG_NVSP_E_SHORT);
}

static void ct_case_subchannel(struct ct *t)
{
	struct hvg_nvsp_msg m;
	u8 b[40] = { 0 };

	ct_le32(b, 133);
	ct_le32(b + 4, 1);
	ct_le32(b + 8, 7);
	CT_EQ(t, ct_nvsp(b, 12, CT_N5, &m), 0);
	CT_EQ(t, hvg_nvsp_check_subchannel(&m, 7), 0);
	CT_EQ(t, hvg_nvsp_check_subchannel(&m, 6), -HVG_NVSP_E_RANGE);
	ct_le32(b + 4, 2);
	ct_nvsp(b, 12, CT_N5, &m);
	CT_EQ(t, hvg_nvsp_check_subchannel(&m, 7), -HVG_NVSP_E_STATUS);
}

/* SEND_INDIRECTION_TABLE of @len bytes, table at @at, offset field @off. */
static void ct_send_table(u8 *b, u32 len, u32 at, u32 off)
{
	u32 i;

	memset(b, 0xee, len);
	ct_le32(b, 134);
	ct_le32(b + 4, 16);
	ct_le32(b + 8, off);
	for (i = 0; i < 16; i++)
		ct_le32(b + at + 4 * i, i % 3);
}

static void ct_case_send_table(struct ct *t)
{
	struct hvg_nvsp_msg m;
	u8 b[128];

	/* OpenVMM's form: right after the fields. */
	ct_send_table(b, 76, 12, 12);
	CT_EQ(t, ct_nvsp(b, 76, CT_N5, &m), 0);
	CT_EQ(t, m.send_table.table[0], 0);
	CT_EQ(t, m.send_table.table[4], 1);
	CT_EQ(t, m.send_table.table[15], 0);
	CT_EQ(t, ct_nvsp(b, 76, CT_N61, &m), 0);
	CT_EQ(t, ct_nvsp(b, 75, CT_N61, &m), -HVG_NVSP_E_OFFSET);
	/* Windows' quirk: table at 40 whatever the offset says (<= 6). */
	ct_send_table(b, 104, 40, 0x12345678);
	CT_EQ(t, ct_nvsp(b, 104, CT_N6, &m), 0);
	CT_EQ(t, m.send_table.table[5], 2);
	CT_EQ(t, ct_nvsp(b, 104, CT_N61, &m), -HVG_NVSP_E_OFFSET);
	ct_send_table(b, 104, 40, 40);
	CT_EQ(t, ct_nvsp(b, 104, CT_N61, &m), 0);
	CT_EQ(t, m.send_table.table[5], 2);
	/* Offsets into the fields, past the end, wrapping. */
	ct_send_table(b, 76, 12, 8);
	CT_EQ(t, ct_nvsp(b, 76, CT_N61, &m), -HVG_NVSP_E_OFFSET);
	ct_send_table(b, 76, 12, 0xfffffff0);
	CT_EQ(t, ct_nvsp(b, 76, CT_N61, &m), -HVG_NVSP_E_OFFSET);
	ct_send_table(b, 76, 12, 13);
	CT_EQ(t, ct_nvsp(b, 76, CT_N61, &m), -HVG_NVSP_E_OFFSET);
	/* Count other than 16; an entry >= 64. */
	ct_send_table(b, 76, 12, 12);
	ct_le32(b + 4, 15);
	CT_EQ(t, ct_nvsp(b, 76, CT_N61, &m), -HVG_NVSP_E_RANGE);
	ct_send_table(b, 76, 12, 12);
	ct_le32(b + 12 + 60, 64);
	CT_EQ(t, ct_nvsp(b, 76, CT_N61, &m), -HVG_NVSP_E_RANGE);
}

static void ct_case_vf_association(struct ct *t)
{
	struct hvg_nvsp_msg m;
	u8 b[40] = { 0 };

	ct_le32(b, 128);
	ct_le32(b + 4, 1);
	ct_le32(b + 8, 0x1234);
	CT_EQ(t, ct_nvsp(b, 12, CT_N61, &m), 0);
	CT_EQ(t, m.vf_association.allocated, 1);
	CT_EQ(t, m.vf_association.serial, 0x1234);
	ct_le32(b + 4, 2);
	CT_EQ(t, ct_nvsp(b, 12, CT_N61, &m), -HVG_NVSP_E_RANGE);
}

static void ct_case_bad_types(struct ct *t)
{
	static const u32 not_from_host[] = {
		0, 1, 3, 99, 100, 101, 103, 104, 106, 109, 125, 129, 130, 131,
		132, 135, 136, 137, 0xffffffff,
	};
	struct hvg_nvsp_msg m;
	u8 b[40] = { 0 };
	u32 i;

	CT_EQ(t, ct_nvsp(b, 0, CT_N61, &m), -HVG_NVSP_E_NOHDR);
	CT_EQ(t, ct_nvsp(b, 3, CT_N61, &m), -HVG_NVSP_E_NOHDR);
	for (i = 0; i < ARRAY_SIZE(not_from_host); i++) {
		ct_le32(b, not_from_host[i]);
		CT_EQ(t, ct_nvsp(b, 40, CT_N61, &m), -HVG_NVSP_E_TYPE);
	}
}

/* Each host type parses from a copy of exactly its minimum length. */
static void ct_case_minimum_lengths(struct ct *t)
{
	static const u32 type_len[][2] = {
		{ 2, 16 }, { 102, 12 }, { 105, 12 }, { 107, 16 }, { 108, 8 },
		{ 128, 12 }, { 133, 12 },
	};
	struct hvg_nvsp_msg m;
	u8 b[40] = { 0 };
	u32 i;

	for (i = 0; i < ARRAY_SIZE(type_len); i++) {
		memset(b, 0, sizeof(b));
		ct_le32(b, type_len[i][0]);
		CT_EQ(t, ct_nvsp(b, type_len[i][1], CT_N61, &m), 0);
		CT_EQ(t, ct_nvsp(b, type_len[i][1] - 1, CT_N61, &m),
		      -HVG_NVSP_E_SHORT);
	}
}

static void ct_case_errnames(struct ct *t)
{
	static const int errs[] = {
		HVG_NVSP_E_NOHDR, HVG_NVSP_E_TYPE, HVG_NVSP_E_VERSION,
		HVG_NVSP_E_SHORT, HVG_NVSP_E_STATUS, HVG_NVSP_E_GEOMETRY,
		HVG_NVSP_E_RANGE, HVG_NVSP_E_OFFSET,
	};
	u32 i, j;

	CT_CHECK(t, !strcmp(hvg_nvsp_errname(0), "ok"));
	CT_CHECK(t, !strcmp(hvg_nvsp_errname(-EIO), "unknown-error"));
	for (i = 0; i < ARRAY_SIZE(errs); i++) {
		CT_CHECK(t, strcmp(hvg_nvsp_errname(-errs[i]),
				   "unknown-error"));
		for (j = 0; j < i; j++)
			CT_CHECK(t, errs[i] != errs[j]);
	}
	CT_CHECK(t, !strcmp(hvg_nvsp_type_name(2), "MSG_INIT_COMPLETE"));
	CT_CHECK(t, !strcmp(hvg_nvsp_type_name(125), "MSG2_SEND_NDIS_CONFIG"));
	CT_CHECK(t, !strcmp(hvg_nvsp_type_name(7), "UNKNOWN"));
}

static void ct_case_version_order(struct ct *t)
{
	static const u32 want[] = {
		0x00060001, 0x00060000, 0x00050000, 0x00040000, 0x00030002,
		0x00000002, 0,
	};
	u32 v = 0, i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		v = hvg_nvsp_version_next(v);
		CT_EQ(t, v, want[i]);
	}
	CT_EQ(t, hvg_nvsp_version_next(0x00070000), 0);
}

static void ct_case_build_init(struct ct *t)
{
	struct hvg_nvsp_buf msg;
	struct hvg_nvsp_msg m;
	u8 want[40] = { 0 };

	ct_le32(want, 1);
	ct_le32(want + 4, 0x00060001);
	ct_le32(want + 8, 0x00060001);
	CT_EQ(t, hvg_nvsp_build_init(&msg, CT_N61), 40);
	CT_MEM(t, msg.data, 40, want, 40);
	CT_EQ(t, hvg_nvsp_build_init(&msg, 0x00030000), -EINVAL);
	CT_EQ(t, hvg_nvsp_build_init(&msg, 0), -EINVAL);
	/* What the guest sends never parses as a host message. */
	hvg_nvsp_build_init(&msg, CT_N61);
	CT_EQ(t, ct_nvsp(msg.data, 40, CT_N61, &m), -HVG_NVSP_E_TYPE);
}

static void ct_case_build_ndis(struct ct *t)
{
	struct hvg_nvsp_buf msg;
	u8 want[40] = { 0 };

	ct_le32(want, 125);
	ct_le32(want + 4, 1514);
	ct_le64(want + 12, 0x08 | 0x04 | 0x20 | 0x80);
	CT_EQ(t, hvg_nvsp_build_ndis_config(&msg, CT_N61, 1514, 0xac), 40);
	CT_MEM(t, msg.data, 40, want, 40);
	CT_EQ(t, hvg_nvsp_build_ndis_config(&msg, CT_N1, 1514, 0x08),
	      -EOPNOTSUPP);
	CT_EQ(t, hvg_nvsp_build_ndis_config(&msg, CT_N5, 67, 0x08), -EINVAL);
	CT_EQ(t, hvg_nvsp_build_ndis_config(&msg, CT_N5, 1514, 0x100),
	      -EINVAL);

	memset(want, 0, sizeof(want));
	ct_le32(want, 100);
	ct_le32(want + 4, 6);
	ct_le32(want + 8, 1);
	CT_EQ(t, hvg_nvsp_build_ndis_version(&msg, CT_N4), 40);
	CT_MEM(t, msg.data, 40, want, 40);
	ct_le32(want + 8, 30);
	CT_EQ(t, hvg_nvsp_build_ndis_version(&msg, CT_N5), 40);
	CT_MEM(t, msg.data, 40, want, 40);
}

static void ct_case_build_buffers(struct ct *t)
{
	struct hvg_nvsp_buf msg;
	u8 want[40] = { 0 };

	ct_le32(want, 101);
	ct_le32(want + 4, 0xe1e10);
	ct_le16(want + 8, 0xcafe);
	CT_EQ(t, hvg_nvsp_build_recv_buf(&msg, 0xe1e10, 0xcafe), 40);
	CT_MEM(t, msg.data, 40, want, 40);
	ct_le32(want, 104);
	ct_le16(want + 8, 0);
	CT_EQ(t, hvg_nvsp_build_send_buf(&msg, 0xe1e10, 0), 40);
	CT_MEM(t, msg.data, 40, want, 40);
	CT_EQ(t, hvg_nvsp_build_recv_buf(&msg, 0, 0xcafe), -EINVAL);
	CT_EQ(t, hvg_nvsp_build_send_buf(&msg, 0, 0), -EINVAL);

	memset(want, 0, sizeof(want));
	ct_le32(want, 103);
	ct_le16(want + 4, 0xcafe);
	CT_EQ(t, hvg_nvsp_build_revoke_recv_buf(&msg, 0xcafe), 40);
	CT_MEM(t, msg.data, 40, want, 40);
	ct_le32(want, 106);
	ct_le16(want + 4, 0);
	CT_EQ(t, hvg_nvsp_build_revoke_send_buf(&msg, 0), 40);
	CT_MEM(t, msg.data, 40, want, 40);
}

static void ct_case_build_rndis_pkt(struct ct *t)
{
	struct hvg_nvsp_buf msg;
	u8 want[40] = { 0 };

	ct_le32(want, 107);
	ct_le32(want + 4, 0);
	ct_le32(want + 8, 17);
	ct_le32(want + 12, 1500);
	CT_EQ(t, hvg_nvsp_build_rndis_pkt(&msg, 0, 17, 1500), 40);
	CT_MEM(t, msg.data, 40, want, 40);
	ct_le32(want + 4, 1);
	ct_le32(want + 8, 0xffffffff);
	ct_le32(want + 12, 0);
	CT_EQ(t, hvg_nvsp_build_rndis_pkt(&msg, 1, 0xffffffff, 0), 40);
	CT_MEM(t, msg.data, 40, want, 40);
	CT_EQ(t, hvg_nvsp_build_rndis_pkt(&msg, 2, 0xffffffff, 0), -EINVAL);
	CT_EQ(t, hvg_nvsp_build_rndis_pkt(&msg, 0, 0xffffffff, 5), -EINVAL);
	CT_EQ(t, hvg_nvsp_build_rndis_pkt(&msg, 0, 3, 0), -EINVAL);

	memset(want, 0, sizeof(want));
	ct_le32(want, 108);
	ct_le32(want + 4, 1);
	CT_EQ(t, hvg_nvsp_build_rndis_pkt_complete(&msg, 1), 40);
	CT_MEM(t, msg.data, 40, want, 40);
	CT_EQ(t, hvg_nvsp_build_rndis_pkt_complete(&msg, 0), -EINVAL);
}

static void ct_case_build_subchannel(struct ct *t)
{
	struct hvg_nvsp_buf msg;
	u8 want[40] = { 0 };

	ct_le32(want, 133);
	ct_le32(want + 4, 1);
	ct_le32(want + 8, 7);
	CT_EQ(t, hvg_nvsp_build_subchannel(&msg, CT_N5, 7), 40);
	CT_MEM(t, msg.data, 40, want, 40);
	CT_EQ(t, hvg_nvsp_build_subchannel(&msg, CT_N4, 7), -EOPNOTSUPP);
	CT_EQ(t, hvg_nvsp_build_subchannel(&msg, CT_N5, 0), -EINVAL);
	CT_EQ(t, hvg_nvsp_build_subchannel(&msg, CT_N5, 64), -EINVAL);
	CT_EQ(t, hvg_nvsp_build_subchannel(&msg, CT_N5, 63), 40);

	memset(want, 0, sizeof(want));
	ct_le32(want, 129);
	ct_le32(want + 4, 1);
	CT_EQ(t, hvg_nvsp_build_switch_data_path(&msg, CT_N4, 1), 40);
	CT_MEM(t, msg.data, 40, want, 40);
	CT_EQ(t, hvg_nvsp_build_switch_data_path(&msg, CT_N2, 1),
	      -EOPNOTSUPP);
	CT_EQ(t, hvg_nvsp_build_switch_data_path(&msg, CT_N4, 2), -EINVAL);
}

static int ct_nvsp_guest(const u8 *msg, u32 len, u32 version,
			 struct hvg_nvsp_guest_msg *out)
{
	u8 *copy = ct_dup(msg, len);
	int ret;

	if (!copy)
		return -ENOMEM;
	ret = hvg_nvsp_parse_guest(copy, len, version, out);
	ct_free(copy);
	return ret;
}

/* The host's parser reads back what the guest's builders write. */
static void ct_case_guest_round_trip(struct ct *t)
{
	struct hvg_nvsp_guest_msg g;
	struct hvg_nvsp_buf msg;

	hvg_nvsp_build_init(&msg, CT_N61);
	CT_EQ(t, ct_nvsp_guest(msg.data, 40, 0, &g), 0);
	CT_EQ(t, g.init.min_ver, CT_N61);
	CT_EQ(t, g.init.max_ver, CT_N61);
	hvg_nvsp_build_ndis_config(&msg, CT_N61, 9014, 0x88);
	CT_EQ(t, ct_nvsp_guest(msg.data, 40, CT_N61, &g), 0);
	CT_EQ(t, g.ndis_config.mtu, 9014);
	CT_EQ(t, g.ndis_config.capability, 0x88);
	hvg_nvsp_build_ndis_version(&msg, CT_N5);
	CT_EQ(t, ct_nvsp_guest(msg.data, 40, CT_N5, &g), 0);
	CT_EQ(t, g.ndis_version.minor, 30);
	hvg_nvsp_build_recv_buf(&msg, 0xe1e10, 0xcafe);
	CT_EQ(t, ct_nvsp_guest(msg.data, 40, CT_N1, &g), 0);
	CT_EQ(t, g.buf.gpadl, 0xe1e10);
	CT_EQ(t, g.buf.id, 0xcafe);
	hvg_nvsp_build_revoke_send_buf(&msg, 7);
	CT_EQ(t, ct_nvsp_guest(msg.data, 40, CT_N1, &g), 0);
	CT_EQ(t, g.revoke.id, 7);
	hvg_nvsp_build_rndis_pkt(&msg, 0, 3, 1500);
	CT_EQ(t, ct_nvsp_guest(msg.data, 40, CT_N1, &g), 0);
	CT_EQ(t, g.rndis_pkt.section_index, 3);
	CT_EQ(t, g.rndis_pkt.section_size, 1500);
	hvg_nvsp_build_rndis_pkt_complete(&msg, 1);
	CT_EQ(t, ct_nvsp_guest(msg.data, 8, CT_N1, &g), 0);
	CT_EQ(t, g.rndis_pkt_complete.status, 1);
	hvg_nvsp_build_subchannel(&msg, CT_N5, 7);
	CT_EQ(t, ct_nvsp_guest(msg.data, 40, CT_N5, &g), 0);
	CT_EQ(t, g.subchannel.num_subchannels, 7);
	hvg_nvsp_build_switch_data_path(&msg, CT_N4, 1);
	CT_EQ(t, ct_nvsp_guest(msg.data, 40, CT_N4, &g), 0);
	CT_EQ(t, g.switch_data_path.datapath, 1);
}

static void ct_case_guest_malformed(struct ct *t)
{
	struct hvg_nvsp_guest_msg g;
	u8 b[40] = { 0 };

	CT_EQ(t, ct_nvsp_guest(b, 3, 0, &g), -HVG_NVSP_E_NOHDR);
	/* Only INIT before a version; shorter than 32 bytes ignored. */
	ct_le32(b, 1);
	ct_le32(b + 4, CT_N5);
	ct_le32(b + 8, CT_N61);
	CT_EQ(t, ct_nvsp_guest(b, 32, 0, &g), 0);
	CT_EQ(t, ct_nvsp_guest(b, 31, 0, &g), -HVG_NVSP_E_SHORT);
	ct_le32(b + 4, CT_N61 + 1);
	CT_EQ(t, ct_nvsp_guest(b, 32, 0, &g), -HVG_NVSP_E_RANGE);
	ct_le32(b, 101);
	CT_EQ(t, ct_nvsp_guest(b, 40, 0, &g), -HVG_NVSP_E_VERSION);
	/* A GPADL handle of 0. */
	memset(b + 4, 0, 36);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N1, &g), -HVG_NVSP_E_RANGE);
	/* Host types, unknown types. */
	ct_le32(b, 102);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N61, &g), -HVG_NVSP_E_TYPE);
	ct_le32(b, 2);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N61, &g), -HVG_NVSP_E_TYPE);
	ct_le32(b, 134);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N61, &g), -HVG_NVSP_E_TYPE);
	/* NDIS config below 2, switch below 4, sub-channels below 5. */
	ct_le32(b, 125);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N1, &g), -HVG_NVSP_E_VERSION);
	ct_le32(b, 129);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N2, &g), -HVG_NVSP_E_VERSION);
	ct_le32(b + 4, 2);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N4, &g), -HVG_NVSP_E_RANGE);
	ct_le32(b, 133);
	ct_le32(b + 4, 1);
	ct_le32(b + 8, 64);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N4, &g), -HVG_NVSP_E_VERSION);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N5, &g), -HVG_NVSP_E_RANGE);
	ct_le32(b + 8, 0);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N5, &g), -HVG_NVSP_E_RANGE);
	ct_le32(b + 4, 2);
	ct_le32(b + 8, 1);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N5, &g), -HVG_NVSP_E_RANGE);
	/* Packets: channel type 2; a section without size and the reverse. */
	ct_le32(b, 107);
	ct_le32(b + 4, 2);
	ct_le32(b + 8, 0xffffffff);
	ct_le32(b + 12, 0);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N61, &g), -HVG_NVSP_E_RANGE);
	ct_le32(b + 4, 1);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N61, &g), 0);
	ct_le32(b + 12, 4);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N61, &g), -HVG_NVSP_E_RANGE);
	ct_le32(b + 8, 5);
	ct_le32(b + 12, 0);
	CT_EQ(t, ct_nvsp_guest(b, 40, CT_N61, &g), -HVG_NVSP_E_RANGE);
	/* A completion of 7 bytes, or with status 0. */
	ct_le32(b, 108);
	ct_le32(b + 4, 1);
	CT_EQ(t, ct_nvsp_guest(b, 7, CT_N61, &g), -HVG_NVSP_E_SHORT);
	ct_le32(b + 4, 0);
	CT_EQ(t, ct_nvsp_guest(b, 8, CT_N61, &g), -HVG_NVSP_E_RANGE);
}

static void ct_case_guest_section(struct ct *t)
{
	struct hvg_nvsp_guest_msg g;
	struct hvg_nvsp_buf msg;

	hvg_nvsp_build_rndis_pkt(&msg, 0, 169, 6144);
	CT_EQ(t, ct_nvsp_guest(msg.data, 40, CT_N61, &g), 0);
	CT_EQ(t, hvg_nvsp_check_section(&g, 170, 6144), 0);
	CT_EQ(t, hvg_nvsp_check_section(&g, 169, 6144), -HVG_NVSP_E_RANGE);
	CT_EQ(t, hvg_nvsp_check_section(&g, 170, 6143), -HVG_NVSP_E_RANGE);
	CT_EQ(t, hvg_nvsp_check_section(&g, 0, 0), -HVG_NVSP_E_RANGE);
	hvg_nvsp_build_rndis_pkt(&msg, 1, 0xffffffff, 0);
	CT_EQ(t, ct_nvsp_guest(msg.data, 40, CT_N61, &g), 0);
	CT_EQ(t, hvg_nvsp_check_section(&g, 0, 0), 0);
	hvg_nvsp_build_init(&msg, CT_N61);
	CT_EQ(t, ct_nvsp_guest(msg.data, 40, CT_N61, &g), 0);
	CT_EQ(t, hvg_nvsp_check_section(&g, 170, 6144), -HVG_NVSP_E_TYPE);
}

/* What the loopback host builds, the guest's parser and checks accept. */
static void ct_case_host_builders(struct ct *t)
{
	static const u32 versions[2] = { CT_N5, CT_N61 };
	struct hvg_nvsp_recv_geom geom;
	struct hvg_nvsp_buf msg;
	struct hvg_nvsp_msg m;
	u32 table[16], i, v, len, n;
	u8 big[80];

	for (i = 0; i < 2; i++) {
		v = versions[i];
		len = i ? 40 : 28;
		CT_EQ(t, hvg_nvsp_host_len(v), len);
		CT_EQ(t, hvg_nvsp_host_init_complete(&msg, v, 1), len);
		CT_EQ(t, ct_get32(msg.data + 4), 0xffffffff);
		CT_EQ(t, ct_nvsp(msg.data, len, 0, &m), 0);
		CT_EQ(t, hvg_nvsp_check_init(&m), 0);
		CT_EQ(t, hvg_nvsp_host_init_complete(&msg, v, 0), len);
		CT_EQ(t, ct_nvsp(msg.data, len, 0, &m), 0);
		CT_EQ(t, hvg_nvsp_check_init(&m), -HVG_NVSP_E_STATUS);

		CT_EQ(t, hvg_nvsp_host_recv_buf_complete(&msg, v, 1, 1806,
							 9289), len);
		CT_EQ(t, ct_nvsp(msg.data, len, v, &m), 0);
		CT_EQ(t, hvg_nvsp_check_recv_buf(&m, 16 << 20, &geom), 0);
		CT_EQ(t, geom.num_sub_allocs, 9289);
		CT_EQ(t, hvg_nvsp_host_recv_buf_complete(&msg, v, 2, 0, 0),
		      len);
		CT_EQ(t, ct_nvsp(msg.data, len, v, &m), 0);
		CT_EQ(t, hvg_nvsp_check_recv_buf(&m, 16 << 20, &geom),
		      -HVG_NVSP_E_STATUS);

		CT_EQ(t, hvg_nvsp_host_send_buf_complete(&msg, v, 1, 6144),
		      len);
		CT_EQ(t, ct_nvsp(msg.data, len, v, &m), 0);
		CT_EQ(t, hvg_nvsp_check_send_buf(&m, 1 << 20, &n), 0);
		CT_EQ(t, n, 170);

		CT_EQ(t, hvg_nvsp_host_rndis_pkt(&msg, v, 1), len);
		CT_EQ(t, ct_nvsp(msg.data, len, v, &m), 0);
		CT_EQ(t, m.rndis_pkt.channel_type, 1);
		CT_EQ(t, m.rndis_pkt.section_index, 0xffffffff);
		CT_EQ(t, hvg_nvsp_host_rndis_pkt_complete(&msg, v, 1), len);
		CT_EQ(t, ct_nvsp(msg.data, len, v, &m), 0);
		CT_EQ(t, m.rndis_pkt_complete.status, 1);
		CT_EQ(t, hvg_nvsp_host_subchannel_complete(&msg, v, 1, 3), len);
		CT_EQ(t, ct_nvsp(msg.data, len, v, &m), 0);
		CT_EQ(t, hvg_nvsp_check_subchannel(&m, 3), 0);
	}
	for (i = 0; i < 16; i++)
		table[i] = i % 4;
	CT_EQ(t, hvg_nvsp_host_send_table(big, 80, table), 76);
	CT_EQ(t, ct_nvsp(big, 76, CT_N61, &m), 0);
	CT_EQ(t, m.send_table.table[7], 3);
	CT_EQ(t, ct_nvsp(big, 76, CT_N5, &m), 0);
	CT_EQ(t, hvg_nvsp_host_send_table(big, 75, table), -ENOSPC);
	table[3] = 64;
	CT_EQ(t, hvg_nvsp_host_send_table(big, 80, table), -EINVAL);
	/* What the guest must reject, the host never builds. */
	CT_EQ(t, hvg_nvsp_host_recv_buf_complete(&msg, CT_N61, 1, 67, 10),
	      -EINVAL);
	CT_EQ(t, hvg_nvsp_host_recv_buf_complete(&msg, CT_N61, 1, 0x10000,
						 0x10000), -EINVAL);
	CT_EQ(t, hvg_nvsp_host_send_buf_complete(&msg, CT_N61, 1, 67),
	      -EINVAL);
	CT_EQ(t, hvg_nvsp_host_rndis_pkt(&msg, CT_N61, 2), -EINVAL);
	CT_EQ(t, hvg_nvsp_host_subchannel_complete(&msg, CT_N4, 1, 1),
	      -EINVAL);
	CT_EQ(t, hvg_nvsp_host_init_complete(&msg, 0x00070000, 1), -EINVAL);
	/* NVSP 1: negotiated_ver says 2. */
	CT_EQ(t, hvg_nvsp_host_init_complete(&msg, CT_N1, 1), 28);
	CT_EQ(t, ct_get32(msg.data + 4), 2);
}

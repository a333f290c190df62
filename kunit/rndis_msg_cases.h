/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RNDIS message test cases (netvsc/rndis_msg.c), written once and
 * compiled twice: into the KUnit suite "hvg_rndis_msg"
 * (kunit/rndis_msg_test.c) and into tools/netvsc_msg_test. See
 * kunit/netvsc_ct.h for what the includer provides. Case order:
 * rndis_msg_case_list.h.
 */
#include "netvsc_ct.h"

/* Parse from a heap copy of exactly @len bytes, as the host's message. */
static int ct_rhost(const u8 *msg, u32 len, struct hvg_rndis_msg *out)
{
	u8 *copy = ct_dup(msg, len);
	int ret;

	if (!copy)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	ret = hvg_rndis_parse_host(copy, len, out);
	ct_free(copy);
	return ret;
}

static int ct_rguest(const u8 *msg, u32 len, struct hvg_rndis_msg *out)
{
	u8 *copy = ct_dup(msg, len);
	int ret;

	if (!copy)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	ret = hvg_rndis_parse_guest(copy, len, out);
	ct_free(copy);
	return ret;
}

/* INIT_C as OpenVMM sends it (M30), request id @id. */
static u32 ct_init_c(u8 *b, u32 id)
{
	memset(b, 0, 52);
	ct_le32(b, 0x80000002);
	ct_le32(b + 4, 52);
	ct_le32(b + 8, id);
	ct_le32(b + 12, 0);		/* status */
	ct_le32(b + 16, 1);		/* major */
	ct_le32(b + 20, 0);
	ct_le32(b + 24, 1);		/* connectionless */
	ct_le32(b + 28, 0);		/* 802.3 */
	ct_le32(b + 32, 8);		/* max_pkt_per_msg */
	ct_le32(b + 36, 0xefffffff);
	ct_le32(b + 40, 3);		/* 8-byte alignment */
	return 52;
}

/* QUERY_C for @id with @n info bytes of value 0x40 + i at offset 16. */
static u32 ct_query_c(u8 *b, u32 id, u32 status, u32 n)
{
	u32 i;

	memset(b, 0, 24 + n);
	ct_le32(b, 0x80000004);
	ct_le32(b + 4, 24 + n);
	ct_le32(b + 8, id);
	ct_le32(b + 12, status);
	ct_le32(b + 16, n);
	ct_le32(b + 20, n ? 16 : 0);
	for (i = 0; i < n; i++)
		b[24 + i] = 0x40 + i;
	return 24 + n;
}

static void ct_case_init_c(struct ct *t)
{
	struct hvg_rndis_request req = { HVG_RNDIS_MSG_INIT, 1, 0 };
	struct hvg_rndis_msg m;
	u8 b[64];

	ct_init_c(b, 1);
	CT_EQ(t, ct_rhost(b, 52, &m), 0);
	CT_EQ(t, m.type, HVG_RNDIS_MSG_INIT_C);
	CT_EQ(t, m.msg_len, 52);
	CT_EQ(t, m.init_c.max_pkt_per_msg, 8);
	CT_EQ(t, m.init_c.pkt_align_factor, 3);
	CT_EQ(t, m.init_c.max_xfer_size, 0xefffffff);
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), 0);
	req.req_id = 2;
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), -HVG_RNDIS_E_MISMATCH);
	req.req_id = 1;
	req.type = HVG_RNDIS_MSG_QUERY;
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), -HVG_RNDIS_E_MISMATCH);
	req.type = HVG_RNDIS_MSG_INIT;
	ct_le32(b + 12, 0xc0000001);
	ct_rhost(b, 52, &m);
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), -HVG_RNDIS_E_STATUS);
	ct_init_c(b, 1);
	ct_le32(b + 28, 1);		/* not 802.3 */
	ct_rhost(b, 52, &m);
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), -HVG_RNDIS_E_INIT);
	ct_init_c(b, 1);
	ct_le32(b + 32, 0);
	ct_rhost(b, 52, &m);
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), -HVG_RNDIS_E_INIT);
	ct_init_c(b, 1);
	ct_le32(b + 40, 13);
	ct_rhost(b, 52, &m);
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), -HVG_RNDIS_E_INIT);
	ct_init_c(b, 1);
	ct_le32(b + 16, 2);
	ct_rhost(b, 52, &m);
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), -HVG_RNDIS_E_INIT);
	/* 51 bytes: too short for its type. */
	ct_init_c(b, 1);
	ct_le32(b + 4, 51);
	CT_EQ(t, ct_rhost(b, 52, &m), -HVG_RNDIS_E_SHORT);
}

static void ct_case_query_c(struct ct *t)
{
	struct hvg_rndis_request req = { HVG_RNDIS_MSG_QUERY, 7, 6 };
	struct hvg_rndis_msg m;
	u8 b[64];

	/* The permanent address: 6 bytes at offset 16 from req_id. */
	ct_query_c(b, 7, 0, 6);
	CT_EQ(t, ct_rhost(b, 30, &m), 0);
	CT_EQ(t, m.query_c.info_len, 6);
	CT_EQ(t, m.query_c.info_offset, 24);
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), 0);
	req.info_cap = 5;
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), -HVG_RNDIS_E_OVERFLOW);
	req.info_cap = 6;
	/* A range longer than msg_len: fine, only msg_len is read. */
	CT_EQ(t, ct_rhost(b, 40, &m), 0);
	CT_EQ(t, m.msg_len, 30);
	/* Buffer inside the fixed part; past msg_len; wrapping. */
	ct_le32(b + 20, 15);
	CT_EQ(t, ct_rhost(b, 30, &m), -HVG_RNDIS_E_BUF);
	ct_le32(b + 20, 17);
	CT_EQ(t, ct_rhost(b, 30, &m), -HVG_RNDIS_E_BUF);
	ct_le32(b + 20, 0xfffffffc);
	CT_EQ(t, ct_rhost(b, 30, &m), -HVG_RNDIS_E_BUF);
	ct_le32(b + 20, 16);
	ct_le32(b + 16, 0xffffffff);
	CT_EQ(t, ct_rhost(b, 30, &m), -HVG_RNDIS_E_BUF);
	/* An empty answer points anywhere. */
	ct_le32(b + 16, 0);
	ct_le32(b + 20, 0xdeadbeef);
	CT_EQ(t, ct_rhost(b, 30, &m), 0);
	CT_EQ(t, m.query_c.info_offset, 0);
	/* A refusal: reported as a status error. */
	ct_query_c(b, 7, 0xc00000bb, 0);
	CT_EQ(t, ct_rhost(b, 24, &m), 0);
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), -HVG_RNDIS_E_STATUS);
	CT_EQ(t, m.query_c.status, 0xc00000bb);
}

static void ct_case_status_replies(struct ct *t)
{
	struct hvg_rndis_request req = { HVG_RNDIS_MSG_SET, 9, 0 };
	struct hvg_rndis_msg m;
	u8 b[16];

	ct_le32(b, 0x80000005);
	ct_le32(b + 4, 16);
	ct_le32(b + 8, 9);
	ct_le32(b + 12, 0);
	CT_EQ(t, ct_rhost(b, 16, &m), 0);
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), 0);
	ct_le32(b + 12, 0xc0010015);
	CT_EQ(t, ct_rhost(b, 16, &m), 0);
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), -HVG_RNDIS_E_STATUS);
	ct_le32(b, 0x80000008);
	ct_le32(b + 12, 0);
	req.type = HVG_RNDIS_MSG_KEEPALIVE;
	CT_EQ(t, ct_rhost(b, 16, &m), 0);
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), 0);
	/* RESET_C: {status, addressing_reset}, no request id. */
	ct_le32(b, 0x80000006);
	ct_le32(b + 8, 0);
	ct_le32(b + 12, 1);
	req.type = HVG_RNDIS_MSG_RESET;
	CT_EQ(t, ct_rhost(b, 16, &m), 0);
	CT_EQ(t, m.reset_c.addressing_reset, 1);
	CT_EQ(t, hvg_rndis_check_reply(&m, &req), 0);
	CT_EQ(t, ct_rhost(b, 15, &m), -HVG_RNDIS_E_LEN);
	ct_le32(b + 4, 15);
	CT_EQ(t, ct_rhost(b, 16, &m), -HVG_RNDIS_E_SHORT);
}

static void ct_case_indicate(struct ct *t)
{
	struct hvg_rndis_msg m;
	u8 b[32] = { 0 };

	ct_le32(b, 7);
	ct_le32(b + 4, 20);
	ct_le32(b + 8, 0x4001000b);
	CT_EQ(t, ct_rhost(b, 20, &m), 0);
	CT_EQ(t, m.indicate.status, HVG_RNDIS_STATUS_MEDIA_CONNECT);
	CT_EQ(t, m.indicate.buf_len, 0);
	ct_le32(b + 8, 0x4001000c);
	CT_EQ(t, ct_rhost(b, 20, &m), 0);
	/* Link speed: a u32 at offset 12 from status. */
	ct_le32(b + 4, 24);
	ct_le32(b + 8, 0x40010013);
	ct_le32(b + 12, 4);
	ct_le32(b + 16, 12);
	ct_le32(b + 20, 100000);
	CT_EQ(t, ct_rhost(b, 24, &m), 0);
	CT_EQ(t, m.indicate.link_speed, 100000);
	CT_EQ(t, m.indicate.buf_offset, 20);
	/* The buffer not counted in msg_len (old vSwitches): rejected. */
	ct_le32(b + 4, 20);
	CT_EQ(t, ct_rhost(b, 24, &m), -HVG_RNDIS_E_BUF);
	/* Link speed without a buffer; offset into the fixed part. */
	ct_le32(b + 4, 24);
	ct_le32(b + 12, 0);
	CT_EQ(t, ct_rhost(b, 24, &m), -HVG_RNDIS_E_BUF);
	ct_le32(b + 12, 4);
	ct_le32(b + 16, 11);
	CT_EQ(t, ct_rhost(b, 24, &m), -HVG_RNDIS_E_BUF);
	/* An unknown status is passed on (hosts send more than these). */
	ct_le32(b + 8, 0x40020006);
	ct_le32(b + 12, 0);
	CT_EQ(t, ct_rhost(b, 24, &m), 0);
	CT_EQ(t, m.indicate.status, 0x40020006);
}

static void ct_case_rndis_headers(struct ct *t)
{
	struct hvg_rndis_msg m;
	u8 b[64] = { 0 };

	CT_EQ(t, ct_rhost(b, 0, &m), -HVG_RNDIS_E_NOHDR);
	CT_EQ(t, ct_rhost(b, 7, &m), -HVG_RNDIS_E_NOHDR);
	ct_le32(b, 7);
	ct_le32(b + 4, 7);
	CT_EQ(t, ct_rhost(b, 64, &m), -HVG_RNDIS_E_LEN);
	ct_le32(b + 4, 65);
	CT_EQ(t, ct_rhost(b, 64, &m), -HVG_RNDIS_E_LEN);
	ct_le32(b + 4, 0xffffffff);
	CT_EQ(t, ct_rhost(b, 64, &m), -HVG_RNDIS_E_LEN);
	ct_le32(b + 4, 19);
	CT_EQ(t, ct_rhost(b, 64, &m), -HVG_RNDIS_E_SHORT);
	/* Requests never come from the host, completions never from the
	 * guest, and types past KEEPALIVE from nobody.
	 */
	ct_le32(b + 4, 64);
	ct_le32(b, 4);
	CT_EQ(t, ct_rhost(b, 64, &m), -HVG_RNDIS_E_TYPE);
	ct_le32(b, 2);
	CT_EQ(t, ct_rhost(b, 64, &m), -HVG_RNDIS_E_TYPE);
	ct_le32(b, 0x80000004);
	CT_EQ(t, ct_rguest(b, 64, &m), -HVG_RNDIS_E_TYPE);
	ct_le32(b, 9);
	CT_EQ(t, ct_rhost(b, 64, &m), -HVG_RNDIS_E_TYPE);
	CT_EQ(t, ct_rguest(b, 64, &m), -HVG_RNDIS_E_TYPE);
	ct_le32(b, 0);
	CT_EQ(t, ct_rhost(b, 64, &m), -HVG_RNDIS_E_TYPE);
	ct_le32(b, 0x80000001);
	CT_EQ(t, ct_rhost(b, 64, &m), -HVG_RNDIS_E_TYPE);
}

/* PACKET header with @ppi_len PPI bytes at 36 and @data bytes after. */
static u32 ct_packet(u8 *b, u32 ppi_len, u32 data)
{
	u32 len = 44 + ppi_len + data;

	memset(b, 0, len);
	ct_le32(b, 1);
	ct_le32(b + 4, len);
	ct_le32(b + 8, 36 + ppi_len);
	ct_le32(b + 12, data);
	if (ppi_len) {
		ct_le32(b + 28, 36);
		ct_le32(b + 32, ppi_len);
	}
	memset(b + 44 + ppi_len, 0x5a, data);
	return len;
}

/* One PPI at @p: size, type, offset 12, a u32 value. */
static u8 *ct_ppi(u8 *p, u32 type, u32 value)
{
	ct_le32(p, 16);
	ct_le32(p + 4, type);
	ct_le32(p + 8, 12);
	ct_le32(p + 12, value);
	return p + 16;
}

static void ct_case_packet_data(struct ct *t)
{
	struct hvg_rndis_msg m;
	u8 b[256];
	u32 len;

	len = ct_packet(b, 0, 60);
	CT_EQ(t, ct_rhost(b, len, &m), 0);
	CT_EQ(t, m.packet.data_offset, 44);
	CT_EQ(t, m.packet.data_len, 60);
	CT_EQ(t, m.packet.present, 0);
	CT_EQ(t, ct_rguest(b, len, &m), 0);
	/* Padding after msg_len is not read. */
	CT_EQ(t, ct_rhost(b, 256, &m), 0);
	/* Empty data; data in the header; past msg_len; wrapping. */
	ct_le32(b + 12, 0);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_DATA);
	ct_le32(b + 12, 60);
	ct_le32(b + 8, 35);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_DATA);
	ct_le32(b + 8, 37);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_DATA);
	ct_le32(b + 8, 0xfffffff8);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_DATA);
	ct_le32(b + 8, 36);
	ct_le32(b + 12, 0xffffffff);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_DATA);
	/* The header alone: 43 bytes are too short. */
	len = ct_packet(b, 0, 1);
	ct_le32(b + 4, 43);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_SHORT);
}

static void ct_case_packet_ppi(struct ct *t)
{
	struct hvg_rndis_msg m;
	u8 b[256], *p;
	u32 len;

	len = ct_packet(b, 5 * 16 + 12, 64);
	p = ct_ppi(b + 44, 0, HVG_RNDIS_RXCSUM_TCP_OK | HVG_RNDIS_RXCSUM_IP_OK);
	p = ct_ppi(p, 6, (100 << 4) | 3);
	p = ct_ppi(p, 8, 0x12345678);
	p = ct_ppi(p, 2, 0x40000000 | (34 << 20) | 1448);
	/* An unknown type with an empty value: skipped. */
	ct_le32(p, 12);
	ct_le32(p + 4, 9);
	ct_le32(p + 8, 12);
	p += 12;
	ct_ppi(p, 0x80000001, 1 | (0x6 << 8) | (0xbeefu << 16));
	CT_EQ(t, ct_rhost(b, len, &m), 0);
	CT_EQ(t, m.packet.present, HVG_RNDIS_PI_CSUM | HVG_RNDIS_PI_VLAN |
	      HVG_RNDIS_PI_HASH | HVG_RNDIS_PI_LSO | HVG_RNDIS_PI_PKTINFO_ID);
	CT_EQ(t, m.packet.csum, 0x28);
	CT_EQ(t, m.packet.vlan, 0x643);
	CT_EQ(t, m.packet.hash, 0x12345678);
	CT_EQ(t, m.packet.lso & HVG_RNDIS_LSO_MSS_MASK, 1448);
	CT_EQ(t, m.packet.pktinfo_flags, 6);
	CT_EQ(t, m.packet.pktinfo_id, 0xbeef);
	CT_EQ(t, m.packet.data_offset, 44 + 92);
	/* A value offset past 12 (a larger entry) is fine. */
	len = ct_packet(b, 20, 10);
	ct_le32(b + 44, 20);
	ct_le32(b + 48, 6);
	ct_le32(b + 52, 16);
	ct_le32(b + 60, 0x55);
	CT_EQ(t, ct_rhost(b, len, &m), 0);
	CT_EQ(t, m.packet.vlan, 0x55);
}

/* Each malformed per-packet info is an error, none loops. */
static void ct_case_packet_ppi_malformed(struct ct *t)
{
	struct hvg_rndis_msg m;
	u8 b[256];
	u32 len;

	/* A zero-size entry (the livelock of rndis_get_ppi). */
	len = ct_packet(b, 16, 8);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPI);
	/* size 11; size larger than what is left; */
	ct_ppi(b + 44, 0, 1);
	ct_le32(b + 44, 11);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPI);
	ct_le32(b + 44, 17);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPI);
	/* value offset 0, 11, past the entry; */
	ct_ppi(b + 44, 0, 1);
	ct_le32(b + 52, 0);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPI);
	ct_le32(b + 52, 11);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPI);
	ct_le32(b + 52, 17);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPI);
	/* a known type whose value is too short; */
	ct_le32(b + 52, 13);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPI);
	/* a trailing fragment shorter than an entry header; */
	len = ct_packet(b, 24, 8);
	ct_ppi(b + 44, 0, 1);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPI);
	/* a duplicate; */
	len = ct_packet(b, 32, 8);
	ct_ppi(ct_ppi(b + 44, 6, 1), 6, 2);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPIDUP);
	/* a packet-info id of another version; */
	len = ct_packet(b, 16, 8);
	ct_ppi(b + 44, 0x80000001, 2);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPI);
	/* the region in the header, past msg_len, over the data. */
	len = ct_packet(b, 16, 8);
	ct_ppi(b + 44, 0, 1);
	ct_le32(b + 28, 35);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPI);
	ct_le32(b + 28, 36);
	ct_le32(b + 32, 25);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPI);
	ct_le32(b + 32, 0xfffffff0);
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPI);
	ct_le32(b + 32, 16);
	ct_le32(b + 8, 44);		/* data starts inside the PPI */
	CT_EQ(t, ct_rhost(b, len, &m), -HVG_RNDIS_E_PPI);
}

/* Many entries: the walk is bounded by the region, not by the input. */
static void ct_case_packet_ppi_many(struct ct *t)
{
	const u32 n = 300;
	struct hvg_rndis_msg m;
	u32 len, i;
	u8 *b;

	b = ct_alloc(44 + 12 * n + 4);
	if (!b) {
		CT_FAIL(t, "no memory");
		return;
	}
	len = ct_packet(b, 12 * n, 4);
	for (i = 0; i < n; i++) {
		ct_le32(b + 44 + 12 * i, 12);
		ct_le32(b + 48 + 12 * i, 9);
		ct_le32(b + 52 + 12 * i, 12);
	}
	CT_EQ(t, ct_rhost(b, len, &m), 0);
	CT_EQ(t, m.packet.present, 0);
	ct_free(b);
}

/*
 * Parse from a heap copy of exactly the first @head_len bytes of @msg, as
 * the driver does with a coalesced fragment whose range has @len bytes.
 */
static int ct_rhead(const u8 *msg, u32 head_len, u32 len,
		    struct hvg_rndis_msg *out)
{
	u8 *copy = ct_dup(msg, head_len);
	int ret;

	if (!copy)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	ret = hvg_rndis_parse_packet_head(copy, head_len, len, out);
	ct_free(copy);
	return ret;
}

/*
 * A middle RSC fragment: the packet-info id and a checksum info (32 bytes
 * at 44), then @data bytes; the head is the 76 bytes up to the data.
 */
static u32 ct_rsc_frag(u8 *b, u32 data)
{
	u32 len = ct_packet(b, 32, data);

	ct_ppi(ct_ppi(b + 44, 0x80000001, 1 | (0x10u << 16)), 0,
	       HVG_RNDIS_RXCSUM_TCP_OK);
	return len;
}

static void ct_case_packet_head(struct ct *t)
{
	struct hvg_rndis_msg m;
	u8 b[256];
	u32 len;

	/* Header and infos exactly in the head; the data is not read. */
	len = ct_rsc_frag(b, 100);
	CT_EQ(t, ct_rhead(b, 76, len, &m), 0);
	CT_EQ(t, m.type, HVG_RNDIS_MSG_PACKET);
	CT_EQ(t, m.msg_len, len);
	CT_EQ(t, m.packet.data_offset, 76);
	CT_EQ(t, m.packet.data_len, 100);
	CT_EQ(t, m.packet.present, HVG_RNDIS_PI_PKTINFO_ID | HVG_RNDIS_PI_CSUM);
	CT_EQ(t, m.packet.pktinfo_flags, 0);
	CT_EQ(t, m.packet.pktinfo_id, 0x10);
	CT_EQ(t, m.packet.csum, HVG_RNDIS_RXCSUM_TCP_OK);
	/* A head reaching into the data, or the whole range, is fine. */
	CT_EQ(t, ct_rhead(b, 100, len, &m), 0);
	CT_EQ(t, ct_rhead(b, len, len, &m), 0);
	/* A range longer than msg_len (padding); no infos at all. */
	CT_EQ(t, ct_rhead(b, 76, 256, &m), 0);
	CT_EQ(t, m.msg_len, len);
	len = ct_packet(b, 0, 30);
	CT_EQ(t, ct_rhead(b, 44, len, &m), 0);
	CT_EQ(t, m.packet.present, 0);
	CT_EQ(t, m.packet.data_offset, 44);
}

/* What the head parser refuses; the full parser takes some of it. */
static void ct_case_packet_head_bad(struct ct *t)
{
	struct hvg_rndis_msg m;
	u8 b[256];
	u32 len;

	/* The infos end one byte past the head; the header is cut. */
	len = ct_rsc_frag(b, 100);
	CT_EQ(t, ct_rhead(b, 75, len, &m), -HVG_RNDIS_E_HEAD);
	CT_EQ(t, ct_rhead(b, 43, len, &m), -HVG_RNDIS_E_HEAD);
	CT_EQ(t, ct_rhead(b, 7, len, &m), -HVG_RNDIS_E_NOHDR);
	CT_EQ(t, ct_rhead(b, 77, 76, &m), -EINVAL);
	/* The data overlapping the infos (starting at the second). */
	ct_le32(b + 8, 36 + 16);
	CT_EQ(t, ct_rhead(b, 76, len, &m), -HVG_RNDIS_E_PPI);
	/* The data before the infos: the full parser's, not the head's. */
	len = ct_packet(b, 16, 20);
	ct_le32(b + 8, 36);		/* data at 44, 20 bytes */
	ct_le32(b + 28, 36 + 20);	/* the info at 64 */
	ct_ppi(b + 64, 0x80000001, 1);
	CT_EQ(t, ct_rhost(b, len, &m), 0);
	CT_EQ(t, ct_rhead(b, len, len, &m), -HVG_RNDIS_E_PPI);
	/* A zero-length info. */
	len = ct_rsc_frag(b, 8);
	ct_le32(b + 60, 0);
	CT_EQ(t, ct_rhead(b, 76, len, &m), -HVG_RNDIS_E_PPI);
	/* The data past msg_len; msg_len past the range. */
	len = ct_rsc_frag(b, 8);
	ct_le32(b + 12, 9);
	CT_EQ(t, ct_rhead(b, 76, len, &m), -HVG_RNDIS_E_DATA);
	ct_le32(b + 12, 8);
	CT_EQ(t, ct_rhead(b, 76, len - 1, &m), -HVG_RNDIS_E_LEN);
	/* Empty data; the infos past msg_len. */
	ct_le32(b + 12, 0);
	CT_EQ(t, ct_rhead(b, 76, len, &m), -HVG_RNDIS_E_DATA);
	ct_le32(b + 12, 8);
	ct_le32(b + 32, 0x100);
	CT_EQ(t, ct_rhead(b, 76, len, &m), -HVG_RNDIS_E_PPI);
	/* Not a packet; a packet shorter than its header. */
	len = ct_rsc_frag(b, 8);
	ct_le32(b, 7);
	CT_EQ(t, ct_rhead(b, 76, len, &m), -HVG_RNDIS_E_TYPE);
	ct_le32(b, 1);
	ct_le32(b + 4, 43);
	CT_EQ(t, ct_rhead(b, 43, len, &m), -HVG_RNDIS_E_SHORT);
}

static void ct_case_build_requests(struct ct *t)
{
	u8 buf[64], want[64] = { 0 };
	u8 info[4] = { 1, 2, 3, 4 };
	struct hvg_rndis_msg m;

	ct_le32(want, 2);
	ct_le32(want + 4, 24);
	ct_le32(want + 8, 1);
	ct_le32(want + 12, 1);
	ct_le32(want + 16, 0);
	ct_le32(want + 20, 0x4000);
	CT_EQ(t, hvg_rndis_build_init(buf, 64, 1), 24);
	CT_MEM(t, buf, 24, want, 24);
	CT_EQ(t, hvg_rndis_build_init(buf, 23, 1), -ENOSPC);
	CT_EQ(t, ct_rguest(buf, 24, &m), 0);
	CT_EQ(t, m.init.max_xfer_size, 0x4000);

	memset(want, 0, sizeof(want));
	ct_le32(want, 4);
	ct_le32(want + 4, 28);
	ct_le32(want + 8, 2);
	ct_le32(want + 12, 0x01010101);
	CT_EQ(t, hvg_rndis_build_query(buf, 64, 2, 0x01010101, NULL, 0), 28);
	CT_MEM(t, buf, 28, want, 28);

	ct_le32(want, 5);
	ct_le32(want + 4, 32);
	ct_le32(want + 8, 3);
	ct_le32(want + 12, 0x0001010e);
	ct_le32(want + 16, 4);
	ct_le32(want + 20, 20);
	memcpy(want + 28, info, 4);
	CT_EQ(t, hvg_rndis_build_set(buf, 64, 3, 0x0001010e, info, 4), 32);
	CT_MEM(t, buf, 32, want, 32);
	CT_EQ(t, hvg_rndis_build_set(buf, 31, 3, 0x0001010e, info, 4),
	      -ENOSPC);
	CT_EQ(t, hvg_rndis_build_set(buf, 64, 3, 0x0001010e, NULL, 4),
	      -EINVAL);
	CT_EQ(t, ct_rguest(buf, 32, &m), 0);
	CT_EQ(t, m.oid_req.info_offset, 28);
	CT_EQ(t, m.oid_req.info_len, 4);

	memset(want, 0, sizeof(want));
	ct_le32(want, 3);
	ct_le32(want + 4, 12);
	ct_le32(want + 8, 9);
	CT_EQ(t, hvg_rndis_build_halt(buf, 64, 9), 12);
	CT_MEM(t, buf, 12, want, 12);
	ct_le32(want, 8);
	CT_EQ(t, hvg_rndis_build_keepalive(buf, 64, 9), 12);
	CT_MEM(t, buf, 12, want, 12);
	ct_le32(want, 6);
	ct_le32(want + 8, 0);
	CT_EQ(t, hvg_rndis_build_reset(buf, 64), 12);
	CT_MEM(t, buf, 12, want, 12);
	CT_EQ(t, hvg_rndis_build_reset(buf, 11), -ENOSPC);
}

static void ct_case_build_packet(struct ct *t)
{
	struct hvg_rndis_tx_ppi ppi = {
		.present = HVG_RNDIS_PI_HASH | HVG_RNDIS_PI_VLAN |
			HVG_RNDIS_PI_CSUM,
		.hash = 0xabcd,
		.vlan = hvg_rndis_vlan(100, 3),
		.csum = HVG_RNDIS_TXCSUM_IPV4 | HVG_RNDIS_TXCSUM_TCP |
			(34 << HVG_RNDIS_TXCSUM_TCP_OFF_SHIFT),
	};
	u8 buf[256], want[92] = { 0 };
	struct hvg_rndis_msg m;

	/* M34: data_offset 36 + PPIs, PPIs at 36, hash, VLAN, checksum. */
	ct_le32(want, 1);
	ct_le32(want + 4, 92 + 100);
	ct_le32(want + 8, 84);
	ct_le32(want + 12, 100);
	ct_le32(want + 28, 36);
	ct_le32(want + 32, 48);
	ct_ppi(ct_ppi(ct_ppi(want + 44, 8, 0xabcd), 6, 0x643), 0,
	       0x00220005);
	CT_EQ(t, hvg_rndis_build_packet(buf, 256, &ppi, 100), 92);
	CT_MEM(t, buf, 92, want, 92);
	memset(buf + 92, 0x77, 100);
	CT_EQ(t, ct_rguest(buf, 192, &m), 0);
	CT_EQ(t, m.packet.data_offset, 92);
	CT_EQ(t, m.packet.hash, 0xabcd);
	CT_EQ(t, m.packet.csum, 0x00220005);

	/* LSO: the LSOv2 word. */
	ppi.present = HVG_RNDIS_PI_LSO;
	ppi.lso = hvg_rndis_lso_v2(true, 54, 1440);
	CT_EQ(t, ppi.lso, 0x80000000u | 0x40000000 | (54 << 20) | 1440);
	CT_EQ(t, hvg_rndis_build_packet(buf, 256, &ppi, 64000), 60);
	CT_EQ(t, ct_rguest(buf, 256, &m), -HVG_RNDIS_E_LEN);
	/* Nothing at all: 44 bytes. */
	CT_EQ(t, hvg_rndis_build_packet(buf, 256, NULL, 60), 44);
	CT_EQ(t, ct_get32(buf + 28), 0);
	CT_EQ(t, ct_get32(buf + 32), 0);
	/* Checksum and LSO together; nothing to send; no room; too big. */
	ppi.present = HVG_RNDIS_PI_LSO | HVG_RNDIS_PI_CSUM;
	CT_EQ(t, hvg_rndis_build_packet(buf, 256, &ppi, 60), -EINVAL);
	/* A host's RSC fragment: the packet-info id, after the others. */
	ppi.present = HVG_RNDIS_PI_PKTINFO_ID | HVG_RNDIS_PI_HASH;
	ppi.pktinfo_flags = HVG_RNDIS_PKTINFO_LAST_FRAG;
	ppi.pktinfo_id = 0x1234;
	CT_EQ(t, hvg_rndis_build_packet(buf, 256, &ppi, 60), 76);
	CT_EQ(t, ct_get32(buf + 60 + 4), HVG_RNDIS_PPI_PKTINFO_ID);
	CT_EQ(t, ct_get32(buf + 72), 0x12340401u);
	CT_EQ(t, ct_rhost(buf, 256, &m), 0);
	CT_EQ(t, m.packet.pktinfo_flags, HVG_RNDIS_PKTINFO_LAST_FRAG);
	CT_EQ(t, m.packet.pktinfo_id, 0x1234);
	ppi.present = 0x100;
	CT_EQ(t, hvg_rndis_build_packet(buf, 256, &ppi, 60), -EINVAL);
	CT_EQ(t, hvg_rndis_build_packet(buf, 256, NULL, 0), -EINVAL);
	CT_EQ(t, hvg_rndis_build_packet(buf, 43, NULL, 60), -ENOSPC);
	CT_EQ(t, hvg_rndis_build_packet(buf, 256, NULL, 0xffffffff), -EINVAL);
}

static void ct_case_offload_objects(struct ct *t)
{
	struct hvg_ndis_offload_params p = { 0 }, q;
	struct hvg_ndis_offload o;
	u8 info[200];
	u8 rev = 0;

	CT_EQ(t, hvg_ndis_offload_size(0x00030002, &rev), 112);
	CT_EQ(t, rev, 1);
	CT_EQ(t, hvg_ndis_offload_size(0x00040000, &rev), 144);
	CT_EQ(t, rev, 2);
	CT_EQ(t, hvg_ndis_offload_size(0x00060001, &rev), 156);
	CT_EQ(t, rev, 3);
	CT_EQ(t, hvg_ndis_build_offload_query(info, 200, 0x00050000), 156);
	CT_EQ(t, info[0], 0xa7);
	CT_EQ(t, info[1], 3);
	CT_EQ(t, ct_get16(info + 2), 156);
	CT_EQ(t, hvg_ndis_build_offload_query(info, 155, 0x00050000),
	      -ENOSPC);

	/* An answer: IPv4 TX checksum word at byte 8, LSOv2 size at 84. */
	ct_le32(info + 8, 0x150);
	ct_le32(info + 84, 62780);
	CT_EQ(t, hvg_ndis_parse_offload(info, 156, 156, &o), 0);
	CT_EQ(t, o.ipv4_tx.flags, 0x150);
	CT_EQ(t, o.lsov2_ipv4.max_offload_size, 62780);
	ct_le16(info + 2, 112);
	info[1] = 1;
	CT_EQ(t, hvg_ndis_parse_offload(info, 112, 156, &o), 0);
	CT_EQ(t, o.rsc_ipv4, 0);
	ct_le16(info + 2, 111);
	CT_EQ(t, hvg_ndis_parse_offload(info, 156, 156, &o),
	      -HVG_RNDIS_E_OBJECT);
	ct_le16(info + 2, 156);
	CT_EQ(t, hvg_ndis_parse_offload(info, 156, 144, &o),
	      -HVG_RNDIS_E_OBJECT);
	CT_EQ(t, hvg_ndis_parse_offload(info, 150, 156, &o),
	      -HVG_RNDIS_E_OBJECT);
	info[0] = 0x80;
	CT_EQ(t, hvg_ndis_parse_offload(info, 156, 156, &o),
	      -HVG_RNDIS_E_OBJECT);
	CT_EQ(t, hvg_ndis_parse_offload(info, 3, 156, &o),
	      -HVG_RNDIS_E_OBJECT);

	/* Parameters: 22 bytes up to NVSP 4, else 28; header 0x80 rev 3. */
	p.tcp_ipv4_csum = 4;
	p.lsov2_ipv4 = 2;
	p.rsc_ipv4 = 2;
	memset(info, 0xff, 40);
	CT_EQ(t, hvg_ndis_build_offload_params(info, 40, 0x00040000, &p), 22);
	CT_EQ(t, info[0], 0x80);
	CT_EQ(t, info[1], 3);
	CT_EQ(t, ct_get16(info + 2), 22);
	CT_EQ(t, info[5], 4);
	CT_EQ(t, info[11], 2);
	CT_EQ(t, info[22], 0xff);
	CT_EQ(t, hvg_ndis_parse_offload_params(info, 22, &q), 0);
	CT_EQ(t, q.rsc_ipv4, 0);
	CT_EQ(t, hvg_ndis_build_offload_params(info, 40, 0x00050000, &p), 28);
	CT_EQ(t, ct_get16(info + 2), 28);
	CT_EQ(t, info[22], 2);
	CT_EQ(t, hvg_ndis_parse_offload_params(info, 28, &q), 0);
	CT_EQ(t, q.rsc_ipv4, 2);
	CT_EQ(t, q.lsov2_ipv4, 2);
	CT_EQ(t, hvg_ndis_parse_offload_params(info, 27, &q),
	      -HVG_RNDIS_E_OBJECT);
	CT_EQ(t, hvg_ndis_build_offload_params(info, 27, 0x00050000, &p),
	      -ENOSPC);
}

static void ct_case_rss_objects(struct ct *t)
{
	struct hvg_ndis_rss_caps caps;
	struct hvg_ndis_rss *rss;
	u8 key[40], *info;
	u32 table[128], i;

	info = ct_alloc(40 + 4 * 256 + 40);
	rss = ct_alloc(sizeof(*rss));
	if (!info || !rss) {
		CT_FAIL(t, "no memory");
		goto out;
	}
	CT_EQ(t, hvg_ndis_build_rss_caps_query(info, 18), 18);
	CT_EQ(t, info[0], 0x88);
	CT_EQ(t, info[1], 2);
	CT_EQ(t, ct_get16(info + 2), 18);
	ct_le32(info + 12, 8);
	ct_le16(info + 16, 128);
	CT_EQ(t, hvg_ndis_parse_rss_caps(info, 18, &caps), 0);
	CT_EQ(t, caps.num_recv_queues, 8);
	CT_EQ(t, caps.num_indirect_entries, 128);
	CT_EQ(t, hvg_ndis_parse_rss_caps(info, 17, &caps),
	      -HVG_RNDIS_E_OBJECT);

	for (i = 0; i < 128; i++)
		table[i] = i % 4;
	for (i = 0; i < 40; i++)
		key[i] = i * 7;
	CT_EQ(t, hvg_ndis_build_rss_params(info, 600, 0, 0x1701, table, 128,
					   key), 40 + 512 + 40);
	/* M36 layout. */
	CT_EQ(t, info[0], 0x89);
	CT_EQ(t, info[1], 2);
	CT_EQ(t, ct_get16(info + 2), 40);
	CT_EQ(t, ct_get32(info + 8), 0x1701);
	CT_EQ(t, ct_get16(info + 12), 512);
	CT_EQ(t, ct_get32(info + 16), 40);
	CT_EQ(t, ct_get16(info + 20), 40);
	CT_EQ(t, ct_get32(info + 24), 552);
	CT_EQ(t, ct_get32(info + 40 + 4 * 5), 1);
	CT_EQ(t, info[552 + 39], (u8)((39 * 7) & 0xff));
	CT_EQ(t, hvg_ndis_parse_rss_params(info, 592, 4, rss), 0);
	CT_CHECK(t, rss->enabled);
	CT_EQ(t, rss->entries, 128);
	CT_EQ(t, rss->table[127], 3);
	CT_EQ(t, rss->key[1], 7);
	/* An entry for a queue the NIC does not have. */
	CT_EQ(t, hvg_ndis_parse_rss_params(info, 592, 3, rss),
	      -HVG_RNDIS_E_OBJECT);
	/* Disabled: nothing else read. */
	ct_le16(info + 4, 0x10);
	ct_le16(info + 20, 39);
	CT_EQ(t, hvg_ndis_parse_rss_params(info, 40, 1, rss), 0);
	CT_CHECK(t, !rss->enabled);
	ct_le16(info + 4, 0);
	CT_EQ(t, hvg_ndis_parse_rss_params(info, 592, 4, rss),
	      -HVG_RNDIS_E_OBJECT);
	ct_le16(info + 20, 40);
	ct_le16(info + 12, 6);
	CT_EQ(t, hvg_ndis_parse_rss_params(info, 592, 4, rss),
	      -HVG_RNDIS_E_OBJECT);
	ct_le16(info + 12, 512);
	CT_EQ(t, hvg_ndis_parse_rss_params(info, 591, 4, rss),
	      -HVG_RNDIS_E_OBJECT);
	ct_le32(info + 16, 0xfffffff0);
	CT_EQ(t, hvg_ndis_parse_rss_params(info, 592, 4, rss),
	      -HVG_RNDIS_E_OBJECT);
	CT_EQ(t, hvg_ndis_build_rss_params(info, 600, 0, 1, table, 0, key),
	      -EINVAL);
	CT_EQ(t, hvg_ndis_build_rss_params(info, 591, 0, 1, table, 128, key),
	      -ENOSPC);
out:
	ct_free(info);
	ct_free(rss);
}

static void ct_case_mac_param(struct ct *t)
{
	static const u8 mac[6] = { 0x00, 0x15, 0x5d, 0xab, 0xcd, 0xef };
	static const char digits[] = "00155dabcdef";
	u8 info[80], got[6];
	u32 i;

	CT_EQ(t, hvg_rndis_build_mac_param(info, 80, mac), 72);
	CT_EQ(t, ct_get32(info), 20);
	CT_EQ(t, ct_get32(info + 4), 28);
	CT_EQ(t, ct_get32(info + 8), 2);
	CT_EQ(t, ct_get32(info + 12), 48);
	CT_EQ(t, ct_get32(info + 16), 24);
	CT_EQ(t, info[20], 'N');
	CT_EQ(t, info[21], 0);
	CT_EQ(t, info[46], 's');
	for (i = 0; i < 12; i++) {
		CT_EQ(t, info[48 + 2 * i], digits[i]);
		CT_EQ(t, info[49 + 2 * i], 0);
	}
	CT_EQ(t, hvg_rndis_parse_mac_param(info, 72, got), 0);
	CT_MEM(t, got, 6, mac, 6);
	info[48 + 6] = 'D';
	CT_EQ(t, hvg_rndis_parse_mac_param(info, 72, got), 0);
	CT_EQ(t, got[1], 0x1d);
	info[48 + 6] = 'g';
	CT_EQ(t, hvg_rndis_parse_mac_param(info, 72, got),
	      -HVG_RNDIS_E_OBJECT);
	CT_EQ(t, hvg_rndis_parse_mac_param(info, 71, got),
	      -HVG_RNDIS_E_OBJECT);
	CT_EQ(t, hvg_rndis_build_mac_param(info, 71, mac), -ENOSPC);
}

static void ct_case_rndis_errnames(struct ct *t)
{
	static const int errs[] = {
		HVG_RNDIS_E_NOHDR, HVG_RNDIS_E_LEN, HVG_RNDIS_E_TYPE,
		HVG_RNDIS_E_SHORT, HVG_RNDIS_E_MISMATCH, HVG_RNDIS_E_STATUS,
		HVG_RNDIS_E_BUF, HVG_RNDIS_E_OVERFLOW, HVG_RNDIS_E_INIT,
		HVG_RNDIS_E_DATA, HVG_RNDIS_E_PPI, HVG_RNDIS_E_PPIDUP,
		HVG_RNDIS_E_OBJECT, HVG_RNDIS_E_HEAD,
	};
	u32 i, j;

	CT_CHECK(t, !strcmp(hvg_rndis_errname(0), "ok"));
	CT_CHECK(t, !strcmp(hvg_rndis_errname(-EIO), "unknown-error"));
	for (i = 0; i < ARRAY_SIZE(errs); i++) {
		CT_CHECK(t, strcmp(hvg_rndis_errname(-errs[i]),
				   "unknown-error"));
		for (j = 0; j < i; j++)
			CT_CHECK(t, errs[i] != errs[j]);
	}
	CT_CHECK(t, !strcmp(hvg_rndis_type_name(0x80000004), "QUERY_C"));
	CT_CHECK(t, !strcmp(hvg_rndis_type_name(4), "QUERY"));
	CT_CHECK(t, !strcmp(hvg_rndis_type_name(9), "UNKNOWN"));
}

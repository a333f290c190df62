// SPDX-License-Identifier: GPL-2.0
/*
 * User-space run of the netvsc protocol test cases: kunit/nvsp_msg_cases.h,
 * kunit/rndis_msg_cases.h and kunit/rndis_dev_cases.h, the same cases the
 * KUnit suites "hvg_nvsp_msg", "hvg_rndis_msg" and "hvg_rndis_dev" run,
 * against the same netvsc/nvsp_msg.c, netvsc/rndis_msg.c and
 * host/rndis_dev.c.
 *
 * Usage: netvsc_msg_test                  run the cases, print TAP
 *        netvsc_msg_test --corpus DIR      write the seed corpora of the
 *                                          fuzzers to DIR/nvsp_fuzz and
 *                                          DIR/rndis_fuzz (which exist)
 */
#include "case_harness.h"
#include "../netvsc/nvsp_msg.h"
#include "../netvsc/rndis_msg.h"
#include "../host/rndis_dev.h"
#include "netvsc_fuzz.h"

#include "../kunit/nvsp_msg_cases.h"
#include "../kunit/rndis_msg_cases.h"
#include "../kunit/rndis_dev_cases.h"

#define CT_CASE(name)	{ "nvsp_msg_" #name, ct_case_##name },
static const struct ct_entry ct_cases[] = {
#include "../kunit/nvsp_msg_case_list.h"
#undef CT_CASE
#define CT_CASE(name)	{ "rndis_msg_" #name, ct_case_##name },
#include "../kunit/rndis_msg_case_list.h"
#undef CT_CASE
#define CT_CASE(name)	{ "rndis_dev_" #name, ct_case_##name },
#include "../kunit/rndis_dev_case_list.h"
};

#undef CT_CASE

/* Seed @idx of the fuzzer @sub: DIR/@sub/seed-NN. */
static int ct_write_seed_n(const char *dir, const char *sub, unsigned int idx,
			   const u8 *data, size_t len)
{
	char name[64];

	snprintf(name, sizeof(name), "%s/seed-%02u", sub, idx);
	return ct_write_seed(dir, name, data, len);
}

/*
 * A valid host message of each kind, for the fuzzer's seed corpus: the
 * message in @b (128 bytes), its length; 0 past the last index.
 */
static u32 ct_nvsp_seed(u32 idx, u8 *b)
{
	memset(b, 0, 128);
	switch (idx) {
	case 0:
		ct_le32(b, 2);
		ct_le32(b + 4, 0xffffffff);
		ct_le32(b + 12, 1);
		return 16;
	case 1:
		return ct_recv_complete(b, 1, 1728, 9709);
	case 2:
		ct_le32(b, 105);
		ct_le32(b + 4, 1);
		ct_le32(b + 8, 6144);
		return 12;
	case 3:
		ct_le32(b, 107);
		ct_le32(b + 8, 0xffffffff);
		return 16;
	case 4:
		ct_le32(b, 108);
		ct_le32(b + 4, 1);
		return 8;
	case 5:
		ct_le32(b, 128);
		ct_le32(b + 4, 1);
		return 12;
	case 6:
		ct_le32(b, 133);
		ct_le32(b + 4, 1);
		ct_le32(b + 8, 3);
		return 12;
	case 7:
		ct_send_table(b, 76, 12, 12);
		return 76;
	case 8:
		ct_send_table(b, 104, 40, 40);
		return 104;
	default:
		return 0;
	}
}

/*
 * A valid host message of each kind for the fuzzer's seed corpus, in @b
 * (256 bytes); its length, 0 past the last index.
 */
static u32 ct_rndis_seed(u32 idx, u8 *b)
{
	u32 len;

	memset(b, 0, 256);
	switch (idx) {
	case 0:
		return ct_init_c(b, 1);
	case 1:
		return ct_query_c(b, 2, 0, 6);
	case 2:
		ct_le32(b, 0x80000005);
		ct_le32(b + 4, 16);
		ct_le32(b + 8, 3);
		return 16;
	case 3:
		ct_le32(b, 7);
		ct_le32(b + 4, 24);
		ct_le32(b + 8, 0x40010013);
		ct_le32(b + 12, 4);
		ct_le32(b + 16, 12);
		ct_le32(b + 20, 100000);
		return 24;
	case 4:
		len = ct_packet(b, 64, 60);
		ct_ppi(ct_ppi(ct_ppi(ct_ppi(b + 44, 0, 0x28), 6, 0x643), 8,
			      0x1234), 0x80000001, 0x00070001);
		return len;
	case 5:
		return ct_packet(b, 0, 60);
	case 6:
		/* A middle and a last coalesced fragment. */
		return ct_rsc_frag(b, 120);
	case 7:
		len = ct_packet(b, 16, 90);
		ct_ppi(b + 44, 0x80000001, 0x00050401);
		return len;
	default:
		return 0;
	}
}

/* A message the guest sends, built by the guest's builders, in @b. */
static u32 ct_nvsp_guest_seed(u32 idx, u8 *b)
{
	struct hvg_nvsp_buf msg;
	int n;

	switch (idx) {
	case 0:
		n = hvg_nvsp_build_init(&msg, HVG_NVSP_VERSION_61);
		break;
	case 1:
		n = hvg_nvsp_build_ndis_config(&msg, HVG_NVSP_VERSION_61, 1514,
					       0x88);
		break;
	case 2:
		n = hvg_nvsp_build_recv_buf(&msg, 0xe1e10, 0xcafe);
		break;
	case 3:
		n = hvg_nvsp_build_rndis_pkt(&msg, 0, 3, 1500);
		break;
	case 4:
		n = hvg_nvsp_build_rndis_pkt_complete(&msg, 1);
		memcpy(b, msg.data, 8);
		return 8;
	case 5:
		n = hvg_nvsp_build_subchannel(&msg, HVG_NVSP_VERSION_61, 3);
		break;
	default:
		return 0;
	}
	memcpy(b, msg.data, n);
	return n;
}

/*
 * A stream of guest messages for the fuzzer's seed corpus (each padded to
 * 8 bytes) in @b (512 bytes): its length, 0 past the last index.
 */
static u32 ct_rndis_dev_seed(u32 idx, u8 *b)
{
	struct hvg_rndis_tx_ppi ppi = {
		.present = HVG_RNDIS_PI_CSUM | HVG_RNDIS_PI_HASH,
		.csum = HVG_RNDIS_TXCSUM_IPV4 | HVG_RNDIS_TXCSUM_TCP |
			(34 << HVG_RNDIS_TXCSUM_TCP_OFF_SHIFT),
		.hash = 7,
	};
	struct hvg_ndis_offload_params p = { .tcp_ipv4_csum = 4 };
	static const u32 table[4] = { 0, 1, 0, 1 };
	u8 info[200] = { 0 };
	u32 v = 0x0d, len = 0;
	int n;

	memset(b, 0, 512);
	len = hvg_rndis_build_init(b, 512, 1);
	switch (idx) {
	case 0:
		return len;
	case 1:
		n = hvg_ndis_build_offload_query(info, 200, 0x00060001);
		len += hvg_rndis_build_query(b + len, 512 - len, 2,
				HVG_OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES,
				info, n);
		return len;
	case 2:
		len += hvg_rndis_build_set(b + len, 512 - len, 2,
					   HVG_OID_GEN_CURRENT_PACKET_FILTER,
					   &v, 4);
		n = hvg_ndis_build_offload_params(info, 200, 0x00060001, &p);
		len += hvg_rndis_build_set(b + len, 512 - len, 3,
					   HVG_OID_TCP_OFFLOAD_PARAMETERS,
					   info, n);
		return len;
	case 3:
		n = hvg_ndis_build_rss_params(info, 200, 0, 0x1701, table, 4,
					      info + 150);
		len += hvg_rndis_build_set(b + len, 512 - len, 2,
					   HVG_OID_GEN_RECEIVE_SCALE_PARAMETERS,
					   info, n);
		return len;
	case 4:
		n = hvg_rndis_build_mac_param(info, 200, ct_dev_mac);
		len += hvg_rndis_build_set(b + len, 512 - len, 2,
					   HVG_OID_GEN_RNDIS_CONFIG_PARAMETER,
					   info, n);
		len = (len + 7) & ~7u;
		len += hvg_rndis_build_keepalive(b + len, 512 - len, 3);
		len = (len + 7) & ~7u;
		len += hvg_rndis_build_halt(b + len, 512 - len, 4);
		return len;
	case 5:
		n = hvg_rndis_build_packet(b + len, 512 - len, &ppi, 60);
		return len + n + 64;
	default:
		return 0;
	}
}

/* A valid NDIS object for each of the object parsers, in @b. */
static u32 ct_object_seed(unsigned int i, u8 *b)
{
	static const u32 table[8] = { 0, 1, 2, 3, 0, 1, 2, 3 };
	static const u8 mac[6] = { 0x00, 0x15, 0x5d, 0x12, 0x34, 0x56 };
	struct hvg_ndis_offload_params p = { .tcp_ipv4_csum = 4 };
	u8 key[40] = { 0x6d, 0x5a };
	int n;

	memset(b, 0, 512);
	switch (i) {
	case 0:
		n = hvg_ndis_build_offload_query(b, 512, 0x00060001);
		ct_le32(b + 8, 0x150);
		return n;
	case 1:
		return hvg_ndis_build_offload_params(b, 512, 0x00060001, &p);
	case 2:
		n = hvg_ndis_build_rss_caps_query(b, 512);
		ct_le32(b + 12, 4);
		ct_le16(b + 16, 128);
		return n;
	case 3:
		return hvg_ndis_build_rss_params(b, 512, 0, 0x1701, table, 8,
						 key);
	default:
		return hvg_rndis_build_mac_param(b, 512, mac);
	}
}

/*
 * nvsp_fuzz: [version selector][message]; every seed under 6.1 and,
 * the send table, under 5 too. rndis_fuzz: [mode][request id][message].
 */
static int ct_write_corpus(const char *dir)
{
	static u8 b[512], rec[520];
	unsigned int n = 0, i;
	u32 len;
	int rc = 0;

	for (i = 0; (len = ct_nvsp_seed(i, b)); i++) {
		rec[0] = FZ_NVSP_V61;
		memcpy(rec + 1, b, len);
		rc |= ct_write_seed_n(dir, "nvsp_fuzz", n++, rec, len + 1);
		rec[0] = FZ_NVSP_V5;
		rc |= ct_write_seed_n(dir, "nvsp_fuzz", n++, rec, len + 1);
	}
	/* What the guest sends, for the loopback host's parser. */
	for (i = 0; (len = ct_nvsp_guest_seed(i, b)); i++) {
		rec[0] = FZ_NVSP_GUEST | FZ_NVSP_V61;
		memcpy(rec + 1, b, len);
		rc |= ct_write_seed_n(dir, "nvsp_fuzz", n++, rec, len + 1);
	}
	n = 0;
	for (i = 0; (len = ct_rndis_seed(i, b)); i++) {
		rec[0] = FZ_RNDIS_HOST;
		rec[1] = (u8)ct_get32(b + 8);
		memcpy(rec + 2, b, len);
		rc |= ct_write_seed_n(dir, "rndis_fuzz", n++, rec, len + 2);
	}
	/* The host device answering a guest's requests, in sequence. */
	for (i = 0; (len = ct_rndis_dev_seed(i, b)); i++) {
		rec[0] = FZ_RNDIS_DEVICE;
		rec[1] = 0;
		memcpy(rec + 2, b, len);
		rc |= ct_write_seed_n(dir, "rndis_fuzz", n++, rec, len + 2);
	}
	/* NDIS objects, one per parser (the selector is sel % 5). */
	for (i = 0; i < 5; i++) {
		len = ct_object_seed(i, b);
		rec[0] = FZ_RNDIS_OBJECT;
		rec[1] = i == 0 ? 45 : i == 3 ? 8 : i; /* 45: 157 bytes; 8: 8 queues */
		memcpy(rec + 2, b, len);
		rc |= ct_write_seed_n(dir, "rndis_fuzz", n++, rec, len + 2);
	}
	/* Packets to build: {present, csum, lso, vlan, hash, data_len}. */
	for (i = 0; i < 3; i++) {
		u32 w[6] = { 0x0d, 0x00220005, 0, 0x643, 7, 1514 };

		if (i == 1) {
			w[0] = 0x02;
			w[2] = hvg_rndis_lso_v2(false, 34, 1448);
			w[5] = 64000;
		} else if (i == 2) {
			w[0] = 0x03;
		}
		rec[0] = FZ_RNDIS_BUILD;
		rec[1] = 0;
		memcpy(rec + 2, w, sizeof(w));
		rc |= ct_write_seed_n(dir, "rndis_fuzz", n++, rec,
				    2 + sizeof(w));
	}
	return rc;
}

int main(int argc, char **argv)
{
	return ct_main(argc, argv, ct_cases, ARRAY_SIZE(ct_cases), "",
		       "netvsc_msg", ct_write_corpus);
}

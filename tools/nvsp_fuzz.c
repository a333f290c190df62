// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the NVSP parsers and checks (netvsc/nvsp_msg.c): the
 * fuzzer plays the host and sends one NVSP message of any type, length and
 * content under any negotiated version (or, by the mode bit, plays the
 * guest against the loopback host's parser). The message is parsed from a heap
 * copy of exactly its length, so ASan reports any read past it; what
 * parses is checked against every completion check with buffers of several
 * sizes, and the invariants each check promises are asserted. The same
 * bytes also drive the builders' arguments. Input format: netvsc_fuzz.h.
 *
 * Anything but an orderly return with a documented error is a bug: the
 * target aborts on a broken invariant; ASan and UBSan catch the rest.
 */
#include <stdlib.h>
#include "../netvsc/nvsp_msg.h"
#include "netvsc_fuzz.h"

#define FZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "nvsp_fuzz: %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

static const u32 fz_versions[7] = FZ_NVSP_VERSIONS;

static const u32 fz_buf_sizes[] = {
	0, 67, 68, 6144, 1 << 20, 16 << 20, 31 << 20, 0xffffffff,
};

static void fz_checks(const struct hvg_nvsp_msg *m)
{
	struct hvg_nvsp_recv_geom g;
	u32 i, n, r;
	int ret;

	ret = hvg_nvsp_check_init(m);
	FZ_ASSERT(!ret || ret == -HVG_NVSP_E_TYPE ||
		  ret == -HVG_NVSP_E_STATUS);
	for (i = 0; i < ARRAY_SIZE(fz_buf_sizes); i++) {
		ret = hvg_nvsp_check_recv_buf(m, fz_buf_sizes[i], &g);
		if (!ret) {
			FZ_ASSERT(g.sub_alloc_size >= HVG_NVSP_MIN_SECTION);
			FZ_ASSERT(g.num_sub_allocs >= 1);
			FZ_ASSERT((u64)g.sub_alloc_size * g.num_sub_allocs <=
				  fz_buf_sizes[i]);
		} else {
			FZ_ASSERT(ret == -HVG_NVSP_E_TYPE ||
				  ret == -HVG_NVSP_E_STATUS ||
				  ret == -HVG_NVSP_E_GEOMETRY);
		}
		ret = hvg_nvsp_check_send_buf(m, fz_buf_sizes[i], &n);
		if (!ret) {
			FZ_ASSERT(n >= 1);
			FZ_ASSERT((u64)n * m->send_buf.section_size <=
				  fz_buf_sizes[i]);
			FZ_ASSERT(m->send_buf.section_size >=
				  HVG_NVSP_MIN_SECTION);
		} else {
			FZ_ASSERT(ret == -HVG_NVSP_E_TYPE ||
				  ret == -HVG_NVSP_E_STATUS ||
				  ret == -HVG_NVSP_E_GEOMETRY);
		}
	}
	for (r = 0; r < HVG_NVSP_VRSS_CHANNEL_MAX; r += 7) {
		ret = hvg_nvsp_check_subchannel(m, r);
		if (!ret)
			FZ_ASSERT(m->subchannel.num_subchannels <= r);
		else
			FZ_ASSERT(ret == -HVG_NVSP_E_TYPE ||
				  ret == -HVG_NVSP_E_STATUS ||
				  ret == -HVG_NVSP_E_RANGE);
	}
}

static void fz_parsed(const struct hvg_nvsp_msg *m, u32 len, u32 version)
{
	u32 i;

	FZ_ASSERT(m->len == len && m->version == version);
	FZ_ASSERT(strcmp(hvg_nvsp_type_name(m->type), "UNKNOWN"));
	switch (m->type) {
	case HVG_NVSP_MSG_INIT_COMPLETE:
		FZ_ASSERT(len >= 16);
		break;
	case HVG_NVSP_MSG1_SEND_RECV_BUF_COMPLETE:
		FZ_ASSERT(version >= HVG_NVSP_VERSION_1);
		FZ_ASSERT(m->recv_buf.num_sections <= (len - 12) / 16);
		break;
	case HVG_NVSP_MSG1_SEND_SEND_BUF_COMPLETE:
	case HVG_NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE:
		FZ_ASSERT(version >= HVG_NVSP_VERSION_1);
		break;
	case HVG_NVSP_MSG1_SEND_RNDIS_PKT:
		FZ_ASSERT(m->rndis_pkt.channel_type <= 1);
		break;
	case HVG_NVSP_MSG4_SEND_VF_ASSOCIATION:
		FZ_ASSERT(version >= HVG_NVSP_VERSION_4);
		FZ_ASSERT(m->vf_association.allocated <= 1);
		break;
	case HVG_NVSP_MSG5_SUBCHANNEL:
		FZ_ASSERT(version >= HVG_NVSP_VERSION_5);
		break;
	case HVG_NVSP_MSG5_SEND_INDIRECTION_TABLE:
		FZ_ASSERT(version >= HVG_NVSP_VERSION_5 && len >= 76);
		for (i = 0; i < HVG_NVSP_SEND_TABLE_ENTRIES; i++)
			FZ_ASSERT(m->send_table.table[i] <
				  HVG_NVSP_VRSS_CHANNEL_MAX);
		break;
	default:
		FZ_ASSERT(0);
	}
}

static void fz_host_built(struct hvg_nvsp_buf *msg, u32 version, int len)
{
	struct hvg_nvsp_msg m;

	FZ_ASSERT(len == -EINVAL || len == (int)hvg_nvsp_host_len(version));
	if (len > 0) {
		FZ_ASSERT(hvg_nvsp_parse(msg->data, len, version, &m) == 0);
		fz_checks(&m);
	}
}

/* The builders, with arguments taken from the input. */
static void fz_builders(const u8 *data, size_t size)
{
	struct hvg_nvsp_buf msg;
	u32 a = 0, b = 0, v;
	int ret;

	memcpy(&a, data, size < 4 ? size : 4);
	if (size > 4)
		memcpy(&b, data + 4, size < 8 ? size - 4 : 4);
	v = fz_versions[a % 7];
	ret = hvg_nvsp_build_init(&msg, v ? v : a);
	FZ_ASSERT(ret == HVG_NVSP_MSG_SIZE || ret == -EINVAL);
	ret = hvg_nvsp_build_ndis_config(&msg, v, b, a >> 8);
	FZ_ASSERT(ret == HVG_NVSP_MSG_SIZE || ret == -EINVAL ||
		  ret == -EOPNOTSUPP);
	ret = hvg_nvsp_build_rndis_pkt(&msg, a & 3, b, a >> 16);
	FZ_ASSERT(ret == HVG_NVSP_MSG_SIZE || ret == -EINVAL);
	ret = hvg_nvsp_build_subchannel(&msg, v, b);
	FZ_ASSERT(ret == HVG_NVSP_MSG_SIZE || ret == -EINVAL ||
		  ret == -EOPNOTSUPP);
	ret = hvg_nvsp_build_recv_buf(&msg, b, a);
	FZ_ASSERT(ret == HVG_NVSP_MSG_SIZE || (ret == -EINVAL && !b));
	/* A built message never parses as one from the host. */
	if (ret > 0) {
		struct hvg_nvsp_msg m;

		FZ_ASSERT(hvg_nvsp_parse(msg.data, ret, v, &m) ==
			  -HVG_NVSP_E_TYPE);
	}
	if (!v)
		return;
	/* What the loopback host builds, the guest parses. */
	fz_host_built(&msg, v, hvg_nvsp_host_recv_buf_complete(&msg, v,
							       a & 3, b, a));
	fz_host_built(&msg, v, hvg_nvsp_host_send_buf_complete(&msg, v,
							       a & 3, b));
	fz_host_built(&msg, v, hvg_nvsp_host_subchannel_complete(&msg, v,
								 a & 3, b));
	fz_host_built(&msg, v, hvg_nvsp_host_rndis_pkt(&msg, v, b & 3));
}

/* The loopback host's parser of guest messages. */
static void fz_guest(const u8 *copy, u32 len, u32 version)
{
	struct hvg_nvsp_guest_msg g;
	u32 n;
	int ret;

	ret = hvg_nvsp_parse_guest(copy, len, version, &g);
	FZ_ASSERT(ret <= 0);
	FZ_ASSERT(strcmp(hvg_nvsp_errname(ret), "unknown-error"));
	if (ret)
		return;
	FZ_ASSERT(g.len == len);
	FZ_ASSERT(len >= HVG_NVSP_MIN_REQUEST ||
		  (g.type == HVG_NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE && len >= 8));
	switch (g.type) {
	case HVG_NVSP_MSG_INIT:
		FZ_ASSERT(g.init.min_ver <= g.init.max_ver);
		break;
	case HVG_NVSP_MSG1_SEND_RECV_BUF:
	case HVG_NVSP_MSG1_SEND_SEND_BUF:
		FZ_ASSERT(g.buf.gpadl);
		break;
	case HVG_NVSP_MSG1_SEND_RNDIS_PKT:
		FZ_ASSERT(g.rndis_pkt.channel_type <= 1);
		FZ_ASSERT((g.rndis_pkt.section_index == HVG_NVSP_NO_SECTION) ==
			  !g.rndis_pkt.section_size);
		for (n = 0; n < 300; n += 17) {
			if (hvg_nvsp_check_section(&g, n, 6144))
				continue;
			FZ_ASSERT(g.rndis_pkt.section_index ==
				  HVG_NVSP_NO_SECTION ||
				  (g.rndis_pkt.section_index < n &&
				   g.rndis_pkt.section_size <= 6144));
		}
		break;
	case HVG_NVSP_MSG5_SUBCHANNEL:
		FZ_ASSERT(version >= HVG_NVSP_VERSION_5);
		FZ_ASSERT(g.subchannel.num_subchannels >= 1 &&
			  g.subchannel.num_subchannels < 64);
		break;
	default:
		break;
	}
}

int nvsp_fuzz_one(const u8 *data, size_t size);

int nvsp_fuzz_one(const u8 *data, size_t size)
{
	struct hvg_nvsp_msg a, b;
	u32 version, len;
	u8 *copy;
	int ra, rb;

	if (!size)
		return 0;
	version = fz_versions[(data[0] & 0x7f) % 7];
	len = size - 1 > 0x10000 ? 0x10000 : size - 1;
	copy = malloc(len ? len : 1);
	FZ_ASSERT(copy);
	memcpy(copy, data + 1, len);
	if (data[0] & FZ_NVSP_GUEST) {
		fz_guest(copy, len, version);
		free(copy);
		return 0;
	}
	memset(&a, 0, sizeof(a));
	ra = hvg_nvsp_parse(copy, len, version, &a);
	FZ_ASSERT(ra <= 0);
	FZ_ASSERT(strcmp(hvg_nvsp_errname(ra), "unknown-error"));
	if (!ra) {
		fz_parsed(&a, len, version);
		fz_checks(&a);
	}
	/* The same bytes parse the same way. */
	memset(&b, 0, sizeof(b));
	rb = hvg_nvsp_parse(copy, len, version, &b);
	FZ_ASSERT(ra == rb && (ra || !memcmp(&a, &b, sizeof(a))));
	free(copy);
	fz_builders(data + 1, size - 1);
	return 0;
}

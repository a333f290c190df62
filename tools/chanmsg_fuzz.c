// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the channel message parser (vmbus/chanmsg.c): the
 * fuzzer plays the host and sends any sequence of messages, of any type,
 * length (0 .. 255, past the 240-byte payload too) and content, under any
 * of the negotiated versions, in any order. Each message is parsed from a
 * heap copy of exactly the length the slot claims, so ASan reports any read
 * past it; the parse is repeated with every byte past the type's minimum
 * length changed, and must give the same answer. Records of another kind
 * build a GPADL of a fuzzed size and read it back as the host would.
 * Input format: chanmsg_fuzz.h.
 *
 * Anything that is not an orderly return with a documented error is a bug:
 * the target aborts on a broken invariant; ASan and UBSan catch the rest.
 */
#include <stdlib.h>
#include "../vmbus/chanmsg.h"
#include "chanmsg_fuzz.h"

#define FZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "chanmsg_fuzz: %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

static const u32 fz_versions[9] = FZ_VERSIONS;

static bool fz_relid_ok(u32 relid)
{
	return relid >= 1 && relid < HVG_VMBUS_MAX_RELIDS;
}

/* The invariants of a successful parse. */
static void fz_check_parsed(const struct hvg_chmsg *m, u32 len, u32 version)
{
	u32 min = hvg_chmsg_min_len(m->type);

	FZ_ASSERT(m->len == len && m->version == version);
	FZ_ASSERT(min >= sizeof(struct hvg_chmsg_hdr));
	FZ_ASSERT(len >= min && len <= HVG_MSG_PAYLOAD_MAX);
	switch (m->type) {
	case HVG_CHMSG_OFFERCHANNEL:
		FZ_ASSERT(fz_relid_ok(m->offer.child_relid));
		FZ_ASSERT(m->offer.connection_id <= HVG_VMBUS_CONN_ID_MAX);
		FZ_ASSERT(m->offer.monitor_id <= HVG_VMBUS_MAX_MONITOR_ID);
		FZ_ASSERT(m->offer.monitor_allocated || !m->offer.monitor_id);
		FZ_ASSERT(m->offer.sub_channel_index <=
			  HVG_CHMSG_MAX_SUBCHAN_INDEX);
		FZ_ASSERT(m->offer.pipe_mode == HVG_OFFER_PIPE_MODE_BYTE ||
			  m->offer.pipe_mode == HVG_OFFER_PIPE_MODE_MESSAGE);
		break;
	case HVG_CHMSG_RESCIND_CHANNELOFFER:
		FZ_ASSERT(fz_relid_ok(m->rescind.child_relid));
		break;
	case HVG_CHMSG_OPENCHANNEL_RESULT:
		FZ_ASSERT(fz_relid_ok(m->open_result.child_relid));
		break;
	case HVG_CHMSG_GPADL_CREATED:
		FZ_ASSERT(fz_relid_ok(m->gpadl_created.child_relid));
		FZ_ASSERT(m->gpadl_created.gpadl);
		break;
	case HVG_CHMSG_GPADL_TORNDOWN:
		FZ_ASSERT(m->gpadl_torndown.gpadl);
		break;
	case HVG_CHMSG_VERSION_RESPONSE:
		if (m->version_response.supported) {
			FZ_ASSERT(m->version_response.state ==
				  HVG_VMBUS_CONN_SUCCESSFUL);
			FZ_ASSERT(m->version_response.msg_conn_id >= 1 &&
				  m->version_response.msg_conn_id <=
				  HVG_VMBUS_CONN_ID_MAX);
		} else {
			FZ_ASSERT(!m->version_response.msg_conn_id);
		}
		break;
	case HVG_CHMSG_MODIFYCHANNEL_RESP:
		FZ_ASSERT(version >= HVG_VMBUS_VERSION_5_3);
		FZ_ASSERT(fz_relid_ok(m->modify_response.child_relid));
		break;
	case HVG_CHMSG_TL_CONNECT_RESULT:
		FZ_ASSERT(version >= HVG_VMBUS_VERSION_4_1);
		break;
	case HVG_CHMSG_ALLOFFERS_DELIVERED:
	case HVG_CHMSG_UNLOAD_RESPONSE:
		break;
	default:
		/* Only host-to-guest types ever parse. */
		FZ_ASSERT(0);
	}
}

static void fz_message(const u8 *data, size_t avail, u32 len, u32 version)
{
	struct hvg_chmsg a, b;
	u8 *copy = malloc(len ? len : 1);
	u32 min, i;
	int ra, rb;

	FZ_ASSERT(copy);
	memset(copy, 0, len);
	memcpy(copy, data, avail < len ? avail : len);
	memset(&a, 0, sizeof(a));
	ra = hvg_chmsg_parse(copy, len, version, &a);
	FZ_ASSERT(ra <= 0);
	FZ_ASSERT(strcmp(hvg_chmsg_errname(ra), "unknown-error"));
	if (ra == 0)
		fz_check_parsed(&a, len, version);

	/* Change every byte past the type's minimum: same answer. */
	if (len >= sizeof(struct hvg_chmsg_hdr)) {
		u32 type;

		memcpy(&type, copy, sizeof(type));
		min = hvg_chmsg_min_len(type);
		if (min < sizeof(struct hvg_chmsg_hdr))
			min = sizeof(struct hvg_chmsg_hdr);
		for (i = min; i < len; i++)
			copy[i] ^= 0xa5;
		memset(&b, 0, sizeof(b));
		rb = hvg_chmsg_parse(copy, len, version, &b);
		FZ_ASSERT(ra == rb);
		FZ_ASSERT(ra || !memcmp(&a, &b, sizeof(a)));
	}
	free(copy);
}

/* Build every message of a GPADL and read it back as the host would. */
static void fz_gpadl(u32 relid, u32 npages)
{
	struct hvg_chmsg_buf msg;
	struct hvg_chmsg parsed;
	u64 *pfns, *got;
	u32 i, idx, n = 0, per, off;
	int msgs, ret;

	msgs = hvg_chmsg_gpadl_msgs(npages);
	if (!npages) {
		FZ_ASSERT(msgs == -EINVAL);
		return;
	}
	if (npages > HVG_GPADL_MAX_PAGES) {
		FZ_ASSERT(msgs == -E2BIG);
		FZ_ASSERT(hvg_chmsg_build_gpadl(&msg, 0, 1, 1, NULL, npages) ==
			  -E2BIG);
		return;
	}
	FZ_ASSERT(msgs >= 1);
	pfns = malloc(npages * 8);
	got = malloc(npages * 8);
	FZ_ASSERT(pfns && got);
	for (i = 0; i < npages; i++)
		pfns[i] = (u64)i * 0x10001 + relid;
	for (idx = 0; idx < (u32)msgs; idx++) {
		ret = hvg_chmsg_build_gpadl(&msg, idx, relid, 0xe1e10, pfns,
					    npages);
		if (!relid) {
			FZ_ASSERT(ret == -EINVAL);
			goto out;
		}
		FZ_ASSERT(ret == 0 && msg.len <= HVG_MSG_PAYLOAD_MAX);
		if (idx == 0) {
			struct hvg_chmsg_gpadl_header h;

			memcpy(&h, msg.data, sizeof(h));
			FZ_ASSERT(h.hdr.msgtype == HVG_CHMSG_GPADL_HEADER);
			FZ_ASSERT(h.range_buflen == 8 + 8 * npages);
			FZ_ASSERT(h.rangecount == 1 && !h.byte_offset);
			FZ_ASSERT(h.byte_count == npages * 4096);
			off = sizeof(h);
		} else {
			struct hvg_chmsg_gpadl_body b;

			memcpy(&b, msg.data, sizeof(b));
			FZ_ASSERT(b.hdr.msgtype == HVG_CHMSG_GPADL_BODY);
			off = sizeof(b);
		}
		FZ_ASSERT(msg.len > off && (msg.len - off) % 8 == 0);
		per = (msg.len - off) / 8;
		FZ_ASSERT(n + per <= npages);
		memcpy(got + n, msg.data + off, per * 8);
		n += per;
		FZ_ASSERT(hvg_chmsg_parse(msg.data, msg.len,
					  HVG_VMBUS_VERSION_5_3, &parsed) ==
			  -HVG_CHMSG_E_DIR);
	}
	FZ_ASSERT(n == npages && !memcmp(pfns, got, npages * 8));
	FZ_ASSERT(hvg_chmsg_build_gpadl(&msg, msgs, relid, 0xe1e10, pfns,
					npages) == -EINVAL);
out:
	free(pfns);
	free(got);
}

int chanmsg_fuzz_one(const u8 *data, size_t size);

int chanmsg_fuzz_one(const u8 *data, size_t size)
{
	size_t pos = 0, avail;
	u8 ctl, len;

	while (pos + 2 <= size) {
		ctl = data[pos];
		len = data[pos + 1];
		pos += 2;
		if (ctl & FZ_REC_GPADL) {
			u32 npages = len;

			if (pos < size)
				npages |= (u32)data[pos++] << 8;
			fz_gpadl(ctl & 0x7f, npages);
			continue;
		}
		avail = size - pos;
		fz_message(data + pos, avail, len, fz_versions[ctl % 9]);
		pos += avail < len ? avail : len;
	}
	return 0;
}

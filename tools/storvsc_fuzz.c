// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the storvsc packet parser and result mapping
 * (storvsc/storvsc_msg.c): the fuzzer plays the host and sends any
 * sequence of packets, of any length (0 .. 255), packet type and content,
 * as completions of any request or as notifications, under any version.
 * Each packet is parsed from a heap copy of exactly its length, so ASan
 * reports any read past it; the parse is repeated with every byte past the
 * part the parser may read changed, and must give the same answer. Every
 * successful SRB completion also goes through the result mapping. Records
 * of another kind build EXECUTE_SRB packets from fuzzed arguments and
 * check them byte by byte. Input format: storvsc_fuzz.h.
 *
 * Anything that is not an orderly return with a documented error is a bug:
 * the target aborts on a broken invariant; ASan and UBSan catch the rest.
 */
#include <stdlib.h>
#include "../storvsc/storvsc_msg.h"
#include "storvsc_fuzz.h"

#define FZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "storvsc_fuzz: %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

static const u16 fz_versions[7] = FZ_STOR_VERSIONS;
static const u32 fz_expect[13] = FZ_STOR_EXPECT;
static const u16 fz_pkt_types[8] = FZ_STOR_PKT_TYPES;

static void fz_check_map(const struct hvg_stor_srb_result *c, u8 opcode)
{
	struct hvg_stor_result r;

	memset(&r, 0x5a, sizeof(r));
	hvg_stor_map_result(c, opcode, &r);
	FZ_ASSERT(r.host_byte == HVG_STOR_DID_OK ||
		  r.host_byte == HVG_STOR_DID_NO_CONNECT ||
		  r.host_byte == HVG_STOR_DID_RESET ||
		  r.host_byte == HVG_STOR_DID_ERROR ||
		  r.host_byte == HVG_STOR_DID_PASSTHROUGH ||
		  r.host_byte == HVG_STOR_DID_REQUEUE);
	FZ_ASSERT(r.action <= HVG_STOR_ACT_SCAN_HOST);
	FZ_ASSERT(r.transferred <= c->transferred);
	FZ_ASSERT(!r.pass_sense || c->sense_len);
	if (r.action != HVG_STOR_ACT_NONE)
		FZ_ASSERT(r.host_byte == HVG_STOR_DID_NO_CONNECT ||
			  r.host_byte == HVG_STOR_DID_REQUEUE);
	/* An error never reports data as moved. */
	if (r.host_byte != HVG_STOR_DID_OK)
		FZ_ASSERT(!r.transferred);
}

/* The invariants of a successful parse. */
static void fz_check_parsed(const struct hvg_stor_msg *m, u64 id, u16 version,
			    const struct hvg_stor_expect *e)
{
	u32 i;

	if (!id) {
		FZ_ASSERT(m->kind == HVG_STOR_MSG_ENUMERATE ||
			  m->kind == HVG_STOR_MSG_REMOVE);
		FZ_ASSERT(m->op == (m->kind == HVG_STOR_MSG_ENUMERATE ?
				    HVG_VSTOR_OP_ENUMERATE_BUS :
				    HVG_VSTOR_OP_REMOVE_DEVICE));
		return;
	}
	FZ_ASSERT(m->kind == HVG_STOR_MSG_COMPLETION);
	FZ_ASSERT(m->op == e->op);
	FZ_ASSERT(m->version_accepted == (m->op == 9 && !m->status));
	if (m->op == HVG_VSTOR_OP_QUERY_PROPERTIES && !m->status) {
		FZ_ASSERT(m->max_transfer >= HVG_STOR_MIN_TRANSFER);
		FZ_ASSERT(!(m->max_transfer % 4096));
	} else {
		FZ_ASSERT(!m->max_transfer);
	}
	if (m->op != HVG_VSTOR_OP_FCHBA_DATA || m->status) {
		static const struct hvg_vstor_fc_wwn zero;

		FZ_ASSERT(!memcmp(&m->wwn, &zero, sizeof(zero)));
	}
	if (m->multi_channel)
		FZ_ASSERT(hvg_stor_version_known(version));
	else
		FZ_ASSERT(!m->max_channel_cnt);
	if (m->op != HVG_VSTOR_OP_EXECUTE_SRB) {
		FZ_ASSERT(!m->srb.transferred && !m->srb.sense_len);
		return;
	}
	FZ_ASSERT(version);
	FZ_ASSERT(m->srb.transferred <= e->data_length);
	FZ_ASSERT(m->srb.sense_len <= hvg_stor_sense_size(version));
	for (i = m->srb.sense_len; i < sizeof(m->srb.sense); i++)
		FZ_ASSERT(!m->srb.sense[i]);
	if (m->srb.sense_len)
		FZ_ASSERT((m->srb.srb_status &
			   HVG_SRB_STATUS_AUTOSENSE_VALID) &&
			  m->srb.scsi_status == HVG_SAM_STAT_CHECK_CONDITION);
	fz_check_map(&m->srb, 0x28);
	fz_check_map(&m->srb, 0x12);
	fz_check_map(&m->srb, 0x00);
	fz_check_map(&m->srb, 0x85);
}

static void fz_packet(const u8 *data, size_t avail, const u8 *rec)
{
	u16 version = fz_versions[rec[0] % 7];
	u8 esel = rec[1], dsel = rec[2];
	u32 len = rec[3], i, keep;
	struct hvg_stor_expect e = {
		.op = fz_expect[(esel & 0xf) % 13],
		.data_length = dsel == 255 ? 0xffffffffu : dsel * 512u,
		.version = 0x0602,
	};
	u64 id = (esel & FZ_STOR_ESEL_NOTIFY) ? 0 : 0x1000 + esel;
	u16 type = fz_pkt_types[esel >> 5];
	struct hvg_stor_msg a, b;
	u8 *copy = malloc(len ? len : 1);
	int ra, rb;

	FZ_ASSERT(copy);
	memset(copy, 0, len);
	memcpy(copy, data, avail < len ? avail : len);
	memset(&a, 0x11, sizeof(a));
	ra = hvg_stor_parse(copy, len, type, id, version, &e, &a);
	FZ_ASSERT(ra <= 0);
	FZ_ASSERT(strcmp(hvg_stor_errname(ra), "unknown-error"));
	if (!ra)
		fz_check_parsed(&a, id, version, &e);
	if (!hvg_stor_packet_size(version))
		FZ_ASSERT(ra == -EINVAL);

	/* Change every byte the parser may not read: same answer. */
	keep = id ? hvg_stor_packet_size(version) : 4;
	for (i = keep; i < len; i++)
		copy[i] ^= 0xa5;
	memset(&b, 0x22, sizeof(b));
	rb = hvg_stor_parse(copy, len, type, id, version, &e, &b);
	FZ_ASSERT(ra == rb);
	FZ_ASSERT(ra || !memcmp(&a, &b, sizeof(a)));
	free(copy);
}

static u32 fz_get32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/* Build an EXECUTE_SRB from fuzzed arguments and check it by hand. */
static void fz_build(const u8 *rec, const u8 *cdb)
{
	u16 version = fz_versions[(rec[0] & 0x7f) % 7];
	struct hvg_stor_srb_args a = {
		.cdb = cdb, .cdb_len = rec[1], .data_in = rec[2],
		.length = rec[3] * 512u, .port = rec[1], .path_id = rec[2],
		.target_id = rec[3], .lun = cdb[0], .tagged = cdb[1] & 1,
	};
	bool valid = version && hvg_stor_packet_size(version) &&
		     a.cdb_len >= 1 && a.cdb_len <= 16 &&
		     ((a.data_in <= HVG_SRB_DATA_READ && a.length) ||
		      (a.data_in == HVG_SRB_DATA_NONE && !a.length));
	struct hvg_stor_buf b;
	bool win8;
	u32 i;
	int ret;

	memset(&b, 0xee, sizeof(b));
	ret = hvg_stor_build_srb(&b, version, &a);
	FZ_ASSERT(ret == (valid ? 0 : -EINVAL));
	if (ret)
		return;
	win8 = hvg_stor_version_known(version);
	FZ_ASSERT(b.len == hvg_stor_packet_size(version));
	FZ_ASSERT(fz_get32(b.data) == HVG_VSTOR_OP_EXECUTE_SRB);
	FZ_ASSERT(fz_get32(b.data + 4) == 1 && !fz_get32(b.data + 8));
	FZ_ASSERT(b.data[12] == (win8 ? 52 : 36) && !b.data[13]);
	FZ_ASSERT(!b.data[14] && !b.data[15]);
	FZ_ASSERT(b.data[16] == a.port && b.data[17] == a.path_id);
	FZ_ASSERT(b.data[18] == a.target_id && b.data[19] == a.lun);
	FZ_ASSERT(b.data[20] == a.cdb_len && b.data[22] == a.data_in);
	FZ_ASSERT(b.data[21] == (win8 ? 20 : 18) && !b.data[23]);
	FZ_ASSERT(fz_get32(b.data + 24) == a.length);
	FZ_ASSERT(!memcmp(b.data + 28, cdb, a.cdb_len));
	for (i = 28 + a.cdb_len; i < 48; i++)
		FZ_ASSERT(!b.data[i]);
	if (!win8)
		return;
	FZ_ASSERT(fz_get32(b.data + 56) == 60 && !fz_get32(b.data + 60));
	FZ_ASSERT(fz_get32(b.data + 52) & HVG_SRB_FLAGS_DISABLE_SYNCH_TRANSFER);
}

int storvsc_fuzz_one(const u8 *data, size_t size);

int storvsc_fuzz_one(const u8 *data, size_t size)
{
	size_t pos = 0, avail;
	u8 rec[4], cdb[16];

	while (pos + 4 <= size) {
		memcpy(rec, data + pos, 4);
		pos += 4;
		avail = size - pos;
		if (rec[0] & FZ_STOR_REC_BUILD) {
			memset(cdb, 0, sizeof(cdb));
			memcpy(cdb, data + pos, avail < 16 ? avail : 16);
			fz_build(rec, cdb);
			pos += avail < 16 ? avail : 16;
			continue;
		}
		fz_packet(data + pos, avail, rec);
		pos += avail < rec[3] ? avail : rec[3];
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The storvsc packet test cases, written once and compiled twice: into the
 * KUnit suite "hvg_storvsc_msg" (kunit/storvsc_msg_test.c) and into the
 * user-space binary tools/storvsc_test. The includer provides:
 *
 *   struct ct                  one running case
 *   CT_FAIL(t, fmt, ...)       record a failure (the case goes on)
 *   ct_alloc(n), ct_free(p)    zeroed memory of exactly n bytes (KASAN and
 *                              ASan then catch a read past a packet)
 *
 * and builds its table of cases by defining CT_CASE(name) and including
 * storvsc_msg_case_list.h.
 *
 * Every expected byte is written by hand from the ABI fact sheet (offsets
 * of hyperv-abi.md 2.6 and hyperv-abi-behaviour.md M15-M21), little
 * endian, never through the structs the code under test uses.
 */

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

#define CT_BYTES(t, buf, want, want_len)				\
	ct_bytes(t, __FILE__, __LINE__, buf, want, want_len)

static void ct_bytes(struct ct *t, const char *file, int line,
		     const struct hvg_stor_buf *buf, const u8 *want,
		     u32 want_len)
{
	u32 i;

	if (buf->len != want_len) {
		CT_FAIL(t, "%s:%d: packet length %u, expected %u", file, line,
			buf->len, want_len);
		return;
	}
	for (i = 0; i < want_len; i++) {
		if (buf->data[i] != want[i]) {
			CT_FAIL(t, "%s:%d: byte %u is 0x%02x, expected 0x%02x",
				file, line, i, buf->data[i], want[i]);
			return;
		}
	}
}

static void ct_le16(u8 *p, u16 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void ct_le32(u8 *p, u32 v)
{
	ct_le16(p, v & 0xffff);
	ct_le16(p + 2, v >> 16);
}

#define CT_W10		0x0602
#define CT_W81		0x0600
#define CT_W8		0x0501
#define CT_W7		0x0402
#define CT_W6		0x0200
#define CT_PKT_INBAND	6
#define CT_PKT_COMP	11
#define CT_ID		0x1234

/* The request (operation, flags = 1) as the host should see it. */
static void ct_request(u8 *want, u32 op)
{
	memset(want, 0, 64);
	ct_le32(want, op);
	ct_le32(want + 4, 1);
}

/* A completion: COMPLETE_IO with @status, the rest zero (64 bytes). */
static void ct_comp(u8 *buf, u32 status)
{
	memset(buf, 0, 64);
	ct_le32(buf, 1);
	ct_le32(buf + 8, status);
}

/*
 * An EXECUTE_SRB completion: statuses at 12+2 and 12+3, sense length at
 * 12+9, bytes moved at 12+12, sense data at 12+16.
 */
static void ct_srb_comp(u8 *buf, u8 srb_status, u8 scsi_status,
			u8 sense_len, u32 moved)
{
	ct_comp(buf, 0);
	ct_le16(buf + 12, 52);
	buf[14] = srb_status;
	buf[15] = scsi_status;
	buf[21] = sense_len;
	ct_le32(buf + 24, moved);
}

/* Fixed-format sense at the sense offset: key, ASC, ASCQ. */
static void ct_fixed_sense(u8 *buf, u8 key, u8 asc, u8 ascq)
{
	u8 *s = buf + 28;

	memset(s, 0, 20);
	s[0] = 0x70;
	s[2] = key;
	s[7] = 10;
	s[12] = asc;
	s[13] = ascq;
}

/* Parse @len bytes from an exact-size copy, so overreads are caught. */
static int ct_parse(struct ct *t, const u8 *src, u32 len, u16 type, u64 id,
		    u16 version, const struct hvg_stor_expect *e,
		    struct hvg_stor_msg *out)
{
	u8 *copy = ct_alloc(len ? len : 1);
	int ret;

	if (!copy) {
		CT_FAIL(t, "no memory");
		return -ENOMEM;
	}
	memcpy(copy, src, len);
	ret = hvg_stor_parse(copy, len, type, id, version, e, out);
	ct_free(copy);
	return ret;
}

/* A completion of @op for a request of @data_length bytes. */
static int ct_parse_comp(struct ct *t, const u8 *src, u32 len, u16 version,
			 u32 op, u32 data_length, struct hvg_stor_msg *out)
{
	struct hvg_stor_expect e = { .op = op, .data_length = data_length };

	return ct_parse(t, src, len, CT_PKT_COMP, CT_ID, version, &e, out);
}

/* ---------------------------------------------------------------------
 * Sizes and builders
 */

static void ct_case_sizes_by_version(struct ct *t)
{
	CT_EQ(t, hvg_stor_packet_size(0), 64);
	CT_EQ(t, hvg_stor_packet_size(CT_W10), 64);
	CT_EQ(t, hvg_stor_packet_size(CT_W81), 64);
	CT_EQ(t, hvg_stor_packet_size(CT_W8), 64);
	CT_EQ(t, hvg_stor_packet_size(CT_W7), 48);
	CT_EQ(t, hvg_stor_packet_size(CT_W6), 48);
	CT_EQ(t, hvg_stor_packet_size(0x0601), 0);
	CT_EQ(t, hvg_stor_packet_size(0xffff), 0);
	CT_EQ(t, hvg_stor_sense_size(0), 20);
	CT_EQ(t, hvg_stor_sense_size(CT_W8), 20);
	CT_EQ(t, hvg_stor_sense_size(CT_W7), 18);
	CT_EQ(t, hvg_stor_sense_size(CT_W6), 18);
	CT_EQ(t, hvg_stor_sense_size(0x0100), 0);
	CT_CHECK(t, hvg_stor_version_known(CT_W10));
	CT_CHECK(t, hvg_stor_version_known(CT_W81));
	CT_CHECK(t, hvg_stor_version_known(CT_W8));
	CT_CHECK(t, !hvg_stor_version_known(CT_W7));
	CT_CHECK(t, !hvg_stor_version_known(0));
}

static void ct_case_build_init_packets(struct ct *t)
{
	struct hvg_stor_buf b;
	u8 want[64];

	memset(&b, 0xee, sizeof(b));
	CT_EQ(t, hvg_stor_build_begin_init(&b, 0), 0);
	ct_request(want, 7);
	CT_BYTES(t, &b, want, 64);

	memset(&b, 0xee, sizeof(b));
	CT_EQ(t, hvg_stor_build_query_properties(&b, CT_W10), 0);
	ct_request(want, 10);
	CT_BYTES(t, &b, want, 64);

	memset(&b, 0xee, sizeof(b));
	CT_EQ(t, hvg_stor_build_end_init(&b, CT_W8), 0);
	ct_request(want, 8);
	CT_BYTES(t, &b, want, 64);

	/* A pre-5.1 session sends 48-byte packets. */
	CT_EQ(t, hvg_stor_build_end_init(&b, CT_W7), 0);
	CT_BYTES(t, &b, want, 48);

	CT_EQ(t, hvg_stor_build_begin_init(&b, 0x0601), -EINVAL);
	CT_EQ(t, hvg_stor_build_query_properties(&b, 0x0700), -EINVAL);
	CT_EQ(t, hvg_stor_build_end_init(&b, 1), -EINVAL);
}

static void ct_case_build_query_version(struct ct *t)
{
	static const u16 versions[] = { CT_W10, CT_W81, CT_W8 };
	struct hvg_stor_buf b;
	u8 want[64];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		memset(&b, 0xee, sizeof(b));
		CT_EQ(t, hvg_stor_build_query_version(&b, versions[i]), 0);
		ct_request(want, 9);
		ct_le16(want + 12, versions[i]);	/* revision 0 */
		CT_BYTES(t, &b, want, 64);
	}
	CT_EQ(t, hvg_stor_build_query_version(&b, CT_W7), -EINVAL);
	CT_EQ(t, hvg_stor_build_query_version(&b, 0), -EINVAL);
	CT_EQ(t, hvg_stor_build_query_version(&b, 0x0601), -EINVAL);
}

static void ct_case_build_create_sub_channels(struct ct *t)
{
	struct hvg_stor_buf b;
	u8 want[64];

	memset(&b, 0xee, sizeof(b));
	CT_EQ(t, hvg_stor_build_create_sub_channels(&b, CT_W10, 7), 0);
	ct_request(want, 13);
	ct_le16(want + 12, 7);
	CT_BYTES(t, &b, want, 64);

	CT_EQ(t, hvg_stor_build_create_sub_channels(&b, CT_W8, 0xffff), 0);
	ct_le16(want + 12, 0xffff);
	CT_BYTES(t, &b, want, 64);

	CT_EQ(t, hvg_stor_build_create_sub_channels(&b, CT_W10, 0), -EINVAL);
	CT_EQ(t, hvg_stor_build_create_sub_channels(&b, 0, 1), -EINVAL);
	CT_EQ(t, hvg_stor_build_create_sub_channels(&b, CT_W7, 1), -EINVAL);
}

static void ct_case_build_reset(struct ct *t)
{
	struct hvg_stor_buf b;
	u8 want[64];
	u32 op;

	for (op = 4; op <= 6; op++) {
		CT_EQ(t, hvg_stor_build_reset(&b, CT_W81, op), 0);
		ct_request(want, op);
		CT_BYTES(t, &b, want, 64);
	}
	CT_EQ(t, hvg_stor_build_reset(&b, CT_W81, 3), -EINVAL);
	CT_EQ(t, hvg_stor_build_reset(&b, CT_W81, 7), -EINVAL);
	CT_EQ(t, hvg_stor_build_reset(&b, 0x0333, 4), -EINVAL);
}

static const u8 ct_read10[10] = {
	0x28, 0, 0x00, 0x01, 0x02, 0x03, 0, 0x00, 0x08, 0
};

static void ct_case_build_srb_read(struct ct *t)
{
	struct hvg_stor_srb_args a = {
		.cdb = ct_read10, .cdb_len = 10, .data_in = HVG_SRB_DATA_READ,
		.length = 4096, .port = 2, .path_id = 0, .target_id = 1,
		.lun = 3, .tagged = true,
	};
	struct hvg_stor_buf b;
	u8 want[64];

	memset(&b, 0xee, sizeof(b));
	CT_EQ(t, hvg_stor_build_srb(&b, CT_W10, &a), 0);
	ct_request(want, 3);
	ct_le16(want + 12, 52);			/* length */
	want[16] = 2;				/* port */
	want[17] = 0;				/* path */
	want[18] = 1;				/* target */
	want[19] = 3;				/* lun */
	want[20] = 10;				/* cdb_length */
	want[21] = 20;				/* sense_info_length */
	want[22] = 1;				/* data_in: read */
	ct_le32(want + 24, 4096);		/* data_transfer_length */
	memcpy(want + 28, ct_read10, 10);
	want[50] = 0xff;			/* queue_tag: untagged */
	want[51] = 0x20;			/* simple tag request */
	/* QUEUE_ACTION_ENABLE | SYNCH off | DATA_IN | NO_QUEUE_FREEZE */
	ct_le32(want + 52, 0x2 | 0x8 | 0x40 | 0x100);
	ct_le32(want + 56, 60);			/* time_out_value */
	CT_BYTES(t, &b, want, 64);

	/* Untagged: no queue action, no tag. */
	a.tagged = false;
	CT_EQ(t, hvg_stor_build_srb(&b, CT_W8, &a), 0);
	want[50] = 0;
	want[51] = 0;
	ct_le32(want + 52, 0x8 | 0x40);
	CT_BYTES(t, &b, want, 64);
}

static void ct_case_build_srb_write_and_none(struct ct *t)
{
	static const u8 write16[16] = { 0x8a, 0, 0, 0, 0, 1, 0, 0, 0, 0,
					0, 0, 0, 0x80, 0, 0 };
	static const u8 tur[6] = { 0 };
	struct hvg_stor_srb_args a = {
		.cdb = write16, .cdb_len = 16, .data_in = HVG_SRB_DATA_WRITE,
		.length = 0x10000, .lun = 255, .target_id = 63,
	};
	struct hvg_stor_buf b;
	u8 want[64];

	CT_EQ(t, hvg_stor_build_srb(&b, CT_W81, &a), 0);
	ct_request(want, 3);
	ct_le16(want + 12, 52);
	want[18] = 63;
	want[19] = 255;
	want[20] = 16;
	want[21] = 20;
	want[22] = 0;				/* data_in: write */
	ct_le32(want + 24, 0x10000);
	memcpy(want + 28, write16, 16);
	ct_le32(want + 52, 0x8 | 0x80);		/* SYNCH off | DATA_OUT */
	ct_le32(want + 56, 60);
	CT_BYTES(t, &b, want, 64);

	a.cdb = tur;
	a.cdb_len = 6;
	a.data_in = HVG_SRB_DATA_NONE;
	a.length = 0;
	CT_EQ(t, hvg_stor_build_srb(&b, CT_W81, &a), 0);
	ct_request(want, 3);
	ct_le16(want + 12, 52);
	want[18] = 63;
	want[19] = 255;
	want[20] = 6;
	want[21] = 20;
	want[22] = 2;				/* data_in: none */
	ct_le32(want + 52, 0x8);
	ct_le32(want + 56, 60);
	CT_BYTES(t, &b, want, 64);
}

static void ct_case_build_srb_pre_win8(struct ct *t)
{
	struct hvg_stor_srb_args a = {
		.cdb = ct_read10, .cdb_len = 10, .data_in = HVG_SRB_DATA_READ,
		.length = 512, .lun = 1, .tagged = true,
	};
	struct hvg_stor_buf b;
	u8 want[64];

	CT_EQ(t, hvg_stor_build_srb(&b, CT_W7, &a), 0);
	ct_request(want, 3);
	ct_le16(want + 12, 36);			/* no Win8 extension */
	want[19] = 1;
	want[20] = 10;
	want[21] = 18;				/* pre-Win8 sense size */
	want[22] = 1;
	ct_le32(want + 24, 512);
	memcpy(want + 28, ct_read10, 10);
	CT_BYTES(t, &b, want, 48);
}

static void ct_case_build_srb_rules(struct ct *t)
{
	static const u8 cdb[17] = { 0x28 };
	struct hvg_stor_srb_args a = {
		.cdb = cdb, .cdb_len = 10, .data_in = HVG_SRB_DATA_READ,
		.length = 512,
	};
	struct hvg_stor_buf b;

	CT_EQ(t, hvg_stor_build_srb(&b, CT_W10, &a), 0);
	CT_EQ(t, hvg_stor_build_srb(&b, 0, &a), -EINVAL);
	CT_EQ(t, hvg_stor_build_srb(&b, 0x0601, &a), -EINVAL);
	a.cdb_len = 0;
	CT_EQ(t, hvg_stor_build_srb(&b, CT_W10, &a), -EINVAL);
	a.cdb_len = 17;
	CT_EQ(t, hvg_stor_build_srb(&b, CT_W10, &a), -EINVAL);
	a.cdb_len = 16;
	CT_EQ(t, hvg_stor_build_srb(&b, CT_W10, &a), 0);
	a.cdb = NULL;
	CT_EQ(t, hvg_stor_build_srb(&b, CT_W10, &a), -EINVAL);
	a.cdb = cdb;
	a.data_in = 3;
	CT_EQ(t, hvg_stor_build_srb(&b, CT_W10, &a), -EINVAL);
	a.data_in = HVG_SRB_DATA_READ;
	a.length = 0;
	CT_EQ(t, hvg_stor_build_srb(&b, CT_W10, &a), -EINVAL);
	a.data_in = HVG_SRB_DATA_WRITE;
	CT_EQ(t, hvg_stor_build_srb(&b, CT_W10, &a), -EINVAL);
	a.data_in = HVG_SRB_DATA_NONE;
	a.length = 1;
	CT_EQ(t, hvg_stor_build_srb(&b, CT_W10, &a), -EINVAL);
	a.length = 0;
	CT_EQ(t, hvg_stor_build_srb(&b, CT_W10, &a), 0);
}

/* ---------------------------------------------------------------------
 * Parser: completions
 */

static void ct_case_parse_version_completion(struct ct *t)
{
	struct hvg_stor_expect e = { .op = 9, .version = CT_W10 };
	struct hvg_stor_msg m;
	u8 buf[64];

	ct_comp(buf, 0);
	ct_le16(buf + 12, CT_W10);
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_COMP, 5, 0, &e, &m), 0);
	CT_EQ(t, m.kind, HVG_STOR_MSG_COMPLETION);
	CT_EQ(t, m.op, 9);
	CT_EQ(t, m.status, 0);
	CT_CHECK(t, m.version_accepted);
	CT_EQ(t, m.echoed_version, CT_W10);

	/* Refused: try the next one. */
	ct_comp(buf, 0xc0000059);
	ct_le16(buf + 12, CT_W10);
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_COMP, 5, 0, &e, &m), 0);
	CT_CHECK(t, !m.version_accepted);
	CT_EQ(t, m.status, 0xc0000059);

	/* The echo is reported, never trusted. */
	ct_comp(buf, 0);
	ct_le16(buf + 12, 0x4242);
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_COMP, 5, 0, &e, &m), 0);
	CT_CHECK(t, m.version_accepted);
	CT_EQ(t, m.echoed_version, 0x4242);
}

static void ct_case_parse_status_completions(struct ct *t)
{
	static const u32 ops[] = { 7, 8, 13, 4, 5, 6 };
	struct hvg_stor_msg m;
	u8 buf[64];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		ct_comp(buf, 0);
		CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, ops[i], 0, &m), 0);
		CT_EQ(t, m.kind, HVG_STOR_MSG_COMPLETION);
		CT_EQ(t, m.op, ops[i]);
		CT_EQ(t, m.status, 0);
		ct_comp(buf, 0xc0000184);	/* INVALID_DEVICE_STATE */
		memset(buf + 12, 0xff, 52);	/* ignored */
		CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, ops[i], 0, &m), 0);
		CT_EQ(t, m.status, 0xc0000184);
		CT_EQ(t, m.max_transfer, 0);
		CT_EQ(t, m.srb.sense_len, 0);
	}
	/* Before a version is agreed: BEGIN_INITIALIZATION's answer. */
	ct_comp(buf, 0);
	CT_EQ(t, ct_parse_comp(t, buf, 64, 0, 7, 0, &m), 0);
}

static void ct_case_fchba_data(struct ct *t)
{
	struct hvg_stor_msg m;
	struct hvg_stor_buf b;
	u8 buf[64], want[64];
	u32 i;

	CT_EQ(t, hvg_stor_build_fchba_data(&b, CT_W10), 0);
	ct_request(want, 12);
	CT_BYTES(t, &b, want, 64);
	CT_EQ(t, hvg_stor_build_fchba_data(&b, 0x0601), -EINVAL);

	/* primary_active @12, port WWN @16, node @24, secondaries @32, @40. */
	ct_comp(buf, 0);
	buf[12] = 1;
	for (i = 0; i < 32; i++)
		buf[16 + i] = 0x50 + i;
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 12, 0, &m), 0);
	CT_EQ(t, m.op, 12);
	CT_EQ(t, m.wwn.primary_active, 1);
	CT_EQ(t, m.wwn.primary_port_wwn[0], 0x50);
	CT_EQ(t, m.wwn.primary_node_wwn[7], 0x5f);
	CT_EQ(t, m.wwn.secondary_port_wwn[0], 0x60);
	CT_EQ(t, m.wwn.secondary_node_wwn[7], 0x6f);
	/* A failed query carries no names. */
	ct_le32(buf + 8, 0xc0000001);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 12, 0, &m), 0);
	CT_EQ(t, m.wwn.primary_port_wwn[0], 0);
	/* With transaction id 0 it answers nothing (M21). */
	ct_le32(buf, 12);
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_INBAND, 0, CT_W10, NULL, &m),
	      -HVG_STOR_E_UNSOLICITED);
}

static void ct_case_parse_properties(struct ct *t)
{
	struct hvg_stor_msg m;
	u8 buf[64];

	ct_comp(buf, 0);
	ct_le16(buf + 16, 7);			/* max_channel_cnt */
	ct_le32(buf + 20, 1);			/* MULTI_CHANNEL */
	ct_le32(buf + 24, 0x40000 + 123);	/* max_transfer_bytes */
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 10, 0, &m), 0);
	CT_EQ(t, m.max_transfer, 0x40000);	/* rounded down to 4 KiB */
	CT_CHECK(t, m.multi_channel);
	CT_EQ(t, m.max_channel_cnt, 7);

	/* Without the flag, the count means nothing. */
	ct_le32(buf + 20, 0);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W8, 10, 0, &m), 0);
	CT_CHECK(t, !m.multi_channel);
	CT_EQ(t, m.max_channel_cnt, 0);

	/* Below 5.1 there are no sub-channels, whatever the host says. */
	ct_le32(buf + 20, 1);
	CT_EQ(t, ct_parse_comp(t, buf, 48, CT_W7, 10, 0, &m), 0);
	CT_CHECK(t, !m.multi_channel);
	CT_EQ(t, m.max_channel_cnt, 0);
	CT_EQ(t, m.max_transfer, 0x40000);

	/* Unknown flag bits are ignored. */
	ct_le32(buf + 20, 0xfffffffe);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 10, 0, &m), 0);
	CT_CHECK(t, !m.multi_channel);
}

static void ct_case_parse_properties_bounds(struct ct *t)
{
	struct hvg_stor_msg m;
	u8 buf[64];

	ct_comp(buf, 0);
	ct_le32(buf + 24, 4096);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 10, 0, &m), 0);
	CT_EQ(t, m.max_transfer, 4096);
	ct_le32(buf + 24, 4095);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 10, 0, &m),
	      -HVG_STOR_E_PROPS);
	ct_le32(buf + 24, 0);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 10, 0, &m),
	      -HVG_STOR_E_PROPS);
	ct_le32(buf + 24, 0xffffffff);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 10, 0, &m), 0);
	CT_EQ(t, m.max_transfer, 0xfffff000);
	/* A failed query: nothing else is read, the probe fails. */
	ct_comp(buf, 0xc0000001);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 10, 0, &m), 0);
	CT_EQ(t, m.status, 0xc0000001);
	CT_EQ(t, m.max_transfer, 0);
}

/* ---------------------------------------------------------------------
 * Parser: EXECUTE_SRB completions
 */

static void ct_case_parse_srb_success(struct ct *t)
{
	struct hvg_stor_msg m;
	u8 buf[64];

	ct_srb_comp(buf, 0x01, 0x00, 20, 4096);
	memset(buf + 28, 0x5a, 20);		/* stale CDB bytes */
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 4096, &m), 0);
	CT_EQ(t, m.kind, HVG_STOR_MSG_COMPLETION);
	CT_EQ(t, m.op, 3);
	CT_EQ(t, m.srb.srb_status, 0x01);
	CT_EQ(t, m.srb.scsi_status, 0);
	CT_EQ(t, m.srb.transferred, 4096);
	CT_EQ(t, m.srb.sense_len, 0);
	CT_EQ(t, m.srb.sense[0], 0);

	/* An underrun: fewer bytes than asked for. */
	ct_srb_comp(buf, 0x12, 0x00, 20, 100);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 4096, &m), 0);
	CT_EQ(t, m.srb.srb_status, 0x12);
	CT_EQ(t, m.srb.transferred, 100);

	/* The vstor status of an I/O completion is reported only. */
	ct_srb_comp(buf, 0x01, 0x00, 0, 0);
	ct_le32(buf + 8, 0xc0000185);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 0, &m), 0);
	CT_EQ(t, m.status, 0xc0000185);
}

static void ct_case_parse_srb_sense(struct ct *t)
{
	struct hvg_stor_msg m;
	u8 buf[64];
	u32 i;

	/* CHECK CONDITION with AUTOSENSE_VALID: the sense is copied. */
	ct_srb_comp(buf, 0x84, 0x02, 20, 0);
	ct_fixed_sense(buf, 0x5, 0x24, 0x00);
	buf[47] = 0x99;				/* last sense byte */
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 512, &m), 0);
	CT_EQ(t, m.srb.sense_len, 20);
	CT_EQ(t, m.srb.sense[0], 0x70);
	CT_EQ(t, m.srb.sense[2], 0x5);
	CT_EQ(t, m.srb.sense[12], 0x24);
	CT_EQ(t, m.srb.sense[19], 0x99);

	/* A shorter sense: zero past it. */
	buf[21] = 14;
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 512, &m), 0);
	CT_EQ(t, m.srb.sense_len, 14);
	CT_EQ(t, m.srb.sense[13], 0x00);
	for (i = 14; i < 20; i++)
		CT_EQ(t, m.srb.sense[i], 0);

	/* No AUTOSENSE_VALID: no sense, whatever is there. */
	ct_srb_comp(buf, 0x04, 0x02, 20, 0);
	ct_fixed_sense(buf, 0x5, 0x24, 0x00);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 512, &m), 0);
	CT_EQ(t, m.srb.sense_len, 0);
	CT_EQ(t, m.srb.sense[0], 0);

	/* AUTOSENSE_VALID without CHECK CONDITION: no sense either. */
	ct_srb_comp(buf, 0x81, 0x00, 20, 0);
	ct_fixed_sense(buf, 0x5, 0x24, 0x00);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 512, &m), 0);
	CT_EQ(t, m.srb.sense_len, 0);

	/* Pre-5.1: an 18-byte sense buffer in a 48-byte packet. */
	ct_srb_comp(buf, 0x84, 0x02, 18, 0);
	ct_fixed_sense(buf, 0x6, 0x29, 0x00);
	CT_EQ(t, ct_parse_comp(t, buf, 48, CT_W7, 3, 512, &m), 0);
	CT_EQ(t, m.srb.sense_len, 18);
	CT_EQ(t, m.srb.sense[12], 0x29);
}

static void ct_case_parse_srb_bounds(struct ct *t)
{
	struct hvg_stor_msg m;
	u8 buf[64];

	ct_srb_comp(buf, 0x01, 0x00, 20, 4096);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 4096, &m), 0);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 4095, &m),
	      -HVG_STOR_E_XFER);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 0, &m),
	      -HVG_STOR_E_XFER);
	ct_le32(buf + 24, 0xffffffff);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 0xfffffffe, &m),
	      -HVG_STOR_E_XFER);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 0xffffffff, &m), 0);

	/* Sense longer than the version's buffer, valid or not. */
	ct_srb_comp(buf, 0x84, 0x02, 21, 0);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 0, &m),
	      -HVG_STOR_E_SENSE);
	ct_srb_comp(buf, 0x01, 0x00, 255, 0);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 0, &m),
	      -HVG_STOR_E_SENSE);
	ct_srb_comp(buf, 0x84, 0x02, 20, 0);
	CT_EQ(t, ct_parse_comp(t, buf, 48, CT_W7, 3, 0, &m),
	      -HVG_STOR_E_SENSE);
	buf[21] = 19;
	CT_EQ(t, ct_parse_comp(t, buf, 48, CT_W6, 3, 0, &m),
	      -HVG_STOR_E_SENSE);
	buf[21] = 18;
	CT_EQ(t, ct_parse_comp(t, buf, 48, CT_W6, 3, 0, &m), 0);
	buf[21] = 0;
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 0, &m), 0);
	CT_EQ(t, m.srb.sense_len, 0);
}

static void ct_case_parse_lengths(struct ct *t)
{
	struct hvg_stor_msg m;
	u8 buf[256];
	u32 len;

	memset(buf, 0, sizeof(buf));
	ct_srb_comp(buf, 0x01, 0x00, 20, 0);
	for (len = 0; len < 64; len++)
		CT_EQ(t, ct_parse_comp(t, buf, len, CT_W10, 3, 0, &m),
		      -HVG_STOR_E_SHORT);
	for (len = 64; len <= 256; len += 8)
		CT_EQ(t, ct_parse_comp(t, buf, len, CT_W10, 3, 0, &m), 0);
	/* Before negotiation too: 64 bytes. */
	CT_EQ(t, ct_parse_comp(t, buf, 48, 0, 7, 0, &m), -HVG_STOR_E_SHORT);
	CT_EQ(t, ct_parse_comp(t, buf, 64, 0, 7, 0, &m), 0);
	/* Pre-5.1: 48. */
	CT_EQ(t, ct_parse_comp(t, buf, 47, CT_W7, 8, 0, &m),
	      -HVG_STOR_E_SHORT);
	CT_EQ(t, ct_parse_comp(t, buf, 48, CT_W7, 8, 0, &m), 0);
}

static void ct_case_parse_packet_types(struct ct *t)
{
	struct hvg_stor_expect e = { .op = 7 };
	struct hvg_stor_msg m;
	u8 buf[64];
	u16 type;

	ct_comp(buf, 0);
	for (type = 0; type < 16; type++)
		CT_EQ(t, ct_parse(t, buf, 64, type, CT_ID, CT_W10, &e, &m),
		      type == CT_PKT_COMP ? 0 : -HVG_STOR_E_PKTTYPE);
	CT_EQ(t, ct_parse(t, buf, 64, 0xffff, CT_ID, CT_W10, &e, &m),
	      -HVG_STOR_E_PKTTYPE);

	memset(buf, 0, sizeof(buf));
	ct_le32(buf, 11);			/* ENUMERATE_BUS */
	for (type = 0; type < 16; type++)
		CT_EQ(t, ct_parse(t, buf, 64, type, 0, CT_W10, NULL, &m),
		      type == CT_PKT_INBAND ? 0 : -HVG_STOR_E_PKTTYPE);
}

static void ct_case_parse_wrong_operation(struct ct *t)
{
	struct hvg_stor_msg m;
	u8 buf[64];
	u32 op;

	for (op = 0; op < 20; op++) {
		if (op == 1)
			continue;
		ct_comp(buf, 0);
		ct_le32(buf, op);
		CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 7, 0, &m),
		      -HVG_STOR_E_OP);
	}
	ct_comp(buf, 0);
	ct_le32(buf, 0x80000001);
	CT_EQ(t, ct_parse_comp(t, buf, 64, CT_W10, 3, 0, &m), -HVG_STOR_E_OP);
}

static void ct_case_parse_notifications(struct ct *t)
{
	struct hvg_stor_expect e = { .op = 3, .data_length = 0 };
	struct hvg_stor_msg m;
	u8 buf[64];
	u32 op;

	memset(buf, 0, sizeof(buf));
	ct_le32(buf, 11);
	CT_EQ(t, ct_parse(t, buf, 4, CT_PKT_INBAND, 0, CT_W10, NULL, &m), 0);
	CT_EQ(t, m.kind, HVG_STOR_MSG_ENUMERATE);
	CT_EQ(t, m.op, 11);
	/* @expect plays no part with id 0. */
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_INBAND, 0, CT_W10, &e, &m), 0);
	CT_EQ(t, m.kind, HVG_STOR_MSG_ENUMERATE);
	CT_EQ(t, ct_parse(t, buf, 3, CT_PKT_INBAND, 0, CT_W10, NULL, &m),
	      -HVG_STOR_E_SHORT);
	CT_EQ(t, ct_parse(t, buf, 0, CT_PKT_INBAND, 0, CT_W10, NULL, &m),
	      -HVG_STOR_E_SHORT);

	ct_le32(buf, 2);
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_INBAND, 0, CT_W8, NULL, &m), 0);
	CT_EQ(t, m.kind, HVG_STOR_MSG_REMOVE);
	CT_EQ(t, m.op, 2);
	/* Before negotiation as well: the driver decides what to do. */
	CT_EQ(t, ct_parse(t, buf, 8, CT_PKT_INBAND, 0, 0, NULL, &m), 0);

	/* Answers to nothing. */
	ct_le32(buf, 1);
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_INBAND, 0, CT_W10, NULL, &m),
	      -HVG_STOR_E_UNSOLICITED);
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_COMP, 0, CT_W10, NULL, &m),
	      -HVG_STOR_E_UNSOLICITED);
	ct_le32(buf, 12);
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_INBAND, 0, CT_W10, NULL, &m),
	      -HVG_STOR_E_UNSOLICITED);

	/* Everything else, EVENT_NOTIFICATION included, is unexpected. */
	for (op = 0; op < 40; op++) {
		if (op == 1 || op == 2 || op == 11 || op == 12)
			continue;
		ct_le32(buf, op);
		CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_INBAND, 0, CT_W10, NULL,
				  &m), -HVG_STOR_E_OP);
	}
}

static void ct_case_parse_caller_errors(struct ct *t)
{
	struct hvg_stor_expect e = { .op = 7 };
	struct hvg_stor_msg m;
	u8 buf[64];

	ct_comp(buf, 0);
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_COMP, CT_ID, 0x0601, &e, &m),
	      -EINVAL);
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_COMP, CT_ID, CT_W10, NULL, &m),
	      -EINVAL);
	e.op = 1;
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_COMP, CT_ID, CT_W10, &e, &m),
	      -EINVAL);
	e.op = 11;
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_COMP, CT_ID, CT_W10, &e, &m),
	      -EINVAL);
	e.op = 14;
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_COMP, CT_ID, CT_W10, &e, &m),
	      -EINVAL);
	e.op = 0xffffffff;
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_COMP, CT_ID, CT_W10, &e, &m),
	      -EINVAL);
	/* No I/O before a version is agreed. */
	e.op = 3;
	CT_EQ(t, ct_parse(t, buf, 64, CT_PKT_COMP, CT_ID, 0, &e, &m),
	      -EINVAL);
}

static void ct_case_parse_reads_only_packet(struct ct *t)
{
	static const u32 ops[] = { 3, 7, 8, 9, 10, 13 };
	struct hvg_stor_expect e = { .data_length = 0x20000 };
	struct hvg_stor_msg a, b;
	u8 buf[128];
	u32 i, j, size;
	u16 v;

	for (v = 0; v < 2; v++) {
		size = v ? 48 : 64;
		for (i = 0; i < ARRAY_SIZE(ops); i++) {
			memset(buf, 0, sizeof(buf));
			ct_srb_comp(buf, 0x84, 0x02, 18, 0);
			ct_fixed_sense(buf, 0x3, 0x11, 0x00);
			/*
			 * The properties overlay the request: flags at 20
			 * (MULTI_CHANNEL, and sense_info_length 18 at 21),
			 * max_transfer_bytes = data_transfer_length at 24.
			 */
			ct_le32(buf + 20, 0x1201);
			ct_le32(buf + 24, 0x20000);
			e.op = ops[i];
			memset(&a, 0x11, sizeof(a));
			memset(&b, 0x22, sizeof(b));
			CT_EQ(t, ct_parse(t, buf, 128, CT_PKT_COMP, CT_ID,
					  v ? CT_W7 : CT_W10, &e, &a), 0);
			for (j = size; j < 128; j++)
				buf[j] = 0xff;
			CT_EQ(t, ct_parse(t, buf, 128, CT_PKT_COMP, CT_ID,
					  v ? CT_W7 : CT_W10, &e, &b), 0);
			if (memcmp(&a, &b, sizeof(a)))
				CT_FAIL(t, "op %u: bytes past %u changed the result",
					ops[i], size);
		}
	}
}

static void ct_case_built_requests_are_not_completions(struct ct *t)
{
	struct hvg_stor_srb_args a = {
		.cdb = ct_read10, .cdb_len = 10, .data_in = HVG_SRB_DATA_READ,
		.length = 4096,
	};
	struct hvg_stor_expect e = { .op = 3, .data_length = 4096 };
	struct hvg_stor_msg m;
	struct hvg_stor_buf b;

	CT_EQ(t, hvg_stor_build_srb(&b, CT_W10, &a), 0);
	CT_EQ(t, ct_parse(t, b.data, b.len, CT_PKT_COMP, CT_ID, CT_W10, &e,
			  &m), -HVG_STOR_E_OP);
	CT_EQ(t, hvg_stor_build_begin_init(&b, 0), 0);
	e.op = 7;
	CT_EQ(t, ct_parse(t, b.data, b.len, CT_PKT_COMP, CT_ID, 0, &e, &m),
	      -HVG_STOR_E_OP);
	CT_EQ(t, ct_parse(t, b.data, b.len, CT_PKT_INBAND, 0, 0, NULL, &m),
	      -HVG_STOR_E_OP);
}

static void ct_case_names(struct ct *t)
{
	static const int errs[] = {
		HVG_STOR_E_SHORT, HVG_STOR_E_PKTTYPE, HVG_STOR_E_OP,
		HVG_STOR_E_UNSOLICITED, HVG_STOR_E_SENSE, HVG_STOR_E_XFER,
		HVG_STOR_E_PROPS, EINVAL,
	};
	u32 i, j;

	for (i = 0; i < ARRAY_SIZE(errs); i++) {
		const char *name = hvg_stor_errname(-errs[i]);

		if (!strcmp(name, "unknown-error"))
			CT_FAIL(t, "error %d has no name", -errs[i]);
		for (j = 0; j < i; j++) {
			if (errs[i] == errs[j] ||
			    !strcmp(name, hvg_stor_errname(-errs[j])))
				CT_FAIL(t, "errors %d and %d are not distinct",
					-errs[i], -errs[j]);
		}
	}
	CT_CHECK(t, !strcmp(hvg_stor_errname(0), "ok"));
	CT_CHECK(t, !strcmp(hvg_stor_errname(-EIO), "unknown-error"));
	CT_CHECK(t, !strcmp(hvg_stor_errname(5), "unknown-error"));
	CT_CHECK(t, !strcmp(hvg_stor_op_name(3), "EXECUTE_SRB"));
	CT_CHECK(t, !strcmp(hvg_stor_op_name(13), "CREATE_SUB_CHANNELS"));
	CT_CHECK(t, !strcmp(hvg_stor_op_name(14), "EVENT_NOTIFICATION"));
	CT_CHECK(t, !strcmp(hvg_stor_op_name(0), "UNKNOWN"));
	CT_CHECK(t, !strcmp(hvg_stor_op_name(15), "UNKNOWN"));
	CT_CHECK(t, !strcmp(hvg_stor_op_name(0xffffffff), "UNKNOWN"));
}

/* ---------------------------------------------------------------------
 * Result mapping
 */

/* A parsed completion, by hand. */
static void ct_result(struct hvg_stor_srb_result *c, u8 srb_status,
		      u8 scsi_status, u32 moved)
{
	memset(c, 0, sizeof(*c));
	c->srb_status = srb_status;
	c->scsi_status = scsi_status;
	c->transferred = moved;
}

static void ct_sense(struct hvg_stor_srb_result *c, bool descriptor, u8 key,
		     u8 asc, u8 ascq)
{
	memset(c->sense, 0, sizeof(c->sense));
	if (descriptor) {
		c->sense[0] = 0x72;
		c->sense[1] = key;
		c->sense[2] = asc;
		c->sense[3] = ascq;
		c->sense_len = 8;
	} else {
		c->sense[0] = 0x70;
		c->sense[2] = key;
		c->sense[7] = 10;
		c->sense[12] = asc;
		c->sense[13] = ascq;
		c->sense_len = 18;
	}
}

/*
 * Check a mapped result (host byte, SCSI status, action, pass sense, bytes
 * moved); a failure names the line of the check.
 */
#define CT_MAP(t, r, host, status, act, sense, moved)			\
	ct_map(t, __LINE__, &(r), host, status, act, sense, moved)

static void ct_map(struct ct *t, int line, const struct hvg_stor_result *r,
		   u8 host, u8 status, u8 action, bool sense, u32 moved)
{
	if (r->host_byte != host || r->scsi_status != status ||
	    r->action != action || r->pass_sense != sense ||
	    r->transferred != moved)
		CT_FAIL(t, "%s:%d: mapped to %x/%x/%u/%d/%u, expected %x/%x/%u/%d/%u",
			__FILE__, line, r->host_byte, r->scsi_status,
			r->action, r->pass_sense, r->transferred, host,
			status, action, sense, moved);
}

static void ct_case_map_success(struct ct *t)
{
	struct hvg_stor_srb_result c;
	struct hvg_stor_result r;

	ct_result(&c, 0x01, 0x00, 4096);
	hvg_stor_map_result(&c, 0x28, &r);
	CT_MAP(t, r, HVG_STOR_DID_OK, 0, HVG_STOR_ACT_NONE, false, 4096);

	/* QUEUE_FROZEN does not change the code. */
	ct_result(&c, 0x41, 0x00, 512);
	hvg_stor_map_result(&c, 0x2a, &r);
	CT_MAP(t, r, HVG_STOR_DID_OK, 0, HVG_STOR_ACT_NONE, false, 512);

	/* DATA_OVERRUN: an underrun, the bytes the host moved count. */
	ct_result(&c, 0x12, 0x00, 36);
	hvg_stor_map_result(&c, 0x12, &r);
	CT_MAP(t, r, HVG_STOR_DID_OK, 0, HVG_STOR_ACT_NONE, false, 36);

	/* SUCCESS with a SCSI status: the midlayer sees it. */
	ct_result(&c, 0x01, 0x08, 0);		/* BUSY */
	hvg_stor_map_result(&c, 0x28, &r);
	CT_MAP(t, r, HVG_STOR_DID_OK, 0x08, HVG_STOR_ACT_NONE, false, 0);
}

static void ct_case_map_invalid_lun(struct ct *t)
{
	struct hvg_stor_srb_result c;
	struct hvg_stor_result r;

	ct_result(&c, 0x20, 0x00, 512);
	hvg_stor_map_result(&c, 0x28, &r);
	CT_MAP(t, r, HVG_STOR_DID_NO_CONNECT, 0, HVG_STOR_ACT_REMOVE_LUN,
	       false, 0);
	/* Also with sense, also for INQUIRY. */
	ct_result(&c, 0xa0, 0x02, 0);
	ct_sense(&c, false, 0x5, 0x25, 0x00);
	hvg_stor_map_result(&c, 0x12, &r);
	CT_MAP(t, r, HVG_STOR_DID_NO_CONNECT, 0, HVG_STOR_ACT_REMOVE_LUN,
	       false, 0);
}

static void ct_case_map_rescan_sense(struct ct *t)
{
	struct hvg_stor_srb_result c;
	struct hvg_stor_result r;
	u32 d;

	for (d = 0; d < 2; d++) {
		/* Capacity data has changed. */
		ct_result(&c, 0x84, 0x02, 4096);
		ct_sense(&c, d, 0x6, 0x2a, 0x09);
		hvg_stor_map_result(&c, 0x28, &r);
		CT_MAP(t, r, HVG_STOR_DID_REQUEUE, 0, HVG_STOR_ACT_SCAN_LUN,
		       false, 0);
		/* Reported LUNs data has changed. */
		ct_sense(&c, d, 0x6, 0x3f, 0x0e);
		hvg_stor_map_result(&c, 0x28, &r);
		CT_MAP(t, r, HVG_STOR_DID_REQUEUE, 0, HVG_STOR_ACT_SCAN_HOST,
		       false, 0);
		/* Other operating parameters (e.g. block size) changed. */
		ct_sense(&c, d, 0x6, 0x3f, 0x05);
		hvg_stor_map_result(&c, 0x28, &r);
		CT_MAP(t, r, HVG_STOR_DID_REQUEUE, 0, HVG_STOR_ACT_SCAN_LUN,
		       false, 0);
		/* Microcode changed: the midlayer handles it. */
		ct_sense(&c, d, 0x6, 0x3f, 0x03);
		hvg_stor_map_result(&c, 0x28, &r);
		CT_MAP(t, r, HVG_STOR_DID_OK, 2, HVG_STOR_ACT_NONE, true, 0);
		/* Not a unit attention: no rescan. */
		ct_sense(&c, d, 0x5, 0x2a, 0x09);
		hvg_stor_map_result(&c, 0x28, &r);
		CT_MAP(t, r, HVG_STOR_DID_OK, 2, HVG_STOR_ACT_NONE, true, 0);
	}
	/* Whatever the SRB code said with it. */
	ct_result(&c, 0x81, 0x02, 512);
	ct_sense(&c, false, 0x6, 0x2a, 0x09);
	hvg_stor_map_result(&c, 0x2a, &r);
	CT_MAP(t, r, HVG_STOR_DID_REQUEUE, 0, HVG_STOR_ACT_SCAN_LUN, false,
	       0);
}

static void ct_case_map_other_sense(struct ct *t)
{
	struct hvg_stor_srb_result c;
	struct hvg_stor_result r;

	/* Invalid field in CDB: the midlayer reads the sense. */
	ct_result(&c, 0x84, 0x02, 0);
	ct_sense(&c, false, 0x5, 0x24, 0x00);
	hvg_stor_map_result(&c, 0x28, &r);
	CT_MAP(t, r, HVG_STOR_DID_OK, 2, HVG_STOR_ACT_NONE, true, 0);
	/* On an unsupported VPD page too (INQUIRY is not forced then). */
	hvg_stor_map_result(&c, 0x12, &r);
	CT_MAP(t, r, HVG_STOR_DID_OK, 2, HVG_STOR_ACT_NONE, true, 0);
	/* Medium error with bytes moved before it: nothing counts. */
	ct_result(&c, 0x84, 0x02, 2048);
	ct_sense(&c, true, 0x3, 0x11, 0x00);
	hvg_stor_map_result(&c, 0x28, &r);
	CT_MAP(t, r, HVG_STOR_DID_OK, 2, HVG_STOR_ACT_NONE, true, 0);
	/* Sense the mapping cannot decode is still passed on. */
	ct_result(&c, 0x84, 0x02, 0);
	c.sense[0] = 0x7f;
	c.sense_len = 20;
	hvg_stor_map_result(&c, 0x28, &r);
	CT_MAP(t, r, HVG_STOR_DID_OK, 2, HVG_STOR_ACT_NONE, true, 0);
	/* Fixed sense too short to hold the ASC. */
	ct_sense(&c, false, 0x6, 0x2a, 0x09);
	c.sense_len = 12;
	hvg_stor_map_result(&c, 0x28, &r);
	CT_MAP(t, r, HVG_STOR_DID_OK, 2, HVG_STOR_ACT_NONE, true, 0);
}

static void ct_case_map_errors_without_sense(struct ct *t)
{
	static const u8 codes[] = {
		0x00, 0x02, 0x04, 0x06, 0x09, 0x0a, 0x30, 0x3e, 0x13,
	};
	struct hvg_stor_srb_result c;
	struct hvg_stor_result r;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		ct_result(&c, codes[i], 0x00, 4096);
		hvg_stor_map_result(&c, 0x28, &r);
		CT_MAP(t, r, HVG_STOR_DID_ERROR, 0, HVG_STOR_ACT_NONE, false,
		       0);
		/* AUTOSENSE_VALID without CHECK CONDITION: no sense. */
		ct_result(&c, codes[i] | 0x80, 0x00, 4096);
		hvg_stor_map_result(&c, 0x2a, &r);
		CT_MAP(t, r, HVG_STOR_DID_ERROR, 0, HVG_STOR_ACT_NONE, false,
		       0);
	}
	ct_result(&c, 0x0e, 0x00, 512);
	hvg_stor_map_result(&c, 0x28, &r);
	CT_MAP(t, r, HVG_STOR_DID_RESET, 0, HVG_STOR_ACT_NONE, false, 0);
}

static void ct_case_map_forgiven_commands(struct ct *t)
{
	static const u8 forgiven[] = { 0x12, 0x1a, 0x5a };
	struct hvg_stor_srb_result c;
	struct hvg_stor_result r;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(forgiven); i++) {
		ct_result(&c, 0x04, 0x02, 8);
		hvg_stor_map_result(&c, forgiven[i], &r);
		CT_MAP(t, r, HVG_STOR_DID_OK, 0, HVG_STOR_ACT_NONE, false, 8);
	}
	/* TEST UNIT READY: its status goes up as it is. */
	ct_result(&c, 0x04, 0x02, 0);
	hvg_stor_map_result(&c, 0x00, &r);
	CT_MAP(t, r, HVG_STOR_DID_OK, 2, HVG_STOR_ACT_NONE, false, 0);
	/* ATA pass-through. */
	ct_result(&c, 0x04, 0x02, 0);
	hvg_stor_map_result(&c, 0x85, &r);
	CT_MAP(t, r, HVG_STOR_DID_PASSTHROUGH, 2, HVG_STOR_ACT_NONE, false,
	       0);
	hvg_stor_map_result(&c, 0xa1, &r);
	CT_EQ(t, r.host_byte, HVG_STOR_DID_PASSTHROUGH);
}

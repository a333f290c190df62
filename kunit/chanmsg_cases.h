/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The channel message test cases, written once and compiled twice: into the
 * KUnit suite "hvg_chanmsg" (kunit/chanmsg_test.c) and into the user-space
 * binary tools/chanmsg_test. The includer provides:
 *
 *   struct ct                  one running case
 *   CT_FAIL(t, fmt, ...)       record a failure (the case goes on)
 *   ct_alloc(n), ct_free(p)    zeroed memory of exactly n bytes (KASAN and
 *                              ASan then catch a read past a message)
 *
 * and builds its table of cases by defining CT_CASE(name) and including
 * chanmsg_case_list.h.
 *
 * Every expected byte is written by hand from the ABI fact sheet (offsets
 * of hyperv-abi.md 2.4), little endian, never through the structs the code
 * under test uses.
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

/* Compare a built message with the expected bytes, naming the first diff. */
#define CT_BYTES(t, msg, want, want_len)				\
	ct_bytes(t, __FILE__, __LINE__, msg, want, want_len)

static void ct_bytes(struct ct *t, const char *file, int line,
		     const struct hvg_chmsg_buf *msg, const u8 *want,
		     u32 want_len)
{
	u32 i;

	if (msg->len != want_len) {
		CT_FAIL(t, "%s:%d: message length %u, expected %u", file,
			line, msg->len, want_len);
		return;
	}
	for (i = 0; i < want_len; i++) {
		if (msg->data[i] != want[i]) {
			CT_FAIL(t, "%s:%d: byte %u is 0x%02x, expected 0x%02x",
				file, line, i, msg->data[i], want[i]);
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

static void ct_le64(u8 *p, u64 v)
{
	ct_le32(p, (u32)v);
	ct_le32(p + 4, (u32)(v >> 32));
}

static u32 ct_get32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static u64 ct_get64(const u8 *p)
{
	return ct_get32(p) | (u64)ct_get32(p + 4) << 32;
}

#define CT_V24		0x00020004u
#define CT_V30		0x00030000u
#define CT_V40		0x00040000u
#define CT_V41		0x00040001u
#define CT_V50		0x00050000u
#define CT_V52		0x00050002u
#define CT_V53		0x00050003u

/* Message lengths from the fact sheet (hyperv-abi.md 2.4, M12). */
static const u8 ct_min_len[25] = {
	[1] = 196, [2] = 12, [3] = 8, [4] = 8, [5] = 148, [6] = 20,
	[7] = 12, [8] = 28, [9] = 16, [10] = 20, [11] = 16, [12] = 12,
	[13] = 12, [14] = 40, [15] = 16, [16] = 8, [17] = 8, [21] = 40,
	[22] = 16, [23] = 44, [24] = 16,
};

/* The host-to-guest types: 1, 2, 4, 6, 10, 12, 15, 17, 23, 24. */
static bool ct_to_guest(u32 type)
{
	switch (type) {
	case 1: case 2: case 4: case 6: case 10: case 12: case 15: case 17:
	case 23: case 24:
		return true;
	default:
		return false;
	}
}

/*
 * A valid host message of @type in @buf (240 bytes), by hand; its minimum
 * length, or 0 if the host does not send @type.
 */
static u32 ct_valid_msg(u32 type, u8 *buf)
{
	memset(buf, 0, HVG_MSG_PAYLOAD_MAX);
	if (!ct_to_guest(type))
		return 0;
	ct_le32(buf, type);
	switch (type) {
	case 1:					/* OFFERCHANNEL */
		buf[8] = 0xd9;			/* if_type: SCSI */
		buf[9] = 0x63;
		buf[24] = 0x11;			/* if_instance */
		ct_le16(buf + 56, 0x0004);	/* SUPPORTS_GPADLS */
		ct_le32(buf + 184, 5);		/* child_relid */
		buf[188] = 3;			/* monitorid */
		buf[189] = 1;			/* monitor_allocated */
		ct_le16(buf + 190, 1);		/* dedicated interrupt */
		ct_le32(buf + 192, 0x2005);	/* connection_id */
		break;
	case 2:					/* RESCIND: relid */
		ct_le32(buf + 8, 5);
		break;
	case 6:					/* OPENCHANNEL_RESULT */
		ct_le32(buf + 8, 5);
		ct_le32(buf + 12, 5);
		break;
	case 10:				/* GPADL_CREATED */
		ct_le32(buf + 8, 5);
		ct_le32(buf + 12, 0xe1e10);
		break;
	case 12:				/* GPADL_TORNDOWN */
		ct_le32(buf + 8, 0xe1e10);
		break;
	case 15:				/* VERSION_RESPONSE */
		buf[8] = 1;
		ct_le32(buf + 12, 0x2001);
		break;
	case 23:				/* TL_CONNECT_RESULT */
		buf[8] = 0x42;
		ct_le32(buf + 40, 0xc0000001);
		break;
	case 24:				/* MODIFYCHANNEL_RESPONSE */
		ct_le32(buf + 8, 5);
		break;
	}
	return ct_min_len[type];
}

/* Parse @len bytes from an exact-size copy, so overreads are caught. */
static int ct_parse(struct ct *t, const u8 *src, u32 len, u32 version,
		    struct hvg_chmsg *out)
{
	u8 *copy = ct_alloc(len ? len : 1);
	int ret;

	if (!copy) {
		CT_FAIL(t, "no memory");
		return -ENOMEM;
	}
	memcpy(copy, src, len);
	memset(out, 0, sizeof(*out));
	ret = hvg_chmsg_parse(copy, len, version, out);
	ct_free(copy);
	return ret;
}

/* ---------------------------------------------------------------------
 * Parser
 */

static void ct_case_parse_offer_fields(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[240];
	u32 i;

	ct_valid_msg(1, buf);
	for (i = 0; i < 16; i++) {
		buf[8 + i] = 0xa0 + i;
		buf[24 + i] = 0xb0 + i;
	}
	ct_le16(buf + 56, 0x0014);		/* GPADLS | NAMED_PIPE */
	ct_le16(buf + 58, 64);			/* mmio_megabytes */
	ct_le32(buf + 60, 4);			/* pipe mode: message */
	buf[60 + 119] = 0x77;			/* last user_def byte */
	ct_le16(buf + 180, 3);			/* sub_channel_index */
	ct_le32(buf + 184, 2047);
	buf[188] = 127;
	ct_le32(buf + 192, 0xffffff);

	CT_EQ(t, ct_parse(t, buf, 196, CT_V53, &m), 0);
	CT_EQ(t, m.type, HVG_CHMSG_OFFERCHANNEL);
	CT_EQ(t, m.len, 196);
	CT_EQ(t, m.offer.if_type.b[0], 0xa0);
	CT_EQ(t, m.offer.if_type.b[15], 0xaf);
	CT_EQ(t, m.offer.if_instance.b[0], 0xb0);
	CT_EQ(t, m.offer.if_instance.b[15], 0xbf);
	CT_EQ(t, m.offer.chn_flags, 0x0014);
	CT_EQ(t, m.offer.mmio_megabytes, 64);
	CT_EQ(t, m.offer.pipe_mode, 4);
	CT_EQ(t, m.offer.user_def[0], 4);
	CT_EQ(t, m.offer.user_def[119], 0x77);
	CT_EQ(t, m.offer.sub_channel_index, 3);
	CT_EQ(t, m.offer.child_relid, 2047);
	CT_EQ(t, m.offer.monitor_id, 127);
	CT_CHECK(t, m.offer.monitor_allocated);
	CT_CHECK(t, m.offer.dedicated_interrupt);
	CT_EQ(t, m.offer.connection_id, 0xffffff);
}

static void ct_case_parse_offer_relid(struct ct *t)
{
	static const u32 relids[] = { 0, 1, 2047, 2048, 0x80000001 };
	static const int want[] = { -HVG_CHMSG_E_RELID, 0, 0,
				    -HVG_CHMSG_E_RELID, -HVG_CHMSG_E_RELID };
	struct hvg_chmsg m;
	u8 buf[240];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(relids); i++) {
		ct_valid_msg(1, buf);
		ct_le32(buf + 184, relids[i]);
		CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), want[i]);
		if (!want[i])
			CT_EQ(t, m.offer.child_relid, relids[i]);
	}
}

static void ct_case_parse_offer_monitor(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[240];

	ct_valid_msg(1, buf);
	buf[188] = 128;
	CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), -HVG_CHMSG_E_MONITOR);
	buf[188] = 255;
	CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), -HVG_CHMSG_E_MONITOR);
	/* Not allocated: the id means nothing, and is not passed on. */
	buf[189] = 0;
	CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), 0);
	CT_CHECK(t, !m.offer.monitor_allocated);
	CT_EQ(t, m.offer.monitor_id, 0);
	buf[188] = 0;
	buf[189] = 1;
	CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), 0);
	CT_CHECK(t, m.offer.monitor_allocated);
	CT_EQ(t, m.offer.monitor_id, 0);
}

static void ct_case_parse_offer_subchannel(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[240];

	ct_valid_msg(1, buf);
	ct_le16(buf + 180, 2046);
	CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), 0);
	CT_EQ(t, m.offer.sub_channel_index, 2046);
	ct_le16(buf + 180, 2047);
	CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), -HVG_CHMSG_E_SUBCHAN);
	ct_le16(buf + 180, 0xffff);
	CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), -HVG_CHMSG_E_SUBCHAN);
}

static void ct_case_parse_offer_pipe(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[240];

	ct_valid_msg(1, buf);
	ct_le32(buf + 60, 1);			/* no pipe flag: any bytes */
	CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), 0);
	CT_EQ(t, m.offer.pipe_mode, 0);
	ct_le16(buf + 56, 0x0010);
	CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), -HVG_CHMSG_E_PIPE);
	ct_le32(buf + 60, 0);
	CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), 0);
	CT_EQ(t, m.offer.pipe_mode, 0);
	ct_le32(buf + 60, 0x04000000);		/* byte order matters */
	CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), -HVG_CHMSG_E_PIPE);
}

static void ct_case_parse_offer_connection_id(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[240];

	ct_valid_msg(1, buf);
	ct_le32(buf + 192, 0x1000000);
	CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), -HVG_CHMSG_E_CONNID);
	ct_le32(buf + 192, 0x2005);
	CT_EQ(t, ct_parse(t, buf, 196, CT_V50, &m), 0);
	CT_EQ(t, m.offer.connection_id, 0x2005);
}

static void ct_case_parse_rescind(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[240];

	ct_valid_msg(2, buf);
	ct_le32(buf + 8, 77);
	CT_EQ(t, ct_parse(t, buf, 12, CT_V24, &m), 0);
	CT_EQ(t, m.type, HVG_CHMSG_RESCIND_CHANNELOFFER);
	CT_EQ(t, m.rescind.child_relid, 77);
	ct_le32(buf + 8, 0);
	CT_EQ(t, ct_parse(t, buf, 12, CT_V24, &m), -HVG_CHMSG_E_RELID);
	ct_le32(buf + 8, 2048);
	CT_EQ(t, ct_parse(t, buf, 12, CT_V24, &m), -HVG_CHMSG_E_RELID);
}

static void ct_case_parse_header_only(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[240];

	ct_valid_msg(4, buf);
	CT_EQ(t, ct_parse(t, buf, 8, CT_V53, &m), 0);
	CT_EQ(t, m.type, HVG_CHMSG_ALLOFFERS_DELIVERED);
	ct_valid_msg(17, buf);
	CT_EQ(t, ct_parse(t, buf, 8, CT_V30, &m), 0);
	CT_EQ(t, m.type, HVG_CHMSG_UNLOAD_RESPONSE);
	/* The header's padding is not looked at. */
	ct_le32(buf + 4, 0xffffffff);
	CT_EQ(t, ct_parse(t, buf, 8, CT_V30, &m), 0);
}

static void ct_case_parse_open_result(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[240];

	ct_valid_msg(6, buf);
	ct_le32(buf + 8, 12);
	ct_le32(buf + 12, 0x1234);
	ct_le32(buf + 16, 0xc0000001);
	CT_EQ(t, ct_parse(t, buf, 20, CT_V41, &m), 0);
	CT_EQ(t, m.open_result.child_relid, 12);
	CT_EQ(t, m.open_result.openid, 0x1234);
	CT_EQ(t, m.open_result.status, 0xc0000001);
	ct_le32(buf + 8, 4096);
	CT_EQ(t, ct_parse(t, buf, 20, CT_V41, &m), -HVG_CHMSG_E_RELID);
}

static void ct_case_parse_gpadl_replies(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[240];

	ct_valid_msg(10, buf);
	ct_le32(buf + 8, 9);
	ct_le32(buf + 12, 0xe1e11);
	ct_le32(buf + 16, 5);
	CT_EQ(t, ct_parse(t, buf, 20, CT_V40, &m), 0);
	CT_EQ(t, m.type, HVG_CHMSG_GPADL_CREATED);
	CT_EQ(t, m.gpadl_created.child_relid, 9);
	CT_EQ(t, m.gpadl_created.gpadl, 0xe1e11);
	CT_EQ(t, m.gpadl_created.status, 5);
	ct_le32(buf + 12, 0);
	CT_EQ(t, ct_parse(t, buf, 20, CT_V40, &m), -HVG_CHMSG_E_GPADL);
	ct_le32(buf + 12, 1);
	ct_le32(buf + 8, 0);
	CT_EQ(t, ct_parse(t, buf, 20, CT_V40, &m), -HVG_CHMSG_E_RELID);

	ct_valid_msg(12, buf);
	ct_le32(buf + 8, 0xe1e12);
	CT_EQ(t, ct_parse(t, buf, 12, CT_V40, &m), 0);
	CT_EQ(t, m.type, HVG_CHMSG_GPADL_TORNDOWN);
	CT_EQ(t, m.gpadl_torndown.gpadl, 0xe1e12);
	ct_le32(buf + 8, 0);
	CT_EQ(t, ct_parse(t, buf, 12, CT_V40, &m), -HVG_CHMSG_E_GPADL);
}

static void ct_case_parse_version_response_v5(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[240];

	ct_valid_msg(15, buf);
	ct_le32(buf + 12, 0x10);
	CT_EQ(t, ct_parse(t, buf, 16, CT_V53, &m), 0);
	CT_CHECK(t, m.version_response.supported);
	CT_EQ(t, m.version_response.state, 0);
	CT_EQ(t, m.version_response.msg_conn_id, 0x10);
	/* A 6.0 host's longer answer: only the first 16 bytes count. */
	ct_le32(buf + 16, 0xffffffff);
	CT_EQ(t, ct_parse(t, buf, 20, CT_V53, &m), 0);
	CT_EQ(t, m.version_response.msg_conn_id, 0x10);
	ct_le32(buf + 12, 0);
	CT_EQ(t, ct_parse(t, buf, 16, CT_V50, &m), -HVG_CHMSG_E_CONNID);
	ct_le32(buf + 12, 0x1000000);
	CT_EQ(t, ct_parse(t, buf, 16, CT_V50, &m), -HVG_CHMSG_E_CONNID);
}

static void ct_case_parse_version_response_old(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[240];

	/* Below 5.0 the field holds the selected version: conn id 1. */
	ct_valid_msg(15, buf);
	ct_le32(buf + 12, CT_V41);
	CT_EQ(t, ct_parse(t, buf, 16, CT_V41, &m), 0);
	CT_CHECK(t, m.version_response.supported);
	CT_EQ(t, m.version_response.msg_conn_id, 1);
	ct_le32(buf + 12, 0);
	CT_EQ(t, ct_parse(t, buf, 16, CT_V24, &m), 0);
	CT_EQ(t, m.version_response.msg_conn_id, 1);
	/* Refused: nothing else counts. */
	buf[8] = 0;
	buf[9] = 2;
	CT_EQ(t, ct_parse(t, buf, 16, CT_V53, &m), 0);
	CT_CHECK(t, !m.version_response.supported);
	CT_EQ(t, m.version_response.state, 2);
	CT_EQ(t, m.version_response.msg_conn_id, 0);
}

static void ct_case_parse_version_response_nonsense(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[240];

	ct_valid_msg(15, buf);
	buf[8] = 2;
	CT_EQ(t, ct_parse(t, buf, 16, CT_V53, &m), -HVG_CHMSG_E_ANSWER);
	buf[8] = 0xff;
	CT_EQ(t, ct_parse(t, buf, 16, CT_V53, &m), -HVG_CHMSG_E_ANSWER);
	buf[8] = 1;
	buf[9] = 1;		/* accepted, yet out of resources */
	CT_EQ(t, ct_parse(t, buf, 16, CT_V53, &m), -HVG_CHMSG_E_ANSWER);
	buf[9] = 3;
	CT_EQ(t, ct_parse(t, buf, 16, CT_V41, &m), -HVG_CHMSG_E_ANSWER);
	/* Refused: the state is only a reason, whatever its value. */
	buf[8] = 0;
	CT_EQ(t, ct_parse(t, buf, 16, CT_V53, &m), 0);
	CT_CHECK(t, !m.version_response.supported);
	CT_EQ(t, m.version_response.state, 3);
}

static void ct_case_parse_version_gated(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[240];

	ct_valid_msg(24, buf);
	ct_le32(buf + 8, 33);
	ct_le32(buf + 12, 0xc000000d);
	CT_EQ(t, ct_parse(t, buf, 16, CT_V53, &m), 0);
	CT_EQ(t, m.type, HVG_CHMSG_MODIFYCHANNEL_RESP);
	CT_EQ(t, m.modify_response.child_relid, 33);
	CT_EQ(t, m.modify_response.status, 0xc000000d);
	CT_EQ(t, ct_parse(t, buf, 16, CT_V52, &m), -HVG_CHMSG_E_VERSION);
	ct_le32(buf + 8, 0);
	CT_EQ(t, ct_parse(t, buf, 16, CT_V53, &m), -HVG_CHMSG_E_RELID);

	ct_valid_msg(23, buf);
	buf[24] = 0x43;
	CT_EQ(t, ct_parse(t, buf, 44, CT_V41, &m), 0);
	CT_EQ(t, m.tl_connect_result.endpoint_id.b[0], 0x42);
	CT_EQ(t, m.tl_connect_result.service_id.b[0], 0x43);
	CT_EQ(t, m.tl_connect_result.status, 0xc0000001);
	CT_EQ(t, ct_parse(t, buf, 44, CT_V40, &m), -HVG_CHMSG_E_VERSION);
}

/* Every type at every length 0 .. 255: the length rules, in order. */
static void ct_case_parse_lengths(struct ct *t)
{
	struct hvg_chmsg m;
	u8 buf[256];
	u32 type, len, min;
	int want, ret;

	for (type = 0; type < 25; type++) {
		CT_EQ(t, hvg_chmsg_min_len(type), ct_min_len[type]);
		min = ct_valid_msg(type, buf);
		if (!min)
			continue;
		memset(buf + 240, 0, 16);
		for (len = 0; len < 256; len++) {
			if (len < 8)
				want = -HVG_CHMSG_E_NOHDR;
			else if (len > 240)
				want = -HVG_CHMSG_E_TOOLONG;
			else if (len < min)
				want = -HVG_CHMSG_E_SHORT;
			else
				want = 0;
			ret = ct_parse(t, buf, len, CT_V53, &m);
			if (ret != want) {
				CT_FAIL(t, "type %u len %u: %d, expected %d",
					type, len, ret, want);
				continue;
			}
			if (!ret && (m.type != type || m.len != len))
				CT_FAIL(t, "type %u len %u: parsed as %u/%u",
					type, len, m.type, m.len);
		}
	}
	CT_EQ(t, hvg_chmsg_min_len(25), 0);
	CT_EQ(t, hvg_chmsg_min_len(0xffffffff), 0);
}

static void ct_case_parse_bad_types(struct ct *t)
{
	static const u32 unknown[] = { 0, 18, 19, 20, 25, 0x100, 0xffffffff };
	struct hvg_chmsg m;
	u8 buf[240];
	u32 i, type;

	memset(buf, 0, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		ct_le32(buf, unknown[i]);
		CT_EQ(t, ct_parse(t, buf, 240, CT_V53, &m),
		      -HVG_CHMSG_E_TYPE);
	}
	/* A guest-to-host type, even well formed, is refused as such. */
	for (type = 1; type < 25; type++) {
		if (ct_to_guest(type) || !ct_min_len[type])
			continue;
		ct_le32(buf, type);
		CT_EQ(t, ct_parse(t, buf, 240, CT_V53, &m), -HVG_CHMSG_E_DIR);
	}
}

/*
 * What lies past a type's minimum length is never read: the same message
 * with every later byte changed parses to the same result.
 */
static void ct_case_parse_reads_only_minimum(struct ct *t)
{
	struct hvg_chmsg a, b;
	u8 buf[240];
	u32 type, min, i;

	for (type = 1; type < 25; type++) {
		min = ct_valid_msg(type, buf);
		if (!min)
			continue;
		CT_EQ(t, ct_parse(t, buf, 240, CT_V53, &a), 0);
		for (i = min; i < 240; i++)
			buf[i] = 0xff;
		CT_EQ(t, ct_parse(t, buf, 240, CT_V53, &b), 0);
		if (memcmp(&a, &b, sizeof(a)))
			CT_FAIL(t, "type %u: bytes past %u changed the result",
				type, min);
	}
}

static void ct_case_errnames(struct ct *t)
{
	static const int errs[] = {
		HVG_CHMSG_E_NOHDR, HVG_CHMSG_E_TOOLONG, HVG_CHMSG_E_TYPE,
		HVG_CHMSG_E_DIR, HVG_CHMSG_E_VERSION, HVG_CHMSG_E_SHORT,
		HVG_CHMSG_E_RELID, HVG_CHMSG_E_GPADL, HVG_CHMSG_E_MONITOR,
		HVG_CHMSG_E_SUBCHAN, HVG_CHMSG_E_PIPE, HVG_CHMSG_E_CONNID,
		HVG_CHMSG_E_ANSWER,
	};
	u32 i, j;

	for (i = 0; i < ARRAY_SIZE(errs); i++) {
		const char *name = hvg_chmsg_errname(-errs[i]);

		if (!strcmp(name, "unknown-error"))
			CT_FAIL(t, "error %d has no name", -errs[i]);
		for (j = 0; j < i; j++) {
			if (errs[i] == errs[j] ||
			    !strcmp(name, hvg_chmsg_errname(-errs[j])))
				CT_FAIL(t, "errors %d and %d are not distinct",
					-errs[i], -errs[j]);
		}
	}
	CT_CHECK(t, !strcmp(hvg_chmsg_errname(0), "ok"));
	CT_CHECK(t, !strcmp(hvg_chmsg_errname(-1), "unknown-error"));
	CT_CHECK(t, !strcmp(hvg_chmsg_type_name(1), "OFFERCHANNEL"));
	CT_CHECK(t, !strcmp(hvg_chmsg_type_name(19), "UNKNOWN"));
	CT_CHECK(t, !strcmp(hvg_chmsg_type_name(25), "UNKNOWN"));
}

/* ---------------------------------------------------------------------
 * Builders
 */

static void ct_case_build_initiate_contact_v5(struct ct *t)
{
	struct hvg_chmsg_buf msg;
	u8 want[40];

	memset(want, 0, sizeof(want));
	ct_le32(want + 0, 14);
	ct_le32(want + 8, CT_V53);
	ct_le32(want + 12, 3);			/* target VP */
	want[16] = 2;				/* msg_sint */
	ct_le64(want + 24, 0x123000);
	ct_le64(want + 32, 0x456000);
	CT_EQ(t, hvg_chmsg_build_initiate_contact(&msg, CT_V53, 3, 0,
						  0x123000, 0x456000), 0);
	CT_BYTES(t, &msg, want, 40);
	CT_EQ(t, hvg_chmsg_contact_conn_id(CT_V53), 4);
	CT_EQ(t, hvg_chmsg_contact_conn_id(CT_V50), 4);
}

static void ct_case_build_initiate_contact_v4(struct ct *t)
{
	struct hvg_chmsg_buf msg;
	u8 want[40];

	memset(want, 0, sizeof(want));
	ct_le32(want + 0, 14);
	ct_le32(want + 8, CT_V41);
	ct_le64(want + 16, 0xabcdef000ull);	/* interrupt page */
	CT_EQ(t, hvg_chmsg_build_initiate_contact(&msg, CT_V41, 0,
						  0xabcdef000ull, 0, 0), 0);
	CT_BYTES(t, &msg, want, 40);
	CT_EQ(t, hvg_chmsg_contact_conn_id(CT_V41), 1);
	CT_EQ(t, hvg_chmsg_contact_conn_id(CT_V24), 1);
}

static void ct_case_build_initiate_contact_rules(struct ct *t)
{
	static const u32 known[] = { 0x50003, 0x50002, 0x50001, 0x50000,
				     0x40001, 0x40000, 0x30000, 0x20004 };
	static const u32 unknown[] = { 0, 0xd, 0x10001, 0x50004, 0x60000 };
	struct hvg_chmsg_buf msg;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		CT_CHECK(t, hvg_chmsg_version_known(known[i]));
		CT_EQ(t, hvg_chmsg_build_initiate_contact(&msg, known[i], 0,
							  0, 0, 0), 0);
	}
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		CT_CHECK(t, !hvg_chmsg_version_known(unknown[i]));
		CT_EQ(t, hvg_chmsg_build_initiate_contact(&msg, unknown[i], 0,
							  0, 0, 0), -EINVAL);
	}
	/* 2.4 delivers on VP 0 only; 3.0 honours the target. */
	CT_EQ(t, hvg_chmsg_build_initiate_contact(&msg, CT_V24, 1, 0, 0, 0),
	      -EINVAL);
	CT_EQ(t, hvg_chmsg_build_initiate_contact(&msg, CT_V30, 1, 0, 0, 0),
	      0);
	CT_EQ(t, ct_get32(msg.data + 12), 1);
	/* 5.0+: bytes 16-23 are the SINT, not an interrupt page. */
	CT_EQ(t, hvg_chmsg_build_initiate_contact(&msg, CT_V50, 0, 0x1000,
						  0, 0), -EINVAL);
	/* Both monitor pages or neither. */
	CT_EQ(t, hvg_chmsg_build_initiate_contact(&msg, CT_V50, 0, 0, 0x1000,
						  0), -EINVAL);
	CT_EQ(t, hvg_chmsg_build_initiate_contact(&msg, CT_V50, 0, 0, 0,
						  0x1000), -EINVAL);
}

static void ct_case_build_header_only(struct ct *t)
{
	struct hvg_chmsg_buf msg;
	u8 want[8];

	memset(want, 0, sizeof(want));
	memset(msg.data, 0xee, sizeof(msg.data));
	ct_le32(want, 3);
	hvg_chmsg_build_request_offers(&msg);
	CT_BYTES(t, &msg, want, 8);

	memset(msg.data, 0xee, sizeof(msg.data));
	ct_le32(want, 16);
	CT_EQ(t, hvg_chmsg_build_unload(&msg, CT_V30), 0);
	CT_BYTES(t, &msg, want, 8);
	CT_EQ(t, hvg_chmsg_build_unload(&msg, CT_V24), -EOPNOTSUPP);
}

static void ct_case_build_open(struct ct *t)
{
	static const u8 user[24] = { 1, 2, 3, [23] = 24 };
	struct hvg_chmsg_buf msg;
	u8 want[148];

	memset(want, 0, sizeof(want));
	ct_le32(want + 0, 5);
	ct_le32(want + 8, 17);			/* relid */
	ct_le32(want + 12, 17);			/* openid */
	ct_le32(want + 16, 0xe1e10);		/* ring GPADL */
	ct_le32(want + 20, 1);			/* target VP */
	ct_le32(want + 24, 33);			/* downstream offset */
	memcpy(want + 28, user, sizeof(user));
	memset(msg.data, 0xee, sizeof(msg.data));
	CT_EQ(t, hvg_chmsg_build_open(&msg, 17, 17, 0xe1e10, 1, 33, user,
				      sizeof(user)), 0);
	CT_BYTES(t, &msg, want, 148);

	CT_EQ(t, hvg_chmsg_build_open(&msg, 17, 17, 0xe1e10, 1, 33, NULL, 0),
	      0);
	CT_EQ(t, msg.data[28], 0);
	CT_EQ(t, hvg_chmsg_build_open(&msg, 0, 17, 0xe1e10, 1, 33, NULL, 0),
	      -EINVAL);
	CT_EQ(t, hvg_chmsg_build_open(&msg, 2048, 17, 0xe1e10, 1, 33, NULL,
				      0), -EINVAL);
	CT_EQ(t, hvg_chmsg_build_open(&msg, 17, 17, 0, 1, 33, NULL, 0),
	      -EINVAL);
	CT_EQ(t, hvg_chmsg_build_open(&msg, 17, 17, 0xe1e10, 1, 0, NULL, 0),
	      -EINVAL);
	CT_EQ(t, hvg_chmsg_build_open(&msg, 17, 17, 0xe1e10, 1, 33, user,
				      121), -EINVAL);
	CT_EQ(t, hvg_chmsg_build_open(&msg, 17, 17, 0xe1e10, 1, 33, NULL, 4),
	      -EINVAL);
}

static void ct_case_build_relid_messages(struct ct *t)
{
	struct hvg_chmsg_buf msg;
	u8 want[16];

	memset(want, 0, sizeof(want));
	ct_le32(want + 0, 7);
	ct_le32(want + 8, 2047);
	CT_EQ(t, hvg_chmsg_build_close(&msg, 2047), 0);
	CT_BYTES(t, &msg, want, 12);
	CT_EQ(t, hvg_chmsg_build_close(&msg, 0), -EINVAL);

	ct_le32(want + 0, 13);
	ct_le32(want + 8, 1);
	CT_EQ(t, hvg_chmsg_build_relid_released(&msg, 1), 0);
	CT_BYTES(t, &msg, want, 12);
	CT_EQ(t, hvg_chmsg_build_relid_released(&msg, 2048), -EINVAL);

	ct_le32(want + 0, 11);
	ct_le32(want + 8, 9);
	ct_le32(want + 12, 0xe1e10);
	CT_EQ(t, hvg_chmsg_build_gpadl_teardown(&msg, 9, 0xe1e10), 0);
	CT_BYTES(t, &msg, want, 16);
	CT_EQ(t, hvg_chmsg_build_gpadl_teardown(&msg, 9, 0), -EINVAL);
	CT_EQ(t, hvg_chmsg_build_gpadl_teardown(&msg, 0, 1), -EINVAL);

	ct_le32(want + 0, 22);
	ct_le32(want + 8, 9);
	ct_le32(want + 12, 7);			/* target VP */
	CT_EQ(t, hvg_chmsg_build_modifychannel(&msg, CT_V41, 9, 7), 0);
	CT_BYTES(t, &msg, want, 16);
	CT_EQ(t, hvg_chmsg_build_modifychannel(&msg, CT_V40, 9, 7),
	      -EOPNOTSUPP);
	CT_EQ(t, hvg_chmsg_build_modifychannel(&msg, CT_V53, 0, 7), -EINVAL);
}

static void ct_case_build_gpadl_header(struct ct *t)
{
	static const u64 pfns[3] = { 0x1000, 0x2345678, 0xfedcba9876ull };
	struct hvg_chmsg_buf msg;
	u8 want[52];

	memset(want, 0, sizeof(want));
	ct_le32(want + 0, 8);
	ct_le32(want + 8, 4);			/* relid */
	ct_le32(want + 12, 0xe1e10);		/* gpadl */
	ct_le16(want + 16, 8 + 3 * 8);		/* range_buflen */
	ct_le16(want + 18, 1);			/* rangecount */
	ct_le32(want + 20, 3 * 4096);		/* byte_count */
	ct_le64(want + 28, pfns[0]);		/* PFNs from byte 28 */
	ct_le64(want + 36, pfns[1]);
	ct_le64(want + 44, pfns[2]);
	CT_EQ(t, hvg_chmsg_gpadl_msgs(3), 1);
	CT_EQ(t, hvg_chmsg_build_gpadl(&msg, 0, 4, 0xe1e10, pfns, 3), 0);
	CT_BYTES(t, &msg, want, 52);
	CT_EQ(t, hvg_chmsg_build_gpadl(&msg, 1, 4, 0xe1e10, pfns, 3),
	      -EINVAL);
	CT_EQ(t, hvg_chmsg_build_gpadl(&msg, 0, 0, 0xe1e10, pfns, 3),
	      -EINVAL);
	CT_EQ(t, hvg_chmsg_build_gpadl(&msg, 0, 4, 0, pfns, 3), -EINVAL);
	CT_EQ(t, hvg_chmsg_build_gpadl(&msg, 0, 4, 0xe1e10, pfns, 0),
	      -EINVAL);
}

/*
 * Build every message of an @npages GPADL and read it back as a host does
 * (range_buflen says how many PFNs follow the header, bodies in order).
 */
static void ct_gpadl_roundtrip(struct ct *t, u32 npages, int want_msgs)
{
	struct hvg_chmsg_buf msg;
	u64 *pfns, *got;
	u32 i, idx, n = 0, total = 0, per;
	int msgs;

	pfns = ct_alloc(npages * 8);
	got = ct_alloc(npages * 8);
	if (!pfns || !got) {
		CT_FAIL(t, "no memory");
		goto out;
	}
	for (i = 0; i < npages; i++)
		pfns[i] = 0x100000ull * (i + 1) + i;
	msgs = hvg_chmsg_gpadl_msgs(npages);
	CT_EQ(t, msgs, want_msgs);
	for (idx = 0; msgs > 0 && idx < (u32)msgs; idx++) {
		memset(msg.data, 0xee, sizeof(msg.data));
		if (hvg_chmsg_build_gpadl(&msg, idx, 2, 0xe1e10, pfns,
					  npages)) {
			CT_FAIL(t, "%u pages: message %u refused", npages, idx);
			goto out;
		}
		if (idx == 0) {
			CT_EQ(t, ct_get32(msg.data), 8);
			total = (msg.data[16] | msg.data[17] << 8) - 8;
			CT_EQ(t, total, npages * 8);
			CT_EQ(t, ct_get32(msg.data + 20), npages * 4096);
			per = (msg.len - 28) / 8;
			CT_EQ(t, msg.len, 28 + per * 8);
			CT_CHECK(t, per <= 26);
			for (i = 0; i < per && n < npages; i++)
				got[n++] = ct_get64(msg.data + 28 + 8 * i);
		} else {
			CT_EQ(t, ct_get32(msg.data), 9);
			CT_EQ(t, ct_get32(msg.data + 8), 0);
			CT_EQ(t, ct_get32(msg.data + 12), 0xe1e10);
			per = (msg.len - 16) / 8;
			CT_EQ(t, msg.len, 16 + per * 8);
			CT_CHECK(t, per >= 1 && per <= 28);
			for (i = 0; i < per && n < npages; i++)
				got[n++] = ct_get64(msg.data + 16 + 8 * i);
		}
		CT_CHECK(t, msg.len <= 240);
	}
	CT_EQ(t, n, npages);
	if (memcmp(pfns, got, npages * 8))
		CT_FAIL(t, "%u pages: PFNs differ after the round trip",
			npages);
	CT_EQ(t, hvg_chmsg_build_gpadl(&msg, msgs, 2, 0xe1e10, pfns, npages),
	      -EINVAL);
out:
	ct_free(pfns);
	ct_free(got);
}

static void ct_case_build_gpadl_split(struct ct *t)
{
	ct_gpadl_roundtrip(t, 1, 1);
	ct_gpadl_roundtrip(t, 26, 1);
	ct_gpadl_roundtrip(t, 27, 2);
	ct_gpadl_roundtrip(t, 54, 2);
	ct_gpadl_roundtrip(t, 55, 3);
	ct_gpadl_roundtrip(t, 256, 10);	/* a 1 MiB buffer */
}

static void ct_case_build_gpadl_largest(struct ct *t)
{
	struct hvg_chmsg_buf msg;
	u64 pfn = 1;

	/* 8 + 8 * 8190 = 65528 fits range_buflen; 8191 pages do not. */
	ct_gpadl_roundtrip(t, 8190, 293);
	CT_EQ(t, hvg_chmsg_gpadl_msgs(8191), -E2BIG);
	CT_EQ(t, hvg_chmsg_gpadl_msgs(0xffffffff), -E2BIG);
	CT_EQ(t, hvg_chmsg_gpadl_msgs(0), -EINVAL);
	CT_EQ(t, hvg_chmsg_build_gpadl(&msg, 0, 2, 0xe1e10, &pfn, 8191),
	      -E2BIG);
}

/* What the guest builds, the guest's parser refuses as not for it. */
static void ct_case_built_messages_are_not_parsed(struct ct *t)
{
	struct hvg_chmsg_buf msg;
	struct hvg_chmsg m;

	hvg_chmsg_build_request_offers(&msg);
	CT_EQ(t, ct_parse(t, msg.data, msg.len, CT_V53, &m),
	      -HVG_CHMSG_E_DIR);
	CT_EQ(t, hvg_chmsg_build_initiate_contact(&msg, CT_V53, 0, 0, 0, 0),
	      0);
	CT_EQ(t, ct_parse(t, msg.data, msg.len, CT_V53, &m),
	      -HVG_CHMSG_E_DIR);
	CT_EQ(t, hvg_chmsg_build_close(&msg, 3), 0);
	CT_EQ(t, ct_parse(t, msg.data, msg.len, CT_V53, &m),
	      -HVG_CHMSG_E_DIR);
}

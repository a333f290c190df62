// SPDX-License-Identifier: GPL-2.0
/*
 * VMBus channel messages: parser and builders (see chanmsg.h).
 *
 * The parser is one table indexed by message type: the minimum length, the
 * oldest version that has the type, and the function that validates and
 * parses it. Each parse function copies the type's minimum length out of
 * the caller's buffer into a local wire struct once, and from then on looks
 * only at that local copy.
 */
#include "chanmsg.h"

#define HVG_CHMSG_TO_GUEST	0x1	/* the host sends this type */

struct hvg_chmsg_type {
	const char *name;
	u8 min_len;
	u8 flags;
	u32 since;	/* oldest version with this type; 0: every one */
	/*
	 * Validates and parses the rest; called with len >= min_len and
	 * out->version set. NULL: the header is all there is.
	 */
	int (*parse)(const u8 *buf, struct hvg_chmsg *out);
};

static bool hvg_chmsg_relid_ok(u32 relid)
{
	return relid != 0 && relid < HVG_VMBUS_MAX_RELIDS;
}

static int hvg_chmsg_parse_offer(const u8 *buf,
				 struct hvg_chmsg *out)
{
	struct hvg_chmsg_offer_info *info = &out->offer;
	struct hvg_chmsg_offer m;
	bool monitor, pipe;
	u32 pipe_mode = 0;

	memcpy(&m, buf, sizeof(m));
	if (!hvg_chmsg_relid_ok(m.child_relid))
		return -HVG_CHMSG_E_RELID;
	if (m.connection_id > HVG_VMBUS_CONN_ID_MAX)
		return -HVG_CHMSG_E_CONNID;
	monitor = m.monitor_flags & HVG_OFFER_MONITOR_ALLOCATED;
	if (monitor && m.monitorid > HVG_VMBUS_MAX_MONITOR_ID)
		return -HVG_CHMSG_E_MONITOR;
	if (m.sub_channel_index > HVG_CHMSG_MAX_SUBCHAN_INDEX)
		return -HVG_CHMSG_E_SUBCHAN;
	pipe = m.chn_flags & HVG_OFFER_FLAG_NAMED_PIPE_MODE;
	if (pipe) {
		memcpy(&pipe_mode, m.user_def, sizeof(pipe_mode));
		if (pipe_mode != HVG_OFFER_PIPE_MODE_BYTE &&
		    pipe_mode != HVG_OFFER_PIPE_MODE_MESSAGE)
			return -HVG_CHMSG_E_PIPE;
	}

	memset(info, 0, sizeof(*info));
	info->if_type = m.if_type;
	info->if_instance = m.if_instance;
	info->child_relid = m.child_relid;
	info->connection_id = m.connection_id;
	info->pipe_mode = pipe_mode;
	info->chn_flags = m.chn_flags;
	info->mmio_megabytes = m.mmio_megabytes;
	info->sub_channel_index = m.sub_channel_index;
	info->monitor_id = monitor ? m.monitorid : 0;
	info->monitor_allocated = monitor;
	info->dedicated_interrupt =
		m.interrupt_flags & HVG_OFFER_DEDICATED_INTERRUPT;
	memcpy(info->user_def, m.user_def, sizeof(info->user_def));
	return 0;
}

static int hvg_chmsg_parse_rescind(const u8 *buf,
				   struct hvg_chmsg *out)
{
	struct hvg_chmsg_relid m;

	memcpy(&m, buf, sizeof(m));
	if (!hvg_chmsg_relid_ok(m.child_relid))
		return -HVG_CHMSG_E_RELID;
	out->rescind.child_relid = m.child_relid;
	return 0;
}

static int hvg_chmsg_parse_open_result(const u8 *buf,
				       struct hvg_chmsg *out)
{
	struct hvg_chmsg_open_result m;

	memcpy(&m, buf, sizeof(m));
	if (!hvg_chmsg_relid_ok(m.child_relid))
		return -HVG_CHMSG_E_RELID;
	out->open_result.child_relid = m.child_relid;
	out->open_result.openid = m.openid;
	out->open_result.status = m.status;
	return 0;
}

static int hvg_chmsg_parse_gpadl_created(const u8 *buf,
					 struct hvg_chmsg *out)
{
	struct hvg_chmsg_gpadl_created m;

	memcpy(&m, buf, sizeof(m));
	if (!hvg_chmsg_relid_ok(m.child_relid))
		return -HVG_CHMSG_E_RELID;
	if (!m.gpadl)
		return -HVG_CHMSG_E_GPADL;
	out->gpadl_created.child_relid = m.child_relid;
	out->gpadl_created.gpadl = m.gpadl;
	out->gpadl_created.status = m.creation_status;
	return 0;
}

static int hvg_chmsg_parse_gpadl_torndown(const u8 *buf,
					  struct hvg_chmsg *out)
{
	struct hvg_chmsg_gpadl_torndown m;

	memcpy(&m, buf, sizeof(m));
	if (!m.gpadl)
		return -HVG_CHMSG_E_GPADL;
	out->gpadl_torndown.gpadl = m.gpadl;
	return 0;
}

/*
 * Below 5.0 the last field holds the selected version or 0, and messages
 * keep going to connection id 1; from 5.0 on it is the connection id for
 * every later message, so an acceptance must name a valid one. The state
 * is a failure reason when the version is refused (any value, reported as
 * is), and must say "successful" when it is accepted.
 */
static int hvg_chmsg_parse_version_response(const u8 *buf,
					    struct hvg_chmsg *out)
{
	struct hvg_chmsg_version_response m;
	u32 conn_id = 0;

	memcpy(&m, buf, sizeof(m));
	if (m.version_supported > 1)
		return -HVG_CHMSG_E_ANSWER;
	if (m.version_supported) {
		if (m.connection_state != HVG_VMBUS_CONN_SUCCESSFUL)
			return -HVG_CHMSG_E_ANSWER;
		if (out->version >= HVG_VMBUS_VERSION_5_0) {
			conn_id = m.msg_conn_id;
			if (!conn_id || conn_id > HVG_VMBUS_CONN_ID_MAX)
				return -HVG_CHMSG_E_CONNID;
		} else {
			conn_id = HVG_VMBUS_MSG_CONN_ID;
		}
	}
	out->version_response.supported = m.version_supported;
	out->version_response.state = m.connection_state;
	out->version_response.msg_conn_id = conn_id;
	return 0;
}

static int hvg_chmsg_parse_tl_connect_result(const u8 *buf,
					     struct hvg_chmsg *out)
{
	struct hvg_chmsg_tl_connect_result m;

	memcpy(&m, buf, sizeof(m));
	out->tl_connect_result.endpoint_id = m.endpoint_id;
	out->tl_connect_result.service_id = m.service_id;
	out->tl_connect_result.status = m.status;
	return 0;
}

static int hvg_chmsg_parse_modify_response(const u8 *buf,
					   struct hvg_chmsg *out)
{
	struct hvg_chmsg_modifychannel_resp m;

	memcpy(&m, buf, sizeof(m));
	if (!hvg_chmsg_relid_ok(m.child_relid))
		return -HVG_CHMSG_E_RELID;
	out->modify_response.child_relid = m.child_relid;
	out->modify_response.status = m.status;
	return 0;
}

#define HVG_CHMSG_HDR_LEN	((u8)sizeof(struct hvg_chmsg_hdr))

#define TO_GUEST(t, wire, since_version, fn)				\
	[HVG_CHMSG_##t] = { #t, sizeof(wire), HVG_CHMSG_TO_GUEST,	\
			    since_version, fn }
#define TO_HOST(t, wire)						\
	[HVG_CHMSG_##t] = { #t, sizeof(wire), 0, 0, NULL }

/* Every type 1 .. 24 that a guest sends or receives; holes are reserved. */
static const struct hvg_chmsg_type hvg_chmsg_types[HVG_CHMSG_COUNT] = {
	TO_GUEST(OFFERCHANNEL, struct hvg_chmsg_offer, 0,
		 hvg_chmsg_parse_offer),
	TO_GUEST(RESCIND_CHANNELOFFER, struct hvg_chmsg_relid, 0,
		 hvg_chmsg_parse_rescind),
	TO_HOST(REQUESTOFFERS, struct hvg_chmsg_hdr),
	TO_GUEST(ALLOFFERS_DELIVERED, struct hvg_chmsg_hdr, 0,
		 NULL),
	TO_HOST(OPENCHANNEL, struct hvg_chmsg_open),
	TO_GUEST(OPENCHANNEL_RESULT, struct hvg_chmsg_open_result, 0,
		 hvg_chmsg_parse_open_result),
	TO_HOST(CLOSECHANNEL, struct hvg_chmsg_relid),
	TO_HOST(GPADL_HEADER, struct hvg_chmsg_gpadl_header),
	TO_HOST(GPADL_BODY, struct hvg_chmsg_gpadl_body),
	TO_GUEST(GPADL_CREATED, struct hvg_chmsg_gpadl_created, 0,
		 hvg_chmsg_parse_gpadl_created),
	TO_HOST(GPADL_TEARDOWN, struct hvg_chmsg_gpadl_teardown),
	TO_GUEST(GPADL_TORNDOWN, struct hvg_chmsg_gpadl_torndown, 0,
		 hvg_chmsg_parse_gpadl_torndown),
	TO_HOST(RELID_RELEASED, struct hvg_chmsg_relid),
	TO_HOST(INITIATE_CONTACT, struct hvg_chmsg_initiate_contact),
	TO_GUEST(VERSION_RESPONSE, struct hvg_chmsg_version_response, 0,
		 hvg_chmsg_parse_version_response),
	TO_HOST(UNLOAD, struct hvg_chmsg_hdr),
	TO_GUEST(UNLOAD_RESPONSE, struct hvg_chmsg_hdr, 0,
		 NULL),
	TO_HOST(TL_CONNECT_REQUEST, struct hvg_chmsg_tl_connect_request),
	TO_HOST(MODIFYCHANNEL, struct hvg_chmsg_modifychannel),
	TO_GUEST(TL_CONNECT_RESULT, struct hvg_chmsg_tl_connect_result,
		 HVG_VMBUS_VERSION_4_1, hvg_chmsg_parse_tl_connect_result),
	TO_GUEST(MODIFYCHANNEL_RESP, struct hvg_chmsg_modifychannel_resp,
		 HVG_VMBUS_VERSION_5_3, hvg_chmsg_parse_modify_response),
};

#undef TO_GUEST
#undef TO_HOST

int hvg_chmsg_parse(const void *buf, u32 len, u32 version,
		    struct hvg_chmsg *out)
{
	const struct hvg_chmsg_type *t;
	struct hvg_chmsg_hdr hdr;

	if (len < HVG_CHMSG_HDR_LEN)
		return -HVG_CHMSG_E_NOHDR;
	if (len > HVG_MSG_PAYLOAD_MAX)
		return -HVG_CHMSG_E_TOOLONG;
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.msgtype >= HVG_CHMSG_COUNT)
		return -HVG_CHMSG_E_TYPE;
	t = &hvg_chmsg_types[hdr.msgtype];
	if (!t->min_len)
		return -HVG_CHMSG_E_TYPE;
	if (!(t->flags & HVG_CHMSG_TO_GUEST))
		return -HVG_CHMSG_E_DIR;
	if (version < t->since)
		return -HVG_CHMSG_E_VERSION;
	if (len < t->min_len)
		return -HVG_CHMSG_E_SHORT;
	out->type = hdr.msgtype;
	out->len = len;
	out->version = version;
	return t->parse ? t->parse(buf, out) : 0;
}

u32 hvg_chmsg_min_len(u32 type)
{
	return type < HVG_CHMSG_COUNT ? hvg_chmsg_types[type].min_len : 0;
}

static const struct {
	int err;
	const char *name;
} hvg_chmsg_errnames[] = {
	{ 0, "ok" },
	{ HVG_CHMSG_E_NOHDR, "no-header" },
	{ HVG_CHMSG_E_TOOLONG, "longer-than-payload" },
	{ HVG_CHMSG_E_TYPE, "unknown-type" },
	{ HVG_CHMSG_E_DIR, "guest-to-host-type" },
	{ HVG_CHMSG_E_VERSION, "type-not-in-version" },
	{ HVG_CHMSG_E_SHORT, "shorter-than-type" },
	{ HVG_CHMSG_E_RELID, "relid-out-of-range" },
	{ HVG_CHMSG_E_GPADL, "gpadl-handle-zero" },
	{ HVG_CHMSG_E_MONITOR, "monitor-id-out-of-range" },
	{ HVG_CHMSG_E_SUBCHAN, "subchannel-index-out-of-range" },
	{ HVG_CHMSG_E_PIPE, "bad-pipe-mode" },
	{ HVG_CHMSG_E_CONNID, "bad-connection-id" },
	{ HVG_CHMSG_E_ANSWER, "bad-version-response" },
};

const char *hvg_chmsg_errname(int err)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvg_chmsg_errnames); i++)
		if (hvg_chmsg_errnames[i].err == -err)
			return hvg_chmsg_errnames[i].name;
	return "unknown-error";
}

const char *hvg_chmsg_type_name(u32 type)
{
	if (type >= HVG_CHMSG_COUNT || !hvg_chmsg_types[type].name)
		return "UNKNOWN";
	return hvg_chmsg_types[type].name;
}

/* ---------------------------------------------------------------------
 * Builders
 */

static void *hvg_chmsg_start(struct hvg_chmsg_buf *msg, u32 type, u32 len)
{
	struct hvg_chmsg_hdr *hdr = (struct hvg_chmsg_hdr *)msg->data;

	memset(msg->data, 0, len);
	hdr->msgtype = type;
	msg->len = len;
	return msg->data;
}

bool hvg_chmsg_version_known(u32 version)
{
	switch (version) {
	case HVG_VMBUS_VERSION_5_3:
	case HVG_VMBUS_VERSION_5_2:
	case HVG_VMBUS_VERSION_5_1:
	case HVG_VMBUS_VERSION_5_0:
	case HVG_VMBUS_VERSION_4_1:
	case HVG_VMBUS_VERSION_4_0:
	case HVG_VMBUS_VERSION_3_0:
	case HVG_VMBUS_VERSION_2_4:
		return true;
	default:
		return false;
	}
}

u32 hvg_chmsg_contact_conn_id(u32 version)
{
	return version >= HVG_VMBUS_VERSION_5_0 ? HVG_VMBUS_MSG_CONN_ID_V5 :
						   HVG_VMBUS_MSG_CONN_ID;
}

int hvg_chmsg_build_initiate_contact(struct hvg_chmsg_buf *msg, u32 version,
				     u32 target_vp, u64 interrupt_page,
				     u64 monitor_page1, u64 monitor_page2)
{
	struct hvg_chmsg_initiate_contact *m;
	bool v5 = version >= HVG_VMBUS_VERSION_5_0;

	if (!hvg_chmsg_version_known(version))
		return -EINVAL;
	if (version < HVG_VMBUS_VERSION_3_0 && target_vp)
		return -EINVAL;
	if (v5 && interrupt_page)
		return -EINVAL;
	if (!monitor_page1 != !monitor_page2)
		return -EINVAL;

	m = hvg_chmsg_start(msg, HVG_CHMSG_INITIATE_CONTACT, sizeof(*m));
	m->version_requested = version;
	m->target_vcpu = target_vp;
	if (v5)
		m->v5.msg_sint = HVG_VMBUS_MESSAGE_SINT;
	else
		m->interrupt_page = interrupt_page;
	m->monitor_page1 = monitor_page1;
	m->monitor_page2 = monitor_page2;
	return 0;
}

void hvg_chmsg_build_request_offers(struct hvg_chmsg_buf *msg)
{
	hvg_chmsg_start(msg, HVG_CHMSG_REQUESTOFFERS,
			sizeof(struct hvg_chmsg_hdr));
}

int hvg_chmsg_build_unload(struct hvg_chmsg_buf *msg, u32 version)
{
	if (version < HVG_VMBUS_VERSION_3_0)
		return -EOPNOTSUPP;
	hvg_chmsg_start(msg, HVG_CHMSG_UNLOAD, sizeof(struct hvg_chmsg_hdr));
	return 0;
}

int hvg_chmsg_build_open(struct hvg_chmsg_buf *msg, u32 relid, u32 openid,
			 u32 ring_gpadl, u32 target_vp,
			 u32 downstream_page_offset, const void *user_data,
			 u32 user_len)
{
	struct hvg_chmsg_open *m;

	if (!hvg_chmsg_relid_ok(relid) || !ring_gpadl ||
	    !downstream_page_offset || user_len > HVG_OPEN_USER_DATA_BYTES ||
	    (user_len && !user_data))
		return -EINVAL;

	m = hvg_chmsg_start(msg, HVG_CHMSG_OPENCHANNEL, sizeof(*m));
	m->child_relid = relid;
	m->openid = openid;
	m->ring_gpadl = ring_gpadl;
	m->target_vp = target_vp;
	m->downstream_page_offset = downstream_page_offset;
	if (user_len)
		memcpy(m->user_data, user_data, user_len);
	return 0;
}

/* CLOSECHANNEL and RELID_RELEASED: a relid alone. */
static int hvg_chmsg_build_relid(struct hvg_chmsg_buf *msg, u32 type,
				 u32 relid)
{
	struct hvg_chmsg_relid *m;

	if (!hvg_chmsg_relid_ok(relid))
		return -EINVAL;
	m = hvg_chmsg_start(msg, type, sizeof(*m));
	m->child_relid = relid;
	return 0;
}

int hvg_chmsg_build_close(struct hvg_chmsg_buf *msg, u32 relid)
{
	return hvg_chmsg_build_relid(msg, HVG_CHMSG_CLOSECHANNEL, relid);
}

int hvg_chmsg_build_relid_released(struct hvg_chmsg_buf *msg, u32 relid)
{
	return hvg_chmsg_build_relid(msg, HVG_CHMSG_RELID_RELEASED, relid);
}

int hvg_chmsg_gpadl_msgs(u32 npages)
{
	if (!npages)
		return -EINVAL;
	if (npages > HVG_GPADL_MAX_PAGES)
		return -E2BIG;
	if (npages <= HVG_GPADL_HEADER_PFNS)
		return 1;
	return 1 + (npages - HVG_GPADL_HEADER_PFNS + HVG_GPADL_BODY_PFNS - 1) /
		   HVG_GPADL_BODY_PFNS;
}

int hvg_chmsg_build_gpadl(struct hvg_chmsg_buf *msg, u32 index, u32 relid,
			  u32 gpadl, const u64 *pfns, u32 npages)
{
	u32 first, count;
	u8 *dst;
	int n;

	n = hvg_chmsg_gpadl_msgs(npages);
	if (n < 0)
		return n;
	if (index >= (u32)n || !hvg_chmsg_relid_ok(relid) || !gpadl)
		return -EINVAL;

	if (index == 0) {
		struct hvg_chmsg_gpadl_header *m;

		count = npages < HVG_GPADL_HEADER_PFNS ? npages :
							  HVG_GPADL_HEADER_PFNS;
		m = hvg_chmsg_start(msg, HVG_CHMSG_GPADL_HEADER,
				    sizeof(*m) + count * 8);
		m->child_relid = relid;
		m->gpadl = gpadl;
		/* <= 8 + 8 * 8190 = 65528: npages is bounded above. */
		m->range_buflen = (u16)(8 + 8 * npages);
		m->rangecount = 1;
		m->byte_count = npages * 4096;
		m->byte_offset = 0;
		first = 0;
		dst = msg->data + sizeof(*m);
	} else {
		struct hvg_chmsg_gpadl_body *m;

		first = HVG_GPADL_HEADER_PFNS +
			(index - 1) * HVG_GPADL_BODY_PFNS;
		count = npages - first;
		if (count > HVG_GPADL_BODY_PFNS)
			count = HVG_GPADL_BODY_PFNS;
		m = hvg_chmsg_start(msg, HVG_CHMSG_GPADL_BODY,
				    sizeof(*m) + count * 8);
		m->msgnumber = 0;
		m->gpadl = gpadl;
		dst = msg->data + sizeof(*m);
	}
	/* The header's PFNs start at byte 28: copy, never a u64 store. */
	memcpy(dst, pfns + first, count * 8);
	return 0;
}

int hvg_chmsg_build_gpadl_teardown(struct hvg_chmsg_buf *msg, u32 relid,
				   u32 gpadl)
{
	struct hvg_chmsg_gpadl_teardown *m;

	if (!hvg_chmsg_relid_ok(relid) || !gpadl)
		return -EINVAL;
	m = hvg_chmsg_start(msg, HVG_CHMSG_GPADL_TEARDOWN, sizeof(*m));
	m->child_relid = relid;
	m->gpadl = gpadl;
	return 0;
}

int hvg_chmsg_build_modifychannel(struct hvg_chmsg_buf *msg, u32 version,
				  u32 relid, u32 target_vp)
{
	struct hvg_chmsg_modifychannel *m;

	if (version < HVG_VMBUS_VERSION_4_1)
		return -EOPNOTSUPP;
	if (!hvg_chmsg_relid_ok(relid))
		return -EINVAL;
	m = hvg_chmsg_start(msg, HVG_CHMSG_MODIFYCHANNEL, sizeof(*m));
	m->child_relid = relid;
	m->target_vp = target_vp;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * NVSP messages: parser and builders (see nvsp_msg.h).
 *
 * One table of the host-to-guest types: the bytes each needs, the oldest
 * version that has it and its parse function. A parse function copies the
 * type's fixed part out of the caller's buffer once into a local wire
 * struct, and from then on looks only at that copy.
 */
#include "nvsp_msg.h"

struct hvg_nvsp_type {
	u32 type;
	const char *name;
	u32 min_len;
	u32 since;	/* oldest version; 0: even before negotiation */
	int (*parse)(const u8 *buf, struct hvg_nvsp_msg *out);
};

static int hvg_nvsp_parse_init_complete(const u8 *buf,
					struct hvg_nvsp_msg *out)
{
	struct hvg_nvsp_init_complete m;

	memcpy(&m, buf, sizeof(m));
	/* negotiated_ver is deprecated (hosts put 0xffffffff): not read. */
	out->init_complete.status = m.status;
	out->init_complete.max_mdl_chain_len = m.max_mdl_chain_len;
	return 0;
}

static int hvg_nvsp_parse_recv_buf(const u8 *buf, struct hvg_nvsp_msg *out)
{
	struct hvg_nvsp_recv_buf_complete m;
	u32 len = out->len;

	memcpy(&m, buf, sizeof(m));
	memset(&out->recv_buf.section, 0, sizeof(out->recv_buf.section));
	/* Every announced section must be in the message. */
	if (m.num_sections > (len - sizeof(m)) /
	    sizeof(struct hvg_nvsp_recv_section))
		return -HVG_NVSP_E_SHORT;
	if (m.num_sections)
		memcpy(&out->recv_buf.section, buf + sizeof(m),
		       sizeof(out->recv_buf.section));
	out->recv_buf.status = m.status;
	out->recv_buf.num_sections = m.num_sections;
	return 0;
}

static int hvg_nvsp_parse_send_buf(const u8 *buf, struct hvg_nvsp_msg *out)
{
	struct hvg_nvsp_send_buf_complete m;

	memcpy(&m, buf, sizeof(m));
	out->send_buf.status = m.status;
	out->send_buf.section_size = m.section_size;
	return 0;
}

static int hvg_nvsp_parse_rndis_pkt(const u8 *buf, struct hvg_nvsp_msg *out)
{
	struct hvg_nvsp_rndis_pkt m;

	memcpy(&m, buf, sizeof(m));
	if (m.channel_type != HVG_NVSP_CHANNEL_DATA &&
	    m.channel_type != HVG_NVSP_CHANNEL_CONTROL)
		return -HVG_NVSP_E_RANGE;
	out->rndis_pkt.channel_type = m.channel_type;
	out->rndis_pkt.section_index = m.section_index;
	out->rndis_pkt.section_size = m.section_size;
	return 0;
}

static int hvg_nvsp_parse_rndis_pkt_complete(const u8 *buf,
					     struct hvg_nvsp_msg *out)
{
	struct hvg_nvsp_rndis_pkt_complete m;

	memcpy(&m, buf, sizeof(m));
	out->rndis_pkt_complete.status = m.status;
	return 0;
}

static int hvg_nvsp_parse_vf_association(const u8 *buf,
					 struct hvg_nvsp_msg *out)
{
	struct hvg_nvsp_vf_association m;

	memcpy(&m, buf, sizeof(m));
	if (m.allocated > 1)
		return -HVG_NVSP_E_RANGE;
	out->vf_association.allocated = m.allocated;
	out->vf_association.serial = m.serial;
	return 0;
}

static int hvg_nvsp_parse_subchannel(const u8 *buf, struct hvg_nvsp_msg *out)
{
	struct hvg_nvsp_subchannel_complete m;

	memcpy(&m, buf, sizeof(m));
	out->subchannel.status = m.status;
	out->subchannel.num_subchannels = m.num_subchannels;
	return 0;
}

/*
 * The table sits at @offset, or (NVSP <= 6, a message of 104 bytes or
 * more) at byte 40 whatever @offset says: a Windows host quirk.
 */
static int hvg_nvsp_parse_send_table(const u8 *buf, struct hvg_nvsp_msg *out)
{
	const u32 table_bytes = HVG_NVSP_SEND_TABLE_ENTRIES * sizeof(u32);
	struct hvg_nvsp_send_indirection_table m;
	u32 len = out->len, offset, i;

	memcpy(&m, buf, sizeof(m));
	if (m.count != HVG_NVSP_SEND_TABLE_ENTRIES)
		return -HVG_NVSP_E_RANGE;
	if (out->version <= HVG_NVSP_VERSION_6 &&
	    len >= HVG_NVSP_SEND_TABLE_QUIRK_OFFSET + table_bytes)
		offset = HVG_NVSP_SEND_TABLE_QUIRK_OFFSET;
	else
		offset = m.offset;
	if (offset < sizeof(m) || offset > len || len - offset < table_bytes)
		return -HVG_NVSP_E_OFFSET;
	memcpy(out->send_table.table, buf + offset, table_bytes);
	for (i = 0; i < HVG_NVSP_SEND_TABLE_ENTRIES; i++)
		if (out->send_table.table[i] >= HVG_NVSP_VRSS_CHANNEL_MAX)
			return -HVG_NVSP_E_RANGE;
	return 0;
}

#define HOST_TYPE(t, wire, since_version, fn)				\
	{ HVG_NVSP_##t, #t, sizeof(wire), since_version, fn }

static const struct hvg_nvsp_type hvg_nvsp_host_types[] = {
	HOST_TYPE(MSG_INIT_COMPLETE, struct hvg_nvsp_init_complete, 0,
		  hvg_nvsp_parse_init_complete),
	HOST_TYPE(MSG1_SEND_RECV_BUF_COMPLETE,
		  struct hvg_nvsp_recv_buf_complete, HVG_NVSP_VERSION_1,
		  hvg_nvsp_parse_recv_buf),
	HOST_TYPE(MSG1_SEND_SEND_BUF_COMPLETE,
		  struct hvg_nvsp_send_buf_complete, HVG_NVSP_VERSION_1,
		  hvg_nvsp_parse_send_buf),
	HOST_TYPE(MSG1_SEND_RNDIS_PKT, struct hvg_nvsp_rndis_pkt,
		  HVG_NVSP_VERSION_1, hvg_nvsp_parse_rndis_pkt),
	HOST_TYPE(MSG1_SEND_RNDIS_PKT_COMPLETE,
		  struct hvg_nvsp_rndis_pkt_complete, HVG_NVSP_VERSION_1,
		  hvg_nvsp_parse_rndis_pkt_complete),
	HOST_TYPE(MSG4_SEND_VF_ASSOCIATION, struct hvg_nvsp_vf_association,
		  HVG_NVSP_VERSION_4, hvg_nvsp_parse_vf_association),
	HOST_TYPE(MSG5_SUBCHANNEL, struct hvg_nvsp_subchannel_complete,
		  HVG_NVSP_VERSION_5, hvg_nvsp_parse_subchannel),
	HOST_TYPE(MSG5_SEND_INDIRECTION_TABLE,
		  struct hvg_nvsp_send_indirection_table, HVG_NVSP_VERSION_5,
		  hvg_nvsp_parse_send_table),
};

static const struct hvg_nvsp_type *hvg_nvsp_host_type(u32 type)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(hvg_nvsp_host_types); i++)
		if (hvg_nvsp_host_types[i].type == type)
			return &hvg_nvsp_host_types[i];
	return NULL;
}

int hvg_nvsp_parse(const void *buf, u32 len, u32 version,
		   struct hvg_nvsp_msg *out)
{
	const struct hvg_nvsp_type *t;
	u32 type;

	if (len < sizeof(type))
		return -HVG_NVSP_E_NOHDR;
	memcpy(&type, buf, sizeof(type));
	t = hvg_nvsp_host_type(type);
	if (!t)
		return -HVG_NVSP_E_TYPE;
	if (version < t->since)
		return -HVG_NVSP_E_VERSION;
	if (len < t->min_len)
		return -HVG_NVSP_E_SHORT;
	out->type = type;
	out->len = len;
	out->version = version;
	return t->parse(buf, out);
}

int hvg_nvsp_check_init(const struct hvg_nvsp_msg *m)
{
	if (m->type != HVG_NVSP_MSG_INIT_COMPLETE)
		return -HVG_NVSP_E_TYPE;
	if (m->init_complete.status != HVG_NVSP_STAT_SUCCESS)
		return -HVG_NVSP_E_STATUS;
	return 0;
}

int hvg_nvsp_check_recv_buf(const struct hvg_nvsp_msg *m, u32 buf_size,
			    struct hvg_nvsp_recv_geom *geom)
{
	const struct hvg_nvsp_recv_section *s = &m->recv_buf.section;
	u64 bytes;

	if (m->type != HVG_NVSP_MSG1_SEND_RECV_BUF_COMPLETE)
		return -HVG_NVSP_E_TYPE;
	if (m->recv_buf.status != HVG_NVSP_STAT_SUCCESS)
		return -HVG_NVSP_E_STATUS;
	if (m->recv_buf.num_sections != 1 || s->offset != 0 ||
	    s->sub_alloc_size < HVG_NVSP_MIN_SECTION || !s->num_sub_allocs)
		return -HVG_NVSP_E_GEOMETRY;
	bytes = (u64)s->sub_alloc_size * s->num_sub_allocs;
	if (bytes > buf_size || s->end_offset != bytes)
		return -HVG_NVSP_E_GEOMETRY;
	geom->sub_alloc_size = s->sub_alloc_size;
	geom->num_sub_allocs = s->num_sub_allocs;
	return 0;
}

int hvg_nvsp_check_send_buf(const struct hvg_nvsp_msg *m, u32 buf_size,
			    u32 *num_sections)
{
	u32 size = m->send_buf.section_size;

	if (m->type != HVG_NVSP_MSG1_SEND_SEND_BUF_COMPLETE)
		return -HVG_NVSP_E_TYPE;
	if (m->send_buf.status != HVG_NVSP_STAT_SUCCESS)
		return -HVG_NVSP_E_STATUS;
	if (size < HVG_NVSP_MIN_SECTION || size > buf_size)
		return -HVG_NVSP_E_GEOMETRY;
	*num_sections = buf_size / size;
	return 0;
}

int hvg_nvsp_check_subchannel(const struct hvg_nvsp_msg *m, u32 requested)
{
	if (m->type != HVG_NVSP_MSG5_SUBCHANNEL)
		return -HVG_NVSP_E_TYPE;
	if (m->subchannel.status != HVG_NVSP_STAT_SUCCESS)
		return -HVG_NVSP_E_STATUS;
	if (m->subchannel.num_subchannels > requested)
		return -HVG_NVSP_E_RANGE;
	return 0;
}

const char *hvg_nvsp_errname(int err)
{
	switch (-err) {
	case 0:
		return "ok";
	case HVG_NVSP_E_NOHDR:
		return "no-type";
	case HVG_NVSP_E_TYPE:
		return "unexpected-type";
	case HVG_NVSP_E_VERSION:
		return "type-not-in-version";
	case HVG_NVSP_E_SHORT:
		return "too-short";
	case HVG_NVSP_E_STATUS:
		return "status-not-success";
	case HVG_NVSP_E_GEOMETRY:
		return "bad-buffer-geometry";
	case HVG_NVSP_E_RANGE:
		return "value-out-of-range";
	case HVG_NVSP_E_OFFSET:
		return "table-offset-outside-message";
	default:
		return "unknown-error";
	}
}

const char *hvg_nvsp_type_name(u32 type)
{
	const struct hvg_nvsp_type *t = hvg_nvsp_host_type(type);

	if (t)
		return t->name;
	switch (type) {
	case HVG_NVSP_MSG_INIT:
		return "MSG_INIT";
	case HVG_NVSP_MSG1_SEND_NDIS_VER:
		return "MSG1_SEND_NDIS_VER";
	case HVG_NVSP_MSG1_SEND_RECV_BUF:
		return "MSG1_SEND_RECV_BUF";
	case HVG_NVSP_MSG1_REVOKE_RECV_BUF:
		return "MSG1_REVOKE_RECV_BUF";
	case HVG_NVSP_MSG1_SEND_SEND_BUF:
		return "MSG1_SEND_SEND_BUF";
	case HVG_NVSP_MSG1_REVOKE_SEND_BUF:
		return "MSG1_REVOKE_SEND_BUF";
	case HVG_NVSP_MSG2_SEND_NDIS_CONFIG:
		return "MSG2_SEND_NDIS_CONFIG";
	case HVG_NVSP_MSG4_SWITCH_DATA_PATH:
		return "MSG4_SWITCH_DATA_PATH";
	default:
		return "UNKNOWN";
	}
}

static const u32 hvg_nvsp_versions[] = {
	HVG_NVSP_VERSION_61, HVG_NVSP_VERSION_6, HVG_NVSP_VERSION_5,
	HVG_NVSP_VERSION_4, HVG_NVSP_VERSION_2, HVG_NVSP_VERSION_1,
};

u32 hvg_nvsp_version_next(u32 version)
{
	u32 i;

	if (!version)
		return hvg_nvsp_versions[0];
	for (i = 0; i + 1 < ARRAY_SIZE(hvg_nvsp_versions); i++)
		if (hvg_nvsp_versions[i] == version)
			return hvg_nvsp_versions[i + 1];
	return 0;
}

static bool hvg_nvsp_version_known(u32 version)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(hvg_nvsp_versions); i++)
		if (hvg_nvsp_versions[i] == version)
			return true;
	return false;
}

/* ---------------------------------------------------------------------
 * The host's side: what the guest sends. Every request body fits in the
 * 32 bytes a request must have.
 */
static_assert(sizeof(struct hvg_nvsp_ndis_config) <= HVG_NVSP_MIN_REQUEST);
static_assert(sizeof(struct hvg_nvsp_rndis_pkt) <= HVG_NVSP_MIN_REQUEST);

static int hvg_nvsp_guest_body(u32 type, const u8 *buf,
			       struct hvg_nvsp_guest_msg *out)
{
	union {
		struct hvg_nvsp_init init;
		struct hvg_nvsp_ndis_version ver;
		struct hvg_nvsp_ndis_config cfg;
		struct hvg_nvsp_send_buf buf;
		struct hvg_nvsp_revoke_buf revoke;
		struct hvg_nvsp_rndis_pkt pkt;
		struct hvg_nvsp_rndis_pkt_complete done;
		struct hvg_nvsp_subchannel_req sub;
		struct hvg_nvsp_switch_data_path path;
	} m;
	bool none;

	switch (type) {
	case HVG_NVSP_MSG_INIT:
		memcpy(&m.init, buf, sizeof(m.init));
		if (m.init.min_protocol_ver > m.init.max_protocol_ver)
			return -HVG_NVSP_E_RANGE;
		out->init.min_ver = m.init.min_protocol_ver;
		out->init.max_ver = m.init.max_protocol_ver;
		return 0;
	case HVG_NVSP_MSG1_SEND_NDIS_VER:
		memcpy(&m.ver, buf, sizeof(m.ver));
		out->ndis_version.major = m.ver.major;
		out->ndis_version.minor = m.ver.minor;
		return 0;
	case HVG_NVSP_MSG2_SEND_NDIS_CONFIG:
		memcpy(&m.cfg, buf, sizeof(m.cfg));
		out->ndis_config.mtu = m.cfg.mtu;
		out->ndis_config.capability = m.cfg.capability;
		return 0;
	case HVG_NVSP_MSG1_SEND_RECV_BUF:
	case HVG_NVSP_MSG1_SEND_SEND_BUF:
		memcpy(&m.buf, buf, sizeof(m.buf));
		if (!m.buf.gpadl_handle)
			return -HVG_NVSP_E_RANGE;
		out->buf.gpadl = m.buf.gpadl_handle;
		out->buf.id = m.buf.id;
		return 0;
	case HVG_NVSP_MSG1_REVOKE_RECV_BUF:
	case HVG_NVSP_MSG1_REVOKE_SEND_BUF:
		memcpy(&m.revoke, buf, sizeof(m.revoke));
		out->revoke.id = m.revoke.id;
		return 0;
	case HVG_NVSP_MSG1_SEND_RNDIS_PKT:
		memcpy(&m.pkt, buf, sizeof(m.pkt));
		none = m.pkt.section_index == HVG_NVSP_NO_SECTION;
		if (m.pkt.channel_type > HVG_NVSP_CHANNEL_CONTROL ||
		    none != !m.pkt.section_size)
			return -HVG_NVSP_E_RANGE;
		out->rndis_pkt.channel_type = m.pkt.channel_type;
		out->rndis_pkt.section_index = m.pkt.section_index;
		out->rndis_pkt.section_size = m.pkt.section_size;
		return 0;
	case HVG_NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE:
		memcpy(&m.done, buf, sizeof(m.done));
		if (m.done.status != HVG_NVSP_STAT_SUCCESS &&
		    m.done.status != HVG_NVSP_STAT_FAIL)
			return -HVG_NVSP_E_RANGE;
		out->rndis_pkt_complete.status = m.done.status;
		return 0;
	case HVG_NVSP_MSG5_SUBCHANNEL:
		memcpy(&m.sub, buf, sizeof(m.sub));
		if (m.sub.op != HVG_NVSP_SUBCHANNEL_ALLOCATE ||
		    !m.sub.num_subchannels ||
		    m.sub.num_subchannels >= HVG_NVSP_VRSS_CHANNEL_MAX)
			return -HVG_NVSP_E_RANGE;
		out->subchannel.num_subchannels = m.sub.num_subchannels;
		return 0;
	case HVG_NVSP_MSG4_SWITCH_DATA_PATH:
		memcpy(&m.path, buf, sizeof(m.path));
		if (m.path.active_datapath > HVG_NVSP_DATAPATH_VF)
			return -HVG_NVSP_E_RANGE;
		out->switch_data_path.datapath = m.path.active_datapath;
		return 0;
	default:
		return -HVG_NVSP_E_TYPE;
	}
}

/* The oldest version with each guest type; 0 for none. */
static u32 hvg_nvsp_guest_since(u32 type)
{
	switch (type) {
	case HVG_NVSP_MSG_INIT:
		return 0;
	case HVG_NVSP_MSG1_SEND_NDIS_VER:
	case HVG_NVSP_MSG1_SEND_RECV_BUF:
	case HVG_NVSP_MSG1_REVOKE_RECV_BUF:
	case HVG_NVSP_MSG1_SEND_SEND_BUF:
	case HVG_NVSP_MSG1_REVOKE_SEND_BUF:
	case HVG_NVSP_MSG1_SEND_RNDIS_PKT:
	case HVG_NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE:
		return HVG_NVSP_VERSION_1;
	case HVG_NVSP_MSG2_SEND_NDIS_CONFIG:
		return HVG_NVSP_VERSION_2;
	case HVG_NVSP_MSG4_SWITCH_DATA_PATH:
		return HVG_NVSP_VERSION_4;
	case HVG_NVSP_MSG5_SUBCHANNEL:
		return HVG_NVSP_VERSION_5;
	default:
		return (u32)-1;
	}
}

int hvg_nvsp_parse_guest(const void *buf, u32 len, u32 version,
			 struct hvg_nvsp_guest_msg *out)
{
	u32 type, since, min;

	if (len < sizeof(type))
		return -HVG_NVSP_E_NOHDR;
	memcpy(&type, buf, sizeof(type));
	since = hvg_nvsp_guest_since(type);
	if (since == (u32)-1)
		return -HVG_NVSP_E_TYPE;
	if (version < since)
		return -HVG_NVSP_E_VERSION;
	min = type == HVG_NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE ?
		sizeof(struct hvg_nvsp_rndis_pkt_complete) :
		HVG_NVSP_MIN_REQUEST;
	if (len < min)
		return -HVG_NVSP_E_SHORT;
	memset(out, 0, sizeof(*out));
	out->type = type;
	out->len = len;
	return hvg_nvsp_guest_body(type, buf, out);
}

int hvg_nvsp_check_section(const struct hvg_nvsp_guest_msg *m,
			   u32 num_sections, u32 section_size)
{
	if (m->type != HVG_NVSP_MSG1_SEND_RNDIS_PKT)
		return -HVG_NVSP_E_TYPE;
	if (m->rndis_pkt.section_index == HVG_NVSP_NO_SECTION)
		return 0;
	if (m->rndis_pkt.section_index >= num_sections ||
	    m->rndis_pkt.section_size > section_size)
		return -HVG_NVSP_E_RANGE;
	return 0;
}

/* Zero the message, set its type: the common start of every builder. */
static int hvg_nvsp_start(struct hvg_nvsp_buf *msg, u32 type)
{
	memset(msg, 0, sizeof(*msg));
	memcpy(msg->data, &type, sizeof(type));
	return HVG_NVSP_MSG_SIZE;
}

int hvg_nvsp_build_init(struct hvg_nvsp_buf *msg, u32 version)
{
	struct hvg_nvsp_init m = {
		.msg_type = HVG_NVSP_MSG_INIT,
		.min_protocol_ver = version,
		.max_protocol_ver = version,
	};

	if (!hvg_nvsp_version_known(version))
		return -EINVAL;
	hvg_nvsp_start(msg, m.msg_type);
	memcpy(msg->data, &m, sizeof(m));
	return HVG_NVSP_MSG_SIZE;
}

int hvg_nvsp_build_ndis_config(struct hvg_nvsp_buf *msg, u32 version,
			       u32 mtu, u64 caps)
{
	struct hvg_nvsp_ndis_config m = {
		.msg_type = HVG_NVSP_MSG2_SEND_NDIS_CONFIG,
		.mtu = mtu,
		.capability = caps,
	};

	if (!hvg_nvsp_version_known(version))
		return -EINVAL;
	if (version < HVG_NVSP_VERSION_2)
		return -EOPNOTSUPP;
	if (mtu < HVG_NVSP_MIN_SECTION || caps > 0xff)
		return -EINVAL;
	hvg_nvsp_start(msg, m.msg_type);
	memcpy(msg->data, &m, sizeof(m));
	return HVG_NVSP_MSG_SIZE;
}

int hvg_nvsp_build_ndis_version(struct hvg_nvsp_buf *msg, u32 version)
{
	struct hvg_nvsp_ndis_version m = {
		.msg_type = HVG_NVSP_MSG1_SEND_NDIS_VER,
		.major = HVG_NVSP_NDIS_MAJOR,
		.minor = version <= HVG_NVSP_VERSION_4 ?
			HVG_NVSP_NDIS_MINOR_OLD : HVG_NVSP_NDIS_MINOR,
	};

	if (!hvg_nvsp_version_known(version))
		return -EINVAL;
	hvg_nvsp_start(msg, m.msg_type);
	memcpy(msg->data, &m, sizeof(m));
	return HVG_NVSP_MSG_SIZE;
}

static int hvg_nvsp_build_buf(struct hvg_nvsp_buf *msg, u32 type, u32 gpadl,
			      u16 id)
{
	struct hvg_nvsp_send_buf m = {
		.msg_type = type,
		.gpadl_handle = gpadl,
		.id = id,
	};

	if (!gpadl)
		return -EINVAL;
	hvg_nvsp_start(msg, type);
	memcpy(msg->data, &m, sizeof(m));
	return HVG_NVSP_MSG_SIZE;
}

int hvg_nvsp_build_recv_buf(struct hvg_nvsp_buf *msg, u32 gpadl, u16 id)
{
	return hvg_nvsp_build_buf(msg, HVG_NVSP_MSG1_SEND_RECV_BUF, gpadl, id);
}

int hvg_nvsp_build_send_buf(struct hvg_nvsp_buf *msg, u32 gpadl, u16 id)
{
	return hvg_nvsp_build_buf(msg, HVG_NVSP_MSG1_SEND_SEND_BUF, gpadl, id);
}

static int hvg_nvsp_build_revoke(struct hvg_nvsp_buf *msg, u32 type, u16 id)
{
	struct hvg_nvsp_revoke_buf m = { .msg_type = type, .id = id };

	hvg_nvsp_start(msg, type);
	memcpy(msg->data, &m, sizeof(m));
	return HVG_NVSP_MSG_SIZE;
}

int hvg_nvsp_build_revoke_recv_buf(struct hvg_nvsp_buf *msg, u16 id)
{
	return hvg_nvsp_build_revoke(msg, HVG_NVSP_MSG1_REVOKE_RECV_BUF, id);
}

int hvg_nvsp_build_revoke_send_buf(struct hvg_nvsp_buf *msg, u16 id)
{
	return hvg_nvsp_build_revoke(msg, HVG_NVSP_MSG1_REVOKE_SEND_BUF, id);
}

int hvg_nvsp_build_rndis_pkt(struct hvg_nvsp_buf *msg, u32 channel_type,
			     u32 section_index, u32 section_size)
{
	struct hvg_nvsp_rndis_pkt m = {
		.msg_type = HVG_NVSP_MSG1_SEND_RNDIS_PKT,
		.channel_type = channel_type,
		.section_index = section_index,
		.section_size = section_size,
	};

	if (channel_type != HVG_NVSP_CHANNEL_DATA &&
	    channel_type != HVG_NVSP_CHANNEL_CONTROL)
		return -EINVAL;
	if (section_index == HVG_NVSP_NO_SECTION ? section_size != 0 :
	    section_size == 0)
		return -EINVAL;
	hvg_nvsp_start(msg, m.msg_type);
	memcpy(msg->data, &m, sizeof(m));
	return HVG_NVSP_MSG_SIZE;
}

int hvg_nvsp_build_rndis_pkt_complete(struct hvg_nvsp_buf *msg, u32 status)
{
	struct hvg_nvsp_rndis_pkt_complete m = {
		.msg_type = HVG_NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE,
		.status = status,
	};

	if (status != HVG_NVSP_STAT_SUCCESS && status != HVG_NVSP_STAT_FAIL)
		return -EINVAL;
	hvg_nvsp_start(msg, m.msg_type);
	memcpy(msg->data, &m, sizeof(m));
	return HVG_NVSP_MSG_SIZE;
}

int hvg_nvsp_build_subchannel(struct hvg_nvsp_buf *msg, u32 version,
			      u32 num)
{
	struct hvg_nvsp_subchannel_req m = {
		.msg_type = HVG_NVSP_MSG5_SUBCHANNEL,
		.op = HVG_NVSP_SUBCHANNEL_ALLOCATE,
		.num_subchannels = num,
	};

	if (!hvg_nvsp_version_known(version))
		return -EINVAL;
	if (version < HVG_NVSP_VERSION_5)
		return -EOPNOTSUPP;
	if (!num || num >= HVG_NVSP_VRSS_CHANNEL_MAX)
		return -EINVAL;
	hvg_nvsp_start(msg, m.msg_type);
	memcpy(msg->data, &m, sizeof(m));
	return HVG_NVSP_MSG_SIZE;
}

int hvg_nvsp_build_switch_data_path(struct hvg_nvsp_buf *msg, u32 version,
				    u32 datapath)
{
	struct hvg_nvsp_switch_data_path m = {
		.msg_type = HVG_NVSP_MSG4_SWITCH_DATA_PATH,
		.active_datapath = datapath,
	};

	if (!hvg_nvsp_version_known(version))
		return -EINVAL;
	if (version < HVG_NVSP_VERSION_4)
		return -EOPNOTSUPP;
	if (datapath != HVG_NVSP_DATAPATH_SYNTHETIC &&
	    datapath != HVG_NVSP_DATAPATH_VF)
		return -EINVAL;
	hvg_nvsp_start(msg, m.msg_type);
	memcpy(msg->data, &m, sizeof(m));
	return HVG_NVSP_MSG_SIZE;
}

/* ---------------------------------------------------------------------
 * The loopback host's builders.
 */

u32 hvg_nvsp_host_len(u32 version)
{
	return version >= HVG_NVSP_VERSION_61 ? HVG_NVSP_MSG_SIZE : 28;
}

/* The three u32 after the type, zero padded to the host's length. */
static int hvg_nvsp_host_msg(struct hvg_nvsp_buf *msg, u32 version, u32 type,
			     u32 a, u32 b, u32 c)
{
	const u32 w[4] = { type, a, b, c };

	if (!hvg_nvsp_version_known(version))
		return -EINVAL;
	memset(msg, 0, sizeof(*msg));
	memcpy(msg->data, w, sizeof(w));
	return hvg_nvsp_host_len(version);
}

int hvg_nvsp_host_init_complete(struct hvg_nvsp_buf *msg, u32 version,
				u32 status)
{
	struct hvg_nvsp_init_complete m = {
		.msg_type = HVG_NVSP_MSG_INIT_COMPLETE,
		.negotiated_ver = version == HVG_NVSP_VERSION_1 ?
			HVG_NVSP_VERSION_1 : 0xffffffff,
		.max_mdl_chain_len = 34,
		.status = status,
	};
	int ret;

	ret = hvg_nvsp_host_msg(msg, version, m.msg_type, 0, 0, 0);
	if (ret > 0)
		memcpy(msg->data, &m, sizeof(m));
	return ret;
}

int hvg_nvsp_host_recv_buf_complete(struct hvg_nvsp_buf *msg, u32 version,
				    u32 status, u32 size, u32 count)
{
	struct hvg_nvsp_recv_section sec = {
		.sub_alloc_size = size,
		.num_sub_allocs = count,
		.end_offset = size * count,
	};
	bool ok = status == HVG_NVSP_STAT_SUCCESS;
	int ret;

	if (ok && (size < HVG_NVSP_MIN_SECTION || !count ||
		   (u64)size * count > (u32)~0u))
		return -EINVAL;
	ret = hvg_nvsp_host_msg(msg, version,
				HVG_NVSP_MSG1_SEND_RECV_BUF_COMPLETE, status,
				ok, 0);
	if (ret > 0 && ok)
		memcpy(msg->data + sizeof(struct hvg_nvsp_recv_buf_complete),
		       &sec, sizeof(sec));
	return ret;
}

int hvg_nvsp_host_send_buf_complete(struct hvg_nvsp_buf *msg, u32 version,
				    u32 status, u32 section_size)
{
	if (status == HVG_NVSP_STAT_SUCCESS &&
	    section_size < HVG_NVSP_MIN_SECTION)
		return -EINVAL;
	return hvg_nvsp_host_msg(msg, version,
				 HVG_NVSP_MSG1_SEND_SEND_BUF_COMPLETE, status,
				 section_size, 0);
}

int hvg_nvsp_host_rndis_pkt(struct hvg_nvsp_buf *msg, u32 version,
			    u32 channel_type)
{
	if (channel_type > HVG_NVSP_CHANNEL_CONTROL)
		return -EINVAL;
	return hvg_nvsp_host_msg(msg, version, HVG_NVSP_MSG1_SEND_RNDIS_PKT,
				 channel_type, HVG_NVSP_NO_SECTION, 0);
}

int hvg_nvsp_host_rndis_pkt_complete(struct hvg_nvsp_buf *msg, u32 version,
				     u32 status)
{
	return hvg_nvsp_host_msg(msg, version,
				 HVG_NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE, status,
				 0, 0);
}

int hvg_nvsp_host_subchannel_complete(struct hvg_nvsp_buf *msg, u32 version,
				      u32 status, u32 num)
{
	if (version < HVG_NVSP_VERSION_5 || num >= HVG_NVSP_VRSS_CHANNEL_MAX)
		return -EINVAL;
	return hvg_nvsp_host_msg(msg, version, HVG_NVSP_MSG5_SUBCHANNEL,
				 status, num, 0);
}

int hvg_nvsp_host_send_table(void *buf, u32 cap, const u32 *table)
{
	struct hvg_nvsp_send_indirection_table m = {
		.msg_type = HVG_NVSP_MSG5_SEND_INDIRECTION_TABLE,
		.count = HVG_NVSP_SEND_TABLE_ENTRIES,
		.offset = sizeof(m),
	};
	u32 i;

	if (cap < HVG_NVSP_SEND_TABLE_MSG_SIZE)
		return -ENOSPC;
	for (i = 0; i < HVG_NVSP_SEND_TABLE_ENTRIES; i++)
		if (table[i] >= HVG_NVSP_VRSS_CHANNEL_MAX)
			return -EINVAL;
	memcpy(buf, &m, sizeof(m));
	memcpy((u8 *)buf + sizeof(m), table,
	       HVG_NVSP_SEND_TABLE_ENTRIES * sizeof(u32));
	return HVG_NVSP_SEND_TABLE_MSG_SIZE;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * RNDIS messages and NDIS objects: parsers and builders (see rndis_msg.h).
 *
 * Each parse function copies the type's fixed part out of the caller's
 * buffer once into a local wire struct and looks only at that copy; the
 * variable parts (information buffers, per-packet infos) are bounded
 * against msg_len before one copy of each value is taken. Lengths are
 * added in 64 bits, so no sum of host-written values can wrap.
 */
#include "rndis_msg.h"
#include <hvguest/nvsp.h>

#define HVG_RNDIS_HDR_LEN	((u32)sizeof(struct hvg_rndis_hdr))
#define HVG_RNDIS_PPI_HDR_LEN	((u32)sizeof(struct hvg_rndis_ppi))

/* Does [@off, @off + @len) lie inside @total bytes? */
static bool hvg_rndis_inside(u32 off, u32 len, u32 total)
{
	return (u64)off + len <= total;
}

/*
 * A buffer described by {length, offset from byte 8} in a message of
 * @msg_len bytes whose fixed part is @fixed bytes: an empty one is fine
 * wherever it points; else it starts at or after the fixed part and ends
 * inside the message. Sets *@abs to the offset from the message start.
 */
static bool hvg_rndis_buf_ok(u32 rel_off, u32 len, u32 fixed, u32 msg_len,
			     u32 *abs)
{
	u64 start = (u64)rel_off + HVG_RNDIS_HDR_LEN;

	*abs = 0;
	if (!len)
		return true;
	if (start < fixed || start + len > msg_len)
		return false;
	*abs = (u32)start;
	return true;
}

/* One per-packet info, by type: where its value goes and its flag. */
static int hvg_rndis_ppi_value(struct hvg_rndis_pkt *p, u32 type,
			       const u8 *val, u32 vlen)
{
	u32 flag, *dst = NULL;
	u32 v;

	switch (type) {
	case HVG_RNDIS_PPI_TCPIP_CHKSUM:
		flag = HVG_RNDIS_PI_CSUM;
		dst = &p->csum;
		break;
	case HVG_RNDIS_PPI_TCP_LARGESEND:
		flag = HVG_RNDIS_PI_LSO;
		dst = &p->lso;
		break;
	case HVG_RNDIS_PPI_IEEE_8021Q:
		flag = HVG_RNDIS_PI_VLAN;
		dst = &p->vlan;
		break;
	case HVG_RNDIS_PPI_NBL_HASH_VALUE:
		flag = HVG_RNDIS_PI_HASH;
		dst = &p->hash;
		break;
	case HVG_RNDIS_PPI_PKTINFO_ID:
		flag = HVG_RNDIS_PI_PKTINFO_ID;
		break;
	default:
		return 0;	/* a type nobody here uses: skipped */
	}
	if (vlen < sizeof(v))
		return -HVG_RNDIS_E_PPI;
	if (p->present & flag)
		return -HVG_RNDIS_E_PPIDUP;
	p->present |= flag;
	memcpy(&v, val, sizeof(v));
	if (dst) {
		*dst = v;
		return 0;
	}
	/* {u8 version, u8 flags, u16 id}, little endian. */
	if ((v & 0xff) != HVG_RNDIS_PKTINFO_VERSION)
		return -HVG_RNDIS_E_PPI;
	p->pktinfo_flags = (v >> 8) & 0xff;
	p->pktinfo_id = v >> 16;
	return 0;
}

/*
 * The per-packet-info walk over @len bytes at @ppi. Every entry is at
 * least 12 bytes and no longer than what is left, so the walk ends after
 * at most @len / 12 entries: a zero-length or overlong entry is an error,
 * never a loop.
 */
static int hvg_rndis_walk_ppi(const u8 *ppi, u32 len, struct hvg_rndis_pkt *p)
{
	struct hvg_rndis_ppi e;
	int ret;

	while (len) {
		if (len < HVG_RNDIS_PPI_HDR_LEN)
			return -HVG_RNDIS_E_PPI;
		memcpy(&e, ppi, sizeof(e));
		if (e.size < HVG_RNDIS_PPI_HDR_LEN || e.size > len)
			return -HVG_RNDIS_E_PPI;
		if (e.ppi_offset < HVG_RNDIS_PPI_HDR_LEN ||
		    e.ppi_offset > e.size)
			return -HVG_RNDIS_E_PPI;
		ret = hvg_rndis_ppi_value(p, e.type, ppi + e.ppi_offset,
					  e.size - e.ppi_offset);
		if (ret)
			return ret;
		ppi += e.size;
		len -= e.size;
	}
	return 0;
}

static int hvg_rndis_parse_packet(const u8 *buf, struct hvg_rndis_msg *out)
{
	struct hvg_rndis_pkt *p = &out->packet;
	struct hvg_rndis_packet m;
	u32 data, ppi;

	memcpy(&m, buf, sizeof(m));
	memset(p, 0, sizeof(*p));
	if (!m.data_len ||
	    !hvg_rndis_buf_ok(m.data_offset, m.data_len, sizeof(m),
			      out->msg_len, &data))
		return -HVG_RNDIS_E_DATA;
	p->data_offset = data;
	p->data_len = m.data_len;
	if (!m.ppi_len)
		return 0;
	if (!hvg_rndis_buf_ok(m.ppi_offset, m.ppi_len, sizeof(m),
			      out->msg_len, &ppi))
		return -HVG_RNDIS_E_PPI;
	/* The infos and the frame do not overlap. */
	if ((u64)ppi + m.ppi_len > data && (u64)data + m.data_len > ppi)
		return -HVG_RNDIS_E_PPI;
	return hvg_rndis_walk_ppi(buf + ppi, m.ppi_len, p);
}

static int hvg_rndis_parse_init_c(const u8 *buf, struct hvg_rndis_msg *out)
{
	struct hvg_rndis_init_c m;

	memcpy(&m, buf, sizeof(m));
	out->init_c.req_id = m.req_id;
	out->init_c.status = m.status;
	out->init_c.major = m.major;
	out->init_c.minor = m.minor;
	out->init_c.dev_flags = m.dev_flags;
	out->init_c.medium = m.medium;
	out->init_c.max_pkt_per_msg = m.max_pkt_per_msg;
	out->init_c.max_xfer_size = m.max_xfer_size;
	out->init_c.pkt_align_factor = m.pkt_align_factor;
	return 0;
}

static int hvg_rndis_parse_query_c(const u8 *buf, struct hvg_rndis_msg *out)
{
	struct hvg_rndis_query_c m;
	u32 abs;

	memcpy(&m, buf, sizeof(m));
	if (!hvg_rndis_buf_ok(m.info_buf_offset, m.info_buflen, sizeof(m),
			      out->msg_len, &abs))
		return -HVG_RNDIS_E_BUF;
	out->query_c.req_id = m.req_id;
	out->query_c.status = m.status;
	out->query_c.info_len = m.info_buflen;
	out->query_c.info_offset = abs;
	return 0;
}

static int hvg_rndis_parse_status_c(const u8 *buf, struct hvg_rndis_msg *out)
{
	struct hvg_rndis_status_c m;

	memcpy(&m, buf, sizeof(m));
	out->status_c.req_id = m.req_id;
	out->status_c.status = m.status;
	return 0;
}

static int hvg_rndis_parse_reset_c(const u8 *buf, struct hvg_rndis_msg *out)
{
	struct hvg_rndis_reset_c m;

	memcpy(&m, buf, sizeof(m));
	out->reset_c.status = m.status;
	out->reset_c.addressing_reset = m.addressing_reset;
	return 0;
}

static int hvg_rndis_parse_indicate(const u8 *buf, struct hvg_rndis_msg *out)
{
	struct hvg_rndis_indicate m;
	u32 abs, speed = 0;

	memcpy(&m, buf, sizeof(m));
	if (!hvg_rndis_buf_ok(m.status_buf_offset, m.status_buflen, sizeof(m),
			      out->msg_len, &abs))
		return -HVG_RNDIS_E_BUF;
	if (m.status == HVG_RNDIS_STATUS_LINK_SPEED_CHANGE) {
		if (m.status_buflen < sizeof(speed))
			return -HVG_RNDIS_E_BUF;
		memcpy(&speed, buf + abs, sizeof(speed));
	}
	out->indicate.status = m.status;
	out->indicate.buf_len = m.status_buflen;
	out->indicate.buf_offset = abs;
	out->indicate.link_speed = speed;
	return 0;
}

static int hvg_rndis_parse_init(const u8 *buf, struct hvg_rndis_msg *out)
{
	struct hvg_rndis_init m;

	memcpy(&m, buf, sizeof(m));
	out->init.req_id = m.req_id;
	out->init.major = m.major;
	out->init.minor = m.minor;
	out->init.max_xfer_size = m.max_xfer_size;
	return 0;
}

static int hvg_rndis_parse_oid_req(const u8 *buf, struct hvg_rndis_msg *out)
{
	struct hvg_rndis_query m;
	u32 abs;

	memcpy(&m, buf, sizeof(m));
	if (!hvg_rndis_buf_ok(m.info_buf_offset, m.info_buflen, sizeof(m),
			      out->msg_len, &abs))
		return -HVG_RNDIS_E_BUF;
	out->oid_req.req_id = m.req_id;
	out->oid_req.oid = m.oid;
	out->oid_req.info_len = m.info_buflen;
	out->oid_req.info_offset = abs;
	return 0;
}

static int hvg_rndis_parse_req_id(const u8 *buf, struct hvg_rndis_msg *out)
{
	struct hvg_rndis_req_id_only m;

	memcpy(&m, buf, sizeof(m));
	out->req_id_only.req_id = m.req_id;
	return 0;
}

struct hvg_rndis_type {
	u32 type;
	const char *name;
	u32 min_len;
	int (*parse)(const u8 *buf, struct hvg_rndis_msg *out);
};

#define RTYPE(t, wire, fn)	{ HVG_RNDIS_MSG_##t, #t, sizeof(wire), fn }

static const struct hvg_rndis_type hvg_rndis_host_types[] = {
	RTYPE(PACKET, struct hvg_rndis_packet, hvg_rndis_parse_packet),
	RTYPE(INIT_C, struct hvg_rndis_init_c, hvg_rndis_parse_init_c),
	RTYPE(QUERY_C, struct hvg_rndis_query_c, hvg_rndis_parse_query_c),
	RTYPE(SET_C, struct hvg_rndis_status_c, hvg_rndis_parse_status_c),
	RTYPE(RESET_C, struct hvg_rndis_reset_c, hvg_rndis_parse_reset_c),
	RTYPE(KEEPALIVE_C, struct hvg_rndis_status_c,
	      hvg_rndis_parse_status_c),
	RTYPE(INDICATE, struct hvg_rndis_indicate, hvg_rndis_parse_indicate),
};

static const struct hvg_rndis_type hvg_rndis_guest_types[] = {
	RTYPE(PACKET, struct hvg_rndis_packet, hvg_rndis_parse_packet),
	RTYPE(INIT, struct hvg_rndis_init, hvg_rndis_parse_init),
	RTYPE(QUERY, struct hvg_rndis_query, hvg_rndis_parse_oid_req),
	RTYPE(SET, struct hvg_rndis_query, hvg_rndis_parse_oid_req),
	RTYPE(HALT, struct hvg_rndis_req_id_only, hvg_rndis_parse_req_id),
	RTYPE(RESET, struct hvg_rndis_reset, NULL),
	RTYPE(KEEPALIVE, struct hvg_rndis_req_id_only,
	      hvg_rndis_parse_req_id),
};

static int hvg_rndis_parse(const struct hvg_rndis_type *types, u32 ntypes,
			   const void *buf, u32 len, struct hvg_rndis_msg *out)
{
	struct hvg_rndis_hdr h;
	u32 i;

	if (len < sizeof(h))
		return -HVG_RNDIS_E_NOHDR;
	memcpy(&h, buf, sizeof(h));
	if (h.msg_len < sizeof(h) || h.msg_len > len)
		return -HVG_RNDIS_E_LEN;
	for (i = 0; i < ntypes; i++) {
		if (types[i].type != h.type)
			continue;
		if (h.msg_len < types[i].min_len)
			return -HVG_RNDIS_E_SHORT;
		out->type = h.type;
		out->msg_len = h.msg_len;
		return types[i].parse ? types[i].parse(buf, out) : 0;
	}
	return -HVG_RNDIS_E_TYPE;
}

int hvg_rndis_parse_host(const void *buf, u32 len, struct hvg_rndis_msg *out)
{
	return hvg_rndis_parse(hvg_rndis_host_types,
			       ARRAY_SIZE(hvg_rndis_host_types), buf, len, out);
}

int hvg_rndis_parse_packet_head(const void *head, u32 head_len, u32 len,
				struct hvg_rndis_msg *out)
{
	struct hvg_rndis_pkt *p = &out->packet;
	const u8 *buf = head;
	struct hvg_rndis_packet m;
	struct hvg_rndis_hdr h;
	u32 data, ppi;

	if (head_len > len)
		return -EINVAL;
	if (head_len < sizeof(h))
		return -HVG_RNDIS_E_NOHDR;
	memcpy(&h, buf, sizeof(h));
	if (h.msg_len < sizeof(h) || h.msg_len > len)
		return -HVG_RNDIS_E_LEN;
	if (h.type != HVG_RNDIS_MSG_PACKET)
		return -HVG_RNDIS_E_TYPE;
	if (h.msg_len < sizeof(m))
		return -HVG_RNDIS_E_SHORT;
	if (head_len < sizeof(m))
		return -HVG_RNDIS_E_HEAD;
	memcpy(&m, buf, sizeof(m));
	out->type = h.type;
	out->msg_len = h.msg_len;
	memset(p, 0, sizeof(*p));
	if (!m.data_len ||
	    !hvg_rndis_buf_ok(m.data_offset, m.data_len, sizeof(m), h.msg_len,
			      &data))
		return -HVG_RNDIS_E_DATA;
	p->data_offset = data;
	p->data_len = m.data_len;
	if (!m.ppi_len)
		return 0;
	if (!hvg_rndis_buf_ok(m.ppi_offset, m.ppi_len, sizeof(m), h.msg_len,
			      &ppi))
		return -HVG_RNDIS_E_PPI;
	if ((u64)ppi + m.ppi_len > head_len)
		return -HVG_RNDIS_E_HEAD;
	/* The data follows the infos: it is never inside the head's parse. */
	if ((u64)ppi + m.ppi_len > data)
		return -HVG_RNDIS_E_PPI;
	return hvg_rndis_walk_ppi(buf + ppi, m.ppi_len, p);
}

int hvg_rndis_parse_guest(const void *buf, u32 len, struct hvg_rndis_msg *out)
{
	return hvg_rndis_parse(hvg_rndis_guest_types,
			       ARRAY_SIZE(hvg_rndis_guest_types), buf, len,
			       out);
}

int hvg_rndis_check_reply(const struct hvg_rndis_msg *m,
			  const struct hvg_rndis_request *req)
{
	u32 req_id, status;

	if (m->type != (req->type | HVG_RNDIS_MSG_COMPLETION))
		return -HVG_RNDIS_E_MISMATCH;
	switch (m->type) {
	case HVG_RNDIS_MSG_INIT_C:
		req_id = m->init_c.req_id;
		status = m->init_c.status;
		break;
	case HVG_RNDIS_MSG_QUERY_C:
		req_id = m->query_c.req_id;
		status = m->query_c.status;
		break;
	case HVG_RNDIS_MSG_SET_C:
	case HVG_RNDIS_MSG_KEEPALIVE_C:
		req_id = m->status_c.req_id;
		status = m->status_c.status;
		break;
	case HVG_RNDIS_MSG_RESET_C:
		/* RESET carries no request id. */
		req_id = req->req_id;
		status = m->reset_c.status;
		break;
	default:
		return -HVG_RNDIS_E_MISMATCH;
	}
	if (req_id != req->req_id)
		return -HVG_RNDIS_E_MISMATCH;
	if (status != HVG_RNDIS_STATUS_SUCCESS)
		return -HVG_RNDIS_E_STATUS;
	if (m->type == HVG_RNDIS_MSG_INIT_C &&
	    (m->init_c.major != HVG_RNDIS_MAJOR ||
	     m->init_c.medium != HVG_RNDIS_MEDIUM_802_3 ||
	     !m->init_c.max_pkt_per_msg ||
	     m->init_c.pkt_align_factor > HVG_RNDIS_MAX_ALIGN_SHIFT))
		return -HVG_RNDIS_E_INIT;
	if (m->type == HVG_RNDIS_MSG_QUERY_C &&
	    m->query_c.info_len > req->info_cap)
		return -HVG_RNDIS_E_OVERFLOW;
	return 0;
}

const char *hvg_rndis_errname(int err)
{
	switch (-err) {
	case 0:
		return "ok";
	case HVG_RNDIS_E_NOHDR:
		return "no-header";
	case HVG_RNDIS_E_LEN:
		return "bad-msg_len";
	case HVG_RNDIS_E_TYPE:
		return "unexpected-type";
	case HVG_RNDIS_E_SHORT:
		return "too-short";
	case HVG_RNDIS_E_MISMATCH:
		return "reply-does-not-match-request";
	case HVG_RNDIS_E_STATUS:
		return "status-not-success";
	case HVG_RNDIS_E_BUF:
		return "buffer-outside-message";
	case HVG_RNDIS_E_OVERFLOW:
		return "answer-larger-than-request";
	case HVG_RNDIS_E_INIT:
		return "unusable-init-values";
	case HVG_RNDIS_E_DATA:
		return "bad-packet-data-range";
	case HVG_RNDIS_E_PPI:
		return "malformed-per-packet-info";
	case HVG_RNDIS_E_PPIDUP:
		return "duplicate-per-packet-info";
	case HVG_RNDIS_E_OBJECT:
		return "bad-ndis-object";
	case HVG_RNDIS_E_HEAD:
		return "packet-header-past-head";
	default:
		return "unknown-error";
	}
}

const char *hvg_rndis_type_name(u32 type)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(hvg_rndis_host_types); i++)
		if (hvg_rndis_host_types[i].type == type)
			return hvg_rndis_host_types[i].name;
	for (i = 0; i < ARRAY_SIZE(hvg_rndis_guest_types); i++)
		if (hvg_rndis_guest_types[i].type == type)
			return hvg_rndis_guest_types[i].name;
	return "UNKNOWN";
}

/* ---------------------------------------------------------------------
 * Builders.
 */

/* A request of @len bytes (@len <= 28) with its header; zeroed first. */
static int hvg_rndis_start(void *buf, u32 cap, u32 type, u32 len)
{
	struct hvg_rndis_hdr h = { .type = type, .msg_len = len };

	if (cap < len)
		return -ENOSPC;
	memset(buf, 0, len);
	memcpy(buf, &h, sizeof(h));
	return len;
}

int hvg_rndis_build_init(void *buf, u32 cap, u32 req_id)
{
	struct hvg_rndis_init m = {
		.hdr = { HVG_RNDIS_MSG_INIT, sizeof(m) },
		.req_id = req_id,
		.major = HVG_RNDIS_MAJOR,
		.minor = HVG_RNDIS_MINOR,
		.max_xfer_size = HVG_RNDIS_GUEST_MAX_XFER,
	};

	if (cap < sizeof(m))
		return -ENOSPC;
	memcpy(buf, &m, sizeof(m));
	return sizeof(m);
}

static int hvg_rndis_build_oid(void *buf, u32 cap, u32 type, u32 req_id,
			       u32 oid, const void *info, u32 info_len)
{
	struct hvg_rndis_query m = {
		.hdr = { type, 0 },
		.req_id = req_id,
		.oid = oid,
		.info_buflen = info_len,
		.info_buf_offset = info_len ? HVG_RNDIS_REQ_INFO_OFFSET : 0,
	};
	u64 total = (u64)sizeof(m) + info_len;

	if (info_len && !info)
		return -EINVAL;
	if (total > cap)
		return -ENOSPC;
	m.hdr.msg_len = (u32)total;
	memcpy(buf, &m, sizeof(m));
	if (info_len)
		memcpy((u8 *)buf + sizeof(m), info, info_len);
	return (int)total;
}

int hvg_rndis_build_query(void *buf, u32 cap, u32 req_id, u32 oid,
			  const void *info, u32 info_len)
{
	return hvg_rndis_build_oid(buf, cap, HVG_RNDIS_MSG_QUERY, req_id, oid,
				   info, info_len);
}

int hvg_rndis_build_set(void *buf, u32 cap, u32 req_id, u32 oid,
			const void *info, u32 info_len)
{
	return hvg_rndis_build_oid(buf, cap, HVG_RNDIS_MSG_SET, req_id, oid,
				   info, info_len);
}

static int hvg_rndis_build_req_id(void *buf, u32 cap, u32 type, u32 req_id)
{
	int ret = hvg_rndis_start(buf, cap, type,
				  sizeof(struct hvg_rndis_req_id_only));

	if (ret > 0)
		memcpy((u8 *)buf + HVG_RNDIS_HDR_LEN, &req_id, sizeof(req_id));
	return ret;
}

int hvg_rndis_build_halt(void *buf, u32 cap, u32 req_id)
{
	return hvg_rndis_build_req_id(buf, cap, HVG_RNDIS_MSG_HALT, req_id);
}

int hvg_rndis_build_keepalive(void *buf, u32 cap, u32 req_id)
{
	return hvg_rndis_build_req_id(buf, cap, HVG_RNDIS_MSG_KEEPALIVE,
				      req_id);
}

int hvg_rndis_build_reset(void *buf, u32 cap)
{
	return hvg_rndis_start(buf, cap, HVG_RNDIS_MSG_RESET,
			       sizeof(struct hvg_rndis_reset));
}

/* One 16-byte PPI at @p: header and a u32 value. */
static u8 *hvg_rndis_put_ppi(u8 *p, u32 type, u32 value)
{
	struct hvg_rndis_ppi e = {
		.size = HVG_RNDIS_PPI_HDR_LEN + sizeof(value),
		.type = type,
		.ppi_offset = HVG_RNDIS_PPI_HDR_LEN,
	};

	memcpy(p, &e, sizeof(e));
	memcpy(p + sizeof(e), &value, sizeof(value));
	return p + sizeof(e) + sizeof(value);
}

#define HVG_RNDIS_TX_PI	(HVG_RNDIS_PI_CSUM | HVG_RNDIS_PI_LSO | \
			 HVG_RNDIS_PI_VLAN | HVG_RNDIS_PI_HASH | \
			 HVG_RNDIS_PI_PKTINFO_ID)

int hvg_rndis_build_packet(void *buf, u32 cap,
			   const struct hvg_rndis_tx_ppi *ppi, u32 data_len)
{
	const u32 one = HVG_RNDIS_PPI_HDR_LEN + sizeof(u32);
	u32 present = ppi ? ppi->present : 0;
	struct hvg_rndis_packet m;
	u32 nppi = 0, hdr_len;
	u8 *p;

	if (present & ~HVG_RNDIS_TX_PI)
		return -EINVAL;
	if ((present & HVG_RNDIS_PI_CSUM) && (present & HVG_RNDIS_PI_LSO))
		return -EINVAL;
	nppi = !!(present & HVG_RNDIS_PI_HASH) +
		!!(present & HVG_RNDIS_PI_VLAN) +
		!!(present & (HVG_RNDIS_PI_CSUM | HVG_RNDIS_PI_LSO)) +
		!!(present & HVG_RNDIS_PI_PKTINFO_ID);
	hdr_len = sizeof(m) + nppi * one;
	if (!data_len || data_len > (u32)~0u - hdr_len)
		return -EINVAL;
	if (cap < hdr_len)
		return -ENOSPC;

	memset(&m, 0, sizeof(m));
	m.hdr.type = HVG_RNDIS_MSG_PACKET;
	m.hdr.msg_len = hdr_len + data_len;
	m.data_offset = hdr_len - HVG_RNDIS_HDR_LEN;
	m.data_len = data_len;
	if (nppi) {
		m.ppi_offset = HVG_RNDIS_PACKET_BODY;
		m.ppi_len = nppi * one;
	}
	memcpy(buf, &m, sizeof(m));
	p = (u8 *)buf + sizeof(m);
	if (present & HVG_RNDIS_PI_HASH)
		p = hvg_rndis_put_ppi(p, HVG_RNDIS_PPI_NBL_HASH_VALUE,
				      ppi->hash);
	if (present & HVG_RNDIS_PI_VLAN)
		p = hvg_rndis_put_ppi(p, HVG_RNDIS_PPI_IEEE_8021Q, ppi->vlan);
	if (present & HVG_RNDIS_PI_LSO)
		p = hvg_rndis_put_ppi(p, HVG_RNDIS_PPI_TCP_LARGESEND,
				      ppi->lso);
	if (present & HVG_RNDIS_PI_CSUM)
		p = hvg_rndis_put_ppi(p, HVG_RNDIS_PPI_TCPIP_CHKSUM, ppi->csum);
	if (present & HVG_RNDIS_PI_PKTINFO_ID)
		hvg_rndis_put_ppi(p, HVG_RNDIS_PPI_PKTINFO_ID,
				  HVG_RNDIS_PKTINFO_VERSION |
				  (u32)ppi->pktinfo_flags << 8 |
				  (u32)ppi->pktinfo_id << 16);
	return hdr_len;
}

/* ---------------------------------------------------------------------
 * NDIS objects.
 */

u32 hvg_ndis_offload_size(u32 nvsp_version, u8 *revision)
{
	if (nvsp_version >= HVG_NVSP_VERSION_5) {
		*revision = 3;
		return HVG_NDIS_OFFLOAD_SIZE_REV3;
	}
	if (nvsp_version >= HVG_NVSP_VERSION_4) {
		*revision = 2;
		return HVG_NDIS_OFFLOAD_SIZE_REV2;
	}
	*revision = 1;
	return HVG_NDIS_OFFLOAD_SIZE_REV1;
}

int hvg_ndis_build_offload_query(void *info, u32 cap, u32 nvsp_version)
{
	struct hvg_ndis_obj_hdr h = { .type = HVG_NDIS_OBJ_OFFLOAD };
	u32 size = hvg_ndis_offload_size(nvsp_version, &h.revision);

	if (cap < size)
		return -ENOSPC;
	h.size = size;
	memset(info, 0, size);
	memcpy(info, &h, sizeof(h));
	return size;
}

int hvg_ndis_parse_offload(const void *info, u32 len, u32 requested,
			   struct hvg_ndis_offload *out)
{
	struct hvg_ndis_obj_hdr h;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(h))
		return -HVG_RNDIS_E_OBJECT;
	memcpy(&h, info, sizeof(h));
	if (h.type != HVG_NDIS_OBJ_OFFLOAD || !h.revision ||
	    h.size < HVG_NDIS_OFFLOAD_SIZE_REV1 || h.size > requested ||
	    h.size > len || h.size > sizeof(*out))
		return -HVG_RNDIS_E_OBJECT;
	memcpy(out, info, h.size);
	/* The header as checked, not as a second read would find it. */
	out->hdr = h;
	return 0;
}

int hvg_ndis_build_offload_params(void *info, u32 cap, u32 nvsp_version,
				  const struct hvg_ndis_offload_params *p)
{
	struct hvg_ndis_offload_params m = *p;
	u32 size = nvsp_version <= HVG_NVSP_VERSION_4 ?
		HVG_NDIS_OFFLOAD_PARAMS_SIZE_V4 : HVG_NDIS_OFFLOAD_PARAMS_SIZE;

	if (cap < size)
		return -ENOSPC;
	m.hdr.type = HVG_NDIS_OBJ_DEFAULT;
	m.hdr.revision = HVG_NDIS_OFFLOAD_PARAMS_REVISION;
	m.hdr.size = size;
	memcpy(info, &m, size);
	return size;
}

int hvg_ndis_parse_offload_params(const void *info, u32 len,
				  struct hvg_ndis_offload_params *out)
{
	struct hvg_ndis_obj_hdr h;
	u32 size;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(h))
		return -HVG_RNDIS_E_OBJECT;
	memcpy(&h, info, sizeof(h));
	if (h.type != HVG_NDIS_OBJ_DEFAULT || !h.revision ||
	    h.size < HVG_NDIS_OFFLOAD_PARAMS_SIZE_V4 || h.size > len)
		return -HVG_RNDIS_E_OBJECT;
	size = h.size < sizeof(*out) ? h.size : sizeof(*out);
	memcpy(out, info, size);
	out->hdr = h;
	return 0;
}

int hvg_ndis_build_rss_caps_query(void *info, u32 cap)
{
	struct hvg_ndis_obj_hdr h = {
		.type = HVG_NDIS_OBJ_RSS_CAPABILITIES,
		.revision = HVG_NDIS_RSS_CAPS_REVISION,
		.size = HVG_NDIS_RSS_CAPS_SIZE,
	};

	if (cap < HVG_NDIS_RSS_CAPS_SIZE)
		return -ENOSPC;
	memset(info, 0, HVG_NDIS_RSS_CAPS_SIZE);
	memcpy(info, &h, sizeof(h));
	return HVG_NDIS_RSS_CAPS_SIZE;
}

int hvg_ndis_parse_rss_caps(const void *info, u32 len,
			    struct hvg_ndis_rss_caps *out)
{
	memset(out, 0, sizeof(*out));
	if (len < HVG_NDIS_RSS_CAPS_SIZE)
		return -HVG_RNDIS_E_OBJECT;
	memcpy(out, info, HVG_NDIS_RSS_CAPS_SIZE);
	if (out->hdr.type != HVG_NDIS_OBJ_RSS_CAPABILITIES ||
	    out->hdr.size < HVG_NDIS_RSS_CAPS_SIZE || out->hdr.size > len ||
	    out->num_recv_queues > HVG_NDIS_RSS_TABLE_MAX)
		return -HVG_RNDIS_E_OBJECT;
	return 0;
}

int hvg_ndis_build_rss_params(void *info, u32 cap, u16 flags, u32 hash_info,
			      const u32 *table, u32 entries, const u8 *key)
{
	struct hvg_ndis_rss_params m;
	u32 tbytes = entries * sizeof(u32);
	u32 size = sizeof(m) + tbytes + HVG_NDIS_RSS_KEY_SIZE;

	if (!entries || entries > HVG_NDIS_RSS_TABLE_MAX)
		return -EINVAL;
	if (cap < size)
		return -ENOSPC;
	memset(&m, 0, sizeof(m));
	m.hdr.type = HVG_NDIS_OBJ_RSS_PARAMETERS;
	m.hdr.revision = HVG_NDIS_RSS_PARAMS_REVISION;
	m.hdr.size = sizeof(m);
	m.flags = flags;
	m.hash_info = hash_info;
	m.table_size = tbytes;
	m.table_offset = sizeof(m);
	m.key_size = HVG_NDIS_RSS_KEY_SIZE;
	m.key_offset = sizeof(m) + tbytes;
	memcpy(info, &m, sizeof(m));
	memcpy((u8 *)info + m.table_offset, table, tbytes);
	memcpy((u8 *)info + m.key_offset, key, HVG_NDIS_RSS_KEY_SIZE);
	return size;
}

int hvg_ndis_parse_rss_params(const void *info, u32 len, u32 num_queues,
			      struct hvg_ndis_rss *out)
{
	struct hvg_ndis_rss_params m;
	u32 i, entries;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(m))
		return -HVG_RNDIS_E_OBJECT;
	memcpy(&m, info, sizeof(m));
	if (m.hdr.type != HVG_NDIS_OBJ_RSS_PARAMETERS || !m.hdr.revision ||
	    m.hdr.size < sizeof(m) || m.hdr.size > len)
		return -HVG_RNDIS_E_OBJECT;
	out->flags = m.flags;
	out->hash_info = m.hash_info;
	out->enabled = !(m.flags & HVG_NDIS_RSS_FLAG_DISABLE) &&
		(m.hash_info & HVG_NDIS_HASH_FUNC_MASK);
	if (!out->enabled)
		return 0;
	if (m.key_size != HVG_NDIS_RSS_KEY_SIZE ||
	    !hvg_rndis_inside(m.key_offset, m.key_size, len) ||
	    m.key_offset < sizeof(m))
		return -HVG_RNDIS_E_OBJECT;
	if (!m.table_size || m.table_size % sizeof(u32) ||
	    m.table_size / sizeof(u32) > HVG_NDIS_RSS_TABLE_MAX ||
	    !hvg_rndis_inside(m.table_offset, m.table_size, len) ||
	    m.table_offset < sizeof(m))
		return -HVG_RNDIS_E_OBJECT;
	entries = m.table_size / sizeof(u32);
	memcpy(out->table, (const u8 *)info + m.table_offset, m.table_size);
	memcpy(out->key, (const u8 *)info + m.key_offset, m.key_size);
	for (i = 0; i < entries; i++)
		if (out->table[i] >= num_queues)
			return -HVG_RNDIS_E_OBJECT;
	out->entries = entries;
	return 0;
}

/* "NetworkAddress" in UTF-16LE: 14 characters, 28 bytes. */
static const char hvg_rndis_mac_name[] = "NetworkAddress";
#define HVG_RNDIS_MAC_NAME_BYTES	28
#define HVG_RNDIS_MAC_VALUE_BYTES	24

static void hvg_rndis_put_utf16(u8 *p, const char *s, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		p[2 * i] = s[i];
		p[2 * i + 1] = 0;
	}
}

int hvg_rndis_build_mac_param(void *info, u32 cap, const u8 *mac)
{
	static const char hex[] = "0123456789abcdef";
	struct hvg_rndis_config_param m = {
		.name_offset = sizeof(m),
		.name_length = HVG_RNDIS_MAC_NAME_BYTES,
		.type = HVG_RNDIS_CONFIG_PARAM_STRING,
		.value_offset = sizeof(m) + HVG_RNDIS_MAC_NAME_BYTES,
		.value_length = HVG_RNDIS_MAC_VALUE_BYTES,
	};
	char digits[12];
	u8 *p = info;
	u32 i;

	if (cap < HVG_RNDIS_MAC_PARAM_SIZE)
		return -ENOSPC;
	for (i = 0; i < 6; i++) {
		digits[2 * i] = hex[mac[i] >> 4];
		digits[2 * i + 1] = hex[mac[i] & 0xf];
	}
	memcpy(p, &m, sizeof(m));
	hvg_rndis_put_utf16(p + m.name_offset, hvg_rndis_mac_name,
			    HVG_RNDIS_MAC_NAME_BYTES / 2);
	hvg_rndis_put_utf16(p + m.value_offset, digits, sizeof(digits));
	return HVG_RNDIS_MAC_PARAM_SIZE;
}

static int hvg_rndis_hex(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hvg_rndis_parse_mac_param(const void *info, u32 len, u8 *mac)
{
	const u8 *p = info;
	struct hvg_rndis_config_param m;
	u8 val[HVG_RNDIS_MAC_VALUE_BYTES];
	u32 i;
	int hi, lo;

	if (len < sizeof(m))
		return -HVG_RNDIS_E_OBJECT;
	memcpy(&m, p, sizeof(m));
	if (m.type != HVG_RNDIS_CONFIG_PARAM_STRING ||
	    m.name_length != HVG_RNDIS_MAC_NAME_BYTES ||
	    m.value_length != HVG_RNDIS_MAC_VALUE_BYTES ||
	    m.name_offset < sizeof(m) || m.value_offset < sizeof(m) ||
	    !hvg_rndis_inside(m.name_offset, m.name_length, len) ||
	    !hvg_rndis_inside(m.value_offset, m.value_length, len))
		return -HVG_RNDIS_E_OBJECT;
	for (i = 0; i < HVG_RNDIS_MAC_NAME_BYTES / 2; i++)
		if (p[m.name_offset + 2 * i] != (u8)hvg_rndis_mac_name[i] ||
		    p[m.name_offset + 2 * i + 1])
			return -HVG_RNDIS_E_OBJECT;
	memcpy(val, p + m.value_offset, sizeof(val));
	for (i = 0; i < 6; i++) {
		if (val[4 * i + 1] || val[4 * i + 3])
			return -HVG_RNDIS_E_OBJECT;
		hi = hvg_rndis_hex(val[4 * i]);
		lo = hvg_rndis_hex(val[4 * i + 2]);
		if (hi < 0 || lo < 0)
			return -HVG_RNDIS_E_OBJECT;
		mac[i] = hi << 4 | lo;
	}
	return 0;
}

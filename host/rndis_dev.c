// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback host's RNDIS device (see rndis_dev.h).
 *
 * Answers follow what Hyper-V's vmswitch sends, as the fact sheet records
 * it (M29-M36): INIT_C values, QUERY_C with the information buffer at
 * offset 16, NOT_SUPPORTED for an unknown OID, INVALID_LENGTH or
 * INVALID_DATA for a SET whose buffer is wrong. A malformed message (bad
 * framing) gets no answer at all: the caller fails its NVSP packet.
 */
#include "rndis_dev.h"
#include <hvguest/nvsp.h>

const u32 hvg_rndis_dev_oids[] = {
	HVG_OID_GEN_SUPPORTED_LIST,
	HVG_OID_GEN_MAXIMUM_FRAME_SIZE,
	HVG_OID_GEN_LINK_SPEED,
	HVG_OID_GEN_CURRENT_PACKET_FILTER,
	HVG_OID_GEN_MEDIA_CONNECT_STATUS,
	HVG_OID_GEN_VENDOR_DESCRIPTION,
	HVG_OID_GEN_FRIENDLY_NAME,
	HVG_OID_GEN_RNDIS_CONFIG_PARAMETER,
	HVG_OID_802_3_PERMANENT_ADDRESS,
	HVG_OID_802_3_CURRENT_ADDRESS,
	HVG_OID_GEN_RECEIVE_SCALE_CAPABILITIES,
	HVG_OID_GEN_RECEIVE_SCALE_PARAMETERS,
	HVG_OID_TCP_OFFLOAD_PARAMETERS,
	HVG_OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES,
};

const u32 hvg_rndis_dev_num_oids = ARRAY_SIZE(hvg_rndis_dev_oids);

static const char hvg_rndis_dev_vendor[] = "hvguest loopback host";
static const char hvg_rndis_dev_name[] = "hvguest synthetic NIC";

#define HVG_RNDIS_DEV_FILTERS	(HVG_RNDIS_FILTER_DIRECTED |		\
				 HVG_RNDIS_FILTER_MULTICAST |		\
				 HVG_RNDIS_FILTER_ALL_MULTICAST |	\
				 HVG_RNDIS_FILTER_BROADCAST |		\
				 HVG_RNDIS_FILTER_PROMISCUOUS)

/* 10 Gb/s in 100 bps units. */
#define HVG_RNDIS_DEV_SPEED_10G		100000000

int hvg_rndis_dev_init(struct hvg_rndis_dev *dev, const u8 *mac,
		       u32 max_mtu, u32 nvsp_version, u32 num_queues)
{
	if (max_mtu < 68 || max_mtu > 65521 || !num_queues ||
	    num_queues > HVG_NVSP_VRSS_CHANNEL_MAX)
		return -EINVAL;
	memset(dev, 0, sizeof(*dev));
	memcpy(dev->perm_mac, mac, sizeof(dev->perm_mac));
	memcpy(dev->mac, mac, sizeof(dev->mac));
	dev->max_mtu = max_mtu;
	dev->nvsp_version = nvsp_version;
	dev->num_queues = num_queues;
	dev->link_up = true;
	dev->link_speed = HVG_RNDIS_DEV_SPEED_10G;
	/* Offloads start disabled; the guest enables what it wants. */
	dev->offload.ipv4_csum = HVG_NDIS_OFFLOAD_PARAM_TX_RX_DISABLED;
	dev->offload.tcp_ipv4_csum = HVG_NDIS_OFFLOAD_PARAM_TX_RX_DISABLED;
	dev->offload.udp_ipv4_csum = HVG_NDIS_OFFLOAD_PARAM_TX_RX_DISABLED;
	dev->offload.tcp_ipv6_csum = HVG_NDIS_OFFLOAD_PARAM_TX_RX_DISABLED;
	dev->offload.udp_ipv6_csum = HVG_NDIS_OFFLOAD_PARAM_TX_RX_DISABLED;
	dev->offload.lsov2_ipv4 = HVG_NDIS_LSOV2_DISABLED;
	dev->offload.lsov2_ipv6 = HVG_NDIS_LSOV2_DISABLED;
	dev->offload.rsc_ipv4 = HVG_NDIS_RSC_DISABLED;
	dev->offload.rsc_ipv6 = HVG_NDIS_RSC_DISABLED;
	return 0;
}

/* The offload capabilities: checksums both ways, LSOv2, RSC if offered. */
static u32 hvg_rndis_dev_offload_caps(const struct hvg_rndis_dev *dev,
				      u32 requested, u8 *info)
{
	const u32 v4 = HVG_NDIS_CSUM_IP_OPTIONS | HVG_NDIS_CSUM_TCP_OPTIONS |
		HVG_NDIS_CSUM_TCP | HVG_NDIS_CSUM_UDP | HVG_NDIS_CSUM_IP;
	const u32 v6 = HVG_NDIS_CSUM_IP_OPTIONS | HVG_NDIS_CSUM_TCP_OPTIONS |
		HVG_NDIS_CSUM_TCP | HVG_NDIS_CSUM_UDP;
	struct hvg_ndis_offload o;
	u32 size;

	memset(&o, 0, sizeof(o));
	o.hdr.type = HVG_NDIS_OBJ_OFFLOAD;
	size = hvg_ndis_offload_size(dev->nvsp_version, &o.hdr.revision);
	/* A guest asking for less (an older revision) gets that much. */
	if (requested >= HVG_NDIS_OFFLOAD_SIZE_REV1 && requested < size) {
		size = requested < HVG_NDIS_OFFLOAD_SIZE_REV2 ?
			HVG_NDIS_OFFLOAD_SIZE_REV1 : HVG_NDIS_OFFLOAD_SIZE_REV2;
		o.hdr.revision = size == HVG_NDIS_OFFLOAD_SIZE_REV1 ? 1 : 2;
	}
	o.hdr.size = size;
	o.ipv4_tx.encapsulation = HVG_NDIS_ENCAP_IEEE_802_3;
	o.ipv4_tx.flags = v4;
	o.ipv4_rx.encapsulation = HVG_NDIS_ENCAP_IEEE_802_3;
	o.ipv4_rx.flags = v4;
	o.ipv6_tx.encapsulation = HVG_NDIS_ENCAP_IEEE_802_3;
	o.ipv6_tx.flags = v6;
	o.ipv6_rx.encapsulation = HVG_NDIS_ENCAP_IEEE_802_3;
	o.ipv6_rx.flags = v6;
	o.lsov2_ipv4.encapsulation = HVG_NDIS_ENCAP_IEEE_802_3;
	o.lsov2_ipv4.max_offload_size = HVG_RNDIS_DEV_LSO_MAX;
	o.lsov2_ipv4.min_segment_count = HVG_RNDIS_DEV_LSO_MIN_SEGS;
	o.lsov2_ipv6.encapsulation = HVG_NDIS_ENCAP_IEEE_802_3;
	o.lsov2_ipv6.max_offload_size = HVG_RNDIS_DEV_LSO_MAX;
	o.lsov2_ipv6.min_segment_count = HVG_RNDIS_DEV_LSO_MIN_SEGS;
	/* IPv6 LSO: extension headers and TCP options supported. */
	o.lsov2_ipv6_flags = 0x5;
	/* Revision 3 has the RSC fields; Linux asks for RSC at NVSP 6.1. */
	if (dev->rsc && size >= HVG_NDIS_OFFLOAD_SIZE_REV3) {
		o.rsc_ipv4 = 1;
		o.rsc_ipv6 = 1;
	}
	memcpy(info, &o, size);
	return size;
}

/* Put a UTF-16LE copy of @s with its terminator at @p: the byte count. */
static u32 hvg_rndis_dev_utf16(u8 *p, const char *s)
{
	u32 i = 0;

	do {
		p[2 * i] = s[i];
		p[2 * i + 1] = 0;
	} while (s[i++]);
	return 2 * i;
}

/*
 * Fill @info (HVG_RNDIS_DEV_RESP_MAX - 24 bytes) with the answer to
 * @oid: its length, or a negative RNDIS status in *@status.
 */
static u32 hvg_rndis_dev_query(struct hvg_rndis_dev *dev, u32 oid,
			       const u8 *req_info, u32 req_len, u8 *info,
			       u32 *status)
{
	struct hvg_ndis_rss_caps caps;
	struct hvg_ndis_obj_hdr h;
	u32 v, i;

	*status = HVG_RNDIS_STATUS_SUCCESS;
	switch (oid) {
	case HVG_OID_GEN_SUPPORTED_LIST:
		for (i = 0; i < hvg_rndis_dev_num_oids; i++)
			memcpy(info + 4 * i, &hvg_rndis_dev_oids[i], 4);
		return 4 * hvg_rndis_dev_num_oids;
	case HVG_OID_GEN_MAXIMUM_FRAME_SIZE:
		v = dev->max_mtu;
		break;
	case HVG_OID_GEN_LINK_SPEED:
		v = dev->link_speed;
		break;
	case HVG_OID_GEN_MEDIA_CONNECT_STATUS:
		v = dev->link_up ? HVG_RNDIS_MEDIA_CONNECTED :
			HVG_RNDIS_MEDIA_DISCONNECTED;
		break;
	case HVG_OID_GEN_CURRENT_PACKET_FILTER:
		v = dev->packet_filter;
		break;
	case HVG_OID_GEN_VENDOR_DESCRIPTION:
		memcpy(info, hvg_rndis_dev_vendor, sizeof(hvg_rndis_dev_vendor));
		return sizeof(hvg_rndis_dev_vendor);
	case HVG_OID_GEN_FRIENDLY_NAME:
		return hvg_rndis_dev_utf16(info, hvg_rndis_dev_name);
	case HVG_OID_802_3_PERMANENT_ADDRESS:
		memcpy(info, dev->perm_mac, 6);
		return 6;
	case HVG_OID_802_3_CURRENT_ADDRESS:
		memcpy(info, dev->mac, 6);
		return 6;
	case HVG_OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES:
		/* The request carries the header of what the guest wants. */
		v = 0;
		if (req_len >= sizeof(h)) {
			memcpy(&h, req_info, sizeof(h));
			if (h.type != HVG_NDIS_OBJ_OFFLOAD ||
			    h.size < HVG_NDIS_OFFLOAD_SIZE_REV1) {
				*status = HVG_RNDIS_STATUS_INVALID_DATA;
				return 0;
			}
			v = h.size;
		}
		return hvg_rndis_dev_offload_caps(dev, v, info);
	case HVG_OID_GEN_RECEIVE_SCALE_CAPABILITIES:
		if (dev->nvsp_version < HVG_NVSP_VERSION_5)
			goto unsupported;
		memset(&caps, 0, sizeof(caps));
		caps.hdr.type = HVG_NDIS_OBJ_RSS_CAPABILITIES;
		caps.hdr.revision = HVG_NDIS_RSS_CAPS_REVISION;
		caps.hdr.size = HVG_NDIS_RSS_CAPS_SIZE;
		caps.num_int_msg = dev->num_queues;
		caps.num_recv_queues = dev->num_queues;
		caps.num_indirect_entries = HVG_NDIS_RSS_TABLE_DEFAULT;
		memcpy(info, &caps, HVG_NDIS_RSS_CAPS_SIZE);
		return HVG_NDIS_RSS_CAPS_SIZE;
	default:
		goto unsupported;
	}
	memcpy(info, &v, sizeof(v));
	return sizeof(v);

unsupported:
	dev->unsupported++;
	*status = HVG_RNDIS_STATUS_NOT_SUPPORTED;
	return 0;
}

/* Apply one offload parameter: NO_CHANGE keeps, 1..@max replaces. */
static bool hvg_rndis_dev_param(u8 *cur, u8 v, u8 max)
{
	if (v > max)
		return false;
	if (v)
		*cur = v;
	return true;
}

static u32 hvg_rndis_dev_set_offload(struct hvg_rndis_dev *dev,
				     const u8 *info, u32 len)
{
	const u8 max = HVG_NDIS_OFFLOAD_PARAM_TX_RX_ENABLED;
	struct hvg_ndis_offload_params p, n;

	if (hvg_ndis_parse_offload_params(info, len, &p))
		return HVG_RNDIS_STATUS_INVALID_DATA;
	n = dev->offload;
	if (!hvg_rndis_dev_param(&n.ipv4_csum, p.ipv4_csum, max) ||
	    !hvg_rndis_dev_param(&n.tcp_ipv4_csum, p.tcp_ipv4_csum, max) ||
	    !hvg_rndis_dev_param(&n.udp_ipv4_csum, p.udp_ipv4_csum, max) ||
	    !hvg_rndis_dev_param(&n.tcp_ipv6_csum, p.tcp_ipv6_csum, max) ||
	    !hvg_rndis_dev_param(&n.udp_ipv6_csum, p.udp_ipv6_csum, max) ||
	    !hvg_rndis_dev_param(&n.lsov2_ipv4, p.lsov2_ipv4,
				 HVG_NDIS_LSOV2_ENABLED) ||
	    !hvg_rndis_dev_param(&n.lsov2_ipv6, p.lsov2_ipv6,
				 HVG_NDIS_LSOV2_ENABLED) ||
	    !hvg_rndis_dev_param(&n.rsc_ipv4, p.rsc_ipv4,
				 HVG_NDIS_RSC_ENABLED) ||
	    !hvg_rndis_dev_param(&n.rsc_ipv6, p.rsc_ipv6,
				 HVG_NDIS_RSC_ENABLED))
		return HVG_RNDIS_STATUS_INVALID_DATA;
	dev->offload = n;
	return HVG_RNDIS_STATUS_SUCCESS;
}

static u32 hvg_rndis_dev_set(struct hvg_rndis_dev *dev, u32 oid,
			     const u8 *info, u32 len)
{
	struct hvg_ndis_rss *rss = &dev->rss;
	u8 mac[6];
	u32 v;

	switch (oid) {
	case HVG_OID_GEN_CURRENT_PACKET_FILTER:
		if (len != sizeof(v))
			return HVG_RNDIS_STATUS_INVALID_LENGTH;
		memcpy(&v, info, sizeof(v));
		if (v & ~HVG_RNDIS_DEV_FILTERS)
			return HVG_RNDIS_STATUS_INVALID_DATA;
		dev->packet_filter = v;
		return HVG_RNDIS_STATUS_SUCCESS;
	case HVG_OID_TCP_OFFLOAD_PARAMETERS:
		return hvg_rndis_dev_set_offload(dev, info, len);
	case HVG_OID_GEN_RECEIVE_SCALE_PARAMETERS:
		if (dev->nvsp_version < HVG_NVSP_VERSION_5)
			break;
		/* Parsed in place; a rejected object leaves RSS off. */
		if (hvg_ndis_parse_rss_params(info, len, dev->num_queues, rss)) {
			memset(rss, 0, sizeof(*rss));
			return HVG_RNDIS_STATUS_INVALID_DATA;
		}
		return HVG_RNDIS_STATUS_SUCCESS;
	case HVG_OID_GEN_RNDIS_CONFIG_PARAMETER:
		if (hvg_rndis_parse_mac_param(info, len, mac))
			return HVG_RNDIS_STATUS_INVALID_DATA;
		/* A unicast address, not all zero. */
		if ((mac[0] & 1) ||
		    !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
			return HVG_RNDIS_STATUS_INVALID_DATA;
		memcpy(dev->mac, mac, sizeof(mac));
		return HVG_RNDIS_STATUS_SUCCESS;
	default:
		break;
	}
	dev->unsupported++;
	return HVG_RNDIS_STATUS_NOT_SUPPORTED;
}

static int hvg_rndis_dev_init_c(struct hvg_rndis_dev *dev,
				const struct hvg_rndis_msg *m, u8 *resp)
{
	struct hvg_rndis_init_c c = {
		.hdr = { HVG_RNDIS_MSG_INIT_C, sizeof(c) },
		.req_id = m->init.req_id,
		.status = HVG_RNDIS_STATUS_SUCCESS,
		.major = HVG_RNDIS_MAJOR,
		.minor = HVG_RNDIS_MINOR,
		.dev_flags = HVG_RNDIS_DF_CONNECTIONLESS,
		.medium = HVG_RNDIS_MEDIUM_802_3,
		.max_pkt_per_msg = HVG_RNDIS_DEV_MAX_PKT_PER_MSG,
		.max_xfer_size = HVG_RNDIS_DEV_MAX_XFER,
		.pkt_align_factor = HVG_RNDIS_DEV_ALIGN_SHIFT,
	};

	if (m->init.major != HVG_RNDIS_MAJOR)
		c.status = HVG_RNDIS_STATUS_FAILURE;
	else
		dev->initialized = true;
	memcpy(resp, &c, sizeof(c));
	return sizeof(c);
}

static int hvg_rndis_dev_status_c(u32 type, u32 req_id, u32 status, u8 *resp)
{
	struct hvg_rndis_status_c c = {
		.hdr = { type, sizeof(c) },
		.req_id = req_id,
		.status = status,
	};

	memcpy(resp, &c, sizeof(c));
	return sizeof(c);
}

int hvg_rndis_dev_request(struct hvg_rndis_dev *dev, const void *req,
			  u32 len, void *resp, u32 cap)
{
	const u8 *in = req;
	u8 *out = resp;
	struct hvg_rndis_msg m;
	struct hvg_rndis_query_c qc;
	struct hvg_rndis_reset_c rc;
	u32 status, n;
	int ret;

	if (cap < HVG_RNDIS_DEV_RESP_MAX)
		return -ENOSPC;
	ret = hvg_rndis_parse_guest(req, len, &m);
	if (!ret && m.type == HVG_RNDIS_MSG_PACKET)
		ret = -HVG_RNDIS_E_TYPE;
	if (ret) {
		dev->bad_requests++;
		return ret;
	}
	dev->requests++;
	switch (m.type) {
	case HVG_RNDIS_MSG_INIT:
		return hvg_rndis_dev_init_c(dev, &m, out);
	case HVG_RNDIS_MSG_HALT:
		dev->initialized = false;
		return 0;
	case HVG_RNDIS_MSG_KEEPALIVE:
		return hvg_rndis_dev_status_c(HVG_RNDIS_MSG_KEEPALIVE_C,
					      m.req_id_only.req_id,
					      HVG_RNDIS_STATUS_SUCCESS, out);
	case HVG_RNDIS_MSG_RESET:
		memset(&rc, 0, sizeof(rc));
		rc.hdr.type = HVG_RNDIS_MSG_RESET_C;
		rc.hdr.msg_len = sizeof(rc);
		memcpy(out, &rc, sizeof(rc));
		return sizeof(rc);
	case HVG_RNDIS_MSG_SET:
		status = dev->initialized ?
			hvg_rndis_dev_set(dev, m.oid_req.oid,
					  in + m.oid_req.info_offset,
					  m.oid_req.info_len) :
			HVG_RNDIS_STATUS_FAILURE;
		return hvg_rndis_dev_status_c(HVG_RNDIS_MSG_SET_C,
					      m.oid_req.req_id, status, out);
	case HVG_RNDIS_MSG_QUERY:
	default:
		break;
	}
	/* QUERY: the answer after a 24-byte QUERY_C. */
	memset(out, 0, HVG_RNDIS_DEV_RESP_MAX);
	n = 0;
	status = HVG_RNDIS_STATUS_FAILURE;
	if (dev->initialized)
		n = hvg_rndis_dev_query(dev, m.oid_req.oid,
					in + m.oid_req.info_offset,
					m.oid_req.info_len, out + sizeof(qc),
					&status);
	qc.hdr.type = HVG_RNDIS_MSG_QUERY_C;
	qc.hdr.msg_len = sizeof(qc) + n;
	qc.req_id = m.oid_req.req_id;
	qc.status = status;
	qc.info_buflen = n;
	qc.info_buf_offset = n ? HVG_RNDIS_QUERY_C_INFO_OFFSET : 0;
	memcpy(out, &qc, sizeof(qc));
	return sizeof(qc) + n;
}

int hvg_rndis_dev_set_link(struct hvg_rndis_dev *dev, bool up, void *buf,
			   u32 cap)
{
	struct hvg_rndis_indicate ind = {
		.hdr = { HVG_RNDIS_MSG_INDICATE, sizeof(ind) },
		.status = up ? HVG_RNDIS_STATUS_MEDIA_CONNECT :
			HVG_RNDIS_STATUS_MEDIA_DISCONNECT,
	};

	if (cap < sizeof(ind))
		return -ENOSPC;
	if (dev->link_up == up)
		return 0;
	dev->link_up = up;
	if (!dev->initialized)
		return 0;
	memcpy(buf, &ind, sizeof(ind));
	return sizeof(ind);
}

int hvg_rndis_dev_indicate(struct hvg_rndis_dev *dev, u32 status, u32 speed,
			   void *buf, u32 cap)
{
	struct hvg_rndis_indicate ind = {
		.hdr = { HVG_RNDIS_MSG_INDICATE, sizeof(ind) },
		.status = status,
	};
	bool with_speed = status == HVG_RNDIS_STATUS_LINK_SPEED_CHANGE;

	if (!with_speed && status != HVG_RNDIS_STATUS_NETWORK_CHANGE)
		return -EINVAL;
	if (cap < sizeof(ind) + sizeof(speed))
		return -ENOSPC;
	if (with_speed) {
		dev->link_speed = speed;
		ind.hdr.msg_len += sizeof(speed);
		ind.status_buflen = sizeof(speed);
		ind.status_buf_offset = HVG_RNDIS_INDICATE_BUF_OFFSET;
	}
	if (!dev->initialized)
		return 0;
	memcpy(buf, &ind, sizeof(ind));
	if (with_speed)
		memcpy((u8 *)buf + sizeof(ind), &speed, sizeof(speed));
	return ind.hdr.msg_len;
}

static bool hvg_rndis_dev_rx_on(u8 param)
{
	return param == HVG_NDIS_OFFLOAD_PARAM_RX_ENABLED_TX_DISABLED ||
		param == HVG_NDIS_OFFLOAD_PARAM_TX_RX_ENABLED;
}

bool hvg_rndis_dev_rsc_on(const struct hvg_rndis_dev *dev, bool ipv6)
{
	const struct hvg_ndis_offload_params *o = &dev->offload;

	return dev->rsc &&
	       (ipv6 ? o->rsc_ipv6 : o->rsc_ipv4) == HVG_NDIS_RSC_ENABLED &&
	       hvg_rndis_dev_rx_on(ipv6 ? o->tcp_ipv6_csum : o->tcp_ipv4_csum);
}

u32 hvg_rndis_dev_rx_csum(const struct hvg_rndis_dev *dev, bool ipv6,
			  u8 proto)
{
	const struct hvg_ndis_offload_params *o = &dev->offload;
	u32 flags = 0;

	if (!ipv6 && hvg_rndis_dev_rx_on(o->ipv4_csum))
		flags |= HVG_RNDIS_RXCSUM_IP_OK;
	if (proto == 6 &&
	    hvg_rndis_dev_rx_on(ipv6 ? o->tcp_ipv6_csum : o->tcp_ipv4_csum))
		flags |= HVG_RNDIS_RXCSUM_TCP_OK;
	if (proto == 17 &&
	    hvg_rndis_dev_rx_on(ipv6 ? o->udp_ipv6_csum : o->udp_ipv4_csum))
		flags |= HVG_RNDIS_RXCSUM_UDP_OK;
	return flags;
}

/* What a parsed PACKET from the guest asks, checked (parse_tx below). */
static int hvg_rndis_dev_tx_check(const struct hvg_rndis_dev *dev,
				  const struct hvg_rndis_msg *msg,
				  struct hvg_rndis_dev_tx *tx)
{
	const u32 l3_v4 = HVG_RNDIS_TXCSUM_IPV4, l3_v6 = HVG_RNDIS_TXCSUM_IPV6;
	const struct hvg_rndis_pkt *p = &msg->packet;
	u32 max;

	if (msg->type != HVG_RNDIS_MSG_PACKET)
		return -HVG_RNDIS_E_TYPE;
	tx->msg_len = msg->msg_len;
	tx->data_offset = p->data_offset;
	tx->data_len = p->data_len;
	tx->present = p->present & ~HVG_RNDIS_PI_PKTINFO_ID;
	tx->hash = p->hash;
	if (p->present & HVG_RNDIS_PI_VLAN)
		tx->vlan_tci = ((p->vlan & HVG_RNDIS_VLAN_ID_MASK) >>
				HVG_RNDIS_VLAN_ID_SHIFT) |
			(p->vlan & HVG_RNDIS_VLAN_CFI ? 0x1000 : 0) |
			(p->vlan & HVG_RNDIS_VLAN_PRI_MASK) << 13;
	if ((p->present & HVG_RNDIS_PI_CSUM) && (p->present & HVG_RNDIS_PI_LSO))
		return -HVG_RNDIS_E_PPI;
	if (p->present & HVG_RNDIS_PI_LSO) {
		if (!(p->lso & HVG_RNDIS_LSO_TYPE_V2))
			return -HVG_RNDIS_E_PPI;
		tx->mss = p->lso & HVG_RNDIS_LSO_MSS_MASK;
		tx->l4_offset = (p->lso & HVG_RNDIS_LSO_TCP_OFF_MASK) >>
			HVG_RNDIS_LSO_TCP_OFF_SHIFT;
		tx->ipv6 = p->lso & HVG_RNDIS_LSO_IPV6;
		/* A TCP header (20 bytes) fits after the offset. */
		if (!tx->mss || tx->l4_offset < HVG_RNDIS_DEV_ETH_HLEN ||
		    (u64)tx->l4_offset + 20 > tx->data_len)
			return -HVG_RNDIS_E_PPI;
	}
	if (p->present & HVG_RNDIS_PI_CSUM) {
		tx->csum = p->csum;
		if (!(p->csum & l3_v4) == !(p->csum & l3_v6))
			return -HVG_RNDIS_E_PPI;
		tx->ipv6 = p->csum & l3_v6;
		tx->l4_offset = (p->csum & HVG_RNDIS_TXCSUM_TCP_OFF_MASK) >>
			HVG_RNDIS_TXCSUM_TCP_OFF_SHIFT;
		if ((p->csum & HVG_RNDIS_TXCSUM_TCP) &&
		    (p->csum & HVG_RNDIS_TXCSUM_UDP))
			return -HVG_RNDIS_E_PPI;
		/* A UDP header (8 bytes) or TCP header fits. */
		if ((p->csum & (HVG_RNDIS_TXCSUM_TCP | HVG_RNDIS_TXCSUM_UDP)) &&
		    (tx->l4_offset < HVG_RNDIS_DEV_ETH_HLEN ||
		     (u64)tx->l4_offset + 8 > tx->data_len))
			return -HVG_RNDIS_E_PPI;
	}
	max = dev->max_mtu + HVG_RNDIS_DEV_ETH_HLEN;
	if (p->present & HVG_RNDIS_PI_VLAN)
		max += HVG_RNDIS_DEV_VLAN_HLEN;
	if (p->present & HVG_RNDIS_PI_LSO)
		max = HVG_RNDIS_DEV_LSO_FRAME_MAX;
	if (tx->data_len < HVG_RNDIS_DEV_ETH_HLEN || tx->data_len > max)
		return -HVG_RNDIS_E_DATA;
	return 0;
}

int hvg_rndis_dev_parse_tx(const struct hvg_rndis_dev *dev, const void *buf,
			   u32 len, struct hvg_rndis_dev_tx *tx)
{
	struct hvg_rndis_msg m;
	int ret;

	memset(tx, 0, sizeof(*tx));
	ret = hvg_rndis_parse_guest(buf, len, &m);
	return ret ? ret : hvg_rndis_dev_tx_check(dev, &m, tx);
}

int hvg_rndis_dev_parse_tx_head(const struct hvg_rndis_dev *dev,
				const void *head, u32 head_len, u32 len,
				struct hvg_rndis_dev_tx *tx)
{
	struct hvg_rndis_msg m;
	int ret;

	memset(tx, 0, sizeof(*tx));
	ret = hvg_rndis_parse_packet_head(head, head_len, len, &m);
	return ret ? ret : hvg_rndis_dev_tx_check(dev, &m, tx);
}

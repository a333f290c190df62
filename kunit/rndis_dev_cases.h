/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loopback host's RNDIS device test cases (host/rndis_dev.c), written
 * once and compiled twice: into the KUnit suite "hvg_rndis_dev"
 * (kunit/rndis_dev_test.c) and into tools/netvsc_msg_test. The guest side
 * of every exchange is netvsc/rndis_msg.c: what the device answers must
 * pass the guest's own checks. Case order: rndis_dev_case_list.h.
 */
#include "netvsc_ct.h"

/* One 16-byte PPI at @p: size, type, offset 12, a u32 value. */
static void ct_dev_ppi(u8 *p, u32 type, u32 value)
{
	ct_le32(p, 16);
	ct_le32(p + 4, type);
	ct_le32(p + 8, 12);
	ct_le32(p + 12, value);
}

static const u8 ct_dev_mac[6] = { 0x00, 0x15, 0x5d, 0x00, 0x00, 0x01 };

/* One request from a heap copy of exactly @len bytes. */
static int ct_dev_req(struct hvg_rndis_dev *dev, const u8 *req, u32 len,
		      u8 *resp)
{
	u8 *copy = ct_dup(req, len);
	int ret;

	if (!copy)
		return -ENOMEM;
	ret = hvg_rndis_dev_request(dev, copy, len, resp,
				    HVG_RNDIS_DEV_RESP_MAX);
	ct_free(copy);
	return ret;
}

/* A new device under NVSP @version with 4 queues, INIT answered. */
static bool ct_dev_up(struct ct *t, struct hvg_rndis_dev *dev, u32 version)
{
	u8 req[64], resp[HVG_RNDIS_DEV_RESP_MAX];

	CT_EQ(t, hvg_rndis_dev_init(dev, ct_dev_mac, 1500, version, 4), 0);
	hvg_rndis_build_init(req, sizeof(req), 1);
	return ct_dev_req(dev, req, 24, resp) == 52 && dev->initialized;
}

/*
 * QUERY @oid (with @info) through the device and check the answer as the
 * guest does; the answer's information buffer is copied to @ans.
 */
static int ct_dev_query(struct hvg_rndis_dev *dev, u32 oid,
			const void *info, u32 info_len, u8 *ans, u32 *ans_len)
{
	struct hvg_rndis_request rq = { HVG_RNDIS_MSG_QUERY, 77, 200 };
	u8 *req = ct_alloc(256 + HVG_RNDIS_DEV_RESP_MAX);
	u8 *resp = req + 256;
	struct hvg_rndis_msg m;
	int n;

	if (!req)
		return -ENOMEM;
	n = hvg_rndis_build_query(req, 256, 77, oid, info, info_len);
	n = ct_dev_req(dev, req, n, resp);
	if (n <= 0) {
		n = n ? n : -EIO;
		goto out;
	}
	n = hvg_rndis_parse_host(resp, n, &m);
	if (!n)
		n = hvg_rndis_check_reply(&m, &rq);
	if (!n) {
		*ans_len = m.query_c.info_len;
		memcpy(ans, resp + m.query_c.info_offset, m.query_c.info_len);
	}
out:
	ct_free(req);
	return n;
}

/* SET @oid through the device; the status the guest would see. */
static u32 ct_dev_set(struct hvg_rndis_dev *dev, u32 oid, const void *info,
		      u32 info_len)
{
	struct hvg_rndis_request rq = { HVG_RNDIS_MSG_SET, 78, 0 };
	u8 *req = ct_alloc(640 + HVG_RNDIS_DEV_RESP_MAX);
	u8 *resp = req + 640;
	struct hvg_rndis_msg m;
	u32 status = 0xdead;
	int n;

	if (!req)
		return status;
	n = hvg_rndis_build_set(req, 640, 78, oid, info, info_len);
	n = ct_dev_req(dev, req, n, resp);
	if (n == 16 && !hvg_rndis_parse_host(resp, n, &m) &&
	    m.type == HVG_RNDIS_MSG_SET_C)
		status = hvg_rndis_check_reply(&m, &rq) ==
			-HVG_RNDIS_E_MISMATCH ? 0xbeef : m.status_c.status;
	ct_free(req);
	return status;
}

static void ct_case_dev_init(struct ct *t)
{
	struct hvg_rndis_request rq = { HVG_RNDIS_MSG_INIT, 1, 0 };
	u8 req[64], resp[HVG_RNDIS_DEV_RESP_MAX], ans[64];
	struct hvg_rndis_dev *dev;
	struct hvg_rndis_msg m;
	u32 n;

	dev = ct_alloc(sizeof(*dev));
	if (!dev) {
		CT_FAIL(t, "no memory");
		return;
	}
	CT_EQ(t, hvg_rndis_dev_init(dev, ct_dev_mac, 67, 0x00050000, 1),
	      -EINVAL);
	CT_EQ(t, hvg_rndis_dev_init(dev, ct_dev_mac, 1500, 0x00050000, 65),
	      -EINVAL);
	CT_EQ(t, hvg_rndis_dev_init(dev, ct_dev_mac, 1500, 0x00050000, 0),
	      -EINVAL);
	CT_EQ(t, hvg_rndis_dev_init(dev, ct_dev_mac, 1500, 0x00060001, 4), 0);
	/* Before INIT, a query fails. */
	CT_EQ(t, ct_dev_query(dev, HVG_OID_802_3_PERMANENT_ADDRESS, NULL,
			      0, ans, &n), -HVG_RNDIS_E_STATUS);
	hvg_rndis_build_init(req, sizeof(req), 1);
	CT_EQ(t, ct_dev_req(dev, req, 24, resp), 52);
	CT_EQ(t, hvg_rndis_parse_host(resp, 52, &m), 0);
	CT_EQ(t, hvg_rndis_check_reply(&m, &rq), 0);
	/* M30's values. */
	CT_EQ(t, ct_get32(resp + 24), 1);
	CT_EQ(t, ct_get32(resp + 28), 0);
	CT_EQ(t, ct_get32(resp + 32), 8);
	CT_EQ(t, ct_get32(resp + 36), 0xefffffff);
	CT_EQ(t, ct_get32(resp + 40), 3);
	CT_CHECK(t, dev->initialized);
	/* RNDIS 2.0 is refused. */
	ct_le32(req + 12, 2);
	CT_EQ(t, ct_dev_req(dev, req, 24, resp), 52);
	CT_EQ(t, ct_get32(resp + 12), HVG_RNDIS_STATUS_FAILURE);
	ct_free(dev);
}

static void ct_case_dev_queries(struct ct *t)
{
	struct hvg_rndis_dev *dev;
	u8 ans[256];
	u32 n = 0;

	dev = ct_alloc(sizeof(*dev));
	if (!dev) {
		CT_FAIL(t, "no memory");
		return;
	}
	if (!ct_dev_up(t, dev, 0x00060001)) {
		CT_FAIL(t, "device did not initialise");
		goto out;
	}
	CT_EQ(t, ct_dev_query(dev, HVG_OID_802_3_PERMANENT_ADDRESS, NULL,
			      0, ans, &n), 0);
	CT_MEM(t, ans, n, ct_dev_mac, 6);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_802_3_CURRENT_ADDRESS, NULL,
			      0, ans, &n), 0);
	CT_MEM(t, ans, n, ct_dev_mac, 6);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_GEN_MAXIMUM_FRAME_SIZE, NULL,
			      0, ans, &n), 0);
	CT_EQ(t, n, 4);
	CT_EQ(t, ct_get32(ans), 1500);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_GEN_MEDIA_CONNECT_STATUS, NULL,
			      0, ans, &n), 0);
	CT_EQ(t, ct_get32(ans), 0);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_GEN_LINK_SPEED, NULL, 0, ans,
			      &n), 0);
	CT_EQ(t, ct_get32(ans), 100000000);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_GEN_VENDOR_DESCRIPTION, NULL,
			      0, ans, &n), 0);
	CT_CHECK(t, n > 1 && !ans[n - 1]);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_GEN_FRIENDLY_NAME, NULL, 0,
			      ans, &n), 0);
	CT_CHECK(t, n >= 4 && n % 2 == 0 && ans[0] == 'h' && !ans[1]);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_GEN_SUPPORTED_LIST, NULL, 0,
			      ans, &n), 0);
	CT_EQ(t, n, 4 * hvg_rndis_dev_num_oids);
	CT_EQ(t, ct_get32(ans + 4), HVG_OID_GEN_MAXIMUM_FRAME_SIZE);
	/* An OID nobody answers. */
	CT_EQ(t, ct_dev_query(dev, 0x00010202, NULL, 0, ans, &n),
	      -HVG_RNDIS_E_STATUS);
	CT_EQ(t, dev->unsupported, 1);
out:
	ct_free(dev);
}

static void ct_case_dev_offload_caps(struct ct *t)
{
	struct hvg_ndis_offload o;
	struct hvg_rndis_dev *dev;
	u8 q[160], ans[256];
	u32 n = 0;
	int qlen;

	dev = ct_alloc(sizeof(*dev));
	if (!dev) {
		CT_FAIL(t, "no memory");
		return;
	}
	if (!ct_dev_up(t, dev, 0x00060001)) {
		CT_FAIL(t, "device did not initialise");
		goto out;
	}
	qlen = hvg_ndis_build_offload_query(q, sizeof(q), 0x00060001);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES,
			      q, qlen, ans, &n), 0);
	CT_EQ(t, n, 156);
	CT_EQ(t, hvg_ndis_parse_offload(ans, n, qlen, &o), 0);
	CT_EQ(t, o.hdr.revision, 3);
	CT_CHECK(t, o.ipv4_tx.flags & HVG_NDIS_CSUM_TCP);
	CT_CHECK(t, o.ipv6_rx.flags & HVG_NDIS_CSUM_UDP);
	CT_EQ(t, o.lsov2_ipv4.max_offload_size, HVG_RNDIS_DEV_LSO_MAX);
	/* RSC only where the caller offers it, and only in revision 3. */
	CT_EQ(t, o.rsc_ipv4, 0);
	dev->rsc = true;
	CT_EQ(t, ct_dev_query(dev, HVG_OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES,
			      q, qlen, ans, &n), 0);
	CT_EQ(t, hvg_ndis_parse_offload(ans, n, qlen, &o), 0);
	CT_EQ(t, o.rsc_ipv4, 1);
	CT_EQ(t, o.rsc_ipv6, 1);
	/* A guest that asks for revision 1 gets 112 bytes. */
	qlen = hvg_ndis_build_offload_query(q, sizeof(q), 0x00030002);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES,
			      q, qlen, ans, &n), 0);
	CT_EQ(t, n, 112);
	CT_EQ(t, hvg_ndis_parse_offload(ans, n, qlen, &o), 0);
	/* A device on NVSP 4 answers revision 2. */
	ct_dev_up(t, dev, 0x00040000);
	qlen = hvg_ndis_build_offload_query(q, sizeof(q), 0x00040000);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES,
			      q, qlen, ans, &n), 0);
	CT_EQ(t, n, 144);
	/* A request header of another object. */
	q[0] = 0x80;
	CT_EQ(t, ct_dev_query(dev, HVG_OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES,
			      q, qlen, ans, &n), -HVG_RNDIS_E_STATUS);
out:
	ct_free(dev);
}

static void ct_case_dev_rss(struct ct *t)
{
	struct hvg_ndis_rss_caps caps;
	struct hvg_rndis_dev *dev;
	u8 *info, key[40] = { 1, 2, 3 }, ans[64];
	u32 table[128], i, n = 0;
	int len;

	dev = ct_alloc(sizeof(*dev));
	info = ct_alloc(600);
	if (!dev || !info) {
		CT_FAIL(t, "no memory");
		goto out;
	}
	if (!ct_dev_up(t, dev, 0x00050000)) {
		CT_FAIL(t, "device did not initialise");
		goto out;
	}
	len = hvg_ndis_build_rss_caps_query(info, 18);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_GEN_RECEIVE_SCALE_CAPABILITIES,
			      info, len, ans, &n), 0);
	CT_EQ(t, n, 18);
	CT_EQ(t, hvg_ndis_parse_rss_caps(ans, n, &caps), 0);
	CT_EQ(t, caps.num_recv_queues, 4);
	CT_EQ(t, caps.num_indirect_entries, 128);

	for (i = 0; i < 128; i++)
		table[i] = i % 4;
	len = hvg_ndis_build_rss_params(info, 600, HVG_NDIS_RSS_FLAG_DISABLE,
					0x1701, table, 128, key);
	CT_EQ(t, ct_dev_set(dev, HVG_OID_GEN_RECEIVE_SCALE_PARAMETERS, info,
			    len), 0);
	CT_CHECK(t, !dev->rss.enabled);
	len = hvg_ndis_build_rss_params(info, 600, 0, 0x1701, table, 128, key);
	CT_EQ(t, ct_dev_set(dev, HVG_OID_GEN_RECEIVE_SCALE_PARAMETERS, info,
			    len), 0);
	CT_CHECK(t, dev->rss.enabled);
	CT_EQ(t, dev->rss.entries, 128);
	CT_EQ(t, dev->rss.table[7], 3);
	CT_EQ(t, dev->rss.key[2], 3);
	/* Queue 4 does not exist: refused, RSS off. */
	table[9] = 4;
	len = hvg_ndis_build_rss_params(info, 600, 0, 0x1701, table, 128, key);
	CT_EQ(t, ct_dev_set(dev, HVG_OID_GEN_RECEIVE_SCALE_PARAMETERS, info,
			    len), HVG_RNDIS_STATUS_INVALID_DATA);
	CT_CHECK(t, !dev->rss.enabled);
	/* Below NVSP 5 there is no RSS. */
	ct_dev_up(t, dev, 0x00040000);
	len = hvg_ndis_build_rss_caps_query(info, 18);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_GEN_RECEIVE_SCALE_CAPABILITIES,
			      info, len, ans, &n), -HVG_RNDIS_E_STATUS);
out:
	ct_free(dev);
	ct_free(info);
}

static void ct_case_dev_sets(struct ct *t)
{
	static const u8 new_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const u8 mcast[6] = { 0x03, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct hvg_ndis_offload_params p = { 0 };
	struct hvg_rndis_dev *dev;
	u8 info[80], ans[64];
	u32 v, n = 0;
	int len;

	dev = ct_alloc(sizeof(*dev));
	if (!dev) {
		CT_FAIL(t, "no memory");
		return;
	}
	if (!ct_dev_up(t, dev, 0x00060001)) {
		CT_FAIL(t, "device did not initialise");
		goto out;
	}
	v = 0x0d;
	CT_EQ(t, ct_dev_set(dev, HVG_OID_GEN_CURRENT_PACKET_FILTER, &v, 4), 0);
	CT_EQ(t, dev->packet_filter, 0x0d);
	v = 0x100;
	CT_EQ(t, ct_dev_set(dev, HVG_OID_GEN_CURRENT_PACKET_FILTER, &v, 4),
	      HVG_RNDIS_STATUS_INVALID_DATA);
	CT_EQ(t, ct_dev_set(dev, HVG_OID_GEN_CURRENT_PACKET_FILTER, &v, 2),
	      HVG_RNDIS_STATUS_INVALID_LENGTH);
	CT_EQ(t, dev->packet_filter, 0x0d);

	p.tcp_ipv4_csum = HVG_NDIS_OFFLOAD_PARAM_TX_RX_ENABLED;
	p.lsov2_ipv4 = HVG_NDIS_LSOV2_ENABLED;
	len = hvg_ndis_build_offload_params(info, 80, 0x00060001, &p);
	CT_EQ(t, ct_dev_set(dev, HVG_OID_TCP_OFFLOAD_PARAMETERS, info, len),
	      0);
	CT_EQ(t, dev->offload.tcp_ipv4_csum, 4);
	CT_EQ(t, dev->offload.lsov2_ipv4, 2);
	CT_EQ(t, dev->offload.udp_ipv4_csum, 1);
	/* RSC: offered, enabled, and TCP receive checksums on, per version. */
	dev->rsc = true;
	CT_CHECK(t, !hvg_rndis_dev_rsc_on(dev, false));
	p.rsc_ipv4 = HVG_NDIS_RSC_ENABLED;
	p.rsc_ipv6 = HVG_NDIS_RSC_ENABLED;
	len = hvg_ndis_build_offload_params(info, 80, 0x00060001, &p);
	CT_EQ(t, ct_dev_set(dev, HVG_OID_TCP_OFFLOAD_PARAMETERS, info, len),
	      0);
	CT_CHECK(t, hvg_rndis_dev_rsc_on(dev, false));
	CT_CHECK(t, !hvg_rndis_dev_rsc_on(dev, true));
	dev->rsc = false;
	CT_CHECK(t, !hvg_rndis_dev_rsc_on(dev, false));
	p.rsc_ipv4 = HVG_NDIS_RSC_NO_CHANGE;
	p.rsc_ipv6 = HVG_NDIS_RSC_NO_CHANGE;
	p.udp_ipv6_csum = 5;
	len = hvg_ndis_build_offload_params(info, 80, 0x00060001, &p);
	CT_EQ(t, ct_dev_set(dev, HVG_OID_TCP_OFFLOAD_PARAMETERS, info, len),
	      HVG_RNDIS_STATUS_INVALID_DATA);
	CT_EQ(t, dev->offload.udp_ipv6_csum, 1);

	len = hvg_rndis_build_mac_param(info, 80, new_mac);
	CT_EQ(t, ct_dev_set(dev, HVG_OID_GEN_RNDIS_CONFIG_PARAMETER, info,
			    len), 0);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_802_3_CURRENT_ADDRESS, NULL, 0,
			      ans, &n), 0);
	CT_MEM(t, ans, n, new_mac, 6);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_802_3_PERMANENT_ADDRESS, NULL,
			      0, ans, &n), 0);
	CT_MEM(t, ans, n, ct_dev_mac, 6);
	len = hvg_rndis_build_mac_param(info, 80, mcast);
	CT_EQ(t, ct_dev_set(dev, HVG_OID_GEN_RNDIS_CONFIG_PARAMETER, info,
			    len), HVG_RNDIS_STATUS_INVALID_DATA);
	CT_EQ(t, ct_dev_set(dev, 0x00010202, info, 4),
	      HVG_RNDIS_STATUS_NOT_SUPPORTED);
out:
	ct_free(dev);
}

static void ct_case_dev_keepalive_reset_halt(struct ct *t)
{
	struct hvg_rndis_request rq = { HVG_RNDIS_MSG_KEEPALIVE, 5, 0 };
	u8 req[32], resp[HVG_RNDIS_DEV_RESP_MAX];
	struct hvg_rndis_dev *dev;
	struct hvg_rndis_msg m;

	dev = ct_alloc(sizeof(*dev));
	if (!dev) {
		CT_FAIL(t, "no memory");
		return;
	}
	if (!ct_dev_up(t, dev, 0x00060001)) {
		CT_FAIL(t, "device did not initialise");
		goto out;
	}
	hvg_rndis_build_keepalive(req, 32, 5);
	CT_EQ(t, ct_dev_req(dev, req, 12, resp), 16);
	CT_EQ(t, hvg_rndis_parse_host(resp, 16, &m), 0);
	CT_EQ(t, hvg_rndis_check_reply(&m, &rq), 0);
	hvg_rndis_build_reset(req, 32);
	rq.type = HVG_RNDIS_MSG_RESET;
	CT_EQ(t, ct_dev_req(dev, req, 12, resp), 16);
	CT_EQ(t, hvg_rndis_parse_host(resp, 16, &m), 0);
	CT_EQ(t, hvg_rndis_check_reply(&m, &rq), 0);
	hvg_rndis_build_halt(req, 32, 6);
	CT_EQ(t, ct_dev_req(dev, req, 12, resp), 0);
	CT_CHECK(t, !dev->initialized);
out:
	ct_free(dev);
}

static void ct_case_dev_malformed(struct ct *t)
{
	u8 req[64], resp[HVG_RNDIS_DEV_RESP_MAX];
	struct hvg_rndis_dev *dev;

	dev = ct_alloc(sizeof(*dev));
	if (!dev) {
		CT_FAIL(t, "no memory");
		return;
	}
	if (!ct_dev_up(t, dev, 0x00060001)) {
		CT_FAIL(t, "device did not initialise");
		goto out;
	}
	hvg_rndis_build_query(req, 64, 2, HVG_OID_GEN_LINK_SPEED, NULL, 0);
	CT_EQ(t, ct_dev_req(dev, req, 27, resp), -HVG_RNDIS_E_LEN);
	ct_le32(req + 4, 27);
	CT_EQ(t, ct_dev_req(dev, req, 28, resp), -HVG_RNDIS_E_SHORT);
	/* A query whose buffer lies past its end. */
	hvg_rndis_build_query(req, 64, 2, HVG_OID_GEN_LINK_SPEED, NULL, 0);
	ct_le32(req + 16, 4);
	ct_le32(req + 20, 20);
	CT_EQ(t, ct_dev_req(dev, req, 28, resp), -HVG_RNDIS_E_BUF);
	/* A completion, a data packet: not control requests. */
	ct_le32(req, 0x80000004);
	CT_EQ(t, ct_dev_req(dev, req, 28, resp), -HVG_RNDIS_E_TYPE);
	hvg_rndis_build_packet(req, 64, NULL, 20);
	CT_EQ(t, ct_dev_req(dev, req, 64, resp), -HVG_RNDIS_E_TYPE);
	CT_EQ(t, dev->bad_requests, 5);
	CT_EQ(t, hvg_rndis_dev_request(dev, req, 64, resp, 255), -ENOSPC);
out:
	ct_free(dev);
}

static void ct_case_dev_link(struct ct *t)
{
	struct hvg_rndis_dev *dev;
	struct hvg_rndis_msg m;
	u8 buf[32], ans[16];
	u32 n = 0;

	dev = ct_alloc(sizeof(*dev));
	if (!dev) {
		CT_FAIL(t, "no memory");
		return;
	}
	CT_EQ(t, hvg_rndis_dev_init(dev, ct_dev_mac, 1500, 0x00060001, 1), 0);
	/* Not initialised: the state changes, nothing is sent. */
	CT_EQ(t, hvg_rndis_dev_set_link(dev, false, buf, 32), 0);
	CT_CHECK(t, !dev->link_up);
	CT_EQ(t, hvg_rndis_dev_set_link(dev, true, buf, 32), 0);
	if (!ct_dev_up(t, dev, 0x00060001)) {
		CT_FAIL(t, "device did not initialise");
		goto out;
	}
	CT_EQ(t, hvg_rndis_dev_set_link(dev, true, buf, 32), 0);
	CT_EQ(t, hvg_rndis_dev_set_link(dev, false, buf, 19), -ENOSPC);
	CT_EQ(t, hvg_rndis_dev_set_link(dev, false, buf, 32), 20);
	CT_EQ(t, hvg_rndis_parse_host(buf, 20, &m), 0);
	CT_EQ(t, m.type, HVG_RNDIS_MSG_INDICATE);
	CT_EQ(t, m.indicate.status, HVG_RNDIS_STATUS_MEDIA_DISCONNECT);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_GEN_MEDIA_CONNECT_STATUS, NULL,
			      0, ans, &n), 0);
	CT_EQ(t, ct_get32(ans), 1);
	CT_EQ(t, hvg_rndis_dev_set_link(dev, true, buf, 32), 20);
	CT_EQ(t, hvg_rndis_parse_host(buf, 20, &m), 0);
	CT_EQ(t, m.indicate.status, HVG_RNDIS_STATUS_MEDIA_CONNECT);
	/* Link speed (with its u32) and network change (without). */
	CT_EQ(t, hvg_rndis_dev_indicate(dev, HVG_RNDIS_STATUS_LINK_SPEED_CHANGE,
					400000, buf, 32), 24);
	CT_EQ(t, hvg_rndis_parse_host(buf, 24, &m), 0);
	CT_EQ(t, m.indicate.link_speed, 400000);
	CT_EQ(t, ct_dev_query(dev, HVG_OID_GEN_LINK_SPEED, NULL, 0, ans, &n),
	      0);
	CT_EQ(t, ct_get32(ans), 400000);
	CT_EQ(t, hvg_rndis_dev_indicate(dev, HVG_RNDIS_STATUS_NETWORK_CHANGE,
					0, buf, 32), 20);
	CT_EQ(t, hvg_rndis_parse_host(buf, 20, &m), 0);
	CT_EQ(t, m.indicate.status, HVG_RNDIS_STATUS_NETWORK_CHANGE);
	CT_EQ(t, hvg_rndis_dev_indicate(dev, HVG_RNDIS_STATUS_MEDIA_CONNECT,
					0, buf, 32), -EINVAL);
	CT_EQ(t, hvg_rndis_dev_indicate(dev, HVG_RNDIS_STATUS_NETWORK_CHANGE,
					0, buf, 23), -ENOSPC);
out:
	ct_free(dev);
}

static int ct_dev_tx(const struct hvg_rndis_dev *dev, const u8 *msg,
		     u32 len, struct hvg_rndis_dev_tx *tx)
{
	u8 *copy = ct_dup(msg, len);
	int ret;

	if (!copy)
		return -ENOMEM;
	ret = hvg_rndis_dev_parse_tx(dev, copy, len, tx);
	ct_free(copy);
	return ret;
}

static void ct_case_dev_tx(struct ct *t)
{
	struct hvg_rndis_tx_ppi ppi = {
		.present = HVG_RNDIS_PI_CSUM | HVG_RNDIS_PI_VLAN,
		.csum = HVG_RNDIS_TXCSUM_IPV4 | HVG_RNDIS_TXCSUM_TCP |
			HVG_RNDIS_TXCSUM_IP_HDR |
			(34 << HVG_RNDIS_TXCSUM_TCP_OFF_SHIFT),
		.vlan = hvg_rndis_vlan(100, 5),
	};
	struct hvg_rndis_dev_tx tx;
	struct hvg_rndis_dev *dev;
	u8 *buf;
	int h;

	dev = ct_alloc(sizeof(*dev));
	if (!dev) {
		CT_FAIL(t, "no memory");
		return;
	}
	buf = ct_alloc(70000);
	if (!buf) {
		CT_FAIL(t, "no memory");
		goto out;
	}
	hvg_rndis_dev_init(dev, ct_dev_mac, 1500, 0x00060001, 1);
	h = hvg_rndis_build_packet(buf, 256, &ppi, 1518);
	CT_EQ(t, h, 76);
	CT_EQ(t, ct_dev_tx(dev, buf, h + 1518, &tx), 0);
	CT_EQ(t, tx.data_offset, 76);
	CT_EQ(t, tx.l4_offset, 34);
	CT_CHECK(t, !tx.ipv6);
	CT_EQ(t, tx.vlan_tci, 0xa064);
	/* 1519 bytes with a tag: too big for MTU 1500. */
	h = hvg_rndis_build_packet(buf, 256, &ppi, 1519);
	CT_EQ(t, ct_dev_tx(dev, buf, h + 1519, &tx), -HVG_RNDIS_E_DATA);
	/* The L4 header past the frame; both IP versions; TCP and UDP. */
	ppi.csum = HVG_RNDIS_TXCSUM_IPV4 | HVG_RNDIS_TXCSUM_TCP |
		(60 << HVG_RNDIS_TXCSUM_TCP_OFF_SHIFT);
	h = hvg_rndis_build_packet(buf, 256, &ppi, 64);
	CT_EQ(t, ct_dev_tx(dev, buf, h + 64, &tx), -HVG_RNDIS_E_PPI);
	ppi.csum = HVG_RNDIS_TXCSUM_IPV4 | HVG_RNDIS_TXCSUM_IPV6;
	h = hvg_rndis_build_packet(buf, 256, &ppi, 64);
	CT_EQ(t, ct_dev_tx(dev, buf, h + 64, &tx), -HVG_RNDIS_E_PPI);
	ppi.csum = HVG_RNDIS_TXCSUM_IPV6 | HVG_RNDIS_TXCSUM_TCP |
		HVG_RNDIS_TXCSUM_UDP | (54 << HVG_RNDIS_TXCSUM_TCP_OFF_SHIFT);
	h = hvg_rndis_build_packet(buf, 256, &ppi, 64);
	CT_EQ(t, ct_dev_tx(dev, buf, h + 64, &tx), -HVG_RNDIS_E_PPI);
	/* LSO: a 64 KiB frame is fine; an MSS of 0 or LSOv1 is not. */
	ppi.present = HVG_RNDIS_PI_LSO;
	ppi.lso = hvg_rndis_lso_v2(true, 54, 1440);
	h = hvg_rndis_build_packet(buf, 256, &ppi, 65536);
	CT_EQ(t, ct_dev_tx(dev, buf, h + 65536, &tx), 0);
	CT_EQ(t, tx.mss, 1440);
	CT_EQ(t, tx.l4_offset, 54);
	CT_CHECK(t, tx.ipv6);
	ppi.lso = hvg_rndis_lso_v2(true, 54, 0);
	h = hvg_rndis_build_packet(buf, 256, &ppi, 1000);
	CT_EQ(t, ct_dev_tx(dev, buf, h + 1000, &tx), -HVG_RNDIS_E_PPI);
	ppi.lso = 54 << 20 | 1440;
	h = hvg_rndis_build_packet(buf, 256, &ppi, 1000);
	CT_EQ(t, ct_dev_tx(dev, buf, h + 1000, &tx), -HVG_RNDIS_E_PPI);
	/* A runt; a control message. */
	h = hvg_rndis_build_packet(buf, 256, NULL, 13);
	CT_EQ(t, ct_dev_tx(dev, buf, h + 13, &tx), -HVG_RNDIS_E_DATA);
	h = hvg_rndis_build_keepalive(buf, 256, 1);
	CT_EQ(t, ct_dev_tx(dev, buf, h, &tx), -HVG_RNDIS_E_TYPE);
	/* Checksum and LSO together, built by hand. */
	ppi.present = HVG_RNDIS_PI_LSO;
	ppi.lso = hvg_rndis_lso_v2(false, 34, 1448);
	h = hvg_rndis_build_packet(buf, 256, &ppi, 1000);
	ct_le32(buf + 4, h + 16 + 1000);
	ct_le32(buf + 8, h + 16 - 8);
	ct_le32(buf + 32, 32);
	ct_dev_ppi(buf + h, 0, HVG_RNDIS_TXCSUM_IPV4);
	CT_EQ(t, ct_dev_tx(dev, buf, h + 16 + 1000, &tx), -HVG_RNDIS_E_PPI);
	ct_free(buf);
out:
	ct_free(dev);
}

static void ct_case_dev_rx_csum(struct ct *t)
{
	struct hvg_ndis_offload_params p = { 0 };
	struct hvg_rndis_dev *dev;
	u8 info[32];
	int len;

	dev = ct_alloc(sizeof(*dev));
	if (!dev) {
		CT_FAIL(t, "no memory");
		return;
	}
	if (!ct_dev_up(t, dev, 0x00060001)) {
		CT_FAIL(t, "device did not initialise");
		goto out;
	}
	/* Nothing enabled at first. */
	CT_EQ(t, hvg_rndis_dev_rx_csum(dev, false, 6), 0);
	CT_EQ(t, hvg_rndis_dev_rx_csum(dev, true, 17), 0);
	/* IPv4 header and TCP both ways, UDP/IPv6 receive only. */
	p.ipv4_csum = HVG_NDIS_OFFLOAD_PARAM_TX_RX_ENABLED;
	p.tcp_ipv4_csum = HVG_NDIS_OFFLOAD_PARAM_TX_RX_ENABLED;
	p.udp_ipv6_csum = HVG_NDIS_OFFLOAD_PARAM_RX_ENABLED_TX_DISABLED;
	p.tcp_ipv6_csum = HVG_NDIS_OFFLOAD_PARAM_TX_ENABLED_RX_DISABLED;
	len = hvg_ndis_build_offload_params(info, 32, 0x00060001, &p);
	CT_EQ(t, ct_dev_set(dev, HVG_OID_TCP_OFFLOAD_PARAMETERS, info, len),
	      0);
	CT_EQ(t, hvg_rndis_dev_rx_csum(dev, false, 6),
	      HVG_RNDIS_RXCSUM_IP_OK | HVG_RNDIS_RXCSUM_TCP_OK);
	CT_EQ(t, hvg_rndis_dev_rx_csum(dev, false, 17), HVG_RNDIS_RXCSUM_IP_OK);
	CT_EQ(t, hvg_rndis_dev_rx_csum(dev, false, 1), HVG_RNDIS_RXCSUM_IP_OK);
	CT_EQ(t, hvg_rndis_dev_rx_csum(dev, true, 17), HVG_RNDIS_RXCSUM_UDP_OK);
	CT_EQ(t, hvg_rndis_dev_rx_csum(dev, true, 6), 0);
out:
	ct_free(dev);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the RNDIS parsers (netvsc/rndis_msg.c) and the
 * loopback host's RNDIS device (host/rndis_dev.c). By the input's mode
 * byte (netvsc_fuzz.h) the fuzzer plays:
 *
 *   the host: one RNDIS message of any length and content, parsed as the
 *     guest parses what arrives in its receive buffer (control replies,
 *     status indications, data packets with per-packet info), then
 *     checked as the answer to a request of every type; and parsed again
 *     from a copy of its head alone (2 x the request id bytes), as the
 *     guest parses a coalesced fragment, which must agree with the full
 *     parse;
 *   the host: an NDIS object in a query answer or (for the host's parsers)
 *     a SET's information buffer;
 *   the guest: a stream of RNDIS messages sent to the loopback host's
 *     device, whose every answer must pass the guest's own parser;
 *   the guest driver: the per-packet infos and frame length of a packet to
 *     transmit, built, parsed back and checked by the device.
 *
 * Every input is parsed from a heap copy of exactly its length, so ASan
 * reports any read past it; every buffer a parser reports is read in full,
 * so a range it wrongly calls valid is caught too. Anything but an orderly
 * return with a documented error aborts.
 */
#include <stdlib.h>
#include "../netvsc/rndis_msg.h"
#include "../host/rndis_dev.h"
#include <hvguest/nvsp.h>
#include "netvsc_fuzz.h"

#define FZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "rndis_fuzz: %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* Where the bytes read go, so that the reads stay. */
u8 fz_sink;

/* Read every byte of a range the parser called valid. */
static void fz_touch(const u8 *buf, u32 len, u32 off, u32 n)
{
	u8 x = 0;
	u32 i;

	FZ_ASSERT((u64)off + n <= len);
	for (i = 0; i < n; i++)
		x ^= buf[off + i];
	fz_sink = x;
}

static bool fz_errname_ok(int ret)
{
	return strcmp(hvg_rndis_errname(ret), "unknown-error") != 0;
}

/* The invariants of a parsed message, whichever side sent it. */
static void fz_parsed(const u8 *buf, u32 len, const struct hvg_rndis_msg *m)
{
	const struct hvg_rndis_pkt *p = &m->packet;

	FZ_ASSERT(m->msg_len >= 8 && m->msg_len <= len);
	switch (m->type) {
	case HVG_RNDIS_MSG_PACKET:
		FZ_ASSERT(p->data_len >= 1 && p->data_offset >= 44);
		fz_touch(buf, m->msg_len, p->data_offset, p->data_len);
		FZ_ASSERT(!(p->present & ~0x1fu));
		break;
	case HVG_RNDIS_MSG_QUERY_C:
		if (m->query_c.info_len) {
			FZ_ASSERT(m->query_c.info_offset >= 24);
			fz_touch(buf, m->msg_len, m->query_c.info_offset,
				 m->query_c.info_len);
		}
		break;
	case HVG_RNDIS_MSG_INDICATE:
		if (m->indicate.buf_len) {
			FZ_ASSERT(m->indicate.buf_offset >= 20);
			fz_touch(buf, m->msg_len, m->indicate.buf_offset,
				 m->indicate.buf_len);
		}
		break;
	case HVG_RNDIS_MSG_QUERY:
	case HVG_RNDIS_MSG_SET:
		if (m->oid_req.info_len) {
			FZ_ASSERT(m->oid_req.info_offset >= 28);
			fz_touch(buf, m->msg_len, m->oid_req.info_offset,
				 m->oid_req.info_len);
		}
		break;
	default:
		break;
	}
}

static const u32 fz_req_types[] = {
	HVG_RNDIS_MSG_INIT, HVG_RNDIS_MSG_QUERY, HVG_RNDIS_MSG_SET,
	HVG_RNDIS_MSG_RESET, HVG_RNDIS_MSG_KEEPALIVE, HVG_RNDIS_MSG_HALT,
};

/*
 * A coalesced fragment: only its first @head_len bytes are copied, into
 * an allocation of exactly that size, so ASan reports any read past them.
 * What the head parser accepts the full parser accepts too, with the same
 * result: the head parser is the stricter of the two.
 */
static void fz_head(const u8 *buf, u32 len, u32 head_len)
{
	struct hvg_rndis_msg h, m;
	const struct hvg_rndis_pkt *p = &h.packet;
	u8 *head;
	int ret;

	head = malloc(head_len ? head_len : 1);
	FZ_ASSERT(head);
	memcpy(head, buf, head_len);
	ret = hvg_rndis_parse_packet_head(head, head_len, len, &h);
	free(head);
	FZ_ASSERT(ret <= 0 && fz_errname_ok(ret));
	if (ret)
		return;
	FZ_ASSERT(h.type == HVG_RNDIS_MSG_PACKET && h.msg_len <= len);
	FZ_ASSERT(p->data_len >= 1 && p->data_offset >= 44);
	FZ_ASSERT(!(p->present & ~0x1fu));
	fz_touch(buf, h.msg_len, p->data_offset, p->data_len);
	FZ_ASSERT(hvg_rndis_parse_host(buf, len, &m) == 0);
	FZ_ASSERT(m.type == h.type && m.msg_len == h.msg_len);
	FZ_ASSERT(m.packet.data_offset == p->data_offset &&
		  m.packet.data_len == p->data_len &&
		  m.packet.present == p->present && m.packet.csum == p->csum &&
		  m.packet.lso == p->lso && m.packet.vlan == p->vlan &&
		  m.packet.hash == p->hash &&
		  m.packet.pktinfo_flags == p->pktinfo_flags &&
		  m.packet.pktinfo_id == p->pktinfo_id);
}

static void fz_host(u8 req_id, const u8 *buf, u32 len)
{
	struct hvg_rndis_request req;
	struct hvg_rndis_msg m;
	u32 i;
	int ret;

	ret = hvg_rndis_parse_host(buf, len, &m);
	FZ_ASSERT(ret <= 0 && fz_errname_ok(ret));
	if (!ret) {
		FZ_ASSERT(m.type == HVG_RNDIS_MSG_PACKET ||
			  m.type == HVG_RNDIS_MSG_INDICATE ||
			  (m.type & HVG_RNDIS_MSG_COMPLETION));
		fz_parsed(buf, len, &m);
		for (i = 0; i < ARRAY_SIZE(fz_req_types); i++) {
			req.type = fz_req_types[i];
			req.req_id = req_id;
			req.info_cap = (u32)req_id * 8;
			ret = hvg_rndis_check_reply(&m, &req);
			FZ_ASSERT(ret <= 0 && fz_errname_ok(ret));
			if (!ret && m.type == HVG_RNDIS_MSG_QUERY_C)
				FZ_ASSERT(m.query_c.info_len <= req.info_cap);
		}
	}
	fz_head(buf, len, 2u * req_id < len ? 2u * req_id : len);
	/* The host's parser of guest messages, on the same bytes. */
	ret = hvg_rndis_parse_guest(buf, len, &m);
	FZ_ASSERT(ret <= 0 && fz_errname_ok(ret));
	if (!ret) {
		FZ_ASSERT(!(m.type & HVG_RNDIS_MSG_COMPLETION));
		fz_parsed(buf, len, &m);
	}
}

static void fz_object(u8 sel, const u8 *buf, u32 len)
{
	struct hvg_ndis_offload_params op;
	struct hvg_ndis_rss_caps caps;
	struct hvg_ndis_offload o;
	struct hvg_ndis_rss *rss;
	u8 mac[6];
	u32 q, i;
	int ret;

	switch (sel % 5) {
	case 0:
		ret = hvg_ndis_parse_offload(buf, len, 112 + sel, &o);
		if (!ret)
			FZ_ASSERT(o.hdr.size >= 112 && o.hdr.size <= len &&
				  o.hdr.size <= 112u + sel);
		break;
	case 1:
		ret = hvg_ndis_parse_offload_params(buf, len, &op);
		if (!ret)
			FZ_ASSERT(op.hdr.size >= 22 && op.hdr.size <= len);
		break;
	case 2:
		ret = hvg_ndis_parse_rss_caps(buf, len, &caps);
		if (!ret)
			FZ_ASSERT(caps.num_recv_queues <= 256 && len >= 18);
		break;
	case 3:
		rss = malloc(sizeof(*rss));
		FZ_ASSERT(rss);
		q = sel % 65;
		ret = hvg_ndis_parse_rss_params(buf, len, q, rss);
		if (!ret && rss->enabled) {
			FZ_ASSERT(rss->entries >= 1 && rss->entries <= 256);
			for (i = 0; i < rss->entries; i++)
				FZ_ASSERT(rss->table[i] < q);
		}
		free(rss);
		break;
	default:
		ret = hvg_rndis_parse_mac_param(buf, len, mac);
		break;
	}
	FZ_ASSERT(!ret || ret == -HVG_RNDIS_E_OBJECT);
}

/* The device's answer, parsed as the guest parses it. */
static void fz_answer(const u8 *req, u32 req_len, const u8 *resp, int n)
{
	struct hvg_rndis_request rq;
	struct hvg_rndis_msg in, out;
	u8 *copy;

	FZ_ASSERT(n > 0 && n <= HVG_RNDIS_DEV_RESP_MAX);
	copy = malloc(n);
	FZ_ASSERT(copy);
	memcpy(copy, resp, n);
	FZ_ASSERT(hvg_rndis_parse_host(copy, n, &out) == 0);
	FZ_ASSERT(out.msg_len == (u32)n);
	fz_parsed(copy, n, &out);
	FZ_ASSERT(hvg_rndis_parse_guest(req, req_len, &in) == 0);
	rq.type = in.type;
	rq.req_id = in.type == HVG_RNDIS_MSG_RESET ? 0 : in.init.req_id;
	rq.info_cap = HVG_RNDIS_DEV_RESP_MAX;
	FZ_ASSERT(hvg_rndis_check_reply(&out, &rq) != -HVG_RNDIS_E_MISMATCH);
	free(copy);
}

static void fz_device(u8 sel, const u8 *buf, u32 len)
{
	static const u32 versions[] = {
		HVG_NVSP_VERSION_1, HVG_NVSP_VERSION_2, HVG_NVSP_VERSION_4,
		HVG_NVSP_VERSION_5, HVG_NVSP_VERSION_6, HVG_NVSP_VERSION_61,
	};
	static const u8 mac[6] = { 0x00, 0x15, 0x5d, 1, 2, 3 };
	struct hvg_rndis_dev *dev = malloc(sizeof(*dev));
	u8 resp[HVG_RNDIS_DEV_RESP_MAX];
	struct hvg_rndis_msg m, ind;
	struct hvg_rndis_dev_tx tx;
	u32 pos = 0, rest, step;
	int ret, n;

	FZ_ASSERT(dev);
	FZ_ASSERT(!hvg_rndis_dev_init(dev, mac, 1500 + sel * 16,
				      versions[sel % 6], 1 + sel % 4));
	while (pos < len) {
		rest = len - pos;
		/* The caller's framing: one message, then the next. */
		ret = hvg_rndis_parse_guest(buf + pos, rest, &m);
		FZ_ASSERT(ret <= 0 && fz_errname_ok(ret));
		if (ret)
			break;
		if (m.type == HVG_RNDIS_MSG_PACKET) {
			ret = hvg_rndis_dev_parse_tx(dev, buf + pos, rest, &tx);
			FZ_ASSERT(ret <= 0 && fz_errname_ok(ret));
			if (!ret) {
				FZ_ASSERT(tx.msg_len == m.msg_len);
				fz_touch(buf + pos, tx.msg_len, tx.data_offset,
					 tx.data_len);
				FZ_ASSERT(tx.data_len >= 14);
				if (tx.present & HVG_RNDIS_PI_LSO)
					FZ_ASSERT(tx.mss && tx.l4_offset + 20 <=
						  tx.data_len);
			}
		} else {
			n = hvg_rndis_dev_request(dev, buf + pos, rest, resp,
						  sizeof(resp));
			FZ_ASSERT(n >= 0);
			if (n)
				fz_answer(buf + pos, m.msg_len, resp, n);
			else
				FZ_ASSERT(m.type == HVG_RNDIS_MSG_HALT);
		}
		/* The receive checksum flags follow what the guest set. */
		FZ_ASSERT(!(hvg_rndis_dev_rx_csum(dev, m.msg_len & 1,
						  m.msg_len & 2 ? 6 : 17) &
			    ~(HVG_RNDIS_RXCSUM_IP_OK | HVG_RNDIS_RXCSUM_TCP_OK |
			      HVG_RNDIS_RXCSUM_UDP_OK)));
		/* A link change between messages, now and then. */
		if (m.msg_len & 0x100) {
			n = hvg_rndis_dev_set_link(dev, !dev->link_up, resp,
						   sizeof(resp));
			FZ_ASSERT(n == 0 || n == 20);
			if (n)
				FZ_ASSERT(!hvg_rndis_parse_host(resp, n, &ind) &&
					  ind.type == HVG_RNDIS_MSG_INDICATE);
		}
		if (m.msg_len & 0x200) {
			const u32 st = HVG_RNDIS_STATUS_LINK_SPEED_CHANGE;

			n = hvg_rndis_dev_indicate(dev, st, m.msg_len, resp,
						   sizeof(resp));
			FZ_ASSERT(n == 0 || n == 24);
			if (n)
				FZ_ASSERT(!hvg_rndis_parse_host(resp, n, &ind) &&
					  ind.indicate.link_speed == m.msg_len);
		}
		/* Messages are 8-byte aligned in a send section. */
		step = (m.msg_len + 7) & ~7u;
		if (!step || step > rest)
			break;
		pos += step;
	}
	free(dev);
}

static void fz_build(const u8 *in, u32 len)
{
	struct hvg_rndis_tx_ppi ppi;
	struct hvg_rndis_dev_tx tx;
	struct hvg_rndis_dev dev;
	struct hvg_rndis_msg m;
	static const u8 mac[6] = { 2, 0, 0, 0, 0, 1 };
	u8 raw[24] = { 0 };
	u32 data_len, cap;
	u8 *buf;
	int h;

	memcpy(raw, in, len < sizeof(raw) ? len : sizeof(raw));
	memcpy(&ppi, raw, sizeof(ppi));
	memcpy(&data_len, raw + 20, 4);
	ppi.present &= 0x3f;
	data_len %= 70000;
	cap = 44 + 64 + data_len;
	buf = malloc(cap);
	FZ_ASSERT(buf);
	h = hvg_rndis_build_packet(buf, cap, &ppi, data_len);
	if (h < 0) {
		FZ_ASSERT(h == -EINVAL);
		FZ_ASSERT(!data_len || (ppi.present & ~0xfu) ||
			  ((ppi.present & 3) == 3));
		goto out;
	}
	FZ_ASSERT((u32)h + data_len <= cap);
	memset(buf + h, 0x5a, data_len);
	FZ_ASSERT(hvg_rndis_parse_guest(buf, h + data_len, &m) == 0);
	FZ_ASSERT(m.type == HVG_RNDIS_MSG_PACKET);
	FZ_ASSERT(m.packet.present == ppi.present);
	FZ_ASSERT(m.packet.data_offset == (u32)h &&
		  m.packet.data_len == data_len);
	if (ppi.present & HVG_RNDIS_PI_CSUM)
		FZ_ASSERT(m.packet.csum == ppi.csum);
	if (ppi.present & HVG_RNDIS_PI_LSO)
		FZ_ASSERT(m.packet.lso == ppi.lso);
	if (ppi.present & HVG_RNDIS_PI_VLAN)
		FZ_ASSERT(m.packet.vlan == ppi.vlan);
	if (ppi.present & HVG_RNDIS_PI_HASH)
		FZ_ASSERT(m.packet.hash == ppi.hash);
	FZ_ASSERT(!hvg_rndis_dev_init(&dev, mac, 1500, HVG_NVSP_VERSION_61,
				      1));
	h = hvg_rndis_dev_parse_tx(&dev, buf, h + data_len, &tx);
	FZ_ASSERT(h <= 0 && fz_errname_ok(h));
out:
	free(buf);
}

int rndis_fuzz_one(const u8 *data, size_t size);

int rndis_fuzz_one(const u8 *data, size_t size)
{
	u32 len;
	u8 *copy;

	if (size < 2)
		return 0;
	len = size - 2 > 0x20000 ? 0x20000 : size - 2;
	copy = malloc(len ? len : 1);
	FZ_ASSERT(copy);
	memcpy(copy, data + 2, len);
	switch (data[0] % FZ_RNDIS_MODES) {
	case FZ_RNDIS_HOST:
		fz_host(data[1], copy, len);
		break;
	case FZ_RNDIS_OBJECT:
		fz_object(data[1], copy, len);
		break;
	case FZ_RNDIS_DEVICE:
		fz_device(data[1], copy, len);
		break;
	default:
		fz_build(copy, len);
		break;
	}
	free(copy);
	return 0;
}

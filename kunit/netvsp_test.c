// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_loophost_netvsp": the loopback host's synthetic NICs
 * (host/netvsp.c, host/vswitch.c), driven the way the channel's work
 * drives a service: the test plays two guests, each with a primary
 * channel (and a sub-channel where a test needs one), hands their packets
 * to the service's on_packet() and reads what the host wrote into each
 * channel's inbound ring with the guest's own ring code. Its messages are
 * built with the guest's builders (netvsc/nvsp_msg.c, rndis_msg.c) and the
 * host's are checked with the guest's parsers.
 *
 * The buffers are GPADLs the test makes itself from pages it allocates;
 * the rings are ring pairs of its own, the inbound one attached as the
 * host's producer endpoint.
 */
#include <kunit/test.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <linux/vmalloc.h>
#include <net/checksum.h>
#include <hvguest/nvsp.h>
#include <hvguest/rndis.h>

#include "../host/server_internal.h"
#include "../host/netvsp.h"
#include "../netvsc/nvsp_msg.h"
#include "../netvsc/rndis_msg.h"

#define NT_RING_BYTES	(32 * PAGE_SIZE)	/* header + 31 pages */
#define NT_RX_PAGES	256			/* 1 MiB receive buffer */
#define NT_TX_PAGES	24			/* 16 send sections */
#define NT_RX_ID	0xcafe
#define NT_V61		HVG_NVSP_VERSION_61

struct nt_chan {
	struct hvg_lh_channel *ch;
	struct hvg_ring_pair pair;
	u8 *rbuf;
	bool open;
};

struct nt_gpadl {
	struct hvg_lh_gpadl g;
	struct hvg_lh_channel *ch;
};

struct nt_nic {
	struct nt_chan q[2];
	unsigned int nq;
	struct nt_gpadl *rx, *tx;
	u32 slot_size, nslots;
	u32 req_id;
	u8 mac[6];
};

struct nt {
	struct kunit *test;
	struct hvg_lh_server *srv;
	struct nt_nic n[2];
	u32 relid;
	u32 handle;
	struct page *page, *page2;	/* GPA-direct sends */
	u8 *page_va;
	u8 *frame, *pkt;	/* 4 KiB each, for the cases' frames */
};

static struct nt *nt_of(struct kunit *test)
{
	return test->priv;
}

static struct netvsp_nic *nt_nic(struct nt_nic *n)
{
	return ((struct netvsp_chan *)n->q[0].ch->priv)->nic;
}

static long long nt_stat(struct nt_nic *n, enum netvsp_stat s)
{
	return atomic64_read(&nt_nic(n)->stats[s]);
}

/* ---------------------------------------------------------------------
 * Channels, GPADLs, packets
 */

static void nt_chan_open_ring(struct kunit *test, struct nt_chan *c,
			      struct nt_chan *primary, u16 sub_index,
			      u32 ring_bytes)
{
	const struct hvg_lh_service *svc = &hvg_lh_netvsp_service;
	struct nt *t = nt_of(test);
	struct hvg_lh_channel *ch;

	ch = kzalloc(sizeof(*ch) + svc->priv_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ch);
	ch->srv = t->srv;
	ch->svc = svc;
	ch->priv = ch + 1;
	ch->relid = ++t->relid;
	ch->primary = primary ? primary->ch : ch;
	ch->sub_index = sub_index;
	hvg_lh_chan_init(ch);
	c->ch = ch;
	KUNIT_ASSERT_EQ(test, hvg_ring_pair_alloc(&c->pair, ring_bytes,
						  ring_bytes), 0);
	KUNIT_ASSERT_EQ(test, hvg_ring_attach(&ch->tx, c->pair.in_va,
					      ring_bytes - PAGE_SIZE), 0);
	c->rbuf = kzalloc(NT_RING_BYTES, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->rbuf);
	ch->state = HVG_LH_CH_OPEN;
	KUNIT_ASSERT_EQ(test, svc->on_open(ch, NULL), 0U);
	c->open = true;
}

static void nt_chan_open(struct kunit *test, struct nt_chan *c,
			 struct nt_chan *primary, u16 sub_index)
{
	nt_chan_open_ring(test, c, primary, sub_index, NT_RING_BYTES);
}

static void nt_chan_close(struct nt_chan *c)
{
	if (c->open)
		c->ch->svc->on_close(c->ch);
	c->open = false;
}

static struct nt_gpadl *nt_gpadl(struct kunit *test, struct nt_chan *c,
				 u32 npages)
{
	struct nt *t = nt_of(test);
	struct nt_gpadl *p = kzalloc(sizeof(*p), GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->ch = c->ch;
	p->g.handle = ++t->handle;
	p->g.relid = c->ch->relid;
	p->g.npfns = npages;
	p->g.have = npages;
	p->g.byte_count = npages * PAGE_SIZE;
	p->g.pages = kcalloc(npages, sizeof(*p->g.pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p->g.pages);
	for (i = 0; i < npages; i++) {
		p->g.pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, p->g.pages[i]);
	}
	p->g.va = vmap(p->g.pages, npages, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p->g.va);
	mutex_lock(&c->ch->gpadl_lock);
	list_add_tail(&p->g.node, &c->ch->gpadls);
	mutex_unlock(&c->ch->gpadl_lock);
	return p;
}

static void nt_gpadl_free(struct nt_gpadl *p)
{
	u32 i;

	if (!p)
		return;
	list_del(&p->g.node);
	vunmap(p->g.va);
	for (i = 0; i < p->g.npfns; i++)
		if (p->g.pages[i])
			__free_page(p->g.pages[i]);
	kfree(p->g.pages);
	kfree(p);
}

/* Hand one packet to the service as the channel's work would. */
static int nt_pkt(struct nt_chan *c, u16 type, u16 flags, u64 tid,
		  const void *ext, u32 extlen, const void *data, u32 len)
{
	u32 plen = ALIGN(len, 8);
	struct hvg_ring_pkt pkt = {};
	u8 *buf;
	int ret;

	buf = kzalloc(extlen + plen + 8, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (extlen)
		memcpy(buf, ext, extlen);
	if (len)
		memcpy(buf + extlen, data, len);
	pkt.desc.type = type;
	pkt.desc.flags = flags;
	pkt.desc.trans_id = tid;
	pkt.desc.offset8 = (sizeof(pkt.desc) + extlen) / 8;
	pkt.desc.len8 = (sizeof(pkt.desc) + extlen + plen) / 8;
	pkt.data = buf + extlen;
	pkt.data_len = plen;
	ret = c->ch->svc->on_packet(c->ch, &pkt, buf);
	kfree(buf);
	return ret;
}

static int nt_inband(struct nt_chan *c, u64 tid, bool comp,
		     const struct hvg_nvsp_buf *m, int len)
{
	return nt_pkt(c, HVG_PKT_DATA_INBAND,
		      comp ? HVG_PKT_FLAG_COMPLETION_REQUESTED : 0, tid, NULL,
		      0, m->data, len);
}

/* The next packet the host wrote on @c: 1, or 0 if none. */
static int nt_read(struct nt_chan *c, struct hvg_ring_pkt *pkt)
{
	int ret = hvg_ring_read_next(&c->pair.in, c->rbuf, NT_RING_BYTES, pkt);

	hvg_ring_read_end(&c->pair.in);
	return ret;
}

static void nt_expect_quiet(struct kunit *test, struct nt_chan *c)
{
	struct hvg_ring_pkt pkt;

	KUNIT_EXPECT_EQ(test, nt_read(c, &pkt), 0);
}

/* A completion of @tid, parsed. */
static void nt_expect_comp(struct kunit *test, struct nt_chan *c, u64 tid,
			   u32 version, struct hvg_nvsp_msg *m)
{
	struct hvg_ring_pkt pkt;

	KUNIT_ASSERT_EQ(test, nt_read(c, &pkt), 1);
	KUNIT_ASSERT_EQ(test, pkt.desc.type, (u16)HVG_PKT_COMP);
	KUNIT_EXPECT_EQ(test, pkt.desc.trans_id, tid);
	KUNIT_ASSERT_EQ(test, hvg_nvsp_parse(pkt.data, pkt.data_len, version,
					     m), 0);
}

static u32 nt_rndis_status(struct kunit *test, struct nt_chan *c, u64 tid)
{
	struct hvg_nvsp_msg m;

	nt_expect_comp(test, c, tid, NT_V61, &m);
	KUNIT_EXPECT_EQ(test, m.type,
			(u32)HVG_NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE);
	return m.rndis_pkt_complete.status;
}

struct nt_rx {
	u64 tid;
	u32 channel_type;
	u32 offset, len;
	const u8 *msg;
};

/* A receive on @c: a transfer-page packet with one range. */
static void nt_expect_rx(struct kunit *test, struct nt_nic *n,
			 struct nt_chan *c, struct nt_rx *rx)
{
	struct netvsp_xfer x;
	struct hvg_ring_pkt pkt;
	struct hvg_nvsp_msg m;

	KUNIT_ASSERT_EQ(test, nt_read(c, &pkt), 1);
	KUNIT_ASSERT_EQ(test, pkt.desc.type,
			(u16)HVG_PKT_DATA_USING_XFER_PAGES);
	KUNIT_EXPECT_TRUE(test, pkt.desc.flags &
			  HVG_PKT_FLAG_COMPLETION_REQUESTED);
	KUNIT_ASSERT_EQ(test, pkt.desc.offset8 * 8u, 32u);
	memcpy(&x, c->rbuf, sizeof(x));
	KUNIT_EXPECT_EQ(test, x.pageset_id, (u16)NT_RX_ID);
	KUNIT_ASSERT_EQ(test, x.range_cnt, 1u);
	KUNIT_ASSERT_EQ(test, hvg_nvsp_parse(pkt.data, pkt.data_len, NT_V61,
					     &m), 0);
	KUNIT_ASSERT_EQ(test, m.type, (u32)HVG_NVSP_MSG1_SEND_RNDIS_PKT);
	rx->tid = pkt.desc.trans_id;
	rx->channel_type = m.rndis_pkt.channel_type;
	rx->offset = x.byte_offset;
	rx->len = x.byte_count;
	rx->msg = NULL;
	if ((u64)x.byte_offset + x.byte_count <= n->rx->g.byte_count)
		rx->msg = (u8 *)n->rx->g.va + x.byte_offset;
}

/* The guest completes receive @tid on @c. */
static int nt_rx_done(struct nt_chan *c, u64 tid)
{
	struct hvg_nvsp_buf m;
	int len = hvg_nvsp_build_rndis_pkt_complete(&m, HVG_NVSP_STAT_SUCCESS);

	return nt_pkt(c, HVG_PKT_COMP, 0, tid, NULL, 0, m.data, len);
}

/* An RNDIS message in one GPA-direct page, as SEND_RNDIS_PKT. */
static int nt_send_pages(struct kunit *test, struct nt_chan *c, u64 tid,
			 u32 channel_type, const void *msg, u32 len)
{
	struct nt *t = nt_of(test);
	struct {
		struct hvg_gpa_direct_hdr h;
		struct hvg_gpa_range r;
		u64 pfn;
	} ext = {
		.h.range_count = 1,
		.r.byte_count = len,
		.pfn = page_to_pfn(t->page),
	};
	struct hvg_nvsp_buf m;
	int mlen;

	KUNIT_ASSERT_LE(test, len, (u32)PAGE_SIZE);
	memcpy(t->page_va, msg, len);
	mlen = hvg_nvsp_build_rndis_pkt(&m, channel_type, HVG_NVSP_NO_SECTION,
					0);
	return nt_pkt(c, HVG_PKT_DATA_USING_GPA_DIRECT,
		      HVG_PKT_FLAG_COMPLETION_REQUESTED, tid, &ext,
		      sizeof(ext), m.data, mlen);
}

/* RNDIS messages copied into send section @idx, as SEND_RNDIS_PKT. */
static int nt_send_section(struct nt_nic *n, u32 idx, u64 tid,
			   const void *msg, u32 len)
{
	struct hvg_nvsp_buf m;
	int mlen;

	memcpy((u8 *)n->tx->g.va + idx * NETVSP_SECTION_SIZE, msg, len);
	mlen = hvg_nvsp_build_rndis_pkt(&m, HVG_NVSP_CHANNEL_DATA, idx, len);
	return nt_inband(&n->q[0], tid, true, &m, mlen);
}

/* An RNDIS request and its answer (in the receive buffer), checked. */
static void nt_rndis(struct kunit *test, struct nt_nic *n, void *req,
		     u32 len, struct hvg_rndis_msg *reply, u32 info_cap)
{
	struct hvg_rndis_request r = { .info_cap = info_cap };
	struct nt_rx rx;

	memcpy(&r.type, req, sizeof(r.type));
	memcpy(&r.req_id, (u8 *)req + 8, sizeof(r.req_id));
	KUNIT_ASSERT_EQ(test, nt_send_pages(test, &n->q[0], 900 + r.req_id,
					    HVG_NVSP_CHANNEL_CONTROL, req,
					    len), 0);
	nt_expect_rx(test, n, &n->q[0], &rx);
	KUNIT_EXPECT_EQ(test, rx.channel_type, (u32)HVG_NVSP_CHANNEL_CONTROL);
	KUNIT_ASSERT_NOT_NULL(test, rx.msg);
	KUNIT_ASSERT_EQ(test, hvg_rndis_parse_host(rx.msg, rx.len, reply), 0);
	KUNIT_EXPECT_EQ(test, hvg_rndis_check_reply(reply, &r), 0);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &n->q[0], 900 + r.req_id),
			(u32)HVG_NVSP_STAT_SUCCESS);
	KUNIT_EXPECT_EQ(test, nt_rx_done(&n->q[0], rx.tid), 0);
}

static void nt_set_u32(struct kunit *test, struct nt_nic *n, u32 oid, u32 v)
{
	struct hvg_rndis_msg reply;
	u8 req[64];
	int len;

	len = hvg_rndis_build_set(req, sizeof(req), ++n->req_id, oid, &v,
				  sizeof(v));
	KUNIT_ASSERT_GT(test, len, 0);
	nt_rndis(test, n, req, len, &reply, 0);
}

/*
 * The whole guest side of M24/M29: INIT, NDIS_CONFIG, NDIS_VER, both
 * buffers, RNDIS INIT, the MAC query, the packet filter.
 */
static void nt_handshake(struct kunit *test, struct nt_nic *n)
{
	struct nt_chan *c = &n->q[0];
	struct hvg_nvsp_recv_geom geom;
	struct hvg_rndis_msg reply;
	struct hvg_nvsp_buf m;
	struct hvg_nvsp_msg r;
	u32 nsec;
	u8 req[64];
	int len;

	len = hvg_nvsp_build_init(&m, NT_V61);
	KUNIT_ASSERT_EQ(test, nt_inband(c, 1, true, &m, len), 0);
	nt_expect_comp(test, c, 1, 0, &r);
	KUNIT_ASSERT_EQ(test, hvg_nvsp_check_init(&r), 0);
	len = hvg_nvsp_build_ndis_config(&m, NT_V61, 1514,
					 HVG_NVSP_CAP_IEEE8021Q);
	KUNIT_ASSERT_EQ(test, nt_inband(c, 2, false, &m, len), 0);
	len = hvg_nvsp_build_ndis_version(&m, NT_V61);
	KUNIT_ASSERT_EQ(test, nt_inband(c, 3, false, &m, len), 0);
	nt_expect_quiet(test, c);

	n->rx = nt_gpadl(test, c, NT_RX_PAGES);
	len = hvg_nvsp_build_recv_buf(&m, n->rx->g.handle, NT_RX_ID);
	KUNIT_ASSERT_EQ(test, nt_inband(c, 4, true, &m, len), 0);
	nt_expect_comp(test, c, 4, NT_V61, &r);
	KUNIT_ASSERT_EQ(test, hvg_nvsp_check_recv_buf(&r, n->rx->g.byte_count,
						      &geom), 0);
	n->slot_size = geom.sub_alloc_size;
	n->nslots = geom.num_sub_allocs;
	KUNIT_EXPECT_GE(test, n->slot_size, 9000u + 14 + NETVSP_RX_HDR_MAX);

	n->tx = nt_gpadl(test, c, NT_TX_PAGES);
	len = hvg_nvsp_build_send_buf(&m, n->tx->g.handle, 0);
	KUNIT_ASSERT_EQ(test, nt_inband(c, 5, true, &m, len), 0);
	nt_expect_comp(test, c, 5, NT_V61, &r);
	KUNIT_ASSERT_EQ(test, hvg_nvsp_check_send_buf(&r, n->tx->g.byte_count,
						      &nsec), 0);
	KUNIT_EXPECT_EQ(test, r.send_buf.section_size, 6144u);
	KUNIT_EXPECT_EQ(test, nsec, NT_TX_PAGES * PAGE_SIZE / 6144);

	len = hvg_rndis_build_init(req, sizeof(req), ++n->req_id);
	nt_rndis(test, n, req, len, &reply, 0);
	KUNIT_EXPECT_EQ(test, reply.init_c.max_pkt_per_msg, 8u);
	len = hvg_rndis_build_query(req, sizeof(req), ++n->req_id,
				    HVG_OID_802_3_PERMANENT_ADDRESS, NULL, 0);
	nt_rndis(test, n, req, len, &reply, 6);
	KUNIT_ASSERT_EQ(test, reply.query_c.info_len, 6u);
	nt_set_u32(test, n, HVG_OID_GEN_CURRENT_PACKET_FILTER,
		   HVG_RNDIS_FILTER_DIRECTED | HVG_RNDIS_FILTER_ALL_MULTICAST |
		   HVG_RNDIS_FILTER_BROADCAST);
	memcpy(n->mac, nt_nic(n)->dev.mac, 6);
}

static int nt_init(struct kunit *test)
{
	struct nt *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	t->test = test;
	t->srv = kunit_kzalloc(test, sizeof(*t->srv), GFP_KERNEL);
	t->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	t->page2 = alloc_page(GFP_KERNEL | __GFP_ZERO);
	t->frame = kunit_kzalloc(test, 4096, GFP_KERNEL);
	t->pkt = kunit_kzalloc(test, 4096, GFP_KERNEL);
	if (!t->srv || !t->page || !t->page2 || !t->frame || !t->pkt) {
		if (t->page)
			__free_page(t->page);
		if (t->page2)
			__free_page(t->page2);
		return -ENOMEM;
	}
	t->page_va = page_address(t->page);
	t->handle = 0x100;
	t->relid = 40;
	test->priv = t;
	return 0;
}

static void nt_exit(struct kunit *test)
{
	struct nt *t = nt_of(test);
	unsigned int i, j;

	/* A case may change net_version: the default again. */
	hvg_lh_netvsp_set_version("6.1");

	for (i = 0; i < ARRAY_SIZE(t->n); i++)
		for (j = ARRAY_SIZE(t->n[i].q); j-- > 0;)
			nt_chan_close(&t->n[i].q[j]);
	for (i = 0; i < ARRAY_SIZE(t->n); i++) {
		nt_gpadl_free(t->n[i].rx);
		nt_gpadl_free(t->n[i].tx);
		for (j = 0; j < ARRAY_SIZE(t->n[i].q); j++) {
			struct nt_chan *c = &t->n[i].q[j];

			if (!c->ch)
				continue;
			hvg_ring_pair_free(&c->pair);
			kfree(c->rbuf);
			mutex_destroy(&c->ch->gpadl_lock);
			kfree(c->ch);
		}
	}
	__free_page(t->page);
	__free_page(t->page2);
	hvg_lh_netvsp_exit();
}

/* Two NICs, both through the handshake. */
static void nt_two(struct kunit *test)
{
	struct nt *t = nt_of(test);

	nt_chan_open(test, &t->n[0].q[0], NULL, 0);
	nt_chan_open(test, &t->n[1].q[0], NULL, 0);
	nt_handshake(test, &t->n[0]);
	nt_handshake(test, &t->n[1]);
}

/* A frame: @dst, the NIC's source, an experimental EtherType, a pattern. */
static u32 nt_frame(u8 *buf, const u8 *dst, const u8 *src, u32 len, u8 seed)
{
	u32 i;

	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	buf[12] = 0x88;
	buf[13] = 0xb5;
	for (i = 14; i < len; i++)
		buf[i] = seed + i;
	return len;
}

/* An RNDIS PACKET around @frame, into @out: its length. */
static u32 nt_packet(struct kunit *test, u8 *out, u32 cap,
		     const struct hvg_rndis_tx_ppi *ppi, const u8 *frame,
		     u32 len)
{
	int hdr = hvg_rndis_build_packet(out, cap, ppi, len);

	KUNIT_ASSERT_GT(test, hdr, 0);
	KUNIT_ASSERT_LE(test, hdr + len, cap);
	memcpy(out + hdr, frame, len);
	return hdr + len;
}

/* Receive one data frame on @c of @n and return it (the RNDIS parsed). */
static const u8 *nt_rx_frame(struct kunit *test, struct nt_nic *n,
			     struct nt_chan *c, struct hvg_rndis_msg *pm,
			     u64 *tid)
{
	struct nt_rx rx;

	nt_expect_rx(test, n, c, &rx);
	KUNIT_EXPECT_EQ(test, rx.channel_type, (u32)HVG_NVSP_CHANNEL_DATA);
	KUNIT_ASSERT_NOT_NULL(test, rx.msg);
	KUNIT_EXPECT_LE(test, rx.len, n->slot_size);
	KUNIT_EXPECT_EQ(test, rx.offset % n->slot_size, 0u);
	KUNIT_ASSERT_EQ(test, hvg_rndis_parse_host(rx.msg, rx.len, pm), 0);
	KUNIT_ASSERT_EQ(test, pm->type, (u32)HVG_RNDIS_MSG_PACKET);
	*tid = rx.tid;
	return rx.msg + pm->packet.data_offset;
}

/* ---------------------------------------------------------------------
 * Cases
 */

static void netvsp_handshake(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_nic *n = &t->n[0];
	struct hvg_rndis_msg reply;
	u8 req[64];
	int len;

	nt_chan_open(test, &n->q[0], NULL, 0);
	nt_handshake(test, n);
	KUNIT_EXPECT_EQ(test, nt_nic(n)->version, (u32)NT_V61);
	KUNIT_EXPECT_EQ(test, nt_nic(n)->nfree, n->nslots);
	KUNIT_EXPECT_EQ(test, n->nslots,
			NT_RX_PAGES * (u32)PAGE_SIZE / n->slot_size);
	/* The link is up, a supported OID answers, an unknown one fails. */
	len = hvg_rndis_build_query(req, sizeof(req), ++n->req_id,
				    HVG_OID_GEN_MEDIA_CONNECT_STATUS, NULL, 0);
	nt_rndis(test, n, req, len, &reply, 4);
	KUNIT_EXPECT_EQ(test, reply.query_c.info_len, 4u);
	len = hvg_rndis_build_query(req, sizeof(req), ++n->req_id, 0x0badf00d,
				    NULL, 0);
	KUNIT_ASSERT_EQ(test, nt_send_pages(test, &n->q[0], 77,
					    HVG_NVSP_CHANNEL_CONTROL, req,
					    len), 0);
	{
		struct nt_rx rx;

		nt_expect_rx(test, n, &n->q[0], &rx);
		KUNIT_ASSERT_EQ(test, hvg_rndis_parse_host(rx.msg, rx.len,
							   &reply), 0);
		KUNIT_EXPECT_EQ(test, reply.query_c.status,
				(u32)HVG_RNDIS_STATUS_NOT_SUPPORTED);
		KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &n->q[0], 77),
				(u32)HVG_NVSP_STAT_SUCCESS);
		nt_rx_done(&n->q[0], rx.tid);
	}
	/* Every receive is back. */
	KUNIT_EXPECT_EQ(test, nt_nic(n)->nfree, n->nslots);
	KUNIT_EXPECT_EQ(test, nt_stat(n, NETVSP_BAD_COMPLETIONS), 0LL);
}

static void netvsp_init_versions(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_chan *c = &t->n[0].q[0];
	struct hvg_nvsp_buf m;
	struct hvg_nvsp_msg r;
	int len;

	nt_chan_open(test, c, NULL, 0);
	/* Newer than the host: status NONE (OpenVMM), not SUCCESS. */
	len = hvg_nvsp_build_init(&m, NT_V61);
	((u32 *)m.data)[1] = 0x00070000;
	((u32 *)m.data)[2] = 0x00070000;
	KUNIT_ASSERT_EQ(test, nt_inband(c, 10, true, &m, len), 0);
	nt_expect_comp(test, c, 10, 0, &r);
	KUNIT_EXPECT_EQ(test, r.init_complete.status, (u32)HVG_NVSP_STAT_NONE);
	KUNIT_EXPECT_EQ(test, nt_nic(&t->n[0])->version, 0u);
	/* A request under 32 bytes is ignored: no answer. */
	len = hvg_nvsp_build_init(&m, HVG_NVSP_VERSION_5);
	KUNIT_ASSERT_EQ(test, nt_inband(c, 11, true, &m, 24), 0);
	nt_expect_quiet(test, c);
	/* An older one the host knows is accepted. */
	KUNIT_ASSERT_EQ(test, nt_inband(c, 12, true, &m, len), 0);
	nt_expect_comp(test, c, 12, 0, &r);
	KUNIT_EXPECT_EQ(test, hvg_nvsp_check_init(&r), 0);
	KUNIT_EXPECT_EQ(test, nt_nic(&t->n[0])->version,
			(u32)HVG_NVSP_VERSION_5);
	/* SUBCHANNEL before the receive buffer: refused, no answer. */
	len = hvg_nvsp_build_subchannel(&m, HVG_NVSP_VERSION_5, 1);
	KUNIT_ASSERT_EQ(test, nt_inband(c, 13, true, &m, len), 0);
	nt_expect_quiet(test, c);
}

/*
 * net_version=none: an INIT for each version a guest tries (6.1 down to
 * 1) is answered INIT_COMPLETE with status NONE, sized as a host of that
 * version sends it (28 or 40 bytes), and counted; nothing is negotiated. Names other than
 * the six and none are not taken. With 5 offered again, the same
 * channel's next INIT for 5 is accepted.
 */
static void netvsp_refuses_every_version(struct kunit *test)
{
	static const u32 versions[] = {
		HVG_NVSP_VERSION_61, HVG_NVSP_VERSION_6, HVG_NVSP_VERSION_5,
		HVG_NVSP_VERSION_4, HVG_NVSP_VERSION_2, HVG_NVSP_VERSION_1,
	};
	struct nt *t = nt_of(test);
	struct nt_chan *c = &t->n[0].q[0];
	struct hvg_ring_pkt pkt;
	struct hvg_nvsp_buf m;
	struct hvg_nvsp_msg r;
	unsigned int i;
	int len;

	nt_chan_open(test, c, NULL, 0);
	KUNIT_ASSERT_EQ(test, hvg_lh_netvsp_set_version("none"), 0);
	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		len = hvg_nvsp_build_init(&m, versions[i]);
		KUNIT_ASSERT_EQ(test, nt_inband(c, 20 + i, true, &m, len), 0);
		KUNIT_ASSERT_EQ(test, nt_read(c, &pkt), 1);
		KUNIT_ASSERT_EQ(test, pkt.desc.type, (u16)HVG_PKT_COMP);
		KUNIT_EXPECT_EQ(test, pkt.desc.trans_id, 20ull + i);
		/* 28 bytes below 6.1 (8-byte aligned in the ring), 40 at 6.1. */
		KUNIT_EXPECT_EQ_MSG(test, pkt.data_len,
				    ALIGN(hvg_nvsp_host_len(versions[i]), 8),
				    "version %#x", versions[i]);
		KUNIT_ASSERT_EQ(test, hvg_nvsp_parse(pkt.data, pkt.data_len,
						     versions[i], &r), 0);
		KUNIT_EXPECT_EQ(test, r.init_complete.status,
				(u32)HVG_NVSP_STAT_NONE);
		KUNIT_EXPECT_EQ(test, hvg_nvsp_check_init(&r),
				-HVG_NVSP_E_STATUS);
		KUNIT_EXPECT_EQ(test, nt_nic(&t->n[0])->version, 0u);
	}
	KUNIT_EXPECT_EQ(test, nt_stat(&t->n[0], NETVSP_INIT_REFUSED),
			(long long)ARRAY_SIZE(versions));
	KUNIT_EXPECT_EQ(test, hvg_lh_netvsp_set_version("7"), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvg_lh_netvsp_set_version("6.2"), -EINVAL);
	KUNIT_ASSERT_EQ(test, hvg_lh_netvsp_set_version("5"), 0);
	len = hvg_nvsp_build_init(&m, HVG_NVSP_VERSION_5);
	KUNIT_ASSERT_EQ(test, nt_inband(c, 30, true, &m, len), 0);
	nt_expect_comp(test, c, 30, 0, &r);
	KUNIT_EXPECT_EQ(test, hvg_nvsp_check_init(&r), 0);
	KUNIT_EXPECT_EQ(test, nt_nic(&t->n[0])->version,
			(u32)HVG_NVSP_VERSION_5);
}

static void netvsp_buffers_refused(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_nic *n = &t->n[0];
	struct nt_chan *c = &n->q[0];
	struct nt_gpadl *small;
	struct hvg_nvsp_buf m;
	struct hvg_nvsp_msg r;
	int len;

	nt_chan_open(test, c, NULL, 0);
	len = hvg_nvsp_build_init(&m, NT_V61);
	nt_inband(c, 1, true, &m, len);
	nt_expect_comp(test, c, 1, 0, &r);
	n->rx = nt_gpadl(test, c, NT_RX_PAGES);

	/* Before NDIS_CONFIG and NDIS_VER. */
	len = hvg_nvsp_build_recv_buf(&m, n->rx->g.handle, NT_RX_ID);
	nt_inband(c, 2, true, &m, len);
	nt_expect_comp(test, c, 2, NT_V61, &r);
	KUNIT_EXPECT_NE(test, r.recv_buf.status, (u32)HVG_NVSP_STAT_SUCCESS);
	len = hvg_nvsp_build_ndis_config(&m, NT_V61, 1514, 0);
	nt_inband(c, 3, false, &m, len);
	len = hvg_nvsp_build_ndis_version(&m, NT_V61);
	nt_inband(c, 3, false, &m, len);
	/* A send buffer before the receive buffer. */
	len = hvg_nvsp_build_send_buf(&m, n->rx->g.handle, 0);
	nt_inband(c, 4, true, &m, len);
	nt_expect_comp(test, c, 4, NT_V61, &r);
	KUNIT_EXPECT_NE(test, r.send_buf.status, (u32)HVG_NVSP_STAT_SUCCESS);
	/* A GPADL that does not exist, one smaller than a sub-allocation. */
	len = hvg_nvsp_build_recv_buf(&m, 0x7777, NT_RX_ID);
	nt_inband(c, 5, true, &m, len);
	nt_expect_comp(test, c, 5, NT_V61, &r);
	KUNIT_EXPECT_NE(test, r.recv_buf.status, (u32)HVG_NVSP_STAT_SUCCESS);
	small = nt_gpadl(test, c, 1);
	len = hvg_nvsp_build_recv_buf(&m, small->g.handle, NT_RX_ID);
	nt_inband(c, 6, true, &m, len);
	nt_expect_comp(test, c, 6, NT_V61, &r);
	KUNIT_EXPECT_NE(test, r.recv_buf.status, (u32)HVG_NVSP_STAT_SUCCESS);
	/* The good one, then a second one. */
	len = hvg_nvsp_build_recv_buf(&m, n->rx->g.handle, NT_RX_ID);
	nt_inband(c, 7, true, &m, len);
	nt_expect_comp(test, c, 7, NT_V61, &r);
	KUNIT_EXPECT_EQ(test, r.recv_buf.status, (u32)HVG_NVSP_STAT_SUCCESS);
	len = hvg_nvsp_build_recv_buf(&m, small->g.handle, NT_RX_ID);
	nt_inband(c, 8, true, &m, len);
	nt_expect_comp(test, c, 8, NT_V61, &r);
	KUNIT_EXPECT_NE(test, r.recv_buf.status, (u32)HVG_NVSP_STAT_SUCCESS);
	KUNIT_EXPECT_GE(test, nt_stat(n, NETVSP_BAD_REQUESTS), 5LL);
	/* The ring counted nothing as malformed: every refusal answered. */
	nt_expect_quiet(test, c);
	mutex_lock(&c->ch->gpadl_lock);
	list_del(&small->g.node);
	mutex_unlock(&c->ch->gpadl_lock);
	INIT_LIST_HEAD(&small->g.node);
	nt_gpadl_free(small);
}

static void netvsp_switch_forwards(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_nic *a = &t->n[0], *b = &t->n[1];
	static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const u8 nobody[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	struct hvg_rndis_msg pm;
	u8 *frame = nt_of(test)->frame, *pkt = nt_of(test)->pkt;
	const u8 *got;
	u32 flen, plen;
	u64 tid;

	nt_two(test);
	KUNIT_ASSERT_NE(test, memcmp(a->mac, b->mac, 6), 0);

	/* Unicast A -> B in a send section. */
	flen = nt_frame(frame, b->mac, a->mac, 1514, 1);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	KUNIT_ASSERT_EQ(test, nt_send_section(a, 3, 100, pkt, plen), 0);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 100),
			(u32)HVG_NVSP_STAT_SUCCESS);
	got = nt_rx_frame(test, b, &b->q[0], &pm, &tid);
	KUNIT_ASSERT_EQ(test, pm.packet.data_len, flen);
	KUNIT_EXPECT_EQ(test, memcmp(got, frame, flen), 0);
	KUNIT_EXPECT_EQ(test, nt_rx_done(&b->q[0], tid), 0);
	nt_expect_quiet(test, &a->q[0]);

	/* Broadcast B -> A, in pages. */
	flen = nt_frame(frame, bcast, b->mac, 60, 7);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	KUNIT_ASSERT_EQ(test, nt_send_pages(test, &b->q[0], 101,
					    HVG_NVSP_CHANNEL_DATA, pkt, plen),
			0);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &b->q[0], 101),
			(u32)HVG_NVSP_STAT_SUCCESS);
	got = nt_rx_frame(test, a, &a->q[0], &pm, &tid);
	KUNIT_EXPECT_EQ(test, memcmp(got, frame, flen), 0);
	nt_rx_done(&a->q[0], tid);
	nt_expect_quiet(test, &b->q[0]);

	/* Unknown unicast: no promiscuous port, dropped and counted. */
	flen = nt_frame(frame, nobody, a->mac, 100, 3);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	nt_send_section(a, 0, 102, pkt, plen);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 102),
			(u32)HVG_NVSP_STAT_SUCCESS);
	nt_expect_quiet(test, &b->q[0]);
	KUNIT_EXPECT_EQ(test, nt_stat(a, NETVSP_TX_NO_PORT), 1LL);
	/* ... until B is promiscuous. */
	nt_set_u32(test, b, HVG_OID_GEN_CURRENT_PACKET_FILTER,
		   HVG_RNDIS_FILTER_PROMISCUOUS);
	nt_send_section(a, 0, 103, pkt, plen);
	nt_rndis_status(test, &a->q[0], 103);
	got = nt_rx_frame(test, b, &b->q[0], &pm, &tid);
	KUNIT_EXPECT_EQ(test, memcmp(got, frame, flen), 0);
	nt_rx_done(&b->q[0], tid);
	/* Filter 0 (interface down): nothing. */
	nt_set_u32(test, b, HVG_OID_GEN_CURRENT_PACKET_FILTER, 0);
	flen = nt_frame(frame, b->mac, a->mac, 100, 3);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	nt_send_section(a, 0, 104, pkt, plen);
	nt_rndis_status(test, &a->q[0], 104);
	nt_expect_quiet(test, &b->q[0]);

	/* Two frames in one section (aligned to 8), both delivered. */
	nt_set_u32(test, b, HVG_OID_GEN_CURRENT_PACKET_FILTER,
		   HVG_RNDIS_FILTER_DIRECTED);
	flen = nt_frame(frame, b->mac, a->mac, 61, 5);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	memcpy(pkt + ALIGN(plen, 8), pkt, plen);
	nt_send_section(a, 1, 105, pkt, ALIGN(plen, 8) + plen);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 105),
			(u32)HVG_NVSP_STAT_SUCCESS);
	got = nt_rx_frame(test, b, &b->q[0], &pm, &tid);
	nt_rx_done(&b->q[0], tid);
	got = nt_rx_frame(test, b, &b->q[0], &pm, &tid);
	KUNIT_EXPECT_EQ(test, memcmp(got, frame, flen), 0);
	nt_rx_done(&b->q[0], tid);
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, b->nslots);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_BAD_COMPLETIONS), 0LL);
}

/*
 * The guest's settings the switch honours: a new MAC (SET
 * GEN_RNDIS_CONFIG_PARAMETER) is where unicast goes, the old one no port's;
 * nothing longer than the guest's NDIS_CONFIG MTU (1514 here) is delivered.
 */
static void netvsp_mac_and_mtu(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_nic *a = &t->n[0], *b = &t->n[1];
	static const u8 new_mac[6] = { 0x02, 0x00, 0x5e, 0x61, 0x00, 0x0b };
	u8 *frame = t->frame, *pkt = t->pkt;
	struct hvg_rndis_msg pm, reply;
	u8 info[HVG_RNDIS_MAC_PARAM_SIZE], req[128];
	const u8 *got;
	u32 flen, plen;
	u64 tid;
	int len;

	nt_two(test);
	KUNIT_ASSERT_EQ(test, hvg_rndis_build_mac_param(info, sizeof(info),
							new_mac),
			HVG_RNDIS_MAC_PARAM_SIZE);
	len = hvg_rndis_build_set(req, sizeof(req), ++b->req_id,
				  HVG_OID_GEN_RNDIS_CONFIG_PARAMETER, info,
				  sizeof(info));
	KUNIT_ASSERT_GT(test, len, 0);
	nt_rndis(test, b, req, len, &reply, 0);
	KUNIT_EXPECT_EQ(test, memcmp(nt_nic(b)->dev.mac, new_mac, 6), 0);
	KUNIT_EXPECT_EQ(test, memcmp(nt_nic(b)->dev.perm_mac, b->mac, 6), 0);

	/* To the new address: delivered. */
	flen = nt_frame(frame, new_mac, a->mac, 200, 9);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	KUNIT_ASSERT_EQ(test, nt_send_section(a, 0, 300, pkt, plen), 0);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 300),
			(u32)HVG_NVSP_STAT_SUCCESS);
	got = nt_rx_frame(test, b, &b->q[0], &pm, &tid);
	KUNIT_ASSERT_EQ(test, pm.packet.data_len, flen);
	KUNIT_EXPECT_EQ(test, memcmp(got, frame, flen), 0);
	nt_rx_done(&b->q[0], tid);
	/* To the old one: no port has it. */
	flen = nt_frame(frame, b->mac, a->mac, 200, 9);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	nt_send_section(a, 0, 301, pkt, plen);
	nt_rndis_status(test, &a->q[0], 301);
	nt_expect_quiet(test, &b->q[0]);
	KUNIT_EXPECT_EQ(test, nt_stat(a, NETVSP_TX_NO_PORT), 1LL);

	/* 1515 bytes for a guest that announced 1514: not delivered. */
	KUNIT_EXPECT_EQ(test, nt_nic(b)->mtu, 1514u);
	flen = nt_frame(frame, new_mac, a->mac, 1515, 4);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	KUNIT_ASSERT_EQ(test, nt_send_section(a, 1, 302, pkt, plen), 0);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 302),
			(u32)HVG_NVSP_STAT_SUCCESS);
	nt_expect_quiet(test, &b->q[0]);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_RX_TOO_BIG), 1LL);
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, b->nslots);
}

static void netvsp_bad_guest_input(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_nic *a = &t->n[0], *b = &t->n[1];
	struct hvg_nvsp_buf m;
	u8 *frame = nt_of(test)->frame, *pkt = nt_of(test)->pkt;
	u32 flen, plen;
	int len;

	nt_two(test);
	flen = nt_frame(frame, b->mac, a->mac, 200, 1);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	/* A section past the buffer; one larger than a section. */
	len = hvg_nvsp_build_rndis_pkt(&m, HVG_NVSP_CHANNEL_DATA, 16, plen);
	nt_inband(&a->q[0], 200, true, &m, len);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 200),
			(u32)HVG_NVSP_STAT_INVALID_RNDIS_PKT);
	len = hvg_nvsp_build_rndis_pkt(&m, HVG_NVSP_CHANNEL_DATA, 0, 6145);
	nt_inband(&a->q[0], 201, true, &m, len);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 201),
			(u32)HVG_NVSP_STAT_INVALID_RNDIS_PKT);
	/* msg_len past what the section holds. */
	((u32 *)pkt)[1] = plen + 100;
	nt_send_section(a, 0, 202, pkt, plen);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 202),
			(u32)HVG_NVSP_STAT_INVALID_RNDIS_PKT);
	/* A zero-size PPI. */
	{
		struct hvg_rndis_tx_ppi ppi = {
			.present = HVG_RNDIS_PI_HASH, .hash = 1,
		};

		plen = nt_packet(test, pkt, 4096, &ppi, frame, flen);
		memset(pkt + sizeof(struct hvg_rndis_packet), 0, 4);
		nt_send_section(a, 0, 203, pkt, plen);
		KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 203),
				(u32)HVG_NVSP_STAT_INVALID_RNDIS_PKT);
	}
	/* A control message on the data path is refused; nothing arrived. */
	len = hvg_rndis_build_keepalive(pkt, 4096, 5);
	nt_send_section(a, 0, 204, pkt, len);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 204),
			(u32)HVG_NVSP_STAT_INVALID_RNDIS_PKT);
	nt_expect_quiet(test, &b->q[0]);
	KUNIT_EXPECT_EQ(test, nt_stat(a, NETVSP_TX_PACKETS), 0LL);
	/* An unknown NVSP type and a malformed RNDIS control message. */
	memset(&m, 0, sizeof(m));
	m.data[0] = 0xee;
	nt_inband(&a->q[0], 205, true, &m, sizeof(m));
	nt_expect_quiet(test, &a->q[0]);
	memset(pkt, 0, 16);
	KUNIT_ASSERT_EQ(test, nt_send_pages(test, &a->q[0], 206,
					    HVG_NVSP_CHANNEL_CONTROL, pkt, 16),
			0);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 206),
			(u32)HVG_NVSP_STAT_INVALID_RNDIS_PKT);
	nt_expect_quiet(test, &a->q[0]);
	KUNIT_EXPECT_GE(test, nt_stat(a, NETVSP_BAD_REQUESTS), 7LL);
}

static void netvsp_completions_checked(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_nic *a = &t->n[0], *b = &t->n[1];
	struct hvg_rndis_msg pm;
	u8 *frame = nt_of(test)->frame, *pkt = nt_of(test)->pkt;
	u32 flen, plen, i, sent;
	u64 tid, first = 0;

	nt_two(test);
	flen = nt_frame(frame, b->mac, a->mac, 100, 9);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	nt_send_section(a, 0, 300, pkt, plen);
	nt_rndis_status(test, &a->q[0], 300);
	nt_rx_frame(test, b, &b->q[0], &pm, &tid);
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, b->nslots - 1);
	/* Forged: another generation, a slot out of range, id 0. */
	nt_rx_done(&b->q[0], tid + (1ULL << 32));
	nt_rx_done(&b->q[0], (tid & ~0xffffffffULL) | b->nslots);
	nt_rx_done(&b->q[0], 0);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_BAD_COMPLETIONS), 3LL);
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, b->nslots - 1);
	/* The real one, then again (a double completion). */
	nt_rx_done(&b->q[0], tid);
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, b->nslots);
	nt_rx_done(&b->q[0], tid);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_BAD_COMPLETIONS), 4LL);

	/*
	 * A guest that never completes: the buffer fills, the rest is
	 * dropped and counted, the sender is still completed.
	 */
	sent = b->nslots + 5;
	for (i = 0; i < sent; i++) {
		nt_send_section(a, 0, 400 + i, pkt, plen);
		KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 400 + i),
				(u32)HVG_NVSP_STAT_SUCCESS);
	}
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, 0u);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_RX_NO_BUFFER), 5LL);
	for (i = 0; i < b->nslots; i++) {
		nt_rx_frame(test, b, &b->q[0], &pm, &tid);
		if (!i)
			first = tid;
		nt_rx_done(&b->q[0], tid);
	}
	nt_expect_quiet(test, &b->q[0]);
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, b->nslots);
	/* A stale id of a slot reused since: refused. */
	nt_rx_done(&b->q[0], first);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_BAD_COMPLETIONS), 5LL);
}

static void netvsp_faults(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_nic *a = &t->n[0], *b = &t->n[1];
	struct hvg_rndis_msg pm;
	struct hvg_ring_pkt rp;
	u8 *frame = nt_of(test)->frame, *pkt = nt_of(test)->pkt;
	char cmd[64];
	struct nt_rx rx;
	u32 flen, plen;

	nt_two(test);
	flen = nt_frame(frame, b->mac, a->mac, 100, 2);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);

	strscpy(cmd, "fault ppi_zero_length", sizeof(cmd));
	KUNIT_ASSERT_EQ(test, hvg_lh_netvsp_command(cmd), 0);
	nt_send_section(a, 0, 500, pkt, plen);
	nt_rndis_status(test, &a->q[0], 500);
	nt_expect_rx(test, b, &b->q[0], &rx);
	KUNIT_EXPECT_EQ(test, hvg_rndis_parse_host(rx.msg, rx.len, &pm),
			-HVG_RNDIS_E_PPI);
	nt_rx_done(&b->q[0], rx.tid);

	strscpy(cmd, "fault ppi_bad_offset", sizeof(cmd));
	KUNIT_ASSERT_EQ(test, hvg_lh_netvsp_command(cmd), 0);
	nt_send_section(a, 0, 501, pkt, plen);
	nt_rndis_status(test, &a->q[0], 501);
	nt_expect_rx(test, b, &b->q[0], &rx);
	KUNIT_EXPECT_EQ(test, hvg_rndis_parse_host(rx.msg, rx.len, &pm),
			-HVG_RNDIS_E_PPI);
	nt_rx_done(&b->q[0], rx.tid);

	strscpy(cmd, "fault rndis_malformed", sizeof(cmd));
	KUNIT_ASSERT_EQ(test, hvg_lh_netvsp_command(cmd), 0);
	nt_send_section(a, 0, 502, pkt, plen);
	nt_rndis_status(test, &a->q[0], 502);
	nt_expect_rx(test, b, &b->q[0], &rx);
	KUNIT_EXPECT_LT(test, hvg_rndis_parse_host(rx.msg, rx.len, &pm), 0);
	nt_rx_done(&b->q[0], rx.tid);

	strscpy(cmd, "fault range_outside", sizeof(cmd));
	KUNIT_ASSERT_EQ(test, hvg_lh_netvsp_command(cmd), 0);
	nt_send_section(a, 0, 503, pkt, plen);
	nt_rndis_status(test, &a->q[0], 503);
	nt_expect_rx(test, b, &b->q[0], &rx);
	KUNIT_EXPECT_NULL(test, rx.msg);	/* past the buffer's end */
	KUNIT_EXPECT_GT(test, (u64)rx.offset + rx.len,
			(u64)b->rx->g.byte_count);
	nt_rx_done(&b->q[0], rx.tid);	/* the id is still good */
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, b->nslots);

	/* A forged completion id comes after the real one. */
	strscpy(cmd, "fault forged_completion", sizeof(cmd));
	KUNIT_ASSERT_EQ(test, hvg_lh_netvsp_command(cmd), 0);
	nt_send_section(a, 0, 504, pkt, plen);
	nt_rndis_status(test, &a->q[0], 504);
	KUNIT_ASSERT_EQ(test, nt_read(&a->q[0], &rp), 1);
	KUNIT_EXPECT_EQ(test, rp.desc.type, (u16)HVG_PKT_COMP);
	KUNIT_EXPECT_NE(test, rp.desc.trans_id, 504ULL);
	nt_rx_frame(test, b, &b->q[0], &pm, &rx.tid);
	nt_rx_done(&b->q[0], rx.tid);

	/* Sends not completed (two), then completed again. */
	strscpy(cmd, "fault stop_tx_completions 2", sizeof(cmd));
	KUNIT_ASSERT_EQ(test, hvg_lh_netvsp_command(cmd), 0);
	nt_send_section(a, 0, 505, pkt, plen);
	nt_send_section(a, 1, 506, pkt, plen);
	nt_expect_quiet(test, &a->q[0]);
	nt_send_section(a, 2, 507, pkt, plen);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 507),
			(u32)HVG_NVSP_STAT_SUCCESS);
	KUNIT_EXPECT_EQ(test, nt_stat(a, NETVSP_TX_UNCOMPLETED), 2LL);
	/* Unknown names and counts are refused. */
	strscpy(cmd, "fault no_such_fault", sizeof(cmd));
	KUNIT_EXPECT_EQ(test, hvg_lh_netvsp_command(cmd), -EINVAL);
	strscpy(cmd, "fault range_outside -1", sizeof(cmd));
	KUNIT_EXPECT_EQ(test, hvg_lh_netvsp_command(cmd), -EINVAL);
}

static void netvsp_link(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_nic *a = &t->n[0], *b = &t->n[1];
	struct hvg_rndis_msg im;
	u8 *frame = nt_of(test)->frame, *pkt = nt_of(test)->pkt;
	char cmd[64];
	struct nt_rx rx;
	u32 flen, plen;

	nt_two(test);
	snprintf(cmd, sizeof(cmd), "link %u down", b->q[0].ch->relid);
	KUNIT_ASSERT_EQ(test, hvg_lh_netvsp_command(cmd), 0);
	nt_expect_rx(test, b, &b->q[0], &rx);
	KUNIT_EXPECT_EQ(test, rx.channel_type, (u32)HVG_NVSP_CHANNEL_CONTROL);
	KUNIT_ASSERT_EQ(test, hvg_rndis_parse_host(rx.msg, rx.len, &im), 0);
	KUNIT_EXPECT_EQ(test, im.type, (u32)HVG_RNDIS_MSG_INDICATE);
	KUNIT_EXPECT_EQ(test, im.indicate.status,
			(u32)HVG_RNDIS_STATUS_MEDIA_DISCONNECT);
	nt_rx_done(&b->q[0], rx.tid);
	nt_expect_quiet(test, &a->q[0]);

	/* Frames for B are dropped while its link is down. */
	flen = nt_frame(frame, b->mac, a->mac, 100, 4);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	nt_send_section(a, 0, 600, pkt, plen);
	nt_rndis_status(test, &a->q[0], 600);
	nt_expect_quiet(test, &b->q[0]);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_RX_NOT_READY), 1LL);

	strscpy(cmd, "link all up", sizeof(cmd));
	KUNIT_ASSERT_EQ(test, hvg_lh_netvsp_command(cmd), 0);
	nt_expect_rx(test, b, &b->q[0], &rx);
	KUNIT_ASSERT_EQ(test, hvg_rndis_parse_host(rx.msg, rx.len, &im), 0);
	KUNIT_EXPECT_EQ(test, im.indicate.status,
			(u32)HVG_RNDIS_STATUS_MEDIA_CONNECT);
	nt_rx_done(&b->q[0], rx.tid);
	nt_expect_quiet(test, &a->q[0]);	/* A's link did not change */
	strscpy(cmd, "link 9999 down", sizeof(cmd));
	KUNIT_EXPECT_EQ(test, hvg_lh_netvsp_command(cmd), -ENOENT);
}

/* An IPv4/TCP frame of @payload bytes as a Linux guest hands it for LSO. */
static u32 nt_tcp_frame(u8 *buf, const u8 *dst, const u8 *src, u32 payload)
{
	struct iphdr *ip = (void *)(buf + ETH_HLEN);
	struct tcphdr *th = (void *)(buf + ETH_HLEN + sizeof(*ip));
	u32 i;

	memset(buf, 0, ETH_HLEN + sizeof(*ip) + sizeof(*th));
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	buf[12] = 0x08;
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->id = htons(0x1000);
	ip->saddr = htonl(0x0a000001);
	ip->daddr = htonl(0x0a000002);
	th->source = htons(1234);
	th->dest = htons(5201);
	th->seq = htonl(1000);
	th->doff = 5;
	th->ack = 1;
	th->psh = 1;
	for (i = 0; i < payload; i++)
		buf[ETH_HLEN + sizeof(*ip) + sizeof(*th) + i] = i * 7;
	return ETH_HLEN + sizeof(*ip) + sizeof(*th) + payload;
}

static void netvsp_lso_segments(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_nic *a = &t->n[0], *b = &t->n[1];
	const u32 hdr = ETH_HLEN + 20 + 20, mss = 1000, payload = 2500;
	struct hvg_rndis_tx_ppi ppi = {
		.present = HVG_RNDIS_PI_LSO,
		.lso = hvg_rndis_lso_v2(false, ETH_HLEN + 20, 1000),
	};
	struct hvg_rndis_msg pm;
	u8 *frame, *pkt;
	const u8 *got;
	u32 flen, plen, i;
	u64 tid;

	frame = kunit_kzalloc(test, 4096, GFP_KERNEL);
	pkt = kunit_kzalloc(test, 4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, frame);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	nt_two(test);
	flen = nt_tcp_frame(frame, b->mac, a->mac, payload);
	plen = nt_packet(test, pkt, 4096, &ppi, frame, flen);
	KUNIT_ASSERT_EQ(test, nt_send_pages(test, &a->q[0], 700,
					    HVG_NVSP_CHANNEL_DATA, pkt, plen),
			0);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 700),
			(u32)HVG_NVSP_STAT_SUCCESS);
	for (i = 0; i < 3; i++) {
		u32 seglen = min(mss, payload - i * mss);
		const struct iphdr *ip;
		const struct tcphdr *th;

		got = nt_rx_frame(test, b, &b->q[0], &pm, &tid);
		KUNIT_ASSERT_EQ(test, pm.packet.data_len, hdr + seglen);
		ip = (const void *)(got + ETH_HLEN);
		th = (const void *)(got + ETH_HLEN + 20);
		KUNIT_EXPECT_EQ(test, ntohs(ip->tot_len), 40 + seglen);
		KUNIT_EXPECT_EQ(test, ntohs(ip->id), 0x1000 + i);
		KUNIT_EXPECT_EQ(test, (__force u16)ip_fast_csum(ip, 5), 0);
		KUNIT_EXPECT_EQ(test, ntohl(th->seq), 1000 + i * mss);
		KUNIT_EXPECT_EQ(test, !!(got[ETH_HLEN + 20 + 13] & 0x08), i == 2);
		KUNIT_EXPECT_EQ(test, (__force u16)
				csum_tcpudp_magic(ip->saddr, ip->daddr,
						  20 + seglen, IPPROTO_TCP,
						  csum_partial(th, 20 + seglen,
							       0)),
				0);
		KUNIT_EXPECT_EQ(test, memcmp(got + hdr, frame + hdr + i * mss,
					     seglen), 0);
		nt_rx_done(&b->q[0], tid);
	}
	nt_expect_quiet(test, &b->q[0]);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_LSO_SEGMENTS), 3LL);
}

/* @n's guest enables TCP receive checksums and, if @rsc, RSC (SET). */
static void nt_offloads(struct kunit *test, struct nt_nic *n, bool rsc)
{
	struct hvg_ndis_offload_params p = {
		.tcp_ipv4_csum = HVG_NDIS_OFFLOAD_PARAM_TX_RX_ENABLED,
		.tcp_ipv6_csum = HVG_NDIS_OFFLOAD_PARAM_TX_RX_ENABLED,
		.rsc_ipv4 = rsc ? HVG_NDIS_RSC_ENABLED : HVG_NDIS_RSC_DISABLED,
		.rsc_ipv6 = rsc ? HVG_NDIS_RSC_ENABLED : HVG_NDIS_RSC_DISABLED,
	};
	struct hvg_rndis_msg reply;
	u8 info[32], req[96];
	int len;

	len = hvg_ndis_build_offload_params(info, sizeof(info), NT_V61, &p);
	KUNIT_ASSERT_GT(test, len, 0);
	len = hvg_rndis_build_set(req, sizeof(req), ++n->req_id,
				  HVG_OID_TCP_OFFLOAD_PARAMETERS, info, len);
	KUNIT_ASSERT_GT(test, len, 0);
	nt_rndis(test, n, req, len, &reply, 0);
}

/*
 * RSC: an LSO send reaches a NIC that enabled it as one transfer-page
 * packet, its ranges the frame in order (first and last marked), the IP
 * length that of the whole frame, the TCP checksum flagged not valid;
 * one completion, with the first range's id, frees every range, and the
 * id of a later range is refused.
 */
static void netvsp_rsc(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_nic *a = &t->n[0], *b = &t->n[1];
	const u32 payload = 3500;
	struct hvg_rndis_tx_ppi ppi = {
		.present = HVG_RNDIS_PI_LSO,
		.lso = hvg_rndis_lso_v2(false, ETH_HLEN + 20, 1000),
	};
	const struct netvsp_xfer_rsc *x;
	struct hvg_ring_pkt pkt;
	struct hvg_rndis_msg pm;
	u8 *frame, *pkt_buf, *got;
	u32 flen, plen, i, pos = 0, tail_slot = 0;
	const struct iphdr *ip;
	long long done;
	u64 tid;

	frame = kunit_kzalloc(test, 4096, GFP_KERNEL);
	pkt_buf = kunit_kzalloc(test, 4096, GFP_KERNEL);
	got = kunit_kzalloc(test, 8192, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, frame);
	KUNIT_ASSERT_NOT_NULL(test, pkt_buf);
	KUNIT_ASSERT_NOT_NULL(test, got);
	nt_two(test);
	KUNIT_EXPECT_TRUE(test, nt_nic(b)->dev.rsc);
	nt_offloads(test, b, true);
	flen = nt_tcp_frame(frame, b->mac, a->mac, payload);
	plen = nt_packet(test, pkt_buf, 4096, &ppi, frame, flen);
	KUNIT_ASSERT_EQ(test, nt_send_pages(test, &a->q[0], 800,
					    HVG_NVSP_CHANNEL_DATA, pkt_buf,
					    plen), 0);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 800),
			(u32)HVG_NVSP_STAT_SUCCESS);

	/* 3554 bytes in ranges of at most the 1514-byte MTU: three. */
	KUNIT_ASSERT_EQ(test, nt_read(&b->q[0], &pkt), 1);
	KUNIT_ASSERT_EQ(test, pkt.desc.type,
			(u16)HVG_PKT_DATA_USING_XFER_PAGES);
	x = (const void *)b->q[0].rbuf;
	KUNIT_ASSERT_EQ(test, x->range_cnt, 3u);
	KUNIT_EXPECT_EQ(test, pkt.desc.offset8 * 8u, 16u + 8 + 3 * 8);
	tid = pkt.desc.trans_id;
	for (i = 0; i < x->range_cnt; i++) {
		u32 off = x->r[i].byte_offset, len = x->r[i].byte_count;
		const u8 *msg = (u8 *)b->rx->g.va + off;
		u8 want = (i ? 0 : HVG_RNDIS_PKTINFO_1ST_FRAG) |
			  (i == 2 ? HVG_RNDIS_PKTINFO_LAST_FRAG : 0);

		KUNIT_ASSERT_LE(test, (u64)off + len,
				(u64)b->rx->g.byte_count);
		KUNIT_EXPECT_EQ(test, off % b->slot_size, 0u);
		KUNIT_ASSERT_EQ(test, hvg_rndis_parse_host(msg, len, &pm), 0);
		KUNIT_ASSERT_EQ(test, pm.type, (u32)HVG_RNDIS_MSG_PACKET);
		KUNIT_EXPECT_TRUE(test, pm.packet.present &
				  HVG_RNDIS_PI_PKTINFO_ID);
		KUNIT_EXPECT_EQ(test, pm.packet.pktinfo_flags, want);
		KUNIT_EXPECT_LE(test, pm.packet.data_len, 1514u);
		if (!i)
			KUNIT_EXPECT_EQ(test, pm.packet.csum,
					(u32)(HVG_RNDIS_RXCSUM_TCP_OK |
					      HVG_RNDIS_RXCSUM_TCP_INVALID));
		else
			KUNIT_EXPECT_FALSE(test, pm.packet.present &
					   HVG_RNDIS_PI_CSUM);
		if (i == 1)
			tail_slot = off / b->slot_size;
		KUNIT_ASSERT_LE(test, pos + pm.packet.data_len, 8192u);
		memcpy(got + pos, msg + pm.packet.data_offset,
		       pm.packet.data_len);
		pos += pm.packet.data_len;
	}
	KUNIT_ASSERT_EQ(test, pos, flen);
	ip = (const void *)(got + ETH_HLEN);
	KUNIT_EXPECT_EQ(test, ntohs(ip->tot_len), 40 + payload);
	KUNIT_EXPECT_EQ(test, (__force u16)ip_fast_csum(ip, 5), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got, frame, ETH_HLEN + 2), 0);
	KUNIT_EXPECT_EQ(test, memcmp(got + ETH_HLEN + 12, frame + ETH_HLEN + 12,
				     flen - ETH_HLEN - 12), 0);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_RSC_FRAMES), 1LL);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_RSC_RANGES), 3LL);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_LSO_SEGMENTS), 0LL);
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, nt_nic(b)->nslots - 3);

	/* A later range's id frees nothing; the first's frees all three. */
	done = nt_stat(b, NETVSP_COMPLETIONS);
	nt_rx_done(&b->q[0], (tid & ~0xffffffffull) | tail_slot);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_BAD_COMPLETIONS), 1LL);
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, nt_nic(b)->nslots - 3);
	nt_rx_done(&b->q[0], tid);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_COMPLETIONS), done + 1);
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, nt_nic(b)->nslots);
	nt_rx_done(&b->q[0], tid);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_BAD_COMPLETIONS), 2LL);

	/* RSC off again: the next send arrives cut into segments. */
	nt_offloads(test, b, false);
	KUNIT_ASSERT_EQ(test, nt_send_pages(test, &a->q[0], 801,
					    HVG_NVSP_CHANNEL_DATA, pkt_buf,
					    plen), 0);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 801),
			(u32)HVG_NVSP_STAT_SUCCESS);
	for (i = 0; i < 4; i++) {
		nt_rx_frame(test, b, &b->q[0], &pm, &tid);
		KUNIT_EXPECT_FALSE(test, pm.packet.present &
				   HVG_RNDIS_PI_PKTINFO_ID);
		nt_rx_done(&b->q[0], tid);
	}
	nt_expect_quiet(test, &b->q[0]);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_RSC_FRAMES), 1LL);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_LSO_SEGMENTS), 4LL);
}

/*
 * An LSO send in GPA-direct ranges alone goes to the switch without being
 * copied whole: here its RNDIS message is cut in two ranges, the second
 * across two pages, and arrives in segments with every payload byte in
 * place; a frame without LSO in pages is copied first, as before.
 */
static void netvsp_tx_direct(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_nic *a = &t->n[0], *b = &t->n[1];
	const u32 hdr = ETH_HLEN + 20 + 20, mss = 1000, payload = 3000;
	struct hvg_rndis_tx_ppi ppi = {
		.present = HVG_RNDIS_PI_LSO,
		.lso = hvg_rndis_lso_v2(false, ETH_HLEN + 20, mss),
	};
	u8 *frame = t->frame, *pkt_buf = t->pkt, *p2;
	struct hvg_rndis_msg pm;
	struct hvg_nvsp_buf m;
	u32 flen, plen, i;
	const u8 *got;
	u64 ext[6], tid;
	int mlen;

	p2 = page_address(t->page2);
	nt_two(test);
	flen = nt_tcp_frame(frame, b->mac, a->mac, payload);
	plen = nt_packet(test, pkt_buf, 4096, &ppi, frame, flen);
	/* 200 bytes at 100 of page 1; the rest from 3000 on, into page 2. */
	memcpy(t->page_va + 100, pkt_buf, 200);
	memcpy(t->page_va + 3000, pkt_buf + 200, PAGE_SIZE - 3000);
	memcpy(p2, pkt_buf + 200 + PAGE_SIZE - 3000,
	       plen - 200 - (PAGE_SIZE - 3000));
	ext[0] = (u64)2 << 32;
	ext[1] = 200 | (u64)100 << 32;
	ext[2] = page_to_pfn(t->page);
	ext[3] = (plen - 200) | (u64)3000 << 32;
	ext[4] = page_to_pfn(t->page);
	ext[5] = page_to_pfn(t->page2);
	mlen = hvg_nvsp_build_rndis_pkt(&m, HVG_NVSP_CHANNEL_DATA,
					HVG_NVSP_NO_SECTION, 0);
	KUNIT_EXPECT_EQ(test, nt_pkt(&a->q[0], HVG_PKT_DATA_USING_GPA_DIRECT,
				     HVG_PKT_FLAG_COMPLETION_REQUESTED, 900,
				     ext, sizeof(ext), m.data, mlen), 0);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 900),
			(u32)HVG_NVSP_STAT_SUCCESS);
	KUNIT_EXPECT_EQ(test, nt_stat(a, NETVSP_TX_DIRECT), 1LL);
	for (i = 0; i < 3; i++) {
		got = nt_rx_frame(test, b, &b->q[0], &pm, &tid);
		KUNIT_EXPECT_EQ(test, pm.packet.data_len, hdr + mss);
		KUNIT_EXPECT_EQ(test, memcmp(got + hdr, frame + hdr + i * mss,
					     mss), 0);
		nt_rx_done(&b->q[0], tid);
	}
	nt_expect_quiet(test, &b->q[0]);

	/* No LSO: copied whole first, not direct. */
	ppi.present = 0;
	flen = nt_frame(frame, b->mac, a->mac, 1000, 3);
	plen = nt_packet(test, pkt_buf, 4096, &ppi, frame, flen);
	KUNIT_ASSERT_EQ(test, nt_send_pages(test, &a->q[0], 901,
					    HVG_NVSP_CHANNEL_DATA, pkt_buf,
					    plen), 0);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &a->q[0], 901),
			(u32)HVG_NVSP_STAT_SUCCESS);
	got = nt_rx_frame(test, b, &b->q[0], &pm, &tid);
	KUNIT_EXPECT_EQ(test, memcmp(got, frame, flen), 0);
	nt_rx_done(&b->q[0], tid);
	KUNIT_EXPECT_EQ(test, nt_stat(a, NETVSP_TX_DIRECT), 1LL);
}

static void netvsp_rss_subchannel(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_nic *a = &t->n[0], *b = &t->n[1];
	static u8 key[HVG_NDIS_RSS_KEY_SIZE] = { 0x6d, 0x5a, 0x56, 0xda };
	u32 *table, i;
	struct hvg_rndis_msg reply, pm;
	u8 *frame, *req;
	u32 flen, plen;
	int len;
	u64 tid;

	frame = kunit_kzalloc(test, 2048, GFP_KERNEL);
	req = kunit_kzalloc(test, 2048, GFP_KERNEL);
	table = kunit_kcalloc(test, HVG_NDIS_RSS_TABLE_DEFAULT, sizeof(*table),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, frame);
	KUNIT_ASSERT_NOT_NULL(test, req);
	KUNIT_ASSERT_NOT_NULL(test, table);
	nt_two(test);
	/* The sub-channel work answers SUBCHANNEL: as it would. */
	nt_nic(b)->sub_requested = 1;
	hvg_lh_netvsp_service.on_subchannels(b->q[0].ch, 1, 800, 0);
	{
		struct hvg_nvsp_msg r;
		struct hvg_ring_pkt rp;

		nt_expect_comp(test, &b->q[0], 800, NT_V61, &r);
		KUNIT_EXPECT_EQ(test, hvg_nvsp_check_subchannel(&r, 1), 0);
		KUNIT_ASSERT_EQ(test, nt_read(&b->q[0], &rp), 1);
		KUNIT_ASSERT_EQ(test, hvg_nvsp_parse(rp.data, rp.data_len,
						     NT_V61, &r), 0);
		KUNIT_EXPECT_EQ(test, r.type,
				(u32)HVG_NVSP_MSG5_SEND_INDIRECTION_TABLE);
		KUNIT_EXPECT_EQ(test, r.send_table.table[1], 1u);
	}
	nt_chan_open(test, &b->q[1], &b->q[0], 1);
	/* Every RSS table entry names queue 1. */
	for (i = 0; i < HVG_NDIS_RSS_TABLE_DEFAULT; i++)
		table[i] = 1;
	len = hvg_ndis_build_rss_params(frame, 2048, 0,
					HVG_NDIS_HASH_FUNC_TOEPLITZ |
					HVG_NDIS_HASH_IPV4 |
					HVG_NDIS_HASH_TCP_IPV4,
					table, HVG_NDIS_RSS_TABLE_DEFAULT, key);
	KUNIT_ASSERT_GT(test, len, 0);
	len = hvg_rndis_build_set(req, 2048, ++b->req_id,
				  HVG_OID_GEN_RECEIVE_SCALE_PARAMETERS, frame,
				  len);
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_LE(test, len, (int)PAGE_SIZE);
	nt_rndis(test, b, req, len, &reply, 0);
	KUNIT_EXPECT_EQ(test, reply.status_c.status,
			(u32)HVG_RNDIS_STATUS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, nt_nic(b)->dev.rss.enabled);

	flen = nt_tcp_frame(frame, b->mac, a->mac, 100);
	plen = nt_packet(test, req, 2048, NULL, frame, flen);
	nt_send_section(a, 0, 801, req, plen);
	nt_rndis_status(test, &a->q[0], 801);
	nt_expect_quiet(test, &b->q[0]);
	nt_rx_frame(test, b, &b->q[1], &pm, &tid);
	KUNIT_EXPECT_TRUE(test, pm.packet.present & HVG_RNDIS_PI_HASH);
	KUNIT_EXPECT_EQ(test, pm.packet.hash,
			netvsp_rss_hash(&nt_nic(b)->dev.rss, frame, flen));
	/* Completed on the wrong queue: refused; on its own: taken. */
	nt_rx_done(&b->q[0], tid);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_BAD_COMPLETIONS), 1LL);
	nt_rx_done(&b->q[1], tid);
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, b->nslots);
	/* Closing the queue returns its receives and moves RSS to 0. */
	nt_send_section(a, 0, 802, req, plen);
	nt_rndis_status(test, &a->q[0], 802);
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, b->nslots - 1);
	nt_chan_close(&b->q[1]);
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, b->nslots);
	nt_send_section(a, 0, 803, req, plen);
	nt_rndis_status(test, &a->q[0], 803);
	nt_rx_frame(test, b, &b->q[0], &pm, &tid);
	nt_rx_done(&b->q[0], tid);
}

/*
 * B's inbound ring is full of receives: B's own send completion waits
 * (pending_send_sz, -EAGAIN). Receives from A that fit meanwhile must not
 * cancel that wait, or B's work, masked, would wait for a signal that
 * never comes. The retry then sends only the completion.
 */
static void netvsp_stalled_completion(struct kunit *test)
{
	struct nt *t = nt_of(test);
	struct nt_nic *a = &t->n[0], *b = &t->n[1];
	u8 *frame = t->frame, *pkt = t->pkt;
	struct hvg_ring_hdr *hdr;
	struct hvg_rndis_msg pm;
	struct hvg_ring_pkt rp;
	struct hvg_nvsp_buf m;
	u32 flen, plen, i, n;
	u64 tid, *tids;
	int len, ret;

	tids = kunit_kcalloc(test, 64, sizeof(*tids), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tids);
	/* B: a one-page ring, 4 KiB of data. */
	nt_chan_open(test, &a->q[0], NULL, 0);
	nt_chan_open_ring(test, &b->q[0], NULL, 0, 2 * PAGE_SIZE);
	nt_handshake(test, a);
	nt_handshake(test, b);
	hdr = hvg_ring_hdr(&b->q[0].ch->tx);
	flen = nt_frame(frame, b->mac, a->mac, 60, 1);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	for (i = 0; i < 100 && !nt_stat(b, NETVSP_RX_RING_FULL); i++) {
		nt_send_section(a, 0, 1000 + i, pkt, plen);
		nt_rndis_status(test, &a->q[0], 1000 + i);
	}
	KUNIT_ASSERT_EQ(test, nt_stat(b, NETVSP_RX_RING_FULL), 1LL);
	/* B sends: forwarded, its completion does not fit. */
	flen = nt_frame(frame, a->mac, b->mac, 60, 2);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	memcpy((u8 *)b->tx->g.va, pkt, plen);
	len = hvg_nvsp_build_rndis_pkt(&m, HVG_NVSP_CHANNEL_DATA, 0, plen);
	ret = nt_inband(&b->q[0], 2000, true, &m, len);
	KUNIT_ASSERT_EQ(test, ret, -EAGAIN);
	KUNIT_EXPECT_NE(test, READ_ONCE(hdr->pending_send_sz), 0u);
	nt_rx_frame(test, a, &a->q[0], &pm, &tid);
	nt_rx_done(&a->q[0], tid);
	/*
	 * The guest reads two receives; one more from A fits. (Their
	 * completions wait: the channel serves the stalled packet first.)
	 */
	for (i = 0; i < 2; i++)
		nt_rx_frame(test, b, &b->q[0], &pm, &tids[i]);
	flen = nt_frame(frame, b->mac, a->mac, 60, 3);
	plen = nt_packet(test, pkt, 4096, NULL, frame, flen);
	nt_send_section(a, 0, 2001, pkt, plen);
	nt_rndis_status(test, &a->q[0], 2001);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_RX_RING_FULL), 1LL);
	KUNIT_EXPECT_NE(test, READ_ONCE(hdr->pending_send_sz), 0u);
	/* Room: the retry sends the completion only (nothing forwarded). */
	n = 2;
	while (nt_read(&b->q[0], &rp) == 1) {
		KUNIT_ASSERT_EQ(test, rp.desc.type,
				(u16)HVG_PKT_DATA_USING_XFER_PAGES);
		KUNIT_ASSERT_LT(test, n, 64u);
		tids[n++] = rp.desc.trans_id;
	}
	ret = nt_inband(&b->q[0], 2000, true, &m, len);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, nt_rndis_status(test, &b->q[0], 2000),
			(u32)HVG_NVSP_STAT_SUCCESS);
	KUNIT_EXPECT_EQ(test, READ_ONCE(hdr->pending_send_sz), 0u);
	for (i = 0; i < n; i++)
		nt_rx_done(&b->q[0], tids[i]);
	KUNIT_EXPECT_EQ(test, nt_nic(b)->nfree, b->nslots);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_BAD_COMPLETIONS), 0LL);
	KUNIT_EXPECT_EQ(test, nt_stat(b, NETVSP_TX_PACKETS), 1LL);
	nt_expect_quiet(test, &a->q[0]);
}

/* The Toeplitz hash of the Microsoft RSS verification suite's first case. */
static void netvsp_toeplitz_vector(struct kunit *test)
{
	static const u8 key[HVG_NDIS_RSS_KEY_SIZE] = {
		0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
		0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
		0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
		0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
		0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
	};
	struct hvg_ndis_rss *rss;
	u8 frame[64] = {};

	rss = kunit_kzalloc(test, sizeof(*rss), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rss);
	memcpy(rss->key, key, sizeof(key));
	rss->enabled = true;
	rss->hash_info = HVG_NDIS_HASH_FUNC_TOEPLITZ | HVG_NDIS_HASH_IPV4 |
			 HVG_NDIS_HASH_TCP_IPV4;
	/* 66.9.149.187:2794 -> 161.142.100.80:1766 */
	frame[12] = 0x08;
	frame[14] = 0x45;
	frame[23] = IPPROTO_TCP;
	frame[26] = 66; frame[27] = 9; frame[28] = 149; frame[29] = 187;
	frame[30] = 161; frame[31] = 142; frame[32] = 100; frame[33] = 80;
	frame[34] = 2794 >> 8; frame[35] = 2794 & 0xff;
	frame[36] = 1766 >> 8; frame[37] = 1766 & 0xff;
	KUNIT_EXPECT_EQ(test, netvsp_rss_hash(rss, frame, sizeof(frame)),
			0x51ccc178u);
	rss->hash_info = HVG_NDIS_HASH_FUNC_TOEPLITZ | HVG_NDIS_HASH_IPV4;
	KUNIT_EXPECT_EQ(test, netvsp_rss_hash(rss, frame, sizeof(frame)),
			0x323e8fc2u);
}

static struct kunit_case netvsp_cases[] = {
	KUNIT_CASE(netvsp_handshake),
	KUNIT_CASE(netvsp_init_versions),
	KUNIT_CASE(netvsp_refuses_every_version),
	KUNIT_CASE(netvsp_buffers_refused),
	KUNIT_CASE(netvsp_switch_forwards),
	KUNIT_CASE(netvsp_mac_and_mtu),
	KUNIT_CASE(netvsp_bad_guest_input),
	KUNIT_CASE(netvsp_completions_checked),
	KUNIT_CASE(netvsp_faults),
	KUNIT_CASE(netvsp_link),
	KUNIT_CASE(netvsp_lso_segments),
	KUNIT_CASE(netvsp_rsc),
	KUNIT_CASE(netvsp_tx_direct),
	KUNIT_CASE(netvsp_rss_subchannel),
	KUNIT_CASE(netvsp_stalled_completion),
	KUNIT_CASE(netvsp_toeplitz_vector),
	{}
};

static struct kunit_suite netvsp_suite = {
	.name = "hvg_loophost_netvsp",
	.init = nt_init,
	.exit = nt_exit,
	.test_cases = netvsp_cases,
};

kunit_test_suite(netvsp_suite);

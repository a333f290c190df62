// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the loopback host's VMBus server (host/vmbus_server.c,
 * gpadl.c, channel.c, echo.c).
 *
 * "hvg_loophost_gpadl": GPADL_HEADER / GPADL_BODY reassembly, pure: every
 * field the guest sends is checked and a refusal names it.
 *
 * "hvg_loophost_server": the test plays the guest against a real server on
 * a real SynIC model, seeing the host only as a guest would: it posts
 * control messages with HvPostMessage, takes the host's from the SINT 2
 * slot of VP 0 with the TLFS slot protocol (copy, free, EOM if pending),
 * names its pages by PFN in GPADLs, and talks to the echo service through
 * a ring pair of its own (vmbus/ring.c, the guest's endpoints) and
 * HvSignalEvent on the offer's connection id.
 */
#include <kunit/test.h>
#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <hvguest/echo_proto.h>
#include <hvguest/vmbus.h>

#include "../host/synic.h"
#include "../host/vmbus_server.h"
#include "../host/server_internal.h"

#define LHS_WAIT_MS	10000
#define LHS_RING_BYTES	(8 * PAGE_SIZE)	/* each ring: header + 7 pages */
#define LHS_VPS		64		/* server_vp_index_not_cpu */

/* ---------------------------------------------------------------------
 * hvg_loophost_gpadl
 */

static void lhg_put64(u8 *p, u64 v)
{
	memcpy(p, &v, sizeof(v));
}

/* A GPADL_HEADER for @npfns pages carrying @inmsg of them (PFN i = i+1). */
static u32 lhg_header(u8 *buf, u32 npfns, u32 inmsg)
{
	struct hvg_chmsg_gpadl_header *h = (void *)buf;
	u32 i;

	memset(buf, 0, HVG_MSG_PAYLOAD_MAX);
	h->hdr.msgtype = HVG_CHMSG_GPADL_HEADER;
	h->child_relid = 5;
	h->gpadl = 0xe1e10;
	h->range_buflen = 8 + 8 * npfns;
	h->rangecount = 1;
	h->byte_count = npfns * PAGE_SIZE;
	for (i = 0; i < inmsg; i++)
		lhg_put64(buf + 28 + 8 * i, (u64)i + 1);
	return 28 + 8 * inmsg;
}

static u32 lhg_body(u8 *buf, u32 first, u32 n)
{
	struct hvg_chmsg_gpadl_body *b = (void *)buf;
	u32 i;

	memset(buf, 0, HVG_MSG_PAYLOAD_MAX);
	b->hdr.msgtype = HVG_CHMSG_GPADL_BODY;
	b->gpadl = 0xe1e10;
	for (i = 0; i < n; i++)
		b->pfn[i] = first + i + 1;
	return 16 + 8 * n;
}

static void gpadl_header_only(struct kunit *test)
{
	struct hvg_lh_gpadl g = {};
	const char *why = NULL;
	u8 buf[HVG_MSG_PAYLOAD_MAX];
	u32 len = lhg_header(buf, 3, 3), i;

	KUNIT_ASSERT_EQ(test, hvg_lh_gpadl_begin(&g, buf, len, &why), 0);
	KUNIT_EXPECT_TRUE(test, hvg_lh_gpadl_complete(&g));
	KUNIT_EXPECT_EQ(test, g.npfns, 3U);
	KUNIT_EXPECT_EQ(test, g.handle, 0xe1e10U);
	KUNIT_EXPECT_EQ(test, g.relid, 5U);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, g.pfns[i], (u64)i + 1);
	hvg_lh_gpadl_release(&g);
}

/* The largest GPADL: 26 PFNs in the header, 292 bodies of up to 28. */
static void gpadl_largest_reassembles(struct kunit *test)
{
	const u32 n = HVG_GPADL_MAX_PAGES;
	struct hvg_lh_gpadl g = {};
	const char *why = NULL;
	u8 buf[HVG_MSG_PAYLOAD_MAX];
	u32 sent, k, bodies = 0, len;

	len = lhg_header(buf, n, HVG_GPADL_HEADER_PFNS);
	KUNIT_ASSERT_EQ(test, hvg_lh_gpadl_begin(&g, buf, len, &why), 0);
	for (sent = HVG_GPADL_HEADER_PFNS; sent < n; sent += k) {
		KUNIT_ASSERT_FALSE(test, hvg_lh_gpadl_complete(&g));
		k = min(n - sent, HVG_GPADL_BODY_PFNS);
		len = lhg_body(buf, sent, k);
		KUNIT_ASSERT_EQ(test, hvg_lh_gpadl_body(&g, buf, len, &why), 0);
		bodies++;
	}
	KUNIT_EXPECT_TRUE(test, hvg_lh_gpadl_complete(&g));
	KUNIT_EXPECT_EQ(test, bodies, 292U);
	KUNIT_EXPECT_EQ(test, g.pfns[n - 1], (u64)n);
	KUNIT_EXPECT_EQ(test, g.pfns[4000], 4001ULL);
	/* One more body is refused and adds nothing. */
	len = lhg_body(buf, n, 1);
	KUNIT_EXPECT_EQ(test, hvg_lh_gpadl_body(&g, buf, len, &why), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "PFN count");
	hvg_lh_gpadl_release(&g);
}

struct lhg_bad {
	const char *name;
	void (*mangle)(u8 *buf, u32 *len);
	const char *why;
};

static void lhg_short(u8 *buf, u32 *len) { *len = 27; }
static void lhg_long(u8 *buf, u32 *len) { *len = HVG_MSG_PAYLOAD_MAX + 8; }
static void lhg_ranges(u8 *buf, u32 *len)
{
	((struct hvg_chmsg_gpadl_header *)buf)->rangecount = 2;
}

static void lhg_buflen_zero(u8 *buf, u32 *len)
{
	((struct hvg_chmsg_gpadl_header *)buf)->range_buflen = 8;
}

static void lhg_buflen_odd(u8 *buf, u32 *len)
{
	((struct hvg_chmsg_gpadl_header *)buf)->range_buflen += 4;
}

static void lhg_offset(u8 *buf, u32 *len)
{
	((struct hvg_chmsg_gpadl_header *)buf)->byte_offset = PAGE_SIZE;
}

static void lhg_count_big(u8 *buf, u32 *len)
{
	((struct hvg_chmsg_gpadl_header *)buf)->byte_count += 1;
}

static void lhg_count_small(u8 *buf, u32 *len)
{
	((struct hvg_chmsg_gpadl_header *)buf)->byte_count -= PAGE_SIZE;
}

static void lhg_count_zero(u8 *buf, u32 *len)
{
	((struct hvg_chmsg_gpadl_header *)buf)->byte_count = 0;
}

static void lhg_too_many(u8 *buf, u32 *len)
{
	/* 4 PFNs travel, range_buflen says 3. */
	((struct hvg_chmsg_gpadl_header *)buf)->range_buflen = 8 + 8 * 3;
	((struct hvg_chmsg_gpadl_header *)buf)->byte_count = 3 * PAGE_SIZE;
}

static const struct lhg_bad lhg_bad_cases[] = {
	{ "short", lhg_short, "message length" },
	{ "long", lhg_long, "message length" },
	{ "rangecount", lhg_ranges, "rangecount" },
	{ "no PFN", lhg_buflen_zero, "range_buflen" },
	{ "buflen not x8", lhg_buflen_odd, "range_buflen" },
	{ "offset", lhg_offset, "byte_offset" },
	{ "count over", lhg_count_big, "byte_count" },
	{ "count under", lhg_count_small, "byte_count" },
	{ "count zero", lhg_count_zero, "byte_count" },
	{ "PFNs over buflen", lhg_too_many, "PFN count" },
};

static void gpadl_header_refusals(struct kunit *test)
{
	u8 buf[HVG_MSG_PAYLOAD_MAX + 8];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lhg_bad_cases); i++) {
		struct hvg_lh_gpadl g = {};
		const char *why = NULL;
		u32 len = lhg_header(buf, 4, 4);

		lhg_bad_cases[i].mangle(buf, &len);
		KUNIT_EXPECT_EQ_MSG(test, hvg_lh_gpadl_begin(&g, buf, len, &why),
				    -EINVAL, "%s", lhg_bad_cases[i].name);
		KUNIT_EXPECT_STREQ_MSG(test, why ? why : "(none)",
				       lhg_bad_cases[i].why, "%s",
				       lhg_bad_cases[i].name);
		KUNIT_EXPECT_NULL(test, g.pfns);
	}
}

static void gpadl_body_refusals(struct kunit *test)
{
	struct hvg_lh_gpadl g = {};
	const char *why = NULL;
	u8 buf[HVG_MSG_PAYLOAD_MAX];
	u32 len = lhg_header(buf, 30, 26);

	KUNIT_ASSERT_EQ(test, hvg_lh_gpadl_begin(&g, buf, len, &why), 0);
	/* A body without PFNs. */
	KUNIT_EXPECT_EQ(test, hvg_lh_gpadl_body(&g, buf, 16, &why), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "message length");
	/* Five PFNs where four are missing. */
	len = lhg_body(buf, 26, 5);
	KUNIT_EXPECT_EQ(test, hvg_lh_gpadl_body(&g, buf, len, &why), -EINVAL);
	KUNIT_EXPECT_EQ(test, g.have, 26U);
	len = lhg_body(buf, 26, 4);
	KUNIT_EXPECT_EQ(test, hvg_lh_gpadl_body(&g, buf, len, &why), 0);
	KUNIT_EXPECT_TRUE(test, hvg_lh_gpadl_complete(&g));
	hvg_lh_gpadl_release(&g);
}

/* Mapping: real pages map and read back; a PFN beyond RAM is refused. */
static void gpadl_map_checks_pfns(struct kunit *test)
{
	struct hvg_lh_gpadl g = {};
	const char *why = NULL;
	u8 buf[HVG_MSG_PAYLOAD_MAX];
	struct page *pages[2];
	u32 len, i;

	for (i = 0; i < 2; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
		memset(page_address(pages[i]), 0xa0 + i, PAGE_SIZE);
	}
	len = lhg_header(buf, 2, 2);
	lhg_put64(buf + 28, page_to_pfn(pages[0]));
	lhg_put64(buf + 36, page_to_pfn(pages[1]));
	KUNIT_ASSERT_EQ(test, hvg_lh_gpadl_begin(&g, buf, len, &why), 0);
	KUNIT_ASSERT_EQ(test, hvg_lh_gpadl_map(&g, &why), 0);
	KUNIT_EXPECT_EQ(test, ((u8 *)g.va)[0], 0xa0);
	KUNIT_EXPECT_EQ(test, ((u8 *)g.va)[PAGE_SIZE], 0xa1);
	hvg_lh_gpadl_release(&g);

	lhg_put64(buf + 36, ~0ULL >> 12);
	KUNIT_ASSERT_EQ(test, hvg_lh_gpadl_begin(&g, buf, len, &why), 0);
	KUNIT_EXPECT_EQ(test, hvg_lh_gpadl_map(&g, &why), -EFAULT);
	KUNIT_EXPECT_STREQ(test, why, "PFN");
	KUNIT_EXPECT_NULL(test, g.va);
	hvg_lh_gpadl_release(&g);
	for (i = 0; i < 2; i++)
		__free_page(pages[i]);
}

static struct kunit_case hvg_loophost_gpadl_cases[] = {
	KUNIT_CASE(gpadl_header_only),
	KUNIT_CASE(gpadl_largest_reassembles),
	KUNIT_CASE(gpadl_header_refusals),
	KUNIT_CASE(gpadl_body_refusals),
	KUNIT_CASE(gpadl_map_checks_pfns),
	{}
};

static struct kunit_suite hvg_loophost_gpadl_suite = {
	.name = "hvg_loophost_gpadl",
	.test_cases = hvg_loophost_gpadl_cases,
};

/* ---------------------------------------------------------------------
 * hvg_loophost_server: the test is the guest
 */

static struct {
	struct hvg_lh_synic *s;
	struct hvg_lh_server *srv;
	u32 relid;		/* the echo device's primary */
	u32 conn_id;
	guid_t instance;
	u32 next_gpadl;
	u32 version;		/* requested by lhs_connect_ex() */
	u32 msg_vp;		/* where the host's messages come */
	u32 open_vp;		/* OPENCHANNEL's target_vp */
	/* server_vp_index_not_cpu: the test's pages, LHS_VPS of each */
	struct hvg_synic_message_page **simp;
	struct hvg_synic_event_page **siefp;
	atomic_t raised[LHS_VPS];	/* raises per VP, from any CPU */
} lhs;

/*
 * The pages of VP @vp: the model's own, or (with more VPs than CPUs, see
 * server_vp_index_not_cpu) the test's.
 */
static struct hvg_synic_message_page *lhs_simp(u32 vp);
static struct hvg_synic_event_page *lhs_siefp(u32 vp);

static int lhs_post(struct kunit *test, const void *msg, u32 len)
{
	const struct hvg_chmsg_hdr *h = msg;
	u32 conn = h->msgtype == HVG_CHMSG_INITIATE_CONTACT &&
		   lhs.version >= HVG_VMBUS_VERSION_5_0 ?
		   HVG_VMBUS_MSG_CONN_ID_V5 : HVG_LH_VMBUS_MSG_CONN_ID;
	unsigned long end = jiffies + msecs_to_jiffies(LHS_WAIT_MS);
	u16 st;

	for (;;) {
		st = hvg_lh_synic_hc_post_message(lhs.s, conn,
						  HVG_VMBUS_MESSAGE_TYPE, msg,
						  len);
		if (st != HVG_STATUS_INSUFFICIENT_BUFFERS ||
		    time_after(jiffies, end))
			break;
		usleep_range(100, 200);
	}
	KUNIT_EXPECT_EQ(test, st, (u16)HVG_STATUS_SUCCESS);
	return st == HVG_STATUS_SUCCESS ? 0 : -EIO;
}

/*
 * Take the next host message from VP 0's SINT 2 slot, as a guest does.
 * Return: its channel message type, or 0 if none came within @ms.
 */
static u32 lhs_recv_ms(void *buf, u32 *len, unsigned int ms)
{
	struct hvg_synic_message *slot = &lhs_simp(lhs.msg_vp)->sint_message[2];
	unsigned long end = jiffies + msecs_to_jiffies(ms);
	u32 size, type;
	u8 flags;

	while (READ_ONCE(slot->header.message_type) == HVG_MSGTYPE_NONE) {
		if (time_after(jiffies, end))
			return 0;
		usleep_range(200, 400);
	}
	/*
	 * message_type before the rest of the slot: pairs with the model's
	 * smp_wmb() before it writes message_type (hvg_lh_slot_fill()).
	 */
	virt_rmb();
	size = min_t(u32, slot->header.payload_size, HVG_MSG_PAYLOAD_MAX);
	memcpy(buf, slot->payload, size);
	*len = size;
	WRITE_ONCE(slot->header.message_type, HVG_MSGTYPE_NONE);
	/*
	 * The freed slot before message_flags is read: pairs with the
	 * model's smp_mb() after it sets message_pending on a busy slot.
	 */
	virt_mb();
	flags = READ_ONCE(slot->header.message_flags);
	if (flags & HVG_MSGFLAG_PENDING)
		hvg_lh_synic_eom(lhs.s, lhs.msg_vp);
	memcpy(&type, buf, sizeof(type));
	return type;
}

static u32 lhs_recv(void *buf, u32 *len)
{
	return lhs_recv_ms(buf, len, LHS_WAIT_MS);
}

/* Expect the next host message to be of @type; return its length. */
static u32 lhs_expect(struct kunit *test, u32 type, void *buf)
{
	u32 len = 0, got = lhs_recv(buf, &len);

	KUNIT_EXPECT_EQ_MSG(test, got, type, "host message type");
	return got == type ? len : 0;
}

/* Nothing more from the host for a while. */
static void lhs_expect_quiet(struct kunit *test)
{
	u8 buf[HVG_MSG_PAYLOAD_MAX];
	u32 len;

	KUNIT_EXPECT_EQ(test, lhs_recv_ms(buf, &len, 100), 0U);
}

static void lhs_connect_ex(struct kunit *test, u32 version, u32 vp,
			   u64 int_page)
{
	struct hvg_chmsg_initiate_contact ic = {
		.hdr.msgtype = HVG_CHMSG_INITIATE_CONTACT,
		.version_requested = version,
		.target_vcpu = vp,
	};
	struct hvg_chmsg_hdr ro = { .msgtype = HVG_CHMSG_REQUESTOFFERS };
	struct hvg_chmsg_version_response *vr;
	struct hvg_chmsg_offer *off;
	u8 buf[HVG_MSG_PAYLOAD_MAX];
	u32 len;

	if (version >= HVG_VMBUS_VERSION_5_0)
		ic.v5.msg_sint = 2;
	else
		ic.interrupt_page = int_page;
	lhs.version = version;
	lhs.msg_vp = vp;
	KUNIT_ASSERT_EQ(test, lhs_post(test, &ic, sizeof(ic)), 0);
	len = lhs_expect(test, HVG_CHMSG_VERSION_RESPONSE, buf);
	KUNIT_ASSERT_EQ(test, len, (u32)sizeof(*vr));
	vr = (void *)buf;
	KUNIT_EXPECT_EQ(test, vr->version_supported, 1);
	KUNIT_EXPECT_EQ(test, vr->msg_conn_id,
			version >= HVG_VMBUS_VERSION_5_0 ?
			(u32)HVG_LH_VMBUS_MSG_CONN_ID : version);

	KUNIT_ASSERT_EQ(test, lhs_post(test, &ro, sizeof(ro)), 0);
	len = lhs_expect(test, HVG_CHMSG_OFFERCHANNEL, buf);
	KUNIT_ASSERT_EQ(test, len, (u32)sizeof(*off));
	off = (void *)buf;
	KUNIT_EXPECT_TRUE(test, guid_equal(&off->if_type, &HVG_GUID_ECHO));
	KUNIT_EXPECT_GE(test, off->child_relid, 1U);
	KUNIT_EXPECT_LT(test, off->child_relid, 2048U);
	KUNIT_EXPECT_EQ(test, off->connection_id, off->child_relid | 2 << 12);
	KUNIT_EXPECT_EQ(test, off->sub_channel_index, 0);
	KUNIT_EXPECT_EQ(test, off->interrupt_flags,
			(u16)HVG_OFFER_DEDICATED_INTERRUPT);
	KUNIT_EXPECT_EQ(test, off->monitor_flags, 0);
	lhs.relid = off->child_relid;
	lhs.conn_id = off->connection_id;
	lhs.instance = off->if_instance;
	lhs_expect(test, HVG_CHMSG_ALLOFFERS_DELIVERED, buf);
}

static void lhs_connect(struct kunit *test)
{
	lhs_connect_ex(test, HVG_VMBUS_VERSION_5_3, 0, 0);
}

static struct hvg_synic_message_page *lhs_simp(u32 vp)
{
	if (lhs.simp)
		return vp < LHS_VPS ? lhs.simp[vp] : NULL;
	return hvg_lh_synic_message_page(lhs.s, vp);
}

static struct hvg_synic_event_page *lhs_siefp(u32 vp)
{
	if (lhs.siefp)
		return vp < LHS_VPS ? lhs.siefp[vp] : NULL;
	return hvg_lh_synic_event_page(lhs.s, vp);
}

static int lhs_init(struct kunit *test)
{
	const struct hvg_lh_synic_config cfg = {
		.nr_vps = nr_cpu_ids,
		.slot_depth = 64,
		.rx_depth = 64,
	};
	const struct hvg_lh_server_config scfg = {
		.host_version = HVG_VMBUS_VERSION_5_3,
		.nr_vps = nr_cpu_ids,
		.echo_devices = 1,
	};

	memset(&lhs, 0, sizeof(lhs));
	lhs.next_gpadl = 0xe1e10;
	lhs.s = hvg_lh_synic_create(&cfg);
	if (IS_ERR(lhs.s))
		return PTR_ERR(lhs.s);
	lhs.srv = hvg_lh_server_create(lhs.s, &scfg);
	if (IS_ERR(lhs.srv)) {
		hvg_lh_synic_destroy(lhs.s);
		return PTR_ERR(lhs.srv);
	}
	return 0;
}

static void lhs_exit(struct kunit *test)
{
	/* Whatever the case left open or mapped: kmemleak checks. */
	hvg_lh_server_destroy(lhs.srv);
	hvg_lh_synic_destroy(lhs.s);
}

/*
 * Create a GPADL over @pages; expect GPADL_CREATED with status 0 (@ok)
 * or non-zero. Return: the handle.
 */
static u32 lhs_gpadl(struct kunit *test, u32 relid, struct page **pages,
		     u32 n, bool ok)
{
	u8 msg[HVG_MSG_PAYLOAD_MAX], buf[HVG_MSG_PAYLOAD_MAX];
	struct hvg_chmsg_gpadl_header *h = (void *)msg;
	struct hvg_chmsg_gpadl_body *b = (void *)msg;
	struct hvg_chmsg_gpadl_created *c = (void *)buf;
	u32 handle = lhs.next_gpadl++, sent, k, i;

	memset(msg, 0, sizeof(msg));
	h->hdr.msgtype = HVG_CHMSG_GPADL_HEADER;
	h->child_relid = relid;
	h->gpadl = handle;
	h->range_buflen = 8 + 8 * n;
	h->rangecount = 1;
	h->byte_count = n * PAGE_SIZE;
	k = min(n, HVG_GPADL_HEADER_PFNS);
	for (i = 0; i < k; i++)
		lhg_put64(msg + 28 + 8 * i, page_to_pfn(pages[i]));
	lhs_post(test, msg, 28 + 8 * k);
	for (sent = k; sent < n; sent += k) {
		memset(msg, 0, sizeof(msg));
		b->hdr.msgtype = HVG_CHMSG_GPADL_BODY;
		b->gpadl = handle;
		k = min(n - sent, HVG_GPADL_BODY_PFNS);
		for (i = 0; i < k; i++)
			b->pfn[i] = page_to_pfn(pages[sent + i]);
		lhs_post(test, msg, 16 + 8 * k);
	}
	if (lhs_expect(test, HVG_CHMSG_GPADL_CREATED, buf)) {
		KUNIT_EXPECT_EQ(test, c->child_relid, relid);
		KUNIT_EXPECT_EQ(test, c->gpadl, handle);
		if (ok)
			KUNIT_EXPECT_EQ(test, c->creation_status, 0U);
		else
			KUNIT_EXPECT_NE(test, c->creation_status, 0U);
	}
	return handle;
}

static void lhs_teardown(struct kunit *test, u32 relid, u32 handle)
{
	struct hvg_chmsg_gpadl_teardown td = {
		.hdr.msgtype = HVG_CHMSG_GPADL_TEARDOWN,
		.child_relid = relid,
		.gpadl = handle,
	};
	struct hvg_chmsg_gpadl_torndown *t;
	u8 buf[HVG_MSG_PAYLOAD_MAX];

	lhs_post(test, &td, sizeof(td));
	if (lhs_expect(test, HVG_CHMSG_GPADL_TORNDOWN, buf)) {
		t = (void *)buf;
		KUNIT_EXPECT_EQ(test, t->gpadl, handle);
	}
}

/* A guest's open channel: its ring pair and the ring GPADL. */
struct lhs_chan {
	u32 relid, conn_id;
	struct hvg_ring_pair pair;
	u32 gpadl;
	u8 *rxbuf;
};

static void lhs_open(struct kunit *test, struct lhs_chan *c, u32 relid,
		     u32 conn_id)
{
	struct hvg_chmsg_open op = {
		.hdr.msgtype = HVG_CHMSG_OPENCHANNEL,
		.child_relid = relid,
		.openid = relid,
		.target_vp = lhs.open_vp,
	};
	struct hvg_chmsg_open_result *r;
	u8 buf[HVG_MSG_PAYLOAD_MAX];

	c->relid = relid;
	c->conn_id = conn_id;
	KUNIT_ASSERT_EQ(test, hvg_ring_pair_alloc(&c->pair, LHS_RING_BYTES,
						  LHS_RING_BYTES), 0);
	c->rxbuf = kunit_kmalloc(test, LHS_RING_BYTES, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->rxbuf);
	c->gpadl = lhs_gpadl(test, relid, c->pair.pages, c->pair.npages, true);
	op.ring_gpadl = c->gpadl;
	op.downstream_page_offset = c->pair.out_pages;
	lhs_post(test, &op, sizeof(op));
	KUNIT_ASSERT_NE(test, lhs_expect(test, HVG_CHMSG_OPENCHANNEL_RESULT,
					 buf), 0U);
	r = (void *)buf;
	KUNIT_EXPECT_EQ(test, r->child_relid, relid);
	KUNIT_EXPECT_EQ(test, r->openid, relid);
	KUNIT_ASSERT_EQ(test, r->status, 0U);
}

static void lhs_close(struct kunit *test, struct lhs_chan *c)
{
	struct hvg_chmsg_relid cl = {
		.hdr.msgtype = HVG_CHMSG_CLOSECHANNEL,
		.child_relid = c->relid,
	};

	lhs_post(test, &cl, sizeof(cl));
	lhs_teardown(test, c->relid, c->gpadl);
	hvg_ring_pair_free(&c->pair);
}

/*
 * Close primary @c, which has @n sub-channels: the host rescinds them first
 * (sub-channels belong to the primary's open instance); their relids go
 * to @rescinded. Then the ring's teardown.
 */
static void lhs_close_primary(struct kunit *test, struct lhs_chan *c, u32 n,
			      u32 *rescinded)
{
	struct hvg_chmsg_relid cl = {
		.hdr.msgtype = HVG_CHMSG_CLOSECHANNEL,
		.child_relid = c->relid,
	};
	u8 buf[HVG_MSG_PAYLOAD_MAX];
	u32 i;

	lhs_post(test, &cl, sizeof(cl));
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_EQ(test,
				lhs_expect(test, HVG_CHMSG_RESCIND_CHANNELOFFER,
					   buf), (u32)sizeof(cl));
		memcpy(&cl, buf, sizeof(cl));
		rescinded[i] = cl.child_relid;
	}
	lhs_teardown(test, c->relid, c->gpadl);
	hvg_ring_pair_free(&c->pair);
}

/* Send one request (writing until it fits), signalling as the ring says. */
static void lhs_send(struct kunit *test, struct lhs_chan *c,
		     const void *data, u32 len, u64 tid)
{
	unsigned long end = jiffies + msecs_to_jiffies(LHS_WAIT_MS);
	int ret;

	for (;;) {
		ret = hvg_ring_write(&c->pair.out, HVG_PKT_DATA_INBAND, 0, tid,
				     data, len);
		if (ret != -EAGAIN || time_after(jiffies, end))
			break;
		usleep_range(50, 100);
	}
	KUNIT_ASSERT_GE(test, ret, 0);
	if (ret == HVG_RING_SIGNAL)
		hvg_lh_synic_hc_signal_event(lhs.s, c->conn_id, 0);
}

/* Wait for the next reply; 1 with it in @pkt, 0 on timeout. */
static int lhs_reply(struct lhs_chan *c, struct hvg_ring_pkt *pkt)
{
	unsigned long end = jiffies + msecs_to_jiffies(LHS_WAIT_MS);
	int ret;

	for (;;) {
		ret = hvg_ring_read_next(&c->pair.in, c->rxbuf, LHS_RING_BYTES,
					 pkt);
		/* Each reply is released at once: the host may wait for it. */
		if (hvg_ring_read_end(&c->pair.in))
			hvg_lh_synic_hc_signal_event(lhs.s, c->conn_id, 0);
		if (ret || time_after(jiffies, end))
			return ret;
		usleep_range(20, 50);
	}
}

static void lhs_echo_op(struct kunit *test, struct lhs_chan *c,
			struct hvg_echo_hdr *req, struct hvg_echo_hdr *rep)
{
	struct hvg_ring_pkt pkt;

	lhs_send(test, c, req, sizeof(*req), 77);
	KUNIT_ASSERT_EQ(test, lhs_reply(c, &pkt), 1);
	KUNIT_EXPECT_EQ(test, pkt.desc.trans_id, 77ULL);
	KUNIT_ASSERT_GE(test, pkt.data_len, (u32)sizeof(*rep));
	memcpy(rep, pkt.data, sizeof(*rep));
	KUNIT_EXPECT_EQ(test, rep->op, req->op);
	KUNIT_EXPECT_EQ(test, rep->seq, req->seq);
}

static void server_connect_offers_echo(struct kunit *test)
{
	struct hvg_chmsg_hdr ro = { .msgtype = HVG_CHMSG_REQUESTOFFERS };

	lhs_connect(test);
	/* M7: a second REQUESTOFFERS is an error: no answer. */
	lhs_post(test, &ro, sizeof(ro));
	lhs_expect_quiet(test);
	KUNIT_EXPECT_NOT_NULL(test, hvg_lh_srv_find(lhs.srv, lhs.relid));
}

static void server_gpadl_create_teardown(struct kunit *test)
{
	const u32 sizes[] = { 1, 26, 27, 54, 55, 300 };
	struct page **pages;
	unsigned int i;
	u32 h;

	lhs_connect(test);
	pages = kunit_kcalloc(test, 300, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < 300; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		h = lhs_gpadl(test, lhs.relid, pages, sizes[i], true);
		lhs_teardown(test, lhs.relid, h);
	}
	/* A PFN that is not RAM: GPADL_CREATED with a failure. */
	{
		u8 msg[HVG_MSG_PAYLOAD_MAX], buf[HVG_MSG_PAYLOAD_MAX];
		struct hvg_chmsg_gpadl_header *gh = (void *)msg;
		struct hvg_chmsg_gpadl_created *c = (void *)buf;
		u32 len = lhg_header(msg, 2, 2);

		gh->child_relid = lhs.relid;
		gh->gpadl = 0x5150;
		lhg_put64(msg + 28, page_to_pfn(pages[0]));
		lhg_put64(msg + 36, ~0ULL >> 12);
		lhs_post(test, msg, len);
		if (lhs_expect(test, HVG_CHMSG_GPADL_CREATED, buf)) {
			KUNIT_EXPECT_EQ(test, c->gpadl, 0x5150U);
			KUNIT_EXPECT_NE(test, c->creation_status, 0U);
		}
	}
	/* A duplicate handle fails; the first one stays. */
	h = lhs_gpadl(test, lhs.relid, pages, 2, true);
	lhs.next_gpadl = h;
	lhs_gpadl(test, lhs.relid, pages, 2, false);
	lhs_teardown(test, lhs.relid, h);
	/* A relid nobody offered: no answer at all. */
	{
		u8 msg[HVG_MSG_PAYLOAD_MAX];
		u32 len = lhg_header(msg, 1, 1);

		((struct hvg_chmsg_gpadl_header *)msg)->child_relid = 2047;
		lhs_post(test, msg, len);
		lhs_expect_quiet(test);
	}
	for (i = 0; i < 300; i++)
		__free_page(pages[i]);
}

static void server_echo_round_trip(struct kunit *test)
{
	struct hvg_echo_hdr req = {}, rep;
	struct hvg_ring_pkt pkt;
	struct lhs_chan c = {};
	u8 *buf;
	u32 i, len, seed = 1;

	lhs_connect(test);
	lhs_open(test, &c, lhs.relid, lhs.conn_id);
	buf = kunit_kmalloc(test, 6000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	/* Sizes that wrap the 28 KiB ring many times over. */
	for (i = 0; i < 2000; i++) {
		struct hvg_echo_hdr *h = (void *)buf;

		seed = seed * 1103515245 + 12345;
		len = (seed >> 8) % 5000;
		memset(buf, 0, sizeof(*h));
		h->op = HVG_ECHO_OP_ECHO;
		h->len = len;
		h->seq = i;
		get_random_bytes(buf + sizeof(*h), len);
		h->csum = crc32_le(~0u, buf + sizeof(*h), len);
		lhs_send(test, &c, buf, sizeof(*h) + len, 1000 + i);
		KUNIT_ASSERT_EQ(test, lhs_reply(&c, &pkt), 1);
		KUNIT_ASSERT_EQ(test, pkt.desc.trans_id, 1000ULL + i);
		KUNIT_ASSERT_EQ(test, pkt.desc.type, (u16)HVG_PKT_DATA_INBAND);
		KUNIT_ASSERT_EQ(test, pkt.data_len,
				ALIGN((u32)sizeof(*h) + len, 8));
		KUNIT_ASSERT_EQ(test, memcmp(pkt.data, buf, sizeof(*h) + len),
				0);
	}

	req.op = HVG_ECHO_OP_STATS;
	req.seq = 5;
	lhs_echo_op(test, &c, &req, &rep);
	KUNIT_EXPECT_EQ(test, rep.arg, 2001ULL);
	KUNIT_EXPECT_EQ(test, rep.status, 0U);

	/* GPADL_SUM over a 3-page GPADL of our own. */
	{
		struct page *pages[3];
		u32 h, crc = ~0u;

		for (i = 0; i < 3; i++) {
			pages[i] = alloc_page(GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, pages[i]);
			get_random_bytes(page_address(pages[i]), PAGE_SIZE);
			crc = crc32_le(crc, page_address(pages[i]),
				       i < 2 ? PAGE_SIZE : 100);
		}
		h = lhs_gpadl(test, lhs.relid, pages, 3, true);
		req.op = HVG_ECHO_OP_GPADL_SUM;
		req.arg = h;
		req.len = 2 * PAGE_SIZE + 100;
		lhs_echo_op(test, &c, &req, &rep);
		KUNIT_EXPECT_EQ(test, rep.status, 0U);
		KUNIT_EXPECT_EQ(test, rep.csum, crc);
		/* Too long, and an unknown handle. */
		req.len = 3 * PAGE_SIZE + 1;
		lhs_echo_op(test, &c, &req, &rep);
		KUNIT_EXPECT_EQ(test, rep.status, (u32)E2BIG);
		req.arg = 0x1234;
		req.len = 1;
		lhs_echo_op(test, &c, &req, &rep);
		KUNIT_EXPECT_EQ(test, rep.status, (u32)ENOENT);
		lhs_teardown(test, lhs.relid, h);
		for (i = 0; i < 3; i++)
			__free_page(pages[i]);
	}

	/* PAGES: one GPA-direct range over two pages, in place. */
	{
		struct {
			struct hvg_gpa_direct_hdr gh;
			struct hvg_gpa_range r;
			u64 pfn[2];
		} ext = { .gh.range_count = 1 };
		struct hvg_ring_buf bufs[2];
		struct page *pages[2];
		u32 crc;
		int ret;

		for (i = 0; i < 2; i++) {
			pages[i] = alloc_page(GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, pages[i]);
			get_random_bytes(page_address(pages[i]), PAGE_SIZE);
			ext.pfn[i] = page_to_pfn(pages[i]);
		}
		ext.r.byte_offset = 100;
		ext.r.byte_count = PAGE_SIZE;
		crc = crc32_le(~0u, (u8 *)page_address(pages[0]) + 100,
			       PAGE_SIZE - 100);
		crc = crc32_le(crc, page_address(pages[1]), 100);
		memset(&req, 0, sizeof(req));
		req.op = HVG_ECHO_OP_PAGES;
		req.seq = 9;
		bufs[0].base = &ext;
		bufs[0].len = sizeof(ext);
		bufs[1].base = &req;
		bufs[1].len = sizeof(req);
		ret = hvg_ring_writev(&c.pair.out, HVG_PKT_DATA_USING_GPA_DIRECT,
				      0, 88, sizeof(ext), bufs, 2);
		KUNIT_ASSERT_GE(test, ret, 0);
		if (ret == HVG_RING_SIGNAL)
			hvg_lh_synic_hc_signal_event(lhs.s, c.conn_id, 0);
		KUNIT_ASSERT_EQ(test, lhs_reply(&c, &pkt), 1);
		KUNIT_EXPECT_EQ(test, pkt.desc.trans_id, 88ULL);
		memcpy(&rep, pkt.data, sizeof(rep));
		KUNIT_EXPECT_EQ(test, rep.status, 0U);
		KUNIT_EXPECT_EQ(test, rep.len, (u32)PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, rep.csum, crc);
		for (i = 0; i < 2; i++)
			__free_page(pages[i]);
	}
	lhs_close(test, &c);
	lhs_expect_quiet(test);
}

static u8 lhs_echo_byte(u32 i)
{
	return (u8)(i * 7 + 1);
}

/* An echo reply of server_echo_backpressure(): request @i's 2000 bytes. */
static void lhs_expect_echo_bytes(struct kunit *test,
				  const struct hvg_ring_pkt *pkt, u32 i)
{
	const u8 *p = (const u8 *)pkt->data + sizeof(struct hvg_echo_hdr);

	KUNIT_ASSERT_GE(test, pkt->data_len,
			(u32)sizeof(struct hvg_echo_hdr) + 2000);
	KUNIT_EXPECT_EQ(test, p[0], lhs_echo_byte(i));
	KUNIT_EXPECT_EQ(test, p[1999], lhs_echo_byte(i));
	KUNIT_EXPECT_NULL(test, memchr_inv(p, lhs_echo_byte(i), 2000));
}

/* Fill the inbound ring without reading: the host parks and resumes. */
static void server_echo_backpressure(struct kunit *test)
{
	struct hvg_lh_channel *ch;
	struct hvg_ring_pkt pkt;
	struct lhs_chan c = {};
	u8 *buf;
	u32 i, got = 0;

	lhs_connect(test);
	lhs_open(test, &c, lhs.relid, lhs.conn_id);
	buf = kunit_kzalloc(test, 2048, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	((struct hvg_echo_hdr *)buf)->op = HVG_ECHO_OP_ECHO;
	((struct hvg_echo_hdr *)buf)->len = 2000;
	/*
	 * 60 requests of 2 KiB: over twice what the 28 KiB rings hold. Each
	 * with bytes of its own, so that a reply the host put off (its
	 * request's ring space given back, then written over by the next
	 * requests) shows whether it kept its own copy.
	 */
	for (i = 0; i < 60; i++) {
		unsigned long end = jiffies + msecs_to_jiffies(LHS_WAIT_MS);
		unsigned int tries = 0;
		int ret;

		memset(buf + sizeof(struct hvg_echo_hdr), lhs_echo_byte(i),
		       2000);
		for (;;) {
			ret = hvg_ring_write(&c.pair.out, HVG_PKT_DATA_INBAND,
					     0, i, buf, 2032);
			if (ret != -EAGAIN)
				break;
			/*
			 * Full: give the host time to fill the inbound ring
			 * and stall on it; only then read replies, as a slow
			 * guest would.
			 */
			if (++tries < 20) {
				usleep_range(1000, 2000);
				continue;
			}
			while (hvg_ring_read_next(&c.pair.in, c.rxbuf,
						  LHS_RING_BYTES, &pkt) == 1) {
				KUNIT_EXPECT_EQ(test, pkt.desc.trans_id,
						(u64)got);
				lhs_expect_echo_bytes(test, &pkt, got);
				got++;
			}
			if (hvg_ring_read_end(&c.pair.in))
				hvg_lh_synic_hc_signal_event(lhs.s, c.conn_id,
							     0);
			KUNIT_ASSERT_FALSE(test, time_after(jiffies, end));
			usleep_range(100, 200);
		}
		if (ret == HVG_RING_SIGNAL)
			hvg_lh_synic_hc_signal_event(lhs.s, c.conn_id, 0);
	}
	while (got < 60) {
		KUNIT_ASSERT_EQ(test, lhs_reply(&c, &pkt), 1);
		KUNIT_EXPECT_EQ(test, pkt.desc.trans_id, (u64)got);
		lhs_expect_echo_bytes(test, &pkt, got);
		got++;
	}
	ch = hvg_lh_srv_find(lhs.srv, lhs.relid);
	KUNIT_ASSERT_NOT_NULL(test, ch);
	KUNIT_EXPECT_GT(test, atomic_long_read(&ch->stats[HVG_LH_CH_RING_FULL]),
			0L);
	/*
	 * The host maps both rings in one range (hvg_ring_vmap_pair()): the
	 * inbound ring's header right after the outbound ring's second copy
	 * of its data, so that the same page of the two data areas is an odd
	 * number of pages apart; and its data mapped twice.
	 */
	KUNIT_EXPECT_EQ(test, (long)((u8 *)ch->in_va - (u8 *)ch->out_va),
			(long)(2 * c.pair.out_pages - 1) * (long)PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, vmalloc_to_page(ch->in_va),
			    c.pair.pages[c.pair.out_pages]);
	KUNIT_EXPECT_PTR_EQ(test,
			    vmalloc_to_page((u8 *)ch->in_va + PAGE_SIZE +
					    ch->tx.size),
			    c.pair.pages[c.pair.out_pages + 1]);
	lhs_close(test, &c);
}

static void server_subchannels(struct kunit *test)
{
	struct hvg_echo_hdr req = { .op = HVG_ECHO_OP_SUBCHANNELS, .arg = 3 };
	struct hvg_chmsg_offer *off;
	struct hvg_echo_hdr rep;
	u32 i, sub_relid = 0, sub_conn = 0, subs[3], gone[3];
	/* Off the stack: KASAN's redzones make the frame too large. */
	struct {
		struct lhs_chan c, sc;
		u8 buf[HVG_MSG_PAYLOAD_MAX];
	} *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct lhs_chan *c, *sc;
	u8 *buf;

	KUNIT_ASSERT_NOT_NULL(test, st);
	c = &st->c;
	sc = &st->sc;
	buf = st->buf;
	lhs_connect(test);
	lhs_open(test, c, lhs.relid, lhs.conn_id);
	lhs_send(test, c, &req, sizeof(req), 5);
	for (i = 1; i <= 3; i++) {
		KUNIT_ASSERT_EQ(test, lhs_expect(test, HVG_CHMSG_OFFERCHANNEL,
						 buf), (u32)sizeof(*off));
		off = (void *)buf;
		KUNIT_EXPECT_TRUE(test, guid_equal(&off->if_type,
						   &HVG_GUID_ECHO));
		KUNIT_EXPECT_TRUE(test, guid_equal(&off->if_instance,
						   &lhs.instance));
		KUNIT_EXPECT_EQ(test, off->sub_channel_index, (u16)i);
		KUNIT_EXPECT_NE(test, off->child_relid, lhs.relid);
		subs[i - 1] = off->child_relid;
		if (i == 2) {
			sub_relid = off->child_relid;
			sub_conn = off->connection_id;
		}
	}
	{
		struct hvg_ring_pkt pkt;

		KUNIT_ASSERT_EQ(test, lhs_reply(c, &pkt), 1);
		memcpy(&rep, pkt.data, sizeof(rep));
		KUNIT_EXPECT_EQ(test, rep.arg, 3ULL);
		KUNIT_EXPECT_EQ(test, pkt.desc.trans_id, 5ULL);
	}
	/* A sub-channel works like the primary. */
	lhs_open(test, sc, sub_relid, sub_conn);
	req.op = HVG_ECHO_OP_STATS;
	lhs_echo_op(test, sc, &req, &rep);
	KUNIT_EXPECT_EQ(test, rep.arg, 1ULL);
	/* Sub-channels cannot ask for sub-channels. */
	req.op = HVG_ECHO_OP_SUBCHANNELS;
	lhs_echo_op(test, sc, &req, &rep);
	KUNIT_EXPECT_EQ(test, rep.status, (u32)EINVAL);
	lhs_close(test, sc);
	/* Closing the primary rescinds the three, as Hyper-V does. */
	lhs_close_primary(test, c, 3, gone);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, gone[i], subs[i]);
	lhs_expect_quiet(test);

	/*
	 * Reopened, it gets new ones for a new request: new relids, the
	 * indexes 1..2 again, though the old relids are not released yet.
	 */
	lhs_open(test, c, lhs.relid, lhs.conn_id);
	req.op = HVG_ECHO_OP_SUBCHANNELS;
	req.arg = 2;
	lhs_send(test, c, &req, sizeof(req), 6);
	for (i = 1; i <= 2; i++) {
		KUNIT_ASSERT_EQ(test, lhs_expect(test, HVG_CHMSG_OFFERCHANNEL,
						 buf), (u32)sizeof(*off));
		off = (void *)buf;
		KUNIT_EXPECT_EQ(test, off->sub_channel_index, (u16)i);
		KUNIT_EXPECT_NE(test, off->child_relid, subs[0]);
		KUNIT_EXPECT_NE(test, off->child_relid, subs[1]);
		KUNIT_EXPECT_NE(test, off->child_relid, subs[2]);
	}
	{
		struct hvg_ring_pkt pkt;

		KUNIT_ASSERT_EQ(test, lhs_reply(c, &pkt), 1);
		memcpy(&rep, pkt.data, sizeof(rep));
		KUNIT_EXPECT_EQ(test, rep.arg, 2ULL);
	}
	/* A second request while they exist: the count there is. */
	lhs_send(test, c, &req, sizeof(req), 7);
	{
		struct hvg_ring_pkt pkt;

		KUNIT_ASSERT_EQ(test, lhs_reply(c, &pkt), 1);
		memcpy(&rep, pkt.data, sizeof(rep));
		KUNIT_EXPECT_EQ(test, rep.arg, 2ULL);
	}
	lhs_expect_quiet(test);
	lhs_close_primary(test, c, 2, gone);
}

/* M9: rescind while open; CLOSECHANNEL ignored, teardown answered. */
static void server_rescind_open_channel(struct kunit *test)
{
	struct hvg_chmsg_relid rel = {
		.hdr.msgtype = HVG_CHMSG_RELID_RELEASED,
	};
	struct hvg_chmsg_relid cl = { .hdr.msgtype = HVG_CHMSG_CLOSECHANNEL };
	u8 buf[HVG_MSG_PAYLOAD_MAX];
	struct lhs_chan c = {};
	struct hvg_lh_channel *ch;
	int err;

	lhs_connect(test);
	lhs_open(test, &c, lhs.relid, lhs.conn_id);
	mutex_lock(&lhs.srv->lock);
	ch = hvg_lh_srv_find(lhs.srv, lhs.relid);
	err = ch ? hvg_lh_srv_rescind(lhs.srv, ch) : -ENOENT;
	mutex_unlock(&lhs.srv->lock);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_EQ(test, lhs_expect(test, HVG_CHMSG_RESCIND_CHANNELOFFER,
					 buf), 12U);
	KUNIT_EXPECT_EQ(test, ((struct hvg_chmsg_relid *)buf)->child_relid,
			lhs.relid);
	/* Signals now reach nothing; the host does not touch the ring. */
	hvg_lh_synic_hc_signal_event(lhs.s, lhs.conn_id, 0);
	cl.child_relid = lhs.relid;
	lhs_post(test, &cl, sizeof(cl));
	lhs_expect_quiet(test);
	lhs_teardown(test, lhs.relid, c.gpadl);
	hvg_ring_pair_free(&c.pair);
	/* The relid stays until released, then goes. */
	KUNIT_EXPECT_NOT_NULL(test, hvg_lh_srv_find(lhs.srv, lhs.relid));
	rel.child_relid = lhs.relid;
	lhs_post(test, &rel, sizeof(rel));
	lhs_expect_quiet(test);
	KUNIT_EXPECT_NULL(test, hvg_lh_srv_find(lhs.srv, lhs.relid));
}

/*
 * A host that refuses every version (version=none, host_version 0): each
 * of the eight contacts, on id 4 from 5.0 on and on id 1 below, gets a
 * VERSION_RESPONSE of 16 bytes with version_supported 0 and the body zero
 * (A1); nothing is connected, pinned or offered. An unknown version other
 * than 0 still refuses the server's creation.
 */
static void server_refuses_every_version(struct kunit *test)
{
	static const u32 versions[] = {
		HVG_VMBUS_VERSION_5_3, HVG_VMBUS_VERSION_5_2,
		HVG_VMBUS_VERSION_5_1, HVG_VMBUS_VERSION_5_0,
		HVG_VMBUS_VERSION_4_1, HVG_VMBUS_VERSION_4_0,
		HVG_VMBUS_VERSION_3_0, HVG_VMBUS_VERSION_2_4,
	};
	struct hvg_lh_server_config cfg = {
		.host_version = 0x00060000,
		.nr_vps = nr_cpu_ids,
		.echo_devices = 1,
	};
	struct hvg_chmsg_hdr ro = { .msgtype = HVG_CHMSG_REQUESTOFFERS };
	int refs = module_refcount(THIS_MODULE);
	struct hvg_chmsg_version_response *vr;
	u8 buf[HVG_MSG_PAYLOAD_MAX];
	unsigned int i;
	u32 len;

	KUNIT_EXPECT_EQ(test, PTR_ERR(hvg_lh_server_create(lhs.s, &cfg)),
			-EINVAL);
	hvg_lh_server_destroy(lhs.srv);
	cfg.host_version = 0;
	lhs.srv = hvg_lh_server_create(lhs.s, &cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(lhs.srv));
	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		struct hvg_chmsg_initiate_contact ic = {
			.hdr.msgtype = HVG_CHMSG_INITIATE_CONTACT,
			.version_requested = versions[i],
		};

		if (versions[i] >= HVG_VMBUS_VERSION_5_0)
			ic.v5.msg_sint = 2;
		lhs.version = versions[i];
		KUNIT_ASSERT_EQ(test, lhs_post(test, &ic, sizeof(ic)), 0);
		len = lhs_expect(test, HVG_CHMSG_VERSION_RESPONSE, buf);
		KUNIT_ASSERT_EQ(test, len, (u32)sizeof(*vr));
		vr = (void *)buf;
		KUNIT_EXPECT_EQ_MSG(test, vr->version_supported, 0,
				    "version %#x", versions[i]);
		KUNIT_EXPECT_EQ(test, vr->connection_state, 0);
		KUNIT_EXPECT_EQ(test, vr->msg_conn_id, 0U);
		KUNIT_EXPECT_EQ(test, READ_ONCE(lhs.srv->version), 0U);
	}
	KUNIT_EXPECT_EQ(test,
			atomic_long_read(&lhs.srv->stats[HVG_LH_SRV_REFUSED]),
			(long)ARRAY_SIZE(versions));
	KUNIT_EXPECT_EQ(test,
			atomic_long_read(&lhs.srv->stats[HVG_LH_SRV_ACCEPTED]),
			0L);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs);
	/* Not connected: REQUESTOFFERS is out of place, nothing is offered. */
	lhs.version = HVG_VMBUS_VERSION_5_3;
	lhs_post(test, &ro, sizeof(ro));
	lhs_expect_quiet(test);
}

/* UNLOAD with a channel open: closed, dropped, re-offered after. */
static void server_unload_with_open_channel(struct kunit *test)
{
	struct hvg_chmsg_relid rel = { .hdr.msgtype = HVG_CHMSG_RELID_RELEASED };
	struct hvg_chmsg_hdr ul = { .msgtype = HVG_CHMSG_UNLOAD };
	u8 buf[HVG_MSG_PAYLOAD_MAX];
	struct lhs_chan c = {};
	u32 relid;
	long oop;

	lhs_connect(test);
	lhs_open(test, &c, lhs.relid, lhs.conn_id);
	lhs_post(test, &ul, sizeof(ul));
	lhs_expect(test, HVG_CHMSG_UNLOAD_RESPONSE, buf);
	/* The host no longer maps the ring: the guest may free it. */
	hvg_ring_pair_free(&c.pair);
	/*
	 * Upstream then releases each relid it had: no answer, and not out
	 * of place (the host forgot them at the UNLOAD).
	 */
	oop = atomic_long_read(&lhs.srv->stats[HVG_LH_SRV_OUT_OF_PLACE]);
	rel.child_relid = lhs.relid;
	lhs_post(test, &rel, sizeof(rel));
	lhs_expect_quiet(test);
	KUNIT_EXPECT_EQ(test,
			atomic_long_read(&lhs.srv->stats[HVG_LH_SRV_OUT_OF_PLACE]),
			oop);
	relid = lhs.relid;
	lhs_connect(test);
	KUNIT_EXPECT_EQ(test, lhs.relid, relid);
	/* Left open: destroying the host tears it all down, then we free. */
	lhs_open(test, &c, lhs.relid, lhs.conn_id);
	lhs_exit(test);
	lhs.srv = NULL;
	lhs.s = NULL;
	hvg_ring_pair_free(&c.pair);
}

/*
 * A guest connected at 3.0 or later pins the host's module (behind hv_soft
 * it is the only pin: soft_front.c); UNLOAD, a 2.4 contact and destroying
 * the server drop it, a second contact does not take another.
 */
static void server_connection_pins_module(struct kunit *test)
{
	struct hvg_chmsg_hdr ul = { .msgtype = HVG_CHMSG_UNLOAD };
	u8 buf[HVG_MSG_PAYLOAD_MAX];
	int refs = module_refcount(THIS_MODULE);

	lhs_connect(test);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs + 1);
	lhs_connect(test);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs + 1);
	lhs_post(test, &ul, sizeof(ul));
	lhs_expect(test, HVG_CHMSG_UNLOAD_RESPONSE, buf);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs);
	/* 2.4 has no UNLOAD: nothing would ever drop a pin. */
	lhs_connect_ex(test, HVG_VMBUS_VERSION_2_4, 0, 0);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs);
	lhs_connect(test);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs + 1);
	lhs_exit(test);
	lhs.srv = NULL;
	lhs.s = NULL;
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs);
}

/* Hostile messages: each counted, none answered wrongly, no splat. */
static void server_hostile_messages(struct kunit *test)
{
	u8 msg[HVG_MSG_PAYLOAD_MAX];
	struct hvg_chmsg_open op = {
		.hdr.msgtype = HVG_CHMSG_OPENCHANNEL,
		.ring_gpadl = 0x999,
		.downstream_page_offset = 1,
	};
	struct hvg_chmsg_open_result *r = (void *)msg;
	struct hvg_chmsg_gpadl_body *b = (void *)msg;
	unsigned int t;

	lhs_connect(test);
	/* Every type with every short length, and unknown types. */
	for (t = 0; t < 40; t++) {
		u32 len;

		if (t == HVG_CHMSG_INITIATE_CONTACT ||
		    t == HVG_CHMSG_REQUESTOFFERS || t == HVG_CHMSG_UNLOAD)
			continue;
		for (len = 8; len < 28; len += 4) {
			memset(msg, 0xff, sizeof(msg));
			((struct hvg_chmsg_hdr *)msg)->msgtype = t;
			lhs_post(test, msg, len);
		}
	}
	/* A body for a GPADL nobody began. */
	memset(msg, 0, sizeof(msg));
	b->hdr.msgtype = HVG_CHMSG_GPADL_BODY;
	b->gpadl = 0x4242;
	lhs_post(test, msg, 16 + 8);
	/* OPEN with an unknown GPADL: refused with a status. */
	op.child_relid = lhs.relid;
	op.openid = 3;
	lhs_post(test, &op, sizeof(op));
	/*
	 * The 0xff-filled messages named no offered relid except by
	 * accident; drain whatever answers they got up to our OPEN result.
	 */
	for (t = 0; t < 200; t++) {
		u32 len, type = lhs_recv(msg, &len);

		KUNIT_ASSERT_NE(test, type, 0U);
		if (type == HVG_CHMSG_OPENCHANNEL_RESULT && r->openid == 3)
			break;
	}
	KUNIT_EXPECT_NE(test, r->status, 0U);
	KUNIT_EXPECT_GT(test, atomic_long_read(&lhs.srv->stats[HVG_LH_SRV_MALFORMED]),
			0L);
	KUNIT_EXPECT_GT(test, atomic_long_read(&lhs.srv->stats[HVG_LH_SRV_UNKNOWN]),
			0L);
	/* Still serving. */
	KUNIT_EXPECT_NOT_NULL(test, hvg_lh_srv_find(lhs.srv, lhs.relid));
}

/* M11: a 5.3 host answers MODIFYCHANNEL; replies keep flowing. */
static void server_modifychannel(struct kunit *test)
{
	struct hvg_chmsg_modifychannel mc = {
		.hdr.msgtype = HVG_CHMSG_MODIFYCHANNEL,
	};
	struct hvg_chmsg_modifychannel_resp *r;
	struct hvg_echo_hdr req = { .op = HVG_ECHO_OP_STATS }, rep;
	u8 buf[HVG_MSG_PAYLOAD_MAX];
	struct lhs_chan c = {};

	lhs_connect(test);
	lhs_open(test, &c, lhs.relid, lhs.conn_id);
	mc.child_relid = lhs.relid;
	mc.target_vp = nr_cpu_ids - 1;
	lhs_post(test, &mc, sizeof(mc));
	KUNIT_ASSERT_EQ(test, lhs_expect(test, HVG_CHMSG_MODIFYCHANNEL_RESP,
					 buf), (u32)sizeof(*r));
	r = (void *)buf;
	KUNIT_EXPECT_EQ(test, r->child_relid, lhs.relid);
	KUNIT_EXPECT_EQ(test, r->status, 0U);
	KUNIT_EXPECT_EQ(test, hvg_lh_srv_find(lhs.srv, lhs.relid)->target_vp,
			nr_cpu_ids - 1);
	mc.target_vp = nr_cpu_ids;
	lhs_post(test, &mc, sizeof(mc));
	KUNIT_ASSERT_NE(test, lhs_expect(test, HVG_CHMSG_MODIFYCHANNEL_RESP,
					 buf), 0U);
	KUNIT_EXPECT_NE(test, r->status, 0U);
	lhs_echo_op(test, &c, &req, &rep);
	KUNIT_EXPECT_EQ(test, rep.arg, 1ULL);
	lhs_close(test, &c);
}

static void lhs_arm(enum hvg_lh_fault f)
{
	mutex_lock(&lhs.srv->lock);
	lhs.srv->fault_armed[f] = true;
	hvg_lh_faults_fire(lhs.srv);
	mutex_unlock(&lhs.srv->lock);
}

/* A new echo device, offered now; its relid and connection id. */
static void lhs_new_device(struct kunit *test, u32 *relid, u32 *conn)
{
	struct hvg_lh_channel *ch;
	struct hvg_chmsg_offer *off;
	u8 buf[HVG_MSG_PAYLOAD_MAX];

	mutex_lock(&lhs.srv->lock);
	ch = hvg_lh_srv_new_device(lhs.srv, &hvg_lh_echo_service);
	mutex_unlock(&lhs.srv->lock);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ch));
	KUNIT_ASSERT_EQ(test, lhs_expect(test, HVG_CHMSG_OFFERCHANNEL, buf),
			(u32)sizeof(*off));
	off = (void *)buf;
	*relid = off->child_relid;
	*conn = off->connection_id;
}

static void server_faults(struct kunit *test)
{
	struct hvg_chmsg_open op = { .hdr.msgtype = HVG_CHMSG_OPENCHANNEL };
	struct hvg_chmsg_relid *rel;
	struct page **pages;
	u32 relid, conn, h, i, len;
	/* Off the stack: KASAN's redzones make the frame too large. */
	u8 *buf = kunit_kzalloc(test, HVG_MSG_PAYLOAD_MAX, GFP_KERNEL);
	u8 *msg = kunit_kzalloc(test, HVG_MSG_PAYLOAD_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	lhs_connect(test);
	pages = kunit_kcalloc(test, 30, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < 30; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}

	/* Send faults go out at once. */
	lhs_arm(HVG_LH_FAULT_UNKNOWN_TYPE);
	KUNIT_EXPECT_EQ(test, lhs_recv(buf, &len), 63U);
	lhs_arm(HVG_LH_FAULT_SHORT_PAYLOAD);
	KUNIT_EXPECT_EQ(test, lhs_recv(buf, &len), (u32)HVG_CHMSG_OFFERCHANNEL);
	KUNIT_EXPECT_EQ(test, len, 12U);
	lhs_arm(HVG_LH_FAULT_RELID_OUT_OF_RANGE);
	KUNIT_ASSERT_EQ(test, lhs_expect(test, HVG_CHMSG_OFFERCHANNEL, buf),
			196U);
	KUNIT_EXPECT_EQ(test, ((struct hvg_chmsg_offer *)buf)->child_relid,
			4095U);
	lhs_arm(HVG_LH_FAULT_DUPLICATE_OFFER);
	KUNIT_ASSERT_EQ(test, lhs_expect(test, HVG_CHMSG_OFFERCHANNEL, buf),
			196U);
	KUNIT_EXPECT_EQ(test, ((struct hvg_chmsg_offer *)buf)->child_relid,
			lhs.relid);
	lhs_arm(HVG_LH_FAULT_GPADL_CREATED_UNKNOWN);
	lhs_expect(test, HVG_CHMSG_GPADL_CREATED, buf);

	/* drop_next_reply eats one GPADL_CREATED; teardown still works. */
	lhs_arm(HVG_LH_FAULT_DROP_NEXT_REPLY);
	h = lhs.next_gpadl++;
	{
		struct hvg_chmsg_gpadl_header *gh = (void *)msg;

		len = lhg_header(msg, 1, 1);
		gh->child_relid = lhs.relid;
		gh->gpadl = h;
		lhg_put64(msg + 28, page_to_pfn(pages[0]));
		lhs_post(test, msg, len);
	}
	lhs_expect_quiet(test);
	lhs_teardown(test, lhs.relid, h);

	/* rescind_during_gpadl: a 30-page GPADL fails, then the rescind. */
	lhs_new_device(test, &relid, &conn);
	lhs_arm(HVG_LH_FAULT_RESCIND_DURING_GPADL);
	lhs_gpadl(test, relid, pages, 30, false);
	KUNIT_ASSERT_EQ(test, lhs_expect(test, HVG_CHMSG_RESCIND_CHANNELOFFER,
					 buf), 12U);
	rel = (void *)buf;
	KUNIT_EXPECT_EQ(test, rel->child_relid, relid);
	rel->hdr.msgtype = HVG_CHMSG_RELID_RELEASED;
	lhs_post(test, rel, sizeof(*rel));

	/* rescind_during_open: no result, a rescind. */
	lhs_new_device(test, &relid, &conn);
	h = lhs_gpadl(test, relid, pages, 4, true);
	lhs_arm(HVG_LH_FAULT_RESCIND_DURING_OPEN);
	op.child_relid = relid;
	op.openid = relid;
	op.ring_gpadl = h;
	op.downstream_page_offset = 2;
	lhs_post(test, &op, sizeof(op));
	KUNIT_ASSERT_EQ(test, lhs_expect(test, HVG_CHMSG_RESCIND_CHANNELOFFER,
					 buf), 12U);
	/* After the rescind: teardown answered, then the relid released. */
	lhs_teardown(test, relid, h);
	rel = (void *)buf;
	rel->hdr.msgtype = HVG_CHMSG_RELID_RELEASED;
	rel->child_relid = relid;
	lhs_post(test, rel, sizeof(*rel));
	lhs_expect_quiet(test);
	KUNIT_EXPECT_NULL(test, hvg_lh_srv_find(lhs.srv, relid));

	/* bad_version_response: a garbled answer, the host disconnected. */
	lhs_arm(HVG_LH_FAULT_BAD_VERSION_RESPONSE);
	{
		struct hvg_chmsg_initiate_contact ic = {
			.hdr.msgtype = HVG_CHMSG_INITIATE_CONTACT,
			.version_requested = HVG_VMBUS_VERSION_5_3,
			.v5.msg_sint = 2,
		};
		struct hvg_chmsg_version_response *vr = (void *)buf;

		lhs_post(test, &ic, sizeof(ic));
		KUNIT_ASSERT_NE(test, lhs_expect(test,
						 HVG_CHMSG_VERSION_RESPONSE,
						 buf), 0U);
		KUNIT_EXPECT_EQ(test, vr->version_supported, 7);
		KUNIT_EXPECT_EQ(test, lhs.srv->version, 0U);
	}
	for (i = 0; i < HVG_LH_FAULT_NR; i++)
		KUNIT_EXPECT_EQ_MSG(test, lhs.srv->fault_fired[i], 1UL, "%s",
				    hvg_lh_fault_name(i));
	for (i = 0; i < 30; i++)
		__free_page(pages[i]);
}

/*
 * The interrupt page below 5.0 (M2): the host reads the guest-to-host half
 * on any signal, takes each set relid bit and serves that channel. Here a
 * request waits unsignalled in channel A's ring; A's bit and a signal of
 * channel B (offered, not open) must bring A's reply.
 */
static void server_interrupt_page(struct kunit *test)
{
	struct hvg_echo_hdr req = { .op = HVG_ECHO_OP_ECHO, .seq = 3 };
	struct page *ip = alloc_page(GFP_KERNEL | __GFP_ZERO);
	struct lhs_chan c = {};
	struct hvg_ring_pkt pkt;
	unsigned long *half;
	u32 relid_b, conn_b;

	KUNIT_ASSERT_NOT_NULL(test, ip);
	half = page_address(ip) + PAGE_SIZE / 2;
	lhs_connect_ex(test, HVG_VMBUS_VERSION_4_1, 0,
		       PFN_PHYS(page_to_pfn(ip)));
	lhs_new_device(test, &relid_b, &conn_b);
	lhs_open(test, &c, lhs.relid, lhs.conn_id);
	/* Let the host's work go idle (unmasked) after the open. */
	msleep(50);

	KUNIT_ASSERT_GE(test, hvg_ring_write(&c.pair.out, HVG_PKT_DATA_INBAND,
					     0, 9, &req, sizeof(req)), 0);
	/* No signal, no reply: the host does not poll on its own. */
	KUNIT_EXPECT_EQ(test, hvg_ring_read_next(&c.pair.in, c.rxbuf,
						 LHS_RING_BYTES, &pkt), 0);
	msleep(50);
	KUNIT_EXPECT_EQ(test, hvg_ring_read_next(&c.pair.in, c.rxbuf,
						 LHS_RING_BYTES, &pkt), 0);

	set_bit(lhs.relid, half);
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_hc_signal_event(lhs.s, conn_b, 0),
			(u16)HVG_STATUS_SUCCESS);
	KUNIT_ASSERT_EQ(test, lhs_reply(&c, &pkt), 1);
	KUNIT_EXPECT_EQ(test, pkt.desc.trans_id, 9ULL);
	/* Taken and cleared by the host, counted. */
	KUNIT_EXPECT_FALSE(test, test_bit(lhs.relid, half));
	KUNIT_EXPECT_EQ(test,
			atomic_long_read(&lhs.srv->stats[HVG_LH_SRV_INT_PAGE_BITS]),
			1L);
	lhs_close(test, &c);
	/* UNLOAD unmaps the page: the guest may free it afterwards. */
	lhs_exit(test);
	lhs.srv = NULL;
	lhs.s = NULL;
	__free_page(ip);
}

/*
 * A panicking guest's UNLOAD: answered inside the hypercall, into the
 * message VP's slot, without the server's work or an interrupt.
 */
/* The front ends' panic path: HvPostMessage of a VMBus message. */
static bool lhs_panic(u32 conn, const void *msg, u32 len)
{
	return hvg_lh_server_panic_message(lhs.srv, conn,
					   HVG_VMBUS_MESSAGE_TYPE, msg, len);
}

static void server_panic_unload(struct kunit *test)
{
	struct hvg_chmsg_hdr ul = { .msgtype = HVG_CHMSG_UNLOAD };
	struct hvg_chmsg_hdr ro = { .msgtype = HVG_CHMSG_REQUESTOFFERS };
	struct hvg_synic_message *slot;
	unsigned long raised;
	u8 buf[HVG_MSG_PAYLOAD_MAX];
	u32 len, type;

	/* Not connected: not answered (the guest would not wait). */
	KUNIT_EXPECT_FALSE(test, lhs_panic(HVG_LH_VMBUS_MSG_CONN_ID, &ul, sizeof(ul)));
	lhs_connect_ex(test, HVG_VMBUS_VERSION_5_3, 1 % nr_cpu_ids, 0);
	slot = &lhs_simp(lhs.msg_vp)->sint_message[2];
	/* Other messages, other connection ids, short ones: not ours. */
	KUNIT_EXPECT_FALSE(test, lhs_panic(HVG_LH_VMBUS_MSG_CONN_ID, &ro, sizeof(ro)));
	KUNIT_EXPECT_FALSE(test, lhs_panic(HVG_VMBUS_MSG_CONN_ID_V5, &ul, sizeof(ul)));
	KUNIT_EXPECT_FALSE(test, lhs_panic(HVG_LH_VMBUS_MSG_CONN_ID, &ul, 3));

	raised = hvg_lh_synic_stat(lhs.s, HVG_LH_RAISED);
	KUNIT_ASSERT_TRUE(test, lhs_panic(HVG_LH_VMBUS_MSG_CONN_ID, &ul, sizeof(ul)));
	/* At once: no waiting, nothing else runs in between. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(slot->header.message_type),
			(u32)HVG_VMBUS_MESSAGE_TYPE);
	memcpy(&type, slot->payload, sizeof(type));
	KUNIT_EXPECT_EQ(test, type, (u32)HVG_CHMSG_UNLOAD_RESPONSE);
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_stat(lhs.s, HVG_LH_RAISED), raised);
	lhs_expect(test, HVG_CHMSG_UNLOAD_RESPONSE, buf);

	/* Behind a busy slot: the guest's EOM brings it. */
	KUNIT_ASSERT_EQ(test, hvg_lh_synic_post(lhs.s, lhs.msg_vp, 2,
						HVG_VMBUS_MESSAGE_TYPE, &ro,
						sizeof(ro)), 0);
	KUNIT_ASSERT_TRUE(test, lhs_panic(HVG_LH_VMBUS_MSG_CONN_ID, &ul, sizeof(ul)));
	KUNIT_EXPECT_EQ(test, lhs_recv(buf, &len), (u32)HVG_CHMSG_REQUESTOFFERS);
	KUNIT_EXPECT_EQ(test, lhs_recv(buf, &len),
			(u32)HVG_CHMSG_UNLOAD_RESPONSE);
}

/* The sink of server_vp_index_not_cpu: counts, never holds. */
static int lhs_count_raise(void *ctx, u32 vp, unsigned int sint)
{
	if (vp < LHS_VPS)
		atomic_inc(&lhs.raised[vp]);
	return HVG_LH_RAISE_DONE;
}

/*
 * The raises of VP @vp, once there is one or 2 s have passed. The model
 * fills the message slot under the VP's lock and raises after it drops it
 * (never under a host lock), from the server's work on any CPU: the test,
 * polling the slot, can read the message before that raise is counted (seen
 * with 4 vCPUs, 2026-12-07).
 */
static unsigned int lhs_raised_wait(u32 vp)
{
	unsigned long end = jiffies + msecs_to_jiffies(2000);

	while (!atomic_read(&lhs.raised[vp]) && time_before(jiffies, end))
		usleep_range(100, 200);
	return atomic_read(&lhs.raised[vp]);
}

static const struct hvg_lh_irq_sink lhs_count_sink = {
	.raise = lhs_count_raise,
};

static int lhs_test_with_page(void *ctx, u32 vp, enum hvg_lh_page which,
			      void (*fn)(void *page, void *arg), void *arg)
{
	void *page = which == HVG_LH_SIMP ? (void *)lhs_simp(vp) :
					    (void *)lhs_siefp(vp);

	if (!page)
		return -EINVAL;
	fn(page, arg);
	return 0;
}

static const struct hvg_lh_page_provider lhs_test_pages = {
	.with_page = lhs_test_with_page,
};

/*
 * VP indexes are the guest's, not CPU numbers: a host of 64 VPs on any
 * number of CPUs sends its messages to the VP of INITIATE_CONTACT and a
 * channel's events to the VP of OPENCHANNEL, then of MODIFYCHANNEL.
 */
static void server_vp_index_not_cpu(struct kunit *test)
{
	const struct hvg_lh_synic_config cfg = {
		.nr_vps = LHS_VPS,
		.slot_depth = 64,
		.rx_depth = 64,
		.pages = &lhs_test_pages,
		.sink = &lhs_count_sink,
	};
	const struct hvg_lh_server_config scfg = {
		.host_version = HVG_VMBUS_VERSION_5_3,
		.nr_vps = LHS_VPS,
		.echo_devices = 1,
		.boot_vp = 41,
	};
	struct hvg_chmsg_initiate_contact ic = {
		.hdr.msgtype = HVG_CHMSG_INITIATE_CONTACT,
		.version_requested = HVG_VMBUS_VERSION_5_3 + 1,
		.v5.msg_sint = 2,
	};
	struct hvg_chmsg_hdr ul = { .msgtype = HVG_CHMSG_UNLOAD };
	struct hvg_chmsg_version_response *vr;
	struct hvg_chmsg_modifychannel mc = {
		.hdr.msgtype = HVG_CHMSG_MODIFYCHANNEL,
	};
	struct hvg_echo_hdr req = { .op = HVG_ECHO_OP_ECHO }, rep;
	struct hvg_chmsg_modifychannel_resp *mr;
	struct lhs_chan c = {};
	unsigned int vp;
	u8 *buf;

	buf = kunit_kzalloc(test, HVG_MSG_PAYLOAD_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	lhs_exit(test);
	lhs.s = NULL;
	lhs.srv = NULL;
	lhs.simp = kunit_kcalloc(test, LHS_VPS, sizeof(*lhs.simp), GFP_KERNEL);
	lhs.siefp = kunit_kcalloc(test, LHS_VPS, sizeof(*lhs.siefp),
				  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lhs.simp);
	KUNIT_ASSERT_NOT_NULL(test, lhs.siefp);
	for (vp = 0; vp < LHS_VPS; vp++) {
		lhs.simp[vp] = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
		lhs.siefp[vp] = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, lhs.simp[vp]);
		KUNIT_ASSERT_NOT_NULL(test, lhs.siefp[vp]);
	}
	lhs.s = hvg_lh_synic_create(&cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(lhs.s));
	lhs.srv = hvg_lh_server_create(lhs.s, &scfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(lhs.srv));

	/*
	 * A refused contact (a version this host does not know) is answered
	 * where the guest asked, VP 36, not at the boot VP: a guest waits
	 * for its VERSION_RESPONSE there before it tries the next version.
	 */
	lhs.version = HVG_VMBUS_VERSION_5_3 + 1;
	lhs.msg_vp = 36;
	ic.target_vcpu = 36;
	KUNIT_ASSERT_EQ(test, lhs_post(test, &ic, sizeof(ic)), 0);
	if (lhs_expect(test, HVG_CHMSG_VERSION_RESPONSE, buf)) {
		vr = (void *)buf;
		KUNIT_EXPECT_EQ(test, vr->version_supported, 0);
	}
	KUNIT_EXPECT_GE(test, lhs_raised_wait(36), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&lhs.raised[scfg.boot_vp]), 0);

	lhs_connect_ex(test, HVG_VMBUS_VERSION_5_3, 37, 0);
	KUNIT_EXPECT_GE(test, lhs_raised_wait(37), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&lhs.raised[0]), 0);

	lhs.open_vp = 50;
	lhs_open(test, &c, lhs.relid, lhs.conn_id);
	req.seq = 1;
	lhs_echo_op(test, &c, &req, &rep);
	KUNIT_EXPECT_TRUE(test, test_bit(lhs.relid, (unsigned long *)
				lhs.siefp[50]->sint_flags[2].flags));
	KUNIT_EXPECT_GE(test, lhs_raised_wait(50), 1U);

	mc.child_relid = lhs.relid;
	mc.target_vp = 63;
	lhs_post(test, &mc, sizeof(mc));
	if (lhs_expect(test, HVG_CHMSG_MODIFYCHANNEL_RESP, buf)) {
		mr = (void *)buf;
		KUNIT_EXPECT_EQ(test, mr->status, 0U);
	}
	req.seq = 2;
	lhs_echo_op(test, &c, &req, &rep);
	KUNIT_EXPECT_TRUE(test, test_bit(lhs.relid, (unsigned long *)
				lhs.siefp[63]->sint_flags[2].flags));

	/* A VP the partition does not have: refused. */
	mc.target_vp = LHS_VPS;
	lhs_post(test, &mc, sizeof(mc));
	if (lhs_expect(test, HVG_CHMSG_MODIFYCHANNEL_RESP, buf)) {
		mr = (void *)buf;
		KUNIT_EXPECT_NE(test, mr->status, 0U);
	}
	lhs_close(test, &c);

	/*
	 * Below 3.0 the guest names no target VP: control messages go to
	 * the boot CPU's VP (41 here), not to a VP 0 the partition lacks.
	 */
	lhs_post(test, &ul, sizeof(ul));
	lhs_expect(test, HVG_CHMSG_UNLOAD_RESPONSE, buf);
	lhs_connect_ex(test, HVG_VMBUS_VERSION_2_4, 41, 0);
	KUNIT_EXPECT_GE(test, lhs_raised_wait(41), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&lhs.raised[0]), 0);
	lhs_exit(test);
	lhs.s = NULL;
	lhs.srv = NULL;
	lhs.simp = NULL;
	lhs.siefp = NULL;
}

static struct kunit_case hvg_loophost_server_cases[] = {
	KUNIT_CASE(server_connect_offers_echo),
	KUNIT_CASE(server_gpadl_create_teardown),
	KUNIT_CASE(server_echo_round_trip),
	KUNIT_CASE(server_echo_backpressure),
	KUNIT_CASE(server_subchannels),
	KUNIT_CASE(server_rescind_open_channel),
	KUNIT_CASE(server_unload_with_open_channel),
	KUNIT_CASE(server_connection_pins_module),
	KUNIT_CASE(server_hostile_messages),
	KUNIT_CASE(server_modifychannel),
	KUNIT_CASE(server_faults),
	KUNIT_CASE(server_interrupt_page),
	KUNIT_CASE(server_panic_unload),
	KUNIT_CASE(server_vp_index_not_cpu),
	KUNIT_CASE(server_refuses_every_version),
	{}
};

static struct kunit_suite hvg_loophost_server_suite = {
	.name = "hvg_loophost_server",
	.init = lhs_init,
	.exit = lhs_exit,
	.test_cases = hvg_loophost_server_cases,
};

kunit_test_suites(&hvg_loophost_gpadl_suite, &hvg_loophost_server_suite);

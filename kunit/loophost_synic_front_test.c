// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvg_loophost_synic_front": the loopback host's SynIC model
 * (host/synic.c) behind a front end like the soft Hyper-V partition's: the
 * guest owns the SIMP and SIEFP pages and may disable them (a page
 * provider that returns NULL then), the interrupt sink refuses a masked
 * SINT or a disabled VP, and VP indexes are sparse (up to 4095) rather
 * than CPU numbers.
 *
 * What it checks: a raise the sink refuses is held and asserted again by
 * the rescan the front end runs when the guest changes its SynIC;
 * messages and event flags for a VP whose pages are disabled are held and
 * delivered, with an interrupt, once the pages come back; a panic post
 * lands in the slot (or behind it) without an allocation or an interrupt;
 * and all of it on VP 4095.
 */
#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/string.h>

#include "../host/synic.h"

#define LHF_VPS		HVG_LH_MAX_VPS
#define LHF_VP_A	5
#define LHF_VP_B	(HVG_LH_MAX_VPS - 1)

/* One guest VP of the fake front end. */
struct lhf_vp {
	struct hvg_synic_message_page *simp;
	struct hvg_synic_event_page *siefp;
	bool simp_on, siefp_on;
	unsigned long masked;		/* SINT bitmap */
	unsigned int delivered[HVG_SINT_COUNT];
	unsigned int refused[HVG_SINT_COUNT];
};

static struct {
	struct hvg_lh_synic *s;
	struct lhf_vp vp[2];		/* LHF_VP_A, LHF_VP_B */
} lhf;

static struct lhf_vp *lhf_vp(u32 vp)
{
	if (vp == LHF_VP_A)
		return &lhf.vp[0];
	if (vp == LHF_VP_B)
		return &lhf.vp[1];
	return NULL;
}

/* The page provider: the guest's pages, -ENODEV while disabled. */
static int lhf_with_page(void *ctx, u32 vp, enum hvg_lh_page which,
			 void (*fn)(void *page, void *arg), void *arg)
{
	struct lhf_vp *v = lhf_vp(vp);

	if (!v)
		return -EINVAL;
	if (which == HVG_LH_SIMP ? !READ_ONCE(v->simp_on) :
				   !READ_ONCE(v->siefp_on))
		return -ENODEV;
	fn(which == HVG_LH_SIMP ? (void *)v->simp : (void *)v->siefp, arg);
	return 0;
}

static const struct hvg_lh_page_provider lhf_pages = {
	.with_page = lhf_with_page,
};

/* The sink: refuses a masked SINT or a VP without SIMP (disabled). */
static int lhf_raise(void *ctx, u32 vp, unsigned int sint)
{
	struct lhf_vp *v = lhf_vp(vp);

	if (!v)
		return HVG_LH_RAISE_DONE;
	if (test_bit(sint, &v->masked) || !READ_ONCE(v->simp_on)) {
		v->refused[sint]++;
		return HVG_LH_RAISE_HOLD;
	}
	v->delivered[sint]++;
	return HVG_LH_RAISE_DONE;
}

static const struct hvg_lh_irq_sink lhf_sink = {
	.raise = lhf_raise,
};

static int lhf_init(struct kunit *test)
{
	const struct hvg_lh_synic_config cfg = {
		.nr_vps = LHF_VPS,
		.slot_depth = 4,
		.rx_depth = 4,
		.pages = &lhf_pages,
		.sink = &lhf_sink,
	};
	unsigned int i;

	memset(&lhf, 0, sizeof(lhf));
	for (i = 0; i < ARRAY_SIZE(lhf.vp); i++) {
		lhf.vp[i].simp = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
		lhf.vp[i].siefp = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
		if (!lhf.vp[i].simp || !lhf.vp[i].siefp)
			return -ENOMEM;
		lhf.vp[i].simp_on = true;
		lhf.vp[i].siefp_on = true;
	}
	lhf.s = hvg_lh_synic_create(&cfg);
	return PTR_ERR_OR_ZERO(lhf.s);
}

static void lhf_exit(struct kunit *test)
{
	if (!IS_ERR_OR_NULL(lhf.s))
		hvg_lh_synic_destroy(lhf.s);
	lhf.s = NULL;
}

static struct hvg_synic_message *lhf_slot(u32 vp, unsigned int sint)
{
	return &lhf_vp(vp)->simp->sint_message[sint];
}

static bool lhf_flag(u32 vp, unsigned int sint, unsigned int flag)
{
	return test_bit(flag,
			(unsigned long *)lhf_vp(vp)->siefp->sint_flags[sint].flags);
}

/* The guest frees @slot and EOMs when message_pending was set. */
static void lhf_guest_free(u32 vp, unsigned int sint)
{
	struct hvg_synic_message *slot = lhf_slot(vp, sint);

	WRITE_ONCE(slot->header.message_type, HVG_MSGTYPE_NONE);
	mb();	/* slot free before the flags are read (TLFS) */
	if (READ_ONCE(slot->header.message_flags) & HVG_MSGFLAG_PENDING)
		hvg_lh_synic_eom(lhf.s, vp);
}

static int lhf_post(u32 vp, unsigned int sint, u8 tag)
{
	u8 buf[16];

	memset(buf, tag, sizeof(buf));
	return hvg_lh_synic_post(lhf.s, vp, sint, 1, buf, sizeof(buf));
}

/* A masked SINT: the message lands, its interrupt waits for the unmask. */
static void front_masked_sint_held_until_rescan(struct kunit *test)
{
	struct lhf_vp *v = lhf_vp(LHF_VP_B);

	set_bit(2, &v->masked);
	KUNIT_ASSERT_EQ(test, lhf_post(LHF_VP_B, 2, 0x11), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(lhf_slot(LHF_VP_B, 2)->header.message_type),
			1U);
	KUNIT_EXPECT_EQ(test, v->delivered[2], 0U);
	KUNIT_EXPECT_EQ(test, v->refused[2], 1U);
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_stat(lhf.s, HVG_LH_RAISE_HELD), 1UL);

	/* An event flag on the same masked SINT: also held, raised once. */
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_set_event(lhf.s, LHF_VP_B, 2, 9), 1);
	KUNIT_EXPECT_TRUE(test, lhf_flag(LHF_VP_B, 2, 9));
	KUNIT_EXPECT_EQ(test, v->delivered[2], 0U);

	/* A rescan while still masked: refused again, still held. */
	hvg_lh_synic_rescan(lhf.s, LHF_VP_B);
	KUNIT_EXPECT_EQ(test, v->delivered[2], 0U);

	/* The guest unmasks; the front end rescans: one interrupt. */
	clear_bit(2, &v->masked);
	hvg_lh_synic_rescan(lhf.s, LHF_VP_B);
	KUNIT_EXPECT_EQ(test, v->delivered[2], 1U);
	hvg_lh_synic_rescan(lhf.s, LHF_VP_B);
	KUNIT_EXPECT_EQ(test, v->delivered[2], 1U);
	/* The other VP saw nothing. */
	KUNIT_EXPECT_EQ(test, lhf_vp(LHF_VP_A)->delivered[2], 0U);
}

/* A disabled VP: messages and flags wait, and arrive when it comes back. */
static void front_disabled_vp_held_until_enabled(struct kunit *test)
{
	struct lhf_vp *v = lhf_vp(LHF_VP_A);
	unsigned int i;

	WRITE_ONCE(v->simp_on, false);
	WRITE_ONCE(v->siefp_on, false);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, lhf_post(LHF_VP_A, 2, 0x20 + i), 0);
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_set_event(lhf.s, LHF_VP_A, 2, 7),
			-ENXIO);
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_set_event(lhf.s, LHF_VP_A, 2, 2047),
			-ENXIO);
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_set_event(lhf.s, LHF_VP_A, 2, 7),
			-ENXIO);
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_stat(lhf.s, HVG_LH_EVENT_HELD), 3UL);
	/* Nothing written to the guest's pages while they are disabled. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(lhf_slot(LHF_VP_A, 2)->header.message_type),
			0U);
	KUNIT_EXPECT_FALSE(test, lhf_flag(LHF_VP_A, 2, 7));
	KUNIT_EXPECT_EQ(test, v->delivered[2], 0U);

	/* Enabled again (as a hot-added CPU's bring-up would), rescan. */
	WRITE_ONCE(v->simp_on, true);
	WRITE_ONCE(v->siefp_on, true);
	hvg_lh_synic_rescan(lhf.s, LHF_VP_A);
	KUNIT_EXPECT_TRUE(test, lhf_flag(LHF_VP_A, 2, 7));
	KUNIT_EXPECT_TRUE(test, lhf_flag(LHF_VP_A, 2, 2047));
	KUNIT_EXPECT_FALSE(test, lhf_flag(LHF_VP_A, 2, 8));
	KUNIT_EXPECT_EQ(test,
			hvg_lh_synic_stat(lhf.s, HVG_LH_EVENT_REDELIVERED), 2UL);
	KUNIT_EXPECT_GE(test, v->delivered[2], 1U);
	/* The messages, in order, through the slot protocol. */
	for (i = 0; i < 3; i++) {
		struct hvg_synic_message *slot = lhf_slot(LHF_VP_A, 2);

		KUNIT_ASSERT_EQ(test, READ_ONCE(slot->header.message_type), 1U);
		KUNIT_EXPECT_EQ(test, ((u8 *)slot->payload)[0], (u8)(0x20 + i));
		lhf_guest_free(LHF_VP_A, 2);
	}
	KUNIT_EXPECT_EQ(test, READ_ONCE(lhf_slot(LHF_VP_A, 2)->header.message_type),
			0U);
	/* Once delivered, the held flags are gone: a rescan adds nothing. */
	clear_bit(7, (unsigned long *)v->siefp->sint_flags[2].flags);
	hvg_lh_synic_rescan(lhf.s, LHF_VP_A);
	KUNIT_EXPECT_FALSE(test, lhf_flag(LHF_VP_A, 2, 7));
}

/* A panic post: in the slot at once, no interrupt; behind a busy one. */
static void front_panic_post(struct kunit *test)
{
	struct lhf_vp *v = lhf_vp(LHF_VP_B);
	struct hvg_synic_message *slot = lhf_slot(LHF_VP_B, 2);
	unsigned long raised = hvg_lh_synic_stat(lhf.s, HVG_LH_RAISED);
	u32 word = 0x12345678;

	KUNIT_EXPECT_EQ(test, hvg_lh_synic_post_panic(lhf.s, LHF_VP_B, 2, 1,
						      &word, sizeof(word)), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(slot->header.message_type), 1U);
	KUNIT_EXPECT_EQ(test, slot->payload[0] & 0xffffffffu, (u64)word);
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_stat(lhf.s, HVG_LH_RAISED), raised);
	KUNIT_EXPECT_EQ(test, v->delivered[2], 0U);
	lhf_guest_free(LHF_VP_B, 2);

	/* Busy slot: queued behind it, pending set, the EOM brings it. */
	KUNIT_ASSERT_EQ(test, lhf_post(LHF_VP_B, 2, 0x33), 0);
	word = 0xabcd;
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_post_panic(lhf.s, LHF_VP_B, 2, 1,
						      &word, sizeof(word)), 0);
	KUNIT_EXPECT_TRUE(test, slot->header.message_flags &
				HVG_MSGFLAG_PENDING);
	/* The reserve is in use until a slot takes it. */
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_post_panic(lhf.s, LHF_VP_B, 2, 1,
						      &word, sizeof(word)),
			-EBUSY);
	lhf_guest_free(LHF_VP_B, 2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(slot->header.message_type), 1U);
	KUNIT_EXPECT_EQ(test, slot->payload[0] & 0xffffffffu, 0xabcdULL);
	lhf_guest_free(LHF_VP_B, 2);
	/* And free again for the next one. */
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_post_panic(lhf.s, LHF_VP_B, 2, 1,
						      &word, sizeof(word)), 0);
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_stat(lhf.s, HVG_LH_PANIC_POSTED), 3UL);
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_stat(lhf.s, HVG_LH_PANIC_FAILED), 1UL);
	/* Bad arguments, as the normal post. */
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_post_panic(lhf.s, LHF_VPS, 2, 1,
						      &word, sizeof(word)),
			-EINVAL);
}

/* VP indexes are not CPU numbers: the model takes any below 4096. */
static void front_sparse_vp_indexes(struct kunit *test)
{
	const struct hvg_lh_synic_config too_many = {
		.nr_vps = HVG_LH_MAX_VPS + 1,
		.slot_depth = 1,
		.rx_depth = 1,
		.sink = &lhf_sink,
	};

	KUNIT_EXPECT_EQ(test, lhf_post(LHF_VP_B, 15, 0x44), 0);
	KUNIT_EXPECT_EQ(test, lhf_vp(LHF_VP_B)->delivered[15], 1U);
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_set_event(lhf.s, LHF_VP_B, 2, 100), 1);
	KUNIT_EXPECT_TRUE(test, lhf_flag(LHF_VP_B, 2, 100));
	KUNIT_EXPECT_EQ(test, lhf_post(LHF_VPS, 2, 0x44), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvg_lh_synic_set_event(lhf.s, LHF_VPS, 2, 1),
			-EINVAL);
	KUNIT_EXPECT_TRUE(test, IS_ERR(hvg_lh_synic_create(&too_many)));
}

static struct kunit_case hvg_loophost_synic_front_cases[] = {
	KUNIT_CASE(front_masked_sint_held_until_rescan),
	KUNIT_CASE(front_disabled_vp_held_until_enabled),
	KUNIT_CASE(front_panic_post),
	KUNIT_CASE(front_sparse_vp_indexes),
	{}
};

static struct kunit_suite hvg_loophost_synic_front_suite = {
	.name = "hvg_loophost_synic_front",
	.init = lhf_init,
	.exit = lhf_exit,
	.test_cases = hvg_loophost_synic_front_cases,
};

kunit_test_suite(hvg_loophost_synic_front_suite);

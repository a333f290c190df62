// SPDX-License-Identifier: GPL-2.0
/*
 * User-space run of the channel message test cases (kunit/chanmsg_cases.h),
 * the same cases the KUnit suite "hvg_chanmsg" runs, against the same
 * vmbus/chanmsg.c.
 *
 * Usage: chanmsg_test                  run the cases, print TAP
 *        chanmsg_test --corpus DIR     write the fuzzer's seed corpus (one
 *                                      valid message of each host type,
 *                                      and a few sequences) to DIR
 */
#include "case_harness.h"
#include "../vmbus/chanmsg.h"

#include "../kunit/chanmsg_cases.h"
#include "chanmsg_fuzz.h"

#define CT_CASE(name)	{ #name, ct_case_##name },
static const struct ct_entry ct_cases[] = {
#include "../kunit/chanmsg_case_list.h"
};

#undef CT_CASE

/* Append one fuzzer record: a message of @len bytes under version @vsel. */
static size_t ct_record(u8 *out, u8 vsel, const u8 *msg, u8 len)
{
	out[0] = vsel;
	out[1] = len;
	memcpy(out + 2, msg, len);
	return 2 + (size_t)len;
}

static int ct_write_corpus(const char *dir)
{
	static u8 seq[HVG_CHMSG_COUNT * (2 + HVG_MSG_PAYLOAD_MAX) + 16];
	u8 msg[HVG_MSG_PAYLOAD_MAX], rec[2 + HVG_MSG_PAYLOAD_MAX];
	size_t seqlen = 0, n;
	char name[64];
	u32 type, len;
	int rc = 0;

	for (type = 1; type < HVG_CHMSG_COUNT; type++) {
		len = ct_valid_msg(type, msg);
		if (!len)
			continue;
		/* Version index 0 is 5.3, which has every type. */
		n = ct_record(rec, 0, msg, len);
		snprintf(name, sizeof(name), "type-%02u-%s", type,
			 hvg_chmsg_type_name(type));
		rc |= ct_write_seed(dir, name, rec, n);
		seqlen += ct_record(seq + seqlen, 0, msg, len);
	}
	/* All of them in one sequence, then a GPADL build record. */
	seq[seqlen++] = FZ_REC_GPADL | 5;
	seq[seqlen++] = 27;
	seq[seqlen++] = 0;
	rc |= ct_write_seed(dir, "sequence-all-types", seq, seqlen);
	/* A 4.1 negotiation: refused 5.3, then accepted 4.1, offer, rescind. */
	seqlen = 0;
	ct_valid_msg(15, msg);
	msg[8] = 0;
	msg[12] = 0;
	msg[13] = 0;
	seqlen += ct_record(seq + seqlen, 0, msg, 16);
	ct_valid_msg(15, msg);
	seqlen += ct_record(seq + seqlen, 4, msg, 16);
	len = ct_valid_msg(1, msg);
	seqlen += ct_record(seq + seqlen, 4, msg, len);
	len = ct_valid_msg(2, msg);
	seqlen += ct_record(seq + seqlen, 4, msg, len);
	rc |= ct_write_seed(dir, "sequence-negotiate-4.1", seq, seqlen);
	return rc;
}

int main(int argc, char **argv)
{
	return ct_main(argc, argv, ct_cases, ARRAY_SIZE(ct_cases), "chanmsg_",
		       "chanmsg", ct_write_corpus);
}

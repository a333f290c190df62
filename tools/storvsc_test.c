// SPDX-License-Identifier: GPL-2.0
/*
 * User-space run of the storvsc packet test cases
 * (kunit/storvsc_msg_cases.h), the same cases the KUnit suite
 * "hvg_storvsc_msg" runs, against the same storvsc/storvsc_msg.c.
 *
 * Usage: storvsc_test                  run the cases, print TAP
 *        storvsc_test --corpus DIR     write the fuzzer's seed corpus (a
 *                                      valid answer to each request, the
 *                                      notifications, an SRB build, and an
 *                                      initialisation sequence) to DIR
 */
#include "case_harness.h"
#include "../storvsc/storvsc_msg.h"

#include "../kunit/storvsc_msg_cases.h"
#include "storvsc_fuzz.h"

#define CT_CASE(name)	{ #name, ct_case_##name },
static const struct ct_entry ct_cases[] = {
#include "../kunit/storvsc_msg_case_list.h"
};

#undef CT_CASE

/*
 * Append one packet record: version index @vsel, expected request index
 * @eidx (into FZ_STOR_EXPECT), @notify for transaction id 0, packet type
 * index @tsel, data length selector @dsel, @len bytes of @pkt.
 */
static size_t ct_record(u8 *out, u8 vsel, u8 eidx, bool notify, u8 tsel,
			u8 dsel, const u8 *pkt, u8 len)
{
	out[0] = vsel;
	out[1] = eidx | (notify ? FZ_STOR_ESEL_NOTIFY : 0) | tsel << 5;
	out[2] = dsel;
	out[3] = len;
	memcpy(out + 4, pkt, len);
	return 4 + (size_t)len;
}

static int ct_write_corpus(const char *dir)
{
	static const char *const names[] = {
		"execute-srb", "begin-init", "end-init", "query-version",
		"query-properties", "create-sub-channels",
	};
	u8 pkt[64], rec[4 + 64], seq[16 * (4 + 64)];
	size_t n, seqlen = 0;
	char name[64];
	u32 i;
	int rc = 0;

	/* A valid answer to each request (indexes 0-5 of FZ_STOR_EXPECT). */
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (i == 0) {
			ct_srb_comp(pkt, 0x84, 0x02, 20, 512);
			ct_fixed_sense(pkt, 0x6, 0x2a, 0x09);
		} else {
			ct_comp(pkt, 0);
			ct_le16(pkt + 16, 4);
			ct_le32(pkt + 20, 1);
			ct_le32(pkt + 24, 0x40000);
		}
		n = ct_record(rec, 1, i, false, 0, 1, pkt, 64);
		snprintf(name, sizeof(name), "completion-%s", names[i]);
		rc |= ct_write_seed(dir, name, rec, n);
	}
	/* FCHBA_DATA's answer (index 9): the port and node names. */
	ct_comp(pkt, 0);
	pkt[12] = 1;
	memset(pkt + 16, 0x50, 32);
	n = ct_record(rec, 1, 9, false, 0, 0, pkt, 64);
	rc |= ct_write_seed(dir, "completion-fchba-data", rec, n);
	/* The notifications. */
	memset(pkt, 0, sizeof(pkt));
	ct_le32(pkt, 11);
	n = ct_record(rec, 1, 0, true, 1, 0, pkt, 64);
	rc |= ct_write_seed(dir, "notify-enumerate-bus", rec, n);
	ct_le32(pkt, 2);
	n = ct_record(rec, 3, 0, true, 1, 0, pkt, 4);
	rc |= ct_write_seed(dir, "notify-remove-device", rec, n);
	/* A pre-5.1 completion of 48 bytes. */
	ct_srb_comp(pkt, 0x01, 0x00, 18, 0);
	n = ct_record(rec, 4, 0, false, 0, 0, pkt, 48);
	rc |= ct_write_seed(dir, "completion-pre-win8", rec, n);
	/* An SRB the guest builds. */
	rec[0] = FZ_STOR_REC_BUILD | 1;
	rec[1] = 10;
	rec[2] = HVG_SRB_DATA_READ;
	rec[3] = 8;
	memcpy(rec + 4, ct_read10, 10);
	memset(rec + 14, 0, 6);
	rc |= ct_write_seed(dir, "build-read10", rec, 20);

	/*
	 * An initialisation: BEGIN, 6.2 refused, 6.0 accepted, properties,
	 * END, CREATE_SUB_CHANNELS, a read, a notification.
	 */
	ct_comp(pkt, 0);
	seqlen += ct_record(seq + seqlen, 0, 1, false, 0, 0, pkt, 64);
	ct_comp(pkt, 0xc0000059);
	ct_le16(pkt + 12, 0x0602);
	seqlen += ct_record(seq + seqlen, 0, 3, false, 0, 0, pkt, 64);
	ct_comp(pkt, 0);
	ct_le16(pkt + 12, 0x0600);
	seqlen += ct_record(seq + seqlen, 0, 3, false, 0, 0, pkt, 64);
	ct_comp(pkt, 0);
	ct_le16(pkt + 16, 1);
	ct_le32(pkt + 20, 1);
	ct_le32(pkt + 24, 0x200000);
	seqlen += ct_record(seq + seqlen, 2, 4, false, 0, 0, pkt, 64);
	ct_comp(pkt, 0);
	seqlen += ct_record(seq + seqlen, 2, 2, false, 0, 0, pkt, 64);
	seqlen += ct_record(seq + seqlen, 2, 5, false, 0, 0, pkt, 64);
	ct_srb_comp(pkt, 0x01, 0x00, 20, 4096);
	seqlen += ct_record(seq + seqlen, 2, 0, false, 0, 8, pkt, 64);
	memset(pkt, 0, sizeof(pkt));
	ct_le32(pkt, 11);
	seqlen += ct_record(seq + seqlen, 2, 0, true, 1, 0, pkt, 64);
	rc |= ct_write_seed(dir, "sequence-init-6.0", seq, seqlen);
	return rc;
}

int main(int argc, char **argv)
{
	return ct_main(argc, argv, ct_cases, ARRAY_SIZE(ct_cases), "storvsc_",
		       "storvsc", ct_write_corpus);
}

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
#include <stdarg.h>
#include <stdlib.h>
#include "../vmbus/chanmsg.h"

struct ct {
	int failed;
};

static void ct_fail(struct ct *t, const char *fmt, ...)
{
	va_list ap;

	t->failed++;
	if (t->failed > 20)
		return;
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

#define CT_FAIL(t, ...)		ct_fail(t, __VA_ARGS__)
#define ct_alloc(n)		calloc(1, n)
#define ct_free(p)		free(p)

#include "../kunit/chanmsg_cases.h"
#include "chanmsg_fuzz.h"

struct ct_entry {
	const char *name;
	void (*fn)(struct ct *t);
};

#define CT_CASE(name)	{ #name, ct_case_##name },
static const struct ct_entry ct_cases[] = {
#include "../kunit/chanmsg_case_list.h"
};

#undef CT_CASE

static int ct_write_seed(const char *dir, const char *name, const u8 *data,
			 size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

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
	unsigned int i, n = ARRAY_SIZE(ct_cases);
	int failed = 0;

	if (argc == 3 && !strcmp(argv[1], "--corpus"))
		return ct_write_corpus(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: %s [--corpus DIR]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%u\n", n);
	for (i = 0; i < n; i++) {
		struct ct t = { 0 };

		ct_cases[i].fn(&t);
		printf("%s %u - chanmsg_%s\n", t.failed ? "not ok" : "ok",
		       i + 1, ct_cases[i].name);
		failed += !!t.failed;
	}
	printf("# chanmsg: %u passed, %d failed\n", n - failed, failed);
	return failed ? 1 : 0;
}

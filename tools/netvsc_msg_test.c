// SPDX-License-Identifier: GPL-2.0
/*
 * User-space run of the netvsc protocol test cases: kunit/nvsp_msg_cases.h,
 * kunit/rndis_msg_cases.h and kunit/rndis_dev_cases.h, the same cases the
 * KUnit suites "hvg_nvsp_msg", "hvg_rndis_msg" and "hvg_rndis_dev" run,
 * against the same netvsc/nvsp_msg.c, netvsc/rndis_msg.c and
 * host/rndis_dev.c.
 *
 * Usage: netvsc_msg_test                  run the cases, print TAP
 *        netvsc_msg_test --corpus DIR      write the seed corpora of the
 *                                          fuzzers to DIR/nvsp_fuzz and
 *                                          DIR/rndis_fuzz (which exist)
 */
#include <stdarg.h>
#include <stdlib.h>
#include "../netvsc/nvsp_msg.h"
#include "../netvsc/rndis_msg.h"
#include "../host/rndis_dev.h"
#include "netvsc_fuzz.h"

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

#include "../kunit/nvsp_msg_cases.h"
#include "../kunit/rndis_msg_cases.h"
#include "../kunit/rndis_dev_cases.h"

struct ct_entry {
	const char *name;
	void (*fn)(struct ct *t);
};

#define CT_CASE(name)	{ "nvsp_msg_" #name, ct_case_##name },
static const struct ct_entry ct_cases[] = {
#include "../kunit/nvsp_msg_case_list.h"
#undef CT_CASE
#define CT_CASE(name)	{ "rndis_msg_" #name, ct_case_##name },
#include "../kunit/rndis_msg_case_list.h"
#undef CT_CASE
#define CT_CASE(name)	{ "rndis_dev_" #name, ct_case_##name },
#include "../kunit/rndis_dev_case_list.h"
};

#undef CT_CASE

static int ct_write_seed(const char *dir, const char *sub, unsigned int idx,
			 const u8 *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/seed-%02u", dir, sub, idx);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

/*
 * nvsp_fuzz: [version selector][message]; every seed under 6.1 and,
 * the send table, under 5 too. rndis_fuzz: [mode][request id][message].
 */
static int ct_write_corpus(const char *dir)
{
	static u8 b[512], rec[520];
	unsigned int n = 0, i;
	u32 len;
	int rc = 0;

	for (i = 0; (len = ct_nvsp_seed(i, b)); i++) {
		rec[0] = FZ_NVSP_V61;
		memcpy(rec + 1, b, len);
		rc |= ct_write_seed(dir, "nvsp_fuzz", n++, rec, len + 1);
		rec[0] = FZ_NVSP_V5;
		rc |= ct_write_seed(dir, "nvsp_fuzz", n++, rec, len + 1);
	}
	n = 0;
	for (i = 0; (len = ct_rndis_seed(i, b)); i++) {
		rec[0] = FZ_RNDIS_HOST;
		rec[1] = (u8)ct_get32(b + 8);
		memcpy(rec + 2, b, len);
		rc |= ct_write_seed(dir, "rndis_fuzz", n++, rec, len + 2);
	}
	/* The host device answering a guest's requests, in sequence. */
	for (i = 0; (len = ct_rndis_dev_seed(i, b)); i++) {
		rec[0] = FZ_RNDIS_DEVICE;
		rec[1] = 0;
		memcpy(rec + 2, b, len);
		rc |= ct_write_seed(dir, "rndis_fuzz", n++, rec, len + 2);
	}
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
		printf("%s %u - %s\n", t.failed ? "not ok" : "ok", i + 1,
		       ct_cases[i].name);
		failed += !!t.failed;
	}
	printf("# netvsc_msg: %u passed, %d failed\n", n - failed, failed);
	return failed ? 1 : 0;
}

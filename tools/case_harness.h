/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user-space side of the test cases written once for KUnit and user
 * space (kunit/<x>_cases.h; kunit/cases_suite.h is the KUnit side): the
 * struct ct the cases fail through, their allocator, and the TAP runner
 * and seed writer of the tools/<x>_test programs. Include it before the
 * cases headers. (tools/ring_test uses ct_report() alone.)
 */
#ifndef HVG_TOOLS_CASE_HARNESS_H
#define HVG_TOOLS_CASE_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/compiler.h>

struct ct {
	int failed;
};

/* Count a failure in *@failed; only the first 20 messages are printed. */
static inline void __printf(2, 3) ct_report(int *failed, const char *fmt, ...)
{
	va_list ap;

	if (++*failed > 20)
		return;
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

#define CT_FAIL(t, ...)		ct_report(&(t)->failed, __VA_ARGS__)
#define ct_alloc(n)		calloc(1, n)
#define ct_free(p)		free(p)

struct ct_entry {
	const char *name;
	void (*fn)(struct ct *t);
};

/* Write @len bytes of @data to the file @dir/@name; 0, or 1 (reported). */
static inline int ct_write_seed(const char *dir, const char *name,
				const void *data, size_t len)
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

/*
 * The program: with no argument, run the @n @cases and print TAP, each
 * case named @prefix followed by its name, then a "# @tag: N passed, N
 * failed" line; exit 1 if one failed. With "--corpus DIR", write the
 * fuzzer's seed corpus with @corpus.
 */
static inline int ct_main(int argc, char **argv,
			  const struct ct_entry *cases, unsigned int n,
			  const char *prefix, const char *tag,
			  int (*corpus)(const char *dir))
{
	unsigned int i;
	int failed = 0;

	if (argc == 3 && !strcmp(argv[1], "--corpus"))
		return corpus(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: %s [--corpus DIR]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%u\n", n);
	for (i = 0; i < n; i++) {
		struct ct t = { 0 };

		cases[i].fn(&t);
		printf("%s %u - %s%s\n", t.failed ? "not ok" : "ok", i + 1,
		       prefix, cases[i].name);
		failed += !!t.failed;
	}
	printf("# %s: %u passed, %d failed\n", tag, n - failed, failed);
	return failed ? 1 : 0;
}

#endif /* HVG_TOOLS_CASE_HARNESS_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Print this machine's TSC frequency in kHz, measured against
 * CLOCK_MONOTONIC_RAW.
 *
 * QEMU's TCG reads the host's TSC for a guest's RDTSC, so a guest's TSC
 * runs at the host's rate. A guest calibrates it at boot against the
 * emulated PIT, and on a loaded host that loop can be late by a factor of
 * several; the kernel then keeps the wrong value (its later refinement
 * only accepts a value within 1 % of the first) and the guest's clock
 * runs fast. The QEMU launchers in scripts/ pass this figure as
 * tsc_early_khz= instead (scripts/lib.sh, hvg_guest_clock_args).
 *
 * Each of five 50 ms windows is bracketed by a clock read and an RDTSC
 * taken back to back; the median of the five is printed, so that one
 * preemption between the two reads does not move the result.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

#define WINDOWS 5

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	const struct timespec pause = { 0, 50 * 1000 * 1000 };
	uint64_t khz[WINDOWS];
	int i;

	for (i = 0; i < WINDOWS; i++) {
		uint64_t t0 = now_ns(), c0 = __rdtsc();
		uint64_t t1, c1;

		nanosleep(&pause, NULL);
		c1 = __rdtsc();
		t1 = now_ns();
		if (t1 <= t0 || c1 <= c0)
			return 1;
		khz[i] = (c1 - c0) * 1000000u / (t1 - t0);
	}
	qsort(khz, WINDOWS, sizeof(khz[0]), cmp_u64);
	printf("%llu\n", (unsigned long long)khz[WINDOWS / 2]);
	return 0;
}

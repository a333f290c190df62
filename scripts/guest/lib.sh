# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the in-guest jobs and integration tests (dash).

# Results share the serial console with the kernel's own messages, so
# every result line carries a prefix that the host picks out: "HVG-TAP| "
# for integration tests, "HVG-KTAP| " for KUnit.
hvg_emit()
{
	sed "s/^/$1| /"
}

# Run the integration tests in /itest (scripts/initramfs copies only files
# named NN-name.sh, and refuses any other), in order, as TAP. With the
# argument "hvsoft" (the hv_soft guest), only the tests that declare a line
# "# hvg-hvsoft: yes" run; the others assume a machine without Hyper-V.
# With "own", only the others: hvguest's own tests. With "smp", only those
# of hvguest's own that declare "# hvg-smp: yes" (their subject is several
# CPUs or channels at once: sub-channels, RSS, CPU offline, traffic during
# a rescind or a reload); with "up", every test that does not.
# Each test is a script that exits 0 on success, or HVG_SKIP (77) after
# printing why it does not apply here (a TAP skip); its output is kept as
# TAP diagnostics. A test that runs longer than $HVG_ITEST_TIMEOUT seconds
# fails. GNU timeout runs /bin/sh (dash) itself: busybox's timeout would
# run busybox's own sh, which prefers busybox's applets (its modprobe, its
# ip) to the real tools on PATH. 00-environment proves which ones run.
hvg_run_itests()
{
	only=${1:-}
	set -- /itest/*.sh
	[ -e "$1" ] || set --
	if [ -n "$only" ]; then
		for t in "$@"; do
			shift
			kind=own
			grep -q '^# hvg-hvsoft: yes$' "$t" && kind=hvsoft
			smp=no
			grep -q '^# hvg-smp: yes$' "$t" && smp=yes
			case $only/$kind/$smp in
			own/own/* | hvsoft/hvsoft/* | smp/own/yes | up/*/no)
				set -- "$@" "$t" ;;
			esac
		done
	fi
	{
		echo "TAP version 13"
		echo "1..$#"
	} | hvg_emit HVG-TAP
	n=0
	for t in "$@"; do
		n=$((n + 1))
		name=$(basename "$t" .sh)
		rc=0
		# Kernel-timestamped bounds: scripts/guest-test prints each
		# test's guest seconds from them (a host-independent measure).
		echo "HVG-ITEST-BEGIN $name" > /dev/kmsg
		timeout -k 10 "${HVG_ITEST_TIMEOUT:-300}" /bin/sh "$t" > /tmp/itest.log 2>&1 || rc=$?
		echo "HVG-ITEST-END $name $rc" > /dev/kmsg
		case $rc in
		0) res="ok $n - $name" ;;
		77) res="ok $n - $name # SKIP $(tail -n 1 /tmp/itest.log)" ;;
		*) res="not ok $n - $name (exit $rc)" ;;
		esac
		{
			echo "$res"
			sed 's/^/# /' /tmp/itest.log
		} | hvg_emit HVG-TAP
	done
}

# For the integration tests (". /hvg/lib.sh"): true in a guest booted with
# the soft Hyper-V partition (the kernel parameter "hv_soft" or
# "hv_soft=OPTIONS", scripts/guest-test hvsoft).
hvg_hv_soft()
{
	for arg in $(cat /proc/cmdline); do
		case "$arg" in
		hv_soft | hv_soft=*) return 0 ;;
		esac
	done
	return 1
}

# For the integration tests: end the test as a TAP skip, saying why.
HVG_SKIP=77
hvg_skip()
{
	echo "$*"
	exit $HVG_SKIP
}

# Load hvg_kunit, which runs every suite as it loads. KUnit prints its
# KTAP lines to the kernel log, which reaches the serial console whole
# (the debugfs copy keeps only 512 bytes a suite on 6.1, so a case with
# long expectation messages lost its own result line there); the markers
# tell scripts/guest-test where KUnit's lines start and end.
hvg_run_kunit()
{
	echo "HVG-KUNIT-BEGIN" > /dev/kmsg
	if ! modprobe hvg_kunit; then
		echo "HVG-KUNIT-END load-failed" > /dev/kmsg
		echo "hvg_kunit failed to load" >&2
		return
	fi
	echo "HVG-KUNIT-END" > /dev/kmsg
	rmmod hvg_kunit
}

# Report leaks: kmemleak ignores objects younger than 5 seconds, so a leak
# made by the last test would go unreported by a scan right after it. Wait
# past that age, then scan twice (an object whose contents changed since
# the previous scan is only reported by the next) and print what it found
# (nothing when clean; scripts/guest-test counts any report as a splat).
#
# kmemleak does not scan memory from the page allocator, so an object whose
# only reference lies there looks unreferenced until its holder goes: the
# first skb of a GRO packet's frag_list is referenced from its head skb's
# shared info, in a page-fragment buffer, and such packets can sit in the
# queues of sockets that a network namespace's asynchronous cleanup frees
# only after the last test. When the first scans report anything, the
# guest waits 30 s and scans twice again; only what is still unreferenced
# then is printed (an object freed or referenced by then is not), and the
# wait is said in the log.
hvg_kmemleak_scan()
{
	local k=/sys/kernel/debug/kmemleak

	[ -w "$k" ] || return 0
	sleep 6
	echo scan > "$k"
	echo scan > "$k"
	if [ -n "$(cat "$k")" ]; then
		echo "hvg: kmemleak listed $(grep -c "^unreferenced" "$k") object(s); scanning again in 30 s" > /dev/kmsg
		sleep 30
		echo scan > "$k"
		echo scan > "$k"
	fi
	cat "$k"
}

# The samples of perf.data $1 summed by module: each kernel symbol counted
# under the module /proc/kallsyms names for it ("kernel" for the core
# kernel's), each user-space one as "user"; the top 8 shares, as
# "# module NAME SHARE%" lines (for the benchmarks' BENCH_PERF).
hvg_perf_modules()
{
	awk '$4 ~ /^\[/ { m = $4; gsub(/[][]/, "", m); print $3, m }' /proc/kallsyms > /tmp/kallsyms.mod
	perf report -i "$1" --stdio --no-children --sort sym 2>/dev/null |
		grep -v '^#' | grep -v '^$' |
		awk 'NR == FNR { mod[$1] = $2; next }
		     { p = $1; sub(/%$/, "", p)
		       m = ($2 == "[.]") ? "user" : (($3 in mod) ? mod[$3] : "kernel")
		       sum[m] += p }
		     END { for (m in sum) printf "# module %-16s %6.2f%%\n", m, sum[m] }' \
			/tmp/kallsyms.mod - | sort -k4 -rn | head -n 8
}

# The benchmarks' median as an awk function, med(x, n): of x[0] to x[n - 1],
# the mean of the middle two for an even n. Goes before the program that
# uses it: awk "$HVG_AWK_MED"'...'.
# shellcheck disable=SC2034 # used by the benchmarks' guest scripts
HVG_AWK_MED='
function med(x, n,   i, j, t, y) {
	for (i = 0; i < n; i++) {
		y[i] = x[i]
		for (j = i; j > 0 && y[j - 1] > y[j]; j--) {
			t = y[j]; y[j] = y[j - 1]; y[j - 1] = t
		}
	}
	return n % 2 ? y[int(n / 2)] : (y[n / 2 - 1] + y[n / 2]) / 2
}
'
# The CPU time of all CPUs but idle and I/O wait since boot, in USER_HZ
# ticks (1/100 s on x86, as /proc/stat gives them): the benchmarks' CPU
# cost of a run is the difference over it.
hvg_busy_ticks()
{
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

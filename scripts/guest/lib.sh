# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the in-guest jobs and integration tests (busybox sh).

# Results share the serial console with the kernel's own messages, so
# every result line carries a prefix that the host picks out: "HVG-TAP| "
# for integration tests, "HVG-KTAP| " for KUnit.
hvg_emit()
{
	sed "s/^/$1| /"
}

# Run the integration tests in /itest in order, as TAP. Each test is a
# script that exits 0 on success; its output is kept as TAP diagnostics.
# A test that runs longer than $HVG_ITEST_TIMEOUT seconds fails.
hvg_run_itests()
{
	set -- /itest/[0-9]*.sh
	[ -e "$1" ] || set --
	{
		echo "TAP version 13"
		echo "1..$#"
	} | hvg_emit HVG-TAP
	n=0
	for t in "$@"; do
		n=$((n + 1))
		name=$(basename "$t" .sh)
		if timeout "${HVG_ITEST_TIMEOUT:-300}" sh "$t" > /tmp/itest.log 2>&1; then
			res="ok $n - $name"
		else
			res="not ok $n - $name (exit $?)"
		fi
		{
			echo "$res"
			sed 's/^/# /' /tmp/itest.log
		} | hvg_emit HVG-TAP
	done
}

# Load hvg_kunit, which runs every suite, and print the results of all
# suites as one KTAP document (each suite's debugfs results renumbered).
hvg_run_kunit()
{
	if ! modprobe hvg_kunit; then
		echo "hvg_kunit failed to load" >&2
		return
	fi
	set -- /sys/kernel/debug/kunit/*/results
	{
		echo "KTAP version 1"
		echo "1..$#"
		n=0
		for r in "$@"; do
			n=$((n + 1))
			sed -e '1,2d' -e "\$s/^\(\(not \)\{0,1\}ok\) 1 /\1 $n /" "$r"
		done
	} > /tmp/ktap
	hvg_emit HVG-KTAP < /tmp/ktap
	rmmod hvg_kunit
}

# Ask kmemleak for a scan now and print what it found (nothing when clean).
hvg_kmemleak_scan()
{
	[ -w /sys/kernel/debug/kmemleak ] || return 0
	echo scan > /sys/kernel/debug/kmemleak
	sleep 1
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
}

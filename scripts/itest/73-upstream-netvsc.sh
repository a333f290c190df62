# SPDX-License-Identifier: GPL-2.0
#
# hvg-hvsoft: yes
#
# The network suite side by side (scripts/guest/suite-net.sh): run once
# with upstream's hv_vmbus and hv_netvsc behind the soft Hyper-V partition,
# once with hvguest's hvg_vmbus and hvg_netvsc, against the same loopback
# host's netvsp and switch: two NICs in two namespaces, pings with no loss,
# iperf3 TCP both ways, MTU 9000, channels moved and cpu1 offline and
# online under iperf3, reload cycles, unload, hosts that refuse the newest
# versions. Prints the table (step, upstream, hvguest) and fails if a
# stack fails a step or the two stacks' results differ, naming both.
# Skipped (TAP skip) in every other guest. Helpers:
# scripts/guest/upstream.sh, netvsc.sh, suite-lib.sh.
set -u
mark="hvg-itest-73-upstream-netvsc: start $$"
. /hvg/upstream.sh
. /hvg/netvsc.sh
. /hvg/suite-lib.sh
. /hvg/suite-net.sh

itest_cleanup
itest_begin
rm -f /tmp/suite-net.diff
t0=$(now_ms)
for s in $suite_stacks; do
	echo "stack $s (hvguest's backend: $suite_backend):"
	suite_net "$s"
done
echo "network suite, side by side ($(($(now_ms) - t0)) ms):"
suite_table net || fail "the stacks failed or differ: $(cat /tmp/suite-net.diff)"
s=$(splat)
[ -z "$s" ] || fail "splat: $s"
echo "PASS"
exit 0

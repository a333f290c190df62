# SPDX-License-Identifier: GPL-2.0
#
# hvg-hvsoft: yes
#
# The disk suite side by side (scripts/guest/suite-disk.sh): run once with
# upstream's hv_vmbus and hv_storvsc behind the soft Hyper-V partition, once
# with hvguest's hvg_vmbus and hvg_storvsc, against the same loopback
# host's storvsp: partition, ext4, mount, files verified after a drop of
# the page cache, fio verify=crc32c, channels moved and cpu1 offline and
# online under fio, unmount, reload cycles, unload, hosts that refuse the
# newest versions. Prints the table (step, upstream, hvguest) and fails if
# a stack fails a step or the two stacks' results differ, naming both.
# Skipped (TAP skip) in every other guest. Helpers:
# scripts/guest/upstream.sh, suite-lib.sh.
set -u
mark="hvg-itest-72-upstream-storvsc: start $$"
. /hvg/upstream.sh
. /hvg/suite-lib.sh
. /hvg/suite-disk.sh

itest_cleanup
itest_begin
rm -f /tmp/suite-disk.diff
t0=$(now_ms)
for s in $suite_stacks; do
	echo "stack $s (hvguest's backend: $suite_backend):"
	suite_disk "$s"
done
echo "disk suite, side by side ($(($(now_ms) - t0)) ms):"
suite_table disk || fail "the stacks failed or differ: $(cat /tmp/suite-disk.diff)"
s=$(splat)
[ -z "$s" ] || fail "splat: $s"
echo "PASS"
exit 0

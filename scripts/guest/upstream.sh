# SPDX-License-Identifier: GPL-2.0
#
# For the integration tests of upstream's drivers in the hv_soft guest
# (71-73): ". /hvg/upstream.sh" after setting $mark, instead of
# /hvg/itest.sh, which it sources. Skips the test outside an hv_soft
# guest. How each stack is loaded: scripts/guest/suite-lib.sh.
. /hvg/lib.sh
hvg_hv_soft || hvg_skip "not an hv_soft guest (no hv_soft boot parameter)"
. /hvg/itest.sh

itest_cleanup()
{
	umount /mnt/u 2>/dev/null
	killall fio iperf3 2>/dev/null
	ip netns del nva 2>/dev/null
	ip netns del nvb 2>/dev/null
	echo 1 > /sys/devices/system/cpu/cpu1/online 2>/dev/null
	return 0
}

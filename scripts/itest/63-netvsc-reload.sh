# SPDX-License-Identifier: GPL-2.0
#
# hvg-smp: yes
#
# Unload/reload cycles of hvg_netvsc under TCP iperf3 between its two NICs
# (net_devices=2; data flowing checked before each unload; both NICs set
# up again and pinging after each): 20 on the stock kernel (make smoke),
# 3 on the debug kernel (hvg.mode=test), 1 in the short runs, 100 in make
# soak (Documentation/testing.rst). Exit 0 on pass.
set -u

mark="hvg-itest-63-netvsc-reload: start $$"
. /hvg/itest.sh
. /hvg/netvsc.sh

itest_begin
start=$(date +%s)
modprobe hvg_loophost echo_devices=0 net_devices=2 ||
	fail "modprobe hvg_loophost failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
# Waits on the host (and the detach's wait for lost sends) end in 3 s.
modprobe hvg_netvsc timeout_ms=3000 || fail "modprobe hvg_netvsc failed"
nics_setup "start" || fail "network namespace setup failed"
ping_ok || fail "no pings before the first cycle"

# Unload/reload under traffic.
# 20 on the stock kernel, 2 on the debug kernel, 1 short, 100 soak.
cycles=$(scaled 20 2 1 100)
t0=$(date +%s)
c=0
while [ $c -lt $cycles ]; do
	c=$((c + 1))
	ip netns exec nvb iperf3 -s -D > /dev/null 2>&1 ||
		fail "cycle $c: iperf3 -s failed"
	sleep 0.3
	ip netns exec nva iperf3 -c 10.99.0.2 -t 60 > /dev/null 2>&1 &
	ip_pid=$!
	sleep 1
	x0=$(stat_of nva "$a" tx_packets)
	sleep 0.5
	x1=$(stat_of nva "$a" tx_packets)
	[ $((x1 - x0)) -gt 20 ] ||
		fail "cycle $c: only $((x1 - x0)) frames sent in 0.5 s of iperf3"
	timeout 60 modprobe -r hvg_netvsc ||
		fail "cycle $c: modprobe -r hvg_netvsc under traffic failed"
	kill "$ip_pid" 2>/dev/null
	wait "$ip_pid" 2>/dev/null
	killall iperf3 2>/dev/null
	ip netns del nva
	ip netns del nvb
	modprobe hvg_netvsc timeout_ms=3000 ||
		fail "cycle $c: modprobe hvg_netvsc failed"
	nics_setup "cycle $c" || fail "cycle $c: setup after the reload failed"
	wait_for 10 ping_ok || fail "cycle $c: no pings after the reload"
done
echo "unload/reload under iperf3: $c cycles in $(($(date +%s) - t0)) s"

splat && fail "a splat in the kernel log"
itest_cleanup
modprobe -r hvg_netvsc hvg_vmbus || fail "unloading hvg_netvsc failed"
modprobe -r hvg_loophost hvg_hypercall || fail "unloading the host failed"
echo "pass ($(($(date +%s) - start)) s)"

# SPDX-License-Identifier: GPL-2.0
#
# hv_netvsc and a host that stops completing sends (loophost_ctl/net
# "fault stop_tx_completions -1", net_devices=2) under UDP iperf3: the
# guest does not hang (ip and ethtool answer; the sender blocks on its
# socket's send buffer), and once the host completes sends again the
# driver finds the sends lost for 5 s and resets the NIC (a detach that
# gives up on them after timeout_ms, and an attach): pings pass, ethtool
# -S counts tx_timeouts. Exit 0 on pass.
set -u

mark="hvg-itest-62-netvsc-stall: start $$"
. /hvg/itest.sh
. /hvg/netvsc.sh
itest_diag()
{
	grep 'nic=\|^fault' "$ctl/net" 2>/dev/null
}
itest_cleanup()
{
	echo "fault stop_tx_completions 0" > "$ctl/net" 2>/dev/null
	net_cleanup
}
estat()
{
	ip netns exec "$1" ethtool -S "$2" | sed -n "s/^ *$3: //p"
}
reset_seen()
{
	since_mark | grep -q 'reset after a transmit stall'
}

itest_begin
start=$(date +%s)
modprobe hvg_loophost echo_devices=0 net_devices=2 ||
	fail "modprobe hvg_loophost failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
# Waits on the host (and the detach's wait for lost sends) end in 3 s.
modprobe hvg_netvsc timeout_ms=3000 || fail "modprobe hvg_netvsc failed"
nics_setup "start" || fail "network namespace setup failed"
ping_ok || fail "no pings before the fault"

# The host stops completing sends.
echo "fault stop_tx_completions -1" > "$ctl/net" ||
	fail "cannot arm stop_tx_completions"
ip netns exec nvb iperf3 -s -D -1 > /dev/null 2>&1
sleep 0.5
timeout -k 5 20 ip netns exec nva iperf3 -c 10.99.0.2 -u -b 200M -t 4 \
	> /dev/null 2>&1
lost=$(grep "instance=$(basename "$(ip netns exec nva readlink "/sys/class/net/$a/device")") " "$ctl/net" |
	tr ' ' '\n' | sed -n 's/^tx_uncompleted=//p')
[ "${lost:-0}" -gt 0 ] || fail "the host kept no send of $a uncompleted"
# Nothing hangs: ip and ethtool answer.
timeout 10 ip -n nva link show "$a" > /dev/null ||
	fail "ip link show hangs with the sends not completed"
timeout 10 ip netns exec nva ethtool -S "$a" > /dev/null ||
	fail "ethtool -S hangs with the sends not completed"
echo "fault stop_tx_completions 0" > "$ctl/net" ||
	fail "cannot disarm stop_tx_completions"
killall iperf3 2>/dev/null
t0=$(date +%s)
# The lost sends are found (5 s) and the NIC reset: its send buffer is
# whole again (the reset's detach gives up on them after timeout_ms).
wait_for 60 reset_seen || fail "no reset 60 s after the host lost $lost sends"
wait_for 30 ping_ok || fail "no pings after the reset"
to=$(estat nva "$a" tx_timeouts)
[ "${to:-0}" -ge 1 ] || fail "reset without a transmit timeout counted: $to"
echo "stop_tx_completions: $lost sends lost, NIC reset and pinging $(($(date +%s) - t0)) s after the host resumed ($to transmit timeouts)"

splat && fail "a splat in the kernel log"
itest_cleanup
modprobe -r hvg_netvsc hvg_vmbus || fail "unloading hvg_netvsc failed"
modprobe -r hvg_loophost hvg_hypercall || fail "unloading the host failed"
echo "pass ($(($(date +%s) - start)) s)"

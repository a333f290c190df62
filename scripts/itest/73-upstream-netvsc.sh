# SPDX-License-Identifier: GPL-2.0
#
# hvg-hvsoft: yes
#
# Upstream's hv_netvsc against the loopback host's netvsp and switch,
# through the soft Hyper-V partition: the host's two NICs become two
# hv_netvsc interfaces; each goes into a network namespace of its own with
# an address, and 100 pings go from one to the other through the host's
# switch with no loss. Then hv_netvsc and hv_vmbus unload. Skipped (TAP
# skip) in every other guest. Helpers: scripts/guest/upstream.sh.
set -u
mark="hvg-itest-73-upstream-netvsc: start $$"
. /hvg/upstream.sh

# The hv_netvsc interfaces, one a line (up to 20 s for $1 of them).
nics()
{
	i=0
	while [ $i -lt 200 ]; do
		out=$(ls -d /sys/bus/vmbus/drivers/hv_netvsc/*/net/* 2>/dev/null)
		[ "$(echo "$out" | grep -c .)" -ge "$1" ] && echo "$out" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

start_upstream
modprobe hv_netvsc || fail "modprobe hv_netvsc failed"
list=$(nics 2) || fail "not 2 hv_netvsc interfaces after 20 s: $(ls /sys/class/net)"
a=$(echo "$list" | sed -n 1p)
b=$(echo "$list" | sed -n 2p)
a=${a##*/}
b=${b##*/}
echo "NICs $a ($(cat /sys/class/net/"$a"/address)) and $b ($(cat /sys/class/net/"$b"/address))"
ip netns add una || fail "ip netns add una failed"
ip netns add unb || fail "ip netns add unb failed"
ip link set "$a" netns una || fail "moving $a failed"
ip link set "$b" netns unb || fail "moving $b failed"
ip -n una addr add 10.98.0.1/24 dev "$a" || fail "address on $a failed"
ip -n unb addr add 10.98.0.2/24 dev "$b" || fail "address on $b failed"
ip -n una link set "$a" up || fail "$a up failed"
ip -n unb link set "$b" up || fail "$b up failed"
out=$(ip netns exec una ping -c 100 -i 0.02 -W 5 10.98.0.2 2>&1)
echo "$out" | tail -n 2
echo "$out" | grep -q ' 0% packet loss' || fail "pings lost: $(echo "$out" | tail -n 2)"
ip netns del una
ip netns del unb
stop_upstream hv_netvsc
echo "PASS"
exit 0

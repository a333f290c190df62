# SPDX-License-Identifier: GPL-2.0
#
# What the network integration tests (scripts/itest/6N-netvsc*.sh) share,
# sourced after /hvg/itest.sh. Two NICs of the loopback host's switch go
# into namespaces nva (10.99.0.1/24) and nvb (10.99.0.2/24). dash.

ctl=/sys/kernel/debug/hvguest/loophost_ctl

# The hv_netvsc interfaces of this namespace, one a line.
nics()
{
	for d in /sys/bus/vmbus/drivers/hv_netvsc/*/net/*; do
		[ -e "$d" ] && echo "${d##*/}"
	done
	return 0
}

# Exactly $1 hv_netvsc interfaces in this namespace.
nr_ifs()
{
	[ "$(nics | wc -l)" -eq "$1" ]
}

# Exactly $1 bound devices (an interface moved to another namespace is
# not listed by nics, its device is).
nr_nics()
{
	[ "$(ls -d /sys/bus/vmbus/drivers/hv_netvsc/*-* 2>/dev/null | wc -l)" -eq "$1" ]
}

# carrier NS IF [STATE]: IF in namespace NS has carrier STATE (1 if not
# given).
carrier()
{
	[ "$(ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" = "${3:-1}" ]
}

# stat_of NS IF COUNTER: one of IF's /sys statistics.
stat_of()
{
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

# Three pings from nva answered by nvb.
ping_ok()
{
	ip netns exec nva ping -c 3 -i 0.1 -W 2 10.99.0.2 2>&1 |
		grep -q ' 3 packets received'
}

# pair_setup A B: interface A into nva, B into nvb, addressed and up (lo
# too).
pair_setup()
{
	ip netns add nva && ip netns add nvb &&
		ip link set "$1" netns nva && ip link set "$2" netns nvb &&
		ip -n nva addr add 10.99.0.1/24 dev "$1" &&
		ip -n nvb addr add 10.99.0.2/24 dev "$2" &&
		ip -n nva link set "$1" up && ip -n nvb link set "$2" up &&
		ip -n nva link set lo up && ip -n nvb link set lo up
}

# nics_setup WHEN: wait for two interfaces, name them $a and $b, set them
# up as a pair and wait for both carriers.
nics_setup()
{
	wait_for 20 nr_ifs 2 || fail "$1: not two hv_netvsc interfaces"
	set -- $(nics)
	a=$1 b=$2
	pair_setup "$a" "$b" || return 1
	wait_for 10 carrier nva "$a" && wait_for 10 carrier nvb "$b"
}

# Undo the namespaces (which return their interfaces) and stop iperf3.
net_cleanup()
{
	killall iperf3 2>/dev/null
	ip netns del nva 2>/dev/null
	ip netns del nvb 2>/dev/null
	return 0
}

# The hooks of itest.sh's fail(), unless the test defines its own: the
# host's view of the NICs, then the namespaces undone.
itest_diag()
{
	grep 'nic=' "$ctl/net" 2>/dev/null
}
itest_cleanup()
{
	net_cleanup
}

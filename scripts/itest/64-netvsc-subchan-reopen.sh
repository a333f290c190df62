# SPDX-License-Identifier: GPL-2.0
#
# hvg-smp: yes
#
# Sub-channels across a close and reopen of the primary, as Hyper-V does
# it: they belong to the primary's open instance, so closing the primary
# makes the host rescind them (the guest releases their relids), and the
# next SUBCHANNEL request gets new offers, with the indexes 1..n again.
# The host reuses released relids lowest first, as Hyper-V does
# (hvg_loophost relid_policy=lowest), so the new ones get the old relids.
# Checked on the second NIC of hvg_loophost net_devices=2, through
# `ethtool -L` to one queue (the old sub-channels leave sysfs) and back (as
# many new ones as queues - 1, subchannel_id 1..n), then through an unload
# and reload of hvg_netvsc; after each, the device's channels/ holds
# exactly its live channels (the primary and the new sub-channels, the same
# relids as channel_vp_mapping), the VMBus core counts and lists only
# those (debugfs: a rescinded sub-channel is dropped once released, so the
# count hvg_vmbus_wait_subchans() waits on is right after a reopen), every
# receive queue gets the frames the RSS table sends it (ethtool -X to one
# queue at a time) and the host sees all the queues. Then a third NIC is
# offered with hvg_netvsc loaded (its probe runs on the bus's workqueue)
# and must get all its queues at once. Skipped with one vCPU (one queue: no
# sub-channels; exit 77). Exit 0 on pass.
set -u

mark="hvg-itest-64-netvsc-subchan-reopen: start $$"
. /hvg/itest.sh
. /hvg/netvsc.sh
# The host's line for the NIC of interface $1 (in namespace $2).
host_field()
{
	inst=$(basename "$(ip netns exec "$2" readlink "/sys/class/net/$1/device")")
	grep "instance=$inst " "$ctl/net" | tr ' ' '\n' | sed -n "s/^$3=//p"
}
qstat()
{
	ip netns exec "$1" ethtool -S "$2" | sed -n "s/^ *$3: //p"
}
pings()
{
	ip netns exec nva ping -c "$1" -i 0.02 -W 5 10.99.0.2 2>&1 |
		grep -q " $1 packets received"
}
# The sysfs directory of $b's VMBus device.
bdev()
{
	echo "/sys/bus/vmbus/devices/$(basename "$(ip netns exec nvb readlink "/sys/class/net/$b/device")")"
}
# The relids of the sub-channels of device $1 ($bdir), sorted, one line.
sub_relids()
{
	sr_dev=${1:-$bdir}
	sr_pri=$(cat "$sr_dev/id" 2>/dev/null) || return 0
	for sr_c in "$sr_dev"/channels/*; do
		[ -e "$sr_c" ] || continue
		[ "${sr_c##*/}" = "$sr_pri" ] || echo "${sr_c##*/}"
	done | sort -n | tr '\n' ' '
}
# subs_are N: the device has N sub-channels, with subchannel_id 1..N.
subs_are()
{
	sa_n=$1
	shift
	set -- $(sub_relids)
	[ $# = "$sa_n" ] || return 1
	sa_ids=$(for sa_r in "$@"; do cat "$bdir/channels/$sa_r/subchannel_id"; done | sort -n | tr '\n' ' ')
	[ "$sa_ids" = "$(seq -s ' ' 1 "$sa_n") " ]
}
# The VMBus core's FIELD (subchannels: live ones, subchannels_listed: kept
# on the primary) of $b's primary channel, from its debugfs state.
core_subs()
{
	sed -n "s/^$1: //p" "/sys/kernel/debug/hvguest/vmbus/channels/$(cat "$bdir/id")/state"
}
# only_live N: channels/ holds the primary and N sub-channels and nothing
# else, channel_vp_mapping names the same relids, and the core counts and
# lists N sub-channels.
only_live()
{
	ol_dirs=$(ls "$bdir/channels" | sort -n | tr '\n' ' ')
	ol_map=$(cut -d: -f1 "$bdir/channel_vp_mapping" | sort -n | tr '\n' ' ')
	[ "$(echo $ol_dirs | wc -w)" = $(($1 + 1)) ] &&
		[ "$ol_dirs" = "$ol_map" ] &&
		[ "$(core_subs subchannels)" = "$1" ] &&
		[ "$(core_subs subchannels_listed)" = "$1" ]
}
# What only_live looks at, for a failure message.
live_view()
{
	echo "channels/: $(ls "$bdir/channels" | tr '\n' ' ')channel_vp_mapping: $(cut -d: -f1 "$bdir/channel_vp_mapping" | tr '\n' ' ')core: $(core_subs subchannels) live, $(core_subs subchannels_listed) listed"
}
# per_queue WHEN: the RSS table at each queue in turn; that queue receives
# the pings, and the host has all the queues.
per_queue()
{
	[ "$(host_field "$b" nvb queues)" = "$q" ] ||
		fail "$1: the host has $(host_field "$b" nvb queues) queues, not $q"
	t=0
	while [ $t -lt "$q" ]; do
		w= i=0
		while [ $i -lt "$q" ]; do
			[ $i = "$t" ] && w="$w 1" || w="$w 0"
			i=$((i + 1))
		done
		ip netns exec nvb ethtool -X "$b" weight $w ||
			fail "$1: ethtool -X weight$w failed"
		r0=$(qstat nvb "$b" "rx_q${t}_packets")
		pings 20 || fail "$1: pings lost with the table at queue $t"
		r1=$(qstat nvb "$b" "rx_q${t}_packets")
		[ $((r1 - r0)) -ge 20 ] ||
			fail "$1: queue $t received $((r1 - r0)) of 20 pings"
		echo "$1: queue $t (relid $(sub_relid_of "$t")) received $((r1 - r0)) frames of 20 pings"
		t=$((t + 1))
	done
	ip netns exec nvb ethtool -X "$b" default || fail "$1: ethtool -X default failed"
}
sub_relid_of()
{
	d=$bdir
	if [ "$1" = 0 ]; then
		cat "$d/id"
		return
	fi
	for c in "$d"/channels/*; do
		[ "$(cat "$c/subchannel_id")" = "$1" ] && echo "${c##*/}" && return
	done
	echo none
}

itest_begin
mount -t debugfs none /sys/kernel/debug 2>/dev/null
modprobe hvg_loophost echo_devices=0 net_devices=2 relid_policy=lowest ||
	fail "modprobe hvg_loophost failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
modprobe hvg_netvsc || fail "modprobe hvg_netvsc failed"
nics_setup "at load" || fail "network namespace setup failed"
bdir=$(bdev)
q=$(ip netns exec nvb ethtool -l "$b" | sed -n '/^Current/,$s/^Combined:[[:space:]]*//p')
if [ "${q:-1}" -lt 2 ]; then
	net_cleanup
	unload_stack
	echo "SKIP: $b has ${q:-1} queue: no sub-channels with $(grep -c '^processor' /proc/cpuinfo) vCPU(s)"
	exit 77
fi
subs_are $((q - 1)) || fail "at load: sub-channels $(sub_relids), not $((q - 1))"
wait_for 10 only_live $((q - 1)) || fail "at load: not only the live channels: $(live_view)"
old=$(sub_relids)
echo "at load: $q queues, sub-channel relids $old; $(live_view)"
per_queue "at load"

# 1. ethtool -L to one queue: the primary closes, the host rescinds its
# sub-channels, their relids are released and leave sysfs.
ip netns exec nvb ethtool -L "$b" combined 1 || fail "ethtool -L combined 1 failed"
wait_for 10 '[ -z "$(sub_relids)" ]' ||
	fail "ethtool -L 1: sub-channels $(sub_relids) still there after the primary's close"
wait_for 10 only_live 0 ||
	fail "ethtool -L 1: the core keeps rescinded sub-channels: $(live_view)"
pings 5 || fail "ethtool -L 1: pings lost"
echo "ethtool -L 1: no sub-channels left; $(live_view)"

# 2. Back to q queues: new offers, new relids, indexes 1..q-1.
ip netns exec nvb ethtool -L "$b" combined "$q" || fail "ethtool -L combined $q failed"
wait_for 10 subs_are $((q - 1)) ||
	fail "ethtool -L $q: sub-channels $(sub_relids) (subchannel_id 1..$((q - 1)) wanted)"
wait_for 10 only_live $((q - 1)) ||
	fail "ethtool -L $q: not only the live channels: $(live_view)"
wait_for 10 carrier nvb "$b" || fail "ethtool -L $q: no carrier"
[ "$(ip netns exec nvb ethtool -l "$b" | sed -n '/^Current/,$s/^Combined:[[:space:]]*//p')" = "$q" ] ||
	fail "ethtool -L $q: not $q channels"
reused=no
[ "$(sub_relids)" = "$old" ] && reused=yes
echo "ethtool -L $q: new sub-channel relids $(sub_relids) (the old ones reused: $reused); $(live_view)"
per_queue "ethtool -L $q"

# 3. hvg_netvsc unloaded (the primary closes, the device stays) and
# loaded again: new sub-channels once more.
net_cleanup
# rmmod: modprobe -r would take the unused hvg_vmbus (and the devices) too.
rmmod hvg_netvsc || fail "unload of hvg_netvsc failed"
wait_for 10 '[ -z "$(sub_relids)" ]' ||
	fail "after the unload: sub-channels $(sub_relids) still there"
wait_for 10 only_live 0 ||
	fail "after the unload: the core keeps rescinded sub-channels: $(live_view)"
modprobe hvg_netvsc || fail "reload of hvg_netvsc failed"
nics_setup "after the reload" || fail "after the reload: namespace setup failed"
bdir=$(bdev)
wait_for 10 subs_are $((q - 1)) ||
	fail "after the reload: sub-channels $(sub_relids) (subchannel_id 1..$((q - 1)) wanted)"
wait_for 10 only_live $((q - 1)) ||
	fail "after the reload: not only the live channels: $(live_view)"
echo "after the reload: new sub-channel relids $(sub_relids); $(live_view)"
per_queue "after the reload"

# 4. A third NIC offered while hvg_netvsc is loaded: its probe runs on the
# bus's workqueue and waits there for the sub-channels it asked for, whose
# offers must not queue behind it (they did: "1 sub-channels granted:
# -110" after timeout_ms, and one queue).
nv_devs()
{
	for nd_d in /sys/bus/vmbus/drivers/hv_netvsc/*-*; do
		[ -e "$nd_d" ] && echo "${nd_d##*/}"
	done
}
before=" $(nv_devs | tr '\n' ' ')"
t0=$(now_ms)
echo net > "$ctl/offer" || fail "offer net refused"
wait_for 30 '[ "$(nv_devs | wc -l)" = 3 ]' ||
	fail "hot-added NIC: no third NIC bound to hv_netvsc"
for d in $(nv_devs); do
	case "$before " in *" $d "*) ;; *) hot=/sys/bus/vmbus/devices/$d ;; esac
done
# (In this namespace: the other two are in nva and nvb.)
wait_for 30 'ls "$hot"/net/*/queues/rx-0 > /dev/null 2>&1' ||
	fail "hot-added NIC: no network interface"
nq=$(ls "$hot"/net/*/queues | grep -c '^rx-')
[ "$nq" = "$q" ] ||
	fail "hot-added NIC: $nq queues, not $q, after $(($(now_ms) - t0)) ms"
[ "$(ls "$hot/channels" | wc -l)" = "$q" ] ||
	fail "hot-added NIC: channels/ has $(ls "$hot/channels" | tr '\n' ' ')"
echo "hot-added NIC: $nq queues, channels $(ls "$hot/channels" | tr '\n' ' ')in $(($(now_ms) - t0)) ms"
echo "$(cat "$hot/id")" > "$ctl/rescind" || fail "rescind of the hot-added NIC refused"
wait_for 20 '[ ! -e "$hot" ]' || fail "hot-added NIC: still there after its rescind"

ip netns exec nvb iperf3 -s -D -1 > /dev/null 2>&1
sleep 0.3
ip netns exec nva iperf3 -c 10.99.0.2 -t 2 -P 4 > /tmp/nv64.iperf 2>&1 ||
	fail "iperf3 failed: $(tail -n 5 /tmp/nv64.iperf)"
echo "iperf3 -P 4: $(grep 'SUM.*receiver' /tmp/nv64.iperf | tail -n 1)"

# No probe waited out its sub-channels (a lost or late hand-over).
since_mark | grep -q "sub-channels granted" &&
	fail "a sub-channel wait timed out: $(since_mark | grep 'sub-channels granted')"
[ -z "$(splat)" ] || fail "kernel warnings during the test"
net_cleanup
modprobe -r hvg_netvsc hvg_vmbus hvg_loophost || fail "unload failed"
echo "PASS"
exit 0

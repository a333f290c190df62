# SPDX-License-Identifier: GPL-2.0
#
# hvg-hvsoft: yes
#
# Upstream's own hv_vmbus against the loopback host, through the soft
# Hyper-V partition (hv_soft): hvg_loophost registers as hv_soft's host
# (frontend=auto picks hv_soft in this guest), hv_vmbus negotiates the
# host's version, and every device the host offers (an echo device, a
# SCSI controller, two NICs) appears on the bus "vmbus" with upstream's
# sysfs attributes. While the guest's SynIC is on, hv_soft pins the host
# (rmmod hvg_loophost fails). Unload sends UNLOAD (the host answers and
# disconnects); a reload connects and enumerates again; after the last
# unload the host unloads too. Skipped (TAP skip) in every other guest.
# Helpers (and why hvg_hypercall comes first with backend=loopback):
# scripts/guest/upstream.sh.
set -u
mark="hvg-itest-71-upstream-vmbus: start $$"
. /hvg/upstream.sh

lh=/sys/kernel/debug/hvguest/loophost
bus=/sys/bus/vmbus
scsi_class='{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}'
net_class='{f8615163-df3e-46c5-913f-f2d2f965ed0e}'
echo_class='{5e7a9c11-4b3d-4f6e-9a21-687667656368}'

# How many devices of class $1 are on the bus.
count_class()
{
	n=0
	for d in "$bus"/devices/*; do
		[ -r "$d/class_id" ] || continue
		[ "$(cat "$d/class_id")" = "$1" ] && n=$((n + 1))
	done
	echo $n
}

# Wait up to 10 s for $1 devices on the bus.
wait_devices()
{
	i=0
	while [ $i -lt 100 ]; do
		set -- "$1" "$bus"/devices/*
		[ -e "$2" ] && [ $(($# - 1)) -ge "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# The devices: count per class, upstream's attributes on each.
check_devices()
{
	wait_devices 4 || fail "$1: fewer than 4 devices on $bus after 10 s: $(ls "$bus"/devices 2>&1)"
	[ "$(count_class "$echo_class")" = 1 ] || fail "$1: $(count_class "$echo_class") echo devices, not 1"
	[ "$(count_class "$scsi_class")" = 1 ] || fail "$1: $(count_class "$scsi_class") SCSI controllers, not 1"
	[ "$(count_class "$net_class")" = 2 ] || fail "$1: $(count_class "$net_class") NICs, not 2"
	for d in "$bus"/devices/*; do
		for a in class_id device_id id state modalias vendor device \
			channel_vp_mapping out_intr_mask in_intr_mask; do
			[ -r "$d/$a" ] || fail "$1: ${d##*/} has no $a"
		done
		id=$(cat "$d/id")
		case "$id" in
		'' | *[!0-9]*) fail "$1: ${d##*/}: id '$id'" ;;
		esac
		if [ "$id" -lt 1 ] || [ "$id" -ge 2048 ]; then
			fail "$1: ${d##*/}: relid $id out of 1..2047"
		fi
		ma=$(cat "$d/modalias")
		case "$ma" in
		vmbus:????????????????????????????????) ;;
		*) fail "$1: ${d##*/}: modalias '$ma'" ;;
		esac
		[ "$(cat "$d/vendor")" = 0x1414 ] || fail "$1: ${d##*/}: vendor $(cat "$d/vendor")"
		# relid:CPU of the primary channel.
		grep -q "^$id:[0-9]" "$d/channel_vp_mapping" ||
			fail "$1: ${d##*/}: channel_vp_mapping '$(cat "$d/channel_vp_mapping")'"
		# A monitored channel shows its id; this host offers none.
		[ -e "$d/monitor_id" ] && fail "$1: ${d##*/}: monitor_id, but the host offers no monitored channel"
		echo "$1: ${d##*/} $(cat "$d/class_id") relid $id state $(cat "$d/state") vp $(cut -d: -f2 "$d/channel_vp_mapping")"
	done
}

itest_cleanup
itest_begin
modprobe hvg_hypercall backend=loopback || fail "modprobe hvg_hypercall backend=loopback failed"
modprobe hvg_loophost || fail "modprobe hvg_loophost failed"
since_mark | grep -q 'hvg_loophost: serving VMBus 5.3 on [0-9]* VPs, 1 echo device(s), front end hv_soft' ||
	fail "hvg_loophost did not choose the hv_soft front end"

modprobe hv_vmbus || fail "modprobe hv_vmbus failed"
grep -q '^state: connected' $lh || fail "host not connected: $(cat $lh)"
ver=$(sed -n 's/^version: //p' $lh)
since_mark | grep -q "Vmbus version:$ver" || fail "hv_vmbus did not report version $ver"
echo "connected: VMBus $ver, messages to VP $(sed -n 's/^target_vp: //p' $lh)"
check_devices load

# The guest's SynIC is on: hv_soft holds the host.
modprobe -r hvg_loophost 2>/dev/null && fail "hvg_loophost unloaded under a connected hv_vmbus"
loaded hvg_loophost || fail "hvg_loophost is gone under a connected hv_vmbus"

# Unload: UNLOAD answered, everything dropped.
unloads=$(sed -n 's/^unload: //p' $lh)
modprobe -r hv_vmbus || fail "modprobe -r hv_vmbus failed"
[ "$(sed -n 's/^unload: //p' $lh)" = $((unloads + 1)) ] || fail "the host saw no UNLOAD: $(cat $lh)"
grep -q '^state: disconnected' $lh || fail "host still connected after unload"

# Reload: the same devices again.
modprobe hv_vmbus || fail "modprobe hv_vmbus (reload) failed"
check_devices reload
# What the host thought of upstream's messages: nothing it did not know,
# nothing malformed, no reply it could not post.
grep -E '^(initiate_contact|version_accepted|version_refused|offers|opens|unload|malformed|unknown_type|out_of_place|reply_failed|bad_relid|synic_raise_held|synic_hc_post_failed):' $lh
for c in malformed unknown_type out_of_place reply_failed bad_relid; do
	[ "$(sed -n "s/^$c: //p" $lh)" = 0 ] || fail "host counter $c is $(sed -n "s/^$c: //p" $lh)"
done
modprobe -r hv_vmbus || fail "modprobe -r hv_vmbus (2) failed"
modprobe -r hvg_loophost || fail "hvg_loophost does not unload after hv_vmbus"
modprobe -r hvg_hypercall || fail "modprobe -r hvg_hypercall failed"

s=$(splat)
[ -z "$s" ] || fail "splat: $s"
echo "PASS"
exit 0

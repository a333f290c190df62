# SPDX-License-Identifier: GPL-2.0
#
# The loopback host's echo devices become devices on the bus "vmbus" with
# the sysfs attributes of upstream's sysfs-bus-vmbus (class_id, device_id,
# id, state, modalias, vendor, device, channel_vp_mapping, channels/<relid>/
# ...); `modprobe $(cat modalias)` loads hvg_echo, which binds, opens the
# primary channel and, asked for three sub-channels, gets them under
# channels/. Two devices (hvg_loophost echo_devices=2). Run by the guest's
# sh (dash) as root; exit 0 on pass.
#
# Every check says what failed and exits 1 itself: errexit ignores a
# negated pipeline, so it cannot be what catches a failure.
set -u

mark="hvg-itest-40-vmbus-devices: start $$"
. /hvg/itest.sh

echo_alias='vmbus:119c7a5e3d4b6e4f9a21687667656368'
bus=/sys/bus/vmbus


itest_begin

modprobe hvg_loophost echo_devices=2 || fail "modprobe hvg_loophost echo_devices=2 failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
[ -d "$bus" ] || fail "no $bus"
[ -d "$bus/drivers" ] || fail "no $bus/drivers"

devs=$(echo_devs)
n=$(echo "$devs" | grep -c .)
[ "$n" = 2 ] || fail "$n echo devices under $bus/devices, not 2"

# The attributes, as upstream prints them.
guid='[0-9a-f]\{8\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}'
for d in $devs; do
	name=${d##*/}
	echo "$name" | grep -q "^$guid\$" || fail "device name '$name' is not an instance GUID"
	[ "$(cat "$d/device_id")" = "{$name}" ] ||
		fail "$name: device_id '$(cat "$d/device_id")' is not {$name}"
	[ "$(cat "$d/modalias")" = "$echo_alias" ] ||
		fail "$name: modalias '$(cat "$d/modalias")', expected $echo_alias"
	grep -q "^MODALIAS=$echo_alias\$" "$d/uevent" ||
		fail "$name: uevent has no MODALIAS=$echo_alias"
	id=$(cat "$d/id")
	case "$id" in
	'' | *[!0-9]*) fail "$name: id '$id' is not a number" ;;
	esac
	[ "$id" -ge 1 ] && [ "$id" -lt 2048 ] || fail "$name: relid $id out of 1..2047"
	[ -d "$d/channels/$id" ] || fail "$name: no channels/$id for the primary"
	for a in state vendor device channel_vp_mapping driver_override numa_node; do
		[ -r "$d/$a" ] || fail "$name: no attribute $a"
	done
	# monitor_id only for a monitored channel, as upstream
	if [ -r "$d/monitor_id" ]; then
		case "$(cat "$d/monitor_id")" in
		'' | *[!0-9]*) fail "$name: monitor_id '$(cat "$d/monitor_id")' is not a number" ;;
		esac
	fi
	grep -q "^$id:[0-9][0-9]*\$" "$d/channel_vp_mapping" ||
		fail "$name: channel_vp_mapping '$(cat "$d/channel_vp_mapping")' has no $id:<cpu>"
	# upstream's set; monitor_id, pending and latency only when monitored
	for a in cpu in_mask out_mask read_avail write_avail events interrupts \
		intr_in_full intr_out_empty out_full_first out_full_total subchannel_id; do
		f=$d/channels/$id/$a
		[ -r "$f" ] || fail "$name: no channels/$id/$a"
		v=$(cat "$f")
		case "$v" in
		'' | *[!0-9]*) fail "$name: channels/$id/$a is '$v', not a number" ;;
		esac
	done
	[ -e "$d/driver" ] && fail "$name: bound to $(readlink "$d/driver") before any driver was loaded"
	echo "$name: class_id $(cat "$d/class_id") id $id state $(cat "$d/state") vendor $(cat "$d/vendor") device $(cat "$d/device")"
done

# Two devices, two instance GUIDs, two relids.
[ "$(for d in $devs; do cat "$d/id"; done | sort -u | grep -c .)" = 2 ] ||
	fail "the two devices share a relid"

# modprobe by MODALIAS loads the driver, which binds to both.
d1=$(echo "$devs" | head -n 1)
state0=$(cat "$d1/state")
modprobe "$(cat "$d1/modalias")" || fail "modprobe $(cat "$d1/modalias") failed"
loaded hvg_echo || fail "modprobe of the MODALIAS did not load hvg_echo"
[ -d "$bus/drivers/hvg_echo" ] || fail "no $bus/drivers/hvg_echo"
for d in $devs; do
	name=${d##*/}
	[ "$(readlink -f "$d/driver")" = "$(readlink -f "$bus/drivers/hvg_echo")" ] ||
		fail "$name is not bound to hvg_echo"
	[ -w "/sys/kernel/debug/hvguest/echo/$name/run" ] ||
		fail "$name: no debugfs hvguest/echo/$name/run"
done
state1=$(cat "$d1/state")
[ "$state1" != "$state0" ] || fail "state '$state0' did not change when the channel opened"
echo "state closed $state0, open $state1"

# Sub-channels: three more channels under channels/, in the VP mapping.
name=${d1##*/}
run=/sys/kernel/debug/hvguest/echo/$name/run
echo "packets=400 channels=4 size_max=256" > "$run" || {
	cat "$run"
	fail "the 4-channel echo run failed"
}
cat "$run"
[ "$(sed -n 's/^channels: //p' "$run")" = 4 ] || fail "the run did not get 4 channels"
nch=$(find "$d1/channels/" -mindepth 1 -maxdepth 1 | grep -c .)
[ "$nch" = 4 ] || fail "$nch entries under channels/, not 4"
nmap=$(grep -c ':' "$d1/channel_vp_mapping")
[ "$nmap" = 4 ] || fail "channel_vp_mapping lists $nmap channels, not 4"
subs=
for c in "$d1"/channels/*; do
	r=${c##*/}
	subs="$subs $(cat "$c/subchannel_id")"
	ev=$(cat "$d1/channels/$r/events")
	in=$(cat "$d1/channels/$r/interrupts")
	echo "channel $r: cpu $(cat "$d1/channels/$r/cpu") events $ev interrupts $in"
	[ "$ev" -gt 0 ] || fail "channel $r signalled the host 0 times after a run"
	[ "$in" -gt 0 ] || fail "channel $r took 0 interrupts after a run"
done
subs=$(echo $subs | tr ' ' '\n' | sort -n | tr '\n' ' ')
[ "$subs" = "0 1 2 3 " ] || fail "subchannel_id of the 4 channels: '$subs', not 0 1 2 3"

# Unbinding by unloading the driver closes the channels (rmmod: modprobe -r
# would unload hvg_vmbus too, now unused).
rmmod hvg_echo || fail "rmmod hvg_echo failed"
[ -e "$d1/driver" ] && fail "still bound after modprobe -r hvg_echo"
[ "$(cat "$d1/state")" = "$state0" ] || fail "state '$(cat "$d1/state")' after close, not '$state0'"
modprobe -r hvg_vmbus || fail "modprobe -r hvg_vmbus failed"
[ -n "$(ls "$bus/devices" 2>/dev/null)" ] && fail "devices left after modprobe -r hvg_vmbus"
modprobe -r hvg_loophost hvg_hypercall || fail "final modprobe -r failed"
n=$(dmesg | sed -n "/$mark/,\$p" | grep -c 'hvg_echo.*\(failed\|error\|mismatch\)')
[ "$n" = 0 ] || fail "$n error lines from hvg_echo"
echo "PASS"
exit 0

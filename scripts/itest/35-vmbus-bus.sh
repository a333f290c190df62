# SPDX-License-Identifier: GPL-2.0
#
# The bus and its channels under different host versions: for VMBus 5.3
# (HvSignalEvent), 4.1 with monitored channels (the guest signals through
# the monitor page) and 2.4 (no MODIFYCHANNEL, no UNLOAD), an echo device
# appears with the upstream sysfs formats, its uevent carries the
# MODALIAS, an echo run over the primary and sub-channels passes and moves
# the channel counters; writing channels/<relid>/cpu moves an open channel
# where the version allows it (5.3: confirmed by the host; 4.1: not
# answered) and is refused below 4.1; driver_override keeps the driver
# from binding and releasing it lets it bind again (the channel reopens);
# the per-channel debugfs shows both rings; UNLOAD at unload (from 3.0).
# Exit 0 on pass.
set -u

mark="hvg-itest-35-vmbus-bus: start $$"
. /hvg/itest.sh

# The class GUID's bytes in wire order (mixed endian), as upstream's alias.
echo_alias='vmbus:119c7a5e3d4b6e4f9a21687667656368'

itest_begin
mount -t debugfs none /sys/kernel/debug 2>/dev/null
ncpu=$(grep -c '^processor' /proc/cpuinfo)

# round VERSION MONITOR: one host configuration, end to end.
round()
{
	v=$1 mon=$2
	rmark="hvg-itest-35: version $v monitor $mon $$"
	echo "$rmark" > /dev/kmsg
	modprobe hvg_loophost version="$v" echo_devices=1 monitor_allocated="$mon" \
		scsi_devices=0 net_devices=0 ||
		fail "modprobe hvg_loophost version=$v monitor_allocated=$mon failed"
	modprobe hvg_vmbus || fail "$v: modprobe hvg_vmbus failed"
	modprobe hvg_echo || fail "$v: modprobe hvg_echo failed"

	d=
	for x in /sys/bus/vmbus/devices/*; do
		[ "$(cat "$x/class_id" 2>/dev/null)" = "$echo_class" ] && d=$x && break
	done
	[ -n "$d" ] || fail "$v: no echo device on the bus"
	name=${d##*/}
	echo "$name" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' ||
		fail "$v: device name '$name' is not a GUID"
	[ "$(cat "$d/device_id")" = "{$name}" ] ||
		fail "$v: device_id '$(cat "$d/device_id")', expected {$name}"
	[ "$(cat "$d/modalias")" = "$echo_alias" ] ||
		fail "$v: modalias '$(cat "$d/modalias")'"
	grep -qx "MODALIAS=$echo_alias" "$d/uevent" ||
		fail "$v: uevent has no MODALIAS=$echo_alias: $(cat "$d/uevent")"
	[ "$(cat "$d/vendor")" = 0x1414 ] || fail "$v: vendor '$(cat "$d/vendor")'"
	[ "$(cat "$d/device")" = 0x10 ] || fail "$v: device '$(cat "$d/device")'"
	[ "$(cat "$d/driver_override")" = "(null)" ] ||
		fail "$v: driver_override '$(cat "$d/driver_override")'"
	[ "$(readlink "$d/driver")" != "" ] && [ "$(basename "$(readlink "$d/driver")")" = hvg_echo ] ||
		fail "$v: not bound to hvg_echo"
	[ "$(cat "$d/state")" = 3 ] || fail "$v: state '$(cat "$d/state")', expected 3 (open)"
	id=$(cat "$d/id")
	[ -d "$d/channels/$id" ] || fail "$v: no channels/$id"
	if [ "$mon" = 1 ]; then
		[ -r "$d/monitor_id" ] || fail "$v: monitored, but no monitor_id"
		[ -r "$d/channels/$id/latency" ] || fail "$v: monitored, but no channels/$id/latency"
	else
		[ -e "$d/monitor_id" ] && fail "$v: monitor_id without a monitor (upstream hides it)"
	fi
	first=$(head -n 1 "$d/channel_vp_mapping")
	[ "$first" = "$id:$(cat "$d/channels/$id/cpu")" ] ||
		fail "$v: channel_vp_mapping starts '$first', channels/$id/cpu is $(cat "$d/channels/$id/cpu")"
	grep -Evq '^[0-9]+:[0-9]+$' "$d/channel_vp_mapping" &&
		fail "$v: channel_vp_mapping line not relid:cpu: $(cat "$d/channel_vp_mapping")"
	for a in cpu in_mask out_mask read_avail write_avail events interrupts \
		 intr_in_full intr_out_empty out_full_first out_full_total \
		 subchannel_id pending_sz; do
		val=$(cat "$d/channels/$id/$a") || fail "$v: channels/$id/$a unreadable"
		echo "$val" | grep -Eq '^[0-9]+$' || fail "$v: channels/$id/$a = '$val'"
	done
	dbg=/sys/kernel/debug/hvguest/vmbus/channels/$id/state
	grep -q '^out: write=' "$dbg" && grep -q '^in: write=' "$dbg" ||
		fail "$v: $dbg has no ring lines: $(cat "$dbg")"

	# An echo run on up to 4 channels (sub-channels where the host has them).
	ev0=$(cat "$d/channels/$id/events")
	run=/sys/kernel/debug/hvguest/echo/$name/run
	echo "packets=$(scaled 20000 20000 4000 20000) channels=4 size_max=3000 seed=35" > "$run" ||
		fail "$v: echo run failed: $(cat "$run")"
	grep -q '^status: 0 ' "$run" || fail "$v: echo run: $(grep '^status' "$run")"
	[ "$(cat "$d/channels/$id/events")" -gt "$ev0" ] ||
		fail "$v: the run signalled the host 0 times on relid $id"
	[ "$(cat "$d/channels/$id/interrupts")" -gt 0 ] ||
		fail "$v: no interrupt counted on relid $id"
	nch=$(grep -c . "$d/channel_vp_mapping")
	echo "$v monitor=$mon: $name relid $id, $nch channel(s), $(grep '^packets_per_s' "$run")"

	# Moving the open primary to another CPU.
	if [ "$ncpu" -gt 1 ]; then
		cur=$(cat "$d/channels/$id/cpu")
		to=$(((cur + 1) % ncpu))
		if [ "$v" = 2.4 ] || [ "$v" = 3.0 ] || [ "$v" = 4.0 ]; then
			echo "$to" > "$d/channels/$id/cpu" 2>/dev/null &&
				fail "$v: MODIFYCHANNEL accepted below 4.1"
			[ "$(cat "$d/channels/$id/cpu")" = "$cur" ] ||
				fail "$v: cpu changed although refused"
		else
			echo "$to" > "$d/channels/$id/cpu" ||
				fail "$v: moving relid $id to CPU $to failed"
			[ "$(cat "$d/channels/$id/cpu")" = "$to" ] ||
				fail "$v: cpu reads $(cat "$d/channels/$id/cpu") after moving to $to"
			echo "packets=2000 channels=1 size_max=512 seed=5" > "$run" ||
				fail "$v: echo run after the move failed: $(grep '^status' "$run")"
		fi
		echo "$ncpu" > "$d/channels/$id/cpu" 2>/dev/null &&
			fail "$v: moving to CPU $ncpu (does not exist) accepted"
	fi

	# driver_override: another driver's name keeps hvg_echo off.
	drv=/sys/bus/vmbus/drivers/hvg_echo
	echo "$name" > "$drv/unbind" || fail "$v: unbind failed"
	[ "$(cat "$d/state")" = 0 ] || fail "$v: state '$(cat "$d/state")' after unbind, expected 0"
	echo no_such_driver > "$d/driver_override" || fail "$v: driver_override write failed"
	[ "$(cat "$d/driver_override")" = no_such_driver ] ||
		fail "$v: driver_override reads '$(cat "$d/driver_override")'"
	echo "$name" > "$drv/bind" 2>/dev/null && fail "$v: bound despite driver_override"
	echo > "$d/driver_override" || fail "$v: clearing driver_override failed"
	[ "$(cat "$d/driver_override")" = "(null)" ] || fail "$v: driver_override not cleared"
	echo "$name" > "$drv/bind" || fail "$v: bind after clearing driver_override failed"
	[ "$(cat "$d/state")" = 3 ] || fail "$v: state '$(cat "$d/state")' after rebinding"
	echo "packets=2000 channels=4 size_max=512 seed=6" > "$run" ||
		fail "$v: echo run after rebinding failed: $(grep '^status' "$run")"

	modprobe -r hvg_echo || fail "$v: cannot unload hvg_echo"
	modprobe -r hvg_vmbus || fail "$v: cannot unload hvg_vmbus"
	if [ "$v" != 2.4 ]; then
		dmesg | sed -n "/$rmark/,\$p" | grep -q 'hvg_vmbus: disconnected: UNLOAD_RESPONSE received' ||
			fail "$v: no UNLOAD_RESPONSE at unload"
	fi
	dmesg | sed -n "/$rmark/,\$p" | grep -E 'leaked|BUG|WARNING|still open' &&
		fail "$v: unexpected kernel messages"
	modprobe -r hvg_loophost hvg_hypercall || fail "$v: cannot unload the host"
}

round 5.3 0
round 4.1 1
round 2.4 0
exit 0

# SPDX-License-Identifier: GPL-2.0
#
# hvg-smp: yes
#
# The per-channel counters of the channel API (hvg_vmbus_chan_stats()),
# as hvg_echo's debugfs "info" shows them ("  vmbus: ..." under each
# channel): after a run of echo requests on the primary channel (5000;
# 1000 on the debug guest), packets
# out and in are equal (every request answered) and at least the run's
# count, bytes out and in are equal (an echo is byte for byte), and
# signals and interrupts are the channel's sysfs "events" and
# "interrupts". Then hvg_echo is unloaded and loaded again (the channel
# closes and opens again): the counts run on from the offer, and a second
# run adds to them. Exit 0 on pass.
set -u

mark="hvg-itest-47-echo-chan-stats: start $$"
. /hvg/itest.sh
itest_diag()
{
	[ -n "${info:-}" ] && [ -r "$info" ] && sed 's/^/  info: /' "$info"
}
# The value of counter $1 of the primary channel's "vmbus:" line.
stat()
{
	sed -n '/^chan 0 /{n;p;}' "$info" | tr ' ' '\n' | sed -n "/^$1\$/{n;p;}"
}

itest_begin

modprobe hvg_loophost || fail "modprobe hvg_loophost failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
modprobe hvg_echo || fail "modprobe hvg_echo failed"
dev=
for d in /sys/bus/vmbus/devices/*; do
	[ "$(cat "$d/class_id" 2>/dev/null)" = "$echo_class" ] && dev=$d && break
done
[ -n "$dev" ] || fail "no echo device"
inst=${dev##*/}
run=/sys/kernel/debug/hvguest/echo/$inst/run
info=/sys/kernel/debug/hvguest/echo/$inst/info
relid=$(cat "$dev/id")

check()
{
	po=$(stat packets_out) pi=$(stat packets_in)
	bo=$(stat bytes_out) bi=$(stat bytes_in)
	[ -n "$po" ] && [ -n "$pi" ] || fail "$1: no vmbus counters in info"
	[ "$po" = "$pi" ] || fail "$1: packets_out $po, packets_in $pi"
	[ "$po" -ge "$2" ] || fail "$1: packets_out $po, fewer than $2"
	[ "$bo" = "$bi" ] || fail "$1: bytes_out $bo, bytes_in $bi"
	[ "$bo" -ge $(($2 * 48)) ] || fail "$1: bytes_out $bo for $po packets"
	ev=$(cat "$dev/channels/$relid/events")
	in=$(cat "$dev/channels/$relid/interrupts")
	[ "$(stat signals)" = "$ev" ] || fail "$1: signals $(stat signals), sysfs events $ev"
	[ "$(stat interrupts)" = "$in" ] || fail "$1: interrupts $(stat interrupts), sysfs interrupts $in"
	[ "$(stat malformed)" = 0 ] || fail "$1: malformed $(stat malformed)"
	echo "$1: packets $po bytes $bo signals $ev interrupts $in polls $(stat polls)"
}

# 5000 and 3000 packets; 1000 and 500 on the debug guest
n1=5000 n2=3000
grep -q 'hvg\.mode=test' /proc/cmdline && n1=1000 n2=500
echo "packets=$n1 channels=1 size_min=16 size_max=2048" > "$run" ||
	fail "first run failed: $(grep status "$run")"
check "after $n1" "$n1"
first=$po

# rmmod: modprobe -r would also remove hvg_vmbus, now unused
rmmod hvg_echo || fail "rmmod hvg_echo failed"
loaded hvg_vmbus || fail "hvg_vmbus went with hvg_echo"
modprobe hvg_echo || fail "modprobe hvg_echo again failed"
[ -r "$info" ] || fail "no $info after reloading hvg_echo"
echo "packets=$n2 channels=1 size_min=16 size_max=2048" > "$run" ||
	fail "second run failed: $(grep status "$run")"
check "after $n2 more, reopened" $((first + n2))

modprobe -r hvg_echo hvg_vmbus || fail "modprobe -r hvg_echo hvg_vmbus failed"
modprobe -r hvg_loophost hvg_hypercall || fail "modprobe -r hvg_loophost failed"
echo "PASS"
exit 0

# SPDX-License-Identifier: GPL-2.0
#
# hvg-smp: yes
#
# CPU offline against the loopback host, as on Hyper-V: a CPU that an open
# channel's interrupts target may not go offline (the offline fails with
# EBUSY: hvg_vmbus's check, asked by the backend's cpuhp callback), and
# may once every such channel was moved elsewhere through sysfs
# (channels/<relid>/cpu: MODIFYCHANNEL). The echo device's primary channel
# is put on CPU 1: the offline of CPU 1 is refused and the echo still runs;
# then every channel on CPU 1 is moved to CPU 0, CPU 1 goes offline, the
# echo runs on CPU 0; CPU 1 comes back, the channel is moved back to it and
# the echo runs again. Skipped with one vCPU, or when CPU 1 cannot be
# taken offline at all (exit 77). Exit 0 on pass.
set -u

mark="hvg-itest-48-vmbus-cpu-offline: start $$"
. /hvg/itest.sh
cpu1=/sys/devices/system/cpu/cpu1/online
itest_diag()
{
	[ -n "${run:-}" ] && [ -r "$run" ] && sed 's/^/  last result: /' "$run"
	for c in /sys/bus/vmbus/devices/*/channels/*; do
		[ -r "$c/cpu" ] && echo "  $c: cpu $(cat "$c/cpu")"
	done
	grep offline_refused /sys/kernel/debug/hvguest/loophost 2>/dev/null
}
itest_cleanup()
{
	[ -w "$cpu1" ] && [ "$(cat "$cpu1")" = 0 ] && echo 1 > "$cpu1"
}
field()
{
	sed -n "s/^$1: //p" "$run"
}

# set_online VALUE: write VALUE to CPU 1's online with /bin/echo, whose
# error message names the errno (dash's own echo says "I/O error" for
# every failure); prints that message, and returns echo's status.
set_online()
{
	so_out=$(/bin/echo "$1" 2>&1 > "$cpu1")
	so_rc=$?
	echo "$so_out"
	return $so_rc
}

# echo_run: a short echo run on the primary channel, checked.
echo_run()
{
	echo packets=2000 channels=1 size_max=1024 seed=48 > "$run" ||
		fail "$1: echo run failed"
	[ "$(field status)" = "0 (ok)" ] || fail "$1: echo status '$(field status)'"
	[ "$(field errors)" = 0 ] || fail "$1: $(field errors) echo errors"
	[ "$(field packets)" = 2000 ] || fail "$1: $(field packets) of 2000 echoes"
	echo "$1: 2000 echoes ok"
}

itest_begin

ncpu=$(grep -c '^processor' /proc/cpuinfo)
if [ "$ncpu" -lt 2 ] || [ ! -w "$cpu1" ]; then
	echo "SKIP: $ncpu vCPU(s), or CPU 1 is not hot-pluggable: nothing to take offline"
	exit 77
fi
[ "$(cat "$cpu1")" = 1 ] || echo 1 > "$cpu1" || fail "CPU 1 is offline and will not come online"

modprobe hvg_loophost || fail "modprobe hvg_loophost failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
modprobe hvg_echo || fail "modprobe hvg_echo failed"
dev=$(echo_devs | head -n 1)
[ -n "$dev" ] || fail "no echo device"
run=/sys/kernel/debug/hvguest/echo/${dev##*/}/run
relid=$(cat "$dev/id")
chan=$dev/channels/$relid
ver=$(sed -n 's/^version: //p' /sys/kernel/debug/hvguest/vmbus/connection)
echo "VMBus $ver, echo primary relid $relid on CPU $(cat "$chan/cpu")"

echo 1 > "$chan/cpu" || fail "cannot move relid $relid to CPU 1"
[ "$(cat "$chan/cpu")" = 1 ] || fail "relid $relid is on CPU $(cat "$chan/cpu"), not 1"
echo_run "on CPU 1"

# 1. Refused while the channel targets CPU 1.
if msg=$(set_online 0); then
	fail "CPU 1 went offline with relid $relid bound to it"
fi
case "$msg" in
*"busy"*) echo "offline of CPU 1 refused: $msg" ;;
*) fail "offline of CPU 1 failed, but not with EBUSY: $msg" ;;
esac
[ "$(cat "$cpu1")" = 1 ] || fail "CPU 1 is offline after a refused offline"
echo_run "after the refusal"

# 2. Every channel on CPU 1 moved to CPU 0 (the echo's, and any other
# device's an auto-loaded driver opened): then the offline goes through.
for c in /sys/bus/vmbus/devices/*/channels/*; do
	[ "$(cat "$c/cpu" 2>/dev/null)" = 1 ] || continue
	echo 0 > "$c/cpu" || fail "cannot move ${c#/sys/bus/vmbus/devices/} to CPU 0"
done
[ "$(cat "$chan/cpu")" = 0 ] || fail "relid $relid is on CPU $(cat "$chan/cpu"), not 0"
msg=$(set_online 0) || fail "offline of CPU 1 refused with no channel on it: $msg"
[ "$(cat "$cpu1")" = 0 ] || fail "CPU 1 still online"
echo "CPU 1 offline"
echo_run "CPU 1 offline"
if echo 1 > "$chan/cpu" 2>/dev/null; then
	fail "relid $relid was moved to the offline CPU 1"
fi

# 3. Back online, the channel back on CPU 1.
msg=$(set_online 1) || fail "CPU 1 does not come back online: $msg"
echo 1 > "$chan/cpu" || fail "cannot move relid $relid back to CPU 1"
echo_run "CPU 1 online again"
echo "refused offlines (host counter): $(sed -n 's/^synic_offline_refused: //p' /sys/kernel/debug/hvguest/loophost)"

[ -z "$(splat)" ] || fail "kernel warnings during the test"
modprobe -r hvg_echo hvg_vmbus hvg_loophost || fail "unload failed"
echo "PASS"
exit 0

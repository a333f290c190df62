# SPDX-License-Identifier: GPL-2.0
#
# hvg-smp: yes
#
# Rescind (hot removal by the host) of an echo device: while its channel is
# open and idle; while a run sends on it (the run ends with ENODEV, the
# device is removed cleanly); of one sub-channel while a run sends (the run
# ends with ENODEV, the device stays, the sub-channel is closed and its
# relid released before the next run); during OPENCHANNEL (fault
# rescind_during_open: the probe fails, the device goes); during GPADL
# set-up (fault rescind_during_gpadl: the GPADL fails). After
# each, a newly offered device binds and echoes. Then 1000 rapid
# offer/rescind cycles (300 on the debug guest) with the driver loaded,
# and everything is gone and
# released at the end. Exit 0 on pass.
set -u

mark="hvg-itest-43-vmbus-rescind: start $$"
. /hvg/itest.sh
itest_diag()
{
	[ -r "$ctl/devices" ] && sed 's/^/  host: /' "$ctl/devices"
}
since()
{
	dmesg | sed -n "/$1/,\$p"
}
ctl=/sys/kernel/debug/hvguest/loophost_ctl
bus=/sys/bus/vmbus

ndevs()
{
	echo_devs | grep -c .
}
# A new echo device offered now and bound: its directory in $newdev.
offer_bound()
{
	before=$(echo_devs)
	echo echo > "$ctl/offer" || fail "offer failed"
	wait_for 20 '[ "$(ndevs)" -gt "$(echo "$before" | grep -c .)" ]' ||
		fail "timed out waiting for a new echo device"
	newdev=$(echo_devs | grep -vxF "$before" | head -n 1)
	wait_for 20 '[ -w "/sys/kernel/debug/hvguest/echo/${newdev##*/}/run" ]' ||
		fail "timed out waiting for hvg_echo to bind ${newdev##*/}"
}
# check_works DEV: a short echo run on DEV passes.
check_works()
{
	r=/sys/kernel/debug/hvguest/echo/${1##*/}/run
	echo "packets=500 size_max=1024" > "$r" || fail "echo run on ${1##*/} failed"
	grep -q '^status: 0 (ok)$' "$r" || fail "echo run on ${1##*/}: $(grep status "$r")"
}

itest_begin
# Round robin: part 5 tells each cycle's new device by its fresh relid.
modprobe hvg_loophost relid_policy=round_robin ||
	fail "modprobe hvg_loophost failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
modprobe hvg_echo || fail "modprobe hvg_echo failed"
for f in offer rescind devices fault; do
	[ -e "$ctl/$f" ] || fail "no $ctl/$f"
done
[ "$(ndevs)" = 1 ] || fail "$(ndevs) echo devices at start, not 1"

# 1. Rescind while open and idle.
m1="hvg-itest-43: rescind while open $$"
echo "$m1" > /dev/kmsg
d=$(echo_devs)
relid=$(cat "$d/id")
echo "$relid" > "$ctl/rescind" || fail "rescind $relid failed"
wait_for 20 '[ ! -e "$d" ]' ||
	fail "timed out waiting for device ${d##*/} (relid $relid) to go after its rescind"
since "$m1" | grep -q "hvg_echo.*echo device removed (rescinded by the host)" ||
	fail "no 'echo device removed (rescinded by the host)' in the log"
[ -e "/sys/kernel/debug/hvguest/echo/${d##*/}" ] && fail "debugfs of ${d##*/} left behind"
echo "1: rescind of relid $relid while open: removed"
offer_bound
check_works "$newdev"

# 2. Rescind while a run sends: the run ends with ENODEV.
m2="hvg-itest-43: rescind while sending $$"
echo "$m2" > /dev/kmsg
d=$newdev
relid=$(cat "$d/id")
r=/sys/kernel/debug/hvguest/echo/${d##*/}/run
(
	# busybox's echo names the write's errno; dash's says "I/O error"
	if busybox echo "packets=100000000 channels=2 size_max=4096" > "$r" 2> /tmp/43.err; then
		echo ok > /tmp/43.rc
	else
		echo failed > /tmp/43.rc
	fi
) &
bg=$!
sleep 2
echo "$relid" > "$ctl/rescind" || fail "rescind $relid during the run failed"
wait "$bg"
[ "$(cat /tmp/43.rc)" = failed ] || fail "the run did not fail when its device was rescinded"
grep -q 'No such device' /tmp/43.err || fail "the run's write failed with '$(cat /tmp/43.err)', not ENODEV"
wait_for 20 '[ ! -e "$d" ]' ||
	fail "timed out waiting for device ${d##*/} to go after its rescind"
since "$m2" | grep -q "hvg_echo.*run ended: -19" ||
	fail "no 'run ended: -19' in the log"
echo "2: rescind of relid $relid while sending: the run ended with ENODEV ($(cat /tmp/43.err))"
offer_bound
check_works "$newdev"

# 2b. One sub-channel rescinded while a 4-channel run sends: the run ends
# with ENODEV and closes that sub-channel (its relid is released), the
# device stays; the next run passes on what the host offers then.
m2b="hvg-itest-43: sub-channel rescind $$"
echo "$m2b" > /dev/kmsg
d=$newdev
r=/sys/kernel/debug/hvguest/echo/${d##*/}/run
echo "packets=400 channels=4 size_max=512" > "$r" || fail "4-channel run on ${d##*/} failed"
prim=$(cat "$d/id")
sub=
for c in "$d"/channels/*; do
	[ "${c##*/}" != "$prim" ] && sub=${c##*/} && break
done
[ -n "$sub" ] || fail "no sub-channel under $d/channels"
(
	if busybox echo "packets=100000000 channels=4 size_max=4096" > "$r" 2> /tmp/43.err; then
		echo ok > /tmp/43.rc
	else
		echo failed > /tmp/43.rc
	fi
) &
bg=$!
sleep 2
echo "$sub" > "$ctl/rescind" || fail "rescind of sub-channel relid $sub failed"
wait "$bg"
[ "$(cat /tmp/43.rc)" = failed ] || fail "the run did not fail when a sub-channel was rescinded"
grep -q 'No such device' /tmp/43.err || fail "the run failed with '$(cat /tmp/43.err)', not ENODEV"
[ -e "$d/driver" ] || fail "the device went with its sub-channel"
since "$m2b" | grep -q "hvg_echo.*sub-channel [0-9]* (relid $sub) was rescinded: closed" ||
	fail "no 'sub-channel ... (relid $sub) was rescinded: closed' in the log"
wait_for 20 '! grep -q "^relid=$sub " "$ctl/devices"' ||
	fail "timed out waiting for the guest to release sub-channel relid $sub"
echo "packets=2000 channels=4 size_max=1024" > "$r" || fail "the run after the sub-channel's rescind failed"
echo "2b: sub-channel relid $sub rescinded during a run: ENODEV, closed and released; the next run used $(sed -n 's/^channels: //p' "$r") channels"

# 3. Rescind during OPENCHANNEL: the probe fails, the device goes.
m3="hvg-itest-43: rescind during open $$"
echo "$m3" > /dev/kmsg
n0=$(ndevs)
echo rescind_during_open > "$ctl/fault" || fail "arming rescind_during_open failed"
echo echo > "$ctl/offer" || fail "offer failed"
# The host may answer the open with a failure before it rescinds (M9):
# -EIO then, -ENODEV otherwise.
wait_for 20 'since "$m3" | grep -q "hvg_echo.*open failed: -\(19\|5\)"' ||
	fail "timed out waiting for the probe's 'open failed: -19 or -5'"
wait_for 20 '[ "$(ndevs)" = "$n0" ]' ||
	fail "timed out waiting for the device rescinded during open to go"
echo "3: rescind during open: $(since "$m3" | grep 'hvg_echo.*open failed' | sed 's/^\[[^]]*\] //')"
check_works "$newdev"
offer_bound
check_works "$newdev"

# 4. Rescind during GPADL set-up: the GPADL fails with ENODEV.
m4="hvg-itest-43: rescind during gpadl $$"
echo "$m4" > /dev/kmsg
d=$newdev
r=/sys/kernel/debug/hvguest/echo/${d##*/}/run
echo rescind_during_gpadl > "$ctl/fault" || fail "arming rescind_during_gpadl failed"
if busybox echo "mode=gpadl iterations=3 pages_min=100 pages_max=200" > "$r" 2> /tmp/43.err; then
	fail "the GPADL run succeeded although the device was rescinded during set-up"
fi
# GPADL_CREATED with a failure status before the rescind (M9) gives -EIO.
grep -q 'No such device\|Input/output error' /tmp/43.err ||
	fail "the GPADL run failed with '$(cat /tmp/43.err)', not ENODEV or EIO"
wait_for 20 '[ ! -e "$d" ]' ||
	fail "timed out waiting for device ${d##*/} to go after the rescind during GPADL set-up"
echo "4: rescind during GPADL set-up: $(since "$m4" | grep 'hvg_echo.*GPADL' | head -n 1 | sed 's/^\[[^]]*\] //')"
offer_bound
check_works "$newdev"

# 5. 1000 rapid offer/rescind cycles, the driver loaded: each offer is
# rescinded as soon as the host has made it, whether the guest has added the
# device, is probing it (opening its channel) or has not seen it yet.
m5="hvg-itest-43: rapid cycles $$"
echo "$m5" > /dev/kmsg
keep=$(echo_devs)
host_relids()
{
	sed -n 's/^relid=\([0-9]*\) class=echo .* sub=0 .*/\1/p' "$ctl/devices"
}
nkeep=$(host_relids | grep -c .)
t0=$(date +%s)
c=0
# 1000; 300 on the debug guest (about 10 a second there, and that guest
# runs KUnit and every test in 600 s).
# hvg.scale: short in the extra debug guests of make check, soak in make
# soak.
cycles=$(scaled 1000 300 20 20000)
while [ "$c" -lt "$cycles" ]; do
	c=$((c + 1))
	echo echo > "$ctl/offer" || fail "cycle $c: offer failed"
	# the host lists its channels in the order it made them
	rel=$(sed -n '$s/^relid=\([0-9]*\) class=echo .* sub=0 .*/\1/p' "$ctl/devices")
	[ -n "$rel" ] && [ "$rel" != "${last:-}" ] ||
		fail "cycle $c: the new device is not the host's last channel"
	last=$rel
	echo "$rel" > "$ctl/rescind" || fail "cycle $c: rescind of relid $rel failed"
	# The host keeps a rescinded relid until the guest releases it, and
	# holds at most 240 channels: every 100 cycles the guest catches up
	# (seen with 4 vCPUs, where the loop outran the guest's releases).
	if [ $((c % 100)) = 0 ]; then
		wait_for 20 '[ "$(host_relids | grep -c .)" = "$nkeep" ]' ||
			fail "timed out waiting for the guest to release the relids of cycles $((c - 99)) to $c"
	fi
done
wait_for 20 '[ "$(echo_devs)" = "$keep" ]' ||
	fail "timed out waiting for the rescinded devices to go"
# Every rescinded relid released by the guest: the host lists only the
# devices kept (and their channels).
wait_for 20 '[ "$(host_relids | grep -c .)" = "$nkeep" ]' ||
	fail "timed out waiting for the guest to release every rescinded relid"
t1=$(date +%s)
echo "5: $c offer/rescind cycles in $((t1 - t0)) s"
sed 's/^/  host: /' "$ctl/devices"
for d in $keep; do
	check_works "$d"
done

modprobe -r hvg_echo || fail "modprobe -r hvg_echo failed"
modprobe -r hvg_vmbus || fail "modprobe -r hvg_vmbus failed"
modprobe -r hvg_loophost hvg_hypercall || fail "final modprobe -r failed"
echo "PASS"
exit 0

# SPDX-License-Identifier: GPL-2.0
#
# A host that misbehaves on one request at a time (debugfs
# hvguest/storvsp/fault, one-shot faults on the next EXECUTE_SRB): for
# each fault a 4 KiB direct read of a known block, then what the guest
# must show. A completion with a forged id, or a second one with the now
# stale id: dropped and logged, the read succeeds with no SCSI error. A
# malformed completion (24 bytes, wrong operation, sense_info_length 255,
# data_transfer_length beyond the request) or an SRB status no host sends:
# logged naming the field, the command ends with an error (the device's
# ioerr_cnt grows) and the midlayer's retry reads the right data. A
# completion held back 0.5 s: the read just takes longer; held back 4 s
# with a 2 s command timeout, or never sent: the abort is logged and
# drains the command's channel (RESET_BUS answered), the retry reads the
# right data, the late completion is dropped. Last, the
# host holds a read and rescinds the controller: the read fails, the disk
# goes, no splat. Exit 0 on pass.
set -u

mark="hvg-itest-52-storvsc-faults: start $$"
. /hvg/itest.sh
dbg=/sys/kernel/debug/hvguest/storvsp
# The kernel log since the current step began.
step_log()
{
	dmesg | sed -n "/hvg-itest-52 step $step\$/,\$p"
}
# Wait (up to $2 tenths of a second) for the step's log to match $1.
wait_log()
{
	i=0
	while [ $i -lt "$2" ]; do
		step_log | grep -q "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
ioerr()
{
	echo $(($(cat "$sdev/ioerr_cnt")))
}
fired()
{
	sed -n "s/^$1 armed=0 fired=\([0-9]*\)\$/\1/p" "$dbg/fault"
}

# Arm fault $1, read block $blk, check the data; sets $ms, $derr.
read_with()
{
	nstep=$((nstep + 1))
	step="$nstep $1"
	echo "hvg-itest-52 step $step" > /dev/kmsg
	f0=$(fired "$1")
	e0=$(ioerr)
	echo "$1" > "$dbg/fault" || fail "cannot arm fault $1"
	t0=$(now_ms)
	dd if="/dev/$sd" of=/tmp/back bs=4096 skip=$blk count=1 iflag=direct \
		2>/tmp/dd.err || fail "$1: the read failed: $(cat /tmp/dd.err)"
	t1=$(now_ms)
	ms=$((t1 - t0))
	derr=$(($(ioerr) - e0))
	[ "$(fired "$1")" = $((f0 + 1)) ] ||
		fail "$1: the fault did not fire once: $(grep "^$1 " "$dbg/fault")"
	dd if=/tmp/pat of=/tmp/want bs=4096 skip=$blk count=1 2>/dev/null
	cmp -s /tmp/want /tmp/back || fail "$1: the read returned other data"
	blk=$((blk + 7))
}

itest_begin
modprobe sd_mod 2>/dev/null

modprobe hvg_loophost echo_devices=0 scsi_devices=1 scsi_luns=1 \
	scsi_lun_mb=16 || fail "modprobe hvg_loophost failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
modprobe hvg_storvsc || fail "modprobe hvg_storvsc failed"
sd=$(storvsc_disk) || fail "no disk on the hv_storvsc host"
sdev=/sys/block/$sd/device
dd if=/dev/urandom of=/tmp/pat bs=64k count=16 2>/dev/null
dd if=/tmp/pat of="/dev/$sd" bs=64k oflag=direct 2>/dev/null ||
	fail "writing the pattern failed"
echo "/dev/$sd: 1 MiB pattern written"
blk=3
nstep=0

# Completions of no live request: dropped, counted, logged; no error.
for f in forged_id stale_id; do
	read_with $f
	wait_log 'completion with transaction id 0x[0-9a-f]* of no live request' 30 ||
		fail "$f: no log line for the dropped completion"
	[ $derr = 0 ] || fail "$f: $derr SCSI errors, not 0"
	echo "$f: read ok in $ms ms, dropped: $(step_log | grep -o 'transaction id 0x[0-9a-f]*' | head -n 1)"
done

# Malformed completions and a bad SRB status: an error, then the retry.
for p in "short packet-too-short" "wrong_op unexpected-operation" \
	"sense_overflow sense-too-long" \
	"transfer_overflow transfer-longer-than-request" \
	"bad_srb_status srb_status 0x3e, scsi_status 0x*0: host error"; do
	f=${p%% *}
	why=${p#* }
	read_with "$f"
	wait_log "$why" 30 || fail "$f: no log line saying '$why'"
	[ $derr -ge 1 ] || fail "$f: the command did not end with an error"
	echo "$f: $derr SCSI error(s), retried, read ok in $ms ms; log: $(step_log | grep -o "hv_storvsc.*$why" | head -n 1)"
done

# A completion held back for less than the command timeout.
echo 500 > /sys/module/hvg_loophost/parameters/scsi_fault_delay_ms
read_with delay
[ $ms -ge 500 ] || fail "delay: the read took $ms ms, less than the 500 ms held"
[ $derr = 0 ] || fail "delay: $derr SCSI errors, not 0"
step_log | grep -q 'aborted' && fail "delay: 500 ms led to an abort"
echo "delay 500 ms: read ok in $ms ms, no error"

# Longer than the timeout, and never: the abort, the retry, and for the
# late completion a drop.
echo 2 > "$sdev/timeout" || fail "cannot set $sdev/timeout"
[ -w "$sdev/eh_timeout" ] && echo 2 > "$sdev/eh_timeout"
echo 4000 > /sys/module/hvg_loophost/parameters/scsi_fault_delay_ms
read_with delay
wait_log 'no answer from the host, aborted' 10 || fail "delay 4 s: no abort logged"
wait_log 'of no live request' 60 || fail "delay 4 s: the late completion was not dropped"
echo "delay 4 s, timeout 2 s: aborted, retried, read ok in $ms ms; the late completion dropped"
read_with drop
wait_log 'no answer from the host, aborted' 10 || fail "drop: no abort logged"
# Each abort waited for the host to drain the channel (a RESET_BUS).
step_log | grep -q 'aborted; channel [0-9]* drained (RESET_BUS answered)' ||
	fail "drop: the abort did not drain the channel: $(step_log | grep aborted)"
echo "drop: aborted, retried, read ok in $ms ms"
[ "$(cat "$sdev/state")" = running ] || fail "the disk is '$(cat "$sdev/state")', not running"
echo 30 > "$sdev/timeout"
counters=$(grep 'class=scsi ' /sys/kernel/debug/hvguest/loophost_ctl/devices)
echo "host: $counters"

# The host holds a read and rescinds the controller meanwhile.
step=rescind
echo "hvg-itest-52 step $step" > /dev/kmsg
dd if="/dev/$sd" of=/dev/null bs=4096 skip=100 count=1 iflag=direct \
	2>/tmp/dd.err &
ddpid=$!
echo rescind_during_io > "$dbg/fault" || fail "rescind_during_io failed"
i=0
while kill -0 $ddpid 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 $ddpid 2>/dev/null && fail "the held read still runs 30 s after the rescind"
wait $ddpid && fail "the held read succeeded on a rescinded controller"
i=0
while [ -e "/sys/block/$sd" ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -e "/sys/block/$sd" ] && fail "/dev/$sd still there 30 s after the rescind"
echo "rescind_during_io: the held read failed ($(head -c 80 /tmp/dd.err)), /dev/$sd gone"

modprobe -r hvg_storvsc || fail "modprobe -r hvg_storvsc failed"
modprobe -r hvg_vmbus || fail "modprobe -r hvg_vmbus failed"
modprobe -r hvg_loophost hvg_hypercall || fail "modprobe -r hvg_loophost failed"
s=$(splat)
[ -z "$s" ] || fail "kernel log: $s"
echo "unloaded cleanly, no splat"
exit 0

# SPDX-License-Identifier: GPL-2.0
#
# hvg-smp: yes
#
# A synthetic disk end to end: the loopback host offers one SCSI controller
# with one 32 MiB RAM LUN (hvg_loophost scsi_devices=1), hvg_storvsc loads
# from the device's MODALIAS and binds it (driver hv_storvsc); a /dev/sdX
# appears with the right size, vendor Msft and model Virtual Disk. A random
# pattern written with dd reads back the same after the page cache is
# dropped; ext4 on the disk (when the guest has mkfs.ext4): a file written,
# unmounted, mounted again and compared. Then hvg_storvsc is unloaded (the
# disk goes), reloaded (the disk and its data come back), and everything
# unloads cleanly with no splat in the kernel log. The host serves in the
# guest's signal (scsi_serve_now=Y) and, once set to N and reopened, in the
# channels' work only (for the rest of the test), the data the same either
# way. A host that leaves
# every request unanswered (scsi_fault_drop_srbs=-1): a read ends in an
# I/O error after the abort and reset handlers, not in a hang, and the disk
# works again once the host answers. Last, the host rescinds the
# controller while ext4 on it is mounted and written: the writer ends,
# the controller and the disk go, the filesystem unmounts. Exit 0 on pass.
set -u

mark="hvg-itest-50-storvsc-disk: start $$"
. /hvg/itest.sh
itest_cleanup()
{
	umount /mnt 2>/dev/null
}
scsi_class='{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}'
lun_mb=32

# hvg_hypercall's Hyper-V backend is the one in use (an hv_soft guest).
hyperv_backend()
{
	grep -q '^selected: hyperv' /sys/kernel/debug/hvguest/hypercall/backends 2>/dev/null
}

strip()
{
	sed 's/^ *//; s/ *$//'
}

itest_begin
# No udev in the guest to load the disk driver for the LUN: load it first.
modprobe sd_mod 2>/dev/null

modprobe hvg_loophost echo_devices=0 scsi_devices=1 scsi_luns=1 \
	scsi_lun_mb=$lun_mb scsi_max_subchannels=4 ||
	fail "modprobe hvg_loophost scsi_devices=1 failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
dev=
i=0
while [ -z "$dev" ] && [ $i -lt 50 ]; do
	for d in /sys/bus/vmbus/devices/*; do
		[ "$(cat "$d/class_id" 2>/dev/null)" = "$scsi_class" ] &&
			dev=$d && break
	done
	[ -n "$dev" ] || sleep 0.1
	i=$((i + 1))
done
[ -n "$dev" ] || fail "no SCSI controller on the vmbus bus"
alias=$(cat "$dev/modalias") || fail "no modalias for $dev"
echo "controller ${dev##*/}, $alias"
modprobe "$alias" || fail "modprobe $alias (the controller's MODALIAS) failed"
loaded hvg_storvsc || fail "the MODALIAS did not load hvg_storvsc"
drv=$(readlink "$dev/driver")
[ "${drv##*/}" = hv_storvsc ] || fail "controller bound to '${drv##*/}', not hv_storvsc"

sd=$(storvsc_disk) || fail "no disk appeared on the hv_storvsc host"
echo "disk /dev/$sd"
[ -b "/dev/$sd" ] || fail "/dev/$sd is not a block device"
sdev=/sys/block/$sd/device
vendor=$(strip < "$sdev/vendor")
model=$(strip < "$sdev/model")
[ "$vendor" = Msft ] || fail "vendor '$vendor', not Msft"
[ "$model" = "Virtual Disk" ] || fail "model '$model', not Virtual Disk"
size=$(cat "/sys/block/$sd/size")
[ "$size" = $((lun_mb * 2048)) ] ||
	fail "size $size sectors, not $((lun_mb * 2048)) ($lun_mb MiB)"
echo "vendor $vendor, model $model, $size sectors"

# One hardware queue per channel: a sub-channel per online CPU besides
# the first (at most 4, the host's limit here).
cpus=$(nproc)
want=$((cpus - 1))
[ $want -gt 4 ] && want=4
queues=$(ls "/sys/block/$sd/mq" | wc -l)
[ "$queues" = $((want + 1)) ] ||
	fail "$queues hardware queues on $cpus CPUs, not $((want + 1))"
echo "$queues hardware queues (channels) on $cpus CPUs"
# Reads from every CPU: each hardware queue's channel carries I/O.
c=0
while [ $c -lt "$cpus" ]; do
	taskset -c $c dd if="/dev/$sd" of=/dev/null bs=64k count=64 \
		iflag=direct 2>/dev/null || fail "direct read on CPU $c failed"
	c=$((c + 1))
done
grep 'class=scsi ' /sys/kernel/debug/hvguest/loophost_ctl/devices |
	sed 's/^/host: /'
if [ "$queues" -gt 1 ]; then
	grep 'class=scsi ' /sys/kernel/debug/hvguest/loophost_ctl/devices |
		grep -c ' srbs=[1-9]' | grep -qx "$queues" ||
		fail "not every channel carried I/O"
fi

# A pattern: 5 MiB at an offset of 1 MiB + 4 KiB, in 1 MiB writes and a
# final partial one, so that requests of several sizes go out.
dd if=/dev/urandom of=/tmp/pat bs=1024 count=5120 2>/dev/null ||
	fail "cannot make the pattern"
dd if=/tmp/pat of="/dev/$sd" bs=4096 seek=257 conv=fsync 2>/tmp/dd.err ||
	fail "dd write failed: $(cat /tmp/dd.err)"
echo 3 > /proc/sys/vm/drop_caches
blockdev --flushbufs "/dev/$sd" 2>/dev/null
dd if="/dev/$sd" of=/tmp/back bs=4096 skip=257 count=1280 2>/tmp/dd.err ||
	fail "dd read failed: $(cat /tmp/dd.err)"
cmp /tmp/pat /tmp/back || fail "the pattern read back differs"
echo "pattern: 5 MiB written, read back after drop_caches, equal"
# The whole disk reads, to the last sector.
dd if="/dev/$sd" of=/dev/null bs=1M 2>/tmp/dd.err ||
	fail "reading the whole disk failed: $(cat /tmp/dd.err)"

if command -v mkfs.ext4 > /dev/null 2>&1; then
	modprobe ext4 2>/dev/null
	mkfs.ext4 -q -F "/dev/$sd" > /tmp/mkfs.log 2>&1 ||
		fail "mkfs.ext4 failed: $(cat /tmp/mkfs.log)"
	mount -t ext4 "/dev/$sd" /mnt || fail "mount failed"
	dd if=/dev/urandom of=/tmp/file bs=1024 count=3000 2>/dev/null
	cp /tmp/file /mnt/file || fail "writing a file to ext4 failed"
	sync
	umount /mnt || fail "umount failed"
	echo 3 > /proc/sys/vm/drop_caches
	mount -t ext4 "/dev/$sd" /mnt || fail "second mount failed"
	cmp /tmp/file /mnt/file || fail "the file read back from ext4 differs"
	umount /mnt || fail "second umount failed"
	echo "ext4: mkfs, mount, 3000 KiB file written, remounted, equal"
	# The pattern was overwritten by mkfs: write it again for the reload.
	dd if=/tmp/pat of="/dev/$sd" bs=4096 seek=257 conv=fsync 2>/dev/null ||
		fail "dd write failed"
else
	echo "SKIP ext4 part: no mkfs.ext4 in this guest"
fi

# Unload: the disk goes. Reload: it and its data come back.
# rmmod, not modprobe -r: hvg_vmbus stays, with the controller unbound.
rmmod hvg_storvsc || fail "rmmod hvg_storvsc failed"
[ -L "$dev/driver" ] && fail "the controller is still bound after rmmod"
[ -e "/sys/block/$sd" ] && fail "/dev/$sd still there after unloading"
modprobe hvg_storvsc || fail "reloading hvg_storvsc failed"
sd=$(storvsc_disk) || fail "no disk after reloading hvg_storvsc"
dd if="/dev/$sd" of=/tmp/back bs=4096 skip=257 count=1280 2>/tmp/dd.err ||
	fail "dd read after reload failed: $(cat /tmp/dd.err)"
cmp /tmp/pat /tmp/back || fail "the pattern differs after reloading"
queues=$(ls "/sys/block/$sd/mq" | wc -l)
[ "$queues" = $((want + 1)) ] ||
	fail "after reloading: $queues hardware queues, not $((want + 1))"
echo "reload: /dev/$sd back, pattern equal"

# Both ways of serving: the host answered in the guest's own signal so far
# (scsi_serve_now=Y, the default; runs_now counts those drains); with N,
# a reopened controller is served in the channels' work only, and the data
# is the same either way.
hostsum()
{
	grep 'class=scsi ' /sys/kernel/debug/hvguest/loophost_ctl/devices |
		sed -n "s/.* $1=\([0-9]*\).*/\1/p" |
		awk '{ n += $1 } END { print n + 0 }'
}
now=/sys/module/hvg_loophost/parameters/scsi_serve_now
now1=$(hostsum runs_now)
if hyperv_backend; then
	# The Hyper-V backend (hv_soft) signals with interrupts off.
	[ "$now1" = 0 ] ||
		fail "$now1 drains in a signal sent with interrupts off"
else
	[ "$now1" -gt 0 ] ||
		fail "no drain in the guest's signal with scsi_serve_now=$(cat "$now")"
	# hv_storvsc's quiet sends (quiet_send=Y) found those answers at once.
	q=$(cat /sys/kernel/debug/hvguest/vmbus/channels/*/state 2>/dev/null |
		sed -n 's/^quiet_receives: *//p' |
		awk '{ n += $1 } END { print n + 0 }')
	[ "$q" -gt 0 ] || fail "no answer found right after a quiet send"
	echo "answers found right after the send: $q"
fi
echo N > "$now" || fail "cannot set scsi_serve_now"
rmmod hvg_storvsc || fail "rmmod hvg_storvsc (scsi_serve_now=N) failed"
modprobe hvg_storvsc || fail "reloading hvg_storvsc (scsi_serve_now=N) failed"
sd=$(storvsc_disk) || fail "no disk after reloading with scsi_serve_now=N"
# The reload rescinds the sub-channels: their counters start again.
nowN=$(hostsum runs_now)
runs1=$(hostsum runs)
dd if="/dev/$sd" of=/tmp/back bs=4096 skip=257 count=1280 iflag=direct \
	2>/tmp/dd.err || fail "read with scsi_serve_now=N failed: $(cat /tmp/dd.err)"
cmp /tmp/pat /tmp/back || fail "the pattern differs with scsi_serve_now=N"
now2=$(hostsum runs_now)
runs2=$(hostsum runs)
[ "$now2" = "$nowN" ] ||
	fail "scsi_serve_now=N: $((now2 - nowN)) drains in the guest's signal"
[ "$runs2" -gt "$runs1" ] || fail "scsi_serve_now=N: no drain in the work"
# The rest of the test runs on the work's path; the next load is Y again.
echo "served in the signal: $now1 drains; with scsi_serve_now=N $((runs2 - runs1)) in the work and none in the signal; the pattern equal"

# A host that never answers: the read ends in an error, not a hang, and
# the disk works again once the host answers.
drop=/sys/module/hvg_loophost/parameters/scsi_fault_drop_srbs
sdev=/sys/block/$sd/device
echo 2 > "$sdev/timeout" || fail "cannot set $sdev/timeout"
[ -w "$sdev/eh_timeout" ] && echo 2 > "$sdev/eh_timeout"
echo -1 > "$drop" || fail "cannot arm scsi_fault_drop_srbs"
t0=$(cut -d. -f1 /proc/uptime)
timeout 150 dd if="/dev/$sd" of=/dev/null bs=4096 count=1 skip=300 \
	iflag=direct 2>/tmp/dd.err
rc=$?
t1=$(cut -d. -f1 /proc/uptime)
echo 0 > "$drop"
[ $rc = 124 ] && fail "a read the host never answers hung for 150 s"
[ $rc = 0 ] && fail "a read the host never answers succeeded"
dmesg | sed -n "/$mark/,\$p" | grep -q 'no answer from the host, aborted' ||
	fail "no abort logged for the unanswered read"
echo "unanswered read: failed after $((t1 - t0)) s (dd exit $rc), state $(cat "$sdev/state")"
[ "$(cat "$sdev/state")" = running ] || echo running > "$sdev/state"
echo 30 > "$sdev/timeout"
dd if="/dev/$sd" of=/tmp/back bs=4096 skip=257 count=1280 iflag=direct \
	2>/tmp/dd.err || fail "read after the host answers again failed: $(cat /tmp/dd.err)"
cmp /tmp/pat /tmp/back || fail "the pattern differs after the unanswered read"
echo "the host answers again: pattern equal"

# The host rescinds the controller while a filesystem on it is mounted and
# being written: the writes fail, the controller goes, the filesystem
# unmounts, no splat.
relid=$(sed -n 's/^relid=\([0-9]*\) class=scsi .* sub=0 .*/\1/p' \
	/sys/kernel/debug/hvguest/loophost_ctl/devices)
[ -n "$relid" ] || fail "no relid for the SCSI controller in loophost_ctl/devices"
if command -v mkfs.ext4 > /dev/null 2>&1; then
	mkfs.ext4 -q -F "/dev/$sd" > /tmp/mkfs.log 2>&1 ||
		fail "mkfs.ext4 failed: $(cat /tmp/mkfs.log)"
	mount -t ext4 "/dev/$sd" /mnt || fail "mount before the rescind failed"
	target=/mnt/big
else
	target=/dev/$sd
fi
dd if=/dev/zero of="$target" bs=64k count=2000 conv=fsync 2>/tmp/dd.err &
ddpid=$!
sleep 1
echo "$relid" > /sys/kernel/debug/hvguest/loophost_ctl/rescind ||
	fail "rescind of relid $relid failed"
i=0
while [ -e "$dev" ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -e "$dev" ] && fail "the controller is still there 30 s after its rescind"
i=0
while kill -0 $ddpid 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 $ddpid 2>/dev/null && fail "a writer still runs 30 s after the rescind"
wait $ddpid
ddrc=$?
if [ "$target" = /mnt/big ]; then
	umount /mnt || fail "umount after the rescind failed"
fi
# The bus link goes before the driver's remove() runs: wait for the disk.
i=0
while [ -e "/sys/block/$sd" ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -e "/sys/block/$sd" ] && fail "/dev/$sd still there 30 s after the rescind"
echo "rescind under I/O: controller and /dev/$sd gone, writer exit $ddrc, unmounted"

modprobe -r hvg_storvsc || fail "final modprobe -r hvg_storvsc failed"
modprobe -r hvg_vmbus || fail "modprobe -r hvg_vmbus failed"
modprobe -r hvg_loophost hvg_hypercall || fail "modprobe -r hvg_loophost failed"
s=$(splat)
[ -z "$s" ] || fail "kernel log: $s"
echo "unloaded cleanly, no splat"
exit 0

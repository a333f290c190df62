# SPDX-License-Identifier: GPL-2.0
#
# A LUN backed by a block device of the guest (hvg_loophost
# scsi_backing=/dev/ram0, host/lun_bdev.c): the device becomes LUN 0 of the
# synthetic controller, its RAM LUN LUN 1. What the device held reads back
# through hv_storvsc's sdX; what is written through sdX (with a flush) is
# on the device after everything is unloaded; an UNMAP through sdX
# (blkdiscard) zeroes its range on the device. A backing file on tmpfs that
# shrinks under the LUN: the read past its new end fails with MEDIUM ERROR
# sense, and the loophost names the file. A path that cannot be opened,
# or one for a controller that is not offered, fails the load. Exit 0 on
# pass.
set -u

mark="hvg-itest-54-storvsc-backing: start $$"
. /hvg/itest.sh
itest_cleanup()
{
	umount /tmp/bk 2>/dev/null
}
# Load the loophost with $1 as LUN 0's backing, the bus and the driver.
attach()
{
	modprobe hvg_loophost echo_devices=0 net_devices=0 scsi_devices=1 \
		scsi_luns=1 scsi_lun_mb=1 scsi_backing="$1" ||
		fail "modprobe hvg_loophost scsi_backing=$1 failed"
	modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
	modprobe hvg_storvsc || fail "modprobe hvg_storvsc failed"
}

itest_begin
modprobe sd_mod 2>/dev/null

# A path that does not exist: the load fails and says why.
if modprobe hvg_loophost echo_devices=0 net_devices=0 scsi_devices=1 \
	scsi_backing=/dev/hvg-no-such-disk 2>/dev/null; then
	fail "hvg_loophost loaded with a backing path that does not exist"
fi
dmesg | sed -n "/$mark/,\$p" |
	grep -q 'scsi_backing /dev/hvg-no-such-disk: cannot open: -2' ||
	fail "no 'cannot open' message for a missing backing path"
echo "missing backing path: load refused"
# A path for a controller that is not offered: refused too.
if modprobe hvg_loophost echo_devices=0 net_devices=0 scsi_devices=1 \
	scsi_backing=,/dev/hvg-no-such-disk 2>/dev/null; then
	fail "hvg_loophost loaded with a backing path for controller 1 of 1"
fi
dmesg | sed -n "/$mark/,\$p" | grep -q 'scsi_backing paths=2: out of range' ||
	fail "no 'out of range' message for a backing path beyond scsi_devices"
echo "backing path beyond scsi_devices: load refused"

# The block device: brd's first RAM disk (a module on the stock kernel,
# built in with 4 MiB disks on the test kernel).
modprobe brd rd_nr=1 rd_size=8192 2>/dev/null
[ -b /dev/ram0 ] || fail "no /dev/ram0"
bsize=$(($(cat /sys/block/ram0/size) * 512))
[ "$bsize" -ge $((4 << 20)) ] || fail "/dev/ram0 has only $bsize bytes"
dd if=/dev/urandom of=/tmp/pat1 bs=1024 count=1024 2>/dev/null
dd if=/dev/urandom of=/tmp/pat2 bs=1024 count=512 2>/dev/null
dd if=/dev/urandom of=/tmp/pat3 bs=1024 count=512 2>/dev/null
dd if=/tmp/pat1 of=/dev/ram0 bs=1024 seek=1024 conv=fsync 2>/dev/null ||
	fail "writing the pattern to /dev/ram0 failed"
dd if=/tmp/pat3 of=/dev/ram0 bs=1024 seek=3072 conv=fsync 2>/dev/null ||
	fail "writing the third pattern to /dev/ram0 failed"

attach /dev/ram0
sd=$(storvsc_disk 0) || fail "no disk at LUN 0 of the hv_storvsc host"
ram=$(storvsc_disk 1) || fail "no RAM disk at LUN 1"
size=$(cat "/sys/block/$sd/size")
[ $((size * 512)) = "$bsize" ] ||
	fail "LUN 0 has $size sectors, /dev/ram0 $((bsize / 512))"
[ "$(cat "/sys/block/$ram/size")" = 2048 ] ||
	fail "LUN 1 has $(cat "/sys/block/$ram/size") sectors, not 2048 (1 MiB of RAM)"
echo "LUN 0 /dev/$sd: $size sectors (/dev/ram0), LUN 1 /dev/$ram: 1 MiB RAM"

dd if="/dev/$sd" of=/tmp/back bs=1024 skip=1024 count=1024 iflag=direct \
	2>/tmp/dd.err || fail "reading through /dev/$sd failed: $(cat /tmp/dd.err)"
cmp /tmp/pat1 /tmp/back || fail "/dev/$sd does not read what /dev/ram0 holds"
echo "read: the device's pattern, through /dev/$sd"

dd if=/tmp/pat2 of="/dev/$sd" bs=1024 seek=2048 oflag=direct conv=fsync \
	2>/tmp/dd.err || fail "writing through /dev/$sd failed: $(cat /tmp/dd.err)"
grep -q 'write back' "/sys/block/$sd/queue/write_cache" ||
	fail "LUN 0 reports no write cache: the guest would not flush"
blkdiscard -o $((3 << 20)) -l $((512 << 10)) "/dev/$sd" 2>/tmp/dd.err ||
	fail "blkdiscard through /dev/$sd failed: $(cat /tmp/dd.err)"
dd if="/dev/$sd" bs=1024 skip=3072 count=512 iflag=direct 2>/dev/null |
	tr -d '\0' | wc -c | grep -qx 0 ||
	fail "the discarded range does not read as zeroes through /dev/$sd"
unload_stack
dd if=/dev/ram0 of=/tmp/back bs=1024 skip=2048 count=512 2>/dev/null
cmp /tmp/pat2 /tmp/back || fail "what was written through /dev/$sd is not on /dev/ram0"
dd if=/dev/ram0 bs=1024 skip=3072 count=512 2>/dev/null | tr -d '\0' |
	wc -c | grep -qx 0 || fail "the range unmapped through /dev/$sd is not zero on /dev/ram0"
echo "write + flush and unmap through /dev/$sd: on /dev/ram0 after unloading"
modprobe -r brd 2>/dev/null

# A backing file that shrinks under the LUN: MEDIUM ERROR, not garbage.
mkdir -p /tmp/bk
mount -t tmpfs -o size=16m tmpfs /tmp/bk || fail "cannot mount tmpfs"
dd if=/dev/zero of=/tmp/bk/disk bs=1M count=8 2>/dev/null
attach /tmp/bk/disk
sd=$(storvsc_disk 0) || fail "no disk for the backing file"
truncate -s 4M /tmp/bk/disk || fail "truncate failed"
if dd if="/dev/$sd" of=/dev/null bs=4096 skip=1536 count=1 iflag=direct \
	2>/dev/null; then
	fail "a read past the end of the shrunk backing file succeeded"
fi
log=$(dmesg | sed -n "/$mark/,\$p")
echo "$log" | grep -q 'scsi backing /tmp/bk/disk: read of 4096 bytes at 6291456 failed' ||
	fail "the loophost did not name the file and the failed read"
# (As a name with CONFIG_SCSI_CONSTANTS, else as its number.)
echo "$log" | grep -Eq 'Sense Key : (Medium Error|0x3) ' ||
	fail "the guest did not get MEDIUM ERROR sense"
echo "shrunk backing file: the read failed with MEDIUM ERROR sense"
unload_stack
umount /tmp/bk || fail "umount of the tmpfs failed"

s=$(dmesg | sed -n "/$mark/,\$p" |
	grep -E 'BUG:|WARNING:|Oops|KASAN|UBSAN|general protection|blocked for more')
[ -z "$s" ] || fail "kernel log: $s"
echo "unloaded cleanly, no splat"
exit 0

# SPDX-License-Identifier: GPL-2.0
#
# Synthetic IDE disks (hvg_loophost ide_devices=2: devices 0 and 1 of IDE
# controller 0, each its own channel of the IDE class, beside one SCSI
# controller): each offer's instance GUID names its device in bytes 4-5,
# hvg_storvsc binds each one (driver hv_storvsc) and adds exactly one disk,
# at target = that device number, LUN 0, of its own SCSI host, without a
# scan; a user's rescan of that host adds nothing. A pattern written to
# device 1's disk reads back after the page cache is dropped, and not on
# device 0's. The host refuses LUN hot plug on an IDE disk. Everything
# unloads with no splat. Exit 0 on pass.
set -u

mark="hvg-itest-56-storvsc-ide: start $$"
. /hvg/itest.sh
ide_class='{32412632-86cb-44a2-9b5c-50d1417354f5}'
ctl=/sys/kernel/debug/hvguest/storvsp/lun

# The IDE devices on the bus, one a line.
ide_devs()
{
	class_devs "$ide_class"
}

# The SCSI host of vmbus device $1 (hostN), or nothing.
host_of()
{
	for h in "$1"/host*; do
		[ -d "$h" ] && echo "${h##*/}" && return 0
	done
	return 1
}

# The SCSI devices (H:C:T:L) of host $1, one a line.
sdevs_of()
{
	for s in /sys/bus/scsi/devices/"${1#host}":*; do
		[ -e "$s" ] && echo "${s##*/}"
	done
	return 0
}

itest_begin
modprobe sd_mod 2>/dev/null
modprobe hvg_loophost echo_devices=0 net_devices=0 scsi_devices=1 \
	scsi_luns=1 scsi_lun_mb=4 ide_devices=2 ||
	fail "modprobe hvg_loophost ide_devices=2 failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
wait_for 10 '[ "$(ide_devs | wc -l)" = 2 ]' ||
	fail "$(ide_devs | wc -l) IDE devices on the bus, not 2"
modprobe hvg_storvsc || fail "modprobe hvg_storvsc failed"

seen=
for d in $(ide_devs); do
	id=$(cat "$d/device_id")
	# Bytes 4-5 of the GUID, little-endian: its second group.
	t=$(echo "$id" | sed -n 's/^{[0-9a-f]*-\([0-9a-f]*\)-.*/\1/p')
	case "$t" in
	0000) t=0 ;;
	0001) t=1 ;;
	*) fail "IDE offer $id: bytes 4-5 of its instance are '$t', not device 0 or 1" ;;
	esac
	case " $seen " in
	*" $t "*) fail "two IDE offers name device $t" ;;
	esac
	seen="$seen $t"
	wait_for 10 '[ -L "$d/driver" ]' || fail "IDE device $id is not bound"
	drv=$(readlink "$d/driver")
	[ "${drv##*/}" = hv_storvsc ] || fail "IDE device $id bound to '${drv##*/}'"
	wait_for 10 'host_of "$d" > /dev/null' || fail "IDE device $id has no SCSI host"
	h=$(host_of "$d")
	wait_for 10 '[ -n "$(sdevs_of "$h")" ]' || fail "IDE device $t: no disk on $h"
	s=$(sdevs_of "$h")
	[ "$s" = "${h#host}:0:$t:0" ] ||
		fail "IDE device $t: SCSI devices of $h are '$s', not ${h#host}:0:$t:0"
	# A user's rescan (every channel, target, LUN) adds nothing.
	echo "- - -" > "/sys/class/scsi_host/$h/scan"
	s=$(sdevs_of "$h")
	[ "$s" = "${h#host}:0:$t:0" ] ||
		fail "IDE device $t: after a rescan $h has '$s'"
	b=$(ls "/sys/bus/scsi/devices/${h#host}:0:$t:0/block")
	[ -b "/dev/$b" ] || fail "IDE device $t: no block device ($b)"
	eval "disk$t=$b"
	eval "relid$t=$(cat "$d/id")"
	echo "IDE device $t: $id on $h, /dev/$b"
done

# Device 1's disk keeps what is written to it; device 0's does not see it.
dd if=/dev/urandom of=/tmp/ide.pat bs=4096 count=256 2>/dev/null
dd if=/tmp/ide.pat of="/dev/$disk1" bs=4096 conv=fsync 2>/dev/null ||
	fail "writing /dev/$disk1 failed"
echo 3 > /proc/sys/vm/drop_caches
dd if="/dev/$disk1" of=/tmp/ide.back bs=4096 count=256 2>/dev/null ||
	fail "reading /dev/$disk1 failed"
cmp /tmp/ide.pat /tmp/ide.back ||
	fail "device 1's disk does not read back what was written"
dd if="/dev/$disk0" of=/tmp/ide.back bs=4096 count=256 2>/dev/null ||
	fail "reading /dev/$disk0 failed"
cmp -s /tmp/ide.pat /tmp/ide.back &&
	fail "device 0's disk holds what was written to device 1's"
echo "device 1: 1 MiB written and read back; device 0 untouched"

# No LUN hot plug on an IDE disk (the host's control refuses it).
echo "add $relid1 1 1" > "$ctl" 2>/dev/null &&
	fail "the host added a LUN to IDE disk relid $relid1"
echo "LUN hot plug on an IDE disk: refused"

since_mark | grep -E 'hv_storvsc|hvg_storvsc' | grep -iE 'error|fail|reject' &&
	fail "hvg_storvsc logged an error"
modprobe -r hvg_storvsc || fail "modprobe -r hvg_storvsc failed"
modprobe -r hvg_vmbus hvg_loophost hvg_hypercall || fail "unloading the stack failed"
s=$(splat)
[ -z "$s" ] || fail "splat: $s"
echo "unloaded cleanly"

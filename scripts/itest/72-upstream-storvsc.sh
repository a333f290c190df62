# SPDX-License-Identifier: GPL-2.0
#
# hvg-hvsoft: yes
#
# Upstream's hv_storvsc against the loopback host's storvsp, through the
# soft Hyper-V partition: the RAM LUN the host offers by default becomes a
# SCSI disk of a hv_storvsc host; it gets a partition table, ext4, a mount,
# 4 MiB of random files whose sha256 is verified after sync and a drop of
# the page cache, and is unmounted; hv_storvsc and hv_vmbus unload. Skipped
# (TAP skip) in every other guest. Helpers: scripts/guest/upstream.sh.
set -u
mark="hvg-itest-72-upstream-storvsc: start $$"
. /hvg/upstream.sh


start_upstream
modprobe hv_storvsc || fail "modprobe hv_storvsc failed"
disk=$(storvsc_disk 0 20) || fail "no disk of a hv_storvsc host after 20 s"
# storvsp answers INQUIRY at every path and target but 0:0 with "no
# device" (hv_storvsc scans paths 0-7 and targets 0-1, and turns a failed
# INQUIRY into a successful one): the host's one LUN is one disk.
sleep 2
n=$(ls -d /sys/bus/scsi/devices/*:*:*:*/block/* 2>/dev/null | wc -l)
[ "$n" = 1 ] || fail "$n disks for the host's one LUN: $(ls -d /sys/bus/scsi/devices/*:*:*:*/block/* | tr '\n' ' ')"
echo "1 disk for the host's one LUN"
size=$(cat /sys/block/"$disk"/size)
echo "disk $disk: $size sectors; $(cat /sys/block/"$disk"/device/vendor 2>/dev/null) $(cat /sys/block/"$disk"/device/model 2>/dev/null)"
[ "$size" -gt 0 ] || fail "$disk has size $size"

echo 'label: dos
,,83' | sfdisk -q /dev/"$disk" > /dev/null 2>&1 || fail "sfdisk /dev/$disk failed"
i=0
while [ ! -b /dev/"${disk}1" ] && [ $i -lt 50 ]; do
	# No udev here: make the node if the kernel has the partition.
	if [ -r /sys/block/"$disk"/"${disk}1"/dev ]; then
		mm=$(cat /sys/block/"$disk"/"${disk}1"/dev)
		mknod /dev/"${disk}1" b "${mm%:*}" "${mm#*:}" 2>/dev/null
	fi
	sleep 0.1
	i=$((i + 1))
done
[ -b /dev/"${disk}1" ] || fail "no partition ${disk}1 after sfdisk"
mkfs.ext4 -q -F /dev/"${disk}1" > /dev/null 2>&1 || fail "mkfs.ext4 /dev/${disk}1 failed"
mkdir -p /mnt/u
mount -t ext4 /dev/"${disk}1" /mnt/u || fail "mount /dev/${disk}1 failed"
n=0
while [ $n -lt 16 ]; do
	head -c 262144 /dev/urandom > /mnt/u/f$n || fail "writing /mnt/u/f$n failed"
	n=$((n + 1))
done
(cd /mnt/u && sha256sum f*) > /tmp/u.sha || fail "sha256sum failed"
sync
echo 3 > /proc/sys/vm/drop_caches
(cd /mnt/u && sha256sum -c /tmp/u.sha > /dev/null 2>&1) || fail "files differ after sync and drop_caches"
umount /mnt/u || fail "umount failed"
echo "4 MiB in 16 files written and verified on ${disk}1 (ext4)"
stop_upstream hv_storvsc
echo "PASS"
exit 0

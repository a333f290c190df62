# SPDX-License-Identifier: GPL-2.0
#
# The disk suite, run by scripts/itest/72-upstream-storvsc.sh once per
# stack (scripts/guest/suite-lib.sh) against the loopback host's storvsp:
# "suite_disk STACK". The host offers one controller with one RAM LUN.
# Steps: the one LUN is one disk; a DOS partition table (sfdisk); ext4;
# mount; random files written, synced, the page cache dropped, their
# sha256 verified; fio randrw with verify=crc32c running while the
# channels move to cpu1 and back and cpu1 goes offline and online;
# unmount; driver unload/reload cycles with the files still there; the
# stack unloaded; a host that refuses VMBus 5.3 and storvsc 6.2 (the
# stack negotiates 5.2 and 6.0, the disk reads); a host that refuses every
# storvsc version (the probe fails cleanly, the device stays unbound;
# restored, a driver reload finds the disk), and one that refuses every
# VMBus version (the bus's load fails cleanly; then the disk is back).
# Sourced after /hvg/itest.sh and /hvg/suite-lib.sh. dash.

scsi_class='{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}'
# hvg.mode=hvsoft takes the first (FULL) figures: keep them small.
disk_fio_s=$(scaled 3 3 3 20)
disk_files=$(scaled 8 8 8 64)
disk_cycles=$(scaled 2 2 2 10)

disk_load()
{
	stack_load "$stack" storvsc echo_devices=0 net_devices=0 "$@" ||
		return 1
	disk=$(storvsc_disk 0 20) || { r="no disk of a storvsc host after 20 s"; return 1; }
	# storvsp answers INQUIRY at every path and target but 0:0 with "no
	# device": the host's one LUN must be one disk.
	sleep 1
	n=$(ls -d /sys/bus/scsi/devices/*:*:*:*/block/* 2> /dev/null | wc -l)
	[ "$n" = 1 ] || { r="$n disks for the host's one LUN"; return 1; }
	r="1 disk, $(cat /sys/block/"$disk"/size) sectors"
}

disk_partition()
{
	echo 'label: dos
,,83' | sfdisk -q /dev/"$disk" > /tmp/suite.err 2>&1 ||
		{ r="sfdisk /dev/$disk: $(tail -n 2 /tmp/suite.err)"; return 1; }
	i=0
	while [ ! -b /dev/"${disk}1" ] && [ $i -lt 50 ]; do
		# No udev: make the node once the kernel has the partition.
		if [ -r /sys/block/"$disk"/"${disk}1"/dev ]; then
			mm=$(cat /sys/block/"$disk"/"${disk}1"/dev)
			mknod /dev/"${disk}1" b "${mm%:*}" "${mm#*:}" 2> /dev/null
		fi
		sleep 0.1
		i=$((i + 1))
	done
	[ -b /dev/"${disk}1" ] || { r="no partition ${disk}1 after sfdisk"; return 1; }
	r="1 partition"
}

disk_mkfs()
{
	mkfs.ext4 -q -F /dev/"${disk}1" > /tmp/suite.err 2>&1 ||
		{ r="mkfs.ext4: $(tail -n 2 /tmp/suite.err)"; return 1; }
}

disk_mount()
{
	mkdir -p /mnt/u
	mount -t ext4 /dev/"${disk}1" /mnt/u 2> /tmp/suite.err ||
		{ r="mount: $(cat /tmp/suite.err)"; return 1; }
}

# The files' sha256 checked after a drop of the page cache.
disk_verify()
{
	echo 3 > /proc/sys/vm/drop_caches
	(cd /mnt/u && sha256sum -c /tmp/u.sha > /tmp/suite.err 2>&1) ||
		{ r="sha256: $(grep -v ': OK$' /tmp/suite.err | head -n 2 | tr '\n' ' ')"; return 1; }
}

disk_files()
{
	n=0
	while [ $n -lt "$disk_files" ]; do
		head -c 262144 /dev/urandom > /mnt/u/f$n ||
			{ r="writing /mnt/u/f$n failed"; return 1; }
		n=$((n + 1))
	done
	(cd /mnt/u && sha256sum f*) > /tmp/u.sha || { r="sha256sum failed"; return 1; }
	sync
	disk_verify || return 1
	r="$disk_files files verified"
}

# disk_fio_start SECONDS: fio randrw verify=crc32c in the background.
disk_fio_start()
{
	fio --name=v --filename=/mnt/u/fio --ioengine=libaio --direct=1 \
		--rw=randrw --bs=4k --iodepth=16 --size=4m --verify=crc32c \
		--verify_backlog=256 --verify_fatal=1 --time_based \
		--runtime="$1" > /tmp/suite-fio.out 2>&1 &
	fio_pid=$!
}
disk_fio_wait()
{
	wait "$fio_pid" || { r="fio: $(grep -iE 'err|verify' /tmp/suite-fio.out | head -n 2 | tr '\n' ' ')"; return 1; }
	grep -q 'err= 0' /tmp/suite-fio.out ||
		{ r="fio: $(grep -o 'err=[^,]*' /tmp/suite-fio.out | head -n 1)"; return 1; }
}

# fio randrw verify=crc32c while every channel moves to cpu1, back to
# cpu0, and cpu1 goes offline and online.
disk_fio_cpu()
{
	disk_fio_start $((disk_fio_s + 3))
	sleep 1
	step_cpu_hotplug "$scsi_class" scsi || { wait "$fio_pid"; return 1; }
	cpu_r=$r
	disk_fio_wait || return 1
	r="$cpu_r; fio verify=crc32c: no error"
}

disk_umount()
{
	umount /mnt/u 2> /tmp/suite.err || { r="umount: $(cat /tmp/suite.err)"; return 1; }
}

# Cycles of the driver's unload and load; then the files are still on
# the disk.
disk_reload()
{
	drv=$(stack_drv "$stack" storvsc)
	c=0
	while [ $c -lt "$disk_cycles" ]; do
		modprobe -r "$drv" 2> /tmp/suite.err ||
			{ r="cycle $c: modprobe -r $drv: $(cat /tmp/suite.err)"; return 1; }
		modprobe "$drv" 2> /tmp/suite.err ||
			{ r="cycle $c: modprobe $drv: $(cat /tmp/suite.err)"; return 1; }
		disk=$(storvsc_disk 0 20) || { r="cycle $c: no disk after 20 s"; return 1; }
		c=$((c + 1))
	done
	# No udev: the partition's node may name an old minor.
	rm -f /dev/"${disk}1"
	disk_partition > /dev/null || return 1
	disk_mount || return 1
	disk_verify || return 1
	umount /mnt/u
	r="$disk_cycles cycles, files intact"
}

disk_unload()
{
	stack_unload "$stack" storvsc
}

# disk_versions VMBUS SCSI: a host whose newest versions are VMBUS and
# SCSI: what the stack negotiated (the host's view) and a disk that reads.
disk_versions()
{
	disk_load version="$1" scsi_version="$2" || return 1
	sv=$(sed -n 's/.* version=\(0x[0-9a-f]*\) .*/\1/p' $ctl/devices | head -n 1)
	dd if=/dev/"$disk" of=/dev/null bs=64k count=16 2> /tmp/suite.err ||
		{ r="reading $disk: $(cat /tmp/suite.err)"; return 1; }
	r="VMBus $(host_vmbus_version), storvsc ${sv:-none}, disk reads"
	stack_unload "$stack" storvsc
}

# After a refusal: the host's one LUN is a disk again, and it reads.
disk_back()
{
	disk=$(storvsc_disk 0 20) || { r="no disk after 20 s"; return 1; }
	dd if=/dev/"$disk" of=/dev/null bs=64k count=16 2> /tmp/suite.err ||
		{ r="reading $disk: $(cat /tmp/suite.err)"; return 1; }
	r="1 disk, reads"
}

suite_disk_cleanup()
{
	[ -n "${fio_pid:-}" ] && kill "$fio_pid" 2> /dev/null
	umount /mnt/u 2> /dev/null
	echo 1 > /sys/devices/system/cpu/cpu1/online 2> /dev/null
	return 0
}

suite_disk()
{
	suite_cleanup=suite_disk_cleanup
	suite_begin disk "$1"
	step load disk_load
	step partition disk_partition
	step mkfs disk_mkfs
	step mount disk_mount
	step files disk_files
	step fio-cpu1 disk_fio_cpu
	step umount disk_umount
	step reload disk_reload
	step unload disk_unload
	step ver-5.2 disk_versions 5.2 0x0600
	step refuse-scsi step_refuse_drv storvsc "$scsi_class" scsi \
		scsi_version 0x0602 disk_back echo_devices=0 net_devices=0
	step refuse-vmbus step_refuse_vmbus storvsc disk_back \
		echo_devices=0 net_devices=0
	suite_end storvsc
}

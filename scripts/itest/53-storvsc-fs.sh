# SPDX-License-Identifier: GPL-2.0
#
# hvg-smp: yes
#
# Filesystems on four synthetic disks at once: two SCSI controllers with
# two RAM LUNs each. Each disk gets a partition table (sfdisk), ext4 on
# its partition, and is mounted; random files are written to all four in
# parallel, their sha256 taken as they are written; sync, drop caches,
# every file verified. Then fio, 4 jobs (one per disk), iodepth 32, random
# reads and writes with verify=crc32c: zero verify errors. The amounts
# depend on hvg.scale: in the stock-kernel guest short 32 MiB of files
# and 5 s of fio, full (default) 256 MiB and 10 s, soak (make soak) 256 MiB
# and 60 s; in the debug kernel's guest 8 MiB and 2 s (full), 1 s (short),
# 64 MiB and 30 s (soak). Exit 0 on pass.
set -u

mark="hvg-itest-53-storvsc-fs: start $$"
. /hvg/itest.sh
itest_cleanup()
{
	for m in /mnt/d*; do
		umount "$m" 2>/dev/null
	done
}
# Every hv_storvsc disk, as "host:lun:sdX" (10 s for $1 of them at most).
find_disks()
{
	want=$1
	i=0
	while [ $i -lt 100 ]; do
		out=
		for h in /sys/class/scsi_host/host*; do
			[ "$(cat "$h/proc_name" 2>/dev/null)" = hv_storvsc ] ||
				continue
			n=${h##*/host}
			for b in /sys/bus/scsi/devices/"$n":0:0:*/block/*; do
				[ -d "$b" ] || continue
				l=${b%/block/*}
				out="$out $n:${l##*:}:${b##*/}"
			done
		done
		set -- $out
		[ $# -ge "$want" ] && echo "$out" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "$out"
	return 1
}

# scripts/initramfs copies both into every guest: missing, the guest is
# broken, and the test fails rather than pass without a filesystem.
command -v mkfs.ext4 > /dev/null 2>&1 && command -v sfdisk > /dev/null 2>&1 ||
	fail "no mkfs.ext4 or sfdisk in this guest (scripts/initramfs copies them)"

# The debug kernel (hvg.mode=test: KASAN, lockdep, kmemleak) moves data
# about 8 times slower: 256 MiB there would take about 250 s.
total_mb=256 fio_s=10 fio_mb=32
if debug_kernel; then
	total_mb=8 fio_s=2 fio_mb=2
	grep -q 'hvg\.scale=short' /proc/cmdline && fio_s=1
	grep -q 'hvg\.scale=soak' /proc/cmdline && total_mb=64 fio_s=30 fio_mb=8
else
	grep -q 'hvg\.scale=short' /proc/cmdline && total_mb=32 fio_s=5
	grep -q 'hvg\.scale=soak' /proc/cmdline && fio_s=60
fi
# Each disk: its share of the files, fio's file, room for ext4.
lun_mb=$((total_mb / 4 + 64))

itest_begin
modprobe sd_mod 2>/dev/null
modprobe ext4 2>/dev/null

modprobe hvg_loophost echo_devices=0 scsi_devices=2 scsi_luns=2 \
	scsi_lun_mb=$lun_mb scsi_max_subchannels=2 ||
	fail "modprobe hvg_loophost failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
modprobe hvg_storvsc || fail "modprobe hvg_storvsc failed"
disks=$(find_disks 4) || fail "not 4 disks on hv_storvsc hosts: $disks"
echo "2 controllers x 2 LUNs of $lun_mb MiB: $disks"

# Partition, format, mount.
t0=$(now_ms)
k=0
for d in $disks; do
	sd=${d##*:}
	echo 'type=83' | sfdisk -q "/dev/$sd" > /tmp/sfdisk.log 2>&1 ||
		fail "sfdisk /dev/$sd failed: $(cat /tmp/sfdisk.log)"
	i=0
	while [ ! -b "/dev/${sd}1" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -b "/dev/${sd}1" ] || fail "no /dev/${sd}1 after sfdisk"
	mkfs.ext4 -q -F "/dev/${sd}1" > /tmp/mkfs.log 2>&1 ||
		fail "mkfs.ext4 /dev/${sd}1 failed: $(cat /tmp/mkfs.log)"
	mkdir -p "/mnt/d$k"
	mount -t ext4 "/dev/${sd}1" "/mnt/d$k" || fail "mount /dev/${sd}1 failed"
	k=$((k + 1))
done
t1=$(now_ms)
echo "sfdisk, mkfs.ext4, mount on 4 disks: $((t1 - t0)) ms"

# Random files of 1 to 3 MiB, about total_mb / 4 per disk, written to the
# four disks in parallel (fio's random buffers: /dev/urandom is far slower
# under TCG), synced; their sha256 taken, the caches dropped, every file
# read back from the disks and checked, the disks in parallel.
per=$((total_mb / 4))
t0=$(now_ms)
if command -v fio > /dev/null 2>&1; then
	set --
	k=0
	while [ $k -lt 4 ]; do
		set -- "$@" --name=f$k --directory=/mnt/d$k
		k=$((k + 1))
	done
	fio --ioengine=psync --rw=write --bs=256k --nrfiles=$((per / 2)) \
		--filesize=1m-3m --refill_buffers --end_fsync=1 \
		--group_reporting "$@" > /tmp/fio.out 2>&1 ||
		fail "writing the files with fio failed: $(tail -n 20 /tmp/fio.out)"
else
	k=0
	while [ $k -lt 4 ]; do
		n=0
		while [ $n -lt $((per / 2)) ]; do
			head -c 2097152 /dev/urandom > "/mnt/d$k/f$n"
			n=$((n + 1))
		done
		k=$((k + 1))
	done
fi
sync
t1=$(now_ms)
k=0
while [ $k -lt 4 ]; do
	sha256sum /mnt/d$k/f* > "/tmp/sums$k" &
	k=$((k + 1))
done
wait
echo 3 > /proc/sys/vm/drop_caches
t2=$(now_ms)
k=0
while [ $k -lt 4 ]; do
	sha256sum -c "/tmp/sums$k" > "/tmp/check$k.log" 2>&1 &
	k=$((k + 1))
done
wait
k=0
files=0 bytes=0
while [ $k -lt 4 ]; do
	grep -qv ': OK$' "/tmp/check$k.log" &&
		fail "sha256 mismatch on /mnt/d$k: $(grep -v ': OK$' "/tmp/check$k.log" | head -n 3)"
	n=$(wc -l < "/tmp/sums$k")
	[ "$n" -ge 1 ] || fail "no files on /mnt/d$k"
	[ "$(grep -c ': OK$' "/tmp/check$k.log")" = "$n" ] ||
		fail "not every file of /mnt/d$k was checked"
	files=$((files + n))
	bytes=$((bytes + $(cat /mnt/d$k/f* | wc -c)))
	k=$((k + 1))
done
t3=$(now_ms)
echo "$((bytes / 1048576)) MiB in $files random files: written and synced in $((t1 - t0)) ms, summed in $((t2 - t1)) ms, verified (sha256, after drop_caches) in $((t3 - t2)) ms"

if command -v fio > /dev/null 2>&1; then
	set --
	k=0
	while [ $k -lt 4 ]; do
		set -- "$@" --name=d$k --filename=/mnt/d$k/fio
		k=$((k + 1))
	done
	t0=$(now_ms)
	fio --ioengine=libaio --direct=1 --rw=randrw --bs=4k --iodepth=32 \
		--size=${fio_mb}m --verify=crc32c --verify_backlog=512 \
		--verify_fatal=1 --time_based --runtime=$fio_s \
		--group_reporting "$@" > /tmp/fio.out 2>&1 ||
		fail "fio failed: $(tail -n 20 /tmp/fio.out)"
	t1=$(now_ms)
	grep -q 'err= 0' /tmp/fio.out || fail "fio reports errors: $(cat /tmp/fio.out)"
	echo "fio 4 jobs randrw iodepth 32 verify=crc32c, ${fio_s} s ($((t1 - t0)) ms): $(grep -E '^ +(read|write):' /tmp/fio.out | tr -s ' ' | tr '\n' ';')"
else
	echo "SKIP fio part: no fio in this guest"
fi

k=0
while [ $k -lt 4 ]; do
	umount "/mnt/d$k" || fail "umount /mnt/d$k failed"
	k=$((k + 1))
done
echo "unmounted"
rm -f /tmp/sums* /tmp/check*.log

modprobe -r hvg_storvsc || fail "modprobe -r hvg_storvsc failed"
modprobe -r hvg_vmbus || fail "modprobe -r hvg_vmbus failed"
modprobe -r hvg_loophost hvg_hypercall || fail "modprobe -r hvg_loophost failed"
s=$(splat)
[ -z "$s" ] || fail "kernel log: $s"
echo "unloaded cleanly, no splat"
exit 0

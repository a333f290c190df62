# SPDX-License-Identifier: GPL-2.0
#
# hvg-smp: yes
#
# LUN hot add and removal while I/O runs: one SCSI controller with LUNs 0
# and 1 (32 MiB each); fio (randrw, verify=crc32c, 8 s) runs on LUN 0 while
# the host (debugfs hvguest/storvsp/lun) adds LUN 2 (48 MiB) and sends
# ENUMERATE_BUS, then removes LUN 1 and sends REMOVE_DEVICE: LUN 2 appears
# with its size, LUN 1 goes. Then the same without the packets ("quiet"):
# the only news is the unit attention "reported LUNs data has changed" on
# LUN 0's next command; LUN 3 appears and LUN 2 goes all the same. fio
# ends with zero verify errors, the new LUN holds data, no splat.
# Exit 0 on pass.
set -u

mark="hvg-itest-51-storvsc-hotplug: start $$"
. /hvg/itest.sh
itest_cleanup()
{
	[ -n "${iopid:-}" ] && kill "$iopid" 2>/dev/null
}
ctl=/sys/kernel/debug/hvguest/storvsp/lun
# The SCSI host number of the hv_storvsc host (10 s at most).
find_host()
{
	i=0
	while [ $i -lt 100 ]; do
		for h in /sys/class/scsi_host/host*; do
			[ "$(cat "$h/proc_name" 2>/dev/null)" = hv_storvsc ] &&
				echo "${h##*/host}" && return 0
		done
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# The sdX of LUN $1, or nothing.
lun_disk()
{
	for b in /sys/bus/scsi/devices/"$host":0:0:"$1"/block/*; do
		[ -d "$b" ] && echo "${b##*/}" && return 0
	done
	return 1
}
# Wait (10 s at most) until LUN $1 is there ($2 = 1) or gone ($2 = 0).
wait_lun()
{
	i=0
	while [ $i -lt 100 ]; do
		if lun_disk "$1" > /dev/null; then
			[ "$2" = 1 ] && return 0
		else
			[ "$2" = 0 ] && return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

itest_begin
modprobe sd_mod 2>/dev/null

modprobe hvg_loophost echo_devices=0 scsi_devices=1 scsi_luns=2 \
	scsi_lun_mb=32 scsi_max_subchannels=2 ||
	fail "modprobe hvg_loophost failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
modprobe hvg_storvsc || fail "modprobe hvg_storvsc failed"
host=$(find_host) || fail "no hv_storvsc SCSI host"
wait_lun 0 1 && wait_lun 1 1 || fail "LUNs 0 and 1 did not both appear"
relid=$(sed -n 's/^controller=0 relid=\([0-9]*\) .*/\1/p' "$ctl")
[ -n "$relid" ] || fail "no controller in $ctl"
sd0=$(lun_disk 0)
sd1=$(lun_disk 1)
echo "host$host, controller relid $relid: LUN 0 /dev/$sd0, LUN 1 /dev/$sd1"

# The I/O on LUN 0 for the whole test: fio when the guest has it.
if command -v fio > /dev/null 2>&1; then
	fio --name=hotplug --filename="/dev/$sd0" --ioengine=libaio \
		--direct=1 --rw=randrw --bs=4k --iodepth=16 --size=16m \
		--verify=crc32c --verify_fatal=1 --time_based --runtime=$(scaled 8 8 4 8) \
		--output=/tmp/fio.out > /dev/null 2>&1 &
	iopid=$!
	io=fio
else
	(
		dd if=/dev/urandom of=/tmp/pat bs=64k count=64 2>/dev/null
		while :; do
			dd if=/tmp/pat of="/dev/$sd0" bs=64k oflag=direct \
				2>/dev/null || exit 1
			dd if="/dev/$sd0" of=/tmp/back bs=64k count=64 \
				iflag=direct 2>/dev/null || exit 1
			cmp -s /tmp/pat /tmp/back || exit 2
		done
	) &
	iopid=$!
	io=dd
fi
sleep 1
kill -0 "$iopid" 2>/dev/null || fail "$io on LUN 0 did not start"

# Hot add with ENUMERATE_BUS.
t0=$(now_ms)
echo "add $relid 2 48" > "$ctl" || fail "add of LUN 2 refused"
wait_lun 2 1 || fail "LUN 2 did not appear within 10 s of ENUMERATE_BUS"
t1=$(now_ms)
sd2=$(lun_disk 2)
size=$(cat "/sys/block/$sd2/size")
[ "$size" = $((48 * 2048)) ] || fail "LUN 2: $size sectors, not 48 MiB"
echo "LUN 2 added (ENUMERATE_BUS): /dev/$sd2, $size sectors, after $((t1 - t0)) ms"

# Hot removal with REMOVE_DEVICE.
t0=$(now_ms)
echo "remove $relid 1" > "$ctl" || fail "removal of LUN 1 refused"
wait_lun 1 0 || fail "LUN 1 still there 10 s after REMOVE_DEVICE"
# The SCSI device goes first, its disk a little later.
i=0
while [ -e "/sys/block/$sd1" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
t1=$(now_ms)
[ -e "/sys/block/$sd1" ] && fail "/dev/$sd1 still there 10 s after LUN 1 went"
echo "LUN 1 removed (REMOVE_DEVICE): /dev/$sd1 gone after $((t1 - t0)) ms"
kill -0 "$iopid" 2>/dev/null ||
	echo "note: $io on LUN 0 ended before the quiet steps"

# The same with the unit attention only: LUN 0's next command brings it.
echo "add $relid 3 16 quiet" > "$ctl" || fail "quiet add of LUN 3 refused"
dd if="/dev/$sd0" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null ||
	fail "a read of LUN 0 after the quiet add failed"
wait_lun 3 1 || fail "LUN 3 did not appear within 10 s of the unit attention"
sd3=$(lun_disk 3)
echo "LUN 3 added (unit attention only): /dev/$sd3"
echo "remove $relid 2 quiet" > "$ctl" || fail "quiet removal of LUN 2 refused"
dd if="/dev/$sd0" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null ||
	fail "a read of LUN 0 after the quiet removal failed"
wait_lun 2 0 || fail "LUN 2 still there 10 s after the unit attention"
echo "LUN 2 removed (unit attention only)"

[ "$io" = dd ] && kill "$iopid" 2>/dev/null
wait "$iopid"
rc=$?
iopid=
if [ "$io" = fio ]; then
	[ $rc = 0 ] || fail "fio on LUN 0 failed (exit $rc): $(cat /tmp/fio.out)"
	grep -q 'err= 0' /tmp/fio.out || fail "fio reports errors: $(cat /tmp/fio.out)"
	echo "fio on LUN 0 throughout: $(grep -E '^ +(read|write):' /tmp/fio.out | tr -s ' ' | tr '\n' ';')"
else
	echo "dd loop on LUN 0 throughout: exit $rc (killed: not an error)"
fi

# The new LUN holds data.
dd if=/dev/urandom of=/tmp/pat3 bs=64k count=32 2>/dev/null
dd if=/tmp/pat3 of="/dev/$sd3" bs=64k oflag=direct 2>/dev/null ||
	fail "writing LUN 3 failed"
dd if="/dev/$sd3" of=/tmp/back3 bs=64k count=32 iflag=direct 2>/dev/null ||
	fail "reading LUN 3 failed"
cmp -s /tmp/pat3 /tmp/back3 || fail "LUN 3 returned other data"
echo "LUN 3: 2 MiB written and read back equal"
cat "$ctl" | sed 's/^/host: /'

modprobe -r hvg_storvsc || fail "modprobe -r hvg_storvsc failed"
modprobe -r hvg_vmbus || fail "modprobe -r hvg_vmbus failed"
modprobe -r hvg_loophost hvg_hypercall || fail "modprobe -r hvg_loophost failed"
s=$(splat)
[ -z "$s" ] || fail "kernel log: $s"
echo "unloaded cleanly, no splat"
exit 0

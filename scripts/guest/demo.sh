# SPDX-License-Identifier: GPL-2.0
#
# hvg.mode=demo: load the stack on a stock kernel and show what it shows.
# It grows as the components land. Whatever does not work as shown prints
# "HVG-DEMO-FAIL <what>", which makes scripts/guest-test (and so "make
# demo") fail, naming it. The kernel's own lines interleave with these on
# the console (ignore_loglevel); scripts/demo filters them out.
demo_fail()
{
	echo "HVG-DEMO-FAIL $*"
}

echo "HVG-DEMO-BEGIN"
echo "### Guest: $(uname -sr), $(nproc) vCPUs, no Hyper-V (QEMU TCG)"
echo
echo "### hvguest modules installed for this kernel"
for m in hvg_hypercall hvg_vmbus hvg_loophost hvg_echo hvg_storvsc hvg_netvsc; do
	if d=$(modinfo -F description "$m" 2> /dev/null) && [ -n "$d" ]; then
		printf '  %-14s %s\n' "$m" "$d"
	else
		demo_fail "$m is not installed for $(uname -r), or has no description"
	fi
done
echo
echo "### modprobe hvg_hypercall"
if modprobe hvg_hypercall; then
	echo "  loaded"
else
	demo_fail "modprobe hvg_hypercall failed (exit $?)"
fi
if [ -d /sys/kernel/debug/hvguest ]; then
	for f in $(find /sys/kernel/debug/hvguest -type f); do
		echo "  $f:"
		sed 's/^/    /' "$f"
	done
else
	demo_fail "no /sys/kernel/debug/hvguest after loading hvg_hypercall"
fi
echo
echo "### modprobe hvg_vmbus (no Hyper-V here, and no software backend loaded)"
if modprobe hvg_vmbus > /tmp/vmbus.out 2>&1; then
	demo_fail "hvg_vmbus loaded with no backend to run on"
fi
sed 's/^/  /' /tmp/vmbus.out
dmesg | grep -q 'hvg_vmbus: no hypercall backend: .*modprobe hvg_loophost' ||
	demo_fail "hvg_vmbus did not say what to do (load hvg_loophost)"
echo
echo "### modprobe hvg_loophost (the loopback host registers as the software backend, answering as VMBus 5.3; by default it offers an echo test device, a SCSI controller with a 64 MiB RAM disk, and two NICs on its switch)"
if modprobe hvg_loophost; then
	echo "  loaded"
else
	demo_fail "modprobe hvg_loophost failed (exit $?)"
fi
grep -q '^selected: loophost' /sys/kernel/debug/hvguest/hypercall/backends ||
	demo_fail "the adapter did not select the loophost backend"
sed 's/^/  /' /sys/kernel/debug/hvguest/hypercall/backends
echo
echo "### modprobe hvg_vmbus (now it connects)"
if modprobe hvg_vmbus; then
	echo "  loaded"
else
	demo_fail "modprobe hvg_vmbus failed on the loopback host (exit $?)"
fi
line=$(dmesg | grep 'hvg_vmbus: connected, VMBus version' | tail -n 1)
case "$line" in
*'connected, VMBus version 5.3') echo "  kernel log: ${line#*\] }" ;;
*) demo_fail "no 'hvg_vmbus: connected, VMBus version 5.3' in the kernel log" ;;
esac
conn=/sys/kernel/debug/hvguest/vmbus/connection
echo "  $conn:"
if [ -r "$conn" ]; then
	sed 's/^/    /' "$conn"
	grep -q '^version: 5.3$' "$conn" ||
		demo_fail "$conn does not say version 5.3"
else
	demo_fail "no $conn"
fi
echo "  /sys/kernel/debug/hvguest/loophost (the host's side):"
sed 's/^/    /' /sys/kernel/debug/hvguest/loophost ||
	demo_fail "no /sys/kernel/debug/hvguest/loophost"
echo
echo "### the bus: /sys/bus/vmbus/devices (what the host offered)"
echo_class='{5e7a9c11-4b3d-4f6e-9a21-687667656368}'
edev=
ndev=0
for d in /sys/bus/vmbus/devices/*; do
	[ -r "$d/class_id" ] || continue
	ndev=$((ndev + 1))
	class=$(cat "$d/class_id")
	kind=unknown
	[ "$class" = "$echo_class" ] && kind=echo && [ -z "$edev" ] && edev=$d
	echo "  ${d##*/}  ($kind)"
	echo "    class_id $class  id $(cat "$d/id")  state $(cat "$d/state")"
	echo "    modalias $(cat "$d/modalias")  channels: $(ls "$d/channels" | tr '\n' ' ')"
done
[ "$ndev" -gt 0 ] || demo_fail "no device under /sys/bus/vmbus/devices"
if [ -z "$edev" ]; then
	demo_fail "the loopback host offered no echo device"
else
	echo
	alias=$(cat "$edev/modalias")
	echo "### modprobe $alias (the echo device's MODALIAS, as udev would)"
	if modprobe "$alias"; then
		drv=$(readlink "$edev/driver")
		echo "  loaded hvg_echo; ${edev##*/} is bound to ${drv##*/}, state $(cat "$edev/state")"
		[ "${drv##*/}" = hvg_echo ] || demo_fail "the echo device is not bound to hvg_echo"
	else
		demo_fail "modprobe $alias failed"
	fi
	run=/sys/kernel/debug/hvguest/echo/${edev##*/}/run
	echo
	echo "### a short echo run: 20000 packets of random sizes on the primary channel and 3 sub-channels"
	echo "  echo 'packets=20000 channels=4 size_max=4096 big_every=500' > $run"
	if echo "packets=20000 channels=4 size_max=4096 big_every=500" > "$run"; then
		grep -E '^(status|channels|packets|bytes|errors|elapsed_ns|packets_per_s|MB_per_s|host_stats):|^chan ' "$run" |
			sed 's/^/    /'
		grep -q '^status: 0 (ok)$' "$run" || demo_fail "the echo run did not pass"
		grep -q '^host_stats: agree$' "$run" || demo_fail "the host's counters do not agree with the guest's"
	else
		sed 's/^/    /' "$run"
		demo_fail "the echo run failed"
	fi
	echo
	echo "### the echo device's channels now (sysfs), and its counters (debugfs)"
	echo "  $edev/channel_vp_mapping: $(cat "$edev/channel_vp_mapping" | tr '\n' ' ')"
	for c in "$edev"/channels/*; do
		echo "  channels/${c##*/}: cpu $(cat "$c/cpu") events $(cat "$c/events") interrupts $(cat "$c/interrupts") read_avail $(cat "$c/read_avail") write_avail $(cat "$c/write_avail")"
	done
	sed 's/^/  /' "/sys/kernel/debug/hvguest/echo/${edev##*/}/info"
	[ "$(ls "$edev/channels" | grep -c .)" = 4 ] ||
		demo_fail "the echo device does not have 4 channels after the run"
	echo
	echo "### rmmod hvg_echo (closes the channels; the device stays)"
	if rmmod hvg_echo; then
		echo "  unloaded; ${edev##*/} state $(cat "$edev/state")"
	else
		demo_fail "rmmod hvg_echo failed"
	fi
fi

# The disk: the SCSI controller's MODALIAS loads hvg_storvsc (driver
# hv_storvsc), and its LUN becomes a block device.
disk_host()
{
	for h in /sys/class/scsi_host/host*; do
		[ "$(cat "$h/proc_name" 2>/dev/null)" = hv_storvsc ] || continue
		n=${h##*/host}
		for b in /sys/bus/scsi/devices/"$n":0:0:0/block/*; do
			[ -d "$b" ] && echo "${b##*/}" && return 0
		done
	done
	return 1
}
echo
sdev=
for d in /sys/bus/vmbus/devices/*; do
	[ "$(cat "$d/class_id" 2>/dev/null)" = "{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}" ] && sdev=$d
done
if [ -z "$sdev" ]; then
	demo_fail "the loopback host offered no SCSI controller"
else
	salias=$(cat "$sdev/modalias")
	# No udev in this guest to load the SCSI disk driver for the LUN.
	modprobe sd_mod 2>/dev/null
	modprobe ext4 2>/dev/null
	echo "### modprobe $salias (the SCSI controller's MODALIAS)"
	modprobe "$salias" || demo_fail "modprobe $salias failed"
	i=0
	sd=
	while [ $i -lt 100 ] && ! sd=$(disk_host); do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$sd" ]; then
		demo_fail "no disk appeared on the hv_storvsc host"
	else
		drv=$(readlink "$sdev/driver")
		echo "  ${sdev##*/} bound to ${drv##*/}: /dev/$sd, $(($(cat "/sys/block/$sd/size") / 2048)) MiB, vendor '$(cat "/sys/block/$sd/device/vendor" | tr -d ' ')' model '$(cat "/sys/block/$sd/device/model" | sed 's/ *$//')', $(ls "/sys/block/$sd/mq" | wc -l) hardware queue(s)"
		echo "### mkfs.ext4 /dev/$sd, mount, write a file, drop caches, read it back"
		if mkfs.ext4 -q -F "/dev/$sd" && mkdir -p /mnt/demo &&
		   mount "/dev/$sd" /mnt/demo; then
			dd if=/dev/urandom of=/tmp/demo.pat bs=1024 count=2048 2>/dev/null
			cp /tmp/demo.pat /mnt/demo/file && sync
			echo 3 > /proc/sys/vm/drop_caches
			if cmp -s /tmp/demo.pat /mnt/demo/file; then
				echo "  2 MiB file read back equal"
			else
				demo_fail "the file read back from /dev/$sd differs"
			fi
			df -h /mnt/demo | sed 's/^/  /'
			umount /mnt/demo || demo_fail "umount /dev/$sd failed"
		else
			demo_fail "mkfs.ext4 or mount of /dev/$sd failed"
		fi
		rmmod hvg_storvsc || demo_fail "rmmod hvg_storvsc failed"
		[ -e "/sys/block/$sd" ] && demo_fail "/dev/$sd still there after rmmod hvg_storvsc"
		echo "  hvg_storvsc unloaded, /dev/$sd gone"
	fi
fi

# The NICs: the network devices' MODALIAS loads hvg_netvsc (driver
# hv_netvsc); each NIC goes into a network namespace of its own, and the
# loopback host's switch carries the traffic between them.
net_class='{f8615163-df3e-46c5-913f-f2d2f965ed0e}'
nics()
{
	for d in /sys/bus/vmbus/drivers/hv_netvsc/*/net/*; do
		[ -e "$d" ] && echo "${d##*/}"
	done
}
echo
nnet=0
for d in /sys/bus/vmbus/devices/*; do
	[ "$(cat "$d/class_id" 2>/dev/null)" = "$net_class" ] || continue
	nnet=$((nnet + 1))
	nalias=$(cat "$d/modalias")
done
if [ "$nnet" -ne 2 ]; then
	demo_fail "the loopback host offered $nnet NICs, not 2"
else
	echo "### modprobe $nalias (the NICs' MODALIAS)"
	modprobe "$nalias" || demo_fail "modprobe $nalias failed"
	i=0
	while [ $i -lt 100 ] && [ "$(nics | wc -l)" -lt 2 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	set -- $(nics)
	if [ $# -ne 2 ]; then
		demo_fail "not two hv_netvsc interfaces: $*"
	else
		a=$1 b=$2
		echo "### ip link; ethtool -i $a; ethtool -l $a"
		ip link show "$a" | sed 's/^/  /'
		ip link show "$b" | sed 's/^/  /'
		ethtool -i "$a" | sed 's/^/  /'
		ethtool -l "$a" | sed 's/^/  /'
		[ "$(ethtool -i "$a" | sed -n 's/^driver: //p')" = hv_netvsc ] ||
			demo_fail "ethtool -i $a does not say hv_netvsc"
		echo "### $a in namespace nsa (10.99.0.1), $b in nsb (10.99.0.2)"
		if ip netns add nsa && ip netns add nsb &&
		   ip link set "$a" netns nsa && ip link set "$b" netns nsb &&
		   ip -n nsa addr add 10.99.0.1/24 dev "$a" &&
		   ip -n nsb addr add 10.99.0.2/24 dev "$b" &&
		   ip -n nsa link set "$a" up && ip -n nsb link set "$b" up &&
		   ip -n nsa link set lo up && ip -n nsb link set lo up; then
			i=0
			while [ $i -lt 100 ] &&
			      [ "$(ip netns exec nsa cat "/sys/class/net/$a/carrier" 2>/dev/null)" != 1 ]; do
				sleep 0.1
				i=$((i + 1))
			done
			echo "### ip netns exec nsa ping -c 5 10.99.0.2"
			ip netns exec nsa ping -c 5 -i 0.2 10.99.0.2 > /tmp/ping.out 2>&1 ||
				demo_fail "ping from nsa to nsb failed"
			sed 's/^/  /' /tmp/ping.out
			echo "### iperf3 -t 3 from nsa to nsb (TCP)"
			ip netns exec nsb iperf3 -s -1 -D -B 10.99.0.2 > /dev/null 2>&1
			sleep 1
			if ip netns exec nsa iperf3 -c 10.99.0.2 -t 3 -f m > /tmp/iperf.out 2>&1; then
				grep -E 'sender|receiver' /tmp/iperf.out | sed 's/^/  /'
			else
				sed 's/^/  /' /tmp/iperf.out
				demo_fail "iperf3 between the namespaces failed"
			fi
			echo "### ethtool -S $a (non-zero counters)"
			ip netns exec nsa ethtool -S "$a" | grep -v ': 0$' | head -n 12 | sed 's/^/  /'
		else
			demo_fail "network namespace setup failed"
		fi
		ip netns del nsa 2>/dev/null
		ip netns del nsb 2>/dev/null
	fi
	i=0
	while [ $i -lt 50 ] && ! rmmod hvg_netvsc 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q '^hvg_netvsc ' /proc/modules && demo_fail "rmmod hvg_netvsc failed"
	echo "  hvg_netvsc unloaded"
fi
echo
echo "### modprobe -r hvg_vmbus (UNLOAD, and the host's UNLOAD_RESPONSE)"
if modprobe -r hvg_vmbus; then
	dmesg | grep -q 'hvg_vmbus: disconnected: UNLOAD_RESPONSE received' ||
		demo_fail "hvg_vmbus did not log the UNLOAD_RESPONSE"
	dmesg | grep 'hvg_vmbus: disconnected' | tail -n 1 | sed 's/^.*\] /  kernel log: /'
else
	demo_fail "modprobe -r hvg_vmbus failed"
fi
echo
echo "### what the kernel said"
dmesg | grep -E 'hvg_|hvguest' | grep -Ev 'taints kernel|verification failed' | sed 's/^/  /'
echo
echo "### lsmod"
lsmod | grep -E '^(Module|hvg_)' | sed 's/^/  /'
echo "HVG-DEMO-END"

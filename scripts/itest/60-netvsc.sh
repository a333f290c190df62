# SPDX-License-Identifier: GPL-2.0
#
# hvg-smp: yes
#
# Two synthetic NICs on the loopback host's switch (hvg_loophost
# net_devices=2), bound by their MODALIAS to hv_netvsc: each with the
# host's MAC, in its own network namespace with an address. 1000 pings
# with no loss; iperf3 TCP both ways and UDP; MTU 9000 on both and 8972-byte
# pings that go as one frame each (busybox's ping has no -M do: the
# interface's packet counters prove that nothing was fragmented); ethtool
# -i/-l/-g/-x/-S; `ethtool -L` to one queue and back under iperf3; the
# carrier follows the host's link down/up; the host rescinds one NIC
# during iperf3 and it goes cleanly; unload/reload cycles. The host serves
# the NICs' channels in the guests' signals (net_serve_now). Exit 0 on pass.
set -u

mark="hvg-itest-60-netvsc: start $$"
. /hvg/itest.sh
. /hvg/netvsc.sh
itest_diag()
{
	echo "--- the host's NICs:"
	grep 'class=net ' "$ctl/devices" 2>/dev/null | tr ' ' '\n' | grep -v '=0$'
	for ns in nva nvb; do
		for i in $(ip netns exec $ns ls /sys/class/net 2>/dev/null); do
			[ "$i" = lo ] && continue
			echo "--- ethtool -S $i (non-zero):"
			ip netns exec $ns ethtool -S "$i" | grep -v ': 0$'
		done
	done
}

itest_begin
start=$(date +%s)

modprobe hvg_loophost echo_devices=0 net_devices=2 ||
	fail "modprobe hvg_loophost net_devices=2 failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
net_class='{f8615163-df3e-46c5-913f-f2d2f965ed0e}'
n=0
for d in /sys/bus/vmbus/devices/*; do
	[ "$(cat "$d/class_id" 2>/dev/null)" = "$net_class" ] || continue
	n=$((n + 1))
	alias=$(cat "$d/modalias") || fail "no modalias for $d"
	modprobe "$alias" || fail "modprobe $alias failed"
done
[ "$n" -eq 2 ] || fail "$n network devices offered, not 2"
loaded hvg_netvsc || fail "the MODALIAS did not load hvg_netvsc"
wait_for 20 nr_nics 2 || fail "not two hv_netvsc devices"
wait_for 20 nr_ifs 2 ||
	fail "not two hv_netvsc interfaces: $(nics | tr '\n' ' ')"
modinfo hvg_netvsc | grep -q '^parm: *max_queues:' ||
	fail "modinfo hvg_netvsc lists no max_queues parameter"

set -- $(nics)
a=$1 b=$2
echo "interfaces: $a $b"
b_inst=$(basename "$(readlink "/sys/class/net/$b/device")")
a_dev=$(readlink -f "/sys/class/net/$a/device")
b_dev=$(readlink -f "/sys/class/net/$b/device")
for i in $a $b; do
	drv=$(ethtool -i "$i" | sed -n 's/^driver: //p')
	[ "$drv" = hv_netvsc ] || fail "ethtool -i $i: driver '$drv'"
	mac=$(cat "/sys/class/net/$i/address")
	grep -q "mac=$mac " "$ctl/net" ||
		fail "$i's MAC $mac is not one the host offered"
done

pair_setup "$a" "$b" || fail "network namespace setup failed"
wait_for 10 carrier nva "$a" 1 || fail "$a has no carrier"
wait_for 10 carrier nvb "$b" 1 || fail "$b has no carrier"

# 1000 pings (200 under hvg.scale=short), no loss. Counted by nva's
# kernel (echo replies received):
# busybox's ping asks for a receive buffer of about 7 KiB, which overflows
# when TCG deschedules it for a while, so its own count may miss replies
# that did arrive (it is printed too).
echo_reps()
{
	ip netns exec nva cat /proc/net/snmp |
		awk '$1 == "Icmp:" { if (!n) { for (i = 2; i <= NF; i++) if ($i == "InEchoReps") c = i; n = 1 } else print $c }'
}
pings=$(scaled 1000 1000 200 1000)
r0=$(echo_reps)
out=$(ip netns exec nva ping -c $pings -i 0.005 -W 10 10.99.0.2 2>&1)
r1=$(echo_reps)
echo "$out" | tail -n 2
echo "echo replies received by the kernel: $((r1 - r0)) of $pings"
[ $((r1 - r0)) -eq $pings ] || {
	ip netns exec nva cat /proc/net/snmp | grep -A1 '^Icmp:'
	ip -n nva -s link show "$a"
	ip -n nvb -s link show "$b"
	fail "pings lost: $((r1 - r0)) replies of $pings; ping: $(echo "$out" | tail -n 2)"
}

# iperf3: TCP both ways, UDP. 20 s each way and 10 s of UDP on the
# stock kernel (make smoke, make soak); 2 s on the debug kernel
# (hvg.mode=test) and 1 s in the short runs (hvg.scale=short), where KASAN
# makes every second cost several: Documentation/testing.rst.
tcp_s=$(scaled 20 2 1 20) udp_s=$(scaled 10 2 1 10)
ip netns exec nvb iperf3 -s -D -1 > /dev/null 2>&1 || fail "iperf3 -s failed"
sleep 0.5
tp()
{
	sed -n 's/.* \([0-9.]* [KMG]*bits\/sec\).*receiver.*/\1/p' | tail -n 1
}
out=$(ip netns exec nva iperf3 -c 10.99.0.2 -t $tcp_s 2>&1) ||
	fail "iperf3 TCP a->b failed: $out"
echo "iperf3 TCP a->b, $tcp_s s: $(echo "$out" | tp)"
ip netns exec nvb iperf3 -s -D -1 > /dev/null 2>&1
sleep 0.5
out=$(ip netns exec nva iperf3 -c 10.99.0.2 -t $tcp_s -R 2>&1) ||
	fail "iperf3 TCP b->a failed: $out"
echo "iperf3 TCP b->a, $tcp_s s: $(echo "$out" | tp)"
ip netns exec nvb iperf3 -s -D -1 > /dev/null 2>&1
sleep 0.5
out=$(ip netns exec nva iperf3 -c 10.99.0.2 -t $udp_s -u -b 50M 2>&1) ||
	fail "iperf3 UDP failed: $out"
echo "iperf3 UDP a->b, $udp_s s: $(echo "$out" | sed -n 's/.*sec *[0-9.]* [KMG]*Bytes *\([0-9.]* [KMG]*bits\/sec\).* \([0-9]*\/[0-9]* ([0-9.e+-]*%)\).*receiver.*/\1 lost \2/p')"

# The host forwarded in the senders' own signals (net_serve_now=Y, the
# default): its drains there are counted on the NIC channels; none when
# hvg_hypercall's Hyper-V backend (hv_soft) signals with interrupts off.
n=$(grep 'class=net ' /sys/kernel/debug/hvguest/loophost_ctl/devices |
	sed -n 's/.* runs_now=\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }')
if grep -q '^selected: hyperv' /sys/kernel/debug/hvguest/hypercall/backends 2>/dev/null; then
	[ "$n" = 0 ] || fail "$n drains in a signal sent with interrupts off"
else
	[ "$n" -gt 0 ] || fail "no drain of a NIC channel in the guest's signal (net_serve_now=$(cat /sys/module/hvg_loophost/parameters/net_serve_now))"
	# hv_netvsc's quiet sends (quiet_send=Y) took those completions on
	# the sending CPU, with no interrupt: counted on the NICs' channels.
	qr=0
	for d in /sys/bus/vmbus/drivers/hv_netvsc/*; do
		dev=$(basename "$d")
		[ -L "$d" ] && [ "$dev" != module ] || continue
		for f in $(grep -l "^device: $dev\$" /sys/kernel/debug/hvguest/vmbus/channels/*/state); do
			qr=$((qr + $(sed -n 's/^quiet_receives: *//p' "$f")))
		done
	done
	[ "$qr" -gt 0 ] || fail "no send completion taken right after a quiet send (quiet_send=$(cat /sys/module/hvg_netvsc/parameters/quiet_send))"
	echo "completions taken right after the send: $qr"
fi
echo "drains in the guest's signal: $n"

# RSC: where the host offers it (NVSP 6.1) hv_netvsc turns LRO on, and the
# host delivered the streams' LSO sends whole (one receive of several
# ranges); with LRO off on b, a stream reaches b cut into segments again.
host_nic()	# host_nic NETNS IFACE FIELD: the host's figure for that NIC
{
	grep " addr=$(ip netns exec "$1" cat /sys/class/net/"$2"/address) " \
		/sys/kernel/debug/hvguest/loophost_ctl/net |
		sed -n "s/.* $3=\([^ ]*\).*/\1/p"
}
ip netns exec nvb ethtool -k "$b" | grep -q '^large-receive-offload: on' ||
	fail "LRO is not on by default: $(ip netns exec nvb ethtool -k "$b" | grep large-receive)"
[ "$(host_nic nvb "$b" rsc)" = on ] || fail "host: RSC $(host_nic nvb "$b" rsc) for $b with LRO on"
rsc0=$(host_nic nvb "$b" rsc_frames) seg0=$(host_nic nvb "$b" lso_segments)
[ "${rsc0:-0}" -gt 0 ] || fail "no LSO send reached $b coalesced (rsc_frames=$rsc0)"
echo "RSC: $rsc0 sends reached $b whole in $(host_nic nvb "$b" rsc_ranges) ranges; $(ip netns exec nvb ethtool -S "$b" | awk '/rx_q[0-9]+_rsc_packets:/ { n += $2 } END { print n + 0 }') frames put together"
ip netns exec nvb ethtool -K "$b" lro off || fail "ethtool -K lro off failed"
[ "$(host_nic nvb "$b" rsc)" = off ] || fail "host: RSC $(host_nic nvb "$b" rsc) for $b with LRO off"
ip netns exec nvb iperf3 -s -D -1 > /dev/null 2>&1
sleep 0.5
out=$(ip netns exec nva iperf3 -c 10.99.0.2 -t 1 2>&1) ||
	fail "iperf3 with LRO off failed: $out"
rsc1=$(host_nic nvb "$b" rsc_frames) seg1=$(host_nic nvb "$b" lso_segments)
[ "$rsc1" = "$rsc0" ] || fail "LRO off, yet $((rsc1 - rsc0)) sends reached $b whole"
[ "$seg1" -gt "$seg0" ] || fail "LRO off: no LSO send reached $b in segments"
echo "LRO off: $((seg1 - seg0)) segments, none whole: $(echo "$out" | tp)"
ip netns exec nvb ethtool -K "$b" lro on || fail "ethtool -K lro on failed"
[ "$(host_nic nvb "$b" rsc)" = on ] || fail "host: RSC $(host_nic nvb "$b" rsc) for $b after LRO on"

# MTU 9000 and 8972-byte pings, each one frame each way.
ip -n nva link set "$a" mtu 9000 || fail "MTU 9000 on $a refused"
ip -n nvb link set "$b" mtu 9000 || fail "MTU 9000 on $b refused"
tx0=$(stat_of nva "$a" tx_packets)
out=$(ip netns exec nva ping -c 20 -i 0.01 -s 8972 -W 5 10.99.0.2 2>&1)
tx1=$(stat_of nva "$a" tx_packets)
echo "$out" | grep -q ' 20 packets received' || fail "jumbo pings lost: $out"
[ $((tx1 - tx0)) -le 24 ] ||
	fail "20 jumbo pings took $((tx1 - tx0)) frames: fragmented"
echo "MTU 9000: 20 pings of 8972 bytes, $((tx1 - tx0)) frames"
ip -n nva link set "$a" mtu 1500
ip -n nvb link set "$b" mtu 1500

# ethtool views.
ip netns exec nva ethtool -l "$a" > /tmp/nv.l || fail "ethtool -l failed"
q=$(sed -n '/^Current/,$s/^Combined:[[:space:]]*//p' /tmp/nv.l)
echo "queues: $q"

# Each NIC's channels spread over the CPUs: a sub-channel's default target
# follows its primary's (with two NICs offered together on an even number
# of CPUs, one round robin over every channel put all of a NIC's channels
# on one CPU, and RSS spread its flows over queues of that one CPU).
ncpu=$(grep -c '^processor' /proc/cpuinfo)
want=$q
[ "$ncpu" -lt "$want" ] && want=$ncpu
nr_chans() { [ "$(grep -c . "$1/channel_vp_mapping")" -eq "$2" ]; }
for d in "$a_dev" "$b_dev"; do
	wait_for 10 nr_chans "$d" "$q" ||
		fail "${d##*/}: channel_vp_mapping lists $(grep -c . "$d/channel_vp_mapping") channels, not $q"
	used=$(cut -d: -f2 "$d/channel_vp_mapping" | sort -u | grep -c .)
	echo "${d##*/}: $q channel(s) on $used CPU(s): $(tr '\n' ' ' < "$d/channel_vp_mapping")"
	[ "$used" -eq "$want" ] ||
		fail "${d##*/}: $q channels on $used of $ncpu CPUs: $(tr '\n' ' ' < "$d/channel_vp_mapping")"
done
ip netns exec nva ethtool -g "$a" > /dev/null || fail "ethtool -g failed"
ip netns exec nva ethtool -S "$a" | grep -q 'tx_q0_packets' ||
	fail "ethtool -S has no per-queue counters"
ip netns exec nva ethtool "$a" | grep -q 'Link detected: yes' ||
	fail "ethtool: no link"

# ethtool -L under iperf3 (when there are several queues).
if [ "${q:-1}" -gt 1 ]; then
	ip netns exec nvb iperf3 -s -D -1 > /dev/null 2>&1
	sleep 0.5
	ip netns exec nva iperf3 -c 10.99.0.2 -t 6 > /tmp/nv.iperf 2>&1 &
	ip_pid=$!
	sleep 2
	ip netns exec nva ethtool -L "$a" combined 1 || fail "ethtool -L combined 1 failed"
	sleep 1
	ip netns exec nva ethtool -L "$a" combined "$q" || fail "ethtool -L combined $q failed"
	wait "$ip_pid" ||
		fail "iperf3 failed across ethtool -L: $(tail -n 5 /tmp/nv.iperf)"
	echo "ethtool -L $q -> 1 -> $q under iperf3: $(tp < /tmp/nv.iperf)"
	out=$(ip netns exec nva ping -c 20 -i 0.01 -W 5 10.99.0.2 2>&1)
	echo "$out" | grep -q ' 20 packets received' ||
		fail "pings lost after ethtool -L: $out"
fi

# Every send was completed while the traffic ran: a send left without
# its completion for 5 s resets the NIC (tx_timeouts); the host completes
# each one, most inside the signal, before the send call returns.
stalls()	# stalls NETNS IFACE
{
	ip netns exec "$1" ethtool -S "$2" | sed -n 's/^ *tx_timeouts: *//p'
}
for ns_if in "nva $a" "nvb $b"; do
	t=$(stalls ${ns_if% *} ${ns_if#* })
	[ "${t:-x}" = 0 ] || fail "${ns_if#* }: tx_timeouts=$t after the traffic (a send not completed in 5 s)"
done

# The host's faults: each malformed message is dropped and counted, the
# NIC keeps working, and no poll loops on a zero-length PPI. Each fault
# twice: in a range short enough to be copied whole, and in one longer than
# the 256-byte head hv_netvsc parses before it splits the frame into
# headers and page fragments (NV_RX_HEAD_MAX; the parse of the head must
# send it to the full copy and parse, which count it).
errs()
{
	{
		ip netns exec nva ethtool -S "$a"
		ip netns exec nvb ethtool -S "$b"
	} | sed -n 's/^ *\(bad_packets\|dropped_ids\|bad_ranges\): //p' |
		{ t=0; while read -r v; do t=$((t + v)); done; echo $t; }
}
for sz in 56 1400; do
	for f in rndis_malformed ppi_zero_length ppi_bad_offset range_outside \
		forged_completion; do
		e0=$(errs)
		echo "fault $f 1" > "$ctl/net" || fail "cannot arm fault $f"
		ip netns exec nva ping -c 5 -i 0.05 -W 1 -s $sz 10.99.0.2 > /dev/null 2>&1
		e1=$(errs)
		grep -q "^fault $f armed=0 fired=[1-9]" "$ctl/net" ||
			fail "fault $f did not fire: $(grep "^fault $f " "$ctl/net")"
		[ "$e1" -gt "$e0" ] || fail "fault $f, $sz-byte pings: no error counted ($e0 -> $e1)"
		out=$(ip netns exec nva ping -c 5 -i 0.05 -W 5 -s $sz 10.99.0.2 2>&1)
		echo "$out" | grep -q ' 5 packets received' ||
			fail "after fault $f, $sz-byte pings: pings lost: $(echo "$out" | tail -n 2)"
		echo "fault $f, $sz-byte pings: counted ($e0 -> $e1), the NIC still works"
	done
done

# Carrier follows the host's link.
echo "link all down" > "$ctl/net" || fail "link down failed"
wait_for 10 carrier nva "$a" 0 || fail "$a keeps its carrier with the link down"
echo "link all up" > "$ctl/net" || fail "link up failed"
wait_for 10 carrier nva "$a" 1 || fail "$a has no carrier with the link up"
wait_for 10 carrier nvb "$b" 1 || fail "$b has no carrier with the link up"
echo "carrier: down and up with the host's link"

# Rescind of b during iperf3.
relid=$(sed -n "s/^relid=\([0-9]*\) class=[a-z]* instance=$b_inst sub=0 .*/\1/p" \
	"$ctl/devices")
[ -n "$relid" ] || fail "no relid for $b ($b_inst) in loophost_ctl/devices"
ip netns exec nva iperf3 -s -D -1 > /dev/null 2>&1
sleep 0.5
# The client's connection dies with the NIC: it is killed, not waited for.
ip netns exec nvb iperf3 -c 10.99.0.1 -t 30 > /dev/null 2>&1 &
ip_pid=$!
sleep 1
t0=$(stat_of nvb "$b" tx_bytes)
sleep 1
t1=$(stat_of nvb "$b" tx_bytes)
[ $((t1 - t0)) -gt 100000 ] ||
	fail "iperf3 moved $((t1 - t0)) bytes in the second before the rescind"
echo "$relid" > "$ctl/rescind" || fail "rescind of relid $relid failed"
wait_for 30 nr_nics 1 || fail "the rescinded NIC is still bound 30 s later"
kill "$ip_pid" 2>/dev/null
wait "$ip_pid"
echo "rescind during iperf3: NIC gone"
ip netns exec nva ping -c 3 -W 1 10.99.0.2 > /dev/null 2>&1 &&
	fail "a ping answered after the rescind"

# Unload/reload cycles with the host offering two NICs again.
ip netns del nva
ip netns del nvb
killall iperf3 2>/dev/null
i=0
while [ $i -lt "$(scaled 3 3 1 3)" ]; do
	modprobe -r hvg_netvsc || fail "cycle $i: modprobe -r hvg_netvsc failed"
	modprobe hvg_netvsc || fail "cycle $i: modprobe hvg_netvsc failed"
	wait_for 20 nr_nics 1 || fail "cycle $i: NIC not back"
	i=$((i + 1))
done
echo "unload/reload: $i cycles"

modprobe -r hvg_netvsc || fail "final modprobe -r hvg_netvsc failed"
modprobe -r hvg_vmbus || fail "modprobe -r hvg_vmbus failed"
modprobe -r hvg_loophost hvg_hypercall || fail "unloading the host failed"
echo "pass ($(($(date +%s) - start)) s)"

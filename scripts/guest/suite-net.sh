# SPDX-License-Identifier: GPL-2.0
#
# The network suite, run by scripts/itest/73-upstream-netvsc.sh once per
# stack (scripts/guest/suite-lib.sh) against the loopback host's netvsp and
# switch: "suite_net STACK". The host offers two NICs on one switch.
# Steps: two interfaces; each in a namespace of its own (nva 10.99.0.1,
# nvb 10.99.0.2) with carrier; pings with no loss; iperf3 TCP both ways;
# MTU 9000 with 8972-byte pings that go as one frame each (busybox's ping
# has no -M do: the interface's packet counter proves that nothing was
# fragmented); iperf3 running while the channels move to cpu1 and back and
# cpu1 goes offline and online; driver unload/reload cycles; the stack
# unloaded; a host whose newest versions are VMBus 3.0 and NVSP 2 (what
# the stack negotiated, and pings); a host that refuses every NVSP version
# (each probe fails cleanly, the devices stay unbound; restored, a driver
# reload finds both), and one that refuses every VMBus version (the bus's
# load fails cleanly; then the NICs are back). Sourced after /hvg/itest.sh,
# /hvg/netvsc.sh and /hvg/suite-lib.sh. dash.

net_class='{f8615163-df3e-46c5-913f-f2d2f965ed0e}'
# hvg.mode=hvsoft takes the first (FULL) figures: keep them small.
net_iperf_s=$(scaled 2 2 2 20)
net_pings=$(scaled 10 10 10 500)
net_cycles=$(scaled 2 2 2 10)

# The NVSP versions the host's NICs run, unique, space-separated.
host_nvsp()
{
	sed -n 's/.* nvsp=\(0x[0-9a-f]*\) .*/\1/p' "$ctl/net" | sort -u |
		tr '\n' ' ' | sed 's/ $//'
}

net_load()
{
	stack_load "$stack" netvsc echo_devices=0 scsi_devices=0 "$@" ||
		return 1
	wait_for 20 nr_ifs 2 || { r="not 2 interfaces after 20 s: $(nics | tr '\n' ' ')"; return 1; }
	r="2 interfaces"
}

net_ns()
{
	set -- $(nics)
	a=$1 b=$2
	pair_setup "$a" "$b" || { r="namespace setup of $a and $b failed"; return 1; }
	wait_for 10 carrier nva "$a" && wait_for 10 carrier nvb "$b" ||
		{ r="no carrier on $a or $b"; return 1; }
}

# ping_n N [SIZE]: N pings from nva to nvb, every one answered (counted by
# nva's kernel: busybox's small socket buffer may miss replies under TCG).
echo_reps()
{
	ip netns exec nva cat /proc/net/snmp |
		awk '$1 == "Icmp:" { if (!n) { for (i = 2; i <= NF; i++) if ($i == "InEchoReps") c = i; n = 1 } else print $c }'
}
ping_n()
{
	pn0=$(echo_reps)
	ip netns exec nva ping -c "$1" -i 0.02 -W 5 -s "${2:-56}" 10.99.0.2 > /tmp/suite.err 2>&1
	pn1=$(echo_reps)
	[ $((pn1 - pn0)) -eq "$1" ] ||
		{ r="$((pn1 - pn0)) of $1 pings answered: $(tail -n 1 /tmp/suite.err)"; return 1; }
}

net_ping()
{
	ping_n "$net_pings" || return 1
	r="no loss"
}

# net_iperf [-R]: iperf3 TCP from nva to nvb (or back with -R).
net_iperf()
{
	ip netns exec nvb iperf3 -s -D -1 > /dev/null 2>&1 || { r="iperf3 -s failed"; return 1; }
	sleep 0.5
	ip netns exec nva iperf3 -c 10.99.0.2 -t "$net_iperf_s" "$@" > /tmp/suite-iperf.out 2>&1 ||
		{ r="iperf3: $(tail -n 2 /tmp/suite-iperf.out | tr '\n' ' ')"; return 1; }
	echo "    $(sed -n 's/.* \([0-9.]* [KMG]*bits\/sec\).*receiver.*/\1/p' /tmp/suite-iperf.out)"
	# How the host forwarded the sends, both NICs so far (said, not
	# checked: whether a driver takes RSC is its choice).
	echo "    host: $(tr ' ' '\n' < "$ctl/net" |
		awk -F= '/^(rsc_frames|rsc_ranges|lso_segments|tx_direct)=/ { n[$1] += $2 }
			 END { for (k in n) printf "%s=%d ", k, n[k] }')"
}

net_mtu()
{
	ip -n nva link set "$a" mtu 9000 2> /tmp/suite.err &&
		ip -n nvb link set "$b" mtu 9000 2>> /tmp/suite.err ||
		{ r="MTU 9000 refused: $(cat /tmp/suite.err)"; return 1; }
	tx0=$(stat_of nva "$a" tx_packets)
	ping_n 10 8972 || return 1
	tx1=$(stat_of nva "$a" tx_packets)
	# Ten pings, and room for an ARP or two.
	[ $((tx1 - tx0)) -le 12 ] ||
		{ r="10 pings of 8972 bytes took $((tx1 - tx0)) frames"; return 1; }
	ip -n nva link set "$a" mtu 1500
	ip -n nvb link set "$b" mtu 1500
	r="8972-byte pings, one frame each"
}

net_cpu()
{
	ip netns exec nvb iperf3 -s -D -1 > /dev/null 2>&1 || { r="iperf3 -s failed"; return 1; }
	sleep 0.5
	ip netns exec nva iperf3 -c 10.99.0.2 -t $((net_iperf_s + 2)) > /tmp/suite-iperf.out 2>&1 &
	ip_pid=$!
	sleep 1
	step_cpu_hotplug "$net_class" net || { wait "$ip_pid"; return 1; }
	cpu_r=$r
	wait "$ip_pid" || { r="iperf3 across the moves: $(tail -n 2 /tmp/suite-iperf.out | tr '\n' ' ')"; return 1; }
	ping_n 5 || return 1
	r="$cpu_r; iperf3 and pings pass"
}

# Cycles of the driver's unload and load (the namespaces undone first);
# then the pair again, and pings.
net_reload()
{
	net_cleanup
	drv=$(stack_drv "$stack" netvsc)
	c=0
	while [ $c -lt "$net_cycles" ]; do
		wait_for 10 nr_ifs 2 || { r="cycle $c: the interfaces did not come back from the namespaces"; return 1; }
		modprobe -r "$drv" 2> /tmp/suite.err ||
			{ r="cycle $c: modprobe -r $drv: $(cat /tmp/suite.err)"; return 1; }
		modprobe "$drv" 2> /tmp/suite.err ||
			{ r="cycle $c: modprobe $drv: $(cat /tmp/suite.err)"; return 1; }
		wait_for 20 nr_ifs 2 || { r="cycle $c: not 2 interfaces after 20 s"; return 1; }
		c=$((c + 1))
	done
	net_ns || return 1
	ping_n 5 || return 1
	r="$net_cycles cycles, pings answered"
}

net_unload()
{
	net_cleanup
	wait_for 10 nr_ifs 2
	stack_unload "$stack" netvsc
}

# net_versions VMBUS NVSP: a host whose newest versions are VMBUS and
# NVSP: what the stack negotiated (the host's view) and pings.
net_versions()
{
	net_load version="$1" net_version="$2" || return 1
	net_ns || return 1
	ping_n 3 || return 1
	r="VMBus $(host_vmbus_version), NVSP $(host_nvsp), pings answered"
	net_unload
}

# After a refusal: the host's two NICs are interfaces again.
net_back()
{
	wait_for 20 nr_ifs 2 || { r="not 2 interfaces after 20 s: $(nics | tr '\n' ' ')"; return 1; }
	r="2 interfaces"
}

suite_net_cleanup()
{
	net_cleanup
	echo 1 > /sys/devices/system/cpu/cpu1/online 2> /dev/null
	return 0
}

suite_net()
{
	suite_cleanup=suite_net_cleanup
	suite_begin net "$1"
	step load net_load
	step netns net_ns
	step ping net_ping
	step tcp-a-to-b net_iperf
	step tcp-b-to-a net_iperf -R
	step mtu-9000 net_mtu
	step cpu1 net_cpu
	step reload net_reload
	step unload net_unload
	step ver-3.0 net_versions 3.0 2
	step refuse-nvsp step_refuse_drv netvsc "$net_class" net \
		net_version 6.1 net_back echo_devices=0 scsi_devices=0
	step refuse-vmbus step_refuse_vmbus netvsc net_back \
		echo_devices=0 scsi_devices=0
	suite_end netvsc
}

# SPDX-License-Identifier: GPL-2.0
#
# What a user changes on a running hv_netvsc NIC, and the loopback host
# (hvg_loophost net_devices=2 net_mtu_max=4000) honouring it: a new MAC
# address (SET GEN_RNDIS_CONFIG_PARAMETER; the switch forwards to it, and
# it survives `ethtool -L`); `ethtool -X` tables and key (RSS parameters:
# the host shows them and steers the frames to the queue the table names;
# `ethtool -x` shows them); the MTU from 68 to the host's 4000 (above
# what the host took at attach it attaches again to tell the host, which
# delivers nothing longer than the MTU it was told) and a refusal above.
# Exit 0 on pass.
set -u

mark="hvg-itest-61-netvsc-config: start $$"
. /hvg/itest.sh
. /hvg/netvsc.sh
# The host's line for the NIC of interface $1 (in namespace $2).
host_line()
{
	inst=$(basename "$(ip netns exec "$2" readlink "/sys/class/net/$1/device")")
	grep "instance=$inst " "$ctl/net"
}
host_field()
{
	host_line "$1" "$2" | tr ' ' '\n' | sed -n "s/^$3=//p"
}
qstat()
{
	ip netns exec "$1" ethtool -S "$2" | sed -n "s/^ *$3: //p"
}
pings()
{
	ip netns exec nva ping -c "$1" -i 0.02 -W 5 ${2:+-s $2} 10.99.0.2 2>&1 |
		grep -q " $1 packets received"
}

itest_begin
t0=$(date +%s)
modprobe hvg_loophost echo_devices=0 net_devices=2 net_mtu_max=4000 ||
	fail "modprobe hvg_loophost failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
# jumbo_mtu stays 9000: the first NDIS_CONFIG says more than the host's
# 4000, which the host refuses for 1514, so 4000 needs an attach again.
modprobe hvg_netvsc || fail "modprobe hvg_netvsc failed"
wait_for 20 nr_ifs 2 || fail "not two hv_netvsc interfaces"
set -- $(nics)
a=$1 b=$2
pair_setup "$a" "$b" || fail "network namespace setup failed"
wait_for 10 carrier nva "$a" || fail "$a has no carrier"
wait_for 10 carrier nvb "$b" || fail "$b has no carrier"
pings 5 || fail "no pings before any change"

# A new MAC on b while it is up: the host takes it, the switch forwards
# to it (a frame to an address no port has is dropped), a learns it.
old=$(ip netns exec nvb cat "/sys/class/net/$b/address")
new=02:00:5e:61:00:0b
ip -n nvb link set "$b" address $new || fail "MAC change to $new refused"
[ "$(ip netns exec nvb cat "/sys/class/net/$b/address")" = $new ] ||
	fail "$b does not have $new"
[ "$(host_field "$b" nvb addr)" = $new ] ||
	fail "the host has $(host_field "$b" nvb addr) for $b, not $new"
[ "$(host_field "$b" nvb mac)" = "$old" ] ||
	fail "the host's permanent address changed"
ip -n nva neigh flush dev "$a"
pings 10 || fail "pings lost after the MAC change"
ip -n nva neigh show dev "$a" | grep -q "lladdr $new" ||
	fail "a did not learn $new: $(ip -n nva neigh show dev "$a")"
echo "MAC: $old -> $new on $b, the host forwards to it"

q=$(ip netns exec nvb ethtool -l "$b" | sed -n '/^Current/,$s/^Combined:[[:space:]]*//p')
if [ "${q:-1}" -gt 1 ]; then
	ip netns exec nvb ethtool -L "$b" combined 1 &&
		ip netns exec nvb ethtool -L "$b" combined "$q" ||
		fail "ethtool -L $q -> 1 -> $q failed"
	[ "$(host_field "$b" nvb addr)" = $new ] ||
		fail "after ethtool -L the host has $(host_field "$b" nvb addr), not $new"
	wait_for 10 carrier nvb "$b" || fail "$b has no carrier after ethtool -L"
	ip -n nva neigh flush dev "$a"
	pings 5 || fail "pings lost after ethtool -L with the new MAC"
	echo "MAC: kept across ethtool -L"
fi

# ethtool -X: every table entry to one queue, then to another; a key.
if [ "${q:-1}" -gt 1 ]; then
	key=6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa
	ip netns exec nvb ethtool -X "$b" hkey $key ||
		fail "ethtool -X hkey failed"
	ip netns exec nvb ethtool -x "$b" > /tmp/nv61.x || fail "ethtool -x failed"
	grep -q "^$key\$" /tmp/nv61.x || fail "ethtool -x does not show the key: $(cat /tmp/nv61.x)"
	[ "$(host_field "$b" nvb rss_key)" = "$(echo $key | tr -d :)" ] ||
		fail "the host's key is $(host_field "$b" nvb rss_key)"
	for t in $((q - 1)) 0; do
		w= i=0
		while [ $i -lt "$q" ]; do
			[ $i = "$t" ] && w="$w 1" || w="$w 0"
			i=$((i + 1))
		done
		ip netns exec nvb ethtool -X "$b" weight $w ||
			fail "ethtool -X weight$w failed"
		ip netns exec nvb ethtool -x "$b" |
			awk -v t="$t" '/^ *[0-9]+:/ { for (i = 2; i <= NF; i++) if ($i != t) bad = 1; n++ } END { exit bad || !n }' ||
			fail "ethtool -x does not show every entry at queue $t: $(ip netns exec nvb ethtool -x "$b")"
		[ "$(host_field "$b" nvb rss)" = on ] &&
			[ "$(host_field "$b" nvb rss_table)" = "$t,$t,$t,$t" ] ||
			fail "the host's RSS: $(host_field "$b" nvb rss) $(host_field "$b" nvb rss_table), not all $t"
		r0=$(qstat nvb "$b" "rx_q${t}_packets")
		pings 20 || fail "pings lost with the table at queue $t"
		r1=$(qstat nvb "$b" "rx_q${t}_packets")
		[ $((r1 - r0)) -ge 20 ] ||
			fail "queue $t received $((r1 - r0)) of 20 pings"
		echo "ethtool -X weight$w: queue $t received $((r1 - r0)) frames of 20 pings"
	done
	ip netns exec nvb ethtool -X "$b" default || fail "ethtool -X default failed"
fi

# MTU: 68; the host's 4000 (above jumbo_mtu=1500: attach again); 4001 no.
ip -n nva link set "$a" mtu 68 || fail "MTU 68 refused"
pings 5 40 || fail "pings of 40 bytes lost at MTU 68"
ip -n nva link set "$a" mtu 67 2> /dev/null && fail "MTU 67 accepted"
for ns in nva nvb; do
	[ $ns = nva ] && i=$a || i=$b
	ip -n $ns link set "$i" mtu 4000 || fail "MTU 4000 on $i refused"
	[ "$(host_field "$i" $ns mtu)" = 4014 ] ||
		fail "the host was told MTU $(host_field "$i" $ns mtu) for $i, not 4014"
done
wait_for 10 carrier nva "$a" && wait_for 10 carrier nvb "$b" ||
	fail "no carrier after the MTU change"
tx0=$(ip netns exec nva cat "/sys/class/net/$a/statistics/tx_packets")
pings 10 3972 || fail "pings of 3972 bytes lost at MTU 4000"
tx1=$(ip netns exec nva cat "/sys/class/net/$a/statistics/tx_packets")
[ $((tx1 - tx0)) -le 14 ] || fail "10 pings of 3972 bytes took $((tx1 - tx0)) frames"
out=$(ip -n nva link set "$a" mtu 4001 2>&1) && fail "MTU 4001 accepted"
echo "$out" | grep -q -i "mtu greater than device maximum" ||
	fail "MTU 4001: unclear refusal: $out"
[ "$(ip netns exec nva cat "/sys/class/net/$a/mtu")" = 4000 ] ||
	fail "MTU not 4000 after the refusal"
echo "MTU: 68, 4000 (10 pings of 3972 bytes in $((tx1 - tx0)) frames), 4001 refused: $out"

splat && fail "a splat in the kernel log"
itest_cleanup
modprobe -r hvg_netvsc hvg_vmbus || fail "unloading hvg_netvsc failed"
modprobe -r hvg_loophost hvg_hypercall || fail "unloading the host failed"
echo "pass ($(($(date +%s) - t0)) s)"

# SPDX-License-Identifier: GPL-2.0
#
# The loopback host's synthetic NICs (netvsp): with hvg_loophost
# net_devices=2 the bus has two devices of the network class with
# upstream's modalias, and loophost_ctl/net lists the two NICs by the same
# relids and instance GUIDs; link and fault commands are taken, bad ones
# refused; "net" offered through loophost_ctl/offer adds a third NIC, which
# a rescind removes; module parameters out of range refuse the load. The
# guest side (hv_netvsc) is not needed: nothing here opens a channel. Run
# by the guest's sh (dash) as root; exit 0 on pass.
#
# Every check says what failed and exits 1 itself: errexit ignores a
# negated pipeline, so it cannot be what catches a failure.
set -u

mark="hvg-itest-55-netvsp-offer: start $$"
. /hvg/itest.sh

net_class='{f8615163-df3e-46c5-913f-f2d2f965ed0e}'
net_alias='vmbus:635161f83edfc546913ff2d2f965ed0e'
bus=/sys/bus/vmbus
ctl=/sys/kernel/debug/hvguest/loophost_ctl

# The network devices' directories, one a line.
net_devs()
{
	for d in "$bus"/devices/*; do
		[ -r "$d/class_id" ] || continue
		[ "$(cat "$d/class_id")" = "$net_class" ] && echo "$d"
	done
}

# Wait (up to 10 s) until the bus has $1 network devices.
wait_devs()
{
	i=0
	while [ "$(net_devs | grep -c .)" != "$1" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || return 1
		sleep 0.1
	done
}

itest_begin

# Parameters out of range refuse the load.
for p in net_version=7 net_devices=9 net_mtu_max=100 net_max_subchannels=64; do
	if modprobe hvg_loophost $p 2>/dev/null; then
		fail "hvg_loophost loaded with $p"
	fi
done
# Read from the file's strings (10-modules.sh says why not with modinfo).
ko=$(modinfo -F filename hvg_loophost) || fail "modinfo cannot find hvg_loophost"
for p in net_devices net_version net_mtu_max net_max_subchannels; do
	tr '\0' '\n' < "$ko" | grep -q "^parm=$p:." || fail "hvg_loophost has no description of $p"
done

modprobe hvg_loophost net_devices=2 || fail "modprobe hvg_loophost net_devices=2 failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
wait_devs 2 || fail "$(net_devs | grep -c .) network devices under $bus/devices, not 2"
[ -r "$ctl/net" ] || fail "no $ctl/net"

for d in $(net_devs); do
	name=${d##*/}
	[ "$(cat "$d/modalias")" = "$net_alias" ] ||
		fail "$name: modalias '$(cat "$d/modalias")', expected $net_alias"
	id=$(cat "$d/id")
	grep -q "^relid=$id instance=$name nic=" "$ctl/net" ||
		fail "loophost_ctl/net has no line for relid $id, instance $name: $(cat "$ctl/net")"
done
[ "$(grep -c '^relid=' "$ctl/net")" = 2 ] || fail "loophost_ctl/net lists not 2 NICs: $(cat "$ctl/net")"
grep '^relid=' "$ctl/net" | grep -q ' mac=00:15:5d:4c:00:01 ' || fail "no NIC with MAC 00:15:5d:4c:00:01"
grep '^relid=' "$ctl/net" | grep -q ' mac=00:15:5d:4c:00:02 ' || fail "no NIC with MAC 00:15:5d:4c:00:02"
grep -q 'class=net' "$ctl/devices" || fail "loophost_ctl/devices shows no net device"

# Link control by relid and by instance; the state is listed.
d=$(net_devs | head -n 1)
id=$(cat "$d/id")
echo "link $id down" > "$ctl/net" || fail "link $id down refused"
grep "^relid=$id " "$ctl/net" | grep -q ' link=down ' || fail "relid $id not listed with link=down"
echo "link ${d##*/} up" > "$ctl/net" || fail "link <instance> up refused"
grep "^relid=$id " "$ctl/net" | grep -q ' link=up ' || fail "relid $id not listed with link=up"
echo "link all down" > "$ctl/net" || fail "link all down refused"
[ "$(grep -c ' link=down ' "$ctl/net")" = 2 ] || fail "link all down left a NIC up"
echo "link all up" > "$ctl/net" || fail "link all up refused"
for bad in "link 4095 down" "link $id sideways" "fault nonsense" "fault range_outside -1" "jump"; do
	if echo "$bad" > "$ctl/net" 2>/dev/null; then
		fail "'$bad' accepted"
	fi
done

# Faults: armed with a count, listed, disarmed with 0.
echo "fault stop_tx_completions -1" > "$ctl/net" || fail "fault stop_tx_completions -1 refused"
grep -q '^fault stop_tx_completions armed=-1 ' "$ctl/net" || fail "stop_tx_completions not listed armed=-1"
echo "fault stop_tx_completions 0" > "$ctl/net" || fail "fault stop_tx_completions 0 refused"
echo "fault ppi_zero_length 3" > "$ctl/net" || fail "fault ppi_zero_length 3 refused"
grep -q '^fault ppi_zero_length armed=3 fired=0$' "$ctl/net" || fail "ppi_zero_length not listed armed=3"
echo "fault ppi_zero_length 0" > "$ctl/net"

# A third NIC through loophost_ctl/offer, then rescinded.
echo net > "$ctl/offer" || fail "offer net refused"
wait_devs 3 || fail "no third network device after offer net"
new=
for d in $(net_devs); do
	i=$(cat "$d/id")
	grep -q "^relid=$i " "$ctl/net" || new=$d
done
[ -n "$new" ] || fail "every network device already listed: the offered one is not new"
echo "$(cat "$new/id")" > "$ctl/rescind" || fail "rescind of the offered NIC refused"
wait_devs 2 || fail "the rescinded NIC is still on the bus"

modprobe -r hvg_vmbus || fail "modprobe -r hvg_vmbus failed"
modprobe -r hvg_loophost || fail "modprobe -r hvg_loophost failed"
modprobe -r hvg_hypercall 2>/dev/null
echo "PASS: 2 NICs offered with the network class, loophost_ctl/net lists and controls them, offer and rescind of a third"
exit 0

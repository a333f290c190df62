# SPDX-License-Identifier: GPL-2.0
#
# The VMBus connection on the loopback host: for each of the eight host
# versions, hvg_vmbus negotiates exactly that version (debugfs and its log
# line say so), and UNLOAD completes on unload (from 3.0 on; 2.4 has no
# UNLOAD); then 20 unload/reload cycles of hvg_vmbus on a 5.3 host. Run by
# the guest's sh (dash) as root; exit 0 on pass.
#
# Every check says what failed and exits 1 itself: errexit ignores a
# negated pipeline, so it cannot be what catches a failure.
set -u

mark="hvg-itest-30-vmbus: start $$"
. /hvg/itest.sh



conn=/sys/kernel/debug/hvguest/vmbus/connection
host=/sys/kernel/debug/hvguest/loophost

itest_begin

# One round: host version $1, guest loads, checks, unloads; $2 = a tag for
# the log mark, so that each round's lines are found on their own.
round()
{
	want=$1
	rmark="hvg-itest-30-vmbus: round $2 version $want"
	echo "$rmark" > /dev/kmsg
	modprobe hvg_loophost version="$want" scsi_devices=0 net_devices=0 ||
		fail "modprobe hvg_loophost version=$want failed"
	loaded hvg_hypercall || fail "hvg_loophost did not pull in hvg_hypercall"
	modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed against host version $want"
	loaded hvg_vmbus || fail "hvg_vmbus is not in /proc/modules"

	[ -r "$conn" ] || fail "$conn is missing"
	got=$(sed -n 's/^version: //p' "$conn")
	[ "$got" = "$want" ] || fail "debugfs says version '$got', host answers as $want"
	st=$(sed -n 's/^state: //p' "$conn")
	[ "$st" = connected ] || fail "debugfs state is '$st', not connected"
	bad=$(sed -n 's/^malformed: //p' "$conn")
	[ "$bad" = 0 ] || fail "$bad malformed control messages"
	log=$(dmesg | sed -n "/$rmark/,\$p")
	n=$(echo "$log" | grep -c "hvg_vmbus: connected, VMBus version $want\$")
	[ "$n" = 1 ] || fail "log line 'connected, VMBus version $want' seen $n times"
	hv=$(sed -n 's/^version: //p' "$host")
	[ "$hv" = "$want" ] || fail "the host's debugfs says version '$hv'"

	modprobe -r hvg_vmbus || fail "modprobe -r hvg_vmbus failed"
	loaded hvg_vmbus && fail "hvg_vmbus still loaded"
	log=$(dmesg | sed -n "/$rmark/,\$p")
	unloads=$(sed -n 's/^unload: //p' "$host")
	case "$want" in
	2.4)
		echo "$log" | grep -q 'hvg_vmbus: disconnected: VMBus 2.4 has no UNLOAD' ||
			fail "2.4: no 'has no UNLOAD' line"
		[ "$unloads" = 0 ] || fail "2.4: the host counted $unloads UNLOADs"
		;;
	*)
		echo "$log" | grep -q 'hvg_vmbus: disconnected: UNLOAD_RESPONSE received' ||
			fail "$want: UNLOAD did not complete"
		[ "$unloads" = 1 ] || fail "$want: the host counted '$unloads' UNLOADs, not 1"
		grep -q '^state: disconnected' "$host" ||
			fail "$want: the host still sees a connection after UNLOAD"
		;;
	esac
	if echo "$log" | grep -q 'hvg_vmbus: no UNLOAD_RESPONSE'; then
		fail "UNLOAD timed out"
	fi

	modprobe -r hvg_loophost hvg_hypercall || fail "modprobe -r hvg_loophost hvg_hypercall failed"
	loaded hvg_loophost && fail "hvg_loophost still loaded"
	loaded hvg_hypercall && fail "hvg_hypercall still loaded"
	echo "ok: host $want -> guest $got, unload ok"
}

i=0
for v in 5.3 5.2 5.1 5.0 4.1 4.0 3.0 2.4; do
	i=$((i + 1))
	round "$v" "$i"
done

# A version the host does not know is refused at load.
if modprobe hvg_loophost version=6.0 2>/dev/null; then
	fail "hvg_loophost accepted version=6.0"
fi
loaded hvg_loophost && fail "hvg_loophost loaded after version=6.0"

# 20 unload/reload cycles of hvg_vmbus on one host (3 under hvg.scale=short:
# every version above already connected and unloaded once).
cycles=$(scaled 20 20 3 20)
modprobe hvg_loophost || fail "modprobe hvg_loophost failed"
c=0
while [ "$c" -lt "$cycles" ]; do
	c=$((c + 1))
	modprobe hvg_vmbus || fail "cycle $c: modprobe hvg_vmbus failed"
	got=$(sed -n 's/^version: //p' "$conn")
	[ "$got" = 5.3 ] || fail "cycle $c: version '$got'"
	modprobe -r hvg_vmbus || fail "cycle $c: modprobe -r hvg_vmbus failed"
	loaded hvg_vmbus && fail "cycle $c: hvg_vmbus still loaded"
done
unloads=$(sed -n 's/^unload: //p' "$host")
[ "$unloads" = "$cycles" ] || fail "the host counted '$unloads' UNLOADs in $cycles cycles"
contacts=$(sed -n 's/^version_accepted: //p' "$host")
[ "$contacts" = "$cycles" ] || fail "the host accepted '$contacts' contacts in $cycles cycles"
n=$(since_mark | grep -c 'hvg_vmbus: no UNLOAD_RESPONSE\|hvg_vmbus: no VERSION_RESPONSE\|hvg_vmbus: no ALLOFFERS')
[ "$n" = 0 ] || fail "$n timeouts in the log"
grep '' "$host"
modprobe -r hvg_loophost hvg_hypercall || fail "final modprobe -r failed"
loaded hvg_loophost && fail "hvg_loophost still loaded at the end"
loaded hvg_hypercall && fail "hvg_hypercall still loaded at the end"
echo "PASS"
exit 0

# SPDX-License-Identifier: GPL-2.0
#
# For the integration tests of upstream's drivers in the hv_soft guest
# (71-73): ". /hvg/upstream.sh" after setting $mark. Loads the loopback
# host behind hv_soft and upstream's hv_vmbus; fails the test with the
# kernel log since $mark; finds splats.
. /hvg/lib.sh
hvg_hv_soft || hvg_skip "not an hv_soft guest (no hv_soft boot parameter)"

since_mark()
{
	dmesg | sed -n "/$mark/,\$p"
}
loaded()
{
	grep -q "^$1 " /proc/modules
}
unload_all()
{
	umount /mnt/u 2>/dev/null
	ip netns del una 2>/dev/null
	ip netns del unb 2>/dev/null
	for m in hv_netvsc hv_storvsc hv_vmbus hvg_netvsc hvg_storvsc \
		hvg_echo hvg_vmbus hvg_loophost hvg_hypercall; do
		loaded "$m" && modprobe -r "$m"
	done
}
fail()
{
	echo "FAIL: $*"
	echo "--- kernel log since the start of this test:"
	since_mark | tail -n 80
	unload_all
	exit 1
}
splat()
{
	since_mark |
		grep -E 'BUG:|WARNING:|Oops|KASAN|UBSAN|list_del corruption|general protection|hung_task|blocked for more'
}
# A clean start: everything unloaded, $mark in the log, then the host and
# hv_vmbus. hvg_hypercall comes first with backend=loopback: hvg_loophost
# needs its symbols, and with backend=auto it would take the SynIC for
# hvg_vmbus on this (soft) Hyper-V, where hv_vmbus is the VMBus client.
start_upstream()
{
	unload_all
	echo "$mark" > /dev/kmsg
	modprobe hvg_hypercall backend=loopback ||
		fail "modprobe hvg_hypercall backend=loopback failed"
	modprobe hvg_loophost || fail "modprobe hvg_loophost failed"
	modprobe hv_vmbus || fail "modprobe hv_vmbus failed"
}
# The end: $1 (a driver) and hv_vmbus unloaded, then the host (no longer
# pinned by hv_soft) and hvg_hypercall; no splat.
stop_upstream()
{
	modprobe -r "$1" || fail "modprobe -r $1 failed"
	modprobe -r hv_vmbus || fail "modprobe -r hv_vmbus failed"
	modprobe -r hvg_loophost || fail "hvg_loophost does not unload after hv_vmbus"
	modprobe -r hvg_hypercall
	s=$(splat)
	[ -z "$s" ] || fail "splat: $s"
}

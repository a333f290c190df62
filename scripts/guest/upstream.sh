# SPDX-License-Identifier: GPL-2.0
#
# For the integration tests of upstream's drivers in the hv_soft guest
# (71-73): ". /hvg/upstream.sh" after setting $mark, instead of
# /hvg/itest.sh, which it sources. Loads the loopback host behind hv_soft
# and upstream's hv_vmbus.
. /hvg/lib.sh
hvg_hv_soft || hvg_skip "not an hv_soft guest (no hv_soft boot parameter)"
. /hvg/itest.sh

itest_cleanup()
{
	umount /mnt/u 2>/dev/null
	ip netns del una 2>/dev/null
	ip netns del unb 2>/dev/null
	return 0
}

# A clean start: everything unloaded, $mark in the log, then the host and
# hv_vmbus. hvg_hypercall comes first with backend=loopback: hvg_loophost
# needs its symbols, and with backend=auto it would take the SynIC for
# hvg_vmbus on this (soft) Hyper-V, where hv_vmbus is the VMBus client.
start_upstream()
{
	itest_cleanup
	itest_begin
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

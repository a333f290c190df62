# SPDX-License-Identifier: GPL-2.0
#
# The reboot notifier's UNLOAD (what a power off, reboot or kexec does with
# hvg_vmbus loaded), run through debugfs hvguest/vmbus/reboot_notify with
# an echo device on the bus and its driver bound: the host answers, and the
# answer is taken by the path that sent UNLOAD, exactly once ("disconnected:
# UNLOAD_RESPONSE received"), never also logged as "unexpected
# UNLOAD_RESPONSE ignored" (which it was while the notifier polled the
# message slots and the handler's work raced it for the reply). A second
# notification does nothing. Then the modules unload: the driver's close
# sends nothing (the host closed everything at UNLOAD) and frees the rings
# (no "leaked", no "not sent"). Exit 0 on pass.
set -u

mark="hvg-itest-46-vmbus-reboot-unload: start $$"
. /hvg/itest.sh
log()
{
	dmesg | sed -n "/$mark/,\$p"
}

itest_begin
host=/sys/kernel/debug/hvguest/loophost
notify=/sys/kernel/debug/hvguest/vmbus/reboot_notify

# 3 rounds; 1 on the debug guest (KUnit and every test within 600 s)
rounds=$(scaled 3 1 1 30)
r=0
while [ "$r" -lt "$rounds" ]; do
	r=$((r + 1))
	modprobe hvg_loophost || fail "round $r: modprobe hvg_loophost failed"
	modprobe hvg_vmbus || fail "round $r: modprobe hvg_vmbus failed"
	modprobe hvg_echo || fail "round $r: modprobe hvg_echo failed"
	[ -w "$notify" ] || fail "round $r: no $notify"
	u0=$(sed -n 's/^unload: //p' "$host")
	echo 1 > "$notify" || fail "round $r: writing $notify failed"
	# a second power-off notification (kexec after a failed reboot) does nothing
	echo 1 > "$notify" || fail "round $r: writing $notify again failed"
	u1=$(sed -n 's/^unload: //p' "$host")
	[ $((u1 - u0)) = 1 ] || fail "round $r: the host counted $((u1 - u0)) UNLOADs, not 1"
	# Give a late (duplicate) handling of the reply time to show.
	sleep 1
	modprobe -r hvg_echo hvg_vmbus || fail "round $r: modprobe -r hvg_echo hvg_vmbus failed"
	modprobe -r hvg_loophost hvg_hypercall || fail "round $r: modprobe -r hvg_loophost failed"
done

n=$(log | grep -c 'disconnected: UNLOAD_RESPONSE received')
[ "$n" = "$rounds" ] || fail "$n 'UNLOAD_RESPONSE received' lines in $rounds rounds"
n=$(log | grep -c 'unexpected UNLOAD_RESPONSE')
[ "$n" = 0 ] || fail "$n 'unexpected UNLOAD_RESPONSE' lines"
n=$(log | grep -c 'hvg_vmbus: no [A-Z_]*RESPONSE')
[ "$n" = 0 ] || fail "$n UNLOAD timeouts"
# After UNLOAD's answer the host has closed the channels and dropped the
# GPADLs (M10): closing sends nothing and frees the rings, never leaks them.
n=$(log | grep -c 'not sent\|leaked\|no GPADL_TORNDOWN')
[ "$n" = 0 ] || fail "$n close or teardown errors after UNLOAD"
log | grep 'hvg_vmbus' | sed 's/^/  /' | tail -n 12
echo "PASS"
exit 0

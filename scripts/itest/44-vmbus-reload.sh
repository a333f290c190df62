# SPDX-License-Identifier: GPL-2.0
#
# hvg-smp: yes
#
# 50 unload/reload cycles (20 on the debug guest) of hvg_vmbus with
# devices present (hvg_loophost echo_devices=2): each cycle the two
# devices come back with the same
# instance GUIDs; in every other cycle hvg_echo binds to them (opening the
# channels) and is unloaded first, in every tenth (and the last) it also
# runs traffic on two channels. UNLOAD completes every time (the host
# counts each), no wait times out, and nothing is left on the bus at the
# end. Exit 0 on pass.
set -u

mark="hvg-itest-44-vmbus-reload: start $$"
. /hvg/itest.sh
host=/sys/kernel/debug/hvguest/loophost

itest_begin
modprobe hvg_loophost echo_devices=2 || fail "modprobe hvg_loophost echo_devices=2 failed"

# 50; 20 on the debug guest, which runs KUnit and every test in 600 s.
# hvg.scale: short in the extra debug guests of make check, soak in make
# soak.
cycles=$(scaled 50 20 4 1000)
u0=$(sed -n 's/^unload: //p' "$host")
t0=$(date +%s)
first=
c=0
while [ "$c" -lt "$cycles" ]; do
	c=$((c + 1))
	modprobe hvg_vmbus || fail "cycle $c: modprobe hvg_vmbus failed"
	devs=$(echo_devs | sed 's,.*/,,' | sort)
	[ "$(echo "$devs" | grep -c .)" = 2 ] || fail "cycle $c: $(echo "$devs" | grep -c .) echo devices, not 2"
	[ -z "$first" ] && first=$devs
	[ "$devs" = "$first" ] || fail "cycle $c: the devices' instance GUIDs changed"
	if [ $((c % 2)) = 0 ]; then
		modprobe hvg_echo || fail "cycle $c: modprobe hvg_echo failed"
		for n in $devs; do
			[ -e "/sys/bus/vmbus/devices/$n/driver" ] || fail "cycle $c: $n not bound"
		done
		if [ $((c % 10)) = 0 ] || [ "$c" = "$cycles" ]; then
			r=/sys/kernel/debug/hvguest/echo/$(echo "$devs" | head -n 1)/run
			echo "packets=2000 channels=2 size_max=2048 seed=$c" > "$r" ||
				fail "cycle $c: echo run failed: $(grep status "$r")"
		fi
		modprobe -r hvg_echo || fail "cycle $c: modprobe -r hvg_echo failed"
	fi
	modprobe -r hvg_vmbus || fail "cycle $c: modprobe -r hvg_vmbus failed"
	loaded hvg_vmbus && fail "cycle $c: hvg_vmbus still loaded"
	[ -d /sys/bus/vmbus ] && fail "cycle $c: /sys/bus/vmbus still there after unload"
done
t1=$(date +%s)
u1=$(sed -n 's/^unload: //p' "$host")
echo "$cycles cycles in $((t1 - t0)) s; the host answered $((u1 - u0)) UNLOADs"
[ $((u1 - u0)) = "$cycles" ] || fail "the host counted $((u1 - u0)) UNLOADs in $cycles cycles"
n=$(dmesg | sed -n "/$mark/,\$p" | grep -c 'hvg_vmbus: no [A-Z_]*\(RESPONSE\|RESULT\|CREATED\|TORNDOWN\|DELIVERED\)\|timed out')
[ "$n" = 0 ] || fail "$n timeouts in the log"
grep '' "$host" | sed 's/^/  host: /'
modprobe -r hvg_loophost hvg_hypercall || fail "final modprobe -r failed"
echo "PASS"
exit 0

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
for m in hvg_hypercall hvg_vmbus hvg_loophost hvg_storvsc hvg_netvsc; do
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
echo "### modprobe hvg_loophost (the loopback host registers as the software backend, answering as VMBus 5.3)"
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

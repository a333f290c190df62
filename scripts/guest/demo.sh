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
echo "### what the kernel said"
dmesg | grep -E 'hvg_|hvguest' | grep -Ev 'taints kernel|verification failed' | sed 's/^/  /'
echo
echo "### lsmod"
lsmod | grep -E '^(Module|hvg_)' | sed 's/^/  /'
echo "HVG-DEMO-END"

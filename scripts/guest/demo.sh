# SPDX-License-Identifier: GPL-2.0
#
# hvg.mode=demo: load the stack on a stock kernel and show what it shows.
# It grows as the components land.
# Keep the console for the demo's own output; dmesg still has it all.
dmesg -n 1
echo "HVG-DEMO-BEGIN"
echo "### Guest: $(uname -sr), $(nproc) vCPUs, no Hyper-V (QEMU TCG)"
echo
echo "### hvguest modules installed for this kernel"
for m in hvg_hypercall hvg_vmbus hvg_loophost hvg_storvsc hvg_netvsc; do
	printf '  %-14s %s\n' "$m" "$(modinfo -F description "$m")"
done
echo
echo "### modprobe hvg_hypercall"
modprobe hvg_hypercall && echo "  loaded"
[ -d /sys/kernel/debug/hvguest ] && for f in $(find /sys/kernel/debug/hvguest -type f); do
	echo "  $f:"
	sed 's/^/    /' "$f"
done
echo
echo "### modprobe hvg_vmbus (no Hyper-V here, and no software backend loaded)"
modprobe hvg_vmbus 2>&1 | sed 's/^/  /' || true
echo
echo "### what the kernel said"
dmesg | grep -E 'hvg_|hvguest' | grep -Ev 'taints kernel|verification failed' | sed 's/^/  /'
echo
echo "### lsmod"
lsmod | grep -E '^(Module|hvg_)' | sed 's/^/  /'
echo "HVG-DEMO-END"

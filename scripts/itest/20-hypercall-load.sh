# SPDX-License-Identifier: GPL-2.0
#
# The hypercall adapter in a guest without Hyper-V (QEMU TCG): hvg_hypercall
# loads, says that it found no Hyper-V and waits for a software backend;
# hvg_vmbus, with no backend registered, refuses to load and says to load
# hvg_loophost. Run by the guest's sh (dash) as root; exit 0 on pass.
set -u

mark="hvg-itest-20-hypercall: start $$"
. /hvg/itest.sh

# Start from nothing of ours loaded.
itest_begin

modprobe hvg_hypercall || fail "modprobe hvg_hypercall failed"
loaded hvg_hypercall || fail "hvg_hypercall is not in /proc/modules"
log=$(since_mark)
echo "$log" | grep -q 'hvg_hypercall: no Hyper-V found' ||
	fail "hvg_hypercall did not say that no Hyper-V was found"
echo "$log" | grep -q 'hvg_hypercall: .*waiting for a software backend' ||
	fail "hvg_hypercall did not say that it waits for a software backend"
echo "$log" | grep 'hvg_hypercall:'

# The parameter and debugfs views agree.
[ "$(cat /sys/module/hvg_hypercall/parameters/backend)" = auto ] ||
	fail "backend parameter is not auto"
d=/sys/kernel/debug/hvguest/hypercall
if [ -d /sys/kernel/debug/hvguest ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null; then
	[ -r $d/info ] || fail "$d/info is missing"
	grep -q '^usable: no' $d/info || fail "debugfs info does not say unusable"
	grep -q '^selected: none' $d/backends || fail "debugfs backends selects something"
	grep -q '^hyperv_backend: inactive' $d/stats || fail "debugfs stats: Hyper-V backend active"
	cat $d/info $d/backends
fi

if modprobe hvg_vmbus 2>/tmp/hvg_vmbus.err; then
	fail "hvg_vmbus loaded without any backend"
fi
loaded hvg_vmbus && fail "hvg_vmbus is in /proc/modules"
log=$(since_mark)
echo "$log" | grep -q 'hvg_vmbus: no hypercall backend: .*modprobe hvg_loophost' ||
	fail "hvg_vmbus did not tell the user to load hvg_loophost"
echo "$log" | grep 'hvg_vmbus:'

modprobe -r hvg_hypercall || fail "modprobe -r hvg_hypercall failed"
loaded hvg_hypercall && fail "hvg_hypercall still loaded"

# backend=hyperv on a machine without Hyper-V: refuse to load.
if modprobe hvg_hypercall backend=hyperv 2>/dev/null; then
	modprobe -r hvg_hypercall
	fail "hvg_hypercall backend=hyperv loaded without Hyper-V"
fi
since_mark | grep -q 'hvg_hypercall: backend=hyperv, but Hyper-V is not usable' ||
	fail "backend=hyperv refusal not explained"

# An unknown backend name is rejected.
if modprobe hvg_hypercall backend=xen 2>/dev/null; then
	modprobe -r hvg_hypercall
	fail "hvg_hypercall accepted backend=xen"
fi
loaded hvg_hypercall && fail "hvg_hypercall loaded after a bad parameter"
echo "PASS"
exit 0

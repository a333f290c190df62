# SPDX-License-Identifier: GPL-2.0
#
# The hypercall adapter in a guest without Hyper-V (QEMU TCG): hvg_hypercall
# loads, says that it found no Hyper-V and waits for a software backend;
# hvg_vmbus, with no backend registered, refuses to load and says to load
# hvg_loophost. Run by the guest's sh (dash) as root; exit 0 on pass.
#
# In the hv_soft guest (a soft Hyper-V partition) the same checks with
# their real-backend equivalents: backend=auto finds Hyper-V and selects
# the real backend; backend=loopback is the adapter that waits for a
# software backend (and hvg_vmbus refuses without one); backend=hyperv
# loads. 70-hvsoft-boot checks the real backend itself.
set -u
. /hvg/lib.sh

mark="hvg-itest-20-hypercall: start $$"
. /hvg/itest.sh

# Start from nothing of ours loaded.
itest_begin

d=/sys/kernel/debug/hvguest/hypercall
if hvg_hv_soft; then
	modprobe hvg_hypercall backend=auto || fail "modprobe hvg_hypercall backend=auto failed"
	log=$(since_mark)
	echo "$log" | grep -q 'hvg_hypercall: Hyper-V backend ready' ||
		fail "backend=auto on hv_soft: the Hyper-V backend is not ready"
	grep -q '^usable: yes' $d/info || fail "debugfs info does not say usable"
	grep -q '^selected: hyperv' $d/backends || fail "debugfs backends: $(cat $d/backends)"
	grep -q '^hyperv_backend: active' $d/stats || fail "debugfs stats: Hyper-V backend inactive"
	cat $d/backends
	modprobe -r hvg_hypercall || fail "modprobe -r hvg_hypercall (auto) failed"
	# Without Hyper-V in use: the adapter that waits for a software one.
	args=backend=loopback
	wait_msg='hvg_hypercall: backend=loopback: waiting for a software backend'
else
	args=
	wait_msg='hvg_hypercall: .*waiting for a software backend'
fi

# shellcheck disable=SC2086
modprobe hvg_hypercall $args || fail "modprobe hvg_hypercall $args failed"
loaded hvg_hypercall || fail "hvg_hypercall is not in /proc/modules"
log=$(since_mark)
hvg_hv_soft || echo "$log" | grep -q 'hvg_hypercall: no Hyper-V found' ||
	fail "hvg_hypercall did not say that no Hyper-V was found"
echo "$log" | grep -q "$wait_msg" ||
	fail "hvg_hypercall did not say that it waits for a software backend"
echo "$log" | grep 'hvg_hypercall:'

# The parameter and debugfs views agree.
want=${args#backend=}
[ -n "$want" ] || want=auto
[ "$(cat /sys/module/hvg_hypercall/parameters/backend)" = "$want" ] ||
	fail "backend parameter is not $want"
if [ -d /sys/kernel/debug/hvguest ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null; then
	[ -r $d/info ] || fail "$d/info is missing"
	hvg_hv_soft || grep -q '^usable: no' $d/info || fail "debugfs info does not say unusable"
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
if hvg_hv_soft; then
	modprobe hvg_hypercall backend=hyperv || fail "backend=hyperv on hv_soft failed"
	modprobe -r hvg_hypercall || fail "modprobe -r hvg_hypercall (hyperv) failed"
elif modprobe hvg_hypercall backend=hyperv 2>/dev/null; then
	modprobe -r hvg_hypercall
	fail "hvg_hypercall backend=hyperv loaded without Hyper-V"
fi
hvg_hv_soft || since_mark | grep -q 'hvg_hypercall: backend=hyperv, but Hyper-V is not usable' ||
	fail "backend=hyperv refusal not explained"

# An unknown backend name is rejected.
if modprobe hvg_hypercall backend=xen 2>/dev/null; then
	modprobe -r hvg_hypercall
	fail "hvg_hypercall accepted backend=xen"
fi
loaded hvg_hypercall && fail "hvg_hypercall loaded after a bad parameter"
echo "PASS"
exit 0

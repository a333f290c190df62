# SPDX-License-Identifier: GPL-2.0
#
# hvg-hvsoft: yes
#
# The soft Hyper-V partition (kernel/hv_soft, the test kernel booted with
# "hv_soft" and the VMBus SSDT; scripts/guest-test hvsoft), with no host
# registered: the kernel detected Microsoft Hyper-V and kept its TSC
# clocksource; the ACPI VMBus device exists; upstream's hv_vmbus fails
# cleanly and fast (every HvPostMessage is ACCESS_DENIED); hvg_hypercall
# comes up with its real backend (backend=hyperv) on the kernel's hypercall
# page and callback vector, reads the VP indexes hv_soft gives, and its
# hypercalls reach hv_soft's dispatcher (ACCESS_DENIED, counted in its
# stats). Skipped (TAP skip) in every other guest.
set -u
. /hvg/lib.sh
hvg_hv_soft || hvg_skip "not an hv_soft guest (no hv_soft boot parameter)"

mark="hvg-itest-70-hvsoft-boot: start $$"
. /hvg/itest.sh



# Centiseconds since boot (busybox date has no sub-second format).
now_cs()
{
	sed 's/^\([0-9]*\)\.\([0-9][0-9]\).*/\1\2/' /proc/uptime
}

itest_begin

# Detection and boot.
dmesg | grep -q 'hv_soft: soft Hyper-V partition active' ||
	fail "hv_soft did not say that it is active"
dmesg | grep -q 'Hypervisor detected: Microsoft Hyper-V' ||
	fail "the kernel did not detect Microsoft Hyper-V"
dmesg | grep -E 'hv_soft|Hypervisor detected|Hyper-V'
cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
[ "$cs" = tsc ] || fail "clocksource is $cs, not tsc (TSC invariant not honoured)"
dmesg | grep -q 'Marking TSC unstable' && fail "the TSC was marked unstable"
# hvg_hypercall's real backend on the soft partition.
# With hv_soft=nokernelhc the kernel booted without a hypercall page, so
# hvg_hypercall enables its own (a page in its module text, which hv_soft
# fills through a temporary writable mapping).
page="the kernel's"
grep -qw 'hv_soft=[a-z,]*nokernelhc[a-z,]*' /proc/cmdline && page=own
modprobe hvg_hypercall backend=hyperv || fail "modprobe hvg_hypercall backend=hyperv failed"
since_mark | grep -q "hvg_hypercall: Hyper-V backend ready: $page hypercall page, VMBus interrupt by the kernel's callback vector" ||
	fail "hvg_hypercall's real backend is not on $page hypercall page and the callback vector"
since_mark | grep 'hvg_hypercall:'
d=/sys/kernel/debug/hvguest/hypercall
grep -q '^hyperv_backend: active' $d/stats || fail "debugfs: the Hyper-V backend is not active"
# The VP index of each CPU is what hv_soft says (CPU + 100 with vpoffset).
off=0
grep -qw 'hv_soft=[a-z,]*vpoffset[a-z,]*' /proc/cmdline && off=100
n=0
while [ $n -lt "$(nproc)" ]; do
	grep -q "^cpu$n: vp_index $((n + off)) synic on" $d/stats ||
		fail "cpu$n: expected vp_index $((n + off)) with the SynIC on: $(grep "^cpu$n:" $d/stats)"
	n=$((n + 1))
done

# hvg_vmbus through the real backend: INITIATE_CONTACT reaches hv_soft's
# dispatcher, which denies it (no host); hvg_vmbus gives up.
t0=$(now_cs)
modprobe hvg_vmbus 2>/tmp/hvg_vmbus.err && fail "hvg_vmbus loaded with no host registered"
t1=$(now_cs)
echo "hvg_vmbus failed after $(((t1 - t0) * 10)) ms: $(cat /tmp/hvg_vmbus.err)"
[ $((t1 - t0)) -lt 3000 ] || fail "hvg_vmbus took $(((t1 - t0) / 100)) s to fail"
grep -Eq '^status 6: post_message [1-9]' $d/stats ||
	fail "no HvPostMessage came back ACCESS_DENIED: $(grep '^status' $d/stats)"
cat $d/stats
modprobe -r hvg_hypercall || fail "modprobe -r hvg_hypercall failed"
since_mark | grep -E 'hvg_vmbus:' | head -n 5

hid=/sys/bus/acpi/devices/VMBUS:00/hid
[ -r $hid ] || fail "no ACPI device VMBUS:00 (the SSDT is missing)"
[ "$(cat $hid)" = VMBUS ] || fail "VMBUS:00 has hid $(cat $hid)"
echo "clocksource $cs; ACPI $(cat /sys/bus/acpi/devices/VMBUS:00/path)"

# Upstream hv_vmbus with no host: every post is ACCESS_DENIED (6), the
# version loop ends, the module does not load; within seconds, not the
# minutes of a retry loop. (With nokernelhc it has no hypercall page and
# refuses at once.)
t0=$(now_cs)
modprobe hv_vmbus 2>/tmp/hv_vmbus.err && fail "hv_vmbus loaded with no host registered"
t1=$(now_cs)
loaded hv_vmbus && fail "hv_vmbus is in /proc/modules"
echo "hv_vmbus failed after $(((t1 - t0) * 10)) ms: $(cat /tmp/hv_vmbus.err)"
[ $((t1 - t0)) -lt 1000 ] || fail "hv_vmbus took $(((t1 - t0) / 100)) s to fail"
if [ "$page" != own ]; then
	since_mark | grep -q 'hv_post_msg() failed; error code:6' ||
		fail "hv_vmbus did not see HV_STATUS_ACCESS_DENIED"
	since_mark | grep -q 'Unable to connect to host' ||
		fail "hv_vmbus did not report the failed connection"
fi

echo "PASS"
exit 0

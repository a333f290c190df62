# SPDX-License-Identifier: GPL-2.0
#
# Every hvguest module is installed for this kernel, carries its metadata,
# and each driver loads on the loopback host (pulling in hvg_vmbus) and
# unloads cleanly.
#
# The fields are read from the module file's strings rather than through
# modinfo: kmod 30's modinfo, in the debug test-kernel guest only, leaves out
# the description of the three smallest modules although the file is intact
# (same checksum as on the host, where the same binary reads it, also in a
# chroot of the same initramfs). Cause not found.
#
# Every check says what failed and exits 1 itself: errexit ignores a
# negated pipeline ("! grep ..."), so it cannot be what catches a failure.
set -u
mark="hvg-itest-10-modules: start $$"
. /hvg/itest.sh
# field NAME: from the module's .modinfo strings, read once a module (three
# passes of sed over a debug module took seconds under TCG).
field()
{
	echo "$strs" | sed -n "s/^$1=//p" | head -n 1
}
for m in hvg_hypercall hvg_vmbus hvg_storvsc hvg_netvsc hvg_loophost hvg_echo; do
	ko=$(modinfo -F filename "$m") || fail "modinfo cannot find $m"
	strs=$(tr '\0' '\n' < "$ko" | grep -a -E '^(license|description|vermagic)=')
	lic=$(field license)
	desc=$(field description)
	magic=$(field vermagic)
	echo "$m: $ko license=$lic vermagic=$magic description=$desc"
	[ "$lic" = GPL ] || fail "$m: license is '$lic', not GPL"
	[ -n "$desc" ] || fail "$m: no description"
	[ "${magic%% *}" = "$(uname -r)" ] || fail "$m: vermagic '$magic' is not for $(uname -r)"
done
# The drivers need the bus, and the bus a backend: on the loopback host
# each driver loads (pulling in hvg_vmbus) and goes with modprobe -r.
modprobe hvg_loophost || fail "modprobe hvg_loophost failed"
for m in hvg_storvsc hvg_netvsc hvg_echo; do
	modprobe "$m" || fail "modprobe $m failed"
	grep -q "^$m " /proc/modules || fail "$m is not in /proc/modules after modprobe"
	modprobe -r "$m" || fail "modprobe -r $m failed"
	if grep -q "^$m " /proc/modules; then
		fail "$m is still in /proc/modules after modprobe -r"
	fi
done
for m in hvg_vmbus hvg_loophost hvg_hypercall; do
	if grep -q "^$m " /proc/modules; then
		modprobe -r "$m" || fail "modprobe -r $m failed"
	fi
	if grep -q "^$m " /proc/modules; then
		fail "$m is still in /proc/modules after modprobe -r"
	fi
done
echo "PASS"

# SPDX-License-Identifier: GPL-2.0
#
# Every hvguest module is installed for this kernel, carries its metadata,
# and the ones that need no backend load and unload cleanly.
#
# The fields are read from the module file's strings, not through modinfo:
# kmod 30's modinfo, on the debug test kernel only, left out the description
# of the three smallest modules although the file was intact (same checksum
# as on the host, and modinfo on the host reads it). Cause not found yet.
set -e
field()
{
	tr '\0' '\n' < "$2" | sed -n "s/.*$1=//p" | head -n 1
}
for m in hvg_hypercall hvg_vmbus hvg_storvsc hvg_netvsc hvg_loophost; do
	ko=$(modprobe --show-depends "$m" | sed -n 's/^insmod \([^ ]*\).*/\1/p' | tail -n 1)
	lic=$(field license "$ko")
	desc=$(field description "$ko")
	magic=$(field vermagic "$ko")
	echo "$m: $ko license=$lic vermagic=$magic description=$desc"
	[ "$lic" = GPL ]
	[ -n "$desc" ]
	[ "${magic%% *}" = "$(uname -r)" ]
done
for m in hvg_storvsc hvg_netvsc hvg_loophost; do
	modprobe "$m"
	grep -q "^$m " /proc/modules
	modprobe -r "$m"
	! grep -q "^$m " /proc/modules
done

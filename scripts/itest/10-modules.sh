# SPDX-License-Identifier: GPL-2.0
#
# Every hvguest module is installed for this kernel, carries its metadata,
# and the ones that need no backend load and unload cleanly.
set -e
for m in hvg_hypercall hvg_vmbus hvg_storvsc hvg_netvsc hvg_loophost; do
	lic=$(modinfo -F license "$m")
	desc=$(modinfo -F description "$m")
	echo "$m: license=$lic description=$desc"
	[ "$lic" = GPL ]
	[ -n "$desc" ]
done
for m in hvg_storvsc hvg_netvsc hvg_loophost; do
	modprobe "$m"
	grep -q "^$m " /proc/modules
	modprobe -r "$m"
	! grep -q "^$m " /proc/modules
done

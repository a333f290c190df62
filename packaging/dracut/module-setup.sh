#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dracut module "hvguest" of hvguest-dkms (installed as
# modules.d/90hvguest). It is only used when asked for: "hvguest-handover
# enable" writes /etc/dracut.conf.d/hvguest-handover.conf, which adds this
# module and force-loads hvguest's drivers early; the module puts those
# drivers and the blacklist of the in-box drivers into the initramfs, so
# that a root disk on a synthetic SCSI controller mounts through
# hvg_storvsc.

hvg_conf=/etc/modprobe.d/hvguest-handover.conf
hvg_mods="hvg_hypercall hvg_vmbus hvg_storvsc hvg_netvsc"

# 255: only when added by name (add_dracutmodules), never by hostonly
# detection.
check() {
	return 255
}

depends() {
	return 0
}

installkernel() {
	local m
	# A kernel with the in-box drivers built in keeps them.
	if grep -qsE '/(hv_vmbus|hv_storvsc|hv_netvsc)\.ko' \
		"$srcmods/modules.builtin"; then
		dwarn "hvguest: $kernel has the in-box Hyper-V drivers built in: not adding hvguest"
		return 0
	fi
	for m in $hvg_mods; do
		# Without them the blacklist would leave root without a driver.
		hostonly='' instmods "$m" || {
			derror "hvguest: $m is not built for $kernel: run 'dkms autoinstall -k $kernel' or 'hvguest-handover disable'"
			return 1
		}
	done
}

install() {
	[ -f "$hvg_conf" ] && inst_simple "$hvg_conf"
	return 0
}

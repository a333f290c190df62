# SPDX-License-Identifier: GPL-2.0
#
# hvg.mode=hvsoft: the test kernel booted with the soft Hyper-V partition
# (hv_soft): the integration tests written for it, then a kmemleak scan.
# With hvg.itests=all on the command line (scripts/guest-test with
# HVG_HVSOFT_ITESTS=all): KUnit, then every integration test, hvguest's own stack on
# hvg_hypercall's real backend (backend=hyperv) with hvg_loophost as
# hv_soft's host (frontend=hv_soft), set once for every modprobe here.
# With hvg.itests=own: the same, but only hvguest's own tests (not those
# written for hv_soft: upstream's drivers and the side-by-side suites).
# With hvg.itests=smp: only hvguest's own tests that declare "hvg-smp: yes";
# with hvg.itests=up: every test that does not (hvg_run_itests).
. /hvg/lib.sh
sel=hvsoft
for arg in $(cat /proc/cmdline); do
	case $arg in
	hvg.itests=all) sel= ;;
	hvg.itests=own) sel=own ;;
	hvg.itests=smp) sel=smp ;;
	hvg.itests=up) sel=up ;;
	esac
done
if [ "$sel" != hvsoft ]; then
	mkdir -p /etc/modprobe.d
	{
		echo "options hvg_hypercall backend=hyperv"
		echo "options hvg_loophost frontend=hv_soft"
		# A device's MODALIAS names upstream's driver too: without
		# this, "modprobe $alias" also loaded hv_vmbus, which failed
		# (a duplicate bus "vmbus") with a stack dump. The upstream
		# tests load them by name, which a blacklist does not stop.
		echo "blacklist hv_vmbus"
		echo "blacklist hv_storvsc"
		echo "blacklist hv_netvsc"
	} > /etc/modprobe.d/hvg-hvsoft.conf
	hvg_run_kunit
fi
# hvsoft: only the tests written for hv_soft; own: only the others; smp,
# up: as hvg_run_itests says; empty (hvg.itests=all): every test.
hvg_run_itests $sel
hvg_kmemleak_scan

# SPDX-License-Identifier: GPL-2.0
#
# hvg.mode=hvsoft: the test kernel booted with the soft Hyper-V partition
# (hv_soft): the integration tests written for it, then a kmemleak scan.
. /hvg/lib.sh
hvg_run_itests hvsoft
hvg_kmemleak_scan

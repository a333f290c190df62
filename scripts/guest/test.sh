# SPDX-License-Identifier: GPL-2.0
#
# hvg.mode=test: KUnit, then the integration tests, then a kmemleak scan.
. /hvg/lib.sh
hvg_run_kunit
hvg_run_itests
hvg_kmemleak_scan

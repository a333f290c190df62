# SPDX-License-Identifier: GPL-2.0
#
# hvg.mode=smoke: on a distribution kernel, the integration tests that do
# not need a debug kernel (all of them, today).
. /hvg/lib.sh
hvg_run_itests

# SPDX-License-Identifier: GPL-2.0
#
# hvg-hvsoft: yes
#
# The network suite (scripts/guest/suite-net.sh) with hvguest's hvg_vmbus
# and hvg_netvsc against the same loopback host (hvguest's backend: the
# variable suite_backend of suite-lib.sh), then side by side with
# upstream's results from 73-upstream-netvsc: the table (step, upstream,
# hvguest); fails if a stack failed a step or the two results differ,
# naming both. Skipped (TAP skip) in every other guest.
set -u
mark="hvg-itest-75-sidebyside-net: start $$"
. /hvg/upstream.sh
. /hvg/netvsc.sh
. /hvg/suite-lib.sh
. /hvg/suite-net.sh

suite_sidebyside net

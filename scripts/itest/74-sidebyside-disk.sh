# SPDX-License-Identifier: GPL-2.0
#
# hvg-hvsoft: yes
#
# The disk suite (scripts/guest/suite-disk.sh) with hvguest's hvg_vmbus and
# hvg_storvsc against the same loopback host (hvguest's backend: the
# variable suite_backend of suite-lib.sh), then side by side with
# upstream's results from 72-upstream-storvsc: the table (step, upstream,
# hvguest); fails if a stack failed a step or the two results differ,
# naming both. Skipped (TAP skip) in every other guest.
set -u
mark="hvg-itest-74-sidebyside-disk: start $$"
. /hvg/upstream.sh
. /hvg/suite-lib.sh
. /hvg/suite-disk.sh

suite_sidebyside disk

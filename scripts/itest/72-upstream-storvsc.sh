# SPDX-License-Identifier: GPL-2.0
#
# hvg-hvsoft: yes
#
# The disk suite (scripts/guest/suite-disk.sh) with upstream's hv_vmbus and
# hv_storvsc behind the soft Hyper-V partition, against the loopback
# host's storvsp: partition, ext4, mount, files verified after a drop of
# the page cache, fio verify=crc32c while the channels move and cpu1 goes
# offline and online, unmount, reload cycles, unload, a host that refuses
# the newest versions. Fails if a step fails; 74-sidebyside-disk runs the
# same suite with hvguest's stack and compares. Skipped (TAP skip) in every
# other guest. Helpers: scripts/guest/upstream.sh, suite-lib.sh.
set -u
mark="hvg-itest-72-upstream-storvsc: start $$"
. /hvg/upstream.sh
. /hvg/suite-lib.sh
. /hvg/suite-disk.sh

suite_upstream disk

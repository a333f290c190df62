# SPDX-License-Identifier: GPL-2.0
#
# hvg-hvsoft: yes
#
# The network suite (scripts/guest/suite-net.sh) with upstream's hv_vmbus
# and hv_netvsc behind the soft Hyper-V partition, against the loopback
# host's netvsp and switch: two NICs in two namespaces, pings with no
# loss, iperf3 TCP both ways, MTU 9000, iperf3 while the channels move and
# cpu1 goes offline and online, reload cycles, unload, a host that refuses
# the newest versions. Fails if a step fails; 75-sidebyside-net runs the
# same suite with hvguest's stack and compares. Skipped (TAP skip) in
# every other guest. Helpers: scripts/guest/upstream.sh, netvsc.sh,
# suite-lib.sh.
set -u
mark="hvg-itest-73-upstream-netvsc: start $$"
. /hvg/upstream.sh
. /hvg/netvsc.sh
. /hvg/suite-lib.sh
. /hvg/suite-net.sh

suite_upstream net

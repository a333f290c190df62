# SPDX-License-Identifier: GPL-2.0
#
# The tests run the tools they appear to: this script's shell is dash, and
# modprobe, ip and timeout are kmod's, iproute2's and GNU's, not busybox's
# applets (busybox's timeout once started every test under busybox's sh,
# which prefers its own applets to PATH). The kernel prints every message to
# the console whatever a test does with "dmesg -n" (ignore_loglevel), so the
# host's splat scan sees them all.
set -u
mark="hvg-itest-00-environment: start $$"
. /hvg/itest.sh

shell=$(readlink /proc/$$/exe)
echo "shell: $shell"
case "$shell" in
*/dash) ;;
*) fail "the test's shell is $shell, not dash" ;;
esac

v=$(modprobe --version 2>&1 | head -n 1)
echo "modprobe --version: $v"
case "$v" in
kmod\ version*) ;;
*) fail "modprobe is not kmod's" ;;
esac
[ "$(readlink -f "$(command -v modprobe)")" = /usr/bin/kmod ] ||
	fail "modprobe resolves to $(readlink -f "$(command -v modprobe)"), not /usr/bin/kmod"

v=$(ip -V 2>&1 | head -n 1)
echo "ip -V: $v"
case "$v" in
*iproute2*) ;;
*) fail "ip is not iproute2's" ;;
esac
ip netns list > /dev/null 2>&1 || fail "ip has no netns support"

v=$(timeout --version 2>&1 | head -n 1)
echo "timeout --version: $v"
case "$v" in
*GNU\ coreutils*) ;;
*) fail "timeout is not GNU coreutils'" ;;
esac

lvl=$(cat /sys/module/printk/parameters/ignore_loglevel)
echo "printk.ignore_loglevel: $lvl"
[ "$lvl" = Y ] || fail "the kernel was not booted with ignore_loglevel"
echo "PASS"

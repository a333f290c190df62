# SPDX-License-Identifier: GPL-2.0
#
# GPADLs through the echo device: 1000 of them (200 on the debug guest),
# from 1 page to 8190 (the
# most that range_buflen, 16 bits, can describe: one header and up to 292
# body messages), each created, summed by the host (GPADL_SUM: the host's
# crc32 of its own mapping equals the guest's; the whole buffer for the
# first two, 1 and 8190 pages, and every 100th, a part otherwise) and torn
# down; then 8191 pages refused with -E2BIG before anything is sent. The
# host's GPADL counters move by as many. Exit 0 on pass.
set -u

mark="hvg-itest-42-echo-gpadl: start $$"
. /hvg/itest.sh
itest_diag()
{
	[ -n "${run:-}" ] && [ -r "$run" ] && sed 's/^/  last result: /' "$run"
}
field()
{
	sed -n "s/^$1: //p" "$run"
}
host=/sys/kernel/debug/hvguest/loophost
hoststat()
{
	v=$(sed -n "s/^$1: //p" "$host" 2>/dev/null)
	echo "${v:-0}"
}

itest_begin

modprobe hvg_loophost || fail "modprobe hvg_loophost failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
modprobe hvg_echo || fail "modprobe hvg_echo failed"
dev=
for d in /sys/bus/vmbus/devices/*; do
	[ "$(cat "$d/class_id" 2>/dev/null)" = "$echo_class" ] && dev=$d && break
done
[ -n "$dev" ] || fail "no echo device"
run=/sys/kernel/debug/hvguest/echo/${dev##*/}/run
[ -w "$run" ] || fail "no $run"

# 1000 on the stock-kernel guest; 200 on the debug guest (KASAN: about
# 8 GPADLs a second, and that guest runs KUnit and every test in 600 s).
# hvg.scale (scripts/guest-test): short in the extra debug guests of make
# check, soak in make soak.
iter=$(scaled 1000 200 20 10000)
echo "$iter GPADLs"

g0=$(hoststat gpadls_created)
t0=$(hoststat gpadls_torn_down)
start=$(date +%s)
echo "mode=gpadl iterations=$iter pages_min=1 pages_max=8190 sum_every=100 seed=11" > "$run" ||
	fail "the gpadl run failed"
end=$(date +%s)
cat "$run"
[ "$(field status)" = "0 (ok)" ] || fail "status '$(field status)'"
[ "$(field created)" = "$iter" ] || fail "$(field created) of $iter GPADLs created"
[ "$(field torn_down)" = "$iter" ] || fail "$(field torn_down) of $iter GPADLs torn down"
[ "$(field sums_ok)" = "$iter" ] || fail "$(field sums_ok) of $iter GPADL_SUMs matched"
[ "$(field pages_8191)" = -7 ] || fail "8191 pages gave '$(field pages_8191)', not -7 (E2BIG)"
g1=$(hoststat gpadls_created)
t1=$(hoststat gpadls_torn_down)
echo "host: $((g1 - g0)) GPADLs created, $((t1 - t0)) torn down; $((end - start)) s"
# No channel opens meanwhile, so no ring GPADL is counted.
[ $((g1 - g0)) = "$iter" ] || fail "the host created $((g1 - g0)) GPADLs, the guest $iter"
[ $((t1 - t0)) = "$iter" ] || fail "the host tore down $((t1 - t0)) GPADLs, the guest $iter"

# After all that the channel still echoes.
echo "packets=2000 size_max=4096 seed=2" > "$run" || fail "the echo run after the GPADLs failed"
[ "$(field status)" = "0 (ok)" ] || fail "echo after GPADLs: status '$(field status)'"

modprobe -r hvg_echo || fail "modprobe -r hvg_echo failed"
modprobe -r hvg_vmbus || fail "modprobe -r hvg_vmbus failed"
modprobe -r hvg_loophost hvg_hypercall || fail "final modprobe -r failed"
echo "PASS"
exit 0

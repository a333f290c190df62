# SPDX-License-Identifier: GPL-2.0
#
# hvg-smp: yes
#
# The echo device through the whole path (channel API, ring, loopback
# host, interrupt delivery): packets of random sizes (seeded; sizes that
# wrap the ring anywhere, and now and then one as large as the ring holds)
# on the primary channel and 3 sub-channels at once, each reply checked
# against its request (crc32, length, transaction id and sequence); the
# guest's counts and the host's STATS agree; the channels' signal counters
# move. On the stock-kernel guest 1 million packets; on the debug guest
# (hvg.mode=test) as many as fit in 30 s, from a timed calibration run
# (the count is printed; that guest runs KUnit and every test within 600
# s). Then packets that each fill the ring (300; 100 on the debug guest),
# and GPA-direct (pages) requests (20000; 5000). Exit 0 on pass.
set -u

mark="hvg-itest-41-echo-run: start $$"
. /hvg/itest.sh
itest_diag()
{
	[ -n "${run:-}" ] && [ -r "$run" ] && sed 's/^/  last result: /' "$run"
}
field()
{
	sed -n "s/^$1: //p" "$run"
}

itest_begin

debug=0
debug_kernel && debug=1

modprobe hvg_loophost || fail "modprobe hvg_loophost failed"
modprobe hvg_vmbus || fail "modprobe hvg_vmbus failed"
modprobe hvg_echo || fail "modprobe hvg_echo failed"
dev=
for d in /sys/bus/vmbus/devices/*; do
	[ "$(cat "$d/class_id" 2>/dev/null)" = "$echo_class" ] && dev=$d && break
done
[ -n "$dev" ] || fail "no echo device"
name=${dev##*/}
run=/sys/kernel/debug/hvguest/echo/$name/run
[ -w "$run" ] || fail "no $run"

# do_run PARAMS...: one run; fails the test unless it passed every check.
do_run()
{
	echo "run: $*"
	t0=$(now_ms)
	if ! echo "$*" > "$run"; then
		fail "run '$*' failed"
	fi
	t1=$(now_ms)
	st=$(field status)
	[ "$st" = "0 (ok)" ] || fail "run '$*': status '$st'"
	[ "$(field errors)" = 0 ] || fail "run '$*': $(field errors) errors"
	[ "$(field packets)" = "$(field packets_asked)" ] ||
		fail "run '$*': $(field packets) of $(field packets_asked) packets"
	[ "$(field host_stats)" = agree ] ||
		fail "run '$*': the host's STATS: $(field host_stats)"
	echo "  $(field packets) packets, $(field bytes) bytes, $(field packets_per_s) packets/s, $(field MB_per_s) MB/s, ring full $(field ring_full) times, $((t1 - t0)) ms"
}

# Channel counters of the channels a run used (relids from its result).
counters()
{
	ev=0
	in=0
	for r in $(field relids); do
		ev=$((ev + $(cat "$dev/channels/$r/events")))
		in=$((in + $(cat "$dev/channels/$r/interrupts")))
	done
	echo "$ev $in"
}

# Warm-up: the sub-channels, and that the run reports 4 channels.
do_run packets=4000 channels=4 size_max=512 seed=7
[ "$(field channels)" = 4 ] || fail "4 channels asked, $(field channels) used"

if [ "$debug" = 1 ]; then
	# Calibrate: a timed run with the same parameters, then what fits in
	# HVG_ECHO_SECONDS (30: the debug guest runs KUnit and every test
	# within its 600 s limit).
	secs=${HVG_ECHO_SECONDS:-30}
	# hvg.scale=short: the extra debug guests of make check.
	grep -q 'hvg\.scale=short' /proc/cmdline && secs=2
	t0=$(now_ms)
	do_run packets=20000 channels=4 size_max=2048 big_every=1000 seed=3
	t1=$(now_ms)
	ms=$((t1 - t0))
	[ "$ms" -gt 0 ] || ms=1
	count=$((20000 * secs * 1000 / ms))
	[ "$count" -gt 1000000 ] && count=1000000
	[ "$count" -lt 20000 ] && count=20000
	echo "debug guest: calibration 20000 packets in $ms ms; the long run sends $count packets (${secs} s)"
	fill=100 pages=5000
	grep -q 'hvg\.scale=short' /proc/cmdline && fill=20 pages=1000
else
	count=1000000
	fill=300 pages=20000
	# hvg.scale=soak: make soak.
	grep -q 'hvg\.scale=soak' /proc/cmdline && count=20000000
fi

set -- $(counters)
ev0=$1 in0=$2
do_run packets=$count channels=4 size_min=0 size_max=2048 big_every=1000 seed=42
set -- $(counters)
ev=$(($1 - ev0)) in=$(($2 - in0))
echo "  signals to the host $ev ($((ev * 1000 / count)) per 1000 packets), interrupts from the host $in ($((in * 1000 / count)) per 1000 packets)"
grep '^chan ' "$run" | sed 's/^/  /'
[ "$ev" -gt 0 ] || fail "no signal to the host counted in $count packets"
[ "$in" -gt 0 ] || fail "no interrupt from the host counted in $count packets"

# Every packet as large as the ring can hold: each fills it.
max=$(field max_payload)
do_run packets=$fill channels=1 size_min=$max size_max=$max seed=5

# GPA-direct: the host reads the pages in place and checksums them.
do_run mode=pages packets=$pages channels=4 size_min=1 size_max=65536 pages_buf=64 seed=9

# The driver's lifetime counters: every channel used, none with an error.
info=/sys/kernel/debug/hvguest/echo/$name/info
sed 's/^/  info: /' "$info"
[ "$(grep -c '^chan .* open ' "$info")" = 4 ] || fail "the info file does not list 4 open channels"
bad=$(grep '^chan ' "$info" | grep -cv ' errors 0$')
[ "$bad" = 0 ] || fail "the info file counts errors on $bad channels"

modprobe -r hvg_echo || fail "modprobe -r hvg_echo failed"
modprobe -r hvg_vmbus || fail "modprobe -r hvg_vmbus failed"
modprobe -r hvg_loophost hvg_hypercall || fail "final modprobe -r failed"
n=$(dmesg | sed -n "/$mark/,\$p" | grep -c 'hvg_echo.*\(mismatch\|run ended\|failed\)')
[ "$n" = 0 ] || fail "$n error lines from hvg_echo in the kernel log"
echo "PASS"
exit 0

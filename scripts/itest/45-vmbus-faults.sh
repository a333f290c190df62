# SPDX-License-Identifier: GPL-2.0
#
# Each fault the loopback host can inject into the control messages
# (loophost_ctl/fault): the guest says clearly what was wrong (a log line of
# hvg_vmbus naming it), and the bus keeps working: the echo device still
# echoes, and a newly offered device binds and echoes. Faults that need an
# operation to act on get one (a GPADL for drop_next_reply, a reconnect for
# bad_version_response). rescind_during_open and rescind_during_gpadl are
# in 43-vmbus-rescind.sh. Exit 0 on pass.
set -u

mark="hvg-itest-45-vmbus-faults: start $$"
. /hvg/itest.sh
ctl=/sys/kernel/debug/hvguest/loophost_ctl
# works: every echo device echoes, and a new one binds and echoes.
works()
{
	for d in $(echo_devs); do
		r=/sys/kernel/debug/hvguest/echo/${d##*/}/run
		wait_for 20 '[ -w "$r" ]' || fail "$1: ${d##*/} is not bound"
		echo "packets=500 size_max=2048" > "$r" || fail "$1: echo run on ${d##*/} failed"
	done
	before=$(echo_devs)
	echo echo > "$ctl/offer" || fail "$1: offer failed"
	wait_for 20 '[ "$(echo_devs | grep -c .)" -gt "$(echo "$before" | grep -c .)" ]' ||
		fail "$1: a device offered afterwards did not appear"
	new=$(echo_devs | grep -vxF "$before" | head -n 1)
	r=/sys/kernel/debug/hvguest/echo/${new##*/}/run
	wait_for 20 '[ -w "$r" ]' || fail "$1: the new device ${new##*/} did not bind"
	echo "packets=500 size_max=2048" > "$r" || fail "$1: echo run on the new device failed"
	echo "$(cat "$new/id")" > "$ctl/rescind" || fail "$1: rescind of the new device failed"
	wait_for 20 '[ ! -e "$new" ]' || fail "$1: the new device was not removed"
	# The bus's link goes before the driver's remove() has closed the
	# channel: wait for the host to forget the channel (RELID_RELEASED,
	# after the GPADL teardown), so that no reply of this rescind is
	# still in flight when the next fault is armed.
	inst=${new##*/}
	wait_for 20 '! grep -q "instance=$inst " "$ctl/devices"' ||
		fail "$1: the host still lists the rescinded $inst"
}
# The guest's error lines since mark $1.
guest_errors()
{
	dmesg | sed -n "/$1/,\$p" | grep 'hvg_vmbus\|hvg_echo' |
		grep -i 'malformed\|unknown\|reject\|refus\|out of range\|duplicate\|unexpected\|no such\|timed out\|timeout\|invalid\|bad\|short\|ignor\|fail'
}

itest_begin
modprobe hvg_loophost || fail "modprobe hvg_loophost failed"
# A short reply timeout, so that a reply that never comes fails fast.
modprobe hvg_vmbus timeout_ms=3000 || fail "modprobe hvg_vmbus failed"
modprobe hvg_echo || fail "modprobe hvg_echo failed"
works "before any fault"

for f in unknown_type short_payload relid_out_of_range duplicate_offer \
	gpadl_created_unknown drop_next_reply bad_version_response; do
	fm="hvg-itest-45: fault $f $$"
	echo "$fm" > /dev/kmsg
	echo "$f" > "$ctl/fault" || fail "arming $f failed"
	case "$f" in
	drop_next_reply)
		# The next reply (GPADL_CREATED) never comes: the GPADL fails
		# with ETIMEDOUT after timeout_ms, its buffer is kept.
		d=$(echo_devs | head -n 1)
		r=/sys/kernel/debug/hvguest/echo/${d##*/}/run
		# busybox's echo names the errno (dash's: "I/O error")
		if busybox echo "mode=gpadl iterations=1 pages_min=4 pages_max=4" > "$r" 2> /tmp/45.err; then
			fail "$f: the GPADL succeeded without its reply"
		fi
		grep -q 'timed out' /tmp/45.err || fail "$f: the run failed with '$(cat /tmp/45.err)', not ETIMEDOUT"
		;;
	bad_version_response)
		# Acted on at the next connection.
		modprobe -r hvg_echo || fail "$f: modprobe -r hvg_echo failed"
		modprobe -r hvg_vmbus || fail "$f: modprobe -r hvg_vmbus failed"
		if modprobe hvg_vmbus timeout_ms=3000 2> /tmp/45.err; then
			echo "$f: hvg_vmbus connected after the bad response (next version): $(dmesg | grep 'connected, VMBus version' | tail -n 1 | sed 's/^\[[^]]*\] //')"
		else
			echo "$f: hvg_vmbus refused to load: $(cat /tmp/45.err)"
			modprobe hvg_vmbus timeout_ms=3000 || fail "$f: hvg_vmbus does not load after the fault"
		fi
		modprobe hvg_echo || fail "$f: modprobe hvg_echo failed"
		;;
	*)
		# Acted on at once: the wait_for below polls for its line.
		;;
	esac
	# What the guest must say, naming the fault.
	case "$f" in
	unknown_type) want='hvg_vmbus: malformed control message.*unknown-type' ;;
	short_payload) want='hvg_vmbus: malformed control message.*shorter-than-type' ;;
	relid_out_of_range) want='hvg_vmbus: malformed control message.*relid-out-of-range' ;;
	duplicate_offer) want='hvg_vmbus: .*\(duplicate offer\|relid is in use\)' ;;
	gpadl_created_unknown) want='hvg_vmbus: .*unexpected GPADL_CREATED' ;;
	drop_next_reply) want='hvg_vmbus: .*no GPADL_CREATED .*within' ;;
	*) want='hvg_vmbus: .*VERSION_RESPONSE' ;;
	esac
	wait_for 20 'guest_errors "$fm" | grep -q "$want"' || {
		guest_errors "$fm"
		fail "$f: no log line of the guest matching '$want'"
	}
	echo "$f: $(guest_errors "$fm" | grep "$want" | head -n 1 | sed 's/^\[[^]]*\] //')"
	works "after $f"
done

modprobe -r hvg_echo || fail "modprobe -r hvg_echo failed"
modprobe -r hvg_vmbus || fail "modprobe -r hvg_vmbus failed"
modprobe -r hvg_loophost hvg_hypercall || fail "final modprobe -r failed"
echo "PASS"
exit 0

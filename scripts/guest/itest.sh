# SPDX-License-Identifier: GPL-2.0
#
# What every integration test (scripts/itest/NN-name.sh) shares, sourced as
# ". /hvg/itest.sh" after the test has set $mark, the line it writes to
# /dev/kmsg when it starts (everything after it in the kernel log is its
# own). dash.
#
# A test may define two hooks, called by fail() when present:
#   itest_diag     prints what the test knows about the failure (a run
#                  file, the host's view) before the kernel log;
#   itest_cleanup  undoes what unloading cannot (mounts, background jobs).

echo_class='{5e7a9c11-4b3d-4f6e-9a21-687667656368}'

# The kernel log since this test's mark.
since_mark()
{
	dmesg | sed -n "/$mark/,\$p"
}

loaded()
{
	grep -q "^$1 " /proc/modules
}

# The whole stack, drivers before the bus before the host: the order to
# unload in (upstream's drivers are loaded only in the hv_soft guest).
itest_modules="hv_netvsc hv_storvsc hv_vmbus hvg_echo hvg_storvsc hvg_netvsc
hvg_vmbus hvg_loophost hvg_hypercall"

# Which backend "modprobe hvg_loophost" gives hvg_vmbus in this guest:
# "hyperv" (hvg_hypercall's real backend, the loopback host behind hv_soft:
# the hv_soft guest running every test, which sets the module options in
# /etc/modprobe.d/hvg-hvsoft.conf) or "loophost" (the software backend).
itest_backend()
{
	if grep -qs '^options hvg_hypercall backend=hyperv$' /etc/modprobe.d/hvg-hvsoft.conf; then
		echo hyperv
	else
		echo loophost
	fi
}

# Unload whatever of the stack is loaded, so that the next test starts from
# a clean guest (best effort: this is the failure path).
unload_stack()
{
	for m in $itest_modules; do
		loaded "$m" && modprobe -r "$m" 2>/dev/null
	done
	return 0
}

# Start from a guest with none of the stack loaded, and mark the log.
itest_begin()
{
	for m in $itest_modules; do
		if loaded "$m"; then
			modprobe -r "$m" || fail "cannot unload $m before the test"
		fi
	done
	echo "$mark" > /dev/kmsg
}

fail()
{
	echo "FAIL: $*"
	command -v itest_diag > /dev/null && itest_diag
	echo "--- kernel log since the start of this test:"
	since_mark | tail -n 80
	command -v itest_cleanup > /dev/null && itest_cleanup
	unload_stack
	exit 1
}

# The lines of this test's kernel log that scripts/guest-test would also
# count as a splat (printed; nothing when clean).
splat()
{
	since_mark |
		grep -E 'BUG:|WARNING:|Oops|KASAN|UBSAN|list_del corruption|general protection|hung_task|blocked for more'
}

# Milliseconds since boot (/proc/uptime has centiseconds).
now_ms()
{
	read -r up _ < /proc/uptime
	cs=${up#*.}
	echo $((${up%.*} * 1000 + ${cs#0} * 10))
}

# class_devs CLASS: the sysfs directories of the devices of CLASS (a class
# GUID as sysfs prints it) on the bus, one a line.
class_devs()
{
	for d in /sys/bus/vmbus/devices/*; do
		[ "$(cat "$d/class_id" 2>/dev/null)" = "$1" ] && echo "$d"
	done
	return 0
}

# The sysfs directories of the echo devices on the bus, one a line.
echo_devs()
{
	class_devs "$echo_class"
}

# wait_for SECONDS CONDITION: poll the shell CONDITION (eval'd each time, so
# variables in single quotes are read afresh) every 0.1 s; 1 on timeout.
wait_for()
{
	wf_left=$(($1 * 10))
	shift
	while ! eval "$*"; do
		wf_left=$((wf_left - 1))
		[ "$wf_left" -gt 0 ] || return 1
		sleep 0.1
	done
	return 0
}

# scaled FULL DEBUG SHORT SOAK: the figure for this guest: SOAK under make
# soak (hvg.scale=soak), SHORT in the extra debug guests of make check
# (hvg.scale=short), DEBUG in the debug kernel's guests (hvg.mode=test or
# hvg.mode=hvsoft: KASAN, lockdep, kmemleak), FULL
# in the stock-kernel guest.
scaled()
{
	case " $(cat /proc/cmdline) " in
	*" hvg.scale=soak "*) echo "$4" ;;
	*" hvg.scale=short "*) echo "$3" ;;
	*" hvg.mode=test "* | *" hvg.mode=hvsoft "*) echo "$2" ;;
	*) echo "$1" ;;
	esac
}

# storvsc_disk [LUN [SECONDS]]: the sdX of LUN (0) at path 0, target 0 of
# a storvsc SCSI host (hvguest's hv_storvsc or upstream's), once it has
# one; 1 after SECONDS (10).
storvsc_disk()
{
	sd_left=$((${2:-10} * 10))
	while [ "$sd_left" -gt 0 ]; do
		for h in /sys/class/scsi_host/host*; do
			case "$(cat "$h/proc_name" 2>/dev/null)" in
			*storvsc*) ;;
			*) continue ;;
			esac
			for b in /sys/bus/scsi/devices/"${h##*/host}":0:0:"${1:-0}"/block/*; do
				[ -d "$b" ] && echo "${b##*/}" && return 0
			done
		done
		sleep 0.1
		sd_left=$((sd_left - 1))
	done
	return 1
}

# True in the debug kernel's guests (the test kernel, with or without
# hv_soft: KASAN, lockdep and kmemleak make it several times slower).
debug_kernel()
{
	grep -qE 'hvg\.mode=(test|hvsoft)( |$)' /proc/cmdline
}

# SPDX-License-Identifier: GPL-2.0
#
# The side-by-side suites of the hv_soft guest (scripts/guest/suite-disk.sh,
# suite-net.sh): one script per suite, run once per stack against the same
# loopback host, each step recording one result per stack in
# /tmp/suite-SUITE-STACK.res. Itests 72 and 73 run the suites with
# upstream's stack; 74 and 75 with hvguest's, and then print the table
# (step, upstream, hvguest) and fail if a stack failed a step or the two
# results differ (one itest per suite and stack keeps each within the
# itest time limit). Sourced after /hvg/itest.sh. dash.
#
# The stacks:
#   upstream  hvg_hypercall backend=loopback (only for the host's symbols),
#             hvg_loophost behind hv_soft, Linux's hv_vmbus and
#             hv_storvsc / hv_netvsc;
#   hvguest   hvg_hypercall backend=$suite_backend, hvg_loophost, hvg_vmbus
#             and hvg_storvsc / hvg_netvsc.
#
# A step's result is "ok", "ok: DETAIL" or "FAIL: WHY"; DETAIL holds only
# what both stacks must agree on (negotiated versions, counts the host
# decides), never timings. After a failed step the stack's remaining steps
# are "not run" and the stack is unloaded.

# The suites move channels to cpu1 and take it offline and online: they
# run in make check's 2-vCPU hv_soft guest (stage hvsoft); a 1-vCPU guest
# that runs every itest (hvsoft-1cpu) skips them.
[ "$(nproc)" -ge 2 ] ||
	hvg_skip "the suites need a cpu1: make check runs them in the 2-vCPU hv_soft guest"

# hvguest's backend: loopback (hvg_hypercall's software backend; the host
# as its hvg front end) or hyperv (hv_soft's hypercall page and callback
# vector; the host as hv_soft's host). The boot parameter
# hvg.suite_backend=hyperv overrides the default.
suite_backend=loopback
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	hvg.suite_backend=*) suite_backend=${arg#*=} ;;
	esac
done

lh=/sys/kernel/debug/hvguest/loophost
ctl=/sys/kernel/debug/hvguest/loophost_ctl

# The modules of stack $1 for driver kind $2 (storvsc or netvsc): the bus,
# then the driver.
stack_bus()
{
	case "$1" in
	upstream) echo hv_vmbus ;;
	*) echo hvg_vmbus ;;
	esac
}
stack_drv()
{
	case "$1" in
	upstream) echo "hv_$2" ;;
	*) echo "hvg_$2" ;;
	esac
}

# stack_load_host STACK [HOST PARAMETERS...]: hvg_hypercall and the host
# of STACK, the host with the given parameters. 1 (with $r set) on failure.
stack_load_host()
{
	sl_st=$1
	shift
	if [ "$sl_st" = upstream ]; then
		sl_be=loopback sl_fe=hv_soft
	elif [ "$suite_backend" = hyperv ]; then
		sl_be=hyperv sl_fe=hv_soft
	else
		sl_be=loopback sl_fe=hvg
	fi
	modprobe hvg_hypercall backend=$sl_be 2> /tmp/suite.err ||
		{ r="modprobe hvg_hypercall backend=$sl_be: $(cat /tmp/suite.err)"; return 1; }
	modprobe hvg_loophost frontend=$sl_fe "$@" 2> /tmp/suite.err ||
		{ r="modprobe hvg_loophost $*: $(cat /tmp/suite.err)"; return 1; }
}

# stack_load STACK KIND [HOST PARAMETERS...]: the whole stack, the host
# with the given parameters. 1 (with $r set) on failure.
stack_load()
{
	sl_st=$1 sl_kind=$2
	shift 2
	stack_load_host "$sl_st" "$@" || return 1
	modprobe "$(stack_bus "$sl_st")" 2> /tmp/suite.err ||
		{ r="modprobe $(stack_bus "$sl_st"): $(cat /tmp/suite.err)"; return 1; }
	modprobe "$(stack_drv "$sl_st" "$sl_kind")" 2> /tmp/suite.err ||
		{ r="modprobe $(stack_drv "$sl_st" "$sl_kind"): $(cat /tmp/suite.err)"; return 1; }
	return 0
}

# stack_unload STACK KIND: driver, bus, host (no longer pinned by hv_soft
# once the bus has gone), hvg_hypercall. 1 (with $r set) on failure.
stack_unload()
{
	for su_m in "$(stack_drv "$1" "$2")" "$(stack_bus "$1")" hvg_loophost \
		hvg_hypercall; do
		loaded "$su_m" || continue
		modprobe -r "$su_m" 2> /tmp/suite.err ||
			{ r="modprobe -r $su_m: $(cat /tmp/suite.err)"; return 1; }
	done
	return 0
}

# The host's negotiated VMBus version ("none" when disconnected).
host_vmbus_version()
{
	v=$(sed -n 's/^version: //p' $lh 2> /dev/null)
	echo "${v:-none}"
}

# The kernel log since this stack's start.
stack_log()
{
	dmesg | sed -n "/$stack_mark/,\$p"
}

# What each stack logs when the host refuses every version it offers (the
# key of "refused", below): at VMBus level, and by the disk and NIC drivers.
refused_line()
{
	case "$stack.$1" in
	upstream.vmbus) echo 'hv_vmbus: Unable to connect to host' ;;
	upstream.storvsc) echo 'Obsolete Hyper-V version' ;;
	upstream.netvsc) echo 'unable to connect to NetVSP' ;;
	*.vmbus) echo 'hvg_vmbus: the host accepted none of the VMBus versions' ;;
	*.storvsc) echo 'the host accepts none of the protocol versions' ;;
	*.netvsc) echo 'the host accepts none of the NVSP versions' ;;
	esac
}

# refused KIND N: the stack's line of refused_line KIND, N times (one per
# device), came since the stack's start; 1 (with $r) if not within 30 s.
# Once a second: reading the whole log is slow under TCG.
refused()
{
	rf_line=$(refused_line "$1") rf_n=$2 rf_end=$(($(now_ms) + 30000))
	until [ "$(stack_log | grep -c "$rf_line")" -ge "$rf_n" ]; do
		[ "$(now_ms)" -lt "$rf_end" ] ||
			{ r="not $rf_n \"$rf_line\" after 30 s"; return 1; }
		sleep 1
	done
}

# The host's counter $1 (loophost debugfs).
host_stat()
{
	sed -n "s/^$1: //p" $lh
}

# step_refuse_vmbus KIND BACK [HOST PARAMETERS...]: a host that refuses
# every VMBus version (version=none). The bus's load ends within 60 s,
# fails, and the stack logs it; the host refused each contact and accepted
# none, and unloads. Then the whole stack with the host as before: the
# function BACK finds the suite's devices (in $r). The detail: how
# many contacts the host refused (both stacks try eight versions), and
# what came back.
step_refuse_vmbus()
{
	rv_kind=$1 rv_back=$2
	shift 2
	stack_load_host "$stack" version=none "$@" || return 1
	rm -f /tmp/suite-bus.rc
	(modprobe "$(stack_bus "$stack")" > /tmp/suite-bus.err 2>&1
	 echo $? > /tmp/suite-bus.rc) &
	wait_for 60 '[ -s /tmp/suite-bus.rc ]' ||
		{ r="modprobe $(stack_bus "$stack") still runs after 60 s against a host that refuses every version"; return 1; }
	if [ "$(cat /tmp/suite-bus.rc)" = 0 ]; then
		rv_n=$(ls /sys/bus/vmbus/devices 2> /dev/null | wc -l)
		r="modprobe $(stack_bus "$stack") succeeded ($rv_n devices) against a host that refuses every version"
		return 1
	fi
	refused vmbus 1 || return 1
	rv_no=$(host_stat version_refused) rv_yes=$(host_stat version_accepted)
	[ "$rv_yes" = 0 ] || { r="the host accepted $rv_yes contacts with version=none"; return 1; }
	[ "${rv_no:-0}" -gt 0 ] || { r="the host refused no contact"; return 1; }
	modprobe -r hvg_loophost 2> /tmp/suite.err ||
		{ r="the host did not unload after the refusal: $(cat /tmp/suite.err)"; return 1; }
	stack_load "$stack" "$rv_kind" "$@" || return 1
	"$rv_back" || return 1
	rv_r=$r
	stack_unload "$stack" "$rv_kind" || return 1
	r="$rv_no contacts refused, bus load fails; back: $rv_r"
	echo "    $(stack_log | grep "$(refused_line vmbus)" | tail -n 1 | sed 's/^\[[^]]*\] //')"
	echo "    $(tail -n 1 /tmp/suite-bus.err)"
}

# step_refuse_drv KIND CLASS SERVICE PARAM DEFAULT BACK [HOST PARAMETERS...]:
# a host whose SERVICE (scsi, net) refuses every protocol version
# (PARAM=none). For each device of CLASS the driver's probe fails and the
# stack logs it; the device stays unbound, with no SCSI host and no
# interface under it; the guest sent the host nothing after the refusal
# (no bad request counted); the host's channel is closed again. Then PARAM is
# DEFAULT again (it is writable) and the driver is reloaded: the function
# BACK finds the suite's devices (in $r). The detail: the versions the
# host refused per device (its counters versions_refused, init_refused:
# both stacks try each version they know once), and what came back.
step_refuse_drv()
{
	rd_kind=$1 rd_class=$2 rd_svc=$3 rd_param=$4 rd_def=$5 rd_back=$6
	shift 6
	stack_load "$stack" "$rd_kind" "$rd_param=none" "$@" || return 1
	rd_devs=$(class_devs "$rd_class")
	rd_n=$(echo "$rd_devs" | grep -c .)
	[ "$rd_n" -gt 0 ] || { r="no device of class $rd_class"; return 1; }
	refused "$rd_kind" "$rd_n" || return 1
	for d in $rd_devs; do
		[ -e "$d/driver" ] &&
			{ r="${d##*/} bound to $(basename "$(readlink "$d/driver")") after the refusal"; return 1; }
		ls -d "$d"/host* "$d"/net > /dev/null 2>&1 &&
			{ r="${d##*/} has a SCSI host or an interface after the refusal"; return 1; }
	done
	wait_for 10 '! grep -q "class=$rd_svc .* state=open" $ctl/devices' ||
		{ r="a $rd_svc channel still open after the refusal"; return 1; }
	rd_cnt=$(sed -n "s/^relid=.* class=$rd_svc .* sub=0 .*_refused=\([0-9]*\).*/\1/p" \
		$ctl/devices | sort -u | tr '\n' ' ' | sed 's/ $//')
	# Nothing but the handshake: after a refusal a guest has no protocol
	# to speak (the host counts anything else as a bad request).
	rd_bad=$(sed -n "s/^relid=.* class=$rd_svc .* sub=0 .* bad_requests=\([0-9]*\).*/\1/p" \
		$ctl/devices | awk '{ n += $1 } END { print n + 0 }')
	[ "$rd_bad" = 0 ] ||
		{ r="the host counted $rd_bad bad requests after the refusal"; return 1; }
	echo "$rd_param" > /sys/module/hvg_loophost/parameters/"$rd_param" 2> /dev/null &&
		{ r="$rd_param took a version name of its own"; return 1; }
	echo "$rd_def" > /sys/module/hvg_loophost/parameters/"$rd_param" ||
		{ r="$rd_param=$rd_def refused"; return 1; }
	rd_drv=$(stack_drv "$stack" "$rd_kind")
	modprobe -r "$rd_drv" 2> /tmp/suite.err ||
		{ r="modprobe -r $rd_drv after the refusal: $(cat /tmp/suite.err)"; return 1; }
	modprobe "$rd_drv" 2> /tmp/suite.err ||
		{ r="modprobe $rd_drv: $(cat /tmp/suite.err)"; return 1; }
	"$rd_back" || return 1
	rd_r=$r
	stack_unload "$stack" "$rd_kind" || return 1
	r="$rd_n unbound, ${rd_cnt:-no} versions refused each; back: $rd_r"
	stack_log | grep -e "$(refused_line "$rd_kind")" -e "probe of .* failed" |
		tail -n 3 | sed 's/^\[[^]]*\] /    /'
}

# suite_begin SUITE STACK: a fresh result file and a mark in the log.
suite_begin()
{
	suite=$1 stack=$2
	suite_res=/tmp/suite-$suite-$stack.res
	suite_broken=
	: > "$suite_res"
	stack_mark="hvg-suite-$suite-$stack: start $$"
	echo "$stack_mark" > /dev/kmsg
	suite_t0=$(now_ms)
}

# step NAME FUNCTION [ARGS...]: run FUNCTION in this shell (it sets $r
# to its detail or its reason and returns 0 or 1) and record the result.
step()
{
	st_name=$1
	shift
	if [ -n "$suite_broken" ]; then
		printf '%s\tnot run\n' "$st_name" >> "$suite_res"
		return 1
	fi
	r=
	st_t0=$(now_ms)
	if "$@"; then
		printf '%s\tok%s\n' "$st_name" "${r:+: $r}" >> "$suite_res"
		echo "  $stack $st_name: ok${r:+: $r} ($(($(now_ms) - st_t0)) ms)"
		return 0
	fi
	printf '%s\tFAIL: %s\n' "$st_name" "$r" | tr -d '\r' |
		head -c 300 >> "$suite_res"
	echo >> "$suite_res"
	echo "  $stack $st_name: FAIL: $r"
	suite_broken=$st_name
	return 1
}

# The kernel log since this stack's start has no splat.
step_no_splat()
{
	r=$(dmesg | sed -n "/$stack_mark/,\$p" |
		grep -E 'BUG:|WARNING:|Oops|KASAN|UBSAN|list_del corruption|general protection|hung_task|blocked for more|Call Trace' |
		head -n 3 | tr '\n' ' ')
	[ -z "$r" ]
}

# suite_end KIND: unload what is left (best effort after a failure, its
# own result otherwise), then the splat check.
suite_end()
{
	if [ -n "$suite_broken" ]; then
		[ -n "${suite_cleanup:-}" ] && "$suite_cleanup"
		stack_unload "$stack" "$1" || unload_stack
	fi
	sb=$suite_broken
	suite_broken=
	step no-splat step_no_splat
	[ -n "$sb" ] && suite_broken=$sb
	echo "  $stack: $(($(now_ms) - suite_t0)) ms"
}

# suite_table SUITE: the two stacks' results side by side; 1 if a stack
# failed a step or the stacks differ (each such step named).
suite_table()
{
	st_u=/tmp/suite-$1-upstream.res st_h=/tmp/suite-$1-hvguest.res
	st_bad=0
	printf '%-12s | %-34s | %s\n' step upstream hvguest
	printf '%-12s-+-%-34s-+-%s\n' ------------ \
		---------------------------------- ----------------------------------
	for st_name in $(cut -f1 "$st_u" "$st_h" | awk '!seen[$0]++'); do
		st_a=$(sed -n "s/^$st_name	//p" "$st_u")
		st_b=$(sed -n "s/^$st_name	//p" "$st_h")
		st_mark=
		case "$st_a" in ok*) ;; *) st_mark=' <-- upstream failed' ;; esac
		case "$st_b" in ok*) ;; *) st_mark="$st_mark <-- hvguest failed" ;; esac
		[ -z "$st_mark" ] && [ "$st_a" != "$st_b" ] &&
			st_mark=' <-- the stacks differ'
		printf '%-12s | %-34s | %s%s\n' "$st_name" "${st_a:-missing}" \
			"${st_b:-missing}" "$st_mark"
		[ -n "$st_mark" ] && st_bad=$((st_bad + 1)) &&
			echo "$st_name: upstream '${st_a:-missing}', hvguest '${st_b:-missing}'" >> /tmp/suite-$1.diff
	done
	[ "$st_bad" = 0 ]
}

# The cpu files of the channels (primary and sub-channels) of the VMBus
# devices of class $1, one a line.
chan_cpu_files()
{
	for d in /sys/bus/vmbus/devices/*; do
		[ "$(cat "$d/class_id" 2> /dev/null)" = "$1" ] || continue
		ls "$d"/channels/*/cpu 2> /dev/null
	done
	return 0
}

# The target VPs the host holds for the open channels of its service $1
# (scsi, net), sorted, unique, space-separated.
host_vps()
{
	sed -n "s/^relid=[0-9]* class=$1 .* state=open .* target_vp=\([0-9]*\) .*/\1/p" \
		$ctl/devices | sort -u | tr '\n' ' '
}

# step_cpu_hotplug CLASS SERVICE: with I/O flowing (started by the caller): every
# channel of CLASS moved to cpu1 by its sysfs cpu file (MODIFYCHANNEL);
# offlining cpu1 is refused while they are bound to it (not probed for
# hvguest on the software backend, which needs no refusal); every channel moved
# to cpu0; cpu1 offline for a second and back online. The host's view
# (the target VPs of SERVICE's open channels) must follow each move: one VP
# after each, not the same one. With one vCPU: "skipped".
step_cpu_hotplug()
{
	if [ "$(nproc)" -lt 2 ] || [ ! -w /sys/devices/system/cpu/cpu1/online ]; then
		r="skipped (no cpu1)"
		return 0
	fi
	hp_svc=$2
	ch_files=$(chan_cpu_files "$1")
	[ -n "$ch_files" ] || { r="no channels/*/cpu files for class $1"; return 1; }
	for f in $ch_files; do
		echo 1 > "$f" 2> /tmp/suite.err ||
			{ r="moving ${f%/cpu} to cpu1: $(cat /tmp/suite.err)"; return 1; }
	done
	for f in $ch_files; do
		[ "$(cat "$f")" = 1 ] || { r="${f%/cpu} is on cpu $(cat "$f") after moving to 1"; return 1; }
	done
	# Below 5.3 MODIFYCHANNEL has no response: give the host a moment.
	wait_for 5 '[ "$(host_vps $hp_svc | wc -w)" = 1 ]' ||
		{ r="host's target VPs after moving to cpu1: $(host_vps $hp_svc)"; return 1; }
	vp1=$(host_vps $hp_svc)
	# hvguest on the software backend needs no refusal (the loopback
	# host holds events for an offline CPU) and makes none: not probed.
	if [ "$stack" = upstream ] || [ "$suite_backend" != loopback ]; then
		if echo 0 > /sys/devices/system/cpu/cpu1/online 2> /dev/null; then
			echo 1 > /sys/devices/system/cpu/cpu1/online
			r="cpu1 went offline with channels bound to it"
			return 1
		fi
	fi
	for f in $ch_files; do
		echo 0 > "$f" 2> /tmp/suite.err ||
			{ r="moving ${f%/cpu} to cpu0: $(cat /tmp/suite.err)"; return 1; }
	done
	wait_for 5 '[ "$(host_vps $hp_svc | wc -w)" = 1 ] && [ "$(host_vps $hp_svc)" != "$vp1" ]' ||
		{ r="host's target VPs after moving from VP $vp1 to cpu0: $(host_vps $hp_svc)"; return 1; }
	echo 0 > /sys/devices/system/cpu/cpu1/online 2> /tmp/suite.err ||
		{ r="offlining cpu1 after moving every channel to cpu0: $(cat /tmp/suite.err)"; return 1; }
	sleep 1
	echo 1 > /sys/devices/system/cpu/cpu1/online 2> /tmp/suite.err ||
		{ r="onlining cpu1: $(cat /tmp/suite.err)"; return 1; }
	r="moved, offline/online"
	return 0
}

# suite_stack_ok SUITE STACK: every step of STACK passed (else the failed
# ones, on stdout, and 1).
suite_stack_ok()
{
	! grep -v '	ok' "/tmp/suite-$1-$2.res"
}

# The itests' bodies. suite_upstream SUITE (72, 73): SUITE with upstream's
# stack, failing on a failed step. suite_sidebyside SUITE (74, 75): SUITE
# with hvguest's stack, then the table, failing on a failed step or a
# difference. Both fail on a splat, and end the test (exit 0) on a pass.
suite_upstream()
{
	itest_cleanup
	itest_begin
	"suite_$1" upstream
	f=$(suite_stack_ok "$1" upstream) || fail "upstream failed: $f"
	suite_pass
}

suite_sidebyside()
{
	itest_cleanup
	itest_begin
	rm -f "/tmp/suite-$1.diff"
	[ -e "/tmp/suite-$1-upstream.res" ] || : > "/tmp/suite-$1-upstream.res"
	echo "hvguest's backend: $suite_backend"
	"suite_$1" hvguest
	echo "$1 suite, side by side:"
	suite_table "$1" ||
		fail "the stacks failed or differ: $(cat "/tmp/suite-$1.diff")"
	suite_pass
}

suite_pass()
{
	s=$(splat)
	[ -z "$s" ] || fail "splat: $s"
	echo "PASS"
	exit 0
}

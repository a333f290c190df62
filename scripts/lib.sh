# SPDX-License-Identifier: GPL-2.0
#
# Shared shell helpers for scripts/. Sourced, not run.

HVG_ROOT=$(cd "$(dirname "$0")/.." && pwd)
HVG_CACHE=${HVG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hvguest}
HVG_JOBS=${HVG_JOBS:-$(($(nproc) + 1))}

hvg_log()
{
	printf '==> %s\n' "$*" >&2
}

hvg_die()
{
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# The Debian version of linux-source-6.1, which keys every cached tree.
hvg_src_version()
{
	dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null ||
		hvg_die "linux-source-6.1 is not installed: run scripts/deps"
}

# Print the extracted 6.1 source tree, extracting it on first use.
hvg_src_dir()
{
	ver=$(hvg_src_version)
	dir=$HVG_CACHE/src/$ver/linux-source-6.1
	if [ ! -f "$dir/.hvg-extracted" ]; then
		hvg_log "extracting linux-source-6.1 $ver into $HVG_CACHE/src/$ver"
		rm -rf "$HVG_CACHE/src/$ver"
		mkdir -p "$HVG_CACHE/src/$ver"
		tar -C "$HVG_CACHE/src/$ver" -xf /usr/src/linux-source-6.1.tar.xz
		touch "$dir/.hvg-extracted"
	fi
	echo "$dir"
}

# The clock of a benchmark guest: hvg_guest_clock_args, and tsc=reliable.
# Without it the clocksource watchdog of a TCG guest finds the TSC "skewed"
# against the emulated HPET (whose reads are slow to emulate) a minute or two
# into the run, and the clocksource moves to hpet in the middle of the
# benchmark: from then on every clock_gettime() is a system call and an
# emulated MMIO read (read_hpet: 13 % of a bench-storvsc profile on the
# hv_storvsc disk, 28 % on brd, fio reading the clock around each I/O), so
# rounds before and after the switch do not compare. TCG derives the TSC
# from the host's clock, so it does not drift.
hvg_bench_clock_args()
{
	echo "$(hvg_guest_clock_args) tsc=reliable"
}

# The release string of the kernel whose build (or headers) directory is $1.
hvg_kernel_release()
{
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$1/include/generated/utsrelease.h" 2>/dev/null
}

# Kernel parameters for a QEMU (TCG) guest's clock: tsc_early_khz= at the
# host's TSC rate, which TCG gives the guest's TSC. Without it the guest
# calibrates its TSC against the emulated PIT, which on a loaded host can
# be off by a factor of several, and its clock then runs that much fast
# (tools/tsc_khz.c). Prints nothing if the rate cannot be measured.
hvg_guest_clock_args()
{
	make -s -C "$HVG_ROOT/tools" build/tsc_khz >&2 || return 0
	khz=$("$HVG_ROOT/tools/build/tsc_khz") || return 0
	[ "$khz" -gt 0 ] 2>/dev/null && echo "tsc_early_khz=$khz"
	return 0
}

# The -cpu argument for a TCG guest of CPU model $1: the model without
# ERMS and FSRM. TCG emulates "rep movsb" and "rep stosb" one byte per
# iteration, and a kernel that sees those features copies and clears with
# them (memcpy, memset, clear_page), as glibc does its large copies; without
# them both move 8 bytes an iteration, or use their vector loops. Measured:
# the echo benchmark's 1500-byte point 3.5 times as fast, ringbench's
# 16384-byte copies 6 times (Documentation/benchmarks.rst). No test here is
# about string instructions. HVG_TCG_KEEP_ERMS=1 keeps the model whole.
hvg_tcg_cpu()
{
	if [ "${HVG_TCG_KEEP_ERMS:-0}" = 1 ]; then
		echo "$1"
	else
		echo "$1,-erms,-fsrm"
	fi
}

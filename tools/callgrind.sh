#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Instructions per ring write+read pair, and per baseline iteration (two
# memcpys of the same bytes), from valgrind --tool=callgrind:
#   (instructions at 2N - instructions at N) / N
# so that start-up and set-up cancel out. Usage: callgrind.sh RINGBENCH [N]
set -eu
bench=$1
n=${2:-20000}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

count()
{
	valgrind --tool=callgrind --callgrind-out-file="$out" "$@" > /dev/null 2>&1
	sed -n 's/^summary: *//p' "$out"
}

printf '%-6s %10s %10s %6s\n' size "pair Ir" "memcpy Ir" ratio
for size in 64 256 1500 4096 16384; do
	p1=$(count "$bench" -p "$n" -s "$size")
	p2=$(count "$bench" -p $((2 * n)) -s "$size")
	b1=$(count "$bench" -p "$n" -s "$size" -b)
	b2=$(count "$bench" -p $((2 * n)) -s "$size" -b)
	awk -v s="$size" -v n="$n" -v p1="$p1" -v p2="$p2" -v b1="$b1" \
		-v b2="$b2" 'BEGIN {
		p = (p2 - p1) / n; b = (b2 - b1) / n;
		printf "%-6d %10.1f %10.1f %6.2f\n", s, p, b, p / b }'
done

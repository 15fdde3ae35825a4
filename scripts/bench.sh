#!/usr/bin/env bash
# `make bench`: core primitives (Google Benchmark), then whole-program comparisons
# against Debian's OpenSSH in the same run: median of N runs each, and the ratio
# OpenSSH time / our time (above 1.0 = we are faster).
set -euo pipefail
build=${1:-build}
runs=${BENCH_RUNS:-11}
ours="$(cd "$build/bin" && pwd)/ssh-keygen"
theirs=/usr/bin/ssh-keygen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== core primitives"
"$build/bench/core_bench" --benchmark_min_time=0.2

# median wall time in milliseconds of running "$@" $runs times
median_ms() {
  local times=()
  for ((i = 0; i < runs; i++)); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "command failed: $*" >&2; exit 1; }
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "%.2f", $1 / 1000 }'
}

compare() {
  local label=$1; shift
  local t_ours t_theirs
  t_ours=$(median_ms "${@//@KEYGEN@/$ours}")
  t_theirs=$(median_ms "${@//@KEYGEN@/$theirs}")
  printf '%-46s ours %8s ms   openssh %8s ms   ratio %s\n' "$label" "$t_ours" "$t_theirs" \
    "$(awk -v a="$t_theirs" -v b="$t_ours" 'BEGIN { printf "%.2f", a / b }')"
}

# Fixtures shared by both tools.
"$theirs" -q -t ed25519 -N 'bench pass' -a 16 -f "$work/enc_ed25519"
"$theirs" -q -t rsa -b 3072 -N '' -f "$work/rsa"
for i in $(seq 1 2000); do
  printf 'host%d.example.org,10.%d.%d.%d ' "$i" $((i / 65536)) $((i / 256 % 256)) $((i % 256))
  cut -d' ' -f1,2 "$work/rsa.pub"
done > "$work/known_hosts"

echo
echo "== ssh-keygen, ours vs Debian's OpenSSH 9.2 (median of $runs runs; ratio = openssh/ours)"
compare "generate ed25519 (-N '' )" sh -c "rm -f $work/g; @KEYGEN@ -q -t ed25519 -N '' -f $work/g"
compare "generate ed25519 with passphrase (-a 16)" sh -c "rm -f $work/g; @KEYGEN@ -q -t ed25519 -N pw -a 16 -f $work/g"
compare "decrypt key, print public (-y, -a 16)" @KEYGEN@ -y -P 'bench pass' -f "$work/enc_ed25519"
compare "fingerprint 2000-line known_hosts (-l)" @KEYGEN@ -l -f "$work/known_hosts"
compare "find host in 2000-line known_hosts (-F)" @KEYGEN@ -F host1999.example.org -f "$work/known_hosts"

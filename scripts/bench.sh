#!/usr/bin/env bash
# `make bench`: core primitives (Google Benchmark), then whole-program comparisons
# against Debian's OpenSSH in the same run: median of N runs each, and the ratio
# OpenSSH time / our time (above 1.0 = we are faster).
#
# BENCH_SECTIONS picks sections (default "core codec keygen connect bulk transfer"), e.g.
# BENCH_SECTIONS=codec scripts/bench.sh build-rel for the packet codec alone.
set -euo pipefail
build=${1:-build}
runs=${BENCH_RUNS:-11}
sections=" ${BENCH_SECTIONS:-core codec keygen connect bulk transfer} "
want() { [[ $sections == *" $1 "* ]]; }
theirs=/usr/bin/ssh-keygen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if want core; then
  echo "== core primitives"
  "$build/bench/core_bench" --benchmark_min_time=0.2
fi

# The packet codec (seal = PacketEncoder, open = PacketDecoder, payload bytes per
# CPU second) beside the raw AEAD primitive as `openssl speed -evp` measures it
# on this machine in the same run (also per CPU second); median of
# CODEC_RUNS runs each. ratio = ours / openssl (target: >= 0.80 at 32 KiB).
codec_vs_openssl() {
  local reps=${CODEC_RUNS:-5}
  echo
  echo "== packet codec vs openssl speed -evp (median of $reps runs; ratio = ours / openssl)"
  "$build/bench/core_bench" --benchmark_filter='BM_Packet(Encode|Decode)/(aes128_gcm|chacha20_poly1305)/' \
    --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    --benchmark_min_time=0.3 --benchmark_format=csv 2>/dev/null > "$work/codec.csv"
  local label evp name size dir ours_bps theirs_bps
  for pair in "aes128_gcm aes-128-gcm aes128-gcm@openssh.com" \
              "chacha20_poly1305 chacha20-poly1305 chacha20-poly1305@openssh.com"; do
    read -r label evp name <<< "$pair"
    for size in 16384 32768; do
      for dir in Encode Decode; do
        ours_bps=$(awk -F, -v n="BM_Packet${dir}/${label}/${size}_median" \
          '{ gsub(/"/, "", $1) } $1 == n { printf "%.0f", $6 }' "$work/codec.csv")
        local flag=""
        [[ $dir == Decode ]] && flag=-decrypt
        theirs_bps=$(for ((i = 0; i < reps; i++)); do
            openssl speed -evp "$evp" $flag -bytes "$size" -seconds 1 2>/dev/null |
              awk 'END { v = $NF; sub(/k$/, "", v); printf "%.0f\n", v * 1000 }'
          done | sort -n | awk -v n="$reps" 'NR == int((n + 1) / 2)')
        printf '%-31s %-6s %6d B   ours %7.0f MB/s   openssl %7.0f MB/s   ratio %s\n' \
          "$name" "$( [[ $dir == Encode ]] && echo seal || echo open )" "$size" \
          "$(awk -v b="$ours_bps" 'BEGIN { print b / 1e6 }')" "$(awk -v b="$theirs_bps" 'BEGIN { print b / 1e6 }')" \
          "$(awk -v a="$ours_bps" -v b="$theirs_bps" 'BEGIN { printf "%.2f", a / b }')"
      done
    done
  done
}
if want codec; then codec_vs_openssl; fi
login_sections=()
for s in connect bulk; do if want $s; then login_sections+=($s); fi; done
run_login_bench() {
  [ ${#login_sections[@]} -eq 0 ] || "$(dirname "$0")/bench_login.sh" "$build" "${login_sections[@]}"
  # sftp, scp and ssh cat over loopback, then over an emulated WAN link
  if want transfer; then "$(dirname "$0")/bench_transfer.sh" "$build"; fi
}
if ! want keygen; then run_login_bench; exit 0; fi
ours="$(cd "$build/bin" && pwd)/ssh-keygen"

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

run_login_bench

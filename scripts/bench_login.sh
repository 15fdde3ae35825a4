#!/usr/bin/env bash
# Connection setup and bulk throughput, ours (ssh + sshd) against Debian's
# OpenSSH (ssh + sshd) in the same run, same KEX, same keys (issue 4's
# performance target). Called by scripts/bench.sh (sections "connect" and "bulk")
# or directly: scripts/bench_login.sh BUILD [connect] [bulk]
#
# Both servers run as root with privilege separation, on 127.0.0.1, each on a
# free port, and are stopped by pid. Ratios are ours / OpenSSH for rates
# (connections per second, MB/s): above 1.0 means we are faster.
set -euo pipefail
build=${1:-build}; shift || true
what=" ${*:-connect bulk} "
runs=${BENCH_RUNS:-5}
conns=${BENCH_CONNS:-40}            # connections per loop
parallel=${BENCH_PARALLEL:-8}       # loops at once in the parallel case
bulk_mib=${BENCH_BULK_MIB:-512}
kex=${BENCH_KEX:-sntrup761x25519-sha512@openssh.com}
bin="$(cd "$build/bin" && pwd)"
ours_ssh=${OURS_SSH:-$bin/ssh}      # overridable to check the script itself
ours_sshd=${OURS_SSHD:-$bin/sshd}

here="$(cd "$(dirname "$0")" && pwd)"
sshd_extra_config="KexAlgorithms $kex
MaxStartups 100:30:200"
source "$here/bench_fixture.sh"

# client NAME SSH_PATH ARGS...: one ssh invocation against server NAME
client() {
  local name=$1 ssh=$2; shift 2
  local address port _
  read -r address port _ < "$work/$name.server"
  $ssh $(client_opts) -p "$port" -o KexAlgorithms="$kex" "$bench_user@$address" "$@"
}

# seconds for $conns sequential `ssh host true`, in $1 loops at once
connect_seconds() {
  local name=$1 ssh=$2 loops=$3 t0 t1
  t0=$(date +%s%N)
  for ((l = 0; l < loops; l++)); do
    ( for ((i = 0; i < conns; i++)); do client "$name" "$ssh" true || exit 1; done ) &
  done
  wait
  t1=$(date +%s%N)
  awk -v n=$((t1 - t0)) 'BEGIN { printf "%.3f", n / 1e9 }'
}

start_sshd openssh /usr/sbin/sshd 127.0.0.1 "$(free_port)" /usr/lib/openssh/sftp-server
start_sshd ours "$ours_sshd" 127.0.0.1 "$(free_port)" internal-sftp
client openssh /usr/bin/ssh true || { echo "OpenSSH login failed" >&2; cat "$work/openssh.log" >&2; exit 1; }
client ours "$ours_ssh" true || { echo "our login failed" >&2; cat "$work/ours.log" >&2; exit 1; }

if [[ $what == *" connect "* ]]; then
  echo
  echo "== connection setup: \`ssh host true\`, $kex, ed25519 keys, privsep on (median of $runs runs;"
  echo "   rate in connections/s; ratio = ours / openssh)"
  for loops in 1 "$parallel"; do
    o=$(for ((r = 0; r < runs; r++)); do connect_seconds openssh /usr/bin/ssh "$loops"; echo; done | median)
    s=$(for ((r = 0; r < runs; r++)); do connect_seconds ours "$ours_ssh" "$loops"; echo; done | median)
    printf '%-28s ours %7.1f conn/s   openssh %7.1f conn/s   ratio %s\n' "$loops loop(s) x $conns conns" \
      "$(awk -v t="$s" -v n=$((loops * conns)) 'BEGIN { print n / t }')" \
      "$(awk -v t="$o" -v n=$((loops * conns)) 'BEGIN { print n / t }')" \
      "$(awk -v a="$s" -v b="$o" 'BEGIN { printf "%.2f", b / a }')"
  done
fi

if [[ $what == *" bulk "* ]]; then
  echo
  echo "== bulk: \`ssh host head -c ${bulk_mib}MiB /dev/zero\` > /dev/null, default cipher of each (median of $runs runs;"
  echo "   ratio = ours / openssh)"
  bulk_seconds() {
    local t0 t1
    t0=$(date +%s%N)
    client "$1" "$2" "head -c $((bulk_mib * 1048576)) /dev/zero" > /dev/null
    t1=$(date +%s%N)
    awk -v n=$((t1 - t0)) 'BEGIN { printf "%.3f", n / 1e9 }'
  }
  for cipher in chacha20-poly1305@openssh.com aes128-gcm@openssh.com; do
    o=$(for ((r = 0; r < runs; r++)); do bulk_seconds openssh "/usr/bin/ssh -c $cipher"; echo; done | median)
    s=$(for ((r = 0; r < runs; r++)); do bulk_seconds ours "$ours_ssh -c $cipher"; echo; done | median)
    printf '%-30s ours %7.1f MB/s   openssh %7.1f MB/s   ratio %s\n' "$cipher" \
      "$(awk -v t="$s" -v m="$bulk_mib" 'BEGIN { print m * 1.048576 / t }')" \
      "$(awk -v t="$o" -v m="$bulk_mib" 'BEGIN { print m * 1.048576 / t }')" \
      "$(awk -v a="$s" -v b="$o" 'BEGIN { printf "%.2f", b / a }')"
  done
fi

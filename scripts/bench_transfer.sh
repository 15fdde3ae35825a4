#!/usr/bin/env bash
# File transfer over loopback (issue 5's speed targets): sftp get/put, scp get/put
# (SFTP mode) and ssh bulk `cat` get/put of one random file, for aes128-gcm and
# chacha20-poly1305. Debian's clients against Debian's sshd (sftp-server
# /usr/lib/openssh/sftp-server) beside our clients against our sshd (Subsystem =
# our sftp-server, and a second sshd with internal-sftp when ours supports it).
# Called by scripts/bench.sh (section "transfer") or directly:
#   scripts/bench_transfer.sh BUILD
# Then runs scripts/bench_link.sh (emulated 100 ms / 1 Gbit/s link) unless
# BENCH_LINK=0. Rows: BENCH_TRANSFER_ROWS (default "sftp:get sftp:put scp:get
# scp:put cat:get cat:put"). Medians of BENCH_TRANSFER_RUNS runs (default 3); ratio = our MB/s
# / OpenSSH's (above 1 = we are faster). Programs missing from BUILD/bin give
# "n/a". OURS_{SSH,SSHD,SFTP,SCP,SFTP_SERVER} override our programs (to check the
# script itself with Debian's tools in their place). Under each row a second line
# gives the CPU the machine spent per GiB moved (median; busy_ticks), and OpenSSH's
# CPU / ours (above 1 = ours costs less): steadier than the rates on a shared machine.
set -euo pipefail
build=${1:-build}
here="$(cd "$(dirname "$0")" && pwd)"
runs=${BENCH_TRANSFER_RUNS:-3}
size_mib=${BENCH_TRANSFER_MIB:-1024}
ciphers=${BENCH_CIPHERS:-aes128-gcm@openssh.com chacha20-poly1305@openssh.com}
rows=${BENCH_TRANSFER_ROWS:-sftp:get sftp:put scp:get scp:put cat:get cat:put}
bin="$(cd "$build/bin" && pwd)"
ours_ssh=${OURS_SSH:-$bin/ssh}
ours_sshd=${OURS_SSHD:-$bin/sshd}
ours_sftp=${OURS_SFTP:-$bin/sftp}
ours_scp=${OURS_SCP:-$bin/scp}
ours_sftp_server=${OURS_SFTP_SERVER:-$bin/sftp-server}
source "$here/bench_fixture.sh"

echo
echo "== file transfer over loopback: ${size_mib} MiB random file (median of $runs runs; MB/s; ratio = ours / openssh)"
head -c $((size_mib * 1048576)) /dev/urandom > "$work/src.bin"
chmod 644 "$work/src.bin"
src_sha=$(sha256sum < "$work/src.bin" | cut -d' ' -f1)

start_sshd openssh /usr/sbin/sshd 127.0.0.1 "$(free_port)" /usr/lib/openssh/sftp-server
# Columns: name, client set, server. Each is kept only if it can run at all.
columns=("openssh openssh openssh")
if [ -x "$ours_sshd" ] && [ -x "$ours_ssh" ]; then
  if [ -x "$ours_sftp_server" ]; then
    start_sshd ours "$ours_sshd" 127.0.0.1 "$(free_port)" "$ours_sftp_server"
  else
    echo "   (no $ours_sftp_server: our sshd runs without an sftp subsystem)"
    start_sshd ours "$ours_sshd" 127.0.0.1 "$(free_port)" /nonexistent/sftp-server
  fi
  columns+=("ours ours ours")
  start_sshd ours_internal "$ours_sshd" 127.0.0.1 "$(free_port)" internal-sftp
  if sftp_works ours_internal; then columns+=("internal-sftp ours ours_internal"); else
    echo "   (our sshd has no working internal-sftp yet: column left out)"
  fi
else
  echo "   (no $ours_ssh or $ours_sshd: only OpenSSH is measured)"
fi
sftp_ok_ours=yes
if [ -x "$ours_sftp_server" ] && [ -x "$ours_sshd" ] && ! sftp_works ours; then
  echo "   (Debian's sftp gets no session from our sshd + $ours_sftp_server: sftp/scp rows n/a)"
  sftp_ok_ours=no
fi

# usable COLUMN_CLIENTSET SERVER TOOL: whether that column can run TOOL
usable() {
  local set=$1 server=$2 tool=$3
  [ "$set" = openssh ] && return 0
  case $tool in
    cat) return 0 ;;
    sftp) [ -x "$ours_sftp" ] || return 1 ;;
    scp) [ -x "$ours_scp" ] || return 1 ;;
  esac
  [ "$server" != ours ] || { [ -x "$ours_sftp_server" ] && [ $sftp_ok_ours = yes ]; }
}

header=$(printf '%-34s %-9s' "cipher" "transfer")
for c in "${columns[@]}"; do read -r name _ <<< "$c"; header+=$(printf ' %19s' "$name MB/s"); done
for c in "${columns[@]:1}"; do read -r name _ <<< "$c"; header+=$(printf ' %17s' "x($name)"); done
echo "$header"

# summary_line CIPHER ROW ARRAY BETTER: the median of each column's per-run values in
# ARRAY (name -> "v1 v2 ..."), then each of our columns against OpenSSH's, as a ratio
# that is above 1 when ours is better (BETTER: higher = ours / OpenSSH's, lower =
# OpenSSH's / ours).
summary_line() {
  local -n values=$3
  local -A med=()
  local line name c
  line=$(printf '%-34s %-9s' "$1" "$2")
  for c in "${columns[@]}"; do
    read -r name _ <<< "$c"
    med[$name]=n/a
    [ -z "${values[$name]:-}" ] || med[$name]=$(tr ' ' '\n' <<< "${values[$name]}" | grep . | median)
    line+=$(printf ' %19s' "${med[$name]}")
  done
  for c in "${columns[@]:1}"; do
    read -r name _ <<< "$c"
    if [ "$4" = higher ]; then line+=$(printf ' %17s' "$(ratio "${med[$name]}" "${med[openssh]}")")
    else line+=$(printf ' %17s' "$(ratio "${med[openssh]}" "${med[$name]}")"); fi
  done
  echo "$line"
}

checked=" "
status=0
for cipher in $ciphers; do
  for row in $rows; do
    tool=${row%:*} dir=${row#*:}
    if [ "$dir" = get ]; then src=$work/src.bin; dst=$work/dl.bin; else src=$work/src.bin; dst=$work/home/up.bin; fi
    declare -A rates=() cpus=()
    for ((r = 0; r < runs; r++)); do
      # Interleaved, so that a slow phase of the machine hits every column alike.
      for c in "${columns[@]}"; do
        read -r name set server <<< "$c"
        usable "$set" "$server" "$tool" || continue
        rm -f "$dst"
        b0=$(busy_ticks)
        t=$(seconds_of transfer_once "$server" "$set" "$tool" "$dir" "$cipher" "$src" "$dst") ||
          { echo "$name $tool $dir failed:" >&2; tail -5 "$work/$server.log" >&2; status=1; continue; }
        b1=$(busy_ticks)
        rates[$name]+="$(mbps "$size_mib" "$t") "
        cpus[$name]+="$(awk -v d=$((b1 - b0)) -v hz="$clock_ticks" -v m="$size_mib" 'BEGIN { printf "%.3f", d / hz * 1024 / m }') "
        if [[ $checked != *" $name:$tool:$dir "* ]]; then
          checked+="$name:$tool:$dir "
          got=$(sha256sum < "$dst" | cut -d' ' -f1)
          if [ "$got" != "$src_sha" ]; then echo "SHA256 MISMATCH: $name $tool $dir ($cipher)" >&2; status=1; fi
        fi
      done
    done
    summary_line "$cipher" "$tool $dir" rates higher
    summary_line "" "CPU s/GiB" cpus lower
    unset rates cpus
  done
done
rm -f "$work/dl.bin" "$work/home/up.bin"

if [ "${BENCH_LINK:-1}" != 0 ]; then
  # The link bench makes its own fixture (user, keys, servers in namespaces).
  bench_cleanup; trap - EXIT
  "$here/bench_link.sh" "$build" || status=1
fi
exit $status

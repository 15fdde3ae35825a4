#!/usr/bin/env bash
# Transfers over an emulated WAN link: 100 ms round trip, 1 Gbit/s (issue 5: at
# least 90% of plain TCP on the same link). This kernel has no netem, so the link
# is our own: two network namespaces, each holding one TUN device of
# bench/link_delay, which carries every packet to the other device 50 ms later,
# paced to the link rate through a drop-tail queue of 2 x BDP. The client runs in
# namespace A (10.199.0.1), the sshds and the TCP sender in B (10.199.0.2).
#
#   scripts/bench_link.sh BUILD     (also run by scripts/bench_transfer.sh)
#
# Knobs: BENCH_LINK_MIB (file size, default 256), BENCH_LINK_RUNS (default 3),
# BENCH_LINK_DELAY_MS (one way, default 50), BENCH_LINK_MBIT (default 1000),
# BENCH_LINK_MTU (default 1500), BENCH_LINK_TCP_MEM (tcp_rmem/tcp_wmem maximum set
# inside both namespaces, default 67108864), BENCH_LINK_CIPHER (default
# aes128-gcm@openssh.com), BENCH_LINK_ROWS (default "sftp:get sftp:put scp:get
# cat:get"), BENCH_LINK_SMALL_MIB (default 1/8 of the file; 0 = off), OURS_* as in
# bench_transfer.sh.
#
# Each cell is the whole command's rate (connect, key exchange, authentication,
# session start-up and the data, as a user times it), then its share of plain TCP's
# rate (connect and data). A second line per row gives the steady-state rate: the
# same transfer is also timed with a file of BENCH_LINK_SMALL_MIB, and
# (SIZE - SMALL) / (time - small time) is the rate at which the extra bytes moved,
# with every fixed cost (round trips of the set-up, slow start) cancelled out; plain
# TCP is measured the same way.
set -euo pipefail
build=${1:-build}
here="$(cd "$(dirname "$0")" && pwd)"
runs=${BENCH_LINK_RUNS:-3}
size_mib=${BENCH_LINK_MIB:-256}
small_mib=${BENCH_LINK_SMALL_MIB:-$((size_mib / 8))}
delay_ms=${BENCH_LINK_DELAY_MS:-50}
rate_mbit=${BENCH_LINK_MBIT:-1000}
mtu=${BENCH_LINK_MTU:-1500}
tcp_mem=${BENCH_LINK_TCP_MEM:-67108864}
cipher=${BENCH_LINK_CIPHER:-aes128-gcm@openssh.com}
rows=${BENCH_LINK_ROWS:-sftp:get sftp:put scp:get cat:get}
bin="$(cd "$build/bin" && pwd)"
ours_ssh=${OURS_SSH:-$bin/ssh}
ours_sshd=${OURS_SSHD:-$bin/sshd}
ours_sftp=${OURS_SFTP:-$bin/sftp}
ours_scp=${OURS_SCP:-$bin/scp}
ours_sftp_server=${OURS_SFTP_SERVER:-$bin/sftp-server}
source "$here/bench_fixture.sh"

# The delay program: built by CMake under bench/ (SSHPP_BUILD_BENCH), else here.
link_delay="$build/bench/link_delay/link_delay"
if [ ! -x "$link_delay" ]; then
  link_delay="$work/link_delay"
  g++ -std=c++20 -O2 -Wall -Wextra -o "$link_delay" "$here/../bench/link_delay/link_delay.cpp"
fi
"$link_delay" --self-check 2>/dev/null || { "$link_delay" --self-check; exit 1; }

ns_a=sshppA$$ ns_b=sshppB$$ dev_a=sshppA$$ dev_b=sshppB$$
ip netns add "$ns_a"; cleanup_hooks+=("ip netns del $ns_a")
ip netns add "$ns_b"; cleanup_hooks+=("ip netns del $ns_b")
"$link_delay" --dev-a "$dev_a" --dev-b "$dev_b" --delay-ms "$delay_ms" --rate-mbit "$rate_mbit" \
  --ready-file "$work/link.ready" < /dev/null > /dev/null 2> "$work/link.log" &
link_pid=$!
pids+=($link_pid)
for _ in $(seq 1 100); do [ -e "$work/link.ready" ] && break; sleep 0.05; done
[ -e "$work/link.ready" ] || { echo "link_delay did not start:" >&2; cat "$work/link.log" >&2; exit 1; }
setup_side() {
  local ns=$1 dev=$2 mine=$3 peer=$4
  ip link set "$dev" netns "$ns"
  ip -n "$ns" link set lo up
  # A long device queue, so that a late wake-up of link_delay is not a loss.
  ip -n "$ns" link set "$dev" mtu "$mtu" txqueuelen 10000 up
  ip -n "$ns" addr add "$mine" peer "$peer" dev "$dev"
  # Autotuning limits (per namespace): the defaults (wmem max 4 MiB) cannot fill
  # a 12.5 MB bandwidth-delay product, for plain TCP or for SSH.
  ip netns exec "$ns" sysctl -q -w net.ipv4.tcp_rmem="4096 131072 $tcp_mem" net.ipv4.tcp_wmem="4096 16384 $tcp_mem"
}
setup_side "$ns_a" "$dev_a" 10.199.0.1 10.199.0.2
setup_side "$ns_b" "$dev_b" 10.199.0.2 10.199.0.1

echo
echo "== emulated link: ${delay_ms} ms each way, ${rate_mbit} Mbit/s, MTU $mtu, queue 2 x BDP (bench/link_delay);"
echo "   tcp_rmem/tcp_wmem max $tcp_mem in both namespaces, congestion control" \
  "$(ip netns exec "$ns_b" sysctl -n net.ipv4.tcp_congestion_control); ${size_mib} MiB, median of $runs runs"

# Plain TCP, the yardstick: a sender in B, a receiver in A timing connect-to-EOF,
# the same bytes as the file and the same direction as a get.
cat > "$work/tcp_send.py" <<'PY'
import socket, sys
sizes = [int(x) for x in sys.argv[1:]]  # one connection per size, in order
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.199.0.2", 5001)); s.listen(1)
chunk = memoryview(bytes(1 << 20))
for total in sizes:
    c, _ = s.accept(); left = total
    while left: left -= c.send(chunk[:min(left, len(chunk))])
    c.shutdown(socket.SHUT_WR); c.recv(1); c.close()
PY
cat > "$work/tcp_recv.py" <<'PY'
import socket, sys, time
mode = sys.argv[1]
for attempt in range(100):
    t0 = time.monotonic()
    try: c = socket.create_connection(("10.199.0.2", 5001 if mode == "bulk" else 22)); break
    except ConnectionRefusedError: time.sleep(0.05)
if mode == "rtt": print("%.1f" % ((time.monotonic() - t0) * 1000)); sys.exit()
buf = bytearray(1 << 20); got = 0
while True:
    n = c.recv_into(buf)
    if not n: break
    got += n
print("%.3f %d" % (time.monotonic() - t0, got))
PY

start_sshd openssh /usr/sbin/sshd 10.199.0.2 22 /usr/lib/openssh/sftp-server "$ns_b"
# The link itself: a TCP handshake takes one round trip.
rtt=$(ip netns exec "$ns_a" /usr/bin/python3 "$work/tcp_recv.py" rtt)
awk -v r="$rtt" -v d="$delay_ms" 'BEGIN { exit !(r >= 2 * d * 0.95 && r <= 2 * d * 1.3) }' ||
  { echo "link check failed: handshake took $rtt ms, expected about $((2 * delay_ms)) ms" >&2; exit 1; }
echo "   link check: TCP handshake $rtt ms"

# steady BIG_MIB BIG_SECONDS SMALL_SECONDS: the marginal rate of the extra bytes.
steady() {
  awk -v m="$(( size_mib - small_mib ))" -v a="$1" -v b="$2" \
    'BEGIN { if (a - b > 0) printf "%.1f", m * 1.048576 / (a - b); else print "n/a" }'
}
tcp_sizes=""
for ((r = 0; r < runs; r++)); do
  tcp_sizes+=" $((size_mib * 1048576))"
  [ "$small_mib" -gt 0 ] && tcp_sizes+=" $((small_mib * 1048576))"
done
ip netns exec "$ns_b" /usr/bin/python3 "$work/tcp_send.py" $tcp_sizes < /dev/null > /dev/null &
pids+=($!)
tcp_times="" tcp_small_times=""
for ((r = 0; r < runs; r++)); do
  read -r t got < <(ip netns exec "$ns_a" /usr/bin/python3 "$work/tcp_recv.py" bulk)
  [ "$got" -eq $((size_mib * 1048576)) ] || { echo "plain TCP: got $got bytes" >&2; exit 1; }
  tcp_times+="$t"$'\n'
  if [ "$small_mib" -gt 0 ]; then
    read -r t got < <(ip netns exec "$ns_a" /usr/bin/python3 "$work/tcp_recv.py" bulk)
    [ "$got" -eq $((small_mib * 1048576)) ] || { echo "plain TCP: got $got bytes" >&2; exit 1; }
    tcp_small_times+="$t"$'\n'
  fi
done
tcp_rate=$(mbps "$size_mib" "$(printf '%s' "$tcp_times" | median)")
printf '%-30s %9s MB/s  (%s Mbit/s)\n' "plain TCP (python3 sockets)" "$tcp_rate" \
  "$(awk -v r="$tcp_rate" 'BEGIN { printf "%.0f", r * 8 }')"
if [ "$small_mib" -gt 0 ]; then
  tcp_steady=$(steady "$(printf '%s' "$tcp_times" | median)" "$(printf '%s' "$tcp_small_times" | median)")
  printf '%-30s %9s MB/s  (steady state, %s MiB against %s MiB)\n' "plain TCP (python3 sockets)" "$tcp_steady" \
    "$size_mib" "$small_mib"
fi

columns=("openssh openssh openssh")
if [ -x "$ours_sshd" ] && [ -x "$ours_ssh" ]; then
  server_prog=$ours_sftp_server; [ -x "$server_prog" ] || server_prog=/nonexistent/sftp-server
  start_sshd ours "$ours_sshd" 10.199.0.2 2222 "$server_prog" "$ns_b"
  columns+=("ours ours ours")
  start_sshd ours_internal "$ours_sshd" 10.199.0.2 2223 internal-sftp "$ns_b"
  if sftp_works ours_internal "$ns_a"; then columns+=("internal-sftp ours ours_internal"); fi
fi
usable() {
  local set=$1 server=$2 tool=$3
  [ "$set" = openssh ] || [ "$tool" = cat ] && return 0
  [ "$tool" = sftp ] && [ ! -x "$ours_sftp" ] && return 1
  [ "$tool" = scp ] && [ ! -x "$ours_scp" ] && return 1
  [ "$server" != ours ] || sftp_works ours "$ns_a"
}

head -c $((size_mib * 1048576)) /dev/urandom > "$work/src.bin"
head -c $((small_mib * 1048576)) "$work/src.bin" > "$work/small.bin"
chmod 644 "$work/src.bin" "$work/small.bin"
src_sha=$(sha256sum < "$work/src.bin" | cut -d' ' -f1)
printf '%-30s' "$cipher"
for c in "${columns[@]}"; do read -r name _ <<< "$c"; printf ' %19s' "$name MB/s (%TCP)"; done
echo
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.0f%%", 100 * a / b; else print "-" }'; }
status=0
for row in $rows; do
  tool=${row%:*} dir=${row#*:}
  if [ "$dir" = get ]; then dst=$work/dl.bin; else dst=$work/home/up.bin; fi
  line=$(printf '%-30s' "$tool $dir") steady_line=$(printf '%-30s' "  steady state")
  for c in "${columns[@]}"; do
    read -r name set server <<< "$c"
    if ! usable "$set" "$server" "$tool"; then
      line+=$(printf ' %19s' n/a) steady_line+=$(printf ' %19s' n/a)
      continue
    fi
    times="" small_times=""
    for ((r = 0; r < runs; r++)); do
      rm -f "$dst"
      t=$(seconds_of transfer_once "$server" "$set" "$tool" "$dir" "$cipher" "$work/src.bin" "$dst" "$ns_a") ||
        { status=1; break; }
      times+="$t"$'\n'
      [ "$r" -eq 0 ] && { [ "$(sha256sum < "$dst" | cut -d' ' -f1)" = "$src_sha" ] ||
        { echo "SHA256 MISMATCH: $name $row" >&2; status=1; }; }
      if [ "$small_mib" -gt 0 ]; then
        rm -f "$dst"
        t=$(seconds_of transfer_once "$server" "$set" "$tool" "$dir" "$cipher" "$work/small.bin" "$dst" "$ns_a") ||
          { status=1; break; }
        small_times+="$t"$'\n'
      fi
    done
    rate=$(mbps "$size_mib" "$(printf '%s' "$times" | median)")
    line+=$(printf ' %19s' "$rate ($(pct "$rate" "$tcp_rate"))")
    if [ "$small_mib" -gt 0 ]; then
      st=$(steady "$(printf '%s' "$times" | median)" "$(printf '%s' "$small_times" | median)")
      steady_line+=$(printf ' %19s' "$st ($(pct "$st" "$tcp_steady"))")
    fi
  done
  echo "$line"
  [ "$small_mib" -gt 0 ] && echo "$steady_line"
done
rm -f "$work/dl.bin" "$work/home/up.bin" "$work/small.bin"
# Its counters (drops at the queue show that TCP found the link's limit).
# Packets the kernel could not hand to link_delay in time (its device queue was
# full) would be losses the queue model did not decide: shown to be none.
for side in "$ns_a $dev_a" "$ns_b $dev_b"; do
  read -r ns dev <<< "$side"
  echo "   $dev device: $(ip -n "$ns" -s link show "$dev" | awk '/TX:/ { getline; print $4 }') packets dropped before link_delay read them"
done
kill "$link_pid"; wait "$link_pid" 2>/dev/null || true
sed 's/^/   /' "$work/link.log"
exit $status

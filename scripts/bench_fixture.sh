# Sourced by scripts/bench_login.sh, scripts/bench_transfer.sh and scripts/bench_link.sh:
# the shared set-up of the benchmarks that run sshds. A work directory (on tmpfs, so that disk writeback
# is not measured), a throw-away login user with /bin/sh whose home is in it, one
# host key and one user key used by both servers, sshd start/stop by pid, and a
# cleanup trap that undoes everything on exit.
#
# Callers set: build (the build directory). They may add to `cleanup_hooks`, and set
# `sshd_extra_config` (lines added to every sshd_config start_sshd writes).
if [ "$(id -u)" -ne 0 ]; then
  echo "$(basename "$0"): needs root (sshd with privilege separation, a throw-away user, namespaces)" >&2
  exit 1
fi
mkdir -p /run/sshd && chmod 755 /run/sshd
work=$(mktemp -d -p "${BENCH_TMPDIR:-/dev/shm}" sshppbench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup_hooks=()
bench_user=sshppbench$$
useradd -M -d "$work/home" -s /bin/sh -p "*" "$bench_user"   # "*": no password, not locked
mkdir -m 755 "$work/home"
chown "$bench_user" "$work/home"
bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for h in "${cleanup_hooks[@]}"; do eval "$h" || true; done
  userdel "$bench_user" 2>/dev/null || true
  rm -rf "$work"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

/usr/bin/ssh-keygen -q -t ed25519 -N '' -f "$work/host_ed25519"
/usr/bin/ssh-keygen -q -t ed25519 -N '' -f "$work/id_ed25519"
cp "$work/id_ed25519.pub" "$work/authorized_keys"
chmod 644 "$work/authorized_keys"

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# in_ns NS CMD...: runs CMD in network namespace NS, or here when NS is empty.
in_ns() {
  local ns=$1; shift
  if [ -n "$ns" ]; then ip netns exec "$ns" "$@"; else "$@"; fi
}

# start_sshd NAME SSHD ADDRESS PORT SUBSYSTEM [NETNS]: an sshd for NAME (config in
# $work/NAME.sshd_config, log in $work/NAME.log); remembers address and port.
start_sshd() {
  local name=$1 sshd=$2 address=$3 port=$4 subsystem=$5 ns=${6:-}
  cat > "$work/$name.sshd_config" <<CONFIG
ListenAddress $address
Port $port
HostKey $work/host_ed25519
AuthorizedKeysFile $work/authorized_keys
StrictModes no
UsePAM no
PidFile none
LogLevel ERROR
PermitRootLogin prohibit-password
PrintMotd no
PrintLastLog no
Subsystem sftp $subsystem
${sshd_extra_config:-}
CONFIG
  # Started directly (not through in_ns, whose subshell would be the pid we
  # kill); `ip netns exec` execs sshd, so $! is sshd's own pid either way. No
  # stdout: a leftover sshd must not hold a caller's pipe open.
  local cmd=("$sshd" -D -e -f "$work/$name.sshd_config")
  [ -z "$ns" ] || cmd=(ip netns exec "$ns" "${cmd[@]}")
  "${cmd[@]}" < /dev/null > /dev/null 2> "$work/$name.log" &
  pids+=($!)
  echo "$address $port $ns" > "$work/$name.server"
  for _ in $(seq 1 100); do
    if in_ns "$ns" bash -c "echo > /dev/tcp/$address/$port" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "$name sshd did not start:" >&2; cat "$work/$name.log" >&2; exit 1
}

# Options every client gets (ssh spelling; sftp and scp pass them through -o).
client_opts() {
  echo "-F none -i $work/id_ed25519 -o IdentitiesOnly=yes -o UserKnownHostsFile=/dev/null" \
       "-o StrictHostKeyChecking=no -o LogLevel=ERROR -o BatchMode=yes"
}

# seconds_of CMD...: wall seconds that CMD took (fails the bench if CMD fails).
seconds_of() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" || { echo "command failed: $*" >&2; return 1; }
  t1=$(date +%s%N)
  awk -v n=$((t1 - t0)) 'BEGIN { printf "%.3f", n / 1e9 }'
}

# busy_ticks: CPU time every CPU spent outside idle, iowait and steal since boot
# (/proc/stat user + nice + system + irq + softirq), in clock ticks: the difference
# around a transfer is what it cost the machine, all processes and kernel threads.
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
clock_ticks=$(getconf CLK_TCK)

# median of the numbers on stdin (one a line)
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# transfer_once SERVER CLIENTSET TOOL DIRECTION CIPHER SRC DST [CLIENT_NETNS]:
# one transfer of SRC (a path on the side it comes from) to DST, with the client
# set CLIENTSET ("openssh" = Debian's /usr/bin tools, "ours" = $ours_ssh/$ours_sftp/
# $ours_scp) against server SERVER. TOOL: sftp, scp or cat; DIRECTION: get or put.
transfer_once() {
  local server=$1 set=$2 tool=$3 dir=$4 cipher=$5 src=$6 dst=$7 ns=${8:-} address port _
  read -r address port _ < "$work/$server.server"
  local ssh=/usr/bin/ssh sftp=/usr/bin/sftp scp=/usr/bin/scp
  if [ "$set" = ours ]; then ssh=$ours_ssh; sftp=$ours_sftp; scp=$ours_scp; fi
  local opts; opts="$(client_opts) -o Ciphers=$cipher"
  local remote="$bench_user@$address"
  case "$tool:$dir" in
    sftp:get) printf 'get %s %s\n' "$src" "$dst" > "$work/batch"
              in_ns "$ns" "$sftp" -S "$ssh" $opts -P "$port" -b "$work/batch" "$remote" > /dev/null ;;
    sftp:put) printf 'put %s %s\n' "$src" "$dst" > "$work/batch"
              in_ns "$ns" "$sftp" -S "$ssh" $opts -P "$port" -b "$work/batch" "$remote" > /dev/null ;;
    scp:get)  in_ns "$ns" "$scp" -S "$ssh" $opts -P "$port" "$remote:$src" "$dst" ;;
    scp:put)  in_ns "$ns" "$scp" -S "$ssh" $opts -P "$port" "$src" "$remote:$dst" ;;
    cat:get)  in_ns "$ns" "$ssh" $opts -p "$port" "$remote" "cat $src" > "$dst" ;;
    cat:put)  in_ns "$ns" "$ssh" $opts -p "$port" "$remote" "cat > $dst" < "$src" ;;
  esac
}

# sftp_works SERVER [CLIENT_NETNS]: whether Debian's sftp gets a session from SERVER.
sftp_works() {
  local address port ns=${2:-} _
  read -r address port _ < "$work/$1.server"
  echo pwd > "$work/probe.batch"
  in_ns "$ns" /usr/bin/sftp $(client_opts) -P "$port" -b "$work/probe.batch" "$bench_user@$address" >/dev/null 2>&1
}

# mbps MIB SECONDS
mbps() { awk -v m="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.1f", m * 1.048576 / t; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }

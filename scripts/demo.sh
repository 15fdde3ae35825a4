#!/usr/bin/env bash
# `make demo`: what sshpp can do today, shown with our own programs and checked
# against Debian's OpenSSH. Everything happens in ./demo (recreated each run).
set -euo pipefail
build=${1:-build}
bin="$(cd "$build/bin" && pwd)"
keygen="$bin/ssh-keygen"
openssh_keygen=/usr/bin/ssh-keygen
demo=demo
rm -rf "$demo"
mkdir -m 700 "$demo"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Generating one key of each type with our ssh-keygen"
for spec in "ed25519:" "ecdsa:256" "ecdsa:384" "ecdsa:521" "rsa:3072"; do
  type=${spec%%:*}; bits=${spec#*:}
  name="id_${type}${bits:+_$bits}"
  "$keygen" -q -t "$type" ${bits:+-b "$bits"} -N '' -C "demo-$name" -f "$demo/$name"
  printf '%s  ' "$name"; ls -l "$demo/$name" | cut -d' ' -f1
done

step "Fingerprints and randomart (ssh-keygen -lv)"
"$keygen" -lv -f "$demo/id_ed25519.pub"
for f in "$demo"/*.pub; do "$keygen" -l -f "$f"; done
"$keygen" -l -E md5 -f "$demo/id_ed25519.pub"
"$keygen" -B -f "$demo/id_ed25519.pub"

step "Protecting a key with a passphrase, then converting it to PEM and back"
cp "$demo/id_ecdsa_256" "$demo/converted"
"$keygen" -q -p -N 'demo passphrase' -f "$demo/converted" >/dev/null
head -1 "$demo/converted"
"$keygen" -q -p -m PEM -P 'demo passphrase' -N 'demo passphrase' -f "$demo/converted" >/dev/null
head -1 "$demo/converted"
"$keygen" -q -p -m RFC4716 -P 'demo passphrase' -N '' -f "$demo/converted" >/dev/null
head -1 "$demo/converted"
"$keygen" -y -f "$demo/converted" | cut -c1-60

step "Debian's OpenSSH reads our keys and agrees on every fingerprint"
status=0
for f in "$demo"/id_*; do
  case "$f" in *.pub) continue ;; esac
  ours=$("$keygen" -l -f "$f")
  theirs=$("$openssh_keygen" -l -f "$f")
  if [ "$ours" = "$theirs" ]; then echo "same: $theirs"; else echo "DIFFER: ours '$ours' theirs '$theirs'"; status=1; fi
done
ours_art=$("$keygen" -lv -f "$demo/id_rsa_3072.pub")
theirs_art=$("$openssh_keygen" -lv -f "$demo/id_rsa_3072.pub")
if [ "$ours_art" = "$theirs_art" ]; then echo "randomart identical for id_rsa_3072"; else echo "randomart DIFFERS"; status=1; fi

step "Hashed known_hosts: written by us, found by OpenSSH"
{ printf 'demo.example.org '; cut -d' ' -f1,2 "$demo/id_ed25519.pub"; } > "$demo/known_hosts"
"$keygen" -H -f "$demo/known_hosts" >/dev/null 2>&1
cut -c1-70 "$demo/known_hosts"
"$openssh_keygen" -F demo.example.org -f "$demo/known_hosts" | head -1

step "Our sshd on 127.0.0.1, and our ssh logging into it"
user=$(id -un)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
here=$(pwd)
"$keygen" -q -t ed25519 -N '' -C demo-host-key -f "$demo/ssh_host_ed25519_key"
cp "$demo/id_ed25519.pub" "$demo/authorized_keys"
cat > "$demo/sshd_config" <<CONFIG
ListenAddress 127.0.0.1
Port $port
HostKey $here/$demo/ssh_host_ed25519_key
AuthorizedKeysFile $here/$demo/authorized_keys
PidFile $here/$demo/sshd.pid
StrictModes no
UsePAM no
PrintMotd no
Subsystem sftp $bin/sftp-server
SetEnv PATH=$bin:/usr/bin:/bin
CONFIG
if [ "$(id -u)" -eq 0 ]; then mkdir -p /run/sshd; fi
"$bin/sshd" -D -e -f "$here/$demo/sshd_config" 2> "$demo/sshd.log" &
sshd_pid=$!
trap 'kill $sshd_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q 'Server listening' "$demo/sshd.log" 2>/dev/null && break; sleep 0.05; done
cat "$demo/sshd.log"
ssh_opts=(-F none -p "$port" -i "$demo/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes
          -o UserKnownHostsFile="$here/$demo/known_hosts_demo" -o StrictHostKeyChecking=accept-new)
echo "\$ ssh -p $port $user@127.0.0.1 'echo Hello ...; uname -sr'"
"$bin/ssh" "${ssh_opts[@]}" "$user@127.0.0.1" \
  'echo "Hello from $(hostname) as $(whoami); SSH_CONNECTION=$SSH_CONNECTION"; uname -sr' || status=1
echo "\$ ssh -p $port $user@127.0.0.1 'exit 7'"
rc=0
"$bin/ssh" "${ssh_opts[@]}" "$user@127.0.0.1" 'exit 7' || rc=$?
echo "exit status $rc"
[ $rc -eq 7 ] || status=1
echo "\$ echo 'copied through ssh' | ssh ... 'cat > demo/copied.txt'"
echo "copied through ssh" | "$bin/ssh" "${ssh_opts[@]}" "$user@127.0.0.1" "cat > '$here/$demo/copied.txt'" || status=1
cat "$demo/copied.txt"

step "Copying files with our sftp and scp (SFTP protocol, our sftp-server behind our sshd)"
head -c 3000000 /dev/urandom > "$demo/payload.bin"
mkdir -p "$demo/remote"
xfer_opts=(-F none -P "$port" -i "$demo/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes
           -o UserKnownHostsFile="$here/$demo/known_hosts_demo" -o StrictHostKeyChecking=accept-new)
printf 'cd %s\nput %s/payload.bin via-sftp.bin\nls -l via-sftp.bin\nget via-sftp.bin %s/back-sftp.bin\n' \
  "$here/$demo/remote" "$here/$demo" "$here/$demo" > "$demo/batch"
echo "\$ sftp -b demo/batch -P $port $user@127.0.0.1"
"$bin/sftp" -S "$bin/ssh" "${xfer_opts[@]}" -b "$demo/batch" "$user@127.0.0.1" || status=1
echo "\$ scp -P $port demo/payload.bin $user@127.0.0.1:demo/remote/via-scp.bin"
"$bin/scp" -S "$bin/ssh" "${xfer_opts[@]}" "$demo/payload.bin" "$user@127.0.0.1:$here/$demo/remote/via-scp.bin" || status=1
echo "\$ scp -O (the legacy protocol) $user@127.0.0.1:demo/remote/via-scp.bin demo/back-scp.bin"
"$bin/scp" -O -S "$bin/ssh" "${xfer_opts[@]}" "$user@127.0.0.1:$here/$demo/remote/via-scp.bin" "$demo/back-scp.bin" || status=1
sha256sum "$demo/payload.bin" "$demo/remote/via-sftp.bin" "$demo/back-sftp.bin" "$demo/remote/via-scp.bin" "$demo/back-scp.bin"
if [ "$(sha256sum "$demo"/payload.bin "$demo"/remote/via-s*.bin "$demo"/back-s*.bin | cut -d' ' -f1 | sort -u | wc -l)" -ne 1 ]; then
  echo "copies DIFFER"; status=1
else
  echo "all five copies are identical"
fi

step "Debian's OpenSSH client logs into our sshd too"
/usr/bin/ssh "${ssh_opts[@]}" "$user@127.0.0.1" 'echo "OpenSSH client got in: SSH_CLIENT=$SSH_CLIENT"' || status=1

step "What our sshd logged"
kill $sshd_pid
wait $sshd_pid 2>/dev/null || true
grep -E 'Accepted|Disconnected' "$demo/sshd.log" | head -4

[ $status -eq 0 ] && printf '\nDemo complete: keys are in ./%s\n' "$demo"
exit $status

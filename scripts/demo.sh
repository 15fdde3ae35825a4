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

[ $status -eq 0 ] && printf '\nDemo complete: keys are in ./%s\n' "$demo"
exit $status

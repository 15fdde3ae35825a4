#!/bin/sh
# Regenerates the expected outputs from the committed public keys with Debian's ssh-keygen.
# (The keys themselves were made once by the commands listed in README.md.)
set -eu
cd "$(dirname "$0")"
for k in ed25519 ecdsa256 ecdsa384 ecdsa521 rsa1024 rsa3072; do
  ssh-keygen -l -f "$k.pub" > "$k.l"
  ssh-keygen -l -E md5 -f "$k.pub" > "$k.l-md5"
  ssh-keygen -l -E sha1 -f "$k.pub" > "$k.l-sha1"
  ssh-keygen -l -E sha384 -f "$k.pub" > "$k.l-sha384"
  ssh-keygen -l -E sha512 -f "$k.pub" > "$k.l-sha512"
  ssh-keygen -lv -f "$k.pub" > "$k.lv"
  ssh-keygen -lv -E md5 -f "$k.pub" > "$k.lv-md5"
  ssh-keygen -B -f "$k.pub" > "$k.B"
done
# A certificate's fingerprint is its plain key's; only the randomart title differs.
ssh-keygen -lv -f ed25519-cert.pub > ed25519-cert.lv

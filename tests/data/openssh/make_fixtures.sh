#!/bin/sh
# Regenerates the key fixtures in this folder with Debian 12's OpenSSH 9.2p1 and
# OpenSSL 3.0 (see README.md). Run from this folder: sh make_fixtures.sh
set -eu
exec 3>&1 >/dev/null 2>&1  # ssh-keygen -p and openssl chatter; errors still stop the script
PASS=sshpp-test
rm -f ./*.pub ./*.pem ./*.pkcs8 ./*.sig ./*.rfc4716 ./*_enc ./*_gcm ./*_cbc ed25519 ecdsa256 ecdsa384 \
      ecdsa521 rsa1024 rsa2048 rsa3072 dsa rsa1_header message.txt export_identity.txt rfc4716_headers.expected

# One key of each type, unencrypted OpenSSH format, with its .pub.
ssh-keygen -q -t ed25519          -N '' -C 'sshpp ed25519'  -f ed25519
ssh-keygen -q -t ecdsa -b 256     -N '' -C 'sshpp ecdsa256' -f ecdsa256
ssh-keygen -q -t ecdsa -b 384     -N '' -C 'sshpp ecdsa384' -f ecdsa384
ssh-keygen -q -t ecdsa -b 521     -N '' -C 'sshpp ecdsa521' -f ecdsa521
ssh-keygen -q -t rsa   -b 1024    -N '' -C 'sshpp rsa1024'  -f rsa1024
ssh-keygen -q -t rsa   -b 2048    -N '' -C 'sshpp rsa2048'  -f rsa2048
ssh-keygen -q -t rsa   -b 3072    -N '' -C 'sshpp rsa3072'  -f rsa3072

for k in ed25519 ecdsa256 ecdsa384 ecdsa521 rsa1024 rsa2048 rsa3072; do
  # The same key encrypted (default aes256-ctr, bcrypt with 4 rounds).
  cp $k ${k}_enc && ssh-keygen -q -p -P '' -N "$PASS" -a 4 -f ${k}_enc
  # ssh-keygen -e in its three formats (PKCS8/PEM only exist for RSA and ECDSA).
  ssh-keygen -e -f $k.pub > $k.rfc4716
  case $k in ed25519) ;; *) ssh-keygen -e -m PKCS8 -f $k.pub > $k.pkcs8.pub ;; esac
  case $k in rsa*) ssh-keygen -e -m PEM -f $k.pub > $k.pem.pub ;; esac
  # PEM and PKCS8 private keys, plain and encrypted (ssh-keygen -p -m ...).
  case $k in ed25519) ;; *)
    cp $k $k.pem          && ssh-keygen -q -p -P '' -N ''      -m PEM   -f $k.pem
    cp $k ${k}_enc.pem    && ssh-keygen -q -p -P '' -N "$PASS" -m PEM   -f ${k}_enc.pem
    cp $k $k.pkcs8        && ssh-keygen -q -p -P '' -N ''      -m PKCS8 -f $k.pkcs8
    cp $k ${k}_enc.pkcs8  && ssh-keygen -q -p -P '' -N "$PASS" -m PKCS8 -f ${k}_enc.pkcs8 ;;
  esac
done
# Other OpenSSH ciphers (-Z).
cp ed25519 ed25519_gcm  && ssh-keygen -q -p -P '' -N "$PASS" -a 4 -Z aes256-gcm@openssh.com -f ed25519_gcm
cp ed25519 ed25519_cbc  && ssh-keygen -q -p -P '' -N "$PASS" -a 4 -Z aes128-cbc -f ed25519_cbc
cp rsa2048 rsa2048_gcm  && ssh-keygen -q -p -P '' -N "$PASS" -a 4 -Z aes128-gcm@openssh.com -f rsa2048_gcm
cp ecdsa384 ecdsa384_cbc && ssh-keygen -q -p -P '' -N "$PASS" -a 4 -Z aes256-cbc -f ecdsa384_cbc

# Legacy encrypted PEM (Proc-Type/DEK-Info) written by OpenSSL.
openssl rsa -in rsa2048.pem -aes128 -traditional -passout pass:$PASS -out rsa2048_aes128.pem
openssl rsa -in rsa2048.pem -des3   -traditional -passout pass:$PASS -out rsa2048_des3.pem
openssl ec  -in ecdsa256.pem -aes128 -passout pass:$PASS -out ecdsa256_aes128.pem
openssl ec  -in ecdsa256.pem -des3   -passout pass:$PASS -out ecdsa256_des3.pem

# Unsupported key types: DSA (OpenSSH, traditional PEM and PKCS8) and an SSH-1 header.
ssh-keygen -q -t dsa -N '' -C 'sshpp dsa' -f dsa
openssl dsaparam -out dsa_params.pem 1024 2>/dev/null
openssl gendsa -out dsa_pkcs8.pem dsa_params.pem 2>/dev/null
openssl dsa -in dsa_pkcs8.pem -out dsa_traditional.pem 2>/dev/null
rm -f dsa_params.pem
printf 'SSH PRIVATE KEY FILE FORMAT 1.1\n\000\000\000\000\000\000\000\000' > rsa1_header

# SSHSIG signatures over one message, namespace "sshpp-test".
printf 'sshpp signed message\n' > message.txt
for k in ed25519 ecdsa256 ecdsa384 ecdsa521 rsa2048; do
  ssh-keygen -q -Y sign -f $k -n sshpp-test message.txt && mv message.txt.sig $k.sig
done
ssh-keygen -q -Y sign -f rsa2048 -n sshpp-test -O hashalg=sha256 message.txt && mv message.txt.sig rsa2048_sha256.sig

# An RFC 4716 file with extra and continued headers, and what ssh-keygen -i makes of it.
{
  echo '---- BEGIN SSH2 PUBLIC KEY ----'
  echo 'Subject: sshpp'
  echo 'Comment: "a comment that goes on \'
  echo 'and on \'
  echo 'to a third line"'
  echo 'x-sshpp-note: plain header'
  sed -n '3,$p' ed25519.rfc4716
} > rfc4716_headers.pub
ssh-keygen -i -f rfc4716_headers.pub > rfc4716_headers.expected

# Who ran ssh-keygen -e: its Comment header says "converted by USER@HOST".
printf '%s@%s\n' "$(id -un)" "$(hostname)" > export_identity.txt

#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/private_key_fuzz and public_key_fuzz from the
fixtures in this folder (run after make_fixtures.sh). The first byte of each seed picks
the fuzzer's mode (see the comments at the top of each fuzz target)."""
import base64
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FUZZ = os.path.join(HERE, "..", "..", "fuzz", "corpus")


def read(name):
    with open(os.path.join(HERE, name), "rb") as f:
        return f.read()


def dearmor(text):
    lines = text.decode().splitlines()
    return base64.b64decode("".join(lines[1:-1]))


def write(target, name, data):
    os.makedirs(os.path.join(FUZZ, target), exist_ok=True)
    with open(os.path.join(FUZZ, target, name), "wb") as f:
        f.write(data)


def pub_blob(stem):
    return base64.b64decode(read(stem + ".pub").split()[1])


# Private keys. Encrypted OpenSSH seeds use bcrypt with 1 round; the fuzzer reads only their
# unencrypted layer (see private_key_fuzz.cpp), PEM ones it decrypts.
with tempfile.TemporaryDirectory() as tmp:
    for stem in ("ed25519", "ecdsa256"):
        path = os.path.join(tmp, stem)
        with open(path, "wb") as f:
            f.write(read(stem))
        os.chmod(path, 0o600)
        subprocess.run(["ssh-keygen", "-q", "-p", "-P", "", "-N", "sshpp-test", "-a", "1", "-f", path],
                       check=True, stdout=subprocess.DEVNULL)
        with open(path, "rb") as f:
            encrypted = f.read()
        write("private_key_fuzz", stem + "_enc_a1.txt", b"\x00" + encrypted)
        write("private_key_fuzz", stem + "_enc_a1.bin", b"\x01" + dearmor(encrypted))
for name in ("ed25519", "ecdsa256", "rsa1024"):
    write("private_key_fuzz", name + ".txt", b"\x00" + read(name))
    write("private_key_fuzz", name + ".bin", b"\x01" + dearmor(read(name)))
for name in ("ecdsa256.pem", "ecdsa256.pkcs8", "rsa1024.pem", "ecdsa256_aes128.pem", "ecdsa256_enc.pkcs8",
             "dsa_traditional.pem", "rsa1_header"):
    write("private_key_fuzz", name, b"\x00" + read(name))
# The private section of the ed25519 key (check-ints skipped, up to the comment).
blob = dearmor(read("ed25519"))
write("private_key_fuzz", "ed25519.fields", b"\x02" + blob[blob.index(b"\x00\x00\x00\x0bssh-ed25519", 70):])

# Public keys and signatures.
for stem in ("ed25519", "ecdsa256", "ecdsa521", "rsa1024"):
    write("public_key_fuzz", stem + ".blob", b"\x00" + pub_blob(stem))
    write("public_key_fuzz", stem + ".line", b"\x01" + read(stem + ".pub"))
    write("public_key_fuzz", stem + ".rfc4716", b"\x02" + read(stem + ".rfc4716"))
write("public_key_fuzz", "rfc4716_headers", b"\x02" + read("rfc4716_headers.pub"))
write("public_key_fuzz", "ecdsa256.pkcs8", b"\x03" + read("ecdsa256.pkcs8.pub"))
write("public_key_fuzz", "rsa1024.pkcs8", b"\x03" + read("rsa1024.pkcs8.pub"))
write("public_key_fuzz", "rsa1024.pem", b"\x04" + read("rsa1024.pem.pub"))
for stem in ("ed25519", "ecdsa256", "rsa2048"):
    write("public_key_fuzz", stem + ".sig", b"\x05" + read(stem + ".sig"))
    write("public_key_fuzz", stem + ".sigblob", b"\x06" + dearmor(read(stem + ".sig")))
# A key blob and the signature blob inside its SSHSIG (the signed data differs, so it
# fails to verify, but every field is well formed).
sig = dearmor(read("ed25519.sig"))
key = pub_blob("ed25519")
write("public_key_fuzz", "ed25519.verify", b"\x07" + len(key).to_bytes(2, "big") + key + sig[-83:])

#!/usr/bin/python3
"""A paramiko SSH client for sshpp's interop tests.

Connects to 127.0.0.1:--port, checks the host key against --known-hosts (OpenSSH
format, "[127.0.0.1]:PORT type base64"), logs in with --key and/or --password,
runs --command with --stdin-file and --stdin as its input (then EOF), and copies the remote stdout
and stderr to its own, exiting with the remote exit status. --kex, --cipher and
--mac leave paramiko only that algorithm; --compress offers zlib. Writes what it negotiated (cipher, MAC,
host key type, server version) to --report.
"""
import argparse
import sys

import paramiko


def only(kind, name):
    preferred = {"kex": paramiko.Transport._preferred_kex,
                 "ciphers": paramiko.Transport._preferred_ciphers,
                 "macs": paramiko.Transport._preferred_macs}[kind]
    if name not in preferred:
        raise SystemExit("paramiko has no " + kind + " " + name)
    return [n for n in preferred if n != name]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--known-hosts", required=True)
    ap.add_argument("--key")
    ap.add_argument("--password")
    ap.add_argument("--command", required=True)
    ap.add_argument("--stdin", default="")
    ap.add_argument("--stdin-file")
    ap.add_argument("--compress", action="store_true")
    ap.add_argument("--kex")
    ap.add_argument("--cipher")
    ap.add_argument("--mac")
    ap.add_argument("--report", required=True)
    ap.add_argument("--log")
    args = ap.parse_args()
    if args.log:
        paramiko.util.log_to_file(args.log, level="DEBUG")

    disabled = {}
    if args.kex:
        disabled["kex"] = only("kex", args.kex)
    if args.cipher:
        disabled["ciphers"] = only("ciphers", args.cipher)
    if args.mac:
        disabled["macs"] = only("macs", args.mac)

    client = paramiko.SSHClient()
    client.load_host_keys(args.known_hosts)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect("127.0.0.1", port=args.port, username=args.user, key_filename=args.key,
                   password=args.password, look_for_keys=False, allow_agent=False,
                   disabled_algorithms=disabled, compress=args.compress, timeout=20, auth_timeout=20, banner_timeout=20)
    transport = client.get_transport()
    stdin, stdout, stderr = client.exec_command(args.command)
    if args.stdin_file:
        with open(args.stdin_file, "rb") as f:
            stdin.write(f.read())
    stdin.write(args.stdin)
    stdin.flush()
    stdin.channel.shutdown_write()
    out = stdout.read()
    err = stderr.read()
    status = stdout.channel.recv_exit_status()
    with open(args.report, "w") as report:
        report.write("cipher=%s\n" % transport.local_cipher)
        report.write("mac=%s\n" % transport.local_mac)
        report.write("compression=%s\n" % transport.local_compression)
        report.write("host_key=%s\n" % transport.get_remote_server_key().get_name())
        report.write("server=%s\n" % transport.remote_version)
    client.close()
    sys.stdout.buffer.write(out)
    sys.stderr.buffer.write(err)
    return status


if __name__ == "__main__":
    sys.exit(main())

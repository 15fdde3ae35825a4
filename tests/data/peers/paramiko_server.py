#!/usr/bin/python3
"""A one-connection paramiko SSH server for sshpp's interop tests.

Prints "listening PORT" once bound to 127.0.0.1 (a kernel-chosen port). Accepts
publickey (--authorized-key, a one-line OpenSSH public key file), password and/or
keyboard-interactive (one "Code: " prompt, --kbdint-answer) for --user. Answers one "exec" after the client's EOF with stdout
"paramiko ran: COMMAND\\n" plus the client's stdin, stderr "paramiko stderr\\n"
and --exit-status, then EOF and CLOSE. Reports what it saw as "key=value" lines.
"""
import argparse
import socket
import sys
import threading
import time

import paramiko


def load_private_key(path):
    for cls in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return cls.from_private_key_file(path)
        except (paramiko.SSHException, ValueError):
            continue
    raise SystemExit("cannot load host key " + path)


class Server(paramiko.ServerInterface):
    def __init__(self, args):
        self.args = args
        self.authorized = None
        if args.authorized_key:
            with open(args.authorized_key) as f:
                self.authorized = f.read().split()[1]
        self.exec_event = threading.Event()
        self.command = b""

    def get_allowed_auths(self, username):
        methods = []
        if self.authorized:
            methods.append("publickey")
        if self.args.password is not None:
            methods.append("password")
        if self.args.kbdint_answer is not None:
            methods.append("keyboard-interactive")
        return ",".join(methods)

    def check_auth_interactive(self, username, submethods):
        if username != self.args.user:
            return paramiko.AUTH_FAILED
        query = paramiko.InteractiveQuery("sshpp test", "one question")
        query.add_prompt("Code: ", False)
        return query

    def check_auth_interactive_response(self, responses):
        ok = list(responses) == [self.args.kbdint_answer]
        print("keyboard-interactive", "accepted" if ok else "refused", flush=True)
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_auth_publickey(self, username, key):
        ok = username == self.args.user and key.get_base64() == self.authorized
        print("publickey", username, key.get_name(), "accepted" if ok else "refused", flush=True)
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_auth_password(self, username, password):
        ok = username == self.args.user and password == self.args.password
        print("password", username, "accepted" if ok else "refused", flush=True)
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_exec_request(self, channel, command):
        self.command = command
        self.exec_event.set()
        return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host-key", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--authorized-key")
    ap.add_argument("--password")
    ap.add_argument("--kbdint-answer")
    ap.add_argument("--exit-status", type=int, default=0)
    args = ap.parse_args()

    host_key = load_private_key(args.host_key)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    print("listening", listener.getsockname()[1], flush=True)
    conn, _ = listener.accept()

    transport = paramiko.Transport(conn)
    # DH group exchange needs groups to offer: Debian's /etc/ssh/moduli.
    transport.load_server_moduli()
    transport.add_server_key(host_key)
    server = Server(args)
    transport.start_server(server=server)
    channel = transport.accept(30)
    if channel is None or not server.exec_event.wait(30):
        raise SystemExit("no exec request")
    print("exec", server.command.decode(), flush=True)
    print("cipher", transport.remote_cipher, "mac", transport.remote_mac, flush=True)
    received = b""
    while True:
        chunk = channel.recv(65536)
        if not chunk:
            break
        received += chunk
    channel.sendall(b"paramiko ran: " + server.command + b"\n" + received)
    channel.sendall_stderr(b"paramiko stderr\n")
    channel.send_exit_status(args.exit_status)
    channel.close()
    deadline = time.time() + 10
    while transport.is_active() and time.time() < deadline:
        time.sleep(0.05)
    print("done", flush=True)


if __name__ == "__main__":
    sys.exit(main())

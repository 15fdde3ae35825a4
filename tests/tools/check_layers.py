#!/usr/bin/env python3
"""Enforce DESIGN.md section 1: layers of libssh-core include only layers below them,
and no core folder but io/ touches file descriptors (sockets, read/write/poll...)."""
import pathlib
import re
import sys

# Lowest first. io/ sits beside the stack: it may use any layer, none may use it.
LAYERS = ["base", "wire", "crypto", "keys", "transport", "auth", "connection", "apps", "config"]
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]sshcore/([a-z_]+)/', re.M)
# Touching a descriptor needs one of these headers; the core outside io/ may not
# include them. (A call-based check would confuse methods such as Session::send.)
FD_HEADERS = re.compile(r'^\s*#\s*include\s*<(sys/socket\.h|sys/select\.h|poll\.h|sys/epoll\.h|netinet/[^>]+|arpa/inet\.h|netdb\.h|sys/un\.h|fcntl\.h|unistd\.h|sys/stat\.h|fstream)>', re.M)
# Global-namespace POSIX calls are unambiguous whatever the headers.
FD_CALLS = re.compile(r'(?<![\w:])::(socket|accept|accept4|connect|bind|listen|poll|ppoll|select|epoll_wait|recv|recvmsg|send|sendmsg|pipe|pipe2|dup2|open|openat|read|write|close|fdopen|fstat|mkstemp)\s*\(')


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)


def main():
    root = pathlib.Path(sys.argv[1])
    problems = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".hpp", ".cpp", ".h"):
            continue
        layer = path.relative_to(root).parts[0]
        raw = path.read_text(errors="replace")
        if layer != "io":
            if layer not in LAYERS:
                problems.append(f"{path}: folder '{layer}' is not a layer of DESIGN.md section 1")
                continue
            rank = LAYERS.index(layer)
            for m in INCLUDE.finditer(raw):
                dep = m.group(1)
                if dep == "io":
                    problems.append(f"{path}: core layer '{layer}' includes io/")
                elif dep not in LAYERS:
                    problems.append(f"{path}: includes unknown layer '{dep}'")
                elif LAYERS.index(dep) > rank:
                    problems.append(f"{path}: layer '{layer}' includes higher layer '{dep}'")
            code = strip_comments(raw)
            for m in FD_HEADERS.finditer(code):
                problems.append(f"{path}: includes <{m.group(1)}>; only io/ touches file descriptors")
            for m in FD_CALLS.finditer(code):
                problems.append(f"{path}: calls {m.group(1)}(); only io/ touches file descriptors")
    for p in problems:
        print(p)
    print(f"layering: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

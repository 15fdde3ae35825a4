# Writes partial_flush_stream.txt: one zlib stream (level 6) cut into pieces the
# way OpenSSH's packet compression cuts it (deflate with Z_PARTIAL_FLUSH after
# each payload). Each line: <hex of the payload> <hex of its compressed piece>.
import zlib

payloads = [
    b"\x05\x00\x00\x00\x0cssh-userauth",
    b"",
    b"\x5e\x00\x00\x00\x00\x00\x00\x00\x38" + b"Lorem ipsum dolor sit amet, consectetur adipisicing elit",
    bytes(range(256)),
    b"\x5e\x00\x00\x00\x00\x00\x00\x00\x38" + b"Lorem ipsum dolor sit amet, consectetur adipisicing elit",
    b"A" * 5000,
    bytes((i * 7919) % 251 for i in range(3000)),
]
c = zlib.compressobj(6)
with open("partial_flush_stream.txt", "w") as out:
    for p in payloads:
        piece = c.compress(p) + c.flush(zlib.Z_PARTIAL_FLUSH) if p else b""
        out.write(f"{p.hex() or '-'} {piece.hex() or '-'}\n")

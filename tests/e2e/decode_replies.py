#!/usr/bin/env python3
# Why this exists: protobuf-c does not check that string fields are UTF-8,
# but Google's implementations refuse a message whose string is not, so a
# reply cchcd cuts inside a character (or that echoes a client's invalid
# bytes) is unreadable to any client built on them. test_hostile.c saves
# every reply it got as frames (4-byte big-endian length + payload) and
# runs this to decode each one with Google's protobuf for Python.
#   decode_replies.py PROTO_DIR FRAMES_FILE
# Prints how many replies decoded; exits 1 naming the first that did not.
import os
import struct
import subprocess
import sys
import tempfile


def main():
    proto_dir, frames_path = sys.argv[1], sys.argv[2]
    out = tempfile.mkdtemp(prefix="cchc-pb2-")
    protos = sorted(os.path.join("cchc/v1", n)
                    for n in os.listdir(os.path.join(proto_dir, "cchc/v1"))
                    if n.endswith(".proto"))
    subprocess.run(["protoc", "--proto_path=" + proto_dir, "--python_out=" + out] + protos,
                   check=True)
    sys.path.insert(0, out)
    from google.protobuf.message import DecodeError
    from cchc.v1 import envelope_pb2

    data = open(frames_path, "rb").read()
    pos = count = bad = 0
    while pos < len(data):
        (size,) = struct.unpack(">I", data[pos:pos + 4])
        payload = data[pos + 4:pos + 4 + size]
        pos += 4 + size
        try:
            envelope_pb2.Response.FromString(payload)
        except (DecodeError, UnicodeDecodeError) as e:
            if bad == 0:
                print("reply %d does not decode: %s: %r" % (count, e, payload[:600]))
            bad += 1
        count += 1
    print("%d replies, %d not decodable by google.protobuf" % (count, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

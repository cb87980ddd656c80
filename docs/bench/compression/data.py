#!/usr/bin/env python3
"""Writes the benchmark's content to DIR: json.bin and logs.bin (generated, seeded), text.bin
(the machine's licences and man pages, decompressed, in path order) and random.bin, SIZE MiB
each (text: as much as the machine has, up to SIZE).

    data.py DIR SIZE_MIB
"""
import gzip
import os
import random
import sys

LEVELS = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"]
SERVICES = ["api", "data", "metadata", "repair"]
METHODS = ["GET", "GET", "GET", "PUT", "HEAD", "DELETE"]


def lines(path, size, line):
    r = random.Random(42)
    with open(path, "wb") as out:
        written = 0
        while written < size:
            b = line(r).encode()
            b = b[: size - written]
            out.write(b)
            written += len(b)


def ts(r, sep):
    return "2026-03-%02d%s%02d:%02d:%02d.%03d" % (1 + r.randrange(28), sep, r.randrange(24),
                                                  r.randrange(60), r.randrange(60),
                                                  r.randrange(1000))


def json_line(r):
    return ('{"ts":"%sZ","level":"%s","service":"%s","request_id":"%016x","user_id":%d,'
            '"method":"%s","path":"/objects/docs/%08x","status":%d,"bytes":%d,'
            '"duration_ms":%.1f}\n') % (ts(r, "T"), r.choice(LEVELS), r.choice(SERVICES),
                                        r.getrandbits(64), 1000 + r.randrange(5000),
                                        r.choice(METHODS), r.getrandbits(32),
                                        r.choice([200, 200, 200, 201, 206, 304, 404, 503]),
                                        r.randrange(10_000_000), r.random() * 250)


def log_line(r):
    return "%s %-5s [pool-%d-thread-%d] d.o.server.api.ObjectsEndpoints - %s /objects/%08x " \
           "%d bytes in %d ms (request %012x)\n" % (ts(r, " "), r.choice(LEVELS),
                                                   1 + r.randrange(4), 1 + r.randrange(32),
                                                   r.choice(METHODS), r.getrandbits(32),
                                                   r.randrange(10_000_000), r.randrange(900),
                                                   r.getrandbits(48))


def text(path, size):
    files = []
    for root in ["/usr/share/common-licenses", "/usr/share/man"]:
        for d, _, names in os.walk(root):
            files += [os.path.join(d, n) for n in names]
    written = 0
    with open(path, "wb") as out:
        for f in sorted(files):
            if written >= size or not os.path.isfile(f) or os.path.islink(f):
                continue
            try:
                with (gzip.open(f) if f.endswith(".gz") else open(f, "rb")) as src:
                    b = src.read()[: size - written]
            except OSError:
                continue
            out.write(b)
            written += len(b)


def main():
    out, size = sys.argv[1], int(sys.argv[2]) << 20
    os.makedirs(out, exist_ok=True)
    lines(os.path.join(out, "json.bin"), size, json_line)
    lines(os.path.join(out, "logs.bin"), size, log_line)
    text(os.path.join(out, "text.bin"), size)
    with open(os.path.join(out, "random.bin"), "wb") as f:
        f.write(random.Random(7).randbytes(size))


main()

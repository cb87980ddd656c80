#!/usr/bin/env python3
"""The disk's own rates under DIR, as baselines for the store comparison. Prints one number.

  disk.py durable DIR THREADS SECONDS  4 KiB files/s, each written to a temporary file, forced,
                                       renamed into place, with the directory forced (what a
                                       durable PUT needs at least), THREADS writers at once
  disk.py forced DIR SECONDS           4 KiB appends/s to one file, each forced (fsync)
  disk.py big DIR MIB                  MB/s (10^6 bytes) writing MIB MiB to a new file, forced
                                       once at the end, the force included in the time
  disk.py read DIR                     MB/s reading that file back past the page cache (O_DIRECT,
                                       2 MiB reads), as a big GET reads its shards (DIRECT_IO)
"""
import mmap
import os
import sys
import threading
import time

SMALL = 4096


def durable(root, threads, seconds):
    temp, objects = os.path.join(root, "temp"), os.path.join(root, "objects")
    os.makedirs(temp, exist_ok=True)
    os.makedirs(objects, exist_ok=True)
    counts = [0] * threads
    deadline = time.monotonic() + seconds

    def writer(k):
        body = bytearray(os.urandom(SMALL))
        dir_fd = os.open(objects, os.O_RDONLY)
        try:
            while time.monotonic() < deadline:
                n = counts[k]
                body[:16] = f"{k:6d}{n:10d}".encode()  # distinct content, as a store would get
                name = f"{k}-{n}"
                fd = os.open(os.path.join(temp, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL)
                try:
                    os.write(fd, body)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.rename(os.path.join(temp, name), os.path.join(objects, name))
                os.fsync(dir_fd)
                counts[k] = n + 1
        finally:
            os.close(dir_fd)

    start = time.monotonic()
    workers = [threading.Thread(target=writer, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / (time.monotonic() - start)


def forced(root, seconds):
    body = os.urandom(SMALL)
    fd = os.open(os.path.join(root, "forced"), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        n, start = 0, time.monotonic()
        while time.monotonic() - start < seconds:
            os.write(fd, body)
            os.fsync(fd)
            n += 1
        return n / (time.monotonic() - start)
    finally:
        os.close(fd)


def big(root, mib):
    chunk = os.urandom(1 << 20)
    path = os.path.join(root, "big")
    start = time.monotonic()
    with open(path, "wb", buffering=0) as f:
        for _ in range(mib):
            f.write(chunk)
        os.fsync(f.fileno())
    return mib * len(chunk) / (time.monotonic() - start) / 1e6


def read(root):
    window = mmap.mmap(-1, 2 << 20)  # page-aligned, as O_DIRECT wants
    fd = os.open(os.path.join(root, "big"), os.O_RDONLY | os.O_DIRECT)
    try:
        total, start = 0, time.monotonic()
        while (n := os.preadv(fd, [window], total)) > 0:
            total += n
        return total / (time.monotonic() - start) / 1e6
    finally:
        os.close(fd)
        window.close()


def main():
    mode, root = sys.argv[1], sys.argv[2]
    os.makedirs(root, exist_ok=True)
    if mode == "durable":
        rate = durable(root, int(sys.argv[3]), float(sys.argv[4]))
    elif mode == "forced":
        rate = forced(root, float(sys.argv[3]))
    elif mode == "big":
        rate = big(root, int(sys.argv[3]))
    elif mode == "read":
        rate = read(root)
    else:
        sys.exit(f"unknown mode {mode}; see the docstring")
    print(f"{rate:.1f}")


if __name__ == "__main__":
    main()

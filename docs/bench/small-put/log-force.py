#!/usr/bin/env python3
"""Whether forcing a commit's log frames with fdatasync rather than fsync would pay here.

  log-force.py DIR [FRAMES] [COMMITS] [ROUNDS]

SQLite on Linux forces its write-ahead log with fsync unless it was built with HAVE_FDATASYNC
(the sqlite-jdbc build was not: strace shows fsync under every commit). fsync also writes the
file's inode when a write changed its modification time, where fdatasync need not. This writes
FRAMES frames of 4,120 bytes (a 4 KiB page and its header, default 9) over a log made
beforehand, as a commit overwrites a log that a checkpoint reset, forces them, COMMITS times
(default 2,000), and alternates fsync and fdatasync for ROUNDS rounds (default 4); prints the
forced commits a second of each and their ratio.
"""
import os
import sys
import time

FRAME = 4120

directory = sys.argv[1]
frames = int(sys.argv[2]) if len(sys.argv) > 2 else 9
commits = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 4

path = os.path.join(directory, "log-force.wal")
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
frame = os.urandom(FRAME)
places = 7  # commits laid one after another, then over again, as a reset log is
os.pwrite(fd, frame * frames * places, 0)
os.fsync(fd)


def rate(force):
    began = time.perf_counter()
    for commit in range(commits):
        at = (commit % places) * frames * FRAME
        for f in range(frames):
            os.pwrite(fd, frame, at + f * FRAME)
        force(fd)
    return commits / (time.perf_counter() - began)


try:
    for r in range(rounds):
        full, data = rate(os.fsync), rate(os.fdatasync)
        print("round %d: fsync %.0f/s, fdatasync %.0f/s, %.2f x" % (r + 1, full, data, data / full))
finally:
    os.close(fd)
    os.unlink(path)

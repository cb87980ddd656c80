# What a pack's room costs and saves (docs/benchmarks.md, section 40): COUNT records of 4,200
# bytes (a 4 KiB copy with its headers and checksum) appended to one file and fdatasync'd one by
# one, first to a file that each append makes longer, then to one filled with zeros 1 MiB ahead
# of the appends (64 KiB a write), as ShardPacks does. Prints per forced append: the time, the
# kernel's CPU, the device's writes and what they wrote, and its flushes (/sys/block/DEV/stat),
# ROUNDS times each.
# usage: python3 room-ahead.py DIR COUNT [ROUNDS] [DEV]
import os
import resource
import sys
import time

d = sys.argv[1]
n = int(sys.argv[2])
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
dev = sys.argv[4] if len(sys.argv) > 4 else "vda"
RECORD = 4200
ROOM = 1 << 20
PIECE = 64 << 10  # the room is written a piece at a time, as ShardPacks writes it


def disk():
    f = open("/sys/block/%s/stat" % dev).read().split()
    return int(f[4]), int(f[15]), int(f[6])  # writes completed, flushes completed, sectors written


def run(room_ahead):
    name = os.path.join(d, "room-ahead-%d" % room_ahead)
    fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    data, zeros, room = os.urandom(RECORD), bytes(PIECE), 0
    w0, f0, s0 = disk()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    t0 = time.perf_counter()
    for i in range(n):
        at = i * RECORD
        while room_ahead and room < at + RECORD:
            for piece in range(0, ROOM, PIECE):
                os.pwrite(fd, zeros, room + piece)
            room += ROOM
        os.pwrite(fd, data, at)
        os.fdatasync(fd)
    took = (time.perf_counter() - t0) / n
    cpu = (resource.getrusage(resource.RUSAGE_SELF).ru_stime - cpu0) / n
    w1, f1, s1 = disk()
    print("%-14s %.3f ms per forced append, kernel CPU %.3f ms, device writes %.2f of %.1f KiB"
          " in all, flushes %.2f" % ("room ahead" if room_ahead else "growing file", took * 1000,
                                     cpu * 1000, (w1 - w0) / n, (s1 - s0) / 2 / n, (f1 - f0) / n))
    os.close(fd)
    os.unlink(name)


for _ in range(rounds):
    run(False)
    run(True)

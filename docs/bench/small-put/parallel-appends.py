# The disk's latency for the forces of one small PUT (docs/benchmarks.md, section 32): 4 KiB
# appended and fdatasync'd COUNT times, on 1 to 4 files at once, one thread each, as the
# copies of one PUT are forced by their data servers at the same time.
# usage: python3 parallel-appends.py DIR COUNT
import os, sys, threading, time

d = sys.argv[1]
n = int(sys.argv[2])


def appends(i, took):
    fd = os.open(os.path.join(d, "p%d" % i), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    data = os.urandom(4096)
    t = time.perf_counter()
    for _ in range(n):
        os.write(fd, data)
        os.fdatasync(fd)
    took[i] = (time.perf_counter() - t) / n
    os.close(fd)


for files in (1, 2, 3, 4):
    took = {}
    threads = [threading.Thread(target=appends, args=(i, took)) for i in range(files)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("%d at once: %.3f ms per forced append (slowest file)" % (files, 1000 * max(took.values())))

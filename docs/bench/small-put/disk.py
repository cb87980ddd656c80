# Section 16 of docs/benchmarks.md: a 4 KiB temp file written, fsync, rename, directory fsync.
# usage: python3 disk.py DIR COUNT
import os, time, sys
d = sys.argv[1]; n = int(sys.argv[2]); data = os.urandom(4096)
dfd = os.open(d, os.O_RDONLY)
t = time.time()
for i in range(n):
    p = os.path.join(d, "t%d.tmp" % i)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, data); os.fsync(fd); os.close(fd)
    os.rename(p, os.path.join(d, "f%d" % i)); os.fsync(dfd)
el = time.time() - t
print("temp+fsync+rename+dirfsync: %.0f/s" % (n / el))
for i in range(n): os.unlink(os.path.join(d, "f%d" % i))

# The disk's own rates for what a small shard costs (docs/benchmarks.md, sections 16 and 30):
# a 4 KiB temp file written, fsync, rename, directory fsync (a shard file of its own); and a
# record of a 4 KiB shard appended to one file and fdatasync'd (a shard in a pack, alone).
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
record = os.urandom(73 + 68 + 4096 + 4)
fd = os.open(os.path.join(d, "pack"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
t = time.time()
for i in range(n):
    os.pwrite(fd, record, i * len(record)); os.fdatasync(fd)
el = time.time() - t
print("record appended+fdatasync: %.0f/s" % (n / el))
os.close(fd); os.unlink(os.path.join(d, "pack"))

#!/usr/bin/env python3
"""Which B-trees a store's recent commits wrote: the frames of SQLite's write-ahead log, matched
to the tables and indexes their pages belong to.

  log-frames.py DB [COMMITS]

DB is a copy of a store's metadata.db with its -wal beside it (copy the log first, then the
file, while the store runs; opening the copy checkpoints its log away, so copy again to look
twice). Prints, for the last COMMITS commits in the log (default 50), the frames a commit wrote
on average, by B-tree and page kind (dbstat: leaf, internal, overflow). Needs Python's sqlite3
built with the dbstat table.
"""
import collections
import sqlite3
import struct
import sys

WAL_HEADER = 32
FRAME_HEADER = 24


def commits(wal):
    """The page numbers each commit in the log wrote, oldest first (frames of the current salt)."""
    page_size = struct.unpack(">I", wal[8:12])[0]
    salt = wal[16:24]
    done, current, at = [], [], WAL_HEADER
    while at + FRAME_HEADER + page_size <= len(wal):
        page, size_after_commit = struct.unpack(">II", wal[at:at + 8])
        if wal[at + 8:at + 16] != salt:
            break
        current.append(page)
        if size_after_commit:
            done.append(current)
            current = []
        at += FRAME_HEADER + page_size
    return done


def main():
    db = sys.argv[1]
    last = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    with open(db + "-wal", "rb") as f:
        recent = commits(f.read())[-last:]
    if not recent:
        sys.exit("log-frames: no commit in " + db + "-wal")
    # Read the log before opening the copy: opening it may checkpoint the log away.
    owner = {page: (name, kind) for name, page, kind in
             sqlite3.connect(db).execute("SELECT name, pageno, pagetype FROM dbstat")}
    counts = collections.Counter(owner.get(page, ("?", "?")) for c in recent for page in c)
    print("commits\t%d\nframes a commit\t%.2f" % (len(recent), sum(map(len, recent)) / len(recent)))
    for (name, kind), n in counts.most_common():
        print("%s\t%s\t%.2f" % (name, kind, n / len(recent)))


if __name__ == "__main__":
    main()

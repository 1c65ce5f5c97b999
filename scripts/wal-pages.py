#!/usr/bin/env python3
"""Which tables and indexes a running SQLite homeserver writes: WAL frames per b-tree.

Usage: scripts/wal-pages.py <data dir or starling.db> [seconds per window, default 1] [windows, default 5]

Run it beside a server under load (`./starling loadgen`; the LoadServer's database is under /tmp, see its
/proc/<pid>/fd). Per window it reads the live `starling.db-wal`, then `seconds` later copies it with `starling.db`, and takes
the WAL frames that the copy holds and the first reading did not (a window where the WAL restarted, its header's
salts changed, is dropped and another taken).
Each frame is one page image that a commit wrote; the page number is mapped to its table or index with the
`dbstat` virtual table on the second copy. Printed: frames per b-tree, per commit and per event stored in the
windows (events counted as the rise of max(stream_ordering) in the live database). Only reads the live files.
"""
import collections
import os
import shutil
import sqlite3
import struct
import sys
import tempfile
import time


def wal_frames(path):
    """The frames of the WAL's current generation, as (page number, commit size or 0)."""
    with open(path, "rb") as f:
        header = f.read(32)
        if len(header) < 32:
            return []
        _magic, _version, page_size, _seq, salt1, salt2, _c1, _c2 = struct.unpack(">8I", header)
        frames = []
        while True:
            fh = f.read(24)
            if len(fh) < 24:
                break
            page, commit, s1, s2 = struct.unpack(">4I", fh[:16])
            if (s1, s2) != (salt1, salt2):
                break
            if len(f.read(page_size)) < page_size:
                break
            frames.append((page, commit))
        return frames, (salt1, salt2)


def snapshot(db, into):
    for suffix in ("", "-wal"):
        shutil.copyfile(db + suffix, os.path.join(into, "starling.db" + suffix))
    return os.path.join(into, "starling.db")


def max_ordering(db):
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return c.execute("SELECT max(stream_ordering) FROM events").fetchone()[0] or 0
    finally:
        c.close()


def sample(db, seconds, into):
    """One window: (frames written in it, commits, events stored), or None when the WAL restarted in it."""
    e1 = max_ordering(db)
    first = wal_frames(db + "-wal")
    time.sleep(seconds)
    e2 = max_ordering(db)
    copy = snapshot(db, into)
    second = wal_frames(copy + "-wal")
    if not first or not second or first[1] != second[1]:
        return None
    c = sqlite3.connect(copy)
    names = dict((page, name) for name, page in c.execute("SELECT name, pageno FROM dbstat"))
    c.close()
    frames = second[0][len(first[0]):]
    per_tree = collections.Counter(names.get(page, "(free or new)") for page, _ in frames)
    return per_tree, sum(1 for _, commit in frames if commit), e2 - e1


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    db = sys.argv[1]
    if os.path.isdir(db):
        db = os.path.join(db, "starling.db")
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    windows = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    per_tree, commits, events, taken = collections.Counter(), 0, 0, 0
    with tempfile.TemporaryDirectory() as into:
        for _ in range(windows * 4):
            one = sample(db, seconds, into)
            if one:
                per_tree.update(one[0])
                commits += one[1]
                events += one[2]
                taken += 1
                print(f"window {taken}: {sum(one[0].values())} frames, {one[1]} commits, {one[2]} events")
                if taken == windows:
                    break
    if not taken:
        print("the WAL restarted in every window; run again with fewer seconds")
        sys.exit(1)
    frames = sum(per_tree.values())
    print(f"{taken} windows of {seconds:g} s: {frames} frames, {commits} commits, {events} events")
    if events:
        print(f"{frames / events:.2f} frames per event, {events / max(commits, 1):.1f} events per commit")
    for name, n in per_tree.most_common():
        print(f"{n:8d}  {n / max(events, 1):7.2f}/event  {n / max(commits, 1):8.1f}/commit  {name}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Raw SQLite baseline for Benchmarks/events_bench.sh: the rows `POST /v1/events` stores, inserted
by one process straight into an `event` table with the server's own DDL (read from the server's
database: the table and its indexes), in batched transactions,
WAL mode with synchronous=FULL (one fdatasync of the WAL per commit, as the server's commits).

The rows are built before the clock starts; the timed part is only
`BEGIN; executemany(INSERT OR IGNORE ..., batch); COMMIT` per batch (the server's statement, the
same 18 columns and values: type `content.<t>`, source `client`, flags `[]`, times in ms).
Python's per-row cost (argument binding in executemany) is included, so this is a slightly
pessimistic baseline for SQLite itself; `cpu_s` says how much of the time was CPU, the rest being
mostly waiting on the syncs.

Usage: events_raw.py DB SCHEMA_SQL ROWS BATCH RUN BASE_UNIX_S
Prints one line: "rows_inserted seconds rows_per_s cpu_s commits bytes_written_per_row" (bytes passed
to write(): WAL frames, checkpoints; from /proc/self/io).
"""
import os
import resource
import sqlite3
import sys
import time

db_path, schema_path = sys.argv[1], sys.argv[2]
rows_n, batch, run, base = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
EVENTS = 100  # events per simulated client batch (as the load generator's bodies)

fresh = not os.path.exists(db_path)
conn = sqlite3.connect(db_path, isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA synchronous = FULL")
if fresh:
    conn.executescript(open(schema_path).read())


def kind(i):  # the load generator's mix: play_start, heartbeats, pause/resume, complete
    return {0: "play_start", 49: "pause", 50: "resume", EVENTS - 1: "complete"}.get(i, "heartbeat")


# The same values the server derives from the load generator's events (skew correction
# leaves ts as sent, since here sent_at == received_at).
base_ms = base * 1000
rows = []
n = 0
tid = 9  # the load generator's thread ids are 1..threads; 9 keeps the raw ids apart
while len(rows) < rows_n:
    n += 1
    dev = f"tv-{run}-{tid}-{n}"
    for i in range(EVENTS):
        if len(rows) == rows_n:
            break
        rows.append((f"{run:08x}-{tid:04x}-4{i:03x}-8000-{n:012x}", "content." + kind(i), "client", dev, "tv", "ES75", "tv",
                     "ep1", None, None, None, None, i * 10_000, base_ms - (EVENTS - 1 - i) * 10_000, base_ms, base_ms, "3.2.1", "[]"))

sql = """INSERT OR IGNORE INTO event (event_id, type, source, device_id, endpoint, model, channel, title_id, session_id, slot_id,
    creative_id, campaign_id, position_ms, ts, sent_at, received_at, app_version, flags)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
before = conn.total_changes
written0 = next(int(l.split()[1]) for l in open("/proc/self/io") if l.startswith("wchar:"))
r0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.perf_counter()
commits = 0
for k in range(0, len(rows), batch):
    conn.execute("BEGIN")
    conn.executemany(sql, rows[k:k + batch])
    conn.execute("COMMIT")
    commits += 1
t1 = time.perf_counter()
r1 = resource.getrusage(resource.RUSAGE_SELF)
inserted = conn.total_changes - before
conn.close()
secs = t1 - t0
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
written = next(int(l.split()[1]) for l in open("/proc/self/io") if l.startswith("wchar:")) - written0
print(f"{inserted} {secs:.4f} {inserted / secs:.1f} {cpu:.3f} {commits} {written / max(inserted, 1):.0f}")

#!/usr/bin/env python3
"""Fills a Showrunner database with a generated ad ledger for the slot-audit benchmark.

usage: audit_gen.py DB BEACONS [--slots 10000]

10,000 slot keys = 250 titles x 2 channels x 4 breaks (pre, mid-1, mid-2, post) x 5 slots.
Each session opens one title on one channel and fills its 20 slots; each session-slot gets
6 server beacons (impression, start, quartiles, complete) and 2 client ones (impression,
complete), so a session is 160 beacons. Sessions are spread over one day. The database must
already have Showrunner's schema (any showrunner command on it migrates it).
"""
import random
import sqlite3
import sys

def main():
    db, beacons = sys.argv[1], int(sys.argv[2])
    titles, channels, breaks, slots = 250, ["tv", "mobile"], ["pre", "mid-1", "mid-2", "post"], 5
    per_session = len(breaks) * slots * 8
    sessions = max(1, beacons // per_session)
    day = 1_795_910_400_000  # 2026-11-29T00:00:00Z
    rng = random.Random(7)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    cur = con.cursor()
    server_types = ["ad.impression", "ad.start", "ad.firstQuartile", "ad.midpoint", "ad.thirdQuartile", "ad.complete"]
    client_types = ["ad.impression", "ad.complete"]
    written = 0
    for n in range(sessions):
        sid = "%032x" % (n + 1)
        title, channel = "title-%03d" % rng.randrange(titles), channels[rng.randrange(2)]
        at = day + rng.randrange(86_400_000)
        device = "dev-%d" % rng.randrange(1_000_000)
        cur.execute("INSERT INTO play_session (id, channel, title, version, device, household, model, endpoint, created_at,"
                    " expires_at, program_date_time, interstitials, decisions) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (sid, channel, title, "v1", device, device, None, "tv", at, at + 14_400_000, at, 0, "[]"))
        decisions, events = [], []
        for bi, b in enumerate(breaks):
            for s in range(slots):
                creative = "ad-%d" % rng.randrange(40)
                decisions.append((sid, bi, b, "pre" if b == "pre" else "post" if b == "post" else "mid", s, creative,
                                  "c-" + creative, "brand", 15_000, 0, "filled", "generated", "engine", at, channel, title,
                                  device, device))
                slot_id = "%s.%s.%d" % (sid, b, s)
                for t in server_types:
                    events.append(("srv:%s:%s" % (slot_id, t), t, "server", device, slot_id, sid, at))
                # Some clients lose beacons (a discrepancy to find).
                for t in client_types if rng.random() < 0.93 else client_types[:1]:
                    events.append(("cli:%s:%s" % (slot_id, t), t, "client", device, slot_id, sid, at))
        cur.executemany("INSERT INTO ad_decision (session, break_index, break_id, position, slot, creative, campaign, brand,"
                        " duration_ms, trimmed, reason, detail, source, at, channel, title, device, household)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", decisions)
        cur.executemany("INSERT INTO event (event_id, type, source, device_id, slot_id, session_id, ts, received_at, flags)"
                        " VALUES (?,?,?,?,?,?,?,?,'[]')", [e + (e[6],) for e in events])
        written += len(events)
        if n % 2000 == 0:
            con.commit()
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    print("%d sessions, %d decisions, %d beacons" % (sessions, sessions * len(breaks) * slots, written))

if __name__ == "__main__":
    main()

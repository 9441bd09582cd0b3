import GRDB

/// The catalog schema, as named append-only migrations. Never edit a migration that has shipped:
/// add a new one. The SQL stays portable (TEXT ids, INTEGER milliseconds, JSON as TEXT) so a
/// PostgreSQL store can follow; only the append-only triggers are SQLite syntax.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-catalog") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-ads") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3-event-lookups") { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("v4-event-aggregates") { db in
            try db.execute(sql: v4)
        }
        migrator.registerMigration("v5-partial-session-index") { db in
            try db.execute(sql: v5)
        }
        migrator.registerMigration("v6-boot") { db in
            try db.execute(sql: v6)
        }
        migrator.registerMigration("v7-audit") { db in
            try db.execute(sql: v7)
        }
        migrator.registerMigration("v8-version-encryption") { db in
            try db.execute(sql: v8)
        }
        migrator.registerMigration("v9-content-keys") { db in
            try db.execute(sql: v9)
        }
        migrator.registerMigration("v10-revoked-sessions") { db in
            try db.execute(sql: v10)
        }
        migrator.registerMigration("v11-slot-aggregates") { db in
            try db.execute(sql: v11)
        }
        migrator.registerMigration("v12-event-append-only-indexes") { db in
            // Keep AUTOINCREMENT's high-water mark: a `seq` is never given out twice, even after
            // compaction deleted the newest rows.
            let high = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'event'")
            try db.execute(sql: v12)
            if let high {
                try db.execute(sql: "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'event'", arguments: [high])
                if try Int.fetchOne(db, sql: "SELECT changes()") == 0 {
                    try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('event', ?)", arguments: [high])
                }
            }
        }
        return migrator
    }

    /// Tables the first migration creates (for telling a foreign database from ours).
    static let tables = ["brand", "series", "season", "title", "title_version", "channel",
                         "rights_window", "publication", "api_token", "change_log"]

    static let v1 = """
        CREATE TABLE brand (
            id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            category TEXT NOT NULL,
            tier TEXT NOT NULL
        );

        CREATE TABLE series (
            id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            brand TEXT REFERENCES brand(id) ON DELETE RESTRICT
        );
        CREATE INDEX series_by_brand ON series(brand);

        CREATE TABLE season (
            series TEXT NOT NULL REFERENCES series(id) ON DELETE RESTRICT,
            number INTEGER NOT NULL CHECK (number >= 1),
            name TEXT,
            PRIMARY KEY (series, number)
        );

        CREATE TABLE title (
            id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('episode', 'film')),
            series TEXT REFERENCES series(id) ON DELETE RESTRICT,
            season INTEGER,
            episode INTEGER,
            brand TEXT REFERENCES brand(id) ON DELETE RESTRICT,
            FOREIGN KEY (series, season) REFERENCES season(series, number) ON DELETE RESTRICT,
            UNIQUE (series, season, episode),
            CHECK ((kind = 'episode' AND series IS NOT NULL AND season IS NOT NULL AND episode IS NOT NULL AND brand IS NULL)
                OR (kind = 'film' AND series IS NULL AND season IS NULL AND episode IS NULL))
        );
        CREATE INDEX title_by_brand ON title(brand);

        CREATE TABLE title_version (
            title TEXT NOT NULL REFERENCES title(id) ON DELETE RESTRICT,
            id TEXT NOT NULL,
            position INTEGER NOT NULL,
            path TEXT NOT NULL,
            format TEXT NOT NULL,
            duration_ms INTEGER NOT NULL,
            renditions TEXT NOT NULL,
            cuts TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            source TEXT,
            PRIMARY KEY (title, id),
            UNIQUE (title, position)
        );

        CREATE TABLE channel (
            id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            screens TEXT NOT NULL,
            settings TEXT NOT NULL
        );

        CREATE TABLE rights_window (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL REFERENCES title(id) ON DELETE RESTRICT,
            channel TEXT NOT NULL REFERENCES channel(id) ON DELETE RESTRICT,
            from_at INTEGER NOT NULL,
            until_at INTEGER,
            regions TEXT NOT NULL,
            CHECK (until_at IS NULL OR until_at > from_at)
        );
        CREATE INDEX rights_window_by_pair ON rights_window(title, channel, from_at);
        CREATE INDEX rights_window_by_channel ON rights_window(channel);

        CREATE TABLE publication (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL REFERENCES title(id) ON DELETE RESTRICT,
            channel TEXT NOT NULL REFERENCES channel(id) ON DELETE RESTRICT,
            version TEXT,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            FOREIGN KEY (title, version) REFERENCES title_version(title, id) ON DELETE RESTRICT
        );
        CREATE INDEX publication_by_pair ON publication(title, channel, id);
        CREATE INDEX publication_by_channel ON publication(channel);
        CREATE INDEX publication_by_version ON publication(title, version);

        CREATE TABLE api_token (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        );

        CREATE TABLE change_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            before TEXT,
            after TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX change_log_by_entity ON change_log(entity, entity_id);

        CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
            BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
        CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
            BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
        CREATE TRIGGER publication_no_update BEFORE UPDATE ON publication
            BEGIN SELECT RAISE(ABORT, 'publication is append-only'); END;
        CREATE TRIGGER publication_no_delete BEFORE DELETE ON publication
            BEGIN SELECT RAISE(ABORT, 'publication is append-only'); END;
        """

    /// Ads: policies, break plans, campaigns, creatives (change-logged documents), playback
    /// sessions with their decisions, the event ledger, device → household links.
    static let v2 = """
        CREATE TABLE ad_policy (
            channel TEXT NOT NULL PRIMARY KEY REFERENCES channel(id) ON DELETE RESTRICT,
            body TEXT NOT NULL
        );

        CREATE TABLE title_breaks (
            title TEXT NOT NULL PRIMARY KEY REFERENCES title(id) ON DELETE RESTRICT,
            body TEXT NOT NULL
        );

        CREATE TABLE campaign (
            id TEXT NOT NULL PRIMARY KEY,
            brand TEXT NOT NULL REFERENCES brand(id) ON DELETE RESTRICT,
            body TEXT NOT NULL
        );
        CREATE INDEX campaign_by_brand ON campaign(brand);

        CREATE TABLE creative (
            id TEXT NOT NULL PRIMARY KEY,
            campaign TEXT REFERENCES campaign(id) ON DELETE RESTRICT,
            body TEXT NOT NULL
        );
        CREATE INDEX creative_by_campaign ON creative(campaign);

        CREATE TABLE play_session (
            id TEXT NOT NULL PRIMARY KEY,
            channel TEXT NOT NULL,
            title TEXT NOT NULL,
            version TEXT NOT NULL,
            device TEXT NOT NULL,
            household TEXT NOT NULL,
            model TEXT,
            endpoint TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            program_date_time INTEGER NOT NULL,
            interstitials INTEGER NOT NULL,
            decisions TEXT NOT NULL
        );
        CREATE INDEX play_session_by_created ON play_session(created_at);

        CREATE TABLE ad_decision (
            session TEXT NOT NULL REFERENCES play_session(id),
            break_index INTEGER NOT NULL,
            break_id TEXT NOT NULL,
            position TEXT NOT NULL,
            slot INTEGER NOT NULL,
            creative TEXT,
            campaign TEXT,
            brand TEXT,
            duration_ms INTEGER NOT NULL,
            trimmed INTEGER NOT NULL,
            reason TEXT NOT NULL,
            detail TEXT NOT NULL,
            source TEXT NOT NULL,
            at INTEGER NOT NULL,
            channel TEXT NOT NULL,
            title TEXT NOT NULL,
            device TEXT NOT NULL,
            household TEXT NOT NULL
        );
        CREATE INDEX ad_decision_by_session ON ad_decision(session);
        CREATE INDEX ad_decision_by_at ON ad_decision(at);

        CREATE TABLE event (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('server', 'client')),
            device_id TEXT,
            endpoint TEXT,
            model TEXT,
            channel TEXT,
            title_id TEXT,
            session_id TEXT,
            slot_id TEXT,
            creative_id TEXT,
            campaign_id TEXT,
            position_ms INTEGER,
            ts INTEGER NOT NULL,
            sent_at INTEGER,
            received_at INTEGER NOT NULL,
            app_version TEXT,
            flags TEXT NOT NULL
        );
        CREATE INDEX event_by_session ON event(session_id);
        CREATE INDEX event_by_ts ON event(ts);

        CREATE TABLE device_household (
            device_id TEXT NOT NULL PRIMARY KEY,
            household_id TEXT NOT NULL,
            linked_at INTEGER NOT NULL
        );
        """

    /// Lookups the invalid-traffic rules make at ingest: a slot's earlier events, a device's
    /// recent events.
    static let v3 = """
        CREATE INDEX event_by_slot ON event(slot_id, source) WHERE slot_id IS NOT NULL;
        CREATE INDEX event_by_device ON event(device_id, ts);
        CREATE INDEX ad_decision_by_slot ON ad_decision(session, break_id, slot);
        """

    /// Daily aggregates that `events compact` rolls raw events into, keyed by exactly what the
    /// reports group by, so a report over compacted days gives the numbers it gave before.
    /// `clean` = 1 rows are computed from unflagged events only, `clean` = 0 rows from all events.
    static let v4 = """
        CREATE TABLE agg_viewing (
            day TEXT NOT NULL, title TEXT NOT NULL, channel TEXT, endpoint TEXT, device TEXT, sid TEXT NOT NULL,
            clean INTEGER NOT NULL, started INTEGER NOT NULL, completed INTEGER NOT NULL, watched INTEGER NOT NULL
        );
        CREATE INDEX agg_viewing_by_day ON agg_viewing(day);
        CREATE TABLE agg_ad (
            day TEXT NOT NULL, campaign TEXT NOT NULL, creative TEXT NOT NULL, channel TEXT NOT NULL, brk TEXT NOT NULL,
            source TEXT NOT NULL, name TEXT NOT NULL, flagged INTEGER NOT NULL, n INTEGER NOT NULL
        );
        CREATE INDEX agg_ad_by_day ON agg_ad(day);
        CREATE TABLE agg_reach (
            day TEXT NOT NULL, campaign TEXT NOT NULL, slot TEXT NOT NULL, device TEXT NOT NULL, endpoint TEXT NOT NULL,
            clean INTEGER NOT NULL
        );
        CREATE INDEX agg_reach_by_day ON agg_reach(day);
        CREATE TABLE agg_count (
            day TEXT NOT NULL, type TEXT NOT NULL, source TEXT NOT NULL, flagged INTEGER NOT NULL, n INTEGER NOT NULL
        );
        CREATE INDEX agg_count_by_day ON agg_count(day);
        CREATE TABLE compaction (
            before_ms INTEGER NOT NULL, at INTEGER NOT NULL, events INTEGER NOT NULL
        );
        """

    /// Content events carry no session: index only the events that do.
    static let v5 = """
        DROP INDEX event_by_session;
        CREATE INDEX event_by_session ON event(session_id) WHERE session_id IS NOT NULL;
        """

    /// Boot-screen rules per channel and creatives (change-logged documents).
    static let v6 = """
        CREATE TABLE boot_rules (
            channel TEXT NOT NULL PRIMARY KEY REFERENCES channel(id) ON DELETE RESTRICT,
            body TEXT NOT NULL
        );
        CREATE TABLE boot_creative (
            id TEXT NOT NULL PRIMARY KEY,
            channel TEXT NOT NULL REFERENCES channel(id) ON DELETE RESTRICT,
            brand TEXT NOT NULL REFERENCES brand(id) ON DELETE RESTRICT,
            body TEXT NOT NULL
        );
        CREATE INDEX boot_creative_by_channel ON boot_creative(channel);
        """

    /// The slot audit reads every beacon of a slot from one covering index (the ingest rules'
    /// lookups by slot and source use it too); sessions keep the markers they were made with.
    static let v7 = """
        DROP INDEX event_by_slot;
        CREATE INDEX event_by_slot ON event(slot_id, source, type, flags) WHERE slot_id IS NOT NULL;
        ALTER TABLE play_session ADD COLUMN markers TEXT;
        ALTER TABLE play_session ADD COLUMN cue TEXT;
        """

    /// How a version's segments are encrypted: JSON `{"method": "aes-128", "key_ids": [...]}`, NULL
    /// in the clear. (The keys live elsewhere.)
    static let v8 = """
        ALTER TABLE title_version ADD COLUMN encryption TEXT;
        """

    /// Content keys, wrapped by the server's master key (AES-GCM, the id as associated data):
    /// the store never holds a key in the clear. `title`/`version` are NULL for a package made
    /// with `--out` until a version naming the key is registered. Every key fetch is recorded.
    static let v9 = """
        CREATE TABLE content_key (
            id TEXT NOT NULL PRIMARY KEY,
            title TEXT,
            version TEXT,
            first_segment INTEGER NOT NULL,
            segment_count INTEGER NOT NULL,
            wrapped TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX content_key_by_version ON content_key(title, version);
        CREATE TABLE key_fetch (
            session TEXT NOT NULL,
            key_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            ok INTEGER NOT NULL,
            reason TEXT
        );
        CREATE INDEX key_fetch_by_session ON key_fetch(session);
        CREATE INDEX key_fetch_by_key ON key_fetch(key_id, ok);
        """

    /// Sessions an operator revoked: their signed URLs and key fetches are refused (403).
    static let v10 = """
        CREATE TABLE session_revoked (
            session TEXT NOT NULL PRIMARY KEY,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL
        );
        """

    /// What `compact` keeps of ad beacons for the slot audit: per day a session was made, title,
    /// channel, break, slot, source and beacon type, the sessions that sent it (clean and flagged).
    static let v11 = """
        CREATE TABLE agg_slot (
            day TEXT NOT NULL,
            title TEXT NOT NULL,
            channel TEXT NOT NULL,
            break_id TEXT NOT NULL,
            slot INTEGER NOT NULL,
            source TEXT NOT NULL,
            name TEXT NOT NULL,
            flagged INTEGER NOT NULL,
            sessions INTEGER NOT NULL
        );
        CREATE INDEX agg_slot_by_day ON agg_slot(day);
        """


    /// The ingest writer keeps the idempotency keys and the devices' recent events in memory
    /// (`EventIndex`), so the `event` table loses the two indexes with random keys — the UNIQUE
    /// `event_id` and `(device_id, ts)` — that cost about a page written per insert once they
    /// outgrow a transaction. The table is rebuilt (SQLite cannot drop a UNIQUE constraint).
    static let v12 = """
        CREATE TABLE event_v12 (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL,
            type TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('server', 'client')),
            device_id TEXT,
            endpoint TEXT,
            model TEXT,
            channel TEXT,
            title_id TEXT,
            session_id TEXT,
            slot_id TEXT,
            creative_id TEXT,
            campaign_id TEXT,
            position_ms INTEGER,
            ts INTEGER NOT NULL,
            sent_at INTEGER,
            received_at INTEGER NOT NULL,
            app_version TEXT,
            flags TEXT NOT NULL
        );
        INSERT INTO event_v12 SELECT seq, event_id, type, source, device_id, endpoint, model, channel, title_id, session_id,
            slot_id, creative_id, campaign_id, position_ms, ts, sent_at, received_at, app_version, flags FROM event;
        DROP TABLE event;
        ALTER TABLE event_v12 RENAME TO event;
        CREATE INDEX event_by_session ON event(session_id) WHERE session_id IS NOT NULL;
        CREATE INDEX event_by_ts ON event(ts);
        CREATE INDEX event_by_slot ON event(slot_id, source, type, flags) WHERE slot_id IS NOT NULL;
        """
}

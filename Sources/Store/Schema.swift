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
}

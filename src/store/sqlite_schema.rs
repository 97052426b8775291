//! The SQLite store's schema: its versioned migrations (the file's
//! `user_version`), applied when a store opens the file.

use anyhow::Context;
use rusqlite::Connection;
use std::path::Path;

/// The schema version this build writes; older files are migrated on open.
pub const SCHEMA_VERSION: i64 = 5;

pub(super) const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE runs(
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        finished TEXT,
        now TEXT NOT NULL,
        profile TEXT NOT NULL,
        options TEXT NOT NULL,
        site_key TEXT NOT NULL,
        status TEXT NOT NULL,
        version TEXT NOT NULL);
     CREATE TABLE sites(id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
     CREATE TABLE run_sites(
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        site_id INTEGER NOT NULL REFERENCES sites(id),
        findings INTEGER NOT NULL,
        score REAL,
        verdict TEXT,
        PRIMARY KEY(run_id, site_id));
     CREATE TABLE fetches(
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        site_id INTEGER NOT NULL,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        content_hash TEXT,
        data BLOB NOT NULL,
        analysis TEXT,
        PRIMARY KEY(run_id, site_id, url));
     CREATE TABLE analyses(key TEXT PRIMARY KEY, data BLOB NOT NULL);
     CREATE TABLE findings(
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        site_id INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY(run_id, site_id, fingerprint));
     CREATE INDEX findings_by_fingerprint ON findings(site_id, fingerprint);
     CREATE TABLE link_cache(url TEXT PRIMARY KEY, checked_at TEXT NOT NULL, data BLOB NOT NULL);
     CREATE TABLE probes(
        site_id INTEGER NOT NULL REFERENCES sites(id),
        at TEXT NOT NULL,
        ok INTEGER NOT NULL,
        status TEXT NOT NULL,
        ms INTEGER NOT NULL);
     CREATE INDEX probes_by_site ON probes(site_id, at);",
    // 2: page analyses made before ANALYSIS_VERSION 2 hashed anchors with
    // std's DefaultHasher, which is not stable across Rust releases: drop
    // them (they are made again on the next fetch) so that no resumed or
    // conditional run reports false missing anchors. Look-ups of a site's
    // fetches by URL get their index.
    "UPDATE fetches SET analysis = NULL;
     DELETE FROM analyses;
     CREATE INDEX IF NOT EXISTS fetches_by_site_url ON fetches(site_id, url);",
    // 3: one clock. Times were stored with the local offset, which SQL
    // compares wrongly as text; every stored time becomes UTC
    // (`2026-12-02T06:30:00.000Z`), as the store now writes them.
    "UPDATE probes SET at = strftime('%Y-%m-%dT%H:%M:%fZ', at) WHERE strftime('%Y-%m-%dT%H:%M:%fZ', at) IS NOT NULL;
     UPDATE runs SET started = strftime('%Y-%m-%dT%H:%M:%fZ', started) WHERE strftime('%Y-%m-%dT%H:%M:%fZ', started) IS NOT NULL;
     UPDATE runs SET finished = strftime('%Y-%m-%dT%H:%M:%fZ', finished) WHERE finished IS NOT NULL AND strftime('%Y-%m-%dT%H:%M:%fZ', finished) IS NOT NULL;
     UPDATE link_cache SET checked_at = strftime('%Y-%m-%dT%H:%M:%fZ', checked_at) WHERE strftime('%Y-%m-%dT%H:%M:%fZ', checked_at) IS NOT NULL;",
    // 4: ANALYSIS_VERSION 4 stores a page without the answers to its data
    // requests (they are asked again on every run, a 304 too; analyses
    // stored with the answers folded in would count them twice) and as
    // MessagePack instead of JSON: drop the older analyses. Fetch records
    // and link checks are MessagePack too; older ones read as never stored
    // (the page is fetched, the link checked, again).
    "UPDATE fetches SET analysis = NULL;
     DELETE FROM analyses;",
    // 5: one index on fetches instead of two. The primary key led with the
    // run (run, site, URL) and a second index served look-ups by URL
    // (site, URL): every fetch written went into both, each at a random
    // place, and a batch's commit wrote a page of each index for nearly
    // every row (a re-scan's writer thread: a tenth of its CPU). Keyed
    // (site, URL, run), one index answers a URL in a given run, a URL's
    // latest earlier run and a site's URLs. A run's own rows (what a
    // resumed run has, what pruning a run deletes through the foreign key)
    // get an index by run: a run's rows are written in run order, so it
    // grows at its end and a commit writes a page or two of it. SQLite cannot change a
    // table's key in place: the table is copied (without rows of runs
    // that no longer exist, which the foreign key would refuse).
    "CREATE TABLE fetches_keyed(
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        site_id INTEGER NOT NULL,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        content_hash TEXT,
        data BLOB NOT NULL,
        analysis TEXT,
        PRIMARY KEY(site_id, url, run_id));
     INSERT INTO fetches_keyed(run_id, site_id, url, etag, last_modified, content_hash, data, analysis)
        SELECT run_id, site_id, url, etag, last_modified, content_hash, data, analysis FROM fetches
        WHERE run_id IN (SELECT id FROM runs);
     DROP TABLE fetches;
     ALTER TABLE fetches_keyed RENAME TO fetches;
     CREATE INDEX fetches_by_run ON fetches(run_id);",
];

/// Brings the file's schema to [`SCHEMA_VERSION`]; refuses a file a newer
/// govscan wrote, and one another govscan holds busy.
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> anyhow::Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        anyhow::bail!(
            "history database {} was written by a newer govscan (schema {version}, this build knows {SCHEMA_VERSION}): upgrade govscan or use another --db",
            path.display()
        );
    }
    if version < SCHEMA_VERSION {
        let tx = conn.transaction().map_err(|e| {
            if busy(&e) {
                anyhow::anyhow!(
                    "history database {} is busy: another govscan is using it",
                    path.display()
                )
            } else {
                e.into()
            }
        })?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql)
                .with_context(|| format!("migrating {} to schema {}", path.display(), i + 1))?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
    }
    Ok(())
}

fn busy(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy || f.code == rusqlite::ErrorCode::DatabaseLocked)
}

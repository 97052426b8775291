//! The PostgreSQL store's schema: its versioned migrations, applied by the
//! first store to open a database (one opener at a time, under an
//! advisory lock, so two workers starting at once do not race).

use postgres::Client;

/// The schema version this build writes; older databases are migrated when
/// a store opens them (one opener at a time, under an advisory lock).
pub const PG_SCHEMA_VERSION: i32 = 2;

const PG_MIGRATIONS: &[&str] = &[
    // 1: the SQLite tables (times as UTC text, compared as text), the jobs
    // of province runs and each site's report.
    "CREATE TABLE runs(
        id BIGSERIAL PRIMARY KEY,
        name TEXT UNIQUE,
        started TEXT NOT NULL,
        finished TEXT,
        now TEXT NOT NULL,
        profile TEXT NOT NULL,
        options TEXT NOT NULL,
        site_key TEXT NOT NULL,
        status TEXT NOT NULL,
        version TEXT NOT NULL,
        scan_options TEXT,
        profile_toml TEXT,
        site_list TEXT,
        group_limit INTEGER NOT NULL DEFAULT 2,
        max_attempts INTEGER NOT NULL DEFAULT 3,
        lease_seconds INTEGER NOT NULL DEFAULT 60);
     CREATE TABLE sites(id BIGSERIAL PRIMARY KEY, url TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
     CREATE TABLE run_sites(
        run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        site_id BIGINT NOT NULL REFERENCES sites(id),
        findings BIGINT NOT NULL,
        score DOUBLE PRECISION,
        verdict TEXT,
        PRIMARY KEY(run_id, site_id));
     CREATE TABLE fetches(
        run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        site_id BIGINT NOT NULL,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        content_hash TEXT,
        data BYTEA NOT NULL,
        analysis TEXT,
        PRIMARY KEY(run_id, site_id, url));
     CREATE INDEX fetches_by_site_url ON fetches(site_id, url);
     CREATE TABLE analyses(key TEXT PRIMARY KEY, data BYTEA NOT NULL);
     CREATE TABLE findings(
        run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        site_id BIGINT NOT NULL,
        fingerprint TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY(run_id, site_id, fingerprint));
     CREATE INDEX findings_by_fingerprint ON findings(site_id, fingerprint);
     CREATE TABLE link_cache(url TEXT PRIMARY KEY, checked_at TEXT NOT NULL, data BYTEA NOT NULL);
     CREATE TABLE probes(
        site_id BIGINT NOT NULL REFERENCES sites(id),
        at TEXT NOT NULL,
        ok BOOLEAN NOT NULL,
        status TEXT NOT NULL,
        ms BIGINT NOT NULL);
     CREATE INDEX probes_by_site ON probes(site_id, at);
     CREATE TABLE jobs(
        id BIGSERIAL PRIMARY KEY,
        run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        site_id BIGINT NOT NULL REFERENCES sites(id),
        position INTEGER NOT NULL,
        spec TEXT NOT NULL,
        group_key TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        worker TEXT,
        token BIGINT,
        lease_until TIMESTAMPTZ,
        claimed_at TIMESTAMPTZ,
        finished_at TIMESTAMPTZ,
        pages BIGINT NOT NULL DEFAULT 0,
        error TEXT,
        UNIQUE(run_id, site_id));
     CREATE INDEX jobs_by_state ON jobs(run_id, state);
     CREATE SEQUENCE lease_tokens;
     CREATE TABLE site_reports(
        run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        site_id BIGINT NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY(run_id, site_id));",
    // 2: ANALYSIS_VERSION 4 stores a page without the answers to its data
    // requests, as MessagePack: older analyses are dropped.
    "UPDATE fetches SET analysis = NULL;
     DELETE FROM analyses;",
];

/// Brings the database's schema to [`PG_SCHEMA_VERSION`].
pub(super) fn migrate(client: &mut Client) -> Result<(), postgres::Error> {
    let mut tx = client.transaction()?;
    // Two workers starting at once: one migrates, the other waits and sees it done.
    tx.execute("SELECT pg_advisory_xact_lock(4711007)", &[])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS govscan_schema(version INTEGER NOT NULL)")?;
    let version: i32 = tx
        .query_opt("SELECT version FROM govscan_schema", &[])?
        .map_or(0, |r| r.get(0));
    if version < PG_SCHEMA_VERSION {
        for sql in PG_MIGRATIONS.iter().skip(version as usize) {
            tx.batch_execute(sql)?;
        }
        tx.execute("DELETE FROM govscan_schema", &[])?;
        tx.execute(
            "INSERT INTO govscan_schema(version) VALUES ($1)",
            &[&PG_SCHEMA_VERSION],
        )?;
    }
    tx.commit()
}

//! The SQLite history store: one file (rusqlite, bundled SQLite, WAL) that
//! keeps every run, every fetched URL with what was read from it, every
//! finding with its stable fingerprint, cached outside-link checks and the
//! availability probes.
//!
//! Fetched URLs are written while the crawl goes (batched by a writer
//! thread behind a bounded channel), so an interrupted run can be resumed
//! without fetching again what it already has.

use super::shared::{self, availability_of, pack, unpack, utc, utc_now, utc_of, HistoryQueries};
use super::sqlite_schema::migrate;
use super::{HistoryStore, PreviousFetch, SiteOutcome, StoredUrls, Write_, PREVIOUS_COLUMNS};
use anyhow::Context;
use govscan_checks::history::{SiteHistory, TrendPoint};
use govscan_checks::site::Availability;
use govscan_checks::{fingerprint, Finding};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::mpsc::{channel, Receiver, Sender};

/// A site's URLs fetched by earlier completed runs: which run, and whether
/// that fetch had validators and an analysis (see [`StoredUrls::add_previous`]).
const PREVIOUS_URLS: &str = "SELECT f.url, f.run_id,
        f.analysis IS NOT NULL AND (f.etag IS NOT NULL OR f.last_modified IS NOT NULL)
     FROM fetches f JOIN runs r ON r.id = f.run_id
     WHERE f.site_id = ?1 AND f.run_id < ?2 AND r.status = 'done'";

/// The history store.
pub struct SqliteStore {
    path: PathBuf,
    conn: Mutex<Connection>,
    writer: Mutex<Option<(Sender<Write_>, std::thread::JoinHandle<()>)>>,
    reads: super::ReadThread,
}

fn open_conn(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(path)
        .with_context(|| format!("cannot open history database {}", path.display()))?;
    // Another govscan on the same file: wait for it rather than fail at once.
    conn.busy_timeout(Duration::from_secs(120))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

impl SqliteStore {
    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// One previous fetch, read by a query selecting [`PREVIOUS_COLUMNS`].
    fn read_previous(&self, sql: &str, params: impl rusqlite::Params) -> Option<PreviousFetch> {
        // The blobs are unpacked from SQLite's own buffers, not copied first.
        self.conn()
            .prepare_cached(sql)
            .and_then(|mut q| {
                q.query_row(params, |r| {
                    Ok(PreviousFetch::from_row(
                        r.get(0)?,
                        r.get(1)?,
                        r.get_ref(2)?.as_blob()?,
                        r.get_ref(3)?.as_blob_or_null()?,
                    ))
                })
                .optional()
            })
            .ok()
            .flatten()
            .flatten()
    }
    fn analysis(&self, conn: &Connection, key: &str) -> Option<Vec<u8>> {
        // Cached: asked once per unchanged page on a re-scan.
        let blob: Vec<u8> = conn
            .prepare_cached("SELECT data FROM analyses WHERE key = ?1")
            .and_then(|mut q| q.query_row(params![key], |r| r.get(0)).optional())
            .ok()
            .flatten()?;
        unpack(&blob)
    }
    /// Opens (creating and migrating as needed) the store at `path`.
    pub fn open(path: &Path) -> anyhow::Result<SqliteStore> {
        let mut conn = open_conn(path)?;
        migrate(&mut conn, path)?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
            writer: Mutex::new(None),
            reads: super::ReadThread::start()?,
        })
    }
}

impl HistoryStore for SqliteStore {
    fn read_thread(&self) -> Option<&super::ReadThread> {
        Some(&self.reads)
    }
    fn writer(&self) -> Option<Sender<Write_>> {
        self.writer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|(tx, _)| tx.clone())
    }
    /// The file.
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    /// The id of a site, created on first use.
    fn site_id(&self, url: &str, name: &str) -> anyhow::Result<i64> {
        let conn = self.conn();
        conn.execute("INSERT INTO sites(url, name) VALUES (?1, ?2) ON CONFLICT(url) DO UPDATE SET name = excluded.name", params![url, name])?;
        Ok(
            conn.query_row("SELECT id FROM sites WHERE url = ?1", params![url], |r| {
                r.get(0)
            })?,
        )
    }

    /// Starts a run. `site_key` identifies the set of sites, so that
    /// `--resume` finds the interrupted run of the same job.
    fn begin_run(
        &self,
        started: &str,
        now: &str,
        profile: &str,
        options: &str,
        site_key: &str,
    ) -> anyhow::Result<i64> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO runs(started, now, profile, options, site_key, status, version) VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6)",
            params![utc(started), now, profile, options, site_key, env!("CARGO_PKG_VERSION")],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// The latest unfinished run of the same sites, to resume.
    fn resumable_run(&self, site_key: &str) -> anyhow::Result<Option<(i64, String)>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                "SELECT id, now FROM runs WHERE site_key = ?1 AND status != 'done' ORDER BY id DESC LIMIT 1",
                params![site_key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Marks a resumed run as running again.
    fn reopen_run(&self, run: i64) -> anyhow::Result<()> {
        self.conn().execute(
            "UPDATE runs SET status = 'running', finished = NULL WHERE id = ?1",
            params![run],
        )?;
        Ok(())
    }

    /// Starts the writer thread; `send` queues writes (bounded: the crawl
    /// waits if the disk falls behind).
    fn start_writer(&self) -> anyhow::Result<()> {
        let conn = open_conn(&self.path)?;
        let (tx, rx) = channel::<Write_>(1024);
        let handle = std::thread::spawn(move || writer_loop(conn, rx));
        *self.writer.lock().unwrap_or_else(|e| e.into_inner()) = Some((tx, handle));
        Ok(())
    }

    /// Flushes and stops the writer thread.
    fn stop_writer(&self) {
        let taken = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some((tx, handle)) = taken {
            drop(tx);
            let _ = handle.join();
        }
    }

    /// A URL this run already fetched (for `--resume`): the fetch data and
    /// its analysis (JSON), if any.
    fn fetched_in_run(&self, run: i64, site: i64, url: &str) -> Option<(Vec<u8>, Option<Vec<u8>>)> {
        let conn = self.conn();
        let row: Option<(Vec<u8>, Option<String>)> = conn
            .prepare_cached("SELECT data, analysis FROM fetches WHERE run_id = ?1 AND site_id = ?2 AND url = ?3")
            .and_then(|mut q| q.query_row(params![run, site, url], |r| Ok((r.get(0)?, r.get(1)?))).optional())
            .ok()
            .flatten();
        let (data, key) = row?;
        let analysis = key.and_then(|k| self.analysis(&conn, &k));
        Some((unpack(&data)?, analysis))
    }

    fn stored_urls(&self, run: i64, site: i64, resume: bool) -> anyhow::Result<StoredUrls> {
        let conn = self.conn();
        let mut urls = StoredUrls::default();
        let mut q = conn.prepare(PREVIOUS_URLS)?;
        let mut rows = q.query(params![site, run])?;
        while let Some(row) = rows.next()? {
            urls.add_previous(row.get_ref(0)?.as_str()?, row.get(1)?, row.get(2)?);
        }
        if resume {
            let mut q =
                conn.prepare("SELECT url FROM fetches WHERE run_id = ?1 AND site_id = ?2")?;
            let mut rows = q.query(params![run, site])?;
            while let Some(row) = rows.next()? {
                urls.add_this_run(row.get_ref(0)?.as_str()?);
            }
        }
        Ok(urls)
    }

    /// What the latest completed run before `run` saw at a URL: validators,
    /// fetch data and analysis, for a conditional request.
    fn previous_fetch(&self, run: i64, site: i64, url: &str) -> Option<PreviousFetch> {
        self.read_previous(
            &format!(
                "SELECT {PREVIOUS_COLUMNS} FROM fetches f JOIN runs r ON r.id = f.run_id
                 LEFT JOIN analyses a ON a.key = f.analysis
                 WHERE f.site_id = ?1 AND f.url = ?2 AND f.run_id < ?3 AND r.status = 'done'
                 ORDER BY f.run_id DESC LIMIT 1"
            ),
            params![site, url, run],
        )
    }

    fn previous_fetch_in(&self, held_by: i64, site: i64, url: &str) -> Option<PreviousFetch> {
        self.read_previous(
            &format!(
                "SELECT {PREVIOUS_COLUMNS} FROM fetches f LEFT JOIN analyses a ON a.key = f.analysis
                 WHERE f.run_id = ?1 AND f.site_id = ?2 AND f.url = ?3"
            ),
            params![held_by, site, url],
        )
    }

    /// A cached successful check of an outside URL, if younger than `max_age`.
    fn cached_link(&self, url: &str, max_age: chrono::Duration) -> Option<Vec<u8>> {
        let conn = self.conn();
        let (at, data): (String, Vec<u8>) = conn
            .prepare_cached("SELECT checked_at, data FROM link_cache WHERE url = ?1")
            .and_then(|mut q| {
                q.query_row(params![url], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .ok()
            .flatten()?;
        let at = chrono::DateTime::parse_from_rfc3339(&at).ok()?;
        if chrono::Utc::now().signed_duration_since(at) > max_age {
            return None;
        }
        unpack(&data)
    }

    /// Writes the final findings and scores of a finished (or interrupted) run.
    fn finish_run(&self, run: i64, sites: &[SiteOutcome<'_>], status: &str) -> anyhow::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM findings WHERE run_id = ?1", params![run])?;
        {
            let mut insert = tx.prepare("INSERT OR IGNORE INTO findings(run_id, site_id, fingerprint, data) VALUES (?1, ?2, ?3, ?4)")?;
            for site in sites {
                let id = &site.id;
                for f in site.findings {
                    let fp = fingerprint(site.url, f.check, &f.page, &f.target);
                    insert.execute(params![run, id, fp, serde_json::to_string(f)?])?;
                }
                let score = site.score;
                tx.execute(
                    "INSERT OR REPLACE INTO run_sites(run_id, site_id, findings, score, verdict) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        run,
                        id,
                        site.findings.len() as i64,
                        score.map(|s| s.score),
                        score.map(|s| serde_json::to_string(&s.verdict).unwrap_or_default())
                    ],
                )?;
            }
        }
        tx.execute(
            "UPDATE runs SET status = ?2, finished = ?3 WHERE id = ?1",
            params![run, status, utc_now()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// What changed for a site since its previous completed run.
    fn site_history(
        &self,
        run: i64,
        site: i64,
        site_url: &str,
        findings: &[Finding],
        now: &str,
    ) -> anyhow::Result<SiteHistory> {
        let conn = self.conn();
        shared::site_history(
            &mut SqliteQueries(&conn),
            run,
            site,
            site_url,
            findings,
            now,
        )
    }

    /// Records one availability probe.
    fn record_probe(
        &self,
        site: i64,
        at: &str,
        ok: bool,
        status: &str,
        ms: i64,
    ) -> anyhow::Result<()> {
        self.conn().execute(
            "INSERT INTO probes(site_id, at, ok, status, ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![site, utc(at), ok as i64, status, ms],
        )?;
        Ok(())
    }

    /// Availability of a site's home page over the `days` before `until`.
    fn availability(
        &self,
        site: i64,
        until: chrono::DateTime<chrono::FixedOffset>,
        days: u32,
    ) -> anyhow::Result<Option<Availability>> {
        let since = until - chrono::Duration::days(i64::from(days));
        let conn = self.conn();
        let mut q = conn.prepare(
            "SELECT at, ok FROM probes WHERE site_id = ?1 AND at >= ?2 AND at <= ?3 ORDER BY at",
        )?;
        let rows: Vec<(String, bool)> = q
            .query_map(params![site, utc_of(since), utc_of(until)], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)? != 0))
            })?
            .filter_map(Result::ok)
            .collect();
        Ok(availability_of(&rows, days))
    }

    /// Deletes runs (and what only they use) older than `keep_days`, and
    /// probes older than that; then reclaims the space.
    fn prune(&self, keep_days: u32) -> anyhow::Result<(usize, usize)> {
        let cutoff = utc_of(
            (chrono::Utc::now() - chrono::Duration::days(i64::from(keep_days))).fixed_offset(),
        );
        let conn = self.conn();
        let runs = conn.execute(
            "DELETE FROM runs WHERE started < ?1 AND status = 'done'",
            params![cutoff],
        )?;
        conn.execute("DELETE FROM analyses WHERE key NOT IN (SELECT analysis FROM fetches WHERE analysis IS NOT NULL)", [])?;
        conn.execute(
            "DELETE FROM link_cache WHERE checked_at < ?1",
            params![cutoff],
        )?;
        let probes = conn.execute("DELETE FROM probes WHERE at < ?1", params![cutoff])?;
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")?;
        Ok((runs, probes))
    }
}

/// The history questions, asked of one SQLite connection.
struct SqliteQueries<'a>(&'a Connection);

impl HistoryQueries for SqliteQueries<'_> {
    fn previous_run(&mut self, site: i64, run: i64) -> anyhow::Result<Option<(i64, String)>> {
        Ok(self
            .0
            .query_row(
                "SELECT r.id, r.now FROM runs r JOIN run_sites s ON s.run_id = r.id
                 WHERE s.site_id = ?1 AND r.id < ?2 AND r.status = 'done' ORDER BY r.id DESC LIMIT 1",
                params![site, run],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
    fn each_finding_of(
        &mut self,
        run: i64,
        site: i64,
        each: &mut dyn FnMut(&str, &str),
    ) -> anyhow::Result<()> {
        let mut q = self.0.prepare_cached(
            "SELECT fingerprint, data FROM findings WHERE run_id = ?1 AND site_id = ?2",
        )?;
        let mut rows = q.query(params![run, site])?;
        while let Some(row) = rows.next()? {
            each(row.get_ref(0)?.as_str()?, row.get_ref(1)?.as_str()?);
        }
        Ok(())
    }
    fn first_seen(
        &mut self,
        site: i64,
        fingerprint: &str,
        run: i64,
    ) -> anyhow::Result<Option<String>> {
        let mut q = self.0.prepare_cached(
            "SELECT MIN(r.now) FROM findings f JOIN runs r ON r.id = f.run_id WHERE f.site_id = ?1 AND f.fingerprint = ?2 AND r.id < ?3 AND r.status = 'done'",
        )?;
        Ok(q.query_row(params![site, fingerprint, run], |r| r.get(0))
            .optional()?
            .flatten())
    }
    fn trend(&mut self, site: i64, run: i64) -> anyhow::Result<Vec<TrendPoint>> {
        let mut q = self.0.prepare_cached(
            "SELECT r.now, s.findings, COALESCE(s.score, 0) FROM run_sites s JOIN runs r ON r.id = s.run_id
             WHERE s.site_id = ?1 AND r.id < ?2 AND r.status = 'done' ORDER BY r.id DESC LIMIT 29",
        )?;
        let rows = q.query_map(params![site, run], |r| {
            Ok(TrendPoint {
                date: r.get(0)?,
                findings: r.get::<_, i64>(1)? as usize,
                score: r.get(2)?,
            })
        })?;
        Ok(rows.filter_map(Result::ok).collect())
    }
}

/// The writer thread: each batch (see `next_batch`) in one transaction.
fn writer_loop(mut conn: Connection, mut rx: Receiver<Write_>) {
    while let Some((batch, barriers)) = super::next_batch(&mut rx) {
        let written = write_batch(&mut conn, batch);
        if let Err(e) = &written {
            eprintln!("govscan: history database write failed: {e}");
        }
        for b in barriers {
            let _ = b.send(written.is_ok());
        }
    }
}

fn write_batch(conn: &mut Connection, batch: Vec<Write_>) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for w in batch {
        match w {
            Write_::Fetch {
                run,
                site,
                url,
                etag,
                last_modified,
                content_hash,
                data,
                analysis_key,
                analysis_bytes,
            } => {
                if let (Some(key), Some(bytes)) = (&analysis_key, analysis_bytes) {
                    // Stored once per URL and content: compress only what is new.
                    let known = tx
                        .prepare_cached("SELECT 1 FROM analyses WHERE key = ?1")?
                        .exists(params![key])?;
                    if !known {
                        tx.prepare_cached(
                            "INSERT OR IGNORE INTO analyses(key, data) VALUES (?1, ?2)",
                        )?
                        .execute(params![key, pack(&bytes)])?;
                    }
                }
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO fetches(run_id, site_id, url, etag, last_modified, content_hash, data, analysis) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![run, site, url, etag, last_modified, content_hash, pack(&data), analysis_key])?;
            }
            Write_::Barrier(_) => {}
            Write_::LinkCache { url, at, data } => {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO link_cache(url, checked_at, data) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![url, at, pack(&data)])?;
            }
        }
    }
    tx.commit()
}

#[cfg(test)]
mod tests {
    use super::super::sqlite_schema::{MIGRATIONS, SCHEMA_VERSION};
    use super::*;

    #[test]
    fn an_old_database_is_migrated_to_one_clock_and_stable_analyses() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            // A database as govscan's first schema left it.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute_batch(
                "INSERT INTO sites(id, url, name) VALUES (1, 'http://a.gov.cn/', 'a');
                 INSERT INTO probes(site_id, at, ok, status, ms) VALUES (1, '2026-12-02T22:00:00.5+08:00', 1, '200', 5);
                 INSERT INTO probes(site_id, at, ok, status, ms) VALUES (1, '2026-12-02T15:00:00+00:00', 0, 'timeout', 15000);
                 INSERT INTO analyses(key, data) VALUES ('k', x'00');
                 INSERT INTO runs(id, started, now, profile, options, site_key, status, version)
                    VALUES (1, '2026-12-01T14:00:00+00:00', '2026-12-01', 'national', '{}', 'k', 'done', '0.1');
                 INSERT INTO fetches(run_id, site_id, url, etag, data, analysis)
                    VALUES (1, 1, 'http://a.gov.cn/x.html', 'e1', x'01', 'k');
                 PRAGMA foreign_keys = OFF;
                 INSERT INTO fetches(run_id, site_id, url, data) VALUES (9, 1, 'http://a.gov.cn/orphan.html', x'02');",
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let conn = store.conn();
        let times: Vec<String> = conn
            .prepare("SELECT at FROM probes ORDER BY at")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        // 22:00 in China is 14:00 UTC: before 15:00 UTC, as text too.
        assert_eq!(
            times,
            vec!["2026-12-02T14:00:00.500Z", "2026-12-02T15:00:00.000Z"]
        );
        let analyses: i64 = conn
            .query_row("SELECT COUNT(*) FROM analyses", [], |r| r.get(0))
            .unwrap();
        assert_eq!(analyses, 0, "analyses with the old anchor hash are dropped");
        // The fetch is kept (its analysis dropped with the old analyses),
        // the row of a run that no longer exists is not.
        let fetches: Vec<(i64, String, Option<String>, Option<String>)> = conn
            .prepare("SELECT run_id, url, etag, analysis FROM fetches")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            fetches,
            vec![(
                1,
                "http://a.gov.cn/x.html".to_string(),
                Some("e1".to_string()),
                None
            )]
        );
        // Fetches are keyed (site, URL, run), with one more index, by run:
        // look-ups by URL and of a run's rows (a resume, a prune's cascade)
        // search an index rather than scan the table.
        let index_columns = |origin: &str| -> Vec<String> {
            let name: String = conn
                .query_row(
                    "SELECT name FROM pragma_index_list('fetches') WHERE origin = ?1",
                    [origin],
                    |r| r.get(0),
                )
                .unwrap();
            conn.prepare(&format!(
                "SELECT name FROM pragma_index_info('{name}') ORDER BY seqno"
            ))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
        };
        assert_eq!(index_columns("pk"), ["site_id", "url", "run_id"]);
        assert_eq!(index_columns("c"), ["run_id"]);
        let indexes: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM pragma_index_list('fetches')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(indexes, 2);
        for sql in [
            "SELECT data, analysis FROM fetches WHERE run_id = 1 AND site_id = 1 AND url = 'u'"
                .to_string(),
            format!(
                "SELECT {PREVIOUS_COLUMNS} FROM fetches f JOIN runs r ON r.id = f.run_id
                 LEFT JOIN analyses a ON a.key = f.analysis
                 WHERE f.site_id = 1 AND f.url = 'u' AND f.run_id < 3 AND r.status = 'done'
                 ORDER BY f.run_id DESC LIMIT 1"
            ),
            "SELECT url FROM fetches WHERE run_id = 1 AND site_id = 1".to_string(),
            "DELETE FROM fetches WHERE run_id = 1".to_string(),
        ] {
            let plan: Vec<String> = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map([], |r| r.get(3))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let on_fetches = plan
                .iter()
                .find(|p| p.contains(" f ") || p.contains("fetches"))
                .unwrap();
            // A search of an index, never a scan of the table.
            assert!(on_fetches.starts_with("SEARCH"), "{sql}: {plan:?}");
        }
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[test]
    fn times_are_kept_in_utc() {
        use crate::store::shared::china_time;
        assert_eq!(utc("2026-12-02T08:30:00+08:00"), "2026-12-02T00:30:00.000Z");
        assert_eq!(utc("not a time"), "not a time");
        assert_eq!(
            china_time("2026-12-02T00:30:00.000Z"),
            "2026-12-02T08:30:00+08:00"
        );
    }
}

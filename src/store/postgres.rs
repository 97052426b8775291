//! The PostgreSQL history store: the same tables and semantics as the
//! SQLite file (runs, fetches with validators, findings with fingerprints,
//! the link cache, probes), shared by every machine of a province, plus
//! the jobs the workers claim (`jobs.rs`) and each site's report, so that
//! the province's report is written from the database alone.
//!
//! Calls block (the `postgres` crate); the crawl makes them on blocking
//! threads, as with SQLite. A lost connection (the server restarted, the
//! network blinked) is opened again and the call repeated for up to
//! [`RECONNECT_FOR`]: a worker rides out a database restart and loses
//! nothing it had stored. Writes of a site under a lease carry the lease's
//! token, so a worker that lost its lease cannot overwrite the new owner's
//! results (fencing).

use super::pg_schema::migrate;
use super::shared::{self, availability_of, unpack, utc, utc_now, utc_of, HistoryQueries};
use super::{HistoryStore, PreviousFetch, SiteOutcome, StoredUrls, Write_, PREVIOUS_COLUMNS};
use govscan_checks::history::{SiteHistory, TrendPoint};
use govscan_checks::site::Availability;
use govscan_checks::{fingerprint, Finding};
use postgres::{Client, NoTls};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{channel, Sender};

/// How long a call keeps trying to reach a database that went away.
pub const RECONNECT_FOR: Duration = Duration::from_secs(120);

/// A few connections, opened on demand and opened again when one breaks.
pub(crate) struct Connections {
    url: String,
    idle: Mutex<Vec<Client>>,
}

/// Whether an error means the connection (or the server) went away, so
/// that the call is worth repeating on a new connection.
fn connection_lost(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    if e.is_closed() {
        return true;
    }
    if let Some(code) = e.code() {
        return [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::CONNECTION_FAILURE,
            SqlState::CONNECTION_EXCEPTION,
            SqlState::CONNECTION_DOES_NOT_EXIST,
            SqlState::SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
        ]
        .contains(code);
    }
    // No SQL state: an I/O error on the socket.
    std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
}

impl Drop for Connections {
    // A `postgres::Client` closes its connection by blocking on its own
    // runtime, which panics on an async worker thread: the last owner may
    // be one, so the connections are closed on a thread of their own.
    fn drop(&mut self) {
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(|e| e.into_inner()));
        if idle.is_empty() {
            return;
        }
        let _ = std::thread::spawn(move || drop(idle)).join();
    }
}

impl Connections {
    fn connect(&self) -> Result<Client, postgres::Error> {
        let mut config: postgres::Config = self.url.parse()?;
        config.connect_timeout(Duration::from_secs(10));
        config.application_name("govscan");
        config.connect(NoTls)
    }

    /// Runs `call` on a connection; a lost connection is replaced and the
    /// call repeated (with a growing pause) for up to `patience`. SQL errors
    /// are returned at once.
    pub(crate) fn with<T>(
        &self,
        patience: Duration,
        mut call: impl FnMut(&mut Client) -> Result<T, postgres::Error>,
    ) -> anyhow::Result<T> {
        let deadline = Instant::now() + patience;
        let mut pause = Duration::from_millis(100);
        loop {
            let taken = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let attempt = match taken {
                Some(c) if !c.is_closed() => Ok(c),
                _ => self.connect(),
            };
            let error = match attempt {
                Ok(mut client) => match call(&mut client) {
                    Ok(v) => {
                        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
                        if idle.len() < 8 {
                            idle.push(client);
                        }
                        return Ok(v);
                    }
                    Err(e) => {
                        if !client.is_closed() && !connection_lost(&e) {
                            self.idle
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .push(client);
                            return Err(anyhow::Error::new(e).context("PostgreSQL query failed"));
                        }
                        e
                    }
                },
                Err(e) => e,
            };
            if !connection_lost(&error) && error.code().is_some() {
                return Err(anyhow::Error::new(error).context(format!(
                    "cannot use the PostgreSQL database {}",
                    redact(&self.url)
                )));
            }
            if Instant::now() >= deadline {
                let waited = if patience.is_zero() {
                    String::new()
                } else {
                    format!(" (tried for {} s)", patience.as_secs())
                };
                return Err(anyhow::Error::new(error).context(format!(
                    "cannot reach the PostgreSQL database {}{waited}: check that the server runs, listens on that address and the URL is right",
                    redact(&self.url)
                )));
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    }
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Whether `--db` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// The leases this process holds: (run, site) → the lease's token. Writes
/// of a fenced store for a site it holds no lease of are dropped.
pub(crate) type Leases = Arc<Mutex<HashMap<(i64, i64), i64>>>;

/// The PostgreSQL store.
pub struct PgStore {
    conns: Arc<Connections>,
    writer: Mutex<Option<(Sender<Write_>, std::thread::JoinHandle<()>)>>,
    /// Set by workers: every write of a site carries its lease's token.
    pub(crate) fenced: bool,
    pub(crate) leases: Leases,
    /// Sites claimed for the first time: nothing of theirs is stored yet,
    /// so resuming looks nothing up.
    pub(crate) fresh: Mutex<HashSet<(i64, i64)>>,
}

impl PgStore {
    /// Connects and migrates; a server that is not there is an error at
    /// once (the commands people type say so rather than wait).
    pub fn open(url: &str) -> anyhow::Result<PgStore> {
        PgStore::open_patiently(url, Duration::ZERO)
    }

    fn open_patiently(url: &str, patience: Duration) -> anyhow::Result<PgStore> {
        let conns = Arc::new(Connections {
            url: url.to_string(),
            idle: Mutex::new(Vec::new()),
        });
        conns.with(patience, migrate)?;
        Ok(PgStore {
            conns,
            writer: Mutex::new(None),
            fenced: false,
            leases: Arc::default(),
            fresh: Mutex::default(),
        })
    }

    /// A store whose site writes carry lease tokens (for workers). A
    /// worker started with the database (systemd, a reboot) waits up to a
    /// minute for it.
    pub fn open_fenced(url: &str) -> anyhow::Result<PgStore> {
        let mut store = PgStore::open_patiently(url, Duration::from_secs(60))?;
        store.fenced = true;
        Ok(store)
    }

    /// Runs `call` on a connection, riding out a lost connection.
    pub(crate) fn with<T>(
        &self,
        call: impl FnMut(&mut Client) -> Result<T, postgres::Error>,
    ) -> anyhow::Result<T> {
        self.conns.with(RECONNECT_FOR, call)
    }

    /// One previous fetch, read by a query selecting [`PREVIOUS_COLUMNS`].
    fn read_previous(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Option<PreviousFetch> {
        self.with(|c| {
            Ok(c.query_opt(sql, params)?.and_then(|row| {
                let data: Vec<u8> = row.get(2);
                let analysis: Option<Vec<u8>> = row.get(3);
                PreviousFetch::from_row(row.get(0), row.get(1), &data, analysis.as_deref())
            }))
        })
        .ok()
        .flatten()
    }

    fn analysis(client: &mut Client, key: &str) -> Result<Option<Vec<u8>>, postgres::Error> {
        let row = client.query_opt("SELECT data FROM analyses WHERE key = $1", &[&key])?;
        Ok(row.and_then(|r| unpack(&r.get::<_, Vec<u8>>(0))))
    }
}

impl HistoryStore for PgStore {
    fn location(&self) -> String {
        redact(&self.conns.url)
    }

    fn site_id(&self, url: &str, name: &str) -> anyhow::Result<i64> {
        self.with(|c| {
            let row = c.query_one(
                "INSERT INTO sites(url, name) VALUES ($1, $2)
                 ON CONFLICT(url) DO UPDATE SET name = excluded.name RETURNING id",
                &[&url, &name],
            )?;
            Ok(row.get(0))
        })
    }

    fn begin_run(
        &self,
        started: &str,
        now: &str,
        profile: &str,
        options: &str,
        site_key: &str,
    ) -> anyhow::Result<i64> {
        let started = utc(started);
        self.with(|c| {
            let row = c.query_one(
                "INSERT INTO runs(started, now, profile, options, site_key, status, version)
                 VALUES ($1, $2, $3, $4, $5, 'running', $6) RETURNING id",
                &[
                    &started,
                    &now,
                    &profile,
                    &options,
                    &site_key,
                    &env!("CARGO_PKG_VERSION"),
                ],
            )?;
            Ok(row.get(0))
        })
    }

    fn resumable_run(&self, site_key: &str) -> anyhow::Result<Option<(i64, String)>> {
        self.with(|c| {
            let row = c.query_opt(
                "SELECT id, now FROM runs WHERE site_key = $1 AND status != 'done' AND name IS NULL
                 ORDER BY id DESC LIMIT 1",
                &[&site_key],
            )?;
            Ok(row.map(|r| (r.get(0), r.get(1))))
        })
    }

    fn reopen_run(&self, run: i64) -> anyhow::Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE runs SET status = 'running', finished = NULL WHERE id = $1",
                &[&run],
            )
        })?;
        Ok(())
    }

    fn start_writer(&self) -> anyhow::Result<()> {
        let (tx, rx) = channel::<Write_>(1024);
        let conns = self.conns.clone();
        let leases = self.fenced.then(|| self.leases.clone());
        let handle = std::thread::Builder::new()
            .name("govscan-pg-writer".into())
            .spawn(move || super::pg_writer::writer_loop(&conns, leases.as_ref(), rx))?;
        *self.writer.lock().unwrap_or_else(|e| e.into_inner()) = Some((tx, handle));
        Ok(())
    }

    fn writer(&self) -> Option<Sender<Write_>> {
        self.writer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|(tx, _)| tx.clone())
    }

    fn stop_writer(&self) {
        let taken = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some((tx, handle)) = taken {
            drop(tx);
            let _ = handle.join();
        }
    }

    fn fetched_in_run(&self, run: i64, site: i64, url: &str) -> Option<(Vec<u8>, Option<Vec<u8>>)> {
        if self
            .fresh
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&(run, site))
        {
            return None;
        }
        self.with(|c| {
            let Some(row) = c.query_opt(
                "SELECT data, analysis FROM fetches WHERE run_id = $1 AND site_id = $2 AND url = $3",
                &[&run, &site, &url],
            )?
            else {
                return Ok(None);
            };
            let key: Option<String> = row.get(1);
            let analysis = match key {
                Some(k) => PgStore::analysis(c, &k)?,
                None => None,
            };
            Ok(unpack(&row.get::<_, Vec<u8>>(0)).map(|d| (d, analysis)))
        })
        .ok()
        .flatten()
    }

    fn stored_urls(&self, run: i64, site: i64, resume: bool) -> anyhow::Result<StoredUrls> {
        self.with(|c| {
            let mut urls = StoredUrls::default();
            for row in c.query(
                "SELECT f.url, f.run_id,
                    f.analysis IS NOT NULL AND (f.etag IS NOT NULL OR f.last_modified IS NOT NULL)
                 FROM fetches f JOIN runs r ON r.id = f.run_id
                 WHERE f.site_id = $1 AND f.run_id < $2 AND r.status = 'done'",
                &[&site, &run],
            )? {
                urls.add_previous(row.get(0), row.get(1), row.get(2));
            }
            if resume {
                for row in c.query(
                    "SELECT url FROM fetches WHERE run_id = $1 AND site_id = $2",
                    &[&run, &site],
                )? {
                    urls.add_this_run(row.get(0));
                }
            }
            Ok(urls)
        })
    }

    fn previous_fetch_in(&self, held_by: i64, site: i64, url: &str) -> Option<PreviousFetch> {
        self.read_previous(
            &format!(
                "SELECT {PREVIOUS_COLUMNS} FROM fetches f LEFT JOIN analyses a ON a.key = f.analysis
                 WHERE f.run_id = $1 AND f.site_id = $2 AND f.url = $3"
            ),
            &[&held_by, &site, &url],
        )
    }

    fn previous_fetch(&self, run: i64, site: i64, url: &str) -> Option<PreviousFetch> {
        self.read_previous(
            &format!(
                "SELECT {PREVIOUS_COLUMNS} FROM fetches f JOIN runs r ON r.id = f.run_id
                 LEFT JOIN analyses a ON a.key = f.analysis
                 WHERE f.site_id = $1 AND f.url = $2 AND f.run_id < $3 AND r.status = 'done'
                 ORDER BY f.run_id DESC LIMIT 1"
            ),
            &[&site, &url, &run],
        )
    }

    fn cached_link(&self, url: &str, max_age: chrono::Duration) -> Option<Vec<u8>> {
        let row = self
            .with(|c| {
                c.query_opt(
                    "SELECT checked_at, data FROM link_cache WHERE url = $1",
                    &[&url],
                )
            })
            .ok()??;
        let at = chrono::DateTime::parse_from_rfc3339(&row.get::<_, String>(0)).ok()?;
        if chrono::Utc::now().signed_duration_since(at) > max_age {
            return None;
        }
        unpack(&row.get::<_, Vec<u8>>(1))
    }

    fn finish_run(&self, run: i64, sites: &[SiteOutcome<'_>], status: &str) -> anyhow::Result<()> {
        let mut rows = Vec::new();
        for site in sites {
            let id = &site.id;
            let mut findings = Vec::new();
            for f in site.findings {
                let fp = fingerprint(site.url, f.check, &f.page, &f.target);
                findings.push((fp, serde_json::to_string(f)?));
            }
            let score = site.score;
            rows.push((
                *id,
                findings,
                score.and_then(|s| s.score),
                score.map(|s| serde_json::to_string(&s.verdict).unwrap_or_default()),
            ));
        }
        let finished = utc_now();
        self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute("DELETE FROM findings WHERE run_id = $1", &[&run])?;
            let insert = tx.prepare(
                "INSERT INTO findings(run_id, site_id, fingerprint, data) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
            )?;
            for (id, findings, score, verdict) in &rows {
                for (fp, data) in findings {
                    tx.execute(&insert, &[&run, id, fp, data])?;
                }
                tx.execute(
                    "INSERT INTO run_sites(run_id, site_id, findings, score, verdict) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT(run_id, site_id) DO UPDATE SET findings = excluded.findings,
                        score = excluded.score, verdict = excluded.verdict",
                    &[&run, id, &(findings.len() as i64), score, verdict],
                )?;
            }
            tx.execute(
                "UPDATE runs SET status = $2, finished = $3 WHERE id = $1",
                &[&run, &status, &finished],
            )?;
            tx.commit()
        })
    }

    fn site_history(
        &self,
        run: i64,
        site: i64,
        site_url: &str,
        findings: &[Finding],
        now: &str,
    ) -> anyhow::Result<SiteHistory> {
        shared::site_history(&mut PgQueries(self), run, site, site_url, findings, now)
    }

    fn record_probe(
        &self,
        site: i64,
        at: &str,
        ok: bool,
        status: &str,
        ms: i64,
    ) -> anyhow::Result<()> {
        let at = utc(at);
        self.with(|c| {
            c.execute(
                "INSERT INTO probes(site_id, at, ok, status, ms) VALUES ($1, $2, $3, $4, $5)",
                &[&site, &at, &ok, &status, &ms],
            )
        })?;
        Ok(())
    }

    fn availability(
        &self,
        site: i64,
        until: chrono::DateTime<chrono::FixedOffset>,
        days: u32,
    ) -> anyhow::Result<Option<Availability>> {
        let since = utc_of(until - chrono::Duration::days(i64::from(days)));
        let until = utc_of(until);
        let rows = self.with(|c| {
            c.query(
                "SELECT at, ok FROM probes WHERE site_id = $1 AND at >= $2 AND at <= $3 ORDER BY at",
                &[&site, &since, &until],
            )
        })?;
        let rows: Vec<(String, bool)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        Ok(availability_of(&rows, days))
    }

    fn prune(&self, keep_days: u32) -> anyhow::Result<(usize, usize)> {
        let cutoff = utc_of(
            (chrono::Utc::now() - chrono::Duration::days(i64::from(keep_days))).fixed_offset(),
        );
        self.with(|c| {
            let mut tx = c.transaction()?;
            let runs = tx.execute(
                "DELETE FROM runs WHERE started < $1 AND status = 'done'",
                &[&cutoff],
            )?;
            tx.execute("DELETE FROM analyses a WHERE NOT EXISTS (SELECT 1 FROM fetches f WHERE f.analysis = a.key)", &[])?;
            tx.execute("DELETE FROM link_cache WHERE checked_at < $1", &[&cutoff])?;
            let probes = tx.execute("DELETE FROM probes WHERE at < $1", &[&cutoff])?;
            tx.commit()?;
            Ok((runs as usize, probes as usize))
        })
    }
}

/// The history questions, asked of the PostgreSQL store.
struct PgQueries<'a>(&'a PgStore);

impl HistoryQueries for PgQueries<'_> {
    fn previous_run(&mut self, site: i64, run: i64) -> anyhow::Result<Option<(i64, String)>> {
        self.0.with(|c| {
            let row = c.query_opt(
                "SELECT r.id, r.now FROM runs r JOIN run_sites s ON s.run_id = r.id
                 WHERE s.site_id = $1 AND r.id < $2 AND r.status = 'done' ORDER BY r.id DESC LIMIT 1",
                &[&site, &run],
            )?;
            Ok(row.map(|r| (r.get(0), r.get(1))))
        })
    }
    fn each_finding_of(
        &mut self,
        run: i64,
        site: i64,
        each: &mut dyn FnMut(&str, &str),
    ) -> anyhow::Result<()> {
        // Read first and handed over after: a lost connection retries the
        // query, which must not give `each` a row twice.
        let rows = self.0.with(|c| {
            c.query(
                "SELECT fingerprint, data FROM findings WHERE run_id = $1 AND site_id = $2",
                &[&run, &site],
            )
        })?;
        for row in &rows {
            each(row.get(0), row.get(1));
        }
        Ok(())
    }
    fn first_seen(
        &mut self,
        site: i64,
        fingerprint: &str,
        run: i64,
    ) -> anyhow::Result<Option<String>> {
        self.0.with(|c| {
            let row = c.query_one(
                "SELECT MIN(r.now) FROM findings f JOIN runs r ON r.id = f.run_id
                 WHERE f.site_id = $1 AND f.fingerprint = $2 AND r.id < $3 AND r.status = 'done'",
                &[&site, &fingerprint, &run],
            )?;
            Ok(row.get(0))
        })
    }
    fn trend(&mut self, site: i64, run: i64) -> anyhow::Result<Vec<TrendPoint>> {
        self.0.with(|c| {
            let rows = c.query(
                "SELECT r.now, s.findings, COALESCE(s.score, 0) FROM run_sites s JOIN runs r ON r.id = s.run_id
                 WHERE s.site_id = $1 AND r.id < $2 AND r.status = 'done' ORDER BY r.id DESC LIMIT 29",
                &[&site, &run],
            )?;
            Ok(rows
                .iter()
                .map(|r| TrendPoint {
                    date: r.get(0),
                    findings: r.get::<_, i64>(1) as usize,
                    score: r.get(2),
                })
                .collect())
        })
    }
}

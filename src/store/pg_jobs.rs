//! The jobs of a province run in PostgreSQL: one per site, claimed with
//! `FOR UPDATE SKIP LOCKED`, held under a lease that the worker renews,
//! finished with the lease's token (fencing), and limited per group (the
//! platform a site is served from) across every worker.
//!
//! Lease times are the database's clock (`now()`), so workers whose clocks
//! disagree still agree on who holds what.

use super::postgres::PgStore;
use super::shared::{pack, unpack, utc_now};

/// A run of the queue, as workers and `status` read it.
#[derive(Debug, Clone)]
pub struct QueuedRun {
    /// Run id.
    pub id: i64,
    /// The name given to `govscan queue --run`.
    pub name: String,
    /// The date the run judges against (YYYY-MM-DD).
    pub now: String,
    /// The scan options (JSON of `ScanOptions`).
    pub scan_options: String,
    /// The rule profile's TOML.
    pub profile_toml: String,
    /// The site list's summary (JSON of `SiteListReport`), if a list was given.
    pub site_list: Option<String>,
    /// Sites of one group crawled at once, across all workers.
    pub group_limit: i32,
    /// Attempts of a job before it is marked failed.
    pub max_attempts: i32,
    /// Lease length in seconds.
    pub lease_seconds: i32,
    /// When the run was queued (UTC).
    pub started: String,
    /// `running` until the last job ends, then `done`.
    pub status: String,
}

/// A job to create: one site of the run.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// The site's start URL (its identity in the store).
    pub url: String,
    /// The site's name.
    pub name: String,
    /// The site as the crawl needs it (JSON).
    pub spec: String,
    /// Politeness group: sites of one group share a limit.
    pub group: String,
}

/// A job a worker claimed.
#[derive(Debug, Clone)]
pub struct Claim {
    /// Job id.
    pub job: i64,
    /// Site id.
    pub site: i64,
    /// The site (JSON).
    pub spec: String,
    /// This lease's token: every write of the site carries it.
    pub token: i64,
    /// 1 on the first claim; more when a lease expired or an attempt failed.
    pub attempt: i32,
}

/// How far a run is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunCounts {
    /// Waiting for a worker.
    pub pending: i64,
    /// Claimed under a live or expired lease.
    pub running: i64,
    /// Finished with a result.
    pub done: i64,
    /// Given up after `max_attempts`.
    pub failed: i64,
}

impl RunCounts {
    /// Jobs not yet done or failed.
    pub fn open(&self) -> i64 {
        self.pending + self.running
    }
}

/// One job as `status` lists it.
#[derive(Debug, Clone)]
pub struct JobRow {
    /// Site name.
    pub name: String,
    /// Group key.
    pub group: String,
    /// pending, running, done or failed.
    pub state: String,
    /// Attempts so far.
    pub attempts: i32,
    /// The worker holding or last holding it.
    pub worker: Option<String>,
    /// Seconds the lease has left (negative: expired).
    pub lease_left: Option<f64>,
    /// Seconds from the claim to the end (or to now, while running).
    pub seconds: Option<f64>,
    /// Pages read.
    pub pages: i64,
    /// The last error.
    pub error: Option<String>,
}

/// A finished site of the run: its report (JSON), or why it failed.
#[derive(Debug, Clone)]
pub struct JobOutcome {
    /// Site id.
    pub site: i64,
    /// The site (JSON).
    pub spec: String,
    /// Whether the site's report is stored (read it with [`PgStore::site_report`]).
    pub has_report: bool,
    /// The error of a failed job.
    pub error: Option<String>,
    /// The job's state.
    pub state: String,
}

const RUN_COLUMNS: &str = "id, name, now, scan_options, profile_toml, site_list, group_limit, max_attempts, lease_seconds, started, status";

fn run_of(r: &postgres::Row) -> QueuedRun {
    QueuedRun {
        id: r.get(0),
        name: r.get(1),
        now: r.get(2),
        scan_options: r.get::<_, Option<String>>(3).unwrap_or_default(),
        profile_toml: r.get::<_, Option<String>>(4).unwrap_or_default(),
        site_list: r.get(5),
        group_limit: r.get(6),
        max_attempts: r.get(7),
        lease_seconds: r.get(8),
        started: r.get(9),
        status: r.get(10),
    }
}

impl PgStore {
    /// Creates a named run with one pending job per site, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn queue_run(
        &self,
        name: &str,
        now: &str,
        profile_name: &str,
        profile_toml: &str,
        scan_options: &str,
        site_list: Option<&str>,
        limits: (i32, i32, i32),
        jobs: &[NewJob],
    ) -> anyhow::Result<i64> {
        let (group_limit, max_attempts, lease_seconds) = limits;
        let mut urls: Vec<&str> = jobs.iter().map(|j| j.url.as_str()).collect();
        urls.sort_unstable();
        let site_key = govscan_checks::content_hash(urls.join("\n").as_bytes());
        let started = utc_now();
        self.with(|c| {
            let mut tx = c.transaction()?;
            let run: i64 = tx
                .query_one(
                    "INSERT INTO runs(name, started, now, profile, options, site_key, status, version,
                        scan_options, profile_toml, site_list, group_limit, max_attempts, lease_seconds)
                     VALUES ($1, $2, $3, $4, $5, $6, 'running', $7, $5, $8, $9, $10, $11, $12) RETURNING id",
                    &[
                        &name,
                        &started,
                        &now,
                        &profile_name,
                        &scan_options,
                        &site_key,
                        &env!("CARGO_PKG_VERSION"),
                        &profile_toml,
                        &site_list,
                        &group_limit,
                        &max_attempts,
                        &lease_seconds,
                    ],
                )?
                .get(0);
            let site = tx.prepare(
                "INSERT INTO sites(url, name) VALUES ($1, $2)
                 ON CONFLICT(url) DO UPDATE SET name = excluded.name RETURNING id",
            )?;
            let job = tx.prepare(
                "INSERT INTO jobs(run_id, site_id, position, spec, group_key) VALUES ($1, $2, $3, $4, $5)",
            )?;
            for (i, j) in jobs.iter().enumerate() {
                let id: i64 = tx.query_one(&site, &[&j.url, &j.name])?.get(0);
                tx.execute(&job, &[&run, &id, &(i as i32), &j.spec, &j.group])?;
            }
            tx.commit()?;
            Ok(run)
        })
    }

    /// The run of that name.
    pub fn run_named(&self, name: &str) -> anyhow::Result<Option<QueuedRun>> {
        self.with(|c| {
            let row = c.query_opt(
                &format!("SELECT {RUN_COLUMNS} FROM runs WHERE name = $1"),
                &[&name],
            )?;
            Ok(row.as_ref().map(run_of))
        })
    }

    /// The oldest named run that still has open jobs (what a worker
    /// without `--run` works on), else the newest named run.
    pub fn current_run(&self, open_only: bool) -> anyhow::Result<Option<QueuedRun>> {
        self.with(|c| {
            let open = c.query_opt(
                &format!(
                    "SELECT {RUN_COLUMNS} FROM runs r WHERE name IS NOT NULL AND EXISTS
                        (SELECT 1 FROM jobs j WHERE j.run_id = r.id AND j.state IN ('pending', 'running'))
                     ORDER BY id LIMIT 1"
                ),
                &[],
            )?;
            if open.is_some() || open_only {
                return Ok(open.as_ref().map(run_of));
            }
            let newest = c.query_opt(
                &format!("SELECT {RUN_COLUMNS} FROM runs WHERE name IS NOT NULL ORDER BY id DESC LIMIT 1"),
                &[],
            )?;
            Ok(newest.as_ref().map(run_of))
        })
    }

    /// Claims the next job of `run` that its group's limit allows: a
    /// pending job, or one whose lease expired (its worker died). A job
    /// that has used up its attempts is marked failed instead. Claims of a
    /// run are serialised by an advisory lock, so the group count each
    /// claim sees is exact across all workers.
    pub fn claim(&self, run: &QueuedRun, worker: &str) -> anyhow::Result<Option<Claim>> {
        let claim = self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&run.id])?;
            tx.execute(
                "UPDATE jobs SET state = 'failed', finished_at = now(),
                    error = COALESCE(error || '；', '') || '检查该站点的程序多次中断（租约过期 ' || attempts || ' 次）'
                 WHERE run_id = $1 AND state = 'running' AND lease_until < now() AND attempts >= $2",
                &[&run.id, &run.max_attempts],
            )?;
            let row = tx.query_opt(
                "SELECT j.id, j.site_id, j.spec, j.attempts FROM jobs j
                 WHERE j.run_id = $1
                   AND (j.state = 'pending' OR (j.state = 'running' AND j.lease_until < now()))
                   AND (SELECT COUNT(*) FROM jobs k WHERE k.run_id = j.run_id AND k.group_key = j.group_key
                          AND k.state = 'running' AND k.lease_until >= now()) < $2
                 ORDER BY j.attempts, j.position
                 LIMIT 1 FOR UPDATE SKIP LOCKED",
                &[&run.id, &i64::from(run.group_limit)],
            )?;
            let Some(row) = row else {
                tx.commit()?;
                return Ok(None);
            };
            let job: i64 = row.get(0);
            let token: i64 = tx
                .query_one(
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1, worker = $2,
                        token = nextval('lease_tokens'),
                        lease_until = now() + make_interval(secs => $3), claimed_at = now(), finished_at = NULL
                     WHERE id = $1 RETURNING token",
                    &[&job, &worker, &f64::from(run.lease_seconds)],
                )?
                .get(0);
            tx.commit()?;
            Ok(Some(Claim {
                job,
                site: row.get(1),
                spec: row.get(2),
                token,
                attempt: row.get::<_, i32>(3) + 1,
            }))
        })?;
        if let Some(c) = &claim {
            self.leases
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert((run.id, c.site), c.token);
            let mut fresh = self.fresh.lock().unwrap_or_else(|e| e.into_inner());
            if c.attempt == 1 {
                fresh.insert((run.id, c.site));
            } else {
                fresh.remove(&(run.id, c.site));
            }
        }
        Ok(claim)
    }

    /// Extends a lease; false if it is no longer ours (it expired and
    /// another worker took the job).
    pub fn renew(&self, run: &QueuedRun, claim: &Claim) -> anyhow::Result<bool> {
        let n = self.with(|c| {
            c.execute(
                "UPDATE jobs SET lease_until = now() + make_interval(secs => $3)
                 WHERE id = $1 AND token = $2 AND state = 'running'",
                &[&claim.job, &claim.token, &f64::from(run.lease_seconds)],
            )
        })?;
        Ok(n == 1)
    }

    /// Stores a site's report and marks its job done, if the lease is still
    /// ours; false if not (the new owner's results stand).
    pub fn complete(
        &self,
        run: &QueuedRun,
        claim: &Claim,
        report_json: &[u8],
        pages: i64,
    ) -> anyhow::Result<bool> {
        let blob = pack(report_json);
        let done = self.with(|c| {
            let mut tx = c.transaction()?;
            let n = tx.execute(
                "UPDATE jobs SET state = 'done', finished_at = now(), lease_until = NULL, pages = $3, error = NULL
                 WHERE id = $1 AND token = $2 AND state = 'running'",
                &[&claim.job, &claim.token, &pages],
            )?;
            if n != 1 {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO site_reports(run_id, site_id, data) VALUES ($1, $2, $3)
                 ON CONFLICT(run_id, site_id) DO UPDATE SET data = excluded.data",
                &[&run.id, &claim.site, &blob],
            )?;
            tx.commit()?;
            Ok(true)
        })?;
        self.release(run, claim);
        Ok(done)
    }

    /// Gives a job back after a failed attempt: pending again, or failed
    /// with the error once its attempts are used up. A worker that was
    /// asked to stop (SIGTERM) gives its jobs back without `error`: the
    /// attempt does not count.
    pub fn give_back(
        &self,
        run: &QueuedRun,
        claim: &Claim,
        error: Option<&str>,
    ) -> anyhow::Result<()> {
        self.with(|c| match error {
            Some(error) => c.execute(
                "UPDATE jobs SET state = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'pending' END,
                    finished_at = CASE WHEN attempts >= $3 THEN now() ELSE NULL END,
                    lease_until = NULL, error = $4
                 WHERE id = $1 AND token = $2 AND state = 'running'",
                &[&claim.job, &claim.token, &run.max_attempts, &error],
            ),
            None => c.execute(
                "UPDATE jobs SET state = 'pending', attempts = attempts - 1, lease_until = NULL
                 WHERE id = $1 AND token = $2 AND state = 'running'",
                &[&claim.job, &claim.token],
            ),
        })?;
        self.release(run, claim);
        Ok(())
    }

    /// Forgets a lease: later writes of the site are dropped.
    pub fn release(&self, run: &QueuedRun, claim: &Claim) {
        let mut leases = self.leases.lock().unwrap_or_else(|e| e.into_inner());
        if leases.get(&(run.id, claim.site)) == Some(&claim.token) {
            leases.remove(&(run.id, claim.site));
        }
    }

    /// Jobs of a run by state.
    pub fn counts(&self, run: i64) -> anyhow::Result<RunCounts> {
        self.with(|c| {
            let rows = c.query(
                "SELECT state, COUNT(*) FROM jobs WHERE run_id = $1 GROUP BY state",
                &[&run],
            )?;
            let mut counts = RunCounts::default();
            for r in rows {
                let n: i64 = r.get(1);
                match r.get::<_, &str>(0) {
                    "pending" => counts.pending = n,
                    "running" => counts.running = n,
                    "done" => counts.done = n,
                    _ => counts.failed += n,
                }
            }
            Ok(counts)
        })
    }

    /// Every job of a run, in site-list order, for `status`.
    pub fn jobs(&self, run: i64) -> anyhow::Result<Vec<JobRow>> {
        self.with(|c| {
            let rows = c.query(
                "SELECT s.name, j.group_key, j.state, j.attempts, j.worker,
                        EXTRACT(EPOCH FROM (j.lease_until - now()))::float8,
                        EXTRACT(EPOCH FROM (COALESCE(j.finished_at, now()) - j.claimed_at))::float8,
                        j.pages, j.error
                 FROM jobs j JOIN sites s ON s.id = j.site_id WHERE j.run_id = $1 ORDER BY j.position",
                &[&run],
            )?;
            Ok(rows
                .iter()
                .map(|r| JobRow {
                    name: r.get(0),
                    group: r.get(1),
                    state: r.get(2),
                    attempts: r.get(3),
                    worker: r.get(4),
                    lease_left: r.get(5),
                    seconds: r.get(6),
                    pages: r.get(7),
                    error: r.get(8),
                })
                .collect())
        })
    }

    /// Every job of a run with its error, in site-list order. The reports
    /// are read one at a time with [`PgStore::site_report`]: a province's
    /// reports together would not fit in memory.
    pub fn outcomes(&self, run: i64) -> anyhow::Result<Vec<JobOutcome>> {
        let rows = self.with(|c| {
            c.query(
                "SELECT j.site_id, j.spec, r.site_id IS NOT NULL, j.error, j.state FROM jobs j
                 LEFT JOIN site_reports r ON r.run_id = j.run_id AND r.site_id = j.site_id
                 WHERE j.run_id = $1 ORDER BY j.position",
                &[&run],
            )
        })?;
        Ok(rows
            .iter()
            .map(|r| JobOutcome {
                site: r.get(0),
                spec: r.get(1),
                has_report: r.get(2),
                error: r.get(3),
                state: r.get(4),
            })
            .collect())
    }

    /// The stored report (JSON) of a site in a run; `None` when there is
    /// none or it cannot be unpacked.
    pub fn site_report(&self, run: i64, site: i64) -> anyhow::Result<Option<Vec<u8>>> {
        let row = self.with(|c| {
            c.query_opt(
                "SELECT data FROM site_reports WHERE run_id = $1 AND site_id = $2",
                &[&run, &site],
            )
        })?;
        Ok(row.and_then(|r| unpack(&r.get::<_, Vec<u8>>(0))))
    }

    /// Every site of a run: start URL → site id.
    pub fn run_site_ids(&self, run: i64) -> anyhow::Result<std::collections::HashMap<String, i64>> {
        self.with(|c| {
            let rows = c.query(
                "SELECT s.url, s.id FROM jobs j JOIN sites s ON s.id = j.site_id WHERE j.run_id = $1",
                &[&run],
            )?;
            Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
        })
    }

    /// Marks a run closed by the one caller that finds it still running
    /// with no open job; true for that caller.
    pub fn take_closing(&self, run: i64) -> anyhow::Result<bool> {
        let n = self.with(|c| {
            c.execute(
                "UPDATE runs SET status = 'closing' WHERE id = $1 AND status = 'running'
                   AND NOT EXISTS (SELECT 1 FROM jobs WHERE run_id = $1 AND state IN ('pending', 'running'))",
                &[&run],
            )
        })?;
        Ok(n == 1)
    }
}

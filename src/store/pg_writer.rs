//! The PostgreSQL store's writer thread: fetched URLs and link checks,
//! batched into one transaction each, with the lease token of a fenced
//! (worker's) store on every write of a site.

use super::postgres::{Connections, Leases, RECONNECT_FOR};
use super::shared::pack;
use super::Write_;
use postgres::Client;
use tokio::sync::mpsc::Receiver;

/// The writer thread: batches queued writes into one transaction each. A
/// batch that meets a lost connection is written again on a new one, for as
/// long as [`RECONNECT_FOR`] allows: the crawl waits (the queue is bounded)
/// rather than lose what it fetched.
pub(crate) fn writer_loop(conns: &Connections, leases: Option<&Leases>, mut rx: Receiver<Write_>) {
    while let Some((batch, barriers)) = super::next_batch(&mut rx) {
        let rows = prepare_batch(batch, leases);
        let written = conns.with(RECONNECT_FOR, |c| write_batch(c, &rows));
        if let Err(e) = &written {
            eprintln!("govscan: history database write failed: {e:#}");
        }
        for b in barriers {
            let _ = b.send(written.is_ok());
        }
    }
}

/// One write, packed, with the lease token it must match (fenced stores).
enum Row {
    Fetch {
        run: i64,
        site: i64,
        token: Option<i64>,
        url: String,
        etag: Option<String>,
        last_modified: Option<String>,
        content_hash: Option<String>,
        data: Vec<u8>,
        analysis: Option<(String, Option<Vec<u8>>)>,
    },
    Link {
        url: String,
        at: String,
        data: Vec<u8>,
    },
}

fn prepare_batch(batch: Vec<Write_>, leases: Option<&Leases>) -> Vec<Row> {
    let held = leases.map(|l| l.lock().unwrap_or_else(|e| e.into_inner()).clone());
    let mut rows = Vec::with_capacity(batch.len());
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
                let token = match &held {
                    None => None,
                    Some(held) => match held.get(&(run, site)) {
                        Some(t) => Some(*t),
                        // The lease is gone: the site belongs to another worker now.
                        None => continue,
                    },
                };
                rows.push(Row::Fetch {
                    run,
                    site,
                    token,
                    url,
                    etag,
                    last_modified,
                    content_hash,
                    data: pack(&data),
                    analysis: analysis_key.map(|k| (k, analysis_bytes.map(|j| pack(&j)))),
                });
            }
            Write_::Barrier(_) => {}
            Write_::LinkCache { url, at, data } => rows.push(Row::Link {
                url,
                at,
                data: pack(&data),
            }),
        }
    }
    rows
}

fn write_batch(client: &mut Client, rows: &[Row]) -> Result<(), postgres::Error> {
    let mut tx = client.transaction()?;
    let put_analysis =
        tx.prepare("INSERT INTO analyses(key, data) VALUES ($1, $2) ON CONFLICT(key) DO NOTHING")?;
    let upsert = "INSERT INTO fetches(run_id, site_id, url, etag, last_modified, content_hash, data, analysis)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8";
    let conflict = " ON CONFLICT(run_id, site_id, url) DO UPDATE SET etag = excluded.etag,
            last_modified = excluded.last_modified, content_hash = excluded.content_hash,
            data = excluded.data, analysis = excluded.analysis";
    let put_fetch = tx.prepare(&format!("{upsert}{conflict}"))?;
    // Fenced: written only while the job is running under this token.
    let put_fenced = tx.prepare(&format!(
        "{upsert} WHERE EXISTS (SELECT 1 FROM jobs WHERE run_id = $1 AND site_id = $2
            AND state = 'running' AND token = $9){conflict}"
    ))?;
    let put_link = tx.prepare(
        "INSERT INTO link_cache(url, checked_at, data) VALUES ($1, $2, $3)
         ON CONFLICT(url) DO UPDATE SET checked_at = excluded.checked_at, data = excluded.data",
    )?;
    for row in rows {
        match row {
            Row::Fetch {
                run,
                site,
                token,
                url,
                etag,
                last_modified,
                content_hash,
                data,
                analysis,
            } => {
                if let Some((key, Some(blob))) = analysis {
                    tx.execute(&put_analysis, &[key, blob])?;
                }
                let key = analysis.as_ref().map(|(k, _)| k);
                match token {
                    Some(token) => tx.execute(
                        &put_fenced,
                        &[
                            run,
                            site,
                            url,
                            etag,
                            last_modified,
                            content_hash,
                            data,
                            &key,
                            token,
                        ],
                    )?,
                    None => tx.execute(
                        &put_fetch,
                        &[
                            run,
                            site,
                            url,
                            etag,
                            last_modified,
                            content_hash,
                            data,
                            &key,
                        ],
                    )?,
                };
            }
            Row::Link { url, at, data } => {
                tx.execute(&put_link, &[url, at, data])?;
            }
        }
    }
    tx.commit()
}

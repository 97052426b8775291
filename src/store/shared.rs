//! What every store backend does the same way: the one clock, packing of
//! stored JSON, what changed since the previous run, and availability from
//! probes. Backends answer small queries; the judgement is made here once.

use flate2::read::DeflateDecoder;
use govscan_checks::history::{FindingHistory, SiteHistory, TrendPoint};
use govscan_checks::site::Availability;
use govscan_checks::{fingerprint, Finding};
use std::collections::HashSet;
use std::io::Read;

/// Every time a store keeps is UTC, in one RFC 3339 form, so that SQL
/// compares them correctly as text (times with other offsets would not).
pub(crate) fn utc_of(t: chrono::DateTime<chrono::FixedOffset>) -> String {
    t.with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// An RFC 3339 time as the store keeps it (UTC); unparseable text is kept as is.
pub(crate) fn utc(t: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(t).map_or_else(|_| t.to_string(), utc_of)
}

/// A stored (UTC) time as people in China read it, for reports.
pub(crate) fn china_time(t: &str) -> String {
    match (
        chrono::DateTime::parse_from_rfc3339(t),
        chrono::FixedOffset::east_opt(8 * 3600),
    ) {
        (Ok(at), Some(cst)) => at
            .with_timezone(&cst)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        _ => t.to_string(),
    }
}

/// Now, as the store keeps times.
pub(crate) fn utc_now() -> String {
    utc_of(chrono::Utc::now().fixed_offset())
}

/// Marks a blob [`pack`] compressed with LZ4; blobs without it are deflate
/// streams written by earlier versions.
const LZ4_MAGIC: &[u8] = b"\x00L4";

/// Marks a blob [`pack`] kept as it was, with its size: one under
/// [`SMALL_BLOB`] bytes.
const RAW_MAGIC: &[u8] = b"\x00R4";

/// Below this size a blob is stored as it is. A page's fetch record (about
/// 480 bytes) or an outside link's check (about 220) shrank by a third
/// under LZ4, some 150 bytes, but each compression zeroes LZ4's 8 KB match
/// table first: that was 70% of `pack` and 4% of a re-scan's instructions
/// (callgrind, realistic 2,000). Analyses (about 10 KB) are compressed.
const SMALL_BLOB: usize = 1024;

/// The largest blob [`unpack`] inflates: a damaged size must not allocate
/// gigabytes (an analysis or a page's fetch record is kilobytes).
const MAX_UNPACKED: usize = 256 * 1024 * 1024;

/// Compresses what the store keeps (fetch records, analyses, site
/// reports): LZ4 — as small as deflate on these blobs (the repeated
/// template strings are what compresses) at a fraction of the CPU; the
/// realistic benchmark's re-scan spent an eighth of its time in deflate.
/// Blobs under [`SMALL_BLOB`] bytes are kept as they are.
pub(crate) fn pack(bytes: &[u8]) -> Vec<u8> {
    if bytes.len() < SMALL_BLOB {
        let mut out = Vec::with_capacity(RAW_MAGIC.len() + 4 + bytes.len());
        out.extend_from_slice(RAW_MAGIC);
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(bytes);
        return out;
    }
    // `compress` writes into spare capacity (lz4_flex without its
    // safe-encode feature); compressing into a slice needed the worst-case
    // buffer zeroed first, which cost more than the copy below (callgrind:
    // 1.2% of the realistic scan's instructions), and a shrink after.
    let block = lz4_flex::block::compress(bytes);
    // Blobs wait in the writer's queue: they hold what they need, not the
    // worst case.
    let mut out = Vec::with_capacity(LZ4_MAGIC.len() + 4 + block.len());
    out.extend_from_slice(LZ4_MAGIC);
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(&block);
    out
}

/// What a [`pack`] stored (or an earlier version's deflate stream); `None`
/// if the blob is damaged.
pub(crate) fn unpack(blob: &[u8]) -> Option<Vec<u8>> {
    if let Some(rest) = blob.strip_prefix(RAW_MAGIC) {
        // The size must account for the rest exactly: anything else is an
        // earlier version's deflate stream that happens to start alike.
        if size(rest).is_some_and(|n| rest.len() == n + 4) {
            return Some(rest[4..].to_vec());
        }
    }
    if let Some(rest) = blob.strip_prefix(LZ4_MAGIC) {
        if let Some(out) = size(rest).and_then(|n| lz4_flex::decompress(&rest[4..], n).ok()) {
            return Some(out);
        }
    }
    let mut out = Vec::new();
    DeflateDecoder::new(blob)
        .take(MAX_UNPACKED as u64)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// The size a [`pack`]ed blob's header gives (the four bytes after its
/// marker), if believable.
fn size(rest: &[u8]) -> Option<usize> {
    rest.get(..4)
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
        .map(|s| u32::from_le_bytes(s) as usize)
        .filter(|n| *n <= MAX_UNPACKED)
}

/// The largest blob [`with_unpacked`] unpacks into its thread's buffer,
/// which keeps its size: larger ones get one of their own.
const REUSED_MAX: usize = 1024 * 1024;

/// Hands `read` what [`unpack`] would return, unpacked into a buffer its
/// thread keeps rather than into a fresh, zeroed one: a re-scan unpacks an
/// analysis for every unchanged page, and allocating and zeroing each was
/// 3% of its instructions (callgrind, realistic 2,000).
pub(crate) fn with_unpacked<T>(blob: &[u8], read: impl FnOnce(&[u8]) -> T) -> Option<T> {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let lz4 = blob
        .strip_prefix(LZ4_MAGIC)
        .and_then(|rest| Some((size(rest)?, &rest[4..])))
        .filter(|(n, _)| *n <= REUSED_MAX);
    let mut read = Some(read);
    if let Some((n, block)) = lz4 {
        let value = BUFFER.with(|buffer| {
            // Taken already (a `read` that unpacks again): the plain way.
            let mut buffer = buffer.try_borrow_mut().ok()?;
            if buffer.len() < n {
                buffer.resize(n, 0);
            }
            let len = lz4_flex::block::decompress_into(block, &mut buffer[..n]).ok()?;
            read.take().map(|read| read(&buffer[..len]))
        });
        if value.is_some() {
            return value;
        }
    }
    let read = read?;
    unpack(blob).map(|bytes| read(&bytes))
}

/// The four questions [`site_history`] asks a backend.
pub(crate) trait HistoryQueries {
    /// The latest completed run before `run` that judged `site`: id and date.
    fn previous_run(&mut self, site: i64, run: i64) -> anyhow::Result<Option<(i64, String)>>;
    /// Gives `each` a run's findings of a site, one at a time: fingerprint
    /// and finding (JSON).
    fn each_finding_of(
        &mut self,
        run: i64,
        site: i64,
        each: &mut dyn FnMut(&str, &str),
    ) -> anyhow::Result<()>;
    /// The date of the first completed run before `run` with this finding.
    fn first_seen(
        &mut self,
        site: i64,
        fingerprint: &str,
        run: i64,
    ) -> anyhow::Result<Option<String>>;
    /// Up to 29 completed runs before `run`: date, findings, score; newest first.
    fn trend(&mut self, site: i64, run: i64) -> anyhow::Result<Vec<TrendPoint>>;
}

/// What changed for a site since its previous completed run: which findings
/// are new, which were fixed, when each was first seen, and the trend.
pub(crate) fn site_history(
    q: &mut dyn HistoryQueries,
    run: i64,
    site: i64,
    site_url: &str,
    findings: &[Finding],
    now: &str,
) -> anyhow::Result<SiteHistory> {
    let previous = q.previous_run(site, run)?;
    let fingerprints: Vec<String> = findings
        .iter()
        .map(|f| fingerprint(site_url, f.check, &f.page, &f.target))
        .collect();
    let current: HashSet<&str> = fingerprints.iter().map(String::as_str).collect();
    // Of the previous run's findings, only the fixed ones are read whole: a
    // site with a dead link in its template has tens of thousands that are
    // still there, which need no more than their fingerprint.
    let mut still_there: HashSet<&str> = HashSet::new();
    let mut fixed: Vec<(String, Finding)> = Vec::new();
    if let Some((prev, _)) = &previous {
        q.each_finding_of(*prev, site, &mut |fp, data| {
            if let Some(&kept) = current.get(fp) {
                still_there.insert(kept);
            } else if let Ok(f) = serde_json::from_str::<Finding>(data) {
                fixed.push((fp.to_string(), f));
            }
        })?;
    }
    let mut history = SiteHistory {
        previous_run: previous.as_ref().map(|p| p.1.clone()),
        ..SiteHistory::default()
    };
    let new: Vec<bool> = fingerprints
        .iter()
        .map(|fp| previous.is_some() && !still_there.contains(fp.as_str()))
        .collect();
    drop((current, still_there));
    for (fp, new) in fingerprints.into_iter().zip(new) {
        let first = q.first_seen(site, &fp, run)?;
        history.findings.push(FindingHistory {
            new,
            first_seen: first.unwrap_or_else(|| now.to_string()),
            fingerprint: fp,
        });
    }
    fixed.sort_by(|a, b| (a.1.check, &a.1.page, &a.0).cmp(&(b.1.check, &b.1.page, &b.0)));
    for (fp, f) in fixed {
        let first = q.first_seen(site, &fp, run)?;
        history.fixed.push(f);
        history.fixed_first_seen.push(first.unwrap_or_default());
    }
    let mut trend = q.trend(site, run)?;
    trend.reverse();
    history.trend = trend;
    Ok(history)
}

/// A site's availability from its probes in the window (time, success),
/// oldest first; `None` without probes.
pub(crate) fn availability_of(rows: &[(String, bool)], days: u32) -> Option<Availability> {
    if rows.is_empty() {
        return None;
    }
    let failures = rows.iter().filter(|(_, ok)| !ok).count();
    let (mut streak, mut best_streak, mut best_minutes) = (0usize, 0usize, 0i64);
    let mut streak_start: Option<chrono::DateTime<chrono::FixedOffset>> = None;
    for (at, ok) in rows {
        let at = chrono::DateTime::parse_from_rfc3339(at).ok();
        if *ok {
            streak = 0;
            streak_start = None;
        } else {
            streak += 1;
            if streak_start.is_none() {
                streak_start = at;
            }
            best_streak = best_streak.max(streak);
            if let (Some(s), Some(a)) = (streak_start, at) {
                best_minutes = best_minutes.max((a - s).num_minutes());
            }
        }
    }
    Some(Availability {
        days,
        probes: rows.len(),
        failures,
        failure_share: failures as f64 / rows.len() as f64,
        longest_outage_minutes: best_minutes,
        longest_failure_streak: best_streak,
        last_probe: rows.last().map(|r| china_time(&r.0)),
    })
}

#[cfg(test)]
mod pack_tests {
    use super::{pack, unpack};
    use std::io::Write;

    #[test]
    fn packed_blobs_read_back_and_older_deflate_ones_too() {
        for bytes in [&b""[..], b"x", "示范县人民政府".repeat(500).as_bytes()] {
            assert_eq!(unpack(&pack(bytes)).as_deref(), Some(bytes));
        }
        // Written by an earlier version: a raw deflate stream.
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"{\"old\":1}").unwrap();
        let old = enc.finish().unwrap();
        assert_eq!(unpack(&old).as_deref(), Some(&b"{\"old\":1}"[..]));
        // A damaged size never allocates gigabytes; damaged data is None.
        let mut huge = pack(b"abc");
        huge[3..7].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(unpack(&huge), None);
        assert_eq!(unpack(b"\x00L4\x01"), None);
        let mut cut = pack("示范县".repeat(100).as_bytes());
        cut.truncate(cut.len() / 2);
        assert_eq!(unpack(&cut), None);
    }

    /// `with_unpacked` hands over what `unpack` returns, whatever the blob:
    /// raw, LZ4 (smaller and larger than the buffer kept), deflate, damaged,
    /// and when the reading unpacks again on the same thread.
    #[test]
    fn reading_in_place_sees_what_unpack_returns() {
        use super::with_unpacked;
        let mut deflated =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        deflated.write_all(b"{\"old\":1}").unwrap();
        let long: Vec<u8> = (0..super::REUSED_MAX + 10)
            .map(|i| (i % 251) as u8)
            .collect();
        let mut damaged = pack("示范县".repeat(400).as_bytes());
        let end = damaged.len();
        damaged.truncate(end - 40);
        let blobs = [
            pack(b"abc"),
            pack("示范县人民政府".repeat(500).as_bytes()),
            pack(&long),
            pack(b"x"),
            deflated.finish().unwrap(),
            damaged,
            b"\x00L4\x01".to_vec(),
        ];
        for blob in &blobs {
            let expected = unpack(blob);
            assert_eq!(with_unpacked(blob, <[u8]>::to_vec), expected);
            // Read again while the buffer is in use: the same answer.
            let nested = with_unpacked(blob, |outer| {
                (outer.to_vec(), with_unpacked(&blobs[1], <[u8]>::to_vec))
            });
            assert_eq!(nested.as_ref().map(|n| &n.0), expected.as_ref());
            if let Some((_, inner)) = nested {
                assert_eq!(inner, unpack(&blobs[1]));
            }
        }
    }

    /// Small blobs are kept as they are, larger ones compressed, and both
    /// read back; a raw blob whose size does not match is not believed.
    #[test]
    fn small_blobs_are_stored_raw_and_read_back() {
        for n in [0, 1, super::SMALL_BLOB - 1, super::SMALL_BLOB, 5000] {
            let bytes: Vec<u8> = (0..n).map(|i| (i % 7) as u8).collect();
            let packed = pack(&bytes);
            let raw = packed.starts_with(super::RAW_MAGIC);
            assert_eq!(raw, n < super::SMALL_BLOB, "{n} bytes");
            assert_eq!(packed.starts_with(super::LZ4_MAGIC), !raw, "{n} bytes");
            assert_eq!(unpack(&packed).as_deref(), Some(&bytes[..]), "{n} bytes");
        }
        let mut longer = pack(b"abc");
        longer.push(b'd');
        assert_eq!(unpack(&longer), None);
        let mut shorter = pack(b"abc");
        shorter.pop();
        assert_eq!(unpack(&shorter), None);
        for cut in 0..7 {
            assert_eq!(unpack(&pack(b"abc")[..cut]), None, "cut at {cut}");
        }
    }
}

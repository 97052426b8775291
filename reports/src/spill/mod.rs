//! The pages of a run's sites, kept on disk until the reports are written.
//!
//! A site's page records are only needed again for `pages.csv` and
//! `report.json`, at the end of the run. Held in memory they made the run
//! grow by about 1.2 KB a page: with the site being crawled (a 200,000-page
//! site) and with every finished site (a county's 300). So each record is
//! written once, as soon as its page is done, in those two files' own
//! encodings, to an unnamed temporary file, and copied into the reports at
//! the end: nothing is serialised twice, and memory holds 16 bytes a page
//! (where its record is) in place of the record.

use crate::csv_out;
use crate::model::SiteReport;
use govscan_checks::PageRecord;
use std::fs::File;
#[cfg(not(unix))]
use std::io::Read;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// A site's encoded pages are written to the file in chunks of this size:
/// one write for some hundred pages, and memory for no more than a chunk.
const CHUNK_BYTES: usize = 256 << 10;

/// Not yet written: the fragment is in its writer's buffer.
const UNWRITTEN: u32 = u32::MAX;

/// Where one page's record is: its `report.json` encoding followed by its
/// `pages.csv` row, at `offset` in a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fragment {
    chunk: u32,
    offset: u32,
    json: u32,
    csv: u32,
}

/// Where a site's pages went, in the order the reports list them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpilledPages {
    pages: Box<[Fragment]>,
    /// Page records spilled.
    pub count: usize,
    /// Of those, the pages crawled (read), for the overview's page counts.
    pub crawled: usize,
}

/// A chunk of encoded pages: in the file, or kept in memory when the file
/// could not be written (a full disk), so that nothing is lost.
#[derive(Debug)]
enum Chunk {
    File(u64),
    Memory(Arc<[u8]>),
}

/// An unnamed temporary file holding the run's page records.
///
/// It lives in the output folder rather than the system's temporary one,
/// which is often a RAM disk (`tmpfs`), and it has no name: the operating
/// system removes it when the run ends, however it ends.
#[derive(Debug)]
pub struct PageSpill {
    file: Mutex<File>,
    chunks: Mutex<Vec<Chunk>>,
}

impl PageSpill {
    /// Opens a spill file in `dir` (the run's output folder).
    pub fn in_dir(dir: &Path) -> io::Result<PageSpill> {
        let file = tempfile::tempfile_in(dir).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "cannot create a temporary file in {}: {e} (the output folder must be writable)",
                    dir.display()
                ),
            )
        })?;
        Ok(PageSpill {
            file: Mutex::new(file),
            chunks: Mutex::default(),
        })
    }

    /// Moves `site`'s pages to the spill file: its `pages` is emptied and
    /// its `spilled` says where they went. A site already spilled, or one
    /// without pages, is left alone. When the file cannot be written the
    /// encoded pages stay in memory, nothing is lost, and the error is
    /// returned for the run log.
    pub fn put(&self, site: &mut SiteReport) -> io::Result<()> {
        if site.spilled.is_some() || site.pages.is_empty() {
            return Ok(());
        }
        let mut writer = SitePageWriter::new(&site.name);
        for page in &site.pages {
            writer.push(page)?;
            writer.write_full(self);
        }
        let crawled = site.pages.iter().filter(|p| p.crawled).count();
        let (spilled, failed) = writer.finish(self, 0..site.pages.len(), crawled);
        site.spilled = Some(spilled);
        site.pages = Vec::new();
        failed.map_or(Ok(()), Err)
    }

    /// Copies the spilled pages' JSON array (as `report.json` holds it) to `out`.
    pub fn copy_json(&self, pages: &SpilledPages, out: &mut dyn Write) -> io::Result<()> {
        let mut buf = Vec::new();
        out.write_all(b"[")?;
        for (i, page) in pages.pages.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            self.read(page, 0, page.json, &mut buf)?;
            out.write_all(&buf)?;
        }
        out.write_all(b"]")
    }

    /// Copies the spilled pages' `pages.csv` rows to `out`.
    pub fn copy_csv(&self, pages: &SpilledPages, out: &mut dyn Write) -> io::Result<()> {
        let mut buf = Vec::new();
        for page in pages.pages.iter() {
            self.read(page, page.json, page.csv, &mut buf)?;
            out.write_all(&buf)?;
        }
        Ok(())
    }

    /// Chunks written so far (in the file or, after a failed write, in memory).
    pub fn chunks(&self) -> usize {
        lock(&self.chunks).len()
    }

    /// Writes a site's chunk (a blocking write: off the async workers).
    pub fn write_chunk(&self, chunk: FullChunk) -> WrittenChunk {
        let (index, failed) = self.append(&chunk.bytes);
        WrittenChunk {
            index,
            pages: chunk.pages,
            failed,
        }
    }

    /// Appends a chunk; where it went, and the error when it had to stay
    /// in memory.
    fn append(&self, bytes: &[u8]) -> (u32, Option<io::Error>) {
        let written = {
            let mut file = lock(&self.file);
            file.seek(SeekFrom::End(0))
                .and_then(|at| file.write_all(bytes).map(|()| at))
        };
        // A failed write may leave a partial tail that no chunk points to.
        let (chunk, failed) = match written {
            Ok(at) => (Chunk::File(at), None),
            Err(e) => (Chunk::Memory(bytes.into()), Some(e)),
        };
        let mut chunks = lock(&self.chunks);
        chunks.push(chunk);
        (
            u32::try_from(chunks.len() - 1).unwrap_or(u32::MAX - 1),
            failed,
        )
    }

    /// Reads `len` bytes at `skip` into `page`'s fragment, into `buf`.
    fn read(&self, page: &Fragment, skip: u32, len: u32, buf: &mut Vec<u8>) -> io::Result<()> {
        buf.clear();
        let start = u64::from(page.offset) + u64::from(skip);
        let at = match lock(&self.chunks).get(page.chunk as usize) {
            Some(Chunk::File(at)) => at + start,
            Some(Chunk::Memory(bytes)) => {
                let range = usize::try_from(start).unwrap_or(usize::MAX)..;
                let bytes = bytes.get(range).and_then(|b| b.get(..len as usize));
                buf.extend_from_slice(bytes.ok_or_else(short)?);
                return Ok(());
            }
            None => return Err(io::Error::other("a page record was never written")),
        };
        buf.resize(len as usize, 0);
        let file = lock(&self.file);
        read_at(&file, at, buf).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => short(),
            _ => e,
        })
    }
}

/// One system call a fragment where the system has positional reads: the
/// reports read every page's fragment, some hundred thousand on a large site.
#[cfg(unix)]
fn read_at(file: &File, at: u64, buf: &mut [u8]) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(not(unix))]
fn read_at(mut file: &File, at: u64, buf: &mut [u8]) -> io::Result<()> {
    file.seek(SeekFrom::Start(at))?;
    file.read_exact(buf)
}

fn short() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "the temporary page file is shorter than written (was the disk full?)",
    )
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock leaves at worst a partly written tail
    // that no chunk points to, or a chunk list one entry short: still usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One site's pages, written to a [`PageSpill`] as they are crawled.
///
/// Each record is encoded once, when its page is done, and the site keeps
/// 16 bytes for it. A page is named by the number [`SitePageWriter::push`]
/// gave it; the site's end orders them for the reports.
#[derive(Debug)]
pub struct SitePageWriter {
    site: String,
    /// Encoded pages not written yet.
    buf: Vec<u8>,
    pages: Vec<Fragment>,
    /// The pages whose fragment is in `buf`.
    unwritten: Vec<u32>,
    failed: Option<io::Error>,
}

impl SitePageWriter {
    /// A writer for the pages of the site named `site` (its `pages.csv` column).
    pub fn new(site: &str) -> SitePageWriter {
        SitePageWriter {
            site: site.to_string(),
            buf: Vec::new(),
            pages: Vec::new(),
            unwritten: Vec::new(),
            failed: None,
        }
    }

    /// Encodes `record` and returns its number. Nothing is written: see
    /// [`SitePageWriter::full_chunk`] and [`SitePageWriter::write_full`].
    pub fn push(&mut self, record: &PageRecord) -> io::Result<usize> {
        let fragment = self.encode(record)?;
        self.pages.push(fragment);
        let page = self.pages.len() - 1;
        self.unwritten.push(page as u32);
        Ok(page)
    }

    /// The encoded pages once they fill a chunk, for the caller to write
    /// where blocking is allowed ([`PageSpill::write_chunk`]) and hand back
    /// ([`SitePageWriter::written`]); a crawl's task must not block its
    /// async worker on the disk. Until then the pages may not be read back.
    pub fn full_chunk(&mut self) -> Option<FullChunk> {
        (self.buf.len() >= CHUNK_BYTES).then(|| self.take_chunk(CHUNK_BYTES))
    }

    /// Records where a chunk from [`SitePageWriter::full_chunk`] went.
    pub fn written(&mut self, chunk: WrittenChunk) {
        if self.failed.is_none() {
            self.failed = chunk.failed;
        }
        for page in chunk.pages {
            if let Some(f) = self.pages.get_mut(page as usize) {
                if f.chunk == UNWRITTEN {
                    f.chunk = chunk.index;
                }
            }
        }
    }

    /// Writes the encoded pages if they fill a chunk (a blocking write).
    pub fn write_full(&mut self, spill: &PageSpill) {
        if let Some(chunk) = self.full_chunk() {
            self.written(spill.write_chunk(chunk));
        }
    }

    /// Reads page `page`'s record back.
    pub fn record(&self, spill: &PageSpill, page: usize) -> io::Result<PageRecord> {
        let f = self
            .pages
            .get(page)
            .ok_or_else(|| io::Error::other("no such page"))?;
        let json = if f.chunk == UNWRITTEN {
            let start = f.offset as usize;
            self.buf
                .get(start..start + f.json as usize)
                .ok_or_else(short)?
                .to_vec()
        } else {
            let mut buf = Vec::new();
            spill.read(f, 0, f.json, &mut buf)?;
            buf
        };
        serde_json::from_slice(&json).map_err(io::Error::other)
    }

    /// Rewrites page `page`'s record with `change` applied (a page found to
    /// be another's twin after the crawl).
    pub fn change(
        &mut self,
        spill: &PageSpill,
        page: usize,
        change: impl FnOnce(&mut PageRecord),
    ) -> io::Result<()> {
        let mut record = self.record(spill, page)?;
        change(&mut record);
        let fragment = self.encode(&record)?;
        self.pages[page] = fragment;
        self.unwritten.push(page as u32);
        self.write_full(spill);
        Ok(())
    }

    /// Writes what is left and returns where the pages went, in `order`
    /// (page numbers, each once), with the first write error if a chunk had
    /// to stay in memory.
    pub fn finish(
        mut self,
        spill: &PageSpill,
        order: impl IntoIterator<Item = usize>,
        crawled: usize,
    ) -> (SpilledPages, Option<io::Error>) {
        self.write(spill);
        let mut lost = 0;
        let pages: Box<[Fragment]> = order
            .into_iter()
            .filter_map(|i| self.pages.get(i).copied())
            // A chunk handed out and never handed back (its writer
            // panicked): its pages are left out, not the whole report.
            .filter(|f| {
                lost += usize::from(f.chunk == UNWRITTEN);
                f.chunk != UNWRITTEN
            })
            .collect();
        if lost > 0 && self.failed.is_none() {
            self.failed = Some(io::Error::other(format!(
                "{lost} page records were lost before they were written"
            )));
        }
        let spilled = SpilledPages {
            count: pages.len(),
            pages,
            crawled,
        };
        (spilled, self.failed)
    }

    fn encode(&mut self, record: &PageRecord) -> io::Result<Fragment> {
        let start = self.buf.len();
        let encoded = (|| {
            serde_json::to_writer(&mut self.buf, record).map_err(io::Error::other)?;
            let json = self.buf.len() - start;
            // A row is some 400 bytes: csv's default 8 KB buffer, zeroed
            // for every page, cost more than the row (callgrind: a re-scan
            // +2%).
            let mut row = csv::WriterBuilder::new()
                .buffer_capacity(1024)
                .from_writer(&mut self.buf);
            csv_out::write_page_row(&mut row, record, &self.site)?;
            row.flush()?;
            drop(row);
            Ok::<_, io::Error>(json)
        })();
        let json = match encoded {
            Ok(json) => json,
            Err(e) => {
                self.buf.truncate(start);
                return Err(e);
            }
        };
        let size =
            |n: usize| u32::try_from(n).map_err(|_| io::Error::other("page record too large"));
        Ok(Fragment {
            chunk: UNWRITTEN,
            offset: size(start)?,
            json: size(json)?,
            csv: size(self.buf.len() - start - json)?,
        })
    }

    fn write(&mut self, spill: &PageSpill) {
        if self.buf.is_empty() {
            return;
        }
        let chunk = self.take_chunk(0);
        self.written(spill.write_chunk(chunk));
    }

    /// The encoded pages and their numbers, the buffer left empty with
    /// room for `capacity` bytes.
    fn take_chunk(&mut self, capacity: usize) -> FullChunk {
        FullChunk {
            bytes: std::mem::replace(&mut self.buf, Vec::with_capacity(capacity)),
            pages: std::mem::take(&mut self.unwritten),
        }
    }
}

/// A chunk of a site's encoded pages, to be written.
#[derive(Debug)]
pub struct FullChunk {
    bytes: Vec<u8>,
    pages: Vec<u32>,
}

/// Where a [`FullChunk`] went.
#[derive(Debug)]
pub struct WrittenChunk {
    index: u32,
    pages: Vec<u32>,
    failed: Option<io::Error>,
}

#[cfg(test)]
pub(crate) mod tests;

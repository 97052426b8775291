//! `report.json`: the run's own fields, then its sites one at a time, a
//! spilled site's pages copied from the spill file as the bytes pass.

use crate::csv_out;
use crate::model::{RunReport, SiteReport};
use crate::spill::{PageSpill, SpilledPages};
use std::io::{self, Write};
use std::path::Path;

/// Writes `report.json` a site at a time, so that a spilled site's pages
/// go from the spill file to the report without being read back.
pub(crate) fn write_json(
    path: &Path,
    run: &mut RunReport,
    spill: Option<&PageSpill>,
) -> io::Result<()> {
    let mut w = io::BufWriter::new(std::fs::File::create(path)?);
    // The run's own fields, then its sites; key order means nothing to a
    // JSON reader.
    let sites = std::mem::take(&mut run.sites);
    let head = serde_json::to_value(&*run);
    run.sites = sites;
    let serde_json::Value::Object(mut head) = head.map_err(io::Error::other)? else {
        return Err(io::Error::other("a run does not serialise as an object"));
    };
    head.remove("sites");
    let head = serde_json::to_vec(&head).map_err(io::Error::other)?;
    w.write_all(&head[..head.len() - 1])?;
    w.write_all(if head.len() > 2 {
        b",\"sites\":["
    } else {
        b"\"sites\":["
    })?;
    for (i, site) in run.sites.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_site_json(&mut w, site, spill)?;
    }
    w.write_all(b"]}")?;
    w.flush()
}

/// Writes one site's JSON object, its pages from `spill` when spilled.
/// Streamed: a site's findings can be tens of MB of JSON (a dead link in
/// the template is one finding on every page).
fn write_site_json(
    w: &mut dyn Write,
    site: &SiteReport,
    spill: Option<&PageSpill>,
) -> io::Result<()> {
    let Some(pages) = &site.spilled else {
        return serde_json::to_writer(w, site).map_err(io::Error::other);
    };
    let spill = spill.ok_or_else(|| csv_out::not_in_spill(site))?;
    let mut splice = PagesSplice {
        out: w,
        pages,
        spill,
        matched: 0,
        done: false,
    };
    serde_json::to_writer(&mut splice, site).map_err(io::Error::other)?;
    if !splice.done {
        return Err(io::Error::other("a site's JSON has no pages field"));
    }
    Ok(())
}

/// Passes a spilled site's JSON through, writing its pages from the spill
/// file in place of the empty array its `pages` field serialises as. The
/// first `"pages":[]` is the field's: the fields before it are strings and
/// arrays of strings, in which every quote is escaped, so the sequence
/// cannot occur inside them.
struct PagesSplice<'a> {
    out: &'a mut dyn Write,
    pages: &'a SpilledPages,
    spill: &'a PageSpill,
    /// How many bytes of [`EMPTY_PAGES`] the output has just ended with.
    matched: usize,
    /// Whether the pages are written: the rest passes through.
    done: bool,
}

/// What an empty `pages` field serialises as.
const EMPTY_PAGES: &[u8] = b"\"pages\":[]";

impl Write for PagesSplice<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.done {
            return self.out.write_all(buf);
        }
        // `[` (the array's opening) is held back until the next byte shows
        // whether it opens the empty array; everything else is written.
        let open = EMPTY_PAGES.len() - 2;
        let mut from = 0;
        for (i, &b) in buf.iter().enumerate() {
            if self.matched == open + 1 {
                if b == b']' {
                    self.out.write_all(&buf[from..i])?;
                    self.spill.copy_json(self.pages, self.out)?;
                    self.done = true;
                    return self.out.write_all(&buf[i + 1..]);
                }
                // Not the empty array after all: the held `[` goes out.
                self.out.write_all(&buf[from..i])?;
                self.out.write_all(b"[")?;
                from = i;
                self.matched = 0;
            }
            // A mismatched byte can only start a new match: the pattern's
            // one border, `"`, would need a letter right after a string's
            // closing quote, which JSON never has.
            self.matched = if b == EMPTY_PAGES[self.matched] {
                self.matched + 1
            } else {
                usize::from(b == EMPTY_PAGES[0])
            };
            if self.matched == open + 1 {
                self.out.write_all(&buf[from..i])?;
                from = i + 1;
            }
        }
        self.out.write_all(&buf[from..])
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_json_streamed_in_any_pieces_gets_its_pages_in_the_one_right_place() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let spill = PageSpill::in_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let mut site = crate::spill::tests::run().sites.remove(2);
        spill.put(&mut site).unwrap_or_else(|e| panic!("{e}"));
        let Some(pages) = &site.spilled else {
            panic!("not spilled")
        };
        let mut expected_pages = Vec::new();
        spill
            .copy_json(pages, &mut expected_pages)
            .unwrap_or_else(|e| panic!("{e}"));
        let expected_pages = String::from_utf8_lossy(&expected_pages).into_owned();
        // Near misses first (an escaped quote, a `[` that opens something
        // else, a string that ends after `"pa`), then the field, then the
        // sequence again; written in pieces of every size.
        let input = r#"{"a":"x\"pages\":[]","b":"pages":[1],"c":"pa","pages":[],"z":"\"pages\":[]","y":"pages":[]}"#;
        let expected = input.replacen(
            r#","pages":[],"#,
            &format!(r#","pages":{expected_pages},"#),
            1,
        );
        assert_ne!(expected, input);
        for piece in [1, 2, 3, 5, 7, 11, input.len()] {
            let mut out = Vec::new();
            let mut splice = PagesSplice {
                out: &mut out,
                pages,
                spill: &spill,
                matched: 0,
                done: false,
            };
            for part in input.as_bytes().chunks(piece) {
                splice.write_all(part).unwrap_or_else(|e| panic!("{e}"));
            }
            assert!(splice.done, "pieces of {piece}");
            assert_eq!(String::from_utf8_lossy(&out), expected, "pieces of {piece}");
        }
    }
}

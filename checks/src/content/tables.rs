//! Tables read once, on demand: boards and consultation lists are often
//! tables with a header row (留言时间 | 回复时间 | 状态). Built only when a
//! reader asks, from the page's one parse.

use crate::text::push_collapsed;
use scraper::{ElementRef, Html, Selector};
use std::cell::OnceCell;
use url::Url;

/// One row: its cells' texts and its first link (resolved URL, text).
#[derive(Debug, Clone, Default)]
pub(crate) struct Row {
    pub cells: Vec<String>,
    pub link: Option<(String, String)>,
}

/// One table: its own rows (not those of tables nested in it).
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub rows: Vec<Row>,
}

impl Table {
    /// The first row whose cells name a column with one of each label list
    /// (in order): the header's position and each list's column index.
    pub(crate) fn header(&self, wanted: &[&[String]]) -> Option<(usize, Vec<Option<usize>>)> {
        for (i, row) in self.rows.iter().enumerate().take(5) {
            let columns: Vec<Option<usize>> = wanted
                .iter()
                .map(|labels| {
                    row.cells.iter().position(|c| {
                        c.chars().count() <= 12 && labels.iter().any(|l| c.contains(l.as_str()))
                    })
                })
                .collect();
            if columns.iter().any(Option::is_some) {
                return Some((i, columns));
            }
        }
        None
    }
}

const MAX_TABLES: usize = 64;
const MAX_ROWS: usize = 500;
const MAX_CELL_CHARS: usize = 200;

/// The page's tables, read on first use.
pub(crate) struct TablesOnce<'a> {
    doc: &'a Html,
    base: &'a Url,
    tables: OnceCell<Vec<Table>>,
}

impl<'a> TablesOnce<'a> {
    pub(crate) fn new(doc: &'a Html, base: &'a Url) -> TablesOnce<'a> {
        TablesOnce {
            doc,
            base,
            tables: OnceCell::new(),
        }
    }

    pub(crate) fn get(&self) -> &[Table] {
        self.tables.get_or_init(|| read_tables(self.doc, self.base))
    }
}

fn selector(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

fn read_tables(doc: &Html, base: &Url) -> Vec<Table> {
    let (Some(table_sel), Some(a_sel)) = (selector("table"), selector("a[href]")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for table in doc.select(&table_sel).take(MAX_TABLES) {
        let mut rows = Vec::new();
        collect_rows(table, &mut rows, &a_sel, base);
        if rows.len() >= 2 {
            out.push(Table { rows });
        }
    }
    out
}

/// The table's own rows: descends through thead/tbody/tfoot, not into nested tables.
fn collect_rows(el: ElementRef<'_>, rows: &mut Vec<Row>, a_sel: &Selector, base: &Url) {
    for child in el.children().filter_map(ElementRef::wrap) {
        if rows.len() >= MAX_ROWS {
            return;
        }
        match child.value().name() {
            "thead" | "tbody" | "tfoot" => collect_rows(child, rows, a_sel, base),
            "tr" => {
                let mut row = Row::default();
                for cell in child.children().filter_map(ElementRef::wrap) {
                    if !matches!(cell.value().name(), "td" | "th") {
                        continue;
                    }
                    let mut text = String::new();
                    for t in cell.text() {
                        if text.len() > MAX_CELL_CHARS * 3 {
                            break;
                        }
                        push_collapsed(&mut text, t);
                    }
                    row.cells.push(text.trim().to_string());
                }
                if let Some(a) = child.select(a_sel).next() {
                    let href = a.value().attr("href").unwrap_or("");
                    if let Ok(mut u) = base.join(href.trim()) {
                        if matches!(u.scheme(), "http" | "https") {
                            u.set_fragment(None);
                            let mut text = String::new();
                            for t in a.text() {
                                push_collapsed(&mut text, t);
                            }
                            let text = match a.value().attr("title") {
                                Some(t) if text.trim().is_empty() || text.contains("...") => {
                                    t.trim().to_string()
                                }
                                _ => text.trim().to_string(),
                            };
                            row.link = Some((u.to_string(), text));
                        }
                    }
                }
                if !row.cells.is_empty() {
                    rows.push(row);
                }
            }
            _ => {}
        }
    }
}

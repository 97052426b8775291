//! Site lists: a CSV of `name,url` (with a header row or without), more
//! columns kept. A bad line is reported with its number and skipped.

use crate::crawl::site::SiteSpec;
use crate::run::UsageError;
use govscan_checks::content::SiteLevel;
use govscan_reports::model::{SiteListReport, SkippedLine};
use std::collections::HashSet;
use url::Url;

/// A problem with one line of a site list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line number.
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for BadLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第{}行：{}", self.line, self.message)
    }
}

/// Parses a home-page URL as people write it (`www.x.gov.cn` means
/// `http://www.x.gov.cn/`). A site is an http(s) URL or a bare host whose
/// host is a name with at least one dot, an IP address or `localhost`;
/// anything else (a lone word, a name, another scheme) is refused with a
/// reason in Chinese.
pub fn parse_site_url(raw: &str) -> Result<Url, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("网址为空".into());
    }
    let lower = raw.to_ascii_lowercase();
    let with_scheme = if lower.starts_with("http://") || lower.starts_with("https://") {
        raw.to_string()
    } else if raw.contains("://") {
        return Err(format!("“{raw}”不是 http/https 网址"));
    } else {
        format!("http://{raw}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| {
        let why = match e {
            url::ParseError::EmptyHost => "缺少主机名",
            url::ParseError::InvalidPort => "端口号无效",
            url::ParseError::InvalidIpv4Address | url::ParseError::InvalidIpv6Address => {
                "IP地址无效"
            }
            url::ParseError::InvalidDomainCharacter | url::ParseError::IdnaError => {
                "域名含有不允许的字符"
            }
            _ => "格式错误",
        };
        format!("“{raw}”不是有效的网址（{why}）")
    })?;
    let host_ok = match url.host() {
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.');
            name.eq_ignore_ascii_case("localhost")
                || (name.contains('.') && name.split('.').all(|label| !label.is_empty()))
        }
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
        None => false,
    };
    if !host_ok {
        return Err(format!(
            "“{raw}”不是网址：主机名应为带点的域名（如 www.example.gov.cn）、IP地址或 localhost"
        ));
    }
    Ok(url)
}

/// Parses a site list. Returns the sites and the bad lines (duplicates included).
/// Blank lines and `#` comments are neither.
pub fn parse_site_list(text: &str) -> (Vec<SiteSpec>, Vec<BadLine>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut sites = Vec::new();
    let mut bad = Vec::new();
    let mut seen = HashSet::new();
    let mut header: Option<Vec<String>> = None;
    let (mut name_col, mut url_col) = (0usize, 1usize);
    let mut first = true;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                bad.push(BadLine {
                    line,
                    message: format!(
                        "无法读取（CSV格式错误，如引号未闭合）：{}",
                        e.to_string().chars().take(80).collect::<String>()
                    ),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cells: Vec<&str> = record.iter().collect();
        if cells.iter().all(|c| c.is_empty()) || cells[0].starts_with('#') {
            continue;
        }
        if first {
            first = false;
            let lower: Vec<String> = cells.iter().map(|c| c.to_ascii_lowercase()).collect();
            if let Some(u) = lower.iter().position(|c| c == "url" || c == "网址") {
                url_col = u;
                name_col = lower
                    .iter()
                    .position(|c| c == "name" || c == "名称")
                    .unwrap_or(usize::MAX);
                header = Some(cells.iter().map(|c| c.to_string()).collect());
                continue;
            }
        }
        let (name, raw_url) = if cells.len() == 1 {
            ("", cells[0])
        } else {
            (
                cells.get(name_col).copied().unwrap_or(""),
                cells.get(url_col).copied().unwrap_or(""),
            )
        };
        let url = match parse_site_url(raw_url) {
            Ok(u) => u,
            Err(message) => {
                bad.push(BadLine { line, message });
                continue;
            }
        };
        let key = crate::crawl::urlnorm::normalise(&url).to_string();
        if !seen.insert(key) {
            bad.push(BadLine {
                line,
                message: format!("网址“{raw_url}”重复，已跳过"),
            });
            continue;
        }
        let level_col = header.as_ref().and_then(|h| {
            h.iter()
                .position(|c| c.eq_ignore_ascii_case("level") || c == "级别" || c == "层级")
        });
        let level = match level_col
            .and_then(|i| cells.get(i))
            .filter(|c| !c.is_empty())
        {
            None => None,
            Some(cell) => match SiteLevel::parse(cell) {
                Some(level) => Some(level),
                None => {
                    bad.push(BadLine {
                        line,
                        message: format!(
                            "level 列的值“{cell}”无效：应为 government（人民政府门户网站）或 department（部门网站），或留空"
                        ),
                    });
                    continue;
                }
            },
        };
        let extra = cells
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != name_col && *i != url_col && Some(*i) != level_col)
            .map(|(i, v)| {
                let key = header
                    .as_ref()
                    .and_then(|h| h.get(i).cloned())
                    .unwrap_or_else(|| format!("col{}", i + 1));
                (key, v.to_string())
            })
            .collect();
        let name = if name.is_empty() {
            url.host_str().unwrap_or("").to_string()
        } else {
            name.to_string()
        };
        sites.push(SiteSpec {
            name,
            seed: url,
            extra,
            level,
        });
    }
    (sites, bad)
}

/// The sites named on the command line and in a site list, and what the
/// list held (its skipped lines are reported, never hidden).
pub fn collect_sites(
    urls: &[String],
    list: Option<&std::path::Path>,
) -> anyhow::Result<(Vec<SiteSpec>, Option<SiteListReport>)> {
    let mut sites = Vec::new();
    for raw in urls {
        let seed = parse_site_url(raw).map_err(|e| {
            UsageError(format!(
                "{e}; give home page URLs such as https://www.example.gov.cn/ (see govscan scan --help)"
            ))
        })?;
        sites.push(SiteSpec {
            name: seed.host_str().unwrap_or("").to_string(),
            seed,
            extra: Vec::new(),
            level: None,
        });
    }
    let mut report = None;
    if let Some(path) = list {
        let text = std::fs::read(path)
            .map_err(|e| UsageError(format!("cannot read site list {}: {e}", path.display())))?;
        let text = String::from_utf8_lossy(&text);
        let (listed, bad) = parse_site_list(&text);
        for b in &bad {
            eprintln!("govscan: {}: {b}（已跳过）", path.display());
        }
        let file = path.display().to_string();
        report = Some(SiteListReport {
            lines: listed.len() + bad.len(),
            sites: 0,
            skipped: bad
                .iter()
                .map(|b| SkippedLine {
                    file: file.clone(),
                    line: b.line,
                    reason: b.message.clone(),
                })
                .collect(),
        });
        sites.extend(listed);
    }
    if let Some(r) = report.as_mut() {
        r.sites = sites.len();
        eprintln!("govscan: {}", r.summary_zh());
    }
    if sites.is_empty() {
        return Err(UsageError(
            "nothing to scan: give one or more URLs or --sites FILE with at least one valid line (see govscan scan --help)"
                .into(),
        )
        .into());
    }
    Ok((sites, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_extra_columns_and_bad_lines() {
        let text = "\u{feff}name,url,区县\n示例县,http://www.a.gov.cn/,甲\n坏行,ht!tp://,乙\n\n# 注释\n空网址,,丙\n重复,www.a.gov.cn,丁\n乙局,b.gov.cn\n\"未闭合,http://c.gov.cn\n";
        let (sites, bad) = parse_site_list(text);
        let names: Vec<&str> = sites.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["示例县", "乙局"]);
        assert_eq!(sites[0].extra, vec![("区县".to_string(), "甲".to_string())]);
        assert_eq!(sites[1].seed.as_str(), "http://b.gov.cn/");
        let lines: Vec<u64> = bad.iter().map(|b| b.line).collect();
        assert_eq!(&lines[..3], &[3, 6, 7], "{bad:?}");
        assert!(bad.iter().any(|b| b.message.contains("重复")));
    }

    #[test]
    fn what_counts_as_a_site() {
        for ok in [
            "www.x.gov.cn",
            "http://www.x.gov.cn/",
            "HTTPS://x.gov.cn:8443/index.html",
            "127.0.0.1:8080",
            "http://[::1]:8080/",
            "localhost:3000",
            "示例.政务.cn",
        ] {
            assert!(parse_site_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "foo",
            "示例县",
            "http://intranet/",
            "ftp://x.gov.cn/",
            "http://",
            "x..cn",
            "",
        ] {
            let err = parse_site_url(bad).unwrap_err();
            assert!(!err.is_ascii(), "a Chinese reason for {bad}: {err}");
        }
        assert_eq!(
            parse_site_url("www.x.gov.cn").unwrap().as_str(),
            "http://www.x.gov.cn/"
        );
    }

    #[test]
    fn level_column() {
        let text = "name,url,level\n县政府,www.a.gov.cn,government\n县教育局,jyj.a.gov.cn,部门\n县医院,yy.a.gov.cn,\n坏,b.gov.cn,county\n";
        let (sites, bad) = parse_site_list(text);
        let levels: Vec<_> = sites.iter().map(|s| s.level).collect();
        assert_eq!(
            levels,
            vec![
                Some(SiteLevel::Government),
                Some(SiteLevel::Department),
                None
            ]
        );
        assert!(
            sites.iter().all(|s| s.extra.is_empty()),
            "level is not an extra column"
        );
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 5);
        assert!(bad[0].message.contains("government"), "{}", bad[0].message);
    }

    #[test]
    fn no_header_and_url_only() {
        let (sites, bad) = parse_site_list("http://www.x.gov.cn\n县局,http://y.gov.cn/\n");
        assert_eq!(sites.len(), 2);
        assert_eq!(sites[0].name, "www.x.gov.cn");
        assert!(bad.is_empty());
    }
}

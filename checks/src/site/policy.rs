//! Policy documents and their interpretations paired over the whole site
//! (国办发〔2016〕80号 三同步).

use super::*;

fn book_title(s: &str) -> Option<&str> {
    let start = s.find('《')? + '《'.len_utf8();
    let end = s[start..].find('》')? + start;
    Some(&s[start..end])
}

/// Whether an interpretation's headline names a document's title.
pub(super) fn titles_match(interp: &str, doc: &str) -> bool {
    let named = book_title(interp).map(str::to_string).unwrap_or_else(|| {
        let mut t = interp.to_string();
        for k in [
            "政策解读",
            "图文解读",
            "一图读懂",
            "一图看懂",
            "解读",
            "问答",
            "答记者问",
            "：",
            ":",
        ] {
            t = t.replace(k, "");
        }
        t
    });
    let named = named.trim();
    named.chars().count() >= 6 && (doc.contains(named) || named.contains(doc.trim()))
}

pub(super) fn policy_pairing(
    input: &SiteInput<'_>,
    profile: &Profile,
    out: &mut Out<'_>,
    summary: &mut SiteSummary,
) {
    let docs: Vec<&SitePage<'_>> = input
        .pages
        .iter()
        .filter(|p| p.facts.kind == PageKind::Policy)
        .collect();
    let interps: Vec<&SitePage<'_>> = input
        .pages
        .iter()
        .filter(|p| p.facts.kind == PageKind::Interpretation)
        .collect();
    summary.policy_documents = docs.len();
    summary.interpretations = interps.len();
    let doc_by_url: HashMap<&str, &SitePage<'_>> = docs.iter().map(|d| (d.url, *d)).collect();
    let interp_by_url: HashMap<&str, &SitePage<'_>> = interps.iter().map(|i| (i.url, *i)).collect();
    let doc_no = |d: &SitePage<'_>| {
        d.facts
            .policy()
            .and_then(|m| m.doc_no.clone())
            .filter(|n| n.chars().count() > 3)
    };
    // Which document each interpretation is about: by its links, else by title or 文号.
    let mut pair_of: HashMap<&str, &SitePage<'_>> = HashMap::new();
    let mut linked_doc: HashSet<&str> = HashSet::new();
    for i in &interps {
        let by_link = i
            .facts
            .related()
            .iter()
            .find_map(|r| doc_by_url.get(&*r.url).copied());
        if let Some(d) = by_link {
            linked_doc.insert(i.url);
            pair_of.insert(i.url, d);
        } else if let Some(d) = docs.iter().find(|d| {
            titles_match(i.facts.headline(), d.facts.headline())
                || doc_no(d).is_some_and(|n| i.facts.headline().contains(&n))
        }) {
            pair_of.insert(i.url, d);
        }
    }
    let window = profile.policy.interpretation_window_workdays;
    for i in &interps {
        let pair = pair_of.get(i.url);
        if !linked_doc.contains(i.url) {
            let dead: Vec<&str> = i
                .facts
                .related()
                .iter()
                .filter(|r| input.dead.contains(&*r.url))
                .filter(|r| {
                    r.text.contains('《')
                        || [
                            "通知", "意见", "办法", "规定", "方案", "细则", "政策", "决定", "文件",
                            "原文",
                        ]
                        .iter()
                        .any(|k| r.text.contains(k))
                })
                .map(|r| &*r.url)
                .collect();
            if let Some(target) = dead.first() {
                out.push(
                    CheckId::InterpretationOrphan,
                    i.url,
                    target,
                    "dead",
                    "解读页面关联的政策文件链接已失效（死链），解读失去对应的原文".to_string(),
                    i.facts.headline().to_string(),
                    false,
                );
            } else {
                let detail = match pair {
                    Some(d) => format!(
                        "解读页面未链接其政策文件原文“{}”（{}），应在解读中提供原文链接",
                        d.facts.headline(),
                        d.url
                    ),
                    None => "解读页面未链接任何政策文件原文，站内也未找到标题或文号对应的文件"
                        .to_string(),
                };
                out.push(
                    CheckId::InterpretationNoBacklink,
                    i.url,
                    pair.map_or("", |d| d.url),
                    "no_link",
                    detail,
                    i.facts.headline().to_string(),
                    false,
                );
            }
        }
        if let Some(d) = pair {
            if let (Some(dp), Some(ip)) = (d.facts.published(), i.facts.published()) {
                let n = profile.calendar.working_days_between(dp, ip);
                if n.days > window {
                    let caveat = if n.covered {
                        ""
                    } else {
                        "（日期超出节假日表范围，仅按周末计算）"
                    };
                    out.push(
                        CheckId::InterpretationLate,
                        i.url,
                        d.url,
                        "late",
                        format!("解读发布于{ip}，比政策文件（{dp}）晚{}个工作日，超过{}个工作日的同步要求{caveat}", n.days, window),
                        format!("文件 {dp}；解读 {ip}"),
                        false,
                    );
                }
            }
        }
    }
    for d in &docs {
        let meta = match d.facts.policy() {
            Some(m) => m,
            None => continue,
        };
        if !needs_interpretation(d.facts.column.as_deref(), meta, profile) {
            continue;
        }
        summary.policy_needing_interpretation += 1;
        if d.facts
            .related()
            .iter()
            .any(|r| interp_by_url.contains_key(&*r.url))
        {
            continue;
        }
        summary.policy_without_interpretation += 1;
        let elsewhere: Vec<&&SitePage<'_>> = interps
            .iter()
            .filter(|i| pair_of.get(i.url).is_some_and(|p| p.url == d.url))
            .collect();
        let detail = match elsewhere.first() {
            Some(i) if linked_doc.contains(i.url) => format!(
                "本文件未链接其政策解读；解读“{}”（{}）已链接本文件，请在本页增加“相关解读”链接",
                i.facts.headline(),
                i.url
            ),
            Some(i) => format!(
                "本文件未链接其政策解读；按标题/文号匹配到解读“{}”（{}），请互相链接",
                i.facts.headline(),
                i.url
            ),
            None => "本文件需要政策解读，但页面未链接解读，站内也未找到对应的解读".to_string(),
        };
        out.push(
            CheckId::PolicyNoInterpretation,
            d.url,
            elsewhere.first().map_or("", |i| i.url),
            if elsewhere.is_empty() {
                "none"
            } else {
                "unlinked"
            },
            detail,
            meta.doc_no
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| d.facts.headline().to_string()),
            false,
        );
    }
}

//! The home page's extra checks, made once per site: a second fetch as a
//! search-engine spider (cloaking, and the certificate the host presents)
//! and the previous run's copy (defacement). The checks themselves are in
//! `govscan_checks::security`; this file fetches what they need.

use super::client::{Fetched, Want};
use super::jobs::{analyse_page_off_runtime, SiteShared};
use chrono::DateTime;
use govscan_checks::fetch::FetchResult;
use govscan_checks::page::PageFacts;
use govscan_checks::security::{certificate_findings, cloaking, defaced, CertificateFacts};
use govscan_checks::{Finding, PageAnalysis};
use url::Url;

/// What the home page's extra checks found: findings, and run-log notes
/// for what could not be checked.
#[derive(Debug, Default)]
pub(crate) struct HomeSide {
    pub(crate) findings: Vec<Finding>,
    pub(crate) notes: Vec<String>,
}

/// Runs the home page's extra checks. `previous` is the previous run's
/// copy of the home page when it changed since (None: unchanged, or no
/// previous run, or no history store).
pub(crate) async fn home_probes(
    shared: &SiteShared,
    home: &Url,
    visitor: &PageAnalysis,
    previous: Option<&PageFacts>,
) -> HomeSide {
    let ctx = &shared.ctx;
    let profile = &ctx.profile;
    let mut side = HomeSide::default();
    if let Some(before) = previous {
        side.findings.extend(defaced(
            &shared.name,
            home.as_str(),
            before,
            &visitor.facts,
            profile,
        ));
    }
    let fetched = ctx
        .fetcher
        .fetch_with(
            home,
            Want::AsSpider {
                cap: ctx.options.html_cap,
            },
            shared.site_private,
            true,
            None,
        )
        .await;
    if let Some(der) = &fetched.certificate {
        let final_url = Url::parse(&fetched.outcome.final_url).unwrap_or_else(|_| home.clone());
        if let Some(cert) = certificate_facts(der, final_url.host_str().unwrap_or_default()) {
            side.findings.extend(certificate_findings(
                &shared.name,
                home.as_str(),
                &cert,
                ctx.today,
                profile,
            ));
        }
    }
    let ok = matches!(fetched.outcome.result, FetchResult::Status(200..=299));
    if fetched.outcome.blocked.is_some() || !ok {
        side.notes.push(format!(
            "以搜索引擎蜘蛛身份访问首页未成功（{}），未检查搜索引擎劫持（cloaking）",
            fetched.outcome.status_label()
        ));
        return side;
    }
    let spider_final = Url::parse(&fetched.outcome.final_url).unwrap_or_else(|_| home.clone());
    let (_, spider, _): (Fetched, _, _) =
        analyse_page_off_runtime(ctx, fetched, spider_final.clone(), &shared.name, true).await;
    side.findings.extend(cloaking(
        &shared.name,
        home,
        visitor,
        &spider_final,
        spider.as_ref(),
        profile,
    ));
    side
}

/// The facts of a DER certificate that the checks judge.
pub(crate) fn certificate_facts(der: &[u8], host: &str) -> Option<CertificateFacts> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let date = |t: x509_parser::time::ASN1Time| {
        DateTime::from_timestamp(t.timestamp(), 0).map(|d| d.date_naive())
    };
    let validity = cert.validity();
    let cn = |name: &x509_parser::x509::X509Name<'_>| {
        name.iter_common_name()
            .next()
            .or_else(|| name.iter_organization().next())
            .and_then(|a| a.as_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let mut names: Vec<String> = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            if let x509_parser::extensions::GeneralName::DNSName(n) = name {
                names.push(n.to_string());
            }
        }
    }
    let subject = cn(cert.subject());
    if names.is_empty() && !subject.is_empty() {
        names.push(subject.clone());
    }
    Some(CertificateFacts {
        host: host.to_string(),
        issuer: cn(cert.issuer()),
        subject,
        not_before: date(validity.not_before)?,
        not_after: date(validity.not_after)?,
        names,
        self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
    })
}

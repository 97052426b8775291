//! Certificates, for information (no national mandate): expired, not yet
//! valid, expiring soon, for another host, or self-signed. govscan audits a
//! site with such a certificate as a person clicking through the browser's
//! warning would; a handshake that fails, or no TLS at all, stays "not
//! audited" (see `audit`).

use crate::finding::{CheckId, Finding};
use crate::profile::Profile;
use crate::sink::FindingSink;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What the crawler read from the certificate the site's host presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CertificateFacts {
    /// The host that was asked for.
    pub host: String,
    /// The subject's common name, if any.
    pub subject: String,
    /// The issuer's common name or organisation.
    pub issuer: String,
    /// Valid from.
    pub not_before: NaiveDate,
    /// Valid until.
    pub not_after: NaiveDate,
    /// DNS names it is for (subject alternative names, else the common name).
    pub names: Vec<String>,
    /// Issuer and subject are the same: nobody vouches for it.
    pub self_signed: bool,
}

impl CertificateFacts {
    /// Whether the certificate names `host` (one `*.` label allowed).
    pub fn covers(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.names.iter().any(|n| {
            let n = n.trim_end_matches('.').to_ascii_lowercase();
            match n.strip_prefix("*.") {
                Some(rest) => host
                    .split_once('.')
                    .is_some_and(|(label, tail)| !label.is_empty() && tail == rest),
                None => n == host,
            }
        })
    }
}

/// The certificate's problems on `today`, as one finding on the home page.
pub fn certificate_findings(
    site: &str,
    home: &str,
    cert: &CertificateFacts,
    today: NaiveDate,
    profile: &Profile,
) -> Vec<Finding> {
    let mut problems: Vec<(String, &str)> = Vec::new();
    if today > cert.not_after {
        problems.push((format!("证书已于{}过期", cert.not_after), "expired"));
    } else if today < cert.not_before {
        problems.push((format!("证书{}才生效", cert.not_before), "not_yet_valid"));
    } else {
        let left = (cert.not_after - today).num_days();
        if left <= profile.security.tls_expiry_warning_days {
            problems.push((
                format!("证书将于{}过期（还剩{left}天）", cert.not_after),
                "expiring",
            ));
        }
    }
    if !cert.covers(&cert.host) {
        problems.push((
            format!(
                "证书不包含本站域名 {}（证书适用于：{}）",
                cert.host,
                cert.names.join("、")
            ),
            "wrong_host",
        ));
    }
    if cert.self_signed {
        problems.push((
            "证书为自签名证书，浏览器会提示不安全".to_string(),
            "self_signed",
        ));
    }
    let Some((_, status)) = problems.first() else {
        return Vec::new();
    };
    let mut sink = FindingSink::new(site, home, true, profile);
    sink.push(
        CheckId::SecurityTls,
        &format!("https://{}/", cert.host),
        status,
        problems
            .iter()
            .map(|(d, _)| d.as_str())
            .collect::<Vec<_>>()
            .join("；"),
        format!(
            "颁发者：{}；有效期：{}至{}",
            cert.issuer, cert.not_before, cert.not_after
        ),
    );
    sink.into_vec()
}

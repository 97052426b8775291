//! Mixed content: an https page loading http resources (information only).

use crate::finding::CheckId;
use crate::links::{Link, LinkKind, LinkTarget};
use crate::sink::FindingSink;
use url::Url;

/// One finding per https page that loads http images, scripts, styles,
/// frames or media (links to http pages are not mixed content).
pub(crate) fn mixed_content(page: &Url, links: &[Link], sink: &mut FindingSink<'_>) {
    if page.scheme() != "https" {
        return;
    }
    let mut loaded: Vec<&str> = Vec::new();
    for link in links {
        let resource = match link.kind {
            LinkKind::Image | LinkKind::Script | LinkKind::Frame | LinkKind::Media => true,
            LinkKind::LinkTag => link.text.contains("stylesheet") || link.text.contains("icon"),
            _ => false,
        };
        if let (true, LinkTarget::Web(u)) = (resource, &link.target) {
            if u.scheme() == "http" && !loaded.contains(&u.as_str()) {
                loaded.push(u.as_str());
            }
        }
    }
    let Some(first) = loaded.first() else {
        return;
    };
    sink.push(
        CheckId::SecurityMixedContent,
        first,
        "mixed",
        format!(
            "HTTPS页面加载了{}个HTTP资源（浏览器会拦截或提示不安全）",
            loaded.len()
        ),
        loaded.iter().take(3).copied().collect::<Vec<_>>().join(" "),
    );
}

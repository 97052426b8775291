//! The IPv6 plants (a listener on `[::1]` serves the same portal; which
//! hosts have an AAAA record is [`super::Demo::v6_hosts`]):
//!
//! - PLANTED `ipv6.home`: the education bureau's host has no AAAA record.
//! - PLANTED `ipv6.links`: eight of the county portal's level-2 columns
//!   answer 404 over IPv6 (a platform that only partly moved to IPv6).
//! - PLANTED `ipv6.consistency`: the portal's home page over IPv6 is an
//!   old copy with another title.
//! - PLANTED `ipv6.embedded`: the home page shows a visitor counter from a
//!   host without an AAAA record.
//!
//! Returns the home page's markup that embeds the counter.

use super::{Gen, SiteInfo};
use crate::server::Route;

/// A statistics host with an IPv4 address only.
pub const COUNTER_HOST: &str = "count.sfx-cdn-demo.cn";

/// The columns that fail over IPv6.
const GONE_OVER_V6: &[&str] = &[
    "/zwgk/jgzn/",
    "/zwgk/ldzc/",
    "/zwgk/ndbg/",
    "/hdjl/xzxx/",
    "/hdjl/zxts/",
    "/hdjl/yjzj/",
    "/hdjl/cjwt/",
    "/zwgk/czxx/",
];

pub(super) fn build(g: &mut Gen, site: &SiteInfo) -> String {
    for path in GONE_OVER_V6 {
        g.portal.add_v6(
            site.host.as_str(),
            path,
            Route::new(404, "text/html; charset=utf-8", "<h1>404 Not Found</h1>"),
        );
    }
    let old = "<html><head><title>示范县人民政府（IPv6 旧版镜像）</title></head><body><p>本页面为旧版镜像。</p></body></html>";
    for path in ["/", "/index.html"] {
        g.portal.add_v6(site.host.as_str(), path, Route::html(old));
    }
    g.portal.add(
        COUNTER_HOST,
        "/counter.png",
        Route::new(200, "image/png", vec![0u8; 64]),
    );
    format!(
        r#"<div class="counter"><img src="http://{COUNTER_HOST}:{}/counter.png" alt="访问量"></div>"#,
        g.port
    )
}

//! Fuzzes page analysis: any bytes, any content type, home page or not.
#![no_main]

use govscan_checks::page::{analyse_page, finish_footer, PageInput};
use govscan_checks::Profile;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn profile() -> &'static Profile {
    static P: OnceLock<Profile> = OnceLock::new();
    P.get_or_init(Profile::national)
}

fuzz_target!(|data: &[u8]| {
    let (flags, body) = data.split_first().map_or((0, data), |(f, rest)| (*f, rest));
    let content_type = match flags % 4 {
        0 => None,
        1 => Some("text/html; charset=utf-8"),
        2 => Some("text/html; charset=gbk"),
        _ => Some("text/html; charset=big5"),
    };
    let url = url::Url::parse("http://www.fuzz.gov.cn/a/b/index.html").expect("valid");
    let input = PageInput {
        site: "fuzz",
        url: &url,
        body,
        content_type,
        is_home: flags & 4 != 0,
        truncated: flags & 8 != 0,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid"),
    };
    let mut analysis = analyse_page(&input, profile());
    finish_footer(&mut analysis, "fuzz", url.as_str(), input.is_home, &[], profile());
});

//! Turning page bytes into text with the right charset.
//!
//! Government sites still serve GBK, GB2312, GB18030 and BIG5, and some
//! declare GBK while sending UTF-8 (a CMS migration that kept the old
//! template). So a declaration is trusted only when the bytes agree with it;
//! otherwise chardetng decides.

use encoding_rs::{Encoding, UTF_8};
use regex::bytes::Regex;
use std::sync::OnceLock;

/// Where the charset used for decoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// A byte-order mark.
    Bom,
    /// The HTTP `Content-Type` header.
    Header,
    /// A `<meta charset>` or `http-equiv` declaration.
    Meta,
    /// Detected from the bytes (no usable declaration, or the declaration was wrong).
    Detected,
}

/// A decoded page.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding's canonical name (`UTF-8`, `GBK`, `gb18030`, `Big5`...).
    pub charset: &'static str,
    /// Where the charset came from.
    pub source: CharsetSource,
}

// A byte pattern written here; the charset tests run it.
#[allow(clippy::expect_used)]
fn meta_charset_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?i-u)<meta[^>]{0,512}?charset\s*=\s*["']?\s*([a-z0-9_:.\-]{2,40})"#)
            .expect("a built-in regular expression is valid")
    })
}

/// The charset named in a `Content-Type` header value, if any.
pub fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let pos = lower.find("charset=")?;
    let value = lower[pos + 8..]
        .trim_start_matches(['"', '\''])
        .split(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .next()?;
    Encoding::for_label(value.as_bytes())
}

/// The charset declared by `<meta>` in the first 4 KiB, if any.
pub fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let caps = meta_charset_re().captures(head)?;
    Encoding::for_label(caps.get(1)?.as_bytes())
}

/// Decodes an HTML body. `tld` (e.g. `cn`) helps detection when nothing is declared.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>, tld: Option<&str>) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: text.into_owned(),
            charset: enc.name(),
            source: CharsetSource::Bom,
        };
    }
    let declared = content_type
        .and_then(header_charset)
        .map(|e| (e, CharsetSource::Header))
        .or_else(|| meta_charset(bytes).map(|e| (e, CharsetSource::Meta)));
    // A UTF-16 declaration in an ASCII-compatible prescan is a lie (WHATWG).
    let declared = declared.map(|(e, s)| (e.output_encoding(), s));

    // Validated once: the text below is this slice when it is valid. With
    // SIMD: the standard library's check takes Chinese text a character at
    // a time (1.3% of a scan's instructions).
    let valid_utf8 = simdutf8::basic::from_utf8(bytes).ok();
    let is_utf8 = valid_utf8.is_some();
    match declared {
        Some((enc, source)) if enc == UTF_8 => {
            // Declared UTF-8 with a few broken bytes is still UTF-8 (a
            // truncated or badly pasted character); mostly invalid is not.
            if is_utf8 || mostly_utf8(bytes) {
                return utf8(bytes, valid_utf8, source);
            }
        }
        Some((enc, source)) => {
            // Declared a legacy charset but the bytes are valid UTF-8 with
            // non-ASCII content: they are UTF-8 (legacy multi-byte text is
            // almost never valid UTF-8 by accident).
            if is_utf8 && !bytes.is_ascii() {
                return utf8(bytes, valid_utf8, CharsetSource::Detected);
            }
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if !had_errors {
                return Decoded {
                    text: text.into_owned(),
                    charset: enc.name(),
                    source,
                };
            }
        }
        None => {
            if is_utf8 {
                return utf8(bytes, valid_utf8, CharsetSource::Detected);
            }
        }
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let enc = detector.guess(tld.map(str::as_bytes), true);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        charset: enc.name(),
        source: CharsetSource::Detected,
    }
}

/// Whether at most 10% of the non-ASCII bytes are in invalid UTF-8
/// sequences (legacy Chinese text read as UTF-8 is mostly invalid).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count();
    let mut invalid = 0usize;
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(_) => break,
            Err(e) => {
                let bad = e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                invalid += bad;
                rest = &rest[e.valid_up_to() + bad..];
            }
        }
    }
    non_ascii > 0 && invalid * 10 <= non_ascii
}

fn utf8(bytes: &[u8], valid: Option<&str>, source: CharsetSource) -> Decoded {
    Decoded {
        text: match valid {
            Some(text) => text.to_owned(),
            None => String::from_utf8_lossy(bytes).into_owned(),
        },
        charset: UTF_8.name(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "<html><head><title>县人民政府门户网站</title></head><body>政务公开 通知公告</body></html>";

    fn encode(label: &str, s: &str) -> Vec<u8> {
        let enc = Encoding::for_label(label.as_bytes()).unwrap();
        enc.encode(s).0.into_owned()
    }

    #[test]
    fn gbk_from_header() {
        let d = decode_html(&encode("gbk", TEXT), Some("text/html; charset=GBK"), None);
        assert_eq!(d.text, TEXT);
        assert_eq!(d.source, CharsetSource::Header);
    }

    #[test]
    fn gb2312_from_meta() {
        let page = TEXT.replace(
            "<head>",
            "<head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">",
        );
        let d = decode_html(&encode("gb2312", &page), Some("text/html"), None);
        assert_eq!(d.text, page);
        assert_eq!(d.source, CharsetSource::Meta);
    }

    #[test]
    fn big5_from_meta_charset() {
        let page = "<meta charset=big5><title>縣政府</title>";
        let d = decode_html(&encode("big5", page), None, None);
        assert_eq!(d.text, page);
    }

    #[test]
    fn gb18030_four_byte() {
        let page = "<meta charset=gb18030><p>𠀀 政府</p>";
        let d = decode_html(&encode("gb18030", page), None, None);
        assert_eq!(d.text, page);
    }

    #[test]
    fn declared_gbk_but_utf8_bytes() {
        let d = decode_html(TEXT.as_bytes(), Some("text/html; charset=gbk"), None);
        assert_eq!(d.text, TEXT);
        assert_eq!(d.charset, "UTF-8");
    }

    #[test]
    fn declared_utf8_but_gbk_bytes() {
        let long = TEXT.repeat(20);
        let d = decode_html(
            &encode("gbk", &long),
            Some("text/html; charset=utf-8"),
            Some("cn"),
        );
        assert_eq!(d.text, long);
    }

    #[test]
    fn undeclared_gbk_detected() {
        let long = TEXT.repeat(20);
        let d = decode_html(&encode("gbk", &long), None, Some("cn"));
        assert_eq!(d.text, long);
        assert_eq!(d.source, CharsetSource::Detected);
    }

    #[test]
    fn declared_utf8_with_a_few_broken_bytes_stays_utf8() {
        let mut bytes = "<title>县人民政府门户网站</title>".repeat(10).into_bytes();
        bytes.extend_from_slice(b"\xff\xfe");
        let d = decode_html(&bytes, Some("text/html; charset=utf-8"), Some("cn"));
        assert_eq!(d.charset, "UTF-8");
        assert!(d.text.starts_with("<title>县人民政府门户网站</title>"));
    }

    #[test]
    fn bom_wins() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(TEXT.as_bytes());
        let d = decode_html(&bytes, Some("text/html; charset=gbk"), None);
        assert_eq!(d.text, TEXT);
        assert_eq!(d.source, CharsetSource::Bom);
    }

    #[test]
    fn invalid_bytes_never_panic() {
        let d = decode_html(&[0xff, 0xfe, 0x00, 0x80, 0x81, b'<'], None, None);
        assert!(!d.charset.is_empty());
    }
}

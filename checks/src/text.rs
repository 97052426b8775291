//! Text as a reader sees it: white space folded.

/// Appends `s` to `out`, folding every run of white space (including
/// U+3000 and NBSP) into one space.
pub(crate) fn push_collapsed(out: &mut String, s: &str) {
    // Copies the runs between white space whole: a page's text is most of
    // its bytes, and a push per character showed in the profile. Looks at
    // bytes, not characters: white space is ASCII or starts with one of
    // four lead bytes (U+0085 and NBSP 0xC2, U+1680 0xE1, U+2000–U+205F
    // 0xE2, U+3000 0xE3), and a CJK character, which starts otherwise, is
    // never decoded or looked up in the Unicode tables. `i` stays on
    // character boundaries.
    // Folded, the text is never longer: one reservation instead of the
    // string doubling its way up run by run (callgrind: 460,000 growths on
    // 2,628 pages, most of them of link and list-item texts).
    out.reserve(s.len());
    let bytes = s.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let space_len = match b {
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => 1,
            0xC2 | 0xE1 | 0xE2 | 0xE3 => s[i..]
                .chars()
                .next()
                .filter(|c| c.is_whitespace())
                .map_or(0, char::len_utf8),
            _ => 0,
        };
        if space_len == 0 {
            // To the next character: one step for each of a CJK
            // character's three bytes was most of the scan.
            i += match b {
                0..=0x7F => 1,
                0xF0.. => 4,
                0xE0.. => 3,
                _ => 2,
            };
            continue;
        }
        out.push_str(&s[run_start..i]);
        if !out.is_empty() && !out.ends_with([' ', '\n', '\t']) {
            out.push(' ');
        }
        i += space_len;
        run_start = i;
    }
    out.push_str(&s[run_start..]);
}

/// Whether `s` holds at least `len` ASCII digits in a row: a cheap test
/// before an expression for a long number (an ID, a mobile, a 公安 code)
/// is run over a page's whole text.
pub(crate) fn has_digit_run(s: &str, len: usize) -> bool {
    // Probes the last byte of each window that could hold the run and jumps
    // past the last non-digit found: on Chinese text, where digits are rare,
    // it looks at about one byte in `len`.
    if len == 0 {
        return true;
    }
    let bytes = s.as_bytes();
    let mut start = 0usize;
    while let Some(window) = bytes.get(start..start + len) {
        match window.iter().rposition(|b| !b.is_ascii_digit()) {
            None => return true,
            Some(k) => start += k + 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{has_digit_run, push_collapsed};

    #[test]
    fn only_long_digit_runs_are_scanned() {
        assert!(has_digit_run("联系人：张三 13812345678", 11));
        assert!(!has_digit_run("电话：0571-87654321 2026年11月20日", 11));
        // A number right at the end of the text counts.
        assert!(has_digit_run("号码12345678901", 11));
        assert!(!has_digit_run("1234567890", 11));
    }

    /// The jumping scan answers as a byte-by-byte count would, for every
    /// string of up to eight digits, letters and CJK characters.
    #[test]
    fn digit_runs_are_found_as_a_plain_count_finds_them() {
        fn counted(s: &str, len: usize) -> bool {
            let mut run = 0;
            len == 0
                || s.bytes().any(|b| {
                    run = if b.is_ascii_digit() { run + 1 } else { 0 };
                    run >= len
                })
        }
        let alphabet = ['1', 'a', '中'];
        let mut checked = 0;
        for n in 0..=8u32 {
            for mut code in 0..3usize.pow(n) {
                let mut s = String::new();
                for _ in 0..n {
                    s.push(alphabet[code % 3]);
                    code /= 3;
                }
                for len in 0..=6 {
                    assert_eq!(has_digit_run(&s, len), counted(&s, len), "{s:?} {len}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 7 * (3usize.pow(9) - 1) / 2);
    }

    /// The byte scan folds exactly the characters `char::is_whitespace`
    /// names, whatever surrounds them.
    #[test]
    fn white_space_is_what_char_is_whitespace_says() {
        fn by_chars(out: &mut String, s: &str) {
            let mut run_start = 0;
            for (i, c) in s.char_indices() {
                if c.is_whitespace() {
                    out.push_str(&s[run_start..i]);
                    if !out.is_empty() && !out.ends_with([' ', '\n', '\t']) {
                        out.push(' ');
                    }
                    run_start = i + c.len_utf8();
                }
            }
            out.push_str(&s[run_start..]);
        }
        // Every white space character, and neighbours of their lead bytes
        // that are not white space (U+00A9 ©, U+2010 ‐, U+3001 、, U+1681).
        let mut alphabet: Vec<char> = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        alphabet.extend([
            'a', '中', '\u{a9}', '\u{2010}', '\u{3001}', '\u{1681}', '\u{200b}',
        ]);
        let n = alphabet.len();
        let mut checked = 0;
        for first in 0..n {
            for second in 0..n {
                for third in [0, n / 2, n - 1] {
                    let s: String = [alphabet[first], alphabet[second], alphabet[third]]
                        .iter()
                        .collect();
                    for prefix in ["", "x", "x "] {
                        let (mut fast, mut slow) = (prefix.to_string(), prefix.to_string());
                        push_collapsed(&mut fast, &s);
                        by_chars(&mut slow, &s);
                        assert_eq!(fast, slow, "{s:?} after {prefix:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 3000, "{checked}");
    }

    #[test]
    fn white_space_runs_fold_into_one_space() {
        let mut out = String::new();
        push_collapsed(&mut out, "  县政府\u{a0}\u{a0}召开\u{3000}常务会议 \n\t");
        assert_eq!(out, "县政府 召开 常务会议 ");
        // Across pieces too, and never after a line break the walk made.
        push_collapsed(&mut out, "  第二段");
        out.push('\n');
        push_collapsed(&mut out, " 第三段");
        assert_eq!(out, "县政府 召开 常务会议 第二段\n第三段");
    }
}

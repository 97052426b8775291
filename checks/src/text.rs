//! Text as a reader sees it: white space folded.

/// Appends `s` to `out`, folding every run of white space (including
/// U+3000 and NBSP) into one space.
pub(crate) fn push_collapsed(out: &mut String, s: &str) {
    // Copies the runs between white space whole: a page's text is most of
    // its bytes, and a push per character showed in the profile.
    let mut run_start = 0;
    for (i, c) in s.char_indices() {
        // NBSP and U+3000 are white space to `char::is_whitespace` too.
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

//! Personal data in published pages (去标识化): resident ID numbers (GB 11643)
//! and mobile numbers. Findings show the number masked, so the report does
//! not spread the leak.

/// GB 11643-1999 weights of the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder.
const CHECK: &[u8; 11] = b"10X98765432";

/// The check character of an 18-digit ID from its first 17 digits; `None`
/// if they are not 17 ASCII digits.
pub fn id_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(CHECK[(sum % 11) as usize] as char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_from_the_spec() {
        assert_eq!(id_check_char("11010519491231002"), Some('X'));
        assert_eq!(id_check_char("44052418800101001"), Some('4'));
        assert_ne!(id_check_char("11010519491231002"), Some('1'));
        assert_eq!(id_check_char("1101051949123100"), None);
        assert_eq!(id_check_char("1101051949123100a"), None);
    }
}

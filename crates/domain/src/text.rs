//! Vietnamese text handling: everything entering the system is normalised to
//! NFC, so that "Nguyễn" typed with combining marks and "Nguyễn" precomposed
//! compare equal; sorting uses a Vietnamese-aware key.

use unicode_normalization::UnicodeNormalization;

/// Normalises to NFC and trims surrounding whitespace.
pub fn nfc(s: &str) -> String {
    s.trim().nfc().collect()
}

/// The longest text, in characters, of each kind of field. Every text a
/// user sends is held to one of these (the web layer also refuses any
/// field over [`limits::ANY`] before a handler sees it).
pub mod limits {
    /// A person's full name.
    pub const NAME: usize = 120;
    /// Short words and numbers: gender, ethnicity, schooling, a card or
    /// certificate number, a document code.
    pub const SHORT: usize = 60;
    /// One line: a unit's or a movement's name, an occupation, an area,
    /// a destination, a title.
    pub const LINE: usize = 300;
    /// A note: the reason for a removal or an expulsion, a skip reason.
    pub const NOTE: usize = 2000;
    /// Any field of any form or JSON body.
    pub const ANY: usize = NOTE;
}

/// NFC, trimmed, and at most `max` characters; else an error naming the
/// field and its limit.
pub fn bounded(field: &'static str, s: &str, max: usize) -> Result<String, crate::DomainError> {
    let t = nfc(s);
    if t.chars().count() > max {
        return Err(crate::DomainError::invalid(
            field,
            t,
            match max {
                limits::NAME => "at most 120 characters",
                limits::SHORT => "at most 60 characters",
                limits::LINE => "at most 300 characters",
                _ => "at most 2000 characters",
            },
        ));
    }
    Ok(t)
}

/// A date of birth that can be true: not after today, not before 1900.
pub fn birth_date(
    field: &'static str,
    d: crate::Date,
    today: crate::Date,
) -> Result<crate::Date, crate::DomainError> {
    let first = crate::Date::from_ymd_opt(1900, 1, 1).expect("a valid date");
    if d > today || d < first {
        return Err(crate::DomainError::invalid(
            field,
            d.to_string(),
            "a date of birth from 1900 to today",
        ));
    }
    Ok(d)
}

/// A search key: no tone or vowel marks, đ as d, lower case, single spaces,
/// so that "nguyen van an" finds "Nguyễn Văn An".
pub fn fold(s: &str) -> String {
    let mut out = String::new();
    for c in s.nfd() {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The rank of a base letter in the Vietnamese alphabet
/// (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y).
fn letter_rank(c: char) -> Option<u32> {
    const ALPHABET: &str = "aăâbcdđeêghiklmnoôơpqrstuưvxy";
    ALPHABET.chars().position(|a| a == c).map(|p| p as u32)
}

/// Tone marks sort after the base letter in the conventional order:
/// none, grave, hook, tilde, acute, dot below.
fn tone_rank(c: char) -> u32 {
    match c {
        '\u{300}' => 1,
        '\u{309}' => 2,
        '\u{303}' => 3,
        '\u{301}' => 4,
        '\u{323}' => 5,
        _ => 0,
    }
}

/// A sort key ordering Vietnamese text as a Vietnamese reader expects:
/// letters by the Vietnamese alphabet (đ after d, ơ after ô), case-insensitive,
/// tone marks deciding only between otherwise equal words.
pub fn collation_key(s: &str) -> Vec<u32> {
    let mut primary = Vec::new();
    let mut tones = Vec::new();
    // Decompose, then recompose only the vowel shapes (ă â ê ô ơ ư) and đ,
    // keeping tone marks apart.
    let lower = s.to_lowercase();
    for ch in lower.chars() {
        let mut base = String::new();
        let mut tone = 0;
        for d in std::iter::once(ch).nfd() {
            let t = tone_rank(d);
            if t > 0 {
                tone = t;
            } else {
                base.push(d);
            }
        }
        let shaped: String = base.nfc().collect();
        for b in shaped.chars() {
            match letter_rank(b) {
                Some(r) => primary.push(100 + r),
                None => primary.push(1000 + b as u32),
            }
            tones.push(tone);
        }
    }
    primary.push(0);
    primary.extend(tones);
    primary
}

/// Vietnamese personal names sort by given name (the last word), then by the
/// full name, as Vietnamese lists are ordered.
pub fn name_sort_key(full_name: &str) -> (Vec<u32>, Vec<u32>) {
    let given = full_name.split_whitespace().last().unwrap_or("");
    (collation_key(given), collation_key(full_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_makes_decomposed_and_precomposed_equal() {
        let decomposed = "Nguye\u{302}\u{303}n";
        assert_eq!(nfc(decomposed), "Nguyễn");
        assert_eq!(nfc("  Trần  "), "Trần");
    }

    #[test]
    fn fold_ignores_marks_and_case() {
        assert_eq!(fold("Nguyễn  Văn An"), "nguyen van an");
        assert_eq!(fold("ĐẶNG Thị Hường"), "dang thi huong");
        assert_eq!(fold("Nguye\u{302}\u{303}n"), "nguyen");
    }

    #[test]
    fn vietnamese_alphabet_order() {
        let mut words = vec!["Đức", "Dung", "Ơn", "Ông", "Anh", "Ánh", "Ân", "Ă"];
        words.sort_by_key(|w| collation_key(w));
        assert_eq!(
            words,
            vec!["Anh", "Ánh", "Ă", "Ân", "Dung", "Đức", "Ông", "Ơn"]
        );
    }

    #[test]
    fn names_sort_by_given_name() {
        let mut names = vec!["Trần Văn Bình", "Nguyễn Thị An", "Lê Đức Anh"];
        names.sort_by_key(|n| name_sort_key(n));
        assert_eq!(names, vec!["Nguyễn Thị An", "Lê Đức Anh", "Trần Văn Bình"]);
    }
}

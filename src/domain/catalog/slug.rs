//! Product slugs: the format the table's CHECK wants (`^[a-z0-9][a-z0-9-]{0,254}$`), generated
//! from the name when the caller gives none, and made unique per merchant with a `-2`, `-3`…
//! suffix.

use std::collections::HashSet;

/// Longest slug the table accepts.
pub const MAX: usize = 255;
/// A generated base is cut here, leaving room for a `-NNNNNN` suffix.
const MAX_BASE: usize = 240;

pub fn is_valid(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.len() <= MAX
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The ASCII letter an accented Latin letter is written with in a URL.
fn fold(c: char) -> Option<char> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => 'u',
        'ý' | 'ÿ' => 'y',
        'š' | 'ś' => 's',
        'ž' | 'ź' | 'ż' => 'z',
        'ł' => 'l',
        'ß' => 's',
        _ => return None,
    })
}

/// The slug a name gives: lower case, accents folded, every other run of characters a single
/// dash, no dash at either end; `product` when nothing is left.
pub fn from_name(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = if c.is_ascii_alphanumeric() {
            Some(c)
        } else {
            fold(c)
        };
        match c {
            Some(c) => {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(c);
            }
            None => dash = true,
        }
        if out.len() >= MAX_BASE {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "product".to_owned()
    } else {
        out
    }
}

/// `base`, or `base-N` with the smallest N ≥ 2 not in `used`; records the choice in `used`.
pub fn unique(base: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = base.to_owned();
    let mut n = 2u64;
    while used.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_slugs_are_valid() {
        assert_eq!(from_name("Classic Burger"), "classic-burger");
        assert_eq!(from_name("  Crème brûlée — 2x!! "), "creme-brulee-2x");
        assert_eq!(from_name("Jalapeño"), "jalapeno");
        assert_eq!(from_name("***"), "product");
        assert_eq!(from_name("日本"), "product");
        let long = from_name(&"ab ".repeat(200));
        assert!(is_valid(&long) && long.len() <= 241, "{long}");
        for s in ["classic-burger", "creme-brulee-2x", "product", "9-lives"] {
            assert!(is_valid(s), "{s}");
        }
        for s in ["", "-a", "A", "a_b", "a b", &"a".repeat(256)] {
            assert!(!is_valid(s), "{s}");
        }
    }

    #[test]
    fn suffixes_skip_used_slugs() {
        let mut used: HashSet<String> = ["wrap".to_owned(), "wrap-2".to_owned()].into();
        assert_eq!(unique("wrap", &mut used), "wrap-3");
        assert_eq!(unique("wrap", &mut used), "wrap-4");
        assert_eq!(unique("bowl", &mut used), "bowl");
    }
}

//! Integer spellings of public IDs, for dialects whose IDs are numbers (Spark Pay's
//! `/api/v1/customers/1234.json`).
//!
//! The integer is not the internal key: internal keys never leak (DESIGN §5), and a sequence
//! would tell every client how many orders the platform takes. Keys below 2³¹ (what a client
//! holding IDs in 32-bit integers can store) are spelled through a fixed permutation of
//! `[0, 2³¹)` per kind: a 4-round Feistel network on 32 bits, cycle-walked back below 2³¹.
//! Neighbouring rows get unrelated numbers, a row always gets the same one, and the customer
//! and the order of the same key get different ones. Keys from 2³¹ on, beyond any 32-bit
//! integer, are spelled as themselves (the permutation never reaches them), so every key up
//! to 2⁵³ (exact in a JSON number) has a spelling.
//!
//! As with the prefixed IDs, the spelling is fixed forever: `golden_integers_never_change`
//! pins it.

use super::Kind;

/// Below this, keys are permuted; from it on, written as themselves.
const PERMUTED: u64 = 1 << 31;
/// Largest integer a JSON number holds exactly (2⁵³ − 1).
const MAX_EXACT: u64 = (1 << 53) - 1;

/// Round keys of the Feistel network (fixed: changing one respells every integer ID).
const ROUND_KEYS: [u32; 4] = [0x5f3a_9c21, 0x1d7e_44b9, 0xa2c8_0f63, 0x7b15_e6d4];

/// The per-kind tweak, so the same key of two kinds gets two numbers.
fn tweak(kind: Kind) -> u32 {
    let index = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u32;
    index.wrapping_add(1).wrapping_mul(0x9e37_79b1)
}

fn round(half: u16, key: u32) -> u16 {
    let x = (u32::from(half) ^ key).wrapping_mul(0x85eb_ca6b);
    ((x >> 16) ^ (x & 0xffff)) as u16
}

fn forward(x: u32, tweak: u32) -> u32 {
    let (mut l, mut r) = ((x >> 16) as u16, x as u16);
    for k in ROUND_KEYS {
        (l, r) = (r, l ^ round(r, k ^ tweak));
    }
    (u32::from(l) << 16) | u32::from(r)
}

fn backward(y: u32, tweak: u32) -> u32 {
    let (mut l, mut r) = ((y >> 16) as u16, y as u16);
    for k in ROUND_KEYS.iter().rev() {
        (l, r) = (r ^ round(l, k ^ tweak), l);
    }
    (u32::from(l) << 16) | u32::from(r)
}

/// The integer of internal key `key` of `kind`; `None` past 2⁵³ − 1.
pub fn of_key(kind: Kind, key: i64) -> Option<u64> {
    let key = u64::try_from(key).ok()?;
    if key >= PERMUTED {
        return (key <= MAX_EXACT).then_some(key);
    }
    let t = tweak(kind);
    // Cycle-walking: the permutation of [0, 2³²) applied until it lands below 2³¹ maps
    // [0, 2³¹) onto itself, one to one.
    let mut y = forward(key as u32, t);
    while u64::from(y) >= PERMUTED {
        y = forward(y, t);
    }
    Some(u64::from(y))
}

/// The internal key an integer of `kind` spells; `None` when it spells none (past 2⁵³ − 1,
/// or the key 0, which no row has).
pub fn key_of(kind: Kind, n: u64) -> Option<i64> {
    if n > MAX_EXACT {
        return None;
    }
    let key = if n >= PERMUTED {
        n
    } else {
        let t = tweak(kind);
        let mut x = backward(n as u32, t);
        while u64::from(x) >= PERMUTED {
            x = backward(x, t);
        }
        u64::from(x)
    };
    i64::try_from(key).ok().filter(|k| *k > 0)
}

/// The integer spelling of a public ID of `kind` (`cus_…` → 1402339112); `None` for an ID
/// that is not one of `kind`.
pub fn of_public(kind: Kind, id: &str) -> Option<u64> {
    of_key(kind, super::decode(kind, id).ok()?)
}

/// The public ID of `kind` an integer spells (`1402339112` → `cus_…`); `None` when it spells
/// none.
pub fn to_public(kind: Kind, n: u64) -> Option<String> {
    key_of(kind, n).map(|key| super::encode(kind, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_round_trips_and_stays_in_its_range() {
        let mut seen = std::collections::HashSet::new();
        for key in 1..=200_000i64 {
            let n = of_key(Kind::Order, key).unwrap();
            assert!(n < PERMUTED, "{key} → {n}");
            assert_eq!(key_of(Kind::Order, n), Some(key), "{key} → {n}");
            assert!(seen.insert(n), "{key} collides");
        }
        for key in [
            PERMUTED as i64 - 1,
            PERMUTED as i64,
            1 << 40,
            MAX_EXACT as i64,
        ] {
            let n = of_key(Kind::Customer, key).unwrap();
            assert_eq!(key_of(Kind::Customer, n), Some(key), "{key}");
        }
        assert_eq!(of_key(Kind::Customer, MAX_EXACT as i64 + 1), None);
        assert_eq!(key_of(Kind::Customer, MAX_EXACT + 1), None);
        assert_eq!(of_key(Kind::Customer, -1), None);
    }

    #[test]
    fn neighbours_and_kinds_get_unrelated_numbers() {
        let a = of_key(Kind::Customer, 41).unwrap();
        let b = of_key(Kind::Customer, 42).unwrap();
        assert!(a.abs_diff(b) > 1000, "{a} {b}");
        assert_ne!(
            of_key(Kind::Customer, 42).unwrap(),
            of_key(Kind::Order, 42).unwrap()
        );
        // An integer of one kind names another row (or none) of another kind.
        let n = of_key(Kind::Customer, 7).unwrap();
        assert_ne!(key_of(Kind::Order, n), Some(7));
    }

    #[test]
    fn public_ids_and_integers_convert_both_ways() {
        let id = super::super::encode(Kind::Product, 1234);
        let n = of_public(Kind::Product, &id).unwrap();
        assert_eq!(to_public(Kind::Product, n).as_deref(), Some(id.as_str()));
        assert_eq!(of_public(Kind::Order, &id), None);
        assert_eq!(of_public(Kind::Product, "prod_nope"), None);
    }

    /// Issued integer IDs keep their spelling: never update this table, fix the codec.
    #[test]
    fn golden_integers_never_change() {
        let got: Vec<u64> = [1i64, 2, 3, 1000, 123_456]
            .iter()
            .flat_map(|k| {
                [Kind::Customer, Kind::Order, Kind::Product].map(|kind| of_key(kind, *k).unwrap())
            })
            .collect();
        assert_eq!(got, GOLDEN.to_vec());
    }

    /// (1, 2, 3, 1000, 123456) × (customer, order, product).
    const GOLDEN: [u64; 15] = [
        514_009_210,
        1_465_246_640,
        374_937_532,
        1_452_094_698,
        643_270_056,
        1_013_125_463,
        734_053_030,
        1_689_274_649,
        488_791_938,
        439_325_344,
        1_392_214_967,
        1_534_262_966,
        512_251_710,
        1_162_556_227,
        579_493_833,
    ];
}

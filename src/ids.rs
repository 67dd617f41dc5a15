//! Public, prefixed, opaque IDs (DESIGN §5).
//!
//! Rows are keyed internally by `bigint` (fast joins, small indexes); on the wire every ID is
//! `<prefix>_<sqid>` where the sqid is the internal key encoded with a shuffled alphabet and a
//! minimum length. The prefix names the entity, so `cus_…` can never be used where `or_…` is
//! expected, and a string that does not decode canonically is rejected as malformed.

pub mod integers;

use sqids::Sqids;
use std::sync::OnceLock;

/// Every kind of entity that has a public ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Customer,
    CustomerGroup,
    Address,
    Order,
    LineItem,
    Payment,
    Fulfillment,
    Adjustment,
    Store,
    Brand,
    Channel,
    Product,
    Variant,
    PriceList,
    PriceRule,
    Price,
    Promotion,
    PromotionRule,
    PromotionAction,
    CouponCode,
    MigrationBatch,
    ScheduledOverride,
}

impl Kind {
    pub const ALL: [Kind; 22] = [
        Kind::Customer,
        Kind::CustomerGroup,
        Kind::Address,
        Kind::Order,
        Kind::LineItem,
        Kind::Payment,
        Kind::Fulfillment,
        Kind::Adjustment,
        Kind::Store,
        Kind::Brand,
        Kind::Channel,
        Kind::Product,
        Kind::Variant,
        Kind::PriceList,
        Kind::PriceRule,
        Kind::Price,
        Kind::Promotion,
        Kind::PromotionRule,
        Kind::PromotionAction,
        Kind::CouponCode,
        Kind::MigrationBatch,
        Kind::ScheduledOverride,
    ];

    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Customer => "cus",
            Kind::CustomerGroup => "cg",
            Kind::Address => "addr",
            Kind::Order => "or",
            Kind::LineItem => "li",
            Kind::Payment => "pay",
            Kind::Fulfillment => "ful",
            Kind::Adjustment => "adj",
            Kind::Store => "st",
            Kind::Brand => "br",
            Kind::Channel => "ch",
            Kind::Product => "prod",
            Kind::Variant => "variant",
            Kind::PriceList => "pl",
            Kind::PriceRule => "prule",
            Kind::Price => "price",
            Kind::Promotion => "promo",
            Kind::PromotionRule => "prr",
            Kind::PromotionAction => "pra",
            Kind::CouponCode => "cc",
            Kind::MigrationBatch => "mig",
            Kind::ScheduledOverride => "sov",
        }
    }

    /// Human name used in error messages ("customer", "price list").
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Customer => "customer",
            Kind::CustomerGroup => "customer group",
            Kind::Address => "address",
            Kind::Order => "order",
            Kind::LineItem => "line item",
            Kind::Payment => "payment",
            Kind::Fulfillment => "fulfillment",
            Kind::Adjustment => "adjustment",
            Kind::Store => "store",
            Kind::Brand => "brand",
            Kind::Channel => "channel",
            Kind::Product => "product",
            Kind::Variant => "variant",
            Kind::PriceList => "price list",
            Kind::PriceRule => "price rule",
            Kind::Price => "price",
            Kind::Promotion => "promotion",
            Kind::PromotionRule => "promotion rule",
            Kind::PromotionAction => "promotion action",
            Kind::CouponCode => "coupon code",
            Kind::MigrationBatch => "migration batch",
            Kind::ScheduledOverride => "scheduled override",
        }
    }

    fn from_prefix(prefix: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.prefix() == prefix)
    }
}

/// Why a string is not a valid ID of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("`{0}` is not a valid ID")]
    Malformed(String),
    #[error("`{id}` is a {found} ID, expected a {expected} ID (prefix `{prefix}_`)")]
    WrongKind {
        id: String,
        found: &'static str,
        expected: &'static str,
        prefix: &'static str,
    },
}

/// The fixed shuffle: IDs must stay the same across nodes and restarts.
const ALPHABET: &str = "k3G7QAe51FCsPW92uEOyq4Bg6Sp8YzVTmnU0liwDdHXLajZrfxNhobJIRcMvKt";
const MIN_LENGTH: u8 = 10;

/// The blocklist every ID is spelled with: sqids 0.4.2's default list, copied into the
/// repository so that a sqids update changing its default can never respell an issued ID
/// (one word a line; `#` starts a comment). The golden tests below pin the result.
const BLOCKLIST: &str = include_str!("ids/blocklist.txt");

fn blocklist_words() -> impl Iterator<Item = &'static str> {
    BLOCKLIST
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty() && !w.starts_with('#'))
}

fn builder() -> sqids::SqidsBuilder {
    Sqids::builder()
        .alphabet(ALPHABET.chars().collect())
        .min_length(MIN_LENGTH)
}

/// The reference codec, with the repository's blocklist: an ID that would spell a blocked word
/// is re-encoded (so the blocklist is part of what every ID looks like).
fn blocking_codec() -> &'static Sqids {
    static CODEC: OnceLock<Sqids> = OnceLock::new();
    CODEC.get_or_init(|| {
        builder()
            .blocklist(blocklist_words().map(str::to_owned).collect())
            .build()
            .unwrap_or_default()
    })
}

/// The same codec without a blocklist: the reference [`Single`] is tested against.
#[cfg(test)]
fn plain_codec() -> &'static Sqids {
    static CODEC: OnceLock<Sqids> = OnceLock::new();
    CODEC.get_or_init(|| {
        builder()
            .blocklist(Default::default())
            .build()
            .unwrap_or_default()
    })
}

/// sqids for one number, precomputed, without sqids' blocklist check (which compares ~500
/// words with every ID it makes; [`Blocklist`] does it in one pass). sqids' encoder rotates and reverses its alphabet by an
/// offset derived from the number, writes the number in base 61 on it, and pads to the minimum
/// length from a shuffle of that alphabet; allocating and shuffling `Vec<char>`s every time
/// made IDs a few percent of a lookup's CPU. There are only 62 offsets, so the rotated
/// alphabet and the padding of each are computed once. [`sqid`] still checks the blocklist and
/// falls back to the blocking codec; tests compare both ways with sqids itself.
struct Single {
    /// The codec's alphabet (sqids shuffles the configured one once, when built).
    alphabet: Vec<u8>,
    /// Position of each byte in `alphabet`, or `u8::MAX`.
    position: [u8; 128],
    rotations: Vec<Rotation>,
}

struct Rotation {
    prefix: u8,
    /// Separator before the padding (the reversed rotation's first character).
    separator: u8,
    /// The base-61 digits (the reversed rotation without the separator).
    digits: Vec<u8>,
    /// Padding after the separator: a shuffle of the reversed rotation.
    padding: Vec<u8>,
}

/// sqids' deterministic shuffle.
fn shuffle(chars: &mut [u8]) {
    let n = chars.len();
    for i in 0..n.saturating_sub(1) {
        let j = n - 1 - i;
        let r = (i as u32 * j as u32 + chars[i] as u32 + chars[j] as u32) % n as u32;
        chars.swap(i, r as usize);
    }
}

impl Single {
    fn get() -> &'static Single {
        static SINGLE: OnceLock<Single> = OnceLock::new();
        SINGLE.get_or_init(|| {
            let mut alphabet = ALPHABET.as_bytes().to_vec();
            shuffle(&mut alphabet);
            let mut position = [u8::MAX; 128];
            for (i, c) in alphabet.iter().enumerate() {
                position[*c as usize] = i as u8;
            }
            let rotations = (0..alphabet.len())
                .map(|offset| {
                    let mut rotated: Vec<u8> = alphabet[offset..]
                        .iter()
                        .chain(&alphabet[..offset])
                        .copied()
                        .collect();
                    let prefix = rotated[0];
                    rotated.reverse();
                    let mut padding = rotated.clone();
                    shuffle(&mut padding);
                    Rotation {
                        prefix,
                        separator: rotated[0],
                        digits: rotated[1..].to_vec(),
                        padding,
                    }
                })
                .collect();
            Single {
                alphabet,
                position,
                rotations,
            }
        })
    }

    /// `n` as sqids encodes it without a blocklist.
    fn encode(&self, n: u64) -> String {
        let len = self.alphabet.len();
        let offset = (self.alphabet[(n % len as u64) as usize] as usize + 1) % len;
        let r = &self.rotations[offset];
        let base = r.digits.len() as u64;
        let mut digits = [0u8; 16];
        let mut at = digits.len();
        let mut rest = n;
        loop {
            at -= 1;
            digits[at] = r.digits[(rest % base) as usize];
            rest /= base;
            if rest == 0 {
                break;
            }
        }
        let mut id = Vec::with_capacity(MIN_LENGTH as usize + 1);
        id.push(r.prefix);
        id.extend_from_slice(&digits[at..]);
        let min = MIN_LENGTH as usize;
        if id.len() < min {
            id.push(r.separator);
            let missing = min - id.len();
            id.extend_from_slice(&r.padding[..missing.min(r.padding.len())]);
        }
        String::from_utf8(id).unwrap_or_default()
    }

    /// The number a sqid starts with (its first chunk), if it is made of the alphabet.
    fn first_number(&self, body: &str) -> Option<u64> {
        let bytes = body.as_bytes();
        let position = |c: u8| -> Option<usize> {
            let p = *self.position.get(c as usize)?;
            (p != u8::MAX).then_some(p as usize)
        };
        let offset = position(*bytes.first()?)?;
        let r = &self.rotations[offset];
        let mut n: u64 = 0;
        let mut any = false;
        for &c in &bytes[1..] {
            position(c)?;
            if c == r.separator {
                break;
            }
            let d = r.digits.iter().position(|&x| x == c)? as u64;
            n = n.checked_mul(r.digits.len() as u64)?.checked_add(d)?;
            any = true;
        }
        any.then_some(n)
    }
}

/// sqids' blocklist rule in one automaton pass. sqids keeps the blocklist's words of 3+ characters
/// that its (lower-cased) alphabet can spell; for an ID longer than 3 characters (all of ours,
/// given the minimum length) a word with a digit blocks it as a prefix or suffix, any other
/// word of 4+ characters anywhere, and a word of 3 characters only as the whole ID (never).
struct Blocklist {
    anywhere: aho_corasick::AhoCorasick,
    affixes: Vec<String>,
}

impl Blocklist {
    fn get() -> Option<&'static Blocklist> {
        static LIST: OnceLock<Option<Blocklist>> = OnceLock::new();
        LIST.get_or_init(|| {
            let alphabet: Vec<char> = ALPHABET.chars().map(|c| c.to_ascii_lowercase()).collect();
            let words = blocklist_words()
                .map(|w| w.to_lowercase())
                .filter(|w| w.len() > 3 && w.chars().all(|c| alphabet.contains(&c)));
            let (affixes, anywhere): (Vec<String>, Vec<String>) =
                words.partition(|w| w.chars().any(|c| c.is_ascii_digit()));
            let anywhere = aho_corasick::AhoCorasick::new(anywhere).ok()?;
            Some(Blocklist { anywhere, affixes })
        })
        .as_ref()
    }

    fn blocks(&self, id: &str) -> bool {
        let id = id.to_ascii_lowercase();
        self.anywhere.is_match(&id)
            || self
                .affixes
                .iter()
                .any(|w| id.starts_with(w.as_str()) || id.ends_with(w.as_str()))
    }
}

/// The sqid of `n`, exactly as the blocking codec spells it.
fn sqid(n: u64) -> String {
    if let Some(list) = Blocklist::get() {
        let body = Single::get().encode(n);
        if !list.blocks(&body) {
            return body;
        }
    }
    blocking_codec().encode(&[n]).unwrap_or_default()
}

/// Encodes an internal key as the public ID of `kind`.
pub fn encode(kind: Kind, id: i64) -> String {
    // Internal keys are identity columns, always positive.
    let n = u64::try_from(id).unwrap_or_default();
    format!("{}_{}", kind.prefix(), sqid(n))
}

/// Decodes any public ID into its kind and internal key.
pub fn decode_any(id: &str) -> Result<(Kind, i64), IdError> {
    let malformed = || IdError::Malformed(truncate(id));
    let (prefix, body) = id.rsplit_once('_').ok_or_else(malformed)?;
    let kind = Kind::from_prefix(prefix).ok_or_else(malformed)?;
    if body.is_empty() || body.len() > 32 {
        return Err(malformed());
    }
    // The number the body starts with; the canonical re-encoding below rejects anything else
    // (more numbers, other padding, a spelling the blocklist replaced).
    let n = Single::get().first_number(body).ok_or_else(malformed)?;
    let key = i64::try_from(n).map_err(|_| malformed())?;
    // Only the canonical spelling is accepted, so every row has exactly one ID.
    if key <= 0 || encode(kind, key) != id {
        return Err(malformed());
    }
    Ok((kind, key))
}

/// Decodes a public ID that must be of `kind`.
pub fn decode(kind: Kind, id: &str) -> Result<i64, IdError> {
    let (found, key) = decode_any(id)?;
    if found != kind {
        return Err(IdError::WrongKind {
            id: truncate(id),
            found: found.noun(),
            expected: kind.noun(),
            prefix: kind.prefix(),
        });
    }
    Ok(key)
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        for id in [1_i64, 2, 999, 1_000_000, i64::MAX / 3] {
            let public = encode(Kind::Customer, id);
            assert!(public.starts_with("cus_"), "{public}");
            assert_eq!(decode(Kind::Customer, &public), Ok(id));
            assert!(matches!(
                decode(Kind::Order, &public),
                Err(IdError::WrongKind { .. })
            ));
        }
        for bad in [
            "",
            "cus_",
            "cus",
            "nope_abc",
            "cus_!!!",
            "cus_1",
            "1234",
            "or_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        ] {
            assert!(decode_any(bad).is_err(), "{bad} should be rejected");
        }
        // The prefix is part of the key space: `variant_` and `prod_` differ.
        assert_ne!(encode(Kind::Variant, 7), encode(Kind::Product, 7));
    }

    #[test]
    fn the_fast_path_spells_every_id_like_the_blocking_codec() {
        let list = Blocklist::get().expect("the blocklist builds");
        let mut blocked = 0;
        let numbers = (1..=200_000u64)
            .chain((0..2_000u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 1))
            .chain([i64::MAX as u64]);
        for n in numbers {
            let reference = blocking_codec().encode(&[n]).unwrap();
            assert_eq!(sqid(n), reference, "{n}");
            if plain_codec().encode(&[n]).is_ok_and(|p| list.blocks(&p)) {
                blocked += 1;
            }
        }
        // The fallback is exercised: some plain encodings do spell a blocked word.
        assert!(blocked > 0);
    }

    /// The decoder of before the precomputed codec: sqids' own decode, then the canonical check.
    fn reference_decode(id: &str) -> Option<(Kind, i64)> {
        let (prefix, body) = id.rsplit_once('_')?;
        let kind = Kind::from_prefix(prefix)?;
        if body.is_empty() || body.len() > 32 {
            return None;
        }
        let numbers = plain_codec().decode(body);
        let [n] = numbers.as_slice() else {
            return None;
        };
        let key = i64::try_from(*n).ok()?;
        let canonical = format!("{}_{}", kind.prefix(), blocking_codec().encode(&[*n]).ok()?);
        (key > 0 && canonical == id).then_some((kind, key))
    }

    #[test]
    fn the_precomputed_codec_encodes_and_decodes_like_sqids() {
        let single = Single::get();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet: Vec<char> = ALPHABET.chars().collect();
        let large: Vec<u64> = (0..5_000).map(|_| next() >> (next() % 64)).collect();
        for n in (0..100_000u64).chain(large) {
            assert_eq!(single.encode(n), plain_codec().encode(&[n]).unwrap(), "{n}");
            let id = encode(Kind::Order, n.min(i64::MAX as u64) as i64);
            assert_eq!(decode_any(&id).ok(), reference_decode(&id), "{id}");
            // Tampered spellings: one character changed, one added, one removed.
            let mut chars: Vec<char> = id.chars().collect();
            let at = 3 + (next() as usize) % (chars.len() - 3);
            chars[at] = alphabet[(next() as usize) % alphabet.len()];
            let changed: String = chars.iter().collect();
            assert_eq!(
                decode_any(&changed).ok(),
                reference_decode(&changed),
                "{changed}"
            );
            let longer = format!("{id}{}", alphabet[(next() as usize) % alphabet.len()]);
            assert_eq!(
                decode_any(&longer).ok(),
                reference_decode(&longer),
                "{longer}"
            );
            let shorter = &id[..id.len() - 1];
            assert_eq!(
                decode_any(shorter).ok(),
                reference_decode(shorter),
                "{shorter}"
            );
        }
        // Random bodies of every length.
        for _ in 0..20_000 {
            let len = 1 + (next() as usize) % 14;
            let body: String = (0..len)
                .map(|_| alphabet[(next() as usize) % alphabet.len()])
                .collect();
            let id = format!("cus_{body}");
            assert_eq!(decode_any(&id).ok(), reference_decode(&id), "{id}");
        }
    }

    /// Every issued ID keeps its spelling: fixed numbers give these IDs (computed with the
    /// code of before the blocklist moved into the repository), whatever the sqids version.
    /// A failure here means existing IDs would stop resolving: never update the table, fix
    /// the codec.
    #[test]
    fn golden_ids_never_change_spelling() {
        const PREFIXES: [(Kind, &str); 22] = [
            (Kind::Customer, "cus"),
            (Kind::CustomerGroup, "cg"),
            (Kind::Address, "addr"),
            (Kind::Order, "or"),
            (Kind::LineItem, "li"),
            (Kind::Payment, "pay"),
            (Kind::Fulfillment, "ful"),
            (Kind::Adjustment, "adj"),
            (Kind::Store, "st"),
            (Kind::Brand, "br"),
            (Kind::Channel, "ch"),
            (Kind::Product, "prod"),
            (Kind::Variant, "variant"),
            (Kind::PriceList, "pl"),
            (Kind::PriceRule, "prule"),
            (Kind::Price, "price"),
            (Kind::Promotion, "promo"),
            (Kind::PromotionRule, "prr"),
            (Kind::PromotionAction, "pra"),
            (Kind::CouponCode, "cc"),
            (Kind::MigrationBatch, "mig"),
            (Kind::ScheduledOverride, "sov"),
        ];
        // (number, sqid): the sqid does not depend on the kind, only the prefix does.
        const SQIDS: [(i64, &str); 18] = [
            (1, "snDrTH0ufh"),
            (2, "0WUpxhv6JV"),
            (3, "pCzhFqWBfZ"),
            (10, "wbn0S3m8D1"),
            (61, "QzpHWoeckM"),
            (62, "855lq5Azdx"),
            (1000, "JI6xvN1b5s"),
            (123_456, "SYdXVkt5DP"),
            (9_999_999, "EPWTF0O92b"),
            (4_294_967_296, "yvvfDZWRh7"),
            (i64::MAX, "FgmJr1iQefx6"),
            // Numbers whose first spelling holds a blocked word, re-encoded by the blocklist.
            (26_723, "odTmskvHrQ"),
            (60_725, "qi0rAu3ycv"),
            (68_065, "pZGTzhFqWB"),
            (71_055, "HZaTpQPEJh"),
            (85_506, "R2yOJQAbap"),
            (87_473, "1BE1b6HqLP"),
            (103_136, "vCi0oNTQl1"),
        ];
        assert_eq!(Kind::ALL.len(), PREFIXES.len());
        for (kind, prefix) in PREFIXES {
            assert_eq!(kind.prefix(), prefix, "{kind:?}");
            for (n, sqid) in SQIDS {
                let id = format!("{prefix}_{sqid}");
                assert_eq!(encode(kind, n), id, "{kind:?} {n}");
                assert_eq!(decode(kind, &id), Ok(n), "{id}");
            }
        }
    }

    #[test]
    fn the_repository_blocklist_is_sqids_0_4_default() {
        let words: Vec<&str> = blocklist_words().collect();
        assert_eq!(words.len(), 560);
        let unique: std::collections::HashSet<&str> = words.iter().copied().collect();
        assert_eq!(unique.len(), words.len(), "no duplicates");
        assert!(words.windows(2).all(|w| w[0] < w[1]), "kept sorted");
    }
}

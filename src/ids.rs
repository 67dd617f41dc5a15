//! Public, prefixed, opaque IDs (DESIGN §5).
//!
//! Rows are keyed internally by `bigint` (fast joins, small indexes); on the wire every ID is
//! `<prefix>_<sqid>` where the sqid is the internal key encoded with a shuffled alphabet and a
//! minimum length. The prefix names the entity, so `cus_…` can never be used where `or_…` is
//! expected, and a string that does not decode canonically is rejected as malformed.

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

fn builder() -> sqids::SqidsBuilder {
    Sqids::builder()
        .alphabet(ALPHABET.chars().collect())
        .min_length(MIN_LENGTH)
}

/// The reference codec, with sqids' default blocklist: an ID that would spell a blocked word
/// is re-encoded (so the blocklist is part of what every ID looks like).
fn blocking_codec() -> &'static Sqids {
    static CODEC: OnceLock<Sqids> = OnceLock::new();
    CODEC.get_or_init(|| builder().build().unwrap_or_default())
}

/// The same codec without a blocklist. sqids checks each of its ~500 words against every ID
/// it makes, which costs more than the encoding itself (an ID is encoded for every node of
/// every response). [`sqid`] uses this codec and [`Blocklist`]'s one-pass check, and falls
/// back to the blocking codec for the rare ID that is blocked, so the output is identical.
fn plain_codec() -> &'static Sqids {
    static CODEC: OnceLock<Sqids> = OnceLock::new();
    CODEC.get_or_init(|| {
        builder()
            .blocklist(Default::default())
            .build()
            .unwrap_or_default()
    })
}

/// sqids' blocklist rule in one automaton pass. sqids keeps the default words of 3+ characters
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
            let words = sqids::default_blocklist()
                .into_iter()
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
        if let Ok(body) = plain_codec().encode(&[n]) {
            if !list.blocks(&body) {
                return body;
            }
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
    // Decoding ignores the blocklist; the canonical re-encoding below applies it.
    let numbers = plain_codec().decode(body);
    let [n] = numbers.as_slice() else {
        return Err(malformed());
    };
    let key = i64::try_from(*n).map_err(|_| malformed())?;
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
}

//! The `display_*` twins of amounts (`"10.5"`, USD → `"$10.50"`), as the Spree and Spark Pay
//! documents show them: the currency's symbol, thousands separated by commas, and the
//! currency's minor-unit digits. A currency without a well-known symbol is written after the
//! amount (`"1,234.50 CHF"`).

use serde_json::{Map, Value};

/// Symbol and minor-unit digits of the currencies with a symbol in common use. The digits of
/// the rest come from [`minor_digits`].
const SYMBOLS: &[(&str, &str, u32)] = &[
    ("AUD", "A$", 2),
    ("BRL", "R$", 2),
    ("CAD", "C$", 2),
    ("CNY", "¥", 2),
    ("EUR", "€", 2),
    ("GBP", "£", 2),
    ("HKD", "HK$", 2),
    ("ILS", "₪", 2),
    ("INR", "₹", 2),
    ("JPY", "¥", 0),
    ("KRW", "₩", 0),
    ("MXN", "MX$", 2),
    ("NZD", "NZ$", 2),
    ("PHP", "₱", 2),
    ("PLN", "zł", 2),
    ("TRY", "₺", 2),
    ("TWD", "NT$", 2),
    ("UAH", "₴", 2),
    ("USD", "$", 2),
    ("VND", "₫", 0),
];

/// ISO 4217 minor-unit digits of currencies without a common symbol (2 for all others).
fn minor_digits(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "KMF" | "PYG" | "RWF" | "UGX" | "UYI" | "VUV"
        | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        "CLF" | "UYW" => 4,
        _ => 2,
    }
}

/// The currency's symbol (if it has a common one) and minor-unit digits.
fn symbol_and_digits(currency: &str) -> (Option<&'static str>, u32) {
    // Most pages are in one of the first few: compare those before the table.
    match currency {
        "USD" => (Some("$"), 2),
        "EUR" => (Some("€"), 2),
        "GBP" => (Some("£"), 2),
        _ => SYMBOLS
            .iter()
            .find(|(c, _, _)| *c == currency)
            .map_or((None, minor_digits(currency)), |(_, s, d)| (Some(*s), *d)),
    }
}

/// `amount` (a decimal string) in the currency's minor units (`"19.99"` USD → 1999,
/// `"1500"` JPY → 1500), rounded half away from zero; `None` when it is not a decimal.
pub fn minor_units(amount: &str, currency: &str) -> Option<i64> {
    use rust_decimal::prelude::ToPrimitive;
    let (_, digits) = symbol_and_digits(currency);
    let d: rust_decimal::Decimal = amount.trim().parse().ok()?;
    let scaled = d * rust_decimal::Decimal::from(10i64.pow(digits));
    scaled
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
}

/// [`minor_units`] of the row's field `amount` in the currency of its field `currency`.
pub fn minor_units_field(row: &Map<String, Value>, amount: &str, currency: &str) -> Value {
    let amount = row.get(amount).and_then(Value::as_str);
    let currency = row.get(currency).and_then(Value::as_str);
    match (amount, currency) {
        (Some(a), Some(c)) => minor_units(a, c).map_or(Value::Null, Value::from),
        _ => Value::Null,
    }
}

/// `amount` (a decimal string) in `currency`, for display; `None` when `amount` is not a
/// decimal.
pub fn display(amount: &str, currency: &str) -> Option<String> {
    let (symbol, digits) = symbol_and_digits(currency);
    let amount = amount.trim();
    // Amounts come from GraphQL with at most the currency's digits: written as they are, with
    // no decimal arithmetic (a page of 50 orders shows some 1,500 of them).
    if let Some(text) = display_plain(amount, symbol, digits, currency) {
        return Some(text);
    }
    display_rounded(amount, symbol, digits, currency)
}

/// [`display`] of a plain decimal (`-`, digits, `.`, at most `digits` digits) without
/// rounding; `None` for anything else.
fn display_plain(
    amount: &str,
    symbol: Option<&str>,
    digits: u32,
    currency: &str,
) -> Option<String> {
    let (negative, unsigned) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !all_digits(int) || !all_digits(frac) || frac.len() > digits as usize {
        return None;
    }
    let int = match int.trim_start_matches('0') {
        "" => "0",
        trimmed => trimmed,
    };
    let zero = int == "0" && frac.bytes().all(|b| b == b'0');
    let mut out = String::with_capacity(int.len() * 4 / 3 + digits as usize + 8);
    if negative && !zero {
        out.push('-');
    }
    if let Some(s) = symbol {
        out.push_str(s);
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if digits > 0 {
        out.push('.');
        out.push_str(frac);
        for _ in frac.len()..digits as usize {
            out.push('0');
        }
    }
    if symbol.is_none() {
        out.push(' ');
        out.push_str(currency);
    }
    Some(out)
}

/// [`display`] of any decimal, rounded half away from zero to the currency's digits.
fn display_rounded(
    amount: &str,
    symbol: Option<&str>,
    digits: u32,
    currency: &str,
) -> Option<String> {
    let d: rust_decimal::Decimal = amount.parse().ok()?;
    let rounded =
        d.round_dp_with_strategy(digits, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let text = format!("{:.*}", digits as usize, rounded.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let number = if frac.is_empty() {
        grouped
    } else {
        format!("{grouped}.{frac}")
    };
    let sign = if negative { "-" } else { "" };
    Some(match symbol {
        Some(s) => format!("{sign}{s}{number}"),
        None => format!("{sign}{number} {currency}"),
    })
}

/// The display of the row's field `amount` in the currency of its field `currency` (both
/// REST names); null when either is missing.
pub fn display_field(row: &Map<String, Value>, amount: &str, currency: &str) -> Value {
    let amount = row.get(amount).and_then(Value::as_str);
    let currency = row.get(currency).and_then(Value::as_str);
    match (amount, currency) {
        (Some(a), Some(c)) => display(a, c).map_or(Value::Null, Value::String),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::display;

    #[test]
    fn amounts_display_with_symbol_grouping_and_minor_units() {
        assert_eq!(display("10.5", "USD").as_deref(), Some("$10.50"));
        assert_eq!(display("0", "USD").as_deref(), Some("$0.00"));
        assert_eq!(
            display("1234567.891", "EUR").as_deref(),
            Some("€1,234,567.89")
        );
        assert_eq!(display("-5", "GBP").as_deref(), Some("-£5.00"));
        assert_eq!(display("1500", "JPY").as_deref(), Some("¥1,500"));
        assert_eq!(display("12.5", "CHF").as_deref(), Some("12.50 CHF"));
        assert_eq!(display("1.2345", "KWD").as_deref(), Some("1.235 KWD"));
        assert_eq!(display("abc", "USD"), None);
    }

    /// The plain path writes what the rounding path writes, wherever it applies.
    #[test]
    fn plain_amounts_display_as_rounded_ones_do() {
        use super::{display_plain, display_rounded, symbol_and_digits};
        for currency in ["USD", "JPY", "KWD", "CHF", "EUR"] {
            let (symbol, digits) = symbol_and_digits(currency);
            for amount in [
                "0",
                "0.0",
                "-0",
                "-0.00",
                "7",
                "07.5",
                "12.34",
                "-12.3",
                "999",
                "1000",
                "1234567",
                "-1234567.8",
                "100000.001",
                "0.5",
                "000",
                "1.",
            ] {
                let plain = display_plain(amount, symbol, digits, currency);
                if let Some(p) = &plain {
                    assert_eq!(
                        Some(p.clone()),
                        display_rounded(amount, symbol, digits, currency),
                        "{amount} {currency}"
                    );
                }
            }
        }
        // What it does not take falls to the rounding path.
        assert_eq!(display_plain("1.239", Some("$"), 2, "USD"), None);
        assert_eq!(display_plain("1e3", Some("$"), 2, "USD"), None);
        assert_eq!(display_plain("-", Some("$"), 2, "USD"), None);
        assert_eq!(display("1.239", "USD").as_deref(), Some("$1.24"));
    }

    #[test]
    fn amounts_in_minor_units() {
        use super::minor_units;
        assert_eq!(minor_units("19.99", "USD"), Some(1999));
        assert_eq!(minor_units("5.0", "EUR"), Some(500));
        assert_eq!(minor_units("1500", "JPY"), Some(1500));
        assert_eq!(minor_units("1.2345", "KWD"), Some(1235));
        assert_eq!(minor_units("x", "USD"), None);
    }
}

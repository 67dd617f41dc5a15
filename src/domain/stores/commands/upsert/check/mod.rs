//! Every field rule of the Fire spark store upsert, checked on the raw JSON so that each error
//! names its field by path (`[0, "location", "postal_code"]`: the store's index, then its keys)
//! with a stable code and a message in the documentation's style ("Postal code must be numbers
//! only").

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::domain::validate::{code, is_e164, is_email, is_external_id, Errors, Path};

/// Storage bound of money columns (`numeric(19,4)`), far above any real order value.
pub const MAX_MONEY: i64 = 1_000_000_000_000;
pub const MAX_CHANNELS: usize = 32;
pub const MAX_FULFILLMENTS: usize = 16;
pub const MAX_FEES: usize = 50;
pub const MAX_ZONES: usize = 100;
pub const MAX_POLYGON_POINTS: usize = 1000;
pub const MAX_SCHEDULES: usize = 50;
pub const MAX_METHODS: usize = 20;
pub const MAX_PROVIDERS: usize = 20;
pub const MAX_LOCALES: usize = 50;

const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// "postal_code" → "Postal code", "id" → "ID".
pub fn label(key: &str) -> String {
    match key {
        "id" => return "ID".into(),
        "uid" => return "UID".into(),
        _ => {}
    }
    let text = key.replace('_', " ");
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => text,
    }
}

/// A JSON number (or a numeric string, as money travels on the wire) as a decimal.
pub fn decimal(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => {
            let s = n.to_string();
            Decimal::from_str(&s)
                .or_else(|_| Decimal::from_scientific(&s))
                .ok()
        }
        Value::String(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    }
}

/// `HH:MM` or `HH:MM:SS`, 00:00 to 23:59:59.
pub fn is_iso_time(s: &str) -> bool {
    let fmt = match s.len() {
        5 => "%H:%M",
        8 => "%H:%M:%S",
        _ => return false,
    };
    chrono::NaiveTime::parse_from_str(s, fmt).is_ok()
}

/// A store channel code or fulfillment type key.
fn is_code(s: &str, digits: bool) -> bool {
    (1..=32).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c == '_' || (digits && c.is_ascii_digit()))
}

/// Walks the fields of one object.
struct Obj<'v, 'e> {
    map: &'v Map<String, Value>,
    path: Path,
    errs: &'e mut Errors,
}

impl<'v> Obj<'v, '_> {
    /// The value of `key` unless absent or null; REQUIRED when `required`.
    fn get(&mut self, key: &'static str, required: bool) -> Option<&'v Value> {
        match self.map.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.errs.add(
                        &self.path.key(key),
                        code::REQUIRED,
                        format!("{} is required", label(key)),
                    );
                }
                None
            }
            Some(v) => Some(v),
        }
    }

    /// A present key must not be null (top-level fields: null is not "keep").
    fn not_null(&mut self, key: &'static str) {
        if let Some(Value::Null) = self.map.get(key) {
            self.errs.add(
                &self.path.key(key),
                code::INVALID,
                format!("{} must not be null", label(key)),
            );
        }
    }

    fn invalid(&mut self, key: &'static str, what: &str) {
        self.errs.add(
            &self.path.key(key),
            code::INVALID,
            format!("{} must be {what}", label(key)),
        );
    }

    fn string(&mut self, key: &'static str, required: bool) -> Option<&'v str> {
        let v = self.get(key, required)?;
        match v.as_str() {
            Some(s) => Some(s),
            None => {
                self.invalid(key, "a string");
                None
            }
        }
    }

    /// A string of `min..=max` characters.
    fn text(
        &mut self,
        key: &'static str,
        required: bool,
        min: usize,
        max: usize,
    ) -> Option<&'v str> {
        let s = self.string(key, required)?;
        let n = s.chars().count();
        if n < min || n > max {
            let c = if n == 0 {
                code::REQUIRED
            } else if n < min {
                code::TOO_SHORT
            } else {
                code::TOO_LONG
            };
            self.errs.add(
                &self.path.key(key),
                c,
                format!("{} must be {min}–{max} characters", label(key)),
            );
            return None;
        }
        Some(s)
    }

    /// Digits only, `min..=max` of them.
    fn digits(&mut self, key: &'static str, required: bool, min: usize, max: usize) {
        let Some(s) = self.string(key, required) else {
            return;
        };
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
            self.errs.add(
                &self.path.key(key),
                code::INVALID,
                format!("{} must be numbers only", label(key)),
            );
        } else if s.len() < min || s.len() > max {
            self.errs.add(
                &self.path.key(key),
                if s.len() < min {
                    code::TOO_SHORT
                } else {
                    code::TOO_LONG
                },
                format!("{} must be {min}–{max} digits", label(key)),
            );
        }
    }

    fn one_of(&mut self, key: &'static str, required: bool, allowed: &[&str]) {
        if let Some(s) = self.string(key, required) {
            if !allowed.contains(&s) {
                let list = allowed.join(", ");
                self.errs.add(
                    &self.path.key(key),
                    code::INVALID,
                    format!("{} must be one of {list}", label(key)),
                );
            }
        }
    }

    fn boolean(&mut self, key: &'static str, required: bool) {
        if let Some(v) = self.get(key, required) {
            if !v.is_boolean() {
                self.invalid(key, "true or false");
            }
        }
    }

    /// A number within `lo..=hi` (`hi` None = unbounded above).
    fn number(&mut self, key: &'static str, required: bool, lo: Decimal, hi: Decimal) {
        let Some(v) = self.get(key, required) else {
            return;
        };
        match decimal(v) {
            None => self.invalid(key, "a number"),
            Some(d) if d < lo || d > hi => self.errs.add(
                &self.path.key(key),
                code::OUT_OF_RANGE,
                format!("{} must be between {lo} and {hi}", label(key)),
            ),
            Some(_) => {}
        }
    }

    fn uuid(&mut self, key: &'static str, required: bool) {
        if let Some(s) = self.string(key, required) {
            if uuid::Uuid::parse_str(s).is_err() {
                self.invalid(key, "a UUID");
            }
        }
    }

    fn external_id(&mut self, key: &'static str, required: bool) {
        if let Some(s) = self.string(key, required) {
            if !is_external_id(s) {
                let c = if s.is_empty() {
                    code::REQUIRED
                } else {
                    code::INVALID
                };
                self.errs.add(
                    &self.path.key(key),
                    c,
                    format!(
                        "{} must be 1–64 characters: letters, digits, '_' and '-' only",
                        label(key)
                    ),
                );
            }
        }
    }

    /// A nested object, walked by `f`.
    fn object(&mut self, key: &'static str, required: bool, f: impl FnOnce(&mut Obj<'v, '_>)) {
        let Some(v) = self.get(key, required) else {
            return;
        };
        let path = self.path.key(key);
        walk_object(v, &path, self.errs, &label(key), f);
    }

    /// A nested array of at most `max` items.
    fn array(&mut self, key: &'static str, required: bool, max: usize) -> Option<&'v Vec<Value>> {
        let v = self.get(key, required)?;
        let Some(items) = v.as_array() else {
            self.invalid(key, "an array");
            return None;
        };
        if items.len() > max {
            self.errs.add(
                &self.path.key(key),
                code::LIMIT_EXCEEDED,
                format!("{} must have at most {max} items", label(key)),
            );
            return None;
        }
        Some(items)
    }

    /// Localized text: an object of locale → text.
    fn localized(&mut self, key: &'static str, required: bool) {
        let Some(v) = self.get(key, required) else {
            return;
        };
        let path = self.path.key(key);
        localized(v, &path, self.errs, &label(key), required);
    }
}

fn walk_object<'v>(
    v: &'v Value,
    path: &Path,
    errs: &mut Errors,
    what: &str,
    f: impl FnOnce(&mut Obj<'v, '_>),
) {
    match v.as_object() {
        Some(map) => f(&mut Obj {
            map,
            path: path.clone(),
            errs,
        }),
        None => errs.add(path, code::INVALID, format!("{what} must be an object")),
    }
}

fn localized(v: &Value, path: &Path, errs: &mut Errors, what: &str, non_empty: bool) {
    let Some(map) = v.as_object() else {
        errs.add(
            path,
            code::INVALID,
            format!("{what} must be an object of texts keyed by locale"),
        );
        return;
    };
    if non_empty && map.is_empty() {
        errs.add(
            path,
            code::REQUIRED,
            format!("{what} needs a text for at least one locale"),
        );
    }
    if map.len() > MAX_LOCALES {
        errs.add(
            path,
            code::LIMIT_EXCEEDED,
            format!("{what} must have at most {MAX_LOCALES} locales"),
        );
        return;
    }
    for (locale, text) in map {
        let p = path.key(locale.clone());
        if locale.is_empty() || locale.len() > 35 {
            errs.add(&p, code::INVALID, "Locale must be 1–35 characters");
        }
        match text.as_str() {
            Some(t) if t.chars().count() <= 1000 => {}
            Some(_) => errs.add(&p, code::TOO_LONG, "Text must be at most 1000 characters"),
            None => errs.add(&p, code::INVALID, "Text must be a string"),
        }
    }
}

fn dec(n: i64) -> Decimal {
    Decimal::from(n)
}

/// Checks one element of the request; errors are pushed with paths under `path`.
pub fn store(v: &Value, path: &Path, errs: &mut Errors) {
    walk_object(v, path, errs, "Store", |o| {
        o.external_id("id", true);
        o.external_id("brand_id", false);
        for key in [
            "name", "status", "timezone", "contact", "location", "channels", "payments",
        ] {
            o.not_null(key);
        }
        o.text("name", false, 1, 100);
        o.one_of("status", false, &["ACTIVE", "INACTIVE"]);
        o.text("timezone", false, 1, 100);
        o.object("contact", false, |c| {
            if let Some(email) = c.string("email", true) {
                if !is_email(email) || email.len() > 254 {
                    c.invalid("email", "a valid email address");
                }
            }
            if let Some(phone) = c.string("phone", true) {
                if !is_e164(phone) {
                    c.invalid("phone", "an E.164 phone number such as +593991234567");
                }
            }
            c.text("name", false, 1, 100);
        });
        o.object("location", false, |l| {
            l.number("latitude", true, dec(-90), dec(90));
            l.number("longitude", true, dec(-180), dec(180));
            l.text("address_line_1", true, 3, 255);
            l.text("address_line_2", false, 3, 255);
            l.text("city", true, 1, 100);
            l.text("country", true, 1, 100);
            l.digits("postal_code", true, 4, 10);
            l.text("business_name", true, 1, 100);
            l.digits("unit_number", false, 1, 10);
        });
        o.object("channels", false, |chs| {
            if chs.map.len() > MAX_CHANNELS {
                chs.errs.add(
                    &chs.path,
                    code::LIMIT_EXCEEDED,
                    format!("Channels must have at most {MAX_CHANNELS} entries"),
                );
                return;
            }
            for (code_key, ch) in chs.map {
                let p = chs.path.key(code_key.clone());
                if !is_code(code_key, true) {
                    chs.errs.add(
                        &p,
                        code::INVALID,
                        "Channel code must be 1–32 characters: A-Z, 0-9 and _",
                    );
                }
                walk_object(ch, &p, chs.errs, "Channel", channel);
            }
        });
        o.object("payments", false, |pay| {
            pay.boolean("orderable", false);
            pay.not_null("methods");
            if let Some(methods) = pay.array("methods", false, MAX_METHODS) {
                for (i, m) in methods.iter().enumerate() {
                    let p = pay.path.key("methods").index(i);
                    walk_object(m, &p, pay.errs, "Payment method", payment_method);
                }
            }
        });
        if let Some(v) = o.map.get("cms_template_id") {
            if !v.is_null() {
                o.uuid("cms_template_id", false);
            }
        }
    });
}

mod channels;
use channels::{channel, payment_method};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(label("postal_code"), "Postal code");
        assert_eq!(label("id"), "ID");
        assert!(is_iso_time("10:00"));
        assert!(is_iso_time("23:59:59"));
        assert!(!is_iso_time("24:00"));
        assert!(!is_iso_time("9:00"));
        assert_eq!(
            decimal(&serde_json::json!(0.15)),
            Decimal::from_str("0.15").ok()
        );
        assert_eq!(
            decimal(&serde_json::json!("29.99")),
            Decimal::from_str("29.99").ok()
        );
        assert_eq!(decimal(&serde_json::json!(true)), None);
    }
}

//! A merchant's settings: what the Spree Admin API calls the store and GraphQL the `shop`.
//!
//! Rules: the name is 1–200 characters; the URL is an absolute `http`/`https` URL (blank clears
//! it); currencies are ISO 4217 codes written in upper case (`USD`), the supported ones without
//! repeats, and the default currency is always one of them; locales are a language, optionally
//! with a region (`en`, `en-US`); the timezone is an IANA name PostgreSQL knows
//! (`Europe/Madrid`); the weight unit is `g`, `kg`, `lb` or `oz` and the unit system `metric` or
//! `imperial`. The default currency is what an order takes when it names none. The mail
//! settings (sender, support and new-order notification addresses, each a valid email address
//! of at most 254 characters or none, and whether consumer transactional emails are sent) are
//! kept for the systems that send email: the gateway sends none itself.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::merchants;
use crate::domain::orders::stats::{is_known_timezone, KnownTimezones};
use crate::domain::pricing::iso;
use crate::domain::validate::{code, Errors, Patch, Path};
use crate::domain::write::{self, Single};
use crate::error::{Error, Result};

/// Longest list of supported currencies.
pub const MAX_CURRENCIES: usize = 200;
/// Weight units a merchant may choose.
pub const WEIGHT_UNITS: &[&str] = &["g", "kg", "lb", "oz"];
/// Unit systems a merchant may choose.
pub const UNIT_SYSTEMS: &[&str] = &["metric", "imperial"];

/// A merchant's settings row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = merchants, check_for_backend(diesel::pg::Pg))]
pub struct Settings {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub url: Option<String>,
    pub default_currency: String,
    pub supported_currencies: Vec<String>,
    pub default_locale: String,
    pub timezone: String,
    pub admin_locale: Option<String>,
    pub weight_unit: String,
    pub unit_system: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub mail_from_address: Option<String>,
    pub customer_support_email: Option<String>,
    pub new_order_notifications_email: Option<String>,
    pub send_consumer_transactional_emails: bool,
}

/// The settings of `merchant_id`.
pub async fn find(conn: &mut AsyncPgConnection, merchant_id: i64) -> Result<Settings> {
    merchants::table
        .find(merchant_id)
        .select(Settings::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| Error::not_found("merchant not found"))
}

/// The currency of `merchant_id`'s orders and prices when a request names none.
pub async fn default_currency(conn: &mut AsyncPgConnection, merchant_id: i64) -> Result<String> {
    merchants::table
        .find(merchant_id)
        .select(merchants::default_currency)
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| Error::not_found("merchant not found"))
}

/// Changes to the settings; `None` (and [`Patch::Keep`]) keeps a field.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    pub name: Option<String>,
    pub url: Patch<String>,
    pub default_currency: Option<String>,
    pub supported_currencies: Option<Vec<String>>,
    pub default_locale: Option<String>,
    pub timezone: Option<String>,
    pub admin_locale: Patch<String>,
    pub weight_unit: Option<String>,
    pub unit_system: Option<String>,
    pub mail_from_address: Patch<String>,
    pub customer_support_email: Patch<String>,
    pub new_order_notifications_email: Patch<String>,
    pub send_consumer_transactional_emails: Option<bool>,
}

/// `en`, `pt-BR`: a lower-case language of 2–3 letters, optionally `-` and an upper-case region
/// of 2 letters (the table's CHECK).
pub fn is_locale(s: &str) -> bool {
    let (lang, region) = match s.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (s, None),
    };
    (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_lowercase())
        && region.is_none_or(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_uppercase()))
}

/// An absolute `http` or `https` URL with a host.
pub fn is_web_url(s: &str) -> bool {
    url::Url::parse(s)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// Checks one currency code at `path`; true when it is valid.
fn check_currency(errors: &mut Errors, path: &Path, c: &str) -> bool {
    if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
        errors.add(
            path,
            code::INVALID,
            "must be 3 upper-case letters (ISO 4217), such as USD",
        );
        false
    } else if !iso::is_currency(c) {
        errors.add(
            path,
            code::INVALID,
            format!("{c} is not an ISO 4217 currency"),
        );
        false
    } else {
        true
    }
}

fn check_locale(errors: &mut Errors, path: &Path, value: &str) {
    if !is_locale(value) {
        errors.add(
            path,
            code::INVALID,
            "must be a language code, optionally with a region, such as en or en-US",
        );
    }
}

fn one_of(errors: &mut Errors, path: &Path, value: &str, allowed: &[&str]) {
    if !allowed.contains(&value) {
        errors.add(
            path,
            code::INVALID,
            format!("must be one of {}", allowed.join(", ")),
        );
    }
}

/// The settings after `input`, validated (timezone aside: it needs the database).
fn validate(
    errors: &mut Errors,
    root: &Path,
    input: &SettingsInput,
    current: &Settings,
) -> Settings {
    let mut next = current.clone();
    next.name = write::required_text(
        errors,
        &root.key("name"),
        input.name.as_deref(),
        Some(&current.name),
        200,
    );
    let url_path = root.key("url");
    next.url = write::optional_text(errors, &url_path, &input.url, current.url.clone(), 2048);
    if let (Patch::Set(_), Some(u)) = (&input.url, &next.url) {
        if !is_web_url(u) {
            errors.add(
                &url_path,
                code::INVALID,
                "must be an absolute http or https URL, such as https://shop.example.com",
            );
        }
    }
    let mut currencies_ok = true;
    if let Some(list) = &input.supported_currencies {
        let path = root.key("supported_currencies");
        if list.is_empty() || list.len() > MAX_CURRENCIES {
            errors.add(
                &path,
                code::LIMIT_EXCEEDED,
                format!("must list 1 to {MAX_CURRENCIES} currencies"),
            );
            currencies_ok = false;
        }
        for (i, c) in list.iter().enumerate() {
            let at = path.index(i);
            if !check_currency(errors, &at, c) {
                currencies_ok = false;
            } else if list[..i].contains(c) {
                errors.add(
                    &at,
                    code::DUPLICATE_IN_REQUEST,
                    format!("{c} is listed twice"),
                );
                currencies_ok = false;
            }
        }
        next.supported_currencies = list.clone();
    }
    if let Some(c) = &input.default_currency {
        if !check_currency(errors, &root.key("default_currency"), c) {
            currencies_ok = false;
        }
        next.default_currency = c.clone();
    }
    if currencies_ok && !next.supported_currencies.contains(&next.default_currency) {
        // Name the field the request changed: the default when it was given, else the list.
        let (field, message) = if input.default_currency.is_some() {
            (
                "default_currency",
                format!(
                    "must be one of the supported currencies ({})",
                    next.supported_currencies.join(", ")
                ),
            )
        } else {
            (
                "supported_currencies",
                format!(
                    "must include the default currency {}",
                    next.default_currency
                ),
            )
        };
        errors.add(&root.key(field), code::INVALID, message);
    }
    if let Some(l) = &input.default_locale {
        check_locale(errors, &root.key("default_locale"), l);
        next.default_locale = l.clone();
    }
    next.admin_locale = match &input.admin_locale {
        Patch::Keep => current.admin_locale.clone(),
        Patch::Clear => None,
        Patch::Set(l) => {
            check_locale(errors, &root.key("admin_locale"), l);
            Some(l.clone())
        }
    };
    if let Some(w) = &input.weight_unit {
        one_of(errors, &root.key("weight_unit"), w, WEIGHT_UNITS);
        next.weight_unit = w.clone();
    }
    if let Some(u) = &input.unit_system {
        one_of(errors, &root.key("unit_system"), u, UNIT_SYSTEMS);
        next.unit_system = u.clone();
    }
    if let Some(tz) = &input.timezone {
        next.timezone = tz.clone();
    }
    next.mail_from_address = mail_address(
        errors,
        &root.key("mail_from_address"),
        &input.mail_from_address,
        &current.mail_from_address,
    );
    next.customer_support_email = mail_address(
        errors,
        &root.key("customer_support_email"),
        &input.customer_support_email,
        &current.customer_support_email,
    );
    next.new_order_notifications_email = mail_address(
        errors,
        &root.key("new_order_notifications_email"),
        &input.new_order_notifications_email,
        &current.new_order_notifications_email,
    );
    if let Some(send) = input.send_consumer_transactional_emails {
        next.send_consumer_transactional_emails = send;
    }
    next
}

/// A mail setting after `value`: kept, cleared (null or blank), or a checked email address.
fn mail_address(
    errors: &mut Errors,
    path: &Path,
    value: &Patch<String>,
    current: &Option<String>,
) -> Option<String> {
    match value {
        Patch::Keep => current.clone(),
        Patch::Clear => None,
        Patch::Set(v) if v.trim().is_empty() => None,
        Patch::Set(v) => {
            let v = v.trim();
            errors.email(path, v);
            Some(v.to_owned())
        }
    }
}

/// Changes the settings of `merchant_id`; omitted fields keep their values. CONFLICT when they
/// changed after `expected_updated_at`. Must run inside a transaction.
pub async fn update(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    input: &SettingsInput,
    expected_updated_at: Option<DateTime<Utc>>,
    timezones: &KnownTimezones,
) -> Result<Single> {
    let root = Path::input();
    let current: Settings = merchants::table
        .find(merchant_id)
        .select(Settings::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| Error::not_found("merchant not found"))?;
    let mut errors = Errors::default();
    write::check_unchanged(
        &mut errors,
        &Path::field("expected_updated_at"),
        "shop",
        expected_updated_at,
        current.updated_at,
    );
    let next = validate(&mut errors, &root, input, &current);
    if let Some(tz) = &input.timezone {
        if tz != &current.timezone && !is_known_timezone(conn, timezones, tz).await? {
            errors.add(
                &root.key("timezone"),
                code::INVALID,
                format!("unknown timezone {tz:?}: use an IANA name such as \"Europe/Madrid\""),
            );
        }
    }
    if let Err(e) = write::finish(errors) {
        return Ok(Err(e));
    }
    diesel::update(merchants::table.find(merchant_id))
        .set((
            merchants::name.eq(&next.name),
            merchants::url.eq(&next.url),
            merchants::default_currency.eq(&next.default_currency),
            merchants::supported_currencies.eq(&next.supported_currencies),
            merchants::default_locale.eq(&next.default_locale),
            merchants::timezone.eq(&next.timezone),
            merchants::admin_locale.eq(&next.admin_locale),
            merchants::weight_unit.eq(&next.weight_unit),
            merchants::unit_system.eq(&next.unit_system),
            merchants::mail_from_address.eq(&next.mail_from_address),
            merchants::customer_support_email.eq(&next.customer_support_email),
            merchants::new_order_notifications_email.eq(&next.new_order_notifications_email),
            merchants::send_consumer_transactional_emails
                .eq(next.send_consumer_transactional_emails),
            merchants::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(Ok(merchant_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current() -> Settings {
        Settings {
            id: 1,
            slug: "alpha".into(),
            name: "Alpha".into(),
            url: None,
            default_currency: "USD".into(),
            supported_currencies: vec!["USD".into()],
            default_locale: "en".into(),
            timezone: "UTC".into(),
            admin_locale: None,
            weight_unit: "lb".into(),
            unit_system: "imperial".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
            mail_from_address: None,
            customer_support_email: None,
            new_order_notifications_email: None,
            send_consumer_transactional_emails: false,
        }
    }

    fn fields(input: SettingsInput) -> Vec<String> {
        let mut errors = Errors::default();
        validate(&mut errors, &Path::input(), &input, &current());
        errors
            .0
            .iter()
            .map(|e| format!("{}:{}", e.path, e.code.as_str()))
            .collect()
    }

    #[test]
    fn locales_and_urls() {
        assert!(is_locale("en") && is_locale("en-US") && is_locale("fil"));
        assert!(!is_locale("EN") && !is_locale("en_US") && !is_locale("en-us") && !is_locale(""));
        assert!(is_web_url("https://shop.example.com/x") && is_web_url("http://localhost:3000"));
        assert!(!is_web_url("shop.example.com") && !is_web_url("ftp://x.example"));
    }

    #[test]
    fn currencies_are_upper_case_known_and_the_default_is_supported() {
        assert!(fields(SettingsInput {
            default_currency: Some("EUR".into()),
            supported_currencies: Some(vec!["USD".into(), "EUR".into()]),
            ..Default::default()
        })
        .is_empty());
        let e = fields(SettingsInput {
            default_currency: Some("usd".into()),
            ..Default::default()
        });
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("default_currency") && e[0].contains("INVALID"),
            "{e:?}"
        );
        let e = fields(SettingsInput {
            default_currency: Some("EUR".into()),
            ..Default::default()
        });
        assert!(e[0].contains("default_currency"), "{e:?}");
        let e = fields(SettingsInput {
            supported_currencies: Some(vec!["EUR".into()]),
            ..Default::default()
        });
        assert!(e[0].contains("supported_currencies"), "{e:?}");
        let e = fields(SettingsInput {
            supported_currencies: Some(vec!["USD".into(), "XXX".into(), "USD".into()]),
            ..Default::default()
        });
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[1].contains("DUPLICATE_IN_REQUEST"), "{e:?}");
        let e = fields(SettingsInput {
            supported_currencies: Some(vec![]),
            ..Default::default()
        });
        assert!(e[0].contains("LIMIT_EXCEEDED"), "{e:?}");
    }

    #[test]
    fn units_and_names() {
        let e = fields(SettingsInput {
            name: Some("  ".into()),
            weight_unit: Some("stone".into()),
            unit_system: Some("metric".into()),
            default_locale: Some("en-US".into()),
            admin_locale: Patch::Set("english".into()),
            url: Patch::Set("not a url".into()),
            ..Default::default()
        });
        let joined = e.join(" ");
        for f in ["name", "weight_unit", "admin_locale", "url"] {
            assert!(joined.contains(f), "{f}: {e:?}");
        }
        assert_eq!(e.len(), 4, "{e:?}");
    }

    #[test]
    fn mail_settings_are_email_addresses_or_none() {
        let e = fields(SettingsInput {
            mail_from_address: Patch::Set("no-reply@shop.example".into()),
            customer_support_email: Patch::Set("  ".into()),
            new_order_notifications_email: Patch::Clear,
            send_consumer_transactional_emails: Some(true),
            ..Default::default()
        });
        assert!(e.is_empty(), "{e:?}");
        let e = fields(SettingsInput {
            mail_from_address: Patch::Set("not-an-address".into()),
            customer_support_email: Patch::Set(format!("{}@example.com", "a".repeat(250))),
            ..Default::default()
        });
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].contains("mail_from_address") && e[0].contains("INVALID"),
            "{e:?}"
        );
        assert!(e[1].contains("customer_support_email"), "{e:?}");
    }
}

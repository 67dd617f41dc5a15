//! The customer input and its field checks (no database).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::validate::{code, Errors, Patch, Path};
use crate::ids::{self, Kind};

/// One customer to create or change. For an update, `id` names it and `Keep` leaves a field.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CustomerInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub email: Option<String>,
    #[serde(serialize_with = "ser_patch")]
    pub first_name: Patch<String>,
    #[serde(serialize_with = "ser_patch")]
    pub last_name: Patch<String>,
    #[serde(serialize_with = "ser_patch")]
    pub phone: Patch<String>,
    pub accepts_marketing: Option<bool>,
    pub tags: Option<Vec<String>>,
    pub metadata: Option<serde_json::Value>,
    #[serde(serialize_with = "ser_patch")]
    pub external_id: Patch<String>,
    #[serde(serialize_with = "ser_patch")]
    pub notes: Patch<String>,
    /// Replaces the customer's groups when given.
    pub customer_group_ids: Option<Vec<String>>,
    /// Refuse the update with CONFLICT when the customer changed after this time.
    pub expected_updated_at: Option<DateTime<Utc>>,
}

pub(super) fn ser_patch<S: serde::Serializer>(
    p: &Patch<String>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match p {
        Patch::Keep => s.serialize_str("\u{0}keep"),
        Patch::Set(v) => s.serialize_some(v),
        Patch::Clear => s.serialize_none(),
    }
}

/// A validated row, ready to write.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) index: usize,
    pub(super) id: Option<i64>,
    pub(super) email: String,
    pub(super) first_name: Option<String>,
    pub(super) last_name: Option<String>,
    pub(super) phone: Option<String>,
    pub(super) accepts_marketing: bool,
    pub(super) tags: Vec<String>,
    pub(super) metadata: serde_json::Value,
    pub(super) external_id: Option<String>,
    pub(super) notes: Option<String>,
    pub(super) groups: Option<Vec<i64>>,
}

pub(super) fn check_optional_text(
    errors: &mut Errors,
    path: &Path,
    patch: &Patch<String>,
    max: usize,
) -> Patch<String> {
    match patch {
        Patch::Set(v) => {
            let v = v.trim().to_owned();
            if v.is_empty() {
                Patch::Clear
            } else {
                errors.length(path, &v, 1, max);
                Patch::Set(v)
            }
        }
        other => other.clone(),
    }
}

/// Normalises and validates tags: trimmed, 1–64 characters, deduplicated, at most 250.
pub use crate::domain::tags::normalize as normalize_tags;

pub fn validate_fields(errors: &mut Errors, path: &Path, input: &CustomerInput) -> CustomerInput {
    let mut out = input.clone();
    if let Some(email) = &input.email {
        let email = email.trim().to_owned();
        errors.email(&path.key("email"), &email);
        out.email = Some(email);
    }
    out.first_name = check_optional_text(errors, &path.key("first_name"), &input.first_name, 100);
    out.last_name = check_optional_text(errors, &path.key("last_name"), &input.last_name, 100);
    out.notes = check_optional_text(errors, &path.key("notes"), &input.notes, 5000);
    out.phone = check_optional_text(errors, &path.key("phone"), &input.phone, 32);
    if let Patch::Set(p) = &out.phone {
        let ok = p
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
            && p.chars().filter(char::is_ascii_digit).count() >= 4;
        if !ok {
            errors.add(
                &path.key("phone"),
                code::INVALID,
                "is not a valid phone number",
            );
        }
    }
    out.external_id =
        check_optional_text(errors, &path.key("external_id"), &input.external_id, 100);
    if let Some(tags) = &input.tags {
        out.tags = Some(normalize_tags(errors, &path.key("tags"), tags));
    }
    if let Some(m) = &input.metadata {
        if !m.is_object() {
            errors.add(
                &path.key("metadata"),
                code::INVALID,
                "must be a JSON object",
            );
        } else if m.to_string().len() > 16_384 {
            errors.add(
                &path.key("metadata"),
                code::TOO_LONG,
                "must be at most 16 KiB of JSON",
            );
        }
    }
    out
}

pub(super) fn decode_groups(
    errors: &mut Errors,
    path: &Path,
    ids_in: &Option<Vec<String>>,
) -> Option<Vec<i64>> {
    let list = ids_in.as_ref()?;
    let mut out = Vec::new();
    for (i, id) in list.iter().enumerate() {
        match ids::decode(Kind::CustomerGroup, id) {
            Ok(k) if !out.contains(&k) => out.push(k),
            Ok(_) => {}
            Err(e) => errors.add(&path.index(i), code::INVALID, e.to_string()),
        }
    }
    Some(out)
}

/// Decodes the `id` of every item; a missing or bad ID is an item error.
pub(super) fn decode_item_ids(
    inputs: &[CustomerInput],
    root: &Path,
    errors: &mut [Errors],
) -> Vec<Option<i64>> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let path = root.index(i).key("id");
            match input
                .id
                .as_deref()
                .map(|id| ids::decode(Kind::Customer, id))
            {
                None => {
                    errors[i].add(&path, code::REQUIRED, "is required");
                    None
                }
                Some(Err(e)) => {
                    errors[i].add(&path, code::INVALID, e.to_string());
                    None
                }
                Some(Ok(k)) => Some(k),
            }
        })
        .collect()
}

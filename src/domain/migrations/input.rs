//! The rows of a customers batch, their field checks (no database), and what every batch
//! stages per row.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::customers::commands::input::{validate_fields, CustomerInput};
use crate::domain::validate::{code, Errors, FieldError, Patch, Path};

/// One customer of a legacy system, as a whole record: fields not given are empty (a re-sent
/// row that leaves out a name clears it), except `created_at`, which keeps the current value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerImport {
    /// The legacy system's identifier: the key a re-sent row is matched by.
    pub external_id: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub accepts_marketing: bool,
    pub marketing_opt_in_at: Option<DateTime<Utc>>,
    pub tags: Vec<String>,
    /// A JSON object; `None` is `{}`.
    pub metadata: Option<serde_json::Value>,
    pub notes: Option<String>,
    /// When the customer was created in the legacy system; `None`: now (or unchanged).
    pub created_at: Option<DateTime<Utc>>,
}

/// A row as staged: its external id, its validated input (absent when it failed its checks)
/// and its errors (paths start with the row's index).
#[derive(Debug, Clone)]
pub struct Staged {
    pub index: usize,
    pub external_id: Option<String>,
    pub input: Option<serde_json::Value>,
    pub errors: Vec<FieldError>,
}

/// The external id of a row: trimmed, 1–100 characters.
pub fn external_id(errors: &mut Errors, path: &Path, v: &str) -> String {
    let v = v.trim();
    errors.length(&path.key("external_id"), v, 1, 100);
    v.to_owned()
}

fn set(v: &Option<String>) -> Patch<String> {
    v.clone().map(Patch::Set).unwrap_or(Patch::Clear)
}

fn value(p: Patch<String>) -> Option<String> {
    match p {
        Patch::Set(v) => Some(v),
        _ => None,
    }
}

/// Checks one customer row with the rules of every customer write, and normalises it (trimmed
/// text, blank as absent, deduplicated tags, `{}` metadata).
pub fn check_customer(errors: &mut Errors, path: &Path, row: &CustomerImport) -> CustomerImport {
    let checked = validate_fields(
        errors,
        path,
        &CustomerInput {
            email: Some(row.email.clone()),
            first_name: set(&row.first_name),
            last_name: set(&row.last_name),
            phone: set(&row.phone),
            accepts_marketing: Some(row.accepts_marketing),
            tags: Some(row.tags.clone()),
            metadata: row.metadata.clone(),
            notes: set(&row.notes),
            ..CustomerInput::default()
        },
    );
    CustomerImport {
        external_id: external_id(errors, path, &row.external_id),
        email: checked.email.unwrap_or_default(),
        first_name: value(checked.first_name),
        last_name: value(checked.last_name),
        phone: value(checked.phone),
        accepts_marketing: row.accepts_marketing,
        marketing_opt_in_at: row.marketing_opt_in_at,
        tags: checked.tags.unwrap_or_default(),
        metadata: Some(
            checked
                .metadata
                .unwrap_or_else(|| serde_json::Value::Object(Default::default())),
        ),
        notes: value(checked.notes),
        created_at: row.created_at,
    }
}

/// Reports the second and later rows of a batch that repeat a key (`field` at the row),
/// DUPLICATE_IN_REQUEST naming the first.
pub fn duplicates(
    errors: &mut [Errors],
    keys: impl Iterator<Item = (usize, Option<String>)>,
    field: &'static str,
    noun: &str,
) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, key) in keys {
        let Some(key) = key else { continue };
        if key.is_empty() {
            continue;
        }
        if let Some(first) = seen.get(&key) {
            errors[i].add(
                &Path::input().index(i).key(field),
                code::DUPLICATE_IN_REQUEST,
                format!("the same {noun} is also given at index {first}"),
            );
        } else {
            seen.insert(key, i);
        }
    }
}

/// Checks every customer row: fields, then external ids and emails repeated in the batch.
pub fn check_customers(rows: &[CustomerImport]) -> Vec<Staged> {
    let mut errors: Vec<Errors> = rows.iter().map(|_| Errors::default()).collect();
    let checked: Vec<CustomerImport> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| check_customer(&mut errors[i], &Path::input().index(i), r))
        .collect();
    duplicates(
        &mut errors,
        checked
            .iter()
            .enumerate()
            .map(|(i, r)| (i, Some(r.external_id.clone()))),
        "external_id",
        "external id",
    );
    duplicates(
        &mut errors,
        checked
            .iter()
            .enumerate()
            .map(|(i, r)| (i, Some(r.email.to_lowercase()))),
        "email",
        "email",
    );
    stage(checked, errors, |r| r.external_id.clone())
}

/// The staged rows of checked inputs and their errors.
pub fn stage<T: Serialize>(
    checked: Vec<T>,
    errors: Vec<Errors>,
    external_id: impl Fn(&T) -> String,
) -> Vec<Staged> {
    checked
        .into_iter()
        .zip(errors)
        .enumerate()
        .map(|(index, (row, errors))| {
            let ext = external_id(&row);
            let external_id = (!ext.is_empty()).then_some(ext);
            if errors.is_empty() {
                Staged {
                    index,
                    external_id,
                    input: serde_json::to_value(&row).ok(),
                    errors: Vec::new(),
                }
            } else {
                Staged {
                    index,
                    external_id,
                    input: None,
                    errors: errors.0,
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ext: &str, email: &str) -> CustomerImport {
        CustomerImport {
            external_id: ext.into(),
            email: email.into(),
            ..CustomerImport::default()
        }
    }

    #[test]
    fn rows_are_normalised_and_checked() {
        let mut r = row(" L-1 ", " a@x.co ");
        r.first_name = Some("  ".into());
        r.tags = vec!["vip".into(), " vip ".into()];
        let staged = check_customers(&[r, row("", "nope")]);
        let input: CustomerImport =
            serde_json::from_value(staged[0].input.clone().unwrap()).unwrap();
        assert_eq!(input.external_id, "L-1");
        assert_eq!(input.email, "a@x.co");
        assert_eq!(input.first_name, None);
        assert_eq!(input.tags, vec!["vip".to_string()]);
        assert_eq!(input.metadata, Some(serde_json::json!({})));
        assert!(staged[0].errors.is_empty());
        let paths: Vec<String> = staged[1]
            .errors
            .iter()
            .map(|e| e.path.to_string())
            .collect();
        assert_eq!(paths, ["1.email", "1.external_id"]);
        assert!(staged[1].input.is_none());
    }

    #[test]
    fn repeated_keys_are_errors_of_the_later_rows() {
        let staged = check_customers(&[
            row("L-1", "a@x.co"),
            row("L-1", "b@x.co"),
            row("L-2", "A@X.CO"),
        ]);
        assert!(staged[0].errors.is_empty());
        assert_eq!(staged[1].errors[0].code, code::DUPLICATE_IN_REQUEST);
        assert_eq!(staged[1].errors[0].path.to_string(), "1.external_id");
        assert_eq!(staged[2].errors[0].path.to_string(), "2.email");
    }
}

//! Ransack conditions (`q[email_cont]=jane`) to the typed GraphQL `filter` input. Each list
//! route declares which attributes it filters on and of what kind; the kind decides which
//! predicates apply and how a value is read. Values travel as GraphQL variables, never in the
//! document's text.

use serde_json::{json, Map, Value};

use super::params::{Condition, Predicate};
use super::Refusal;

/// A filterable attribute of a list route.
pub struct FilterAttr {
    /// The dialect's attribute (`email`, `completed_at`, `state`).
    pub attr: &'static str,
    /// The GraphQL filter input's field (`email`, `completedAt`, `status`).
    pub field: &'static str,
    pub kind: FilterKind,
}

/// What an attribute holds, which decides its predicates and how values are read.
#[derive(Clone, Copy)]
pub enum FilterKind {
    /// A prefixed ID (`cus_…`); compared as the GraphQL `IdFilter`.
    Id,
    Text,
    /// A time (ISO 8601; a date alone means its midnight UTC).
    Time,
    Decimal,
    Int,
    /// A boolean field compared by value (`q[active_eq]=true`, `q[active_true]=1`).
    Bool,
    /// The dialect's value mapped onto the GraphQL value (Spree order states onto our enum,
    /// channel slugs onto our codes); an unmapped value is refused.
    Enum(fn(&str) -> Option<String>),
    /// As `Enum`, for a GraphQL filter field that is a plain list of values
    /// (`status: [ACTIVE]`): `eq` is a list of one, `in` the list.
    EnumSet(fn(&str) -> Option<String>),
}

impl FilterKind {
    /// The predicates an attribute of this kind takes.
    pub fn predicates(self) -> &'static [Predicate] {
        use Predicate::*;
        match self {
            FilterKind::Id => &[Eq, NotEq, In, NotIn, Null, NotNull],
            FilterKind::Text => &[Eq, NotEq, Cont, Start, End, In, NotIn, Null, NotNull],
            FilterKind::Time | FilterKind::Decimal | FilterKind::Int => {
                &[Eq, NotEq, Lt, Lteq, Gt, Gteq, In, NotIn, Null, NotNull]
            }
            FilterKind::Bool => &[Eq, True, False],
            FilterKind::Enum(_) => &[Eq, NotEq, In, NotIn],
            FilterKind::EnumSet(_) => &[Eq, In],
        }
    }
}

/// The GraphQL operator of a predicate (on `IdFilter`, `StringFilter`, …).
pub fn operator(p: Predicate) -> &'static str {
    match p {
        Predicate::Eq => "eq",
        Predicate::NotEq => "ne",
        Predicate::Cont => "contains",
        Predicate::Start => "startsWith",
        Predicate::End => "endsWith",
        Predicate::Lt => "lt",
        Predicate::Lteq => "lte",
        Predicate::Gt => "gt",
        Predicate::Gteq => "gte",
        Predicate::In => "in",
        Predicate::NotIn => "notIn",
        Predicate::Null | Predicate::NotNull => "isNull",
        Predicate::True | Predicate::False => "",
    }
}

/// A filter variable and the parameters that set each of its paths.
pub type Translated = (Option<Value>, Vec<(String, String)>);

/// The `filter` variable for `conditions`, and for each GraphQL argument path it sets
/// (`filter.email.contains`) the parameter that set it, to name it in errors. `None` when
/// there is no condition.
pub fn filter(attrs: &[FilterAttr], conditions: &[Condition]) -> Result<Translated, Refusal> {
    if conditions.is_empty() {
        return Ok((None, Vec::new()));
    }
    let mut out = Map::new();
    let mut params = Vec::new();
    for c in conditions {
        let a = attrs.iter().find(|a| a.attr == c.attr).ok_or_else(|| {
            Refusal::param(
                &c.param,
                format!(
                    "filters on an unknown attribute `{}` (attributes: {})",
                    c.attr,
                    attrs.iter().map(|a| a.attr).collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        if !a.kind.predicates().contains(&c.predicate) {
            return Err(Refusal::param(
                &c.param,
                format!(
                    "`{}` does not apply to `{}` (it takes: {})",
                    c.predicate.as_str(),
                    c.attr,
                    a.kind
                        .predicates()
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let one = || c.values.first().map(String::as_str).unwrap_or_default();
        let value = match c.predicate {
            Predicate::Null => json!(boolean(&c.param, one())?),
            Predicate::NotNull => json!(!boolean(&c.param, one())?),
            Predicate::True | Predicate::False => {
                // `q[active_true]=1` selects active rows; `=0` leaves the condition out, as
                // Ransack does.
                if !boolean(&c.param, one())? {
                    continue;
                }
                json!(c.predicate == Predicate::True)
            }
            Predicate::In | Predicate::NotIn => {
                let mut values = Vec::with_capacity(c.values.len());
                for v in &c.values {
                    let v = read(a.kind, &c.param, v)?;
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
                Value::Array(values)
            }
            _ => read(a.kind, &c.param, one())?,
        };
        let value = match (a.kind, value) {
            (FilterKind::EnumSet(_), Value::Array(l)) => Value::Array(l),
            (FilterKind::EnumSet(_), one) => Value::Array(vec![one]),
            (_, v) => v,
        };
        if let FilterKind::Bool | FilterKind::EnumSet(_) = a.kind {
            if out.insert(a.field.to_owned(), value).is_some() {
                return Err(Refusal::param(
                    &c.param,
                    "repeats a condition on the same attribute",
                ));
            }
            params.push((format!("filter.{}", a.field), c.param.clone()));
            continue;
        }
        let op = operator(c.predicate);
        let slot = out
            .entry(a.field.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(ops) = slot {
            if ops.insert(op.to_owned(), value).is_some() {
                return Err(Refusal::param(
                    &c.param,
                    "repeats a condition another parameter already sets",
                ));
            }
        }
        params.push((format!("filter.{}.{op}", a.field), c.param.clone()));
    }
    Ok((Some(Value::Object(out)), params))
}

/// `true/1/t/yes` or `false/0/f/no`, as Ransack reads them.
pub fn boolean(param: &str, v: &str) -> Result<bool, Refusal> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "t" | "yes" => Ok(true),
        "false" | "0" | "f" | "no" => Ok(false),
        _ => Err(Refusal::param(param, "must be true or false")),
    }
}

/// One value of an attribute of `kind`, as the GraphQL variable carries it.
pub fn read(kind: FilterKind, param: &str, v: &str) -> Result<Value, Refusal> {
    Ok(match kind {
        FilterKind::Id | FilterKind::Text => json!(v),
        FilterKind::Time => json!(time(param, v)?),
        FilterKind::Decimal => {
            let t = v.trim();
            let ok = !t.is_empty()
                && t.trim_start_matches(['-', '+'])
                    .split_once('.')
                    .map_or(t.trim_start_matches(['-', '+']), |(a, b)| {
                        if a.is_empty() && b.is_empty() {
                            "x"
                        } else if b.chars().all(|c| c.is_ascii_digit()) {
                            a
                        } else {
                            "x"
                        }
                    })
                    .chars()
                    .all(|c| c.is_ascii_digit());
            if !ok {
                return Err(Refusal::param(param, "must be a decimal number"));
            }
            json!(t)
        }
        FilterKind::Int => json!(v
            .trim()
            .parse::<i64>()
            .map_err(|_| Refusal::param(param, "must be a whole number"))?),
        FilterKind::Bool => json!(boolean(param, v)?),
        FilterKind::Enum(map) | FilterKind::EnumSet(map) => {
            json!(map(v.trim()).ok_or_else(|| {
                Refusal::param(param, format!("has an unknown value `{}`", v.trim()))
            })?)
        }
    })
}

/// A time of ISO 8601 (`2026-06-12T17:23:47Z`, `…+02:00`) or a date alone (`2026-06-12`,
/// its midnight UTC), as RFC 3339 text.
pub fn time(param: &str, v: &str) -> Result<String, Refusal> {
    let v = v.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v) {
        return Ok(t
            .to_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Ok(format!("{d}T00:00:00Z"));
    }
    Err(Refusal::param(
        param,
        "must be a time (2026-06-12T17:23:47Z) or a date (2026-06-12)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rest::translate::params::{Accepts, Params};

    fn state(v: &str) -> Option<String> {
        match v {
            "cart" | "address" => Some("DRAFT".into()),
            "complete" => Some("COMPLETE".into()),
            _ => None,
        }
    }

    const ATTRS: &[FilterAttr] = &[
        FilterAttr {
            attr: "email",
            field: "email",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "id",
            field: "id",
            kind: FilterKind::Id,
        },
        FilterAttr {
            attr: "completed_at",
            field: "completedAt",
            kind: FilterKind::Time,
        },
        FilterAttr {
            attr: "total",
            field: "total",
            kind: FilterKind::Decimal,
        },
        FilterAttr {
            attr: "active",
            field: "active",
            kind: FilterKind::Bool,
        },
        FilterAttr {
            attr: "state",
            field: "status",
            kind: FilterKind::Enum(state),
        },
    ];

    fn run(q: &str) -> Result<Value, Refusal> {
        let p = Params::parse(Some(q), Accepts::List)?;
        Ok(filter(ATTRS, &p.conditions)?.0.unwrap_or(Value::Null))
    }

    #[test]
    fn conditions_become_one_typed_filter() {
        let f = run("q[email_cont]=Jane&q[completed_at_gt]=2026-01-01&q[completed_at_lteq]=2026-02-01T10:00:00%2B02:00\
                     &q[state_in][]=cart&q[state_in][]=address&q[state_in][]=complete&q[active_true]=1\
                     &q[id_null]=0&q[total_gteq]=10.5")
        .unwrap();
        assert_eq!(
            f,
            json!({
                "email": {"contains": "Jane"},
                "completedAt": {"gt": "2026-01-01T00:00:00Z", "lte": "2026-02-01T08:00:00Z"},
                "status": {"in": ["DRAFT", "COMPLETE"]},
                "active": true,
                "id": {"isNull": false},
                "total": {"gte": "10.5"},
            })
        );
    }

    #[test]
    fn bad_conditions_name_their_parameter() {
        for (q, param) in [
            ("q[name_cont]=x", "q[name_cont]"),
            ("q[active_cont]=x", "q[active_cont]"),
            ("q[completed_at_gt]=yesterday", "q[completed_at_gt]"),
            ("q[total_eq]=1e3", "q[total_eq]"),
            ("q[total_eq]=.", "q[total_eq]"),
            ("q[state_eq]=shipped", "q[state_eq]"),
            ("q[id_null]=maybe", "q[id_null]"),
        ] {
            assert_eq!(run(q).unwrap_err().param.as_deref(), Some(param), "{q}");
        }
    }
}

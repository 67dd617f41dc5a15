//! Typed filter inputs shared by every list. Each turns into predicates on a field the domain
//! declares ([`Field`]: the domain alone knows its SQL); a field that does not exist is refused
//! by GraphQL validation itself.

use async_graphql::{Enum, InputObject, ID};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::errors::{bad_id, bad_input, GqlResult};
use crate::db::sql::Bind;
use crate::domain::filter::{Field, Filter, Op};
use crate::ids::{self, Kind};

/// Longest list accepted by an `in` operator.
const MAX_IN: usize = 1000;

/// Longest text a filter value or a `search` may be, in characters. Every filterable text
/// column holds at most 255; a longer `contains` or `search` pattern only made each row's
/// `ILIKE` slower (a 1 MB `search` held a pooled connection for 17–30 s).
pub const MAX_TEXT: usize = 256;

/// Refuses a list over [`MAX_IN`] values; `path` names the list (`filter.email.in`).
fn check_in_len(path: &str, n: usize) -> GqlResult<()> {
    if n > MAX_IN {
        return Err(bad_input(path, format!("at most {MAX_IN} values")));
    }
    Ok(())
}

/// Refuses a text over [`MAX_TEXT`] characters, naming its argument path.
pub fn check_text(path: &str, text: &str) -> GqlResult<()> {
    // At most 4 bytes a character: a short text needs no count.
    if text.len() > MAX_TEXT && text.chars().nth(MAX_TEXT).is_some() {
        return Err(bad_input(path, format!("at most {MAX_TEXT} characters")));
    }
    Ok(())
}

/// The free-text `search` argument of a list, at most [`MAX_TEXT`] characters.
pub fn search_text(search: Option<String>) -> GqlResult<Option<String>> {
    if let Some(s) = &search {
        check_text("search", s)?;
    }
    Ok(search)
}

/// Checks the values of a list operator (`filter.tags.hasAll`): its length, then each text.
fn check_texts(path: &str, values: &[String]) -> GqlResult<()> {
    check_in_len(path, values.len())?;
    for (i, v) in values.iter().enumerate() {
        check_text(&format!("{path}.{i}"), v)?;
    }
    Ok(())
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
/// Direction of a sort.
pub enum SortDirection {
    /// Smallest (or earliest, or alphabetically first) first.
    Asc,
    /// Largest (or latest, or alphabetically last) first.
    #[default]
    Desc,
}

/// Conditions on a text field. Text matching is case-insensitive for `contains`/`startsWith`.
/// Every value is at most 256 characters.
#[derive(InputObject, Default, Debug)]
pub struct StringFilter {
    /// Exactly equal.
    pub eq: Option<String>,
    /// Not equal.
    pub ne: Option<String>,
    /// Equal to one of these values (at most 1000).
    #[graphql(name = "in")]
    pub in_: Option<Vec<String>>,
    /// Contains this text, ignoring case.
    pub contains: Option<String>,
    /// Starts with this text, ignoring case.
    pub starts_with: Option<String>,
    /// `true`: the field has no value; `false`: it has one.
    pub is_null: Option<bool>,
    /// Ends with this text, ignoring case.
    pub ends_with: Option<String>,
    /// Equal to none of these values (at most 1000); a field without a value matches.
    pub not_in: Option<Vec<String>>,
}

impl StringFilter {
    /// Refuses a value over [`MAX_TEXT`] characters, naming it (`filter.email.contains`).
    fn check(&self, path: &str) -> GqlResult<()> {
        for (op, value) in [
            ("eq", &self.eq),
            ("ne", &self.ne),
            ("contains", &self.contains),
            ("startsWith", &self.starts_with),
            ("endsWith", &self.ends_with),
        ] {
            if let Some(v) = value {
                check_text(&format!("{path}.{op}"), v)?;
            }
        }
        if let Some(v) = &self.in_ {
            check_texts(&format!("{path}.in"), v)?;
        }
        if let Some(v) = &self.not_in {
            check_texts(&format!("{path}.notIn"), v)?;
        }
        Ok(())
    }

    /// Adds the conditions given on `column` to `f`; `path` names the input in errors.
    pub fn apply<F: Field>(&self, f: &mut Filter<F>, column: F, path: &str) -> GqlResult<()> {
        self.check(path)?;
        if let Some(v) = &self.eq {
            f.push(column, Op::Eq(Bind::Text(v.clone())));
        }
        if let Some(v) = &self.ne {
            f.push(column, Op::Ne(Bind::Text(v.clone())));
        }
        if let Some(v) = &self.in_ {
            f.push(column, Op::In(Bind::Texts(v.clone())));
        }
        if let Some(v) = &self.contains {
            f.push(column, Op::Contains(v.clone()));
        }
        if let Some(v) = &self.starts_with {
            f.push(column, Op::StartsWith(v.clone()));
        }
        if let Some(v) = &self.ends_with {
            f.push(column, Op::EndsWith(v.clone()));
        }
        if let Some(v) = self.is_null {
            f.push(column, Op::IsNull(v));
        }
        if let Some(v) = &self.not_in {
            f.push(column, Op::NotIn(Bind::Texts(v.clone())));
        }
        Ok(())
    }

    /// Like [`apply`](Self::apply) but `eq`/`in` ignore case (emails, coupon codes).
    pub fn apply_ci<F: Field>(&self, f: &mut Filter<F>, column: F, path: &str) -> GqlResult<()> {
        self.check(path)?;
        if let Some(v) = &self.eq {
            f.push(column, Op::EqIgnoreCase(v.clone()));
        }
        let rest = StringFilter {
            eq: None,
            in_: None,
            not_in: None,
            ..self.clone_fields()
        };
        rest.apply(f, column, path)?;
        if let Some(v) = &self.in_ {
            f.push(column, Op::in_ignore_case(v));
        }
        if let Some(v) = &self.not_in {
            f.push(
                column,
                Op::NotInIgnoreCase(v.iter().map(|s| s.to_lowercase()).collect()),
            );
        }
        Ok(())
    }

    fn clone_fields(&self) -> Self {
        Self {
            eq: self.eq.clone(),
            ne: self.ne.clone(),
            in_: self.in_.clone(),
            contains: self.contains.clone(),
            starts_with: self.starts_with.clone(),
            is_null: self.is_null,
            ends_with: self.ends_with.clone(),
            not_in: self.not_in.clone(),
        }
    }
}

/// The keys of a list of IDs of `kind`; an error names the list (`path`) or the element
/// (`filter.channelId.in.2`).
fn decode_all(kind: Kind, list: &[ID], path: &str) -> GqlResult<Vec<i64>> {
    check_in_len(path, list.len())?;
    list.iter()
        .enumerate()
        .map(|(i, id)| ids::decode(kind, id).map_err(|e| bad_id(&format!("{path}.{i}"), e)))
        .collect()
}

/// Conditions on a reference to another object, by its public ID.
#[derive(InputObject, Default, Debug)]
pub struct IdFilter {
    /// The ID equals this one.
    pub eq: Option<ID>,
    /// The ID is one of these (at most 1000).
    #[graphql(name = "in")]
    pub in_: Option<Vec<ID>>,
    /// `true`: there is no reference; `false`: there is one.
    pub is_null: Option<bool>,
    /// The ID is not this one; no reference matches too.
    pub ne: Option<ID>,
    /// The ID is none of these (at most 1000); no reference matches too.
    pub not_in: Option<Vec<ID>>,
}

impl IdFilter {
    /// Adds the conditions given on the reference `column` (to objects of `kind`) to `f`.
    pub fn apply<F: Field>(
        &self,
        f: &mut Filter<F>,
        column: F,
        kind: Kind,
        path: &str,
    ) -> GqlResult<()> {
        if let Some(id) = &self.eq {
            let key = ids::decode(kind, id).map_err(|e| bad_id(&format!("{path}.eq"), e))?;
            f.push(column, Op::Eq(Bind::I64(key)));
        }
        if let Some(list) = &self.in_ {
            let keys = decode_all(kind, list, &format!("{path}.in"))?;
            f.push(column, Op::In(Bind::I64s(keys)));
        }
        if let Some(v) = self.is_null {
            f.push(column, Op::IsNull(v));
        }
        if let Some(id) = &self.ne {
            let key = ids::decode(kind, id).map_err(|e| bad_id(&format!("{path}.ne"), e))?;
            f.push(column, Op::Ne(Bind::I64(key)));
        }
        if let Some(list) = &self.not_in {
            let keys = decode_all(kind, list, &format!("{path}.notIn"))?;
            f.push(column, Op::NotIn(Bind::I64s(keys)));
        }
        Ok(())
    }

    /// Conditions on the rows related through a link table rather than on a column: `related`
    /// is a field the domain maps to a correlated subquery (see [`Op::RelatedIn`]). `eq`/`in`:
    /// linked to one of these; `isNull: true`: linked to none, `false`: to at least one.
    pub fn apply_related<F: Field>(
        &self,
        f: &mut Filter<F>,
        related: F,
        kind: Kind,
        path: &str,
    ) -> GqlResult<()> {
        if let Some(id) = &self.eq {
            let key = ids::decode(kind, id).map_err(|e| bad_id(&format!("{path}.eq"), e))?;
            f.push(related, Op::RelatedIn(Bind::I64s(vec![key])));
        }
        if let Some(list) = &self.in_ {
            let keys = decode_all(kind, list, &format!("{path}.in"))?;
            f.push(related, Op::RelatedIn(Bind::I64s(keys)));
        }
        if let Some(v) = self.is_null {
            f.push(related, Op::NoRelated(v));
        }
        if let Some(id) = &self.ne {
            let key = ids::decode(kind, id).map_err(|e| bad_id(&format!("{path}.ne"), e))?;
            f.push(related, Op::RelatedNotIn(Bind::I64s(vec![key])));
        }
        if let Some(list) = &self.not_in {
            let keys = decode_all(kind, list, &format!("{path}.notIn"))?;
            f.push(related, Op::RelatedNotIn(Bind::I64s(keys)));
        }
        Ok(())
    }
}

/// A value to compare with and the operator building the predicate.
type Comparison<T> = (Option<T>, fn(Bind) -> Op);

/// The comparisons of an ordered filter (`eq`, `ne`, `gt`…`lte`, `in`, `isNull`), whatever the
/// value type: `one` binds a value, `many` a list of them.
struct Ordered<'a, T> {
    compare: [Comparison<T>; 6],
    in_: &'a Option<Vec<T>>,
    not_in: &'a Option<Vec<T>>,
    is_null: Option<bool>,
}

impl<T: Clone> Ordered<'_, T> {
    fn push<F: Field>(
        self,
        f: &mut Filter<F>,
        column: F,
        path: &str,
        one: fn(T) -> Bind,
        many: fn(Vec<T>) -> Bind,
    ) -> GqlResult<()> {
        for (v, op) in self.compare {
            if let Some(v) = v {
                f.push(column, op(one(v)));
            }
        }
        if let Some(v) = self.in_ {
            check_in_len(&format!("{path}.in"), v.len())?;
            f.push(column, Op::In(many(v.clone())));
        }
        if let Some(v) = self.not_in {
            check_in_len(&format!("{path}.notIn"), v.len())?;
            f.push(column, Op::NotIn(many(v.clone())));
        }
        if let Some(v) = self.is_null {
            f.push(column, Op::IsNull(v));
        }
        Ok(())
    }
}

/// Conditions on a point in time (ISO 8601 with offset).
#[derive(InputObject, Default, Debug)]
pub struct DateTimeFilter {
    /// Exactly this instant.
    pub eq: Option<DateTime<Utc>>,
    /// Any other instant; a field without a value matches too.
    pub ne: Option<DateTime<Utc>>,
    /// One of these instants (at most 1000).
    #[graphql(name = "in")]
    pub in_: Option<Vec<DateTime<Utc>>>,
    /// Strictly after.
    pub gt: Option<DateTime<Utc>>,
    /// At or after.
    pub gte: Option<DateTime<Utc>>,
    /// Strictly before.
    pub lt: Option<DateTime<Utc>>,
    /// At or before.
    pub lte: Option<DateTime<Utc>>,
    /// `true`: the field has no value; `false`: it has one.
    pub is_null: Option<bool>,
    /// None of these instants (at most 1000); a field without a value matches.
    pub not_in: Option<Vec<DateTime<Utc>>>,
}

impl DateTimeFilter {
    /// Adds the conditions given on `column` to `f`.
    pub fn apply<F: Field>(&self, f: &mut Filter<F>, column: F, path: &str) -> GqlResult<()> {
        Ordered {
            compare: [
                (self.eq, Op::Eq),
                (self.ne, Op::Ne),
                (self.gt, Op::Gt),
                (self.gte, Op::Gte),
                (self.lt, Op::Lt),
                (self.lte, Op::Lte),
            ],
            in_: &self.in_,
            not_in: &self.not_in,
            is_null: self.is_null,
        }
        .push(f, column, path, Bind::Time, Bind::Times)
    }
}

/// Conditions on an amount (a decimal string such as "29.99"; JSON numbers are accepted).
#[derive(InputObject, Default, Debug)]
pub struct DecimalFilter {
    /// Exactly equal (numerically: "5" equals "5.00").
    pub eq: Option<Decimal>,
    /// One of these amounts (at most 1000).
    #[graphql(name = "in")]
    pub in_: Option<Vec<Decimal>>,
    /// Strictly greater.
    pub gt: Option<Decimal>,
    /// Greater or equal.
    pub gte: Option<Decimal>,
    /// Strictly less.
    pub lt: Option<Decimal>,
    /// Less or equal.
    pub lte: Option<Decimal>,
    /// `true`: the field has no value; `false`: it has one (always true of a required amount).
    pub is_null: Option<bool>,
    /// Not equal (numerically); a field without a value matches too.
    pub ne: Option<Decimal>,
    /// None of these amounts (at most 1000); a field without a value matches.
    pub not_in: Option<Vec<Decimal>>,
}

impl DecimalFilter {
    /// Adds the conditions given on `column` to `f`.
    pub fn apply<F: Field>(&self, f: &mut Filter<F>, column: F, path: &str) -> GqlResult<()> {
        Ordered {
            compare: [
                (self.eq, Op::Eq),
                (self.ne, Op::Ne),
                (self.gt, Op::Gt),
                (self.gte, Op::Gte),
                (self.lt, Op::Lt),
                (self.lte, Op::Lte),
            ],
            in_: &self.in_,
            not_in: &self.not_in,
            is_null: self.is_null,
        }
        .push(f, column, path, Bind::Decimal, Bind::Decimals)
    }
}

/// Conditions on a whole number (counts, positions).
#[derive(InputObject, Default, Debug)]
pub struct IntFilter {
    /// Exactly equal.
    pub eq: Option<i32>,
    /// Not equal; a field without a value matches too.
    pub ne: Option<i32>,
    /// One of these values (at most 1000).
    #[graphql(name = "in")]
    pub in_: Option<Vec<i32>>,
    /// Strictly greater.
    pub gt: Option<i32>,
    /// Greater or equal.
    pub gte: Option<i32>,
    /// Strictly less.
    pub lt: Option<i32>,
    /// Less or equal.
    pub lte: Option<i32>,
    /// `true`: the field has no value; `false`: it has one (always true of a required number).
    pub is_null: Option<bool>,
    /// None of these values (at most 1000); a field without a value matches.
    pub not_in: Option<Vec<i32>>,
}

impl IntFilter {
    /// Adds the conditions given on `column` to `f`.
    pub fn apply<F: Field>(&self, f: &mut Filter<F>, column: F, path: &str) -> GqlResult<()> {
        Ordered {
            compare: [
                (self.eq, Op::Eq),
                (self.ne, Op::Ne),
                (self.gt, Op::Gt),
                (self.gte, Op::Gte),
                (self.lt, Op::Lt),
                (self.lte, Op::Lte),
            ],
            in_: &self.in_,
            not_in: &self.not_in,
            is_null: self.is_null,
        }
        .push(f, column, path, Bind::I32, Bind::I32s)
    }
}

/// Conditions on a list of tags (at most 1000 tags of at most 256 characters each).
#[derive(InputObject, Default, Debug)]
pub struct TagsFilter {
    /// Has every one of these tags.
    pub has_all: Option<Vec<String>>,
    /// Has at least one of these tags.
    pub has_any: Option<Vec<String>>,
}

impl TagsFilter {
    /// Adds the conditions given on the tags `column` to `f`.
    pub fn apply<F: Field>(&self, f: &mut Filter<F>, column: F, path: &str) -> GqlResult<()> {
        if let Some(v) = &self.has_all {
            check_texts(&format!("{path}.hasAll"), v)?;
            f.push(column, Op::HasAll(v.clone()));
        }
        if let Some(v) = &self.has_any {
            check_texts(&format!("{path}.hasAny"), v)?;
            f.push(column, Op::HasAny(v.clone()));
        }
        Ok(())
    }
}

impl SortDirection {
    /// Whether this is [`SortDirection::Desc`].
    pub fn is_descending(self) -> bool {
        self == SortDirection::Desc
    }
}

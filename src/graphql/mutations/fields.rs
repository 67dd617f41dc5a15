//! Domain paths as GraphQL spells them. The domain names a field relative to the command's
//! input in snake_case (`[3, "email"]`, `["expected_updated_at"]`, see
//! [`crate::domain::validate`]); a mutation states its arguments once in an [`Arguments`] and
//! every `userErrors.field` it returns goes through it: the input argument's name in front
//! (`input`, `lineItems`, `stores`), each key camelCased, indexes as strings — except paths that
//! start with another argument of the mutation (`expected_updated_at` → `["expectedUpdatedAt"]`).

use super::UserError;
use crate::domain::validate::{FieldError, Path, Segment};
use crate::graphql::errors::segment;

/// How one mutation names its arguments, to turn domain paths into `userErrors.field`.
#[derive(Debug, Clone, Copy)]
pub struct Arguments {
    /// The argument holding the command's input, as GraphQL names it; `None` when the
    /// mutation has only scalar arguments.
    input: Option<&'static str>,
    /// The other arguments, in snake_case as the domain names them.
    top_level: &'static [&'static str],
    /// Keys inside the input are kept as sent (a raw JSON document such as a Fire spark
    /// store), not camelCased.
    raw_input: bool,
    /// A top-level argument this call took from inside the input instead (an update that
    /// accepts `expectedUpdatedAt` in either place names it where the caller put it).
    from_input: Option<&'static str>,
}

impl Arguments {
    /// A mutation whose input is the argument `input` (GraphQL name) and whose other
    /// arguments are `top_level` (snake_case).
    pub const fn new(input: &'static str, top_level: &'static [&'static str]) -> Self {
        Self {
            input: Some(input),
            top_level,
            raw_input: false,
            from_input: None,
        }
    }

    /// A mutation with scalar arguments only (`orderComplete(orderId:)`).
    pub const fn scalars(top_level: &'static [&'static str]) -> Self {
        Self {
            input: None,
            top_level,
            raw_input: false,
            from_input: None,
        }
    }

    /// Keys inside the input are reported as sent, not camelCased.
    pub const fn raw_input(self) -> Self {
        Self {
            raw_input: true,
            ..self
        }
    }

    /// When `taken` is true, the top-level argument `key` came from inside the input on this
    /// call and is reported there (`["input", "expectedUpdatedAt"]`).
    pub fn from_input_if(self, key: &'static str, taken: bool) -> Self {
        Self {
            from_input: taken.then_some(key),
            ..self
        }
    }

    fn is_top_level(&self, key: &str) -> bool {
        self.from_input != Some(key) && self.top_level.contains(&key)
    }

    /// Whether `path` names a top-level argument (its first key is one).
    fn starts_top_level(&self, path: &Path) -> bool {
        matches!(path.segments().first(), Some(Segment::Key(k)) if self.is_top_level(k))
    }

    /// The GraphQL field path of a domain path.
    pub fn field(&self, path: &Path) -> Vec<String> {
        let segments = path.segments().iter();
        match self.input {
            Some(input) if !self.starts_top_level(path) => std::iter::once(input.to_owned())
                .chain(segments.map(|s| match s {
                    Segment::Key(k) if self.raw_input => k.to_string(),
                    s => segment(s),
                }))
                .collect(),
            _ => segments.map(segment).collect(),
        }
    }

    /// The field of a refusal of the whole request ([`crate::error::Error`] paths). It names
    /// the input, an argument or a place in the input like any error — except a value a
    /// database constraint refused (a concurrent write took it), which names the column's
    /// field but no item: it is reported bare (`["email"]`), as found.
    pub fn refusal_field(&self, path: &Path) -> Vec<String> {
        match path.segments().first() {
            Some(Segment::Key(_)) if !self.starts_top_level(path) => {
                path.segments().iter().map(segment).collect()
            }
            _ => self.field(path),
        }
    }

    /// One domain error as a user error.
    pub fn user_error(&self, e: &FieldError) -> UserError {
        UserError {
            field: self.field(&e.path),
            code: e.code.as_str().to_owned(),
            message: e.message.clone(),
            kind: e.code.into(),
        }
    }

    /// Domain errors as user errors, in order.
    pub fn user_errors<'a>(
        &self,
        errors: impl IntoIterator<Item = &'a FieldError>,
    ) -> Vec<UserError> {
        errors.into_iter().map(|e| self.user_error(e)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validate::code;

    const BULK: Arguments = Arguments::new("input", &["idempotency_key"]);
    const LINES: Arguments = Arguments::new(
        "lineItems",
        &["order_id", "expected_updated_at", "idempotency_key"],
    );
    const UPDATE: Arguments = Arguments::new("input", &["id", "expected_updated_at"]);

    #[test]
    fn the_input_argument_prefixes_camel_cased_keys_and_string_indexes() {
        assert_eq!(
            BULK.field(&Path::input().index(3).key("email")),
            ["input", "3", "email"]
        );
        assert_eq!(
            BULK.field(&Path::input().index(0).key("is_default_billing")),
            ["input", "0", "isDefaultBilling"]
        );
        assert_eq!(
            LINES.field(&Path::input().index(1).key("variant_id")),
            ["lineItems", "1", "variantId"]
        );
        assert_eq!(BULK.field(&Path::input()), ["input"]);
    }

    #[test]
    fn top_level_arguments_are_not_prefixed() {
        assert_eq!(
            LINES.field(&Path::field("expected_updated_at")),
            ["expectedUpdatedAt"]
        );
        assert_eq!(LINES.field(&Path::field("order_id")), ["orderId"]);
        assert_eq!(
            UPDATE.field(&Path::field("line_items").index(0).key("quantity")),
            ["input", "lineItems", "0", "quantity"]
        );
        let scalars = Arguments::scalars(&["promotion_id", "number_of_codes"]);
        assert_eq!(
            scalars.field(&Path::field("number_of_codes")),
            ["numberOfCodes"]
        );
    }

    #[test]
    fn an_argument_taken_from_the_input_is_reported_there() {
        let at = Path::field("expected_updated_at");
        assert_eq!(
            UPDATE.from_input_if("expected_updated_at", true).field(&at),
            ["input", "expectedUpdatedAt"]
        );
        assert_eq!(
            UPDATE
                .from_input_if("expected_updated_at", false)
                .field(&at),
            ["expectedUpdatedAt"]
        );
    }

    #[test]
    fn a_raw_input_keeps_its_keys() {
        let stores = Arguments::new("stores", &["brand_id"]).raw_input();
        assert_eq!(
            stores.field(&Path::input().index(0).key("location").key("postal_code")),
            ["stores", "0", "location", "postal_code"]
        );
        assert_eq!(stores.field(&Path::field("brand_id")), ["brandId"]);
    }

    #[test]
    fn refusals_name_the_input_an_argument_or_a_bare_constraint_field() {
        assert_eq!(BULK.refusal_field(&Path::input()), ["input"]);
        assert_eq!(
            BULK.refusal_field(&Path::field("idempotency_key")),
            ["idempotencyKey"]
        );
        assert_eq!(
            UPDATE.refusal_field(&Path::field("is_default_billing")),
            ["isDefaultBilling"]
        );
    }

    #[test]
    fn user_errors_carry_the_code_string() {
        let e = FieldError::new(&Path::input().index(2).key("email"), code::TAKEN, "taken");
        let u = BULK.user_error(&e);
        assert_eq!(u.field, ["input", "2", "email"]);
        assert_eq!(u.code, "TAKEN");
        assert_eq!(u.message, "taken");
    }
}

//! The query string of a REST list or show request, parsed once into what the translator
//! understands: `fields`, `expand`, Ransack `q[…]`, `sort`, `page`, `limit`. Anything else is
//! refused (a client that misspells `limit` as `per_page` learns it at once instead of getting
//! 25 rows). Every error names the parameter as the client wrote it.

use super::Refusal;

/// Default and largest page size (DESIGN §7).
pub const DEFAULT_LIMIT: u32 = 25;
pub const MAX_LIMIT: u32 = 100;
/// Rows a page-numbered request may skip: past it, page through with cursors.
pub const MAX_OFFSET: u64 = 10_000;
/// Depth of `expand=a.b.c.d`.
pub const MAX_EXPAND_DEPTH: usize = 4;
/// Longest query string value a parameter may carry, in bytes (a filter value is compared
/// to columns of at most 255 characters).
const MAX_VALUE: usize = 1024;
/// Values one `q[k][]` list may carry.
const MAX_VALUES: usize = 1000;

/// A Ransack predicate, by its suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Predicate {
    Eq,
    NotEq,
    Cont,
    Start,
    End,
    Lt,
    Lteq,
    Gt,
    Gteq,
    In,
    NotIn,
    Null,
    NotNull,
    True,
    False,
}

impl Predicate {
    /// Longest suffix first, so `not_eq` is not read as `eq` of an attribute `…_not`.
    const SUFFIXES: [(&'static str, Predicate); 15] = [
        ("not_null", Predicate::NotNull),
        ("not_eq", Predicate::NotEq),
        ("not_in", Predicate::NotIn),
        ("start", Predicate::Start),
        ("false", Predicate::False),
        ("lteq", Predicate::Lteq),
        ("gteq", Predicate::Gteq),
        ("cont", Predicate::Cont),
        ("null", Predicate::Null),
        ("true", Predicate::True),
        ("end", Predicate::End),
        ("eq", Predicate::Eq),
        ("in", Predicate::In),
        ("lt", Predicate::Lt),
        ("gt", Predicate::Gt),
    ];

    /// Splits `email_cont` into (`email`, Cont).
    pub fn split(key: &str) -> Option<(&str, Predicate)> {
        Self::SUFFIXES.iter().find_map(|(suffix, p)| {
            let attr = key.strip_suffix(suffix)?.strip_suffix('_')?;
            (!attr.is_empty()).then_some((attr, *p))
        })
    }

    pub fn as_str(self) -> &'static str {
        Self::SUFFIXES
            .iter()
            .find(|(_, p)| *p == self)
            .map_or("", |(s, _)| s)
    }

    /// Whether the predicate takes a list (`q[k][]=a&q[k][]=b`, or `a,b` in one value).
    pub fn takes_list(self) -> bool {
        matches!(self, Predicate::In | Predicate::NotIn)
    }
}

/// One `q[attr_predicate]` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The parameter as written (`q[email_cont]`), for errors.
    pub param: String,
    pub attr: String,
    pub predicate: Predicate,
    pub values: Vec<String>,
}

/// One sort key: `-created_at` is (`created_at`, descending).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortKey {
    pub key: String,
    pub descending: bool,
}

/// A parsed query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// `fields=a,b`: `None` selects every field.
    pub fields: Option<Vec<String>>,
    /// `expand=a,b.c`: each a path of association names.
    pub expand: Vec<Vec<String>>,
    pub conditions: Vec<Condition>,
    /// `q[search]`.
    pub search: Option<String>,
    pub sort: Vec<SortKey>,
    pub page: Option<u32>,
    pub limit: Option<u32>,
}

/// Which parameters a route takes besides `fields` and `expand` (which every GET takes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    /// A single resource: `fields`, `expand`.
    One,
    /// A list: also `q[…]`, `sort`, `page`, `limit`.
    List,
    /// A list without paging, filters or sort (a customer's addresses): `fields`, `expand`
    /// only.
    Embedded,
    /// A short list of a parent paged on its page numbers, without filters or sort (a
    /// promotion's rules): `fields`, `expand`, `page`, `limit`.
    Paged,
    /// A list read whole through its parent and paged there (an order's items): also `sort`,
    /// `page`, `limit`, but no `q[…]`.
    PagedSorted,
}

impl Params {
    /// Parses `query` (the raw query string, without `?`).
    pub fn parse(query: Option<&str>, accepts: Accepts) -> Result<Params, Refusal> {
        let mut params = Params::default();
        let Some(query) = query else {
            return Ok(params);
        };
        let list = accepts == Accepts::List;
        let sorted = list || accepts == Accepts::PagedSorted;
        let paged = sorted || accepts == Accepts::Paged;
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let key = key.as_ref();
            if value.len() > MAX_VALUE {
                return Err(Refusal::param(
                    key,
                    format!("is longer than {MAX_VALUE} bytes"),
                ));
            }
            match key {
                "fields" => params.fields = Some(names(key, &value)?),
                "expand" => params.expand.extend(expand_paths(key, &value)?),
                "sort" if sorted => {
                    for name in names(key, &value)? {
                        let (key, descending) = match name.strip_prefix('-') {
                            Some(k) => (k.to_owned(), true),
                            None => (name.trim_start_matches('+').to_owned(), false),
                        };
                        params.sort.push(SortKey { key, descending });
                    }
                }
                "page" if paged => params.page = Some(number(key, &value, 1, u32::MAX)?),
                "limit" if paged => params.limit = Some(number(key, &value, 1, MAX_LIMIT)?),
                "q[search]" if list => params.search = Some(value.into_owned()),
                _ if list && key.starts_with("q[") => params.condition(key, &value)?,
                _ => {
                    return Err(Refusal::param(key, "is not a parameter of this route"));
                }
            }
        }
        Ok(params)
    }

    /// Adds `q[attr_pred]=v` or one value of `q[attr_pred][]=v`.
    fn condition(&mut self, key: &str, value: &str) -> Result<(), Refusal> {
        let (inner, is_list) = match key.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (key, false),
        };
        let name = inner
            .strip_prefix("q[")
            .and_then(|k| k.strip_suffix(']'))
            .filter(|k| !k.is_empty() && !k.contains(['[', ']']))
            .ok_or_else(|| Refusal::param(key, "must be written `q[attribute_predicate]`"))?;
        let (attr, predicate) = Predicate::split(name).ok_or_else(|| {
            Refusal::param(
                key,
                "has no known predicate (eq, not_eq, cont, start, end, lt, lteq, gt, gteq, \
                 in, not_in, null, not_null, true, false)",
            )
        })?;
        let param = format!("q[{name}]");
        if let Some(c) = self.conditions.iter_mut().find(|c| c.param == param) {
            if !(is_list && predicate.takes_list()) {
                return Err(Refusal::param(&param, "is given more than once"));
            }
            if c.values.len() >= MAX_VALUES {
                return Err(Refusal::param(
                    &param,
                    format!("takes at most {MAX_VALUES} values"),
                ));
            }
            c.values.push(value.to_owned());
            return Ok(());
        }
        if is_list && !predicate.takes_list() {
            return Err(Refusal::param(&param, "takes one value, not a list"));
        }
        let values = if predicate.takes_list() && !is_list {
            // `q[id_in]=a,b` as well as `q[id_in][]=a&q[id_in][]=b`.
            value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect()
        } else {
            vec![value.to_owned()]
        };
        self.conditions.push(Condition {
            param,
            attr: attr.to_owned(),
            predicate,
            values,
        });
        Ok(())
    }

    /// The page size asked for, or the default.
    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(DEFAULT_LIMIT)
    }

    /// The 1-based page asked for, or the first.
    pub fn page(&self) -> u32 {
        self.page.unwrap_or(1)
    }

    /// Rows skipped before the page; past [`MAX_OFFSET`] the request is refused, naming `page`.
    pub fn offset(&self) -> Result<u64, Refusal> {
        let offset = u64::from(self.page() - 1) * u64::from(self.limit());
        if offset > MAX_OFFSET {
            return Err(Refusal::param(
                "page",
                format!(
                    "skips {offset} rows, more than {MAX_OFFSET}: narrow the filter or page \
                     through the GraphQL connection's cursors"
                ),
            ));
        }
        Ok(offset)
    }
}

/// `a,b.c` → [[`a`], [`b`, `c`]]: the association paths of an `expand` value, each at most
/// [`MAX_EXPAND_DEPTH`] deep.
pub fn expand_paths(param: &str, value: &str) -> Result<Vec<Vec<String>>, Refusal> {
    let mut out = Vec::new();
    for path in names(param, value)? {
        let segments: Vec<String> = path.split('.').map(str::to_owned).collect();
        if segments.len() > MAX_EXPAND_DEPTH {
            return Err(Refusal::param(
                param,
                format!("`{path}` nests deeper than {MAX_EXPAND_DEPTH} levels"),
            ));
        }
        if segments.iter().any(String::is_empty) {
            return Err(Refusal::param(param, format!("`{path}` has an empty name")));
        }
        out.push(segments);
    }
    Ok(out)
}

/// `a,b , c` → [`a`, `b`, `c`]; an empty name is refused.
pub fn names(param: &str, value: &str) -> Result<Vec<String>, Refusal> {
    let names: Vec<String> = value.split(',').map(|s| s.trim().to_owned()).collect();
    if names.iter().any(String::is_empty) {
        return Err(Refusal::param(param, "has an empty name"));
    }
    Ok(names)
}

/// A whole number of `min..=max` for `param`, or a 400 naming it.
pub fn number(param: &str, value: &str, min: u32, max: u32) -> Result<u32, Refusal> {
    match value.trim().parse::<i64>() {
        Ok(n) if n >= i64::from(min) && n <= i64::from(max) => Ok(n as u32),
        Ok(_) if max == u32::MAX => Err(Refusal::param(param, format!("must be at least {min}"))),
        Ok(_) => Err(Refusal::param(
            param,
            format!("must be between {min} and {max}"),
        )),
        Err(_) => Err(Refusal::param(param, "must be a whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(q: &str) -> Result<Params, Refusal> {
        Params::parse(Some(q), Accepts::List)
    }

    #[test]
    fn predicates_split_on_the_longest_suffix() {
        assert_eq!(
            Predicate::split("email_cont"),
            Some(("email", Predicate::Cont))
        );
        assert_eq!(
            Predicate::split("state_not_eq"),
            Some(("state", Predicate::NotEq))
        );
        assert_eq!(
            Predicate::split("completed_at_not_null"),
            Some(("completed_at", Predicate::NotNull))
        );
        assert_eq!(
            Predicate::split("price_list_id_null"),
            Some(("price_list_id", Predicate::Null))
        );
        assert_eq!(
            Predicate::split("total_gteq"),
            Some(("total", Predicate::Gteq))
        );
        assert_eq!(
            Predicate::split("accepts_marketing_true"),
            Some(("accepts_marketing", Predicate::True))
        );
        assert_eq!(Predicate::split("eq"), None);
        assert_eq!(Predicate::split("email"), None);
    }

    #[test]
    fn a_list_query_parses_every_part() {
        let p = list(
            "fields=email,first_name&expand=addresses,orders.items&q[email_cont]=jane\
                      &q[id_in][]=cus_a&q[id_in][]=cus_b&q[search]=doe&sort=-created_at,email\
                      &page=2&limit=50",
        )
        .unwrap();
        assert_eq!(p.fields, Some(vec!["email".into(), "first_name".into()]));
        assert_eq!(
            p.expand,
            vec![
                vec!["addresses".to_owned()],
                vec!["orders".into(), "items".into()]
            ]
        );
        assert_eq!(p.conditions.len(), 2);
        assert_eq!(p.conditions[1].values, vec!["cus_a", "cus_b"]);
        assert_eq!(p.search.as_deref(), Some("doe"));
        assert_eq!(
            p.sort[0],
            SortKey {
                key: "created_at".into(),
                descending: true
            }
        );
        assert_eq!((p.page(), p.limit(), p.offset().unwrap()), (2, 50, 50));
    }

    #[test]
    fn bad_parameters_are_named() {
        for (q, param) in [
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("limit=-1", "limit"),
            ("limit=abc", "limit"),
            ("page=0", "page"),
            ("page=402&limit=25", "page"),
            ("per_page=5", "per_page"),
            ("q[email_like]=x", "q[email_like]"),
            ("q[email_cont][]=x", "q[email_cont]"),
            ("q[email_cont]=x&q[email_cont]=y", "q[email_cont]"),
            ("q[]=x", "q[]"),
            ("expand=a.b.c.d.e", "expand"),
            ("fields=a,,b", "fields"),
        ] {
            let e = list(q).and_then(|p| p.offset().map(|_| p)).unwrap_err();
            assert_eq!(e.param.as_deref(), Some(param), "{q}");
        }
        // A show route takes no list parameters.
        let e = Params::parse(Some("limit=5"), Accepts::One).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("limit"));
        // A list paged through its parent takes pages and sorts, not filters.
        let p = Params::parse(
            Some("sort=-created_at&page=2&limit=10"),
            Accepts::PagedSorted,
        )
        .unwrap();
        assert_eq!((p.page(), p.limit(), p.sort.len()), (2, 10, 1));
        let e = Params::parse(Some("q[id_eq]=x"), Accepts::PagedSorted).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("q[id_eq]"));
        // A paged list takes pages, not filters nor sorts.
        let p = Params::parse(Some("page=2&limit=5"), Accepts::Paged).unwrap();
        assert_eq!((p.page(), p.limit()), (2, 5));
        for (q, param) in [("sort=id", "sort"), ("q[id_eq]=x", "q[id_eq]")] {
            let e = Params::parse(Some(q), Accepts::Paged).unwrap_err();
            assert_eq!(e.param.as_deref(), Some(param), "{q}");
        }
    }

    #[test]
    fn the_offset_cap_is_exact() {
        assert_eq!(list("page=401&limit=25").unwrap().offset().unwrap(), 10_000);
        assert!(list("page=402&limit=25").unwrap().offset().is_err());
    }
}

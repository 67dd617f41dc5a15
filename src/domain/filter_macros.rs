//! Declarations of what a list filters on, sorts by and loads by parent: each aggregate's
//! `queries` module writes them with these macros, so the SQL of every field and key sits in
//! the domain beside the index that serves it.

/// Declares a [`Field`](crate::domain::filter::Field) enum, each variant with the SQL expression it compares.
#[macro_export]
macro_rules! filter_fields {
    ($(#[$attr:meta])* $vis:vis enum $name:ident {
        $($(#[$vattr:meta])* $variant:ident => $sql:expr),* $(,)?
    }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $($(#[$vattr])* $variant),*
        }

        impl $crate::domain::filter::Field for $name {
            fn sql(self) -> &'static str {
                match self {
                    $(Self::$variant => $sql),*
                }
            }
        }
    };
}

/// Declares a [`SortKey`](crate::domain::filter::SortKey) enum, each variant with its cursor name, SQL and kind of value
/// (`Time`, `Text` or `Decimal`).
#[macro_export]
macro_rules! sort_keys {
    ($(#[$attr:meta])* $vis:vis enum $name:ident {
        $($(#[$vattr:meta])* $variant:ident => ($cursor:expr, $sql:expr, $kind:ident)),* $(,)?
    }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $($(#[$vattr])* $variant),*
        }

        impl $crate::domain::filter::SortKey for $name {
            fn column(self) -> $crate::domain::filter::SortColumn {
                match self {
                    $(Self::$variant => $crate::domain::filter::SortColumn {
                        name: $cursor,
                        sql: $sql,
                        kind: $crate::domain::filter::SortKind::$kind,
                    }),*
                }
            }
        }
    };
}

/// Implements [`ChildOf`](crate::domain::filter::ChildOf) for rows whose parent key is the named field (and column).
#[macro_export]
macro_rules! child_of {
    ($($t:ty => $col:ident),* $(,)?) => {$(
        impl $crate::domain::filter::ChildOf for $t {
            const PARENT_COLUMN: &'static str = stringify!($col);
            fn parent_id(&self) -> i64 {
                self.$col
            }
        }
    )*};
}

#[cfg(test)]
mod tests {
    use crate::db::sql::{Bind, Sql};
    use crate::domain::filter::{Filter, Op, SortKey};

    crate::filter_fields! {
        enum Probe {
            Email => "email",
            Group => "SELECT 1 FROM m WHERE m.c = t.id AND m.g",
        }
    }

    crate::sort_keys! {
        enum ProbeKey {
            Name => ("lastName", "coalesce(last_name, '')", Text),
        }
    }

    #[test]
    fn fields_write_their_sql_and_values_only_as_binds() {
        let mut f = Filter::default();
        f.push(Probe::Email, Op::EqIgnoreCase("A@x.co".into()));
        f.push(Probe::Email, Op::in_ignore_case(&["B@X.CO".into()]));
        f.push(Probe::Group, Op::RelatedIn(Bind::I64s(vec![7])));
        f.push(Probe::Group, Op::NoRelated(true));
        f.search = Some(" x ".into());
        let mut sql = Sql::new("SELECT * FROM t WHERE merchant_id = ");
        sql.bind(Bind::I64(1));
        f.write(&mut sql, &["email", "name"]);
        assert_eq!(
            sql.text(),
            "SELECT * FROM t WHERE merchant_id = $1 AND lower(email) = lower($2) \
             AND lower(email) = ANY($3) AND EXISTS (SELECT 1 FROM m WHERE m.c = t.id AND m.g = ANY($4)) \
             AND NOT EXISTS (SELECT 1 FROM m WHERE m.c = t.id AND m.g IS NOT NULL) \
             AND (email ILIKE $5 OR name ILIKE $6)"
        );
        assert!(matches!(&f.predicates[1].op, Op::InIgnoreCase(v) if v == &["b@x.co"]));
    }

    #[test]
    fn sort_keys_name_their_cursor_and_sql() {
        let c = ProbeKey::Name.column();
        assert_eq!((c.name, c.sql), ("lastName", "coalesce(last_name, '')"));
    }
}

//! Reads of customers and customer groups: what their lists filter on and sort by, and the
//! derived figures of customers.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::models::{Address, Customer, CustomerGroup, CustomerStats};
use crate::db::sql::{Bind, Sql};
use crate::domain::filter::{Listable, SortValue};
use crate::error::Result;

crate::filter_fields! {
    /// What a customer list can be filtered on.
    pub enum CustomerField {
        Id => "id",
        Email => "email",
        FirstName => "first_name",
        LastName => "last_name",
        /// Given and family names joined by a space (either may be absent).
        Name => "concat_ws(' ', first_name, last_name)",
        Phone => "phone",
        ExternalId => "external_id",
        Tags => "tags",
        AcceptsMarketing => "accepts_marketing",
        /// The memberships of the customer row being filtered, ending with the group key
        /// compared (served by the memberships' primary key,
        /// `(merchant_id, customer_group_id, customer_id)`): for `Op::RelatedIn`/`NoRelated`.
        GroupMembership => "SELECT 1 FROM customer_group_memberships cgm \
            WHERE cgm.merchant_id = customers.merchant_id AND cgm.customer_id = customers.id \
            AND cgm.customer_group_id",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
}

crate::sort_keys! {
    /// What a customer list can be sorted by.
    pub enum CustomerSortKey {
        CreatedAt => ("createdAt", "created_at", Time),
        UpdatedAt => ("updatedAt", "updated_at", Time),
        Email => ("email", "email", Text),
        /// Customers without a last name sort as the empty name (see the
        /// `customers_last_name_sort` index, whose expression this must match).
        LastName => ("lastName", "coalesce(last_name, '')", Text),
    }
}

impl Listable for Customer {
    type Field = CustomerField;
    type SortKey = CustomerSortKey;
    const SEARCH: &'static [&'static str] = &[
        "email",
        "first_name",
        "last_name",
        "(first_name || ' ' || last_name)",
    ];

    fn sort_value(&self, key: CustomerSortKey) -> SortValue {
        match key {
            CustomerSortKey::CreatedAt => SortValue::Time(self.created_at),
            CustomerSortKey::UpdatedAt => SortValue::Time(self.updated_at),
            CustomerSortKey::Email => SortValue::Text(self.email.clone()),
            CustomerSortKey::LastName => {
                SortValue::Text(self.last_name.clone().unwrap_or_default())
            }
        }
    }
}

crate::filter_fields! {
    /// What a customer group list can be filtered on.
    pub enum CustomerGroupField {
        Id => "id",
        Name => "name",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
}

crate::sort_keys! {
    /// What a customer group list can be sorted by.
    pub enum CustomerGroupSortKey {
        CreatedAt => ("createdAt", "created_at", Time),
        Name => ("name", "name", Text),
        UpdatedAt => ("updatedAt", "updated_at", Time),
    }
}

impl Listable for CustomerGroup {
    type Field = CustomerGroupField;
    type SortKey = CustomerGroupSortKey;
    const SEARCH: &'static [&'static str] = &["name"];

    fn sort_value(&self, key: CustomerGroupSortKey) -> SortValue {
        match key {
            CustomerGroupSortKey::CreatedAt => SortValue::Time(self.created_at),
            CustomerGroupSortKey::Name => SortValue::Text(self.name.clone()),
            CustomerGroupSortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}

crate::child_of! {
    Address => customer_id,
}

/// Orders count, amount spent and last completion of each customer, from completed orders only,
/// in one grouped statement.
pub async fn stats_by_ids(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    ids: &[i64],
) -> Result<Vec<CustomerStats>> {
    let sql = Sql::with_binds(
        include_str!("stats_by_ids.sql"),
        vec![Bind::I64(merchant_id), Bind::I64s(ids.to_vec())],
    );
    Ok(sql.cached().into_query().load(conn).await?)
}

/// How many customers belong to each of `group_ids` (groups without members are absent), in
/// one grouped statement served by the memberships' primary key.
pub async fn member_counts(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    group_ids: &[i64],
) -> Result<Vec<(i64, i64)>> {
    use crate::db::schema::customer_group_memberships as m;
    use diesel::dsl::count_star;
    use diesel::{ExpressionMethods, QueryDsl};
    Ok(m::table
        .filter(m::merchant_id.eq(merchant_id))
        .filter(m::customer_group_id.eq_any(group_ids))
        .group_by(m::customer_group_id)
        .select((m::customer_group_id, count_star()))
        .load(conn)
        .await?)
}

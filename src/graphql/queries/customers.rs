use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::customers::queries::{CustomerField as F, CustomerSortKey};
use crate::domain::customers::Customer as Row;
use crate::domain::filter::{Filter, Op, Sort};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, SortDirection, StringFilter, TagsFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::types::customers::Customer;
use crate::ids::{self, Kind};

/// Conditions on customers; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct CustomerFilter {
    /// The customer's own ID (`cus_…`).
    pub id: Option<IdFilter>,
    /// Email; `eq` and `in` ignore case.
    pub email: Option<StringFilter>,
    /// Given name.
    pub first_name: Option<StringFilter>,
    /// Family name.
    pub last_name: Option<StringFilter>,
    /// Full name: the given and family names joined by a space (`contains: "ann"` finds Ann
    /// Lee and Joe Hannah; `eq: "Ann Lee"` the exact pair).
    pub name: Option<StringFilter>,
    /// Phone number as stored (E.164 such as `+593912345678`).
    pub phone: Option<StringFilter>,
    /// Identifier in a legacy system (the migration upsert key).
    pub external_id: Option<StringFilter>,
    /// Tags the customer carries.
    pub tags: Option<TagsFilter>,
    /// Whether the customer accepts marketing email.
    pub accepts_marketing: Option<bool>,
    /// Membership of customer groups (`cg_…`): `eq`/`in` select members of that group (of one
    /// of those groups), `isNull: true` customers in no group, `false` those in at least one.
    /// With `eq` this pages through all of a group's members (`CustomerGroup.customers` only
    /// takes `first`).
    pub customer_group_id: Option<IdFilter>,
    /// When the customer was created.
    pub created_at: Option<DateTimeFilter>,
    /// When the customer last changed.
    pub updated_at: Option<DateTimeFilter>,
}

impl FilterInput for CustomerFilter {
    type Field = F;

    fn apply(&self, f: &mut Filter<F>) -> GqlResult<()> {
        if let Some(x) = &self.id {
            x.apply(f, F::Id, Kind::Customer, "filter.id")?;
        }
        if let Some(x) = &self.email {
            x.apply_ci(f, F::Email, "filter.email")?;
        }
        for (x, field, path) in [
            (&self.first_name, F::FirstName, "filter.firstName"),
            (&self.last_name, F::LastName, "filter.lastName"),
            (&self.name, F::Name, "filter.name"),
            (&self.phone, F::Phone, "filter.phone"),
            (&self.external_id, F::ExternalId, "filter.externalId"),
        ] {
            if let Some(x) = x {
                x.apply(f, field, path)?;
            }
        }
        if let Some(x) = &self.tags {
            x.apply(f, F::Tags, "filter.tags")?;
        }
        if let Some(v) = self.accepts_marketing {
            f.push(F::AcceptsMarketing, Op::Eq(Bind::Bool(v)));
        }
        if let Some(x) = &self.customer_group_id {
            x.apply_related(
                f,
                F::GroupMembership,
                Kind::CustomerGroup,
                "filter.customerGroupId",
            )?;
        }
        for (x, field, path) in [
            (&self.created_at, F::CreatedAt, "filter.createdAt"),
            (&self.updated_at, F::UpdatedAt, "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(f, field, path)?;
            }
        }
        Ok(())
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
/// What a customer list is sorted by; ties are broken by ID in the same direction.
pub enum CustomerSortField {
    /// When the customer was created (the default, newest first).
    CreatedAt,
    /// When the customer last changed.
    UpdatedAt,
    /// Email, as text.
    Email,
    /// Last (family) name, as text; customers without one sort as the empty name (first
    /// ascending). Equal last names are not ordered by first name, only by ID.
    Name,
}

/// Order of a customer list.
#[derive(InputObject)]
pub struct CustomerSort {
    /// The field sorted by.
    pub field: CustomerSortField,
    /// Ascending or descending (default DESC).
    #[graphql(default)]
    pub direction: SortDirection,
}

impl SortInput for CustomerSort {
    type Key = CustomerSortKey;

    fn sort(&self) -> Sort<CustomerSortKey> {
        let key = match self.field {
            CustomerSortField::CreatedAt => CustomerSortKey::CreatedAt,
            CustomerSortField::UpdatedAt => CustomerSortKey::UpdatedAt,
            CustomerSortField::Email => CustomerSortKey::Email,
            CustomerSortField::Name => CustomerSortKey::LastName,
        };
        Sort::new(key, self.direction.is_descending())
    }

    fn default_sort() -> Sort<CustomerSortKey> {
        Sort::new(CustomerSortKey::CreatedAt, true)
    }
}

/// The `customers` root list.
pub struct Customers;

impl ListRoot for Customers {
    const FIELD: &'static str = "customers";
    const DESCRIPTION: &'static str = "The merchant's customers, filtered, sorted and paginated (keyset cursors; at most 250 a page).";
    const SCOPE: Scope = Scope::CustomersRead;
    const KIND: Kind = Kind::Customer;
    const FILTER: &'static str = "Conditions the customers must all meet.";
    const SEARCH: Option<&'static str> =
        Some("Free text matched against email, first and last name (at most 256 characters).");
    const SORT: &'static str = "Sort order; default newest first (CREATED_AT DESC).";
    type Row = Row;
    type Node = Customer;
    type Filter = CustomerFilter;
    type Sort = CustomerSort;

    fn node(row: Row) -> Customer {
        Customer(row)
    }
}

#[derive(Default)]
pub struct CustomerQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl CustomerQuery {
    /// `customers` (see [`Customers`]).
    #[graphql(flatten)]
    async fn customers(&self) -> ListField<Customers> {
        ListField::default()
    }

    /// One customer by ID; null when there is none for this merchant.
    #[graphql(guard = "RequireScope(Scope::CustomersRead)")]
    async fn customer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer's ID (`cus_…`).")] id: ID,
    ) -> GqlResult<Option<Customer>> {
        let key = ids::decode(Kind::Customer, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<Row>(ctx, key).await?.map(Customer))
    }
}

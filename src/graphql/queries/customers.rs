use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::domain::customers::{models as m, Customer as Row};
use crate::domain::filter::{Filter, Sort};
use crate::graphql::connection::{self, GqlConnection, PageArgs};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{
    search_text, DateTimeFilter, IdFilter, SortDirection, StringFilter, TagsFilter,
};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::types::customer::{Customer, CustomerGroup};
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

/// The memberships of the customer row being filtered, ending with the group key compared
/// (served by the memberships' primary key, `(merchant_id, customer_group_id, customer_id)`).
const MEMBERSHIP_GROUP: &str = "SELECT 1 FROM customer_group_memberships cgm \
     WHERE cgm.merchant_id = customers.merchant_id AND cgm.customer_id = customers.id \
     AND cgm.customer_group_id";

impl CustomerFilter {
    fn to_filter(&self, search: Option<String>) -> GqlResult<Filter> {
        let mut f = Filter {
            search: search_text(search)?,
            ..Filter::default()
        };
        if let Some(x) = &self.id {
            x.apply(&mut f, "id", Kind::Customer, "filter.id")?;
        }
        if let Some(x) = &self.email {
            x.apply_ci(&mut f, "email", "filter.email")?;
        }
        for (x, col, path) in [
            (&self.first_name, "first_name", "filter.firstName"),
            (&self.last_name, "last_name", "filter.lastName"),
            (&self.phone, "phone", "filter.phone"),
            (&self.external_id, "external_id", "filter.externalId"),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, path)?;
            }
        }
        if let Some(x) = &self.tags {
            x.apply(&mut f, "tags", "filter.tags")?;
        }
        if let Some(v) = self.accepts_marketing {
            f.push(
                "accepts_marketing",
                crate::domain::filter::Op::Eq(crate::db::sql::Bind::Bool(v)),
            );
        }
        if let Some(x) = &self.customer_group_id {
            x.apply_related(
                &mut f,
                MEMBERSHIP_GROUP,
                Kind::CustomerGroup,
                "filter.customerGroupId",
            )?;
        }
        for (x, col, path) in [
            (&self.created_at, "created_at", "filter.createdAt"),
            (&self.updated_at, "updated_at", "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, path)?;
            }
        }
        Ok(f)
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

fn sort(s: Option<CustomerSort>) -> Sort {
    let (field, direction) = s
        .map(|s| (s.field, s.direction))
        .unwrap_or((CustomerSortField::CreatedAt, SortDirection::Desc));
    let column = match field {
        CustomerSortField::CreatedAt => m::SORT_CREATED_AT,
        CustomerSortField::UpdatedAt => m::SORT_UPDATED_AT,
        CustomerSortField::Email => m::SORT_EMAIL,
        CustomerSortField::Name => m::SORT_LAST_NAME,
    };
    Sort {
        column,
        descending: direction == SortDirection::Desc,
    }
}

#[derive(Default)]
pub struct CustomerQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl CustomerQuery {
    /// The merchant's customers, filtered, sorted and paginated (keyset cursors; at most 250 a page).
    #[graphql(
        guard = "RequireScope(Scope::CustomersRead)",
        complexity = "first.or(last).unwrap_or(25).clamp(1, 250) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page size reading forward, 1 to 250 (25 when neither `first` nor `last` is given)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (an `endCursor` or edge `cursor` of this list with the same sort)."
        )]
        after: Option<String>,
        #[graphql(desc = "Page size reading backward from `before` (or from the end), 1 to 250.")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `startCursor` or edge `cursor` of this list with the same sort)."
        )]
        before: Option<String>,
        #[graphql(desc = "Conditions the customers must all meet.")] filter: Option<CustomerFilter>,
        #[graphql(
            desc = "Free text matched against email, first and last name (at most 256 characters)."
        )]
        search: Option<String>,
        #[graphql(desc = "Sort order; default newest first (CREATED_AT DESC).")] sort: Option<
            CustomerSort,
        >,
    ) -> GqlResult<GqlConnection<Customer>> {
        let filter = filter.unwrap_or_default().to_filter(search)?;
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::list::<Row, Customer>(
            ctx,
            Kind::Customer,
            filter,
            self::sort(sort),
            &args,
            Customer,
        )
        .await
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

/// Conditions on customer groups.
#[derive(InputObject, Default)]
pub struct CustomerGroupFilter {
    /// The group's own ID (`cg_…`).
    pub id: Option<IdFilter>,
    /// The group name.
    pub name: Option<StringFilter>,
    /// When the group was created.
    pub created_at: Option<DateTimeFilter>,
    /// When the group last changed.
    pub updated_at: Option<DateTimeFilter>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
/// What a customer group list is sorted by; ties are broken by ID in the same direction.
pub enum CustomerGroupSortField {
    /// When the group was created.
    CreatedAt,
    /// The group name, as text (the default, A to Z).
    Name,
    /// When the group last changed.
    UpdatedAt,
}

/// Order of a customer group list.
#[derive(InputObject)]
pub struct CustomerGroupSort {
    /// The field sorted by.
    pub field: CustomerGroupSortField,
    /// Ascending or descending (default DESC).
    #[graphql(default)]
    pub direction: SortDirection,
}

#[derive(Default)]
pub struct CustomerGroupQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl CustomerGroupQuery {
    /// The merchant's customer groups.
    #[graphql(
        guard = "RequireScope(Scope::CustomersRead)",
        complexity = "first.or(last).unwrap_or(25).clamp(1, 250) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn customer_groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page size reading forward, 1 to 250 (25 when neither `first` nor `last` is given)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (an `endCursor` or edge `cursor` of this list with the same sort)."
        )]
        after: Option<String>,
        #[graphql(desc = "Page size reading backward from `before` (or from the end), 1 to 250.")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (a `startCursor` or edge `cursor` of this list with the same sort)."
        )]
        before: Option<String>,
        #[graphql(desc = "Conditions the groups must all meet.")] filter: Option<
            CustomerGroupFilter,
        >,
        #[graphql(desc = "Sort order; default by name A to Z (NAME ASC).")] sort: Option<
            CustomerGroupSort,
        >,
    ) -> GqlResult<GqlConnection<CustomerGroup>> {
        let input = filter.unwrap_or_default();
        let mut f = Filter::default();
        if let Some(x) = &input.id {
            x.apply(&mut f, "id", Kind::CustomerGroup, "filter.id")?;
        }
        if let Some(x) = &input.name {
            x.apply(&mut f, "name", "filter.name")?;
        }
        for (x, col, path) in [
            (&input.created_at, "created_at", "filter.createdAt"),
            (&input.updated_at, "updated_at", "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, path)?;
            }
        }
        let sort = Sort::by(
            sort.map(|s| (s.field, s.direction)),
            (CustomerGroupSortField::Name, SortDirection::Asc),
            |field| match field {
                CustomerGroupSortField::CreatedAt => m::SORT_CREATED_AT,
                CustomerGroupSortField::Name => m::GROUP_SORT_NAME,
                CustomerGroupSortField::UpdatedAt => m::SORT_UPDATED_AT,
            },
        );
        connection::list::<m::CustomerGroup, CustomerGroup>(
            ctx,
            Kind::CustomerGroup,
            f,
            sort,
            &PageArgs::new(first, after, last, before),
            CustomerGroup,
        )
        .await
    }

    /// One customer group by ID (`cg_…`).
    #[graphql(guard = "RequireScope(Scope::CustomersRead)")]
    async fn customer_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The group's ID (`cg_…`).")] id: ID,
    ) -> GqlResult<Option<CustomerGroup>> {
        let key = ids::decode(Kind::CustomerGroup, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<m::CustomerGroup>(ctx, key)
            .await?
            .map(CustomerGroup))
    }
}

use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::domain::customers::{models as m, Customer as Row};
use crate::domain::filter::{Filter, Sort};
use crate::graphql::connection::{self, GqlConnection, PageArgs};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, SortDirection, StringFilter, TagsFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::types::customer::{Customer, CustomerGroup};
use crate::ids::{self, Kind};

/// Conditions on customers; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct CustomerFilter {
    pub id: Option<IdFilter>,
    /// Email; `eq` and `in` ignore case.
    pub email: Option<StringFilter>,
    pub first_name: Option<StringFilter>,
    pub last_name: Option<StringFilter>,
    pub phone: Option<StringFilter>,
    pub external_id: Option<StringFilter>,
    pub tags: Option<TagsFilter>,
    pub accepts_marketing: Option<bool>,
    pub created_at: Option<DateTimeFilter>,
    pub updated_at: Option<DateTimeFilter>,
}

impl CustomerFilter {
    fn to_filter(&self, search: Option<String>) -> GqlResult<Filter> {
        let mut f = Filter {
            search,
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
        if let Some(x) = &self.created_at {
            x.apply(&mut f, "created_at");
        }
        if let Some(x) = &self.updated_at {
            x.apply(&mut f, "updated_at");
        }
        Ok(f)
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum CustomerSortField {
    CreatedAt,
    UpdatedAt,
    Email,
}

/// Order of a customer list.
#[derive(InputObject)]
pub struct CustomerSort {
    pub field: CustomerSortField,
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
    };
    Sort {
        column,
        descending: direction == SortDirection::Desc,
    }
}

#[derive(Default)]
pub struct CustomerQuery;

#[Object]
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
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<CustomerFilter>,
        #[graphql(desc = "Free text matched against email, first and last name.")] search: Option<
            String,
        >,
        sort: Option<CustomerSort>,
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
    async fn customer(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Customer>> {
        let key = ids::decode(Kind::Customer, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<Row>(ctx, key).await?.map(Customer))
    }
}

/// Conditions on customer groups.
#[derive(InputObject, Default)]
pub struct CustomerGroupFilter {
    pub id: Option<IdFilter>,
    pub name: Option<StringFilter>,
    pub created_at: Option<DateTimeFilter>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum CustomerGroupSortField {
    CreatedAt,
    Name,
}

/// Order of a customer group list.
#[derive(InputObject)]
pub struct CustomerGroupSort {
    pub field: CustomerGroupSortField,
    #[graphql(default)]
    pub direction: SortDirection,
}

#[derive(Default)]
pub struct CustomerGroupQuery;

#[Object]
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
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<CustomerGroupFilter>,
        sort: Option<CustomerGroupSort>,
    ) -> GqlResult<GqlConnection<CustomerGroup>> {
        let input = filter.unwrap_or_default();
        let mut f = Filter::default();
        if let Some(x) = &input.id {
            x.apply(&mut f, "id", Kind::CustomerGroup, "filter.id")?;
        }
        if let Some(x) = &input.name {
            x.apply(&mut f, "name", "filter.name")?;
        }
        if let Some(x) = &input.created_at {
            x.apply(&mut f, "created_at");
        }
        let sort = Sort::by(
            sort.map(|s| (s.field, s.direction)),
            (CustomerGroupSortField::Name, SortDirection::Asc),
            |field| match field {
                CustomerGroupSortField::CreatedAt => m::SORT_CREATED_AT,
                CustomerGroupSortField::Name => m::GROUP_SORT_NAME,
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
    async fn customer_group(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<CustomerGroup>> {
        let key = ids::decode(Kind::CustomerGroup, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<m::CustomerGroup>(ctx, key)
            .await?
            .map(CustomerGroup))
    }
}

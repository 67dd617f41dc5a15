use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::domain::customers::models as m;
use crate::domain::customers::queries::{CustomerGroupField as GF, CustomerGroupSortKey};
use crate::domain::filter::{Filter, Sort};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::types::customer_groups::CustomerGroup;
use crate::ids::{self, Kind};

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

impl FilterInput for CustomerGroupFilter {
    type Field = GF;

    fn apply(&self, f: &mut Filter<GF>) -> GqlResult<()> {
        if let Some(x) = &self.id {
            x.apply(f, GF::Id, Kind::CustomerGroup, "filter.id")?;
        }
        if let Some(x) = &self.name {
            x.apply(f, GF::Name, "filter.name")?;
        }
        for (x, field, path) in [
            (&self.created_at, GF::CreatedAt, "filter.createdAt"),
            (&self.updated_at, GF::UpdatedAt, "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(f, field, path)?;
            }
        }
        Ok(())
    }
}

impl SortInput for CustomerGroupSort {
    type Key = CustomerGroupSortKey;

    fn sort(&self) -> Sort<CustomerGroupSortKey> {
        let key = match self.field {
            CustomerGroupSortField::CreatedAt => CustomerGroupSortKey::CreatedAt,
            CustomerGroupSortField::Name => CustomerGroupSortKey::Name,
            CustomerGroupSortField::UpdatedAt => CustomerGroupSortKey::UpdatedAt,
        };
        Sort::new(key, self.direction.is_descending())
    }

    fn default_sort() -> Sort<CustomerGroupSortKey> {
        Sort::new(CustomerGroupSortKey::Name, false)
    }
}

/// The `customerGroups` root list.
pub struct CustomerGroups;

impl ListRoot for CustomerGroups {
    const FIELD: &'static str = "customerGroups";
    const DESCRIPTION: &'static str = "The merchant's customer groups.";
    const SCOPE: Scope = Scope::CustomersRead;
    const KIND: Kind = Kind::CustomerGroup;
    const FILTER: &'static str = "Conditions the groups must all meet.";
    const SEARCH: Option<&'static str> = None;
    const SORT: &'static str = "Sort order; default by name A to Z (NAME ASC).";
    type Row = m::CustomerGroup;
    type Node = CustomerGroup;
    type Filter = CustomerGroupFilter;
    type Sort = CustomerGroupSort;

    fn node(row: m::CustomerGroup) -> CustomerGroup {
        CustomerGroup(row)
    }
}

#[derive(Default)]
pub struct CustomerGroupQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl CustomerGroupQuery {
    /// `customerGroups` (see [`CustomerGroups`]).
    #[graphql(flatten)]
    async fn customer_groups(&self) -> ListField<CustomerGroups> {
        ListField::default()
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

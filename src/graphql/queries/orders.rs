use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::filter::{Filter, Op, Sort};
use crate::domain::orders::{models as m, Order as Row};
use crate::graphql::connection::{self, GqlConnection, PageArgs};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{
    DateTimeFilter, DecimalFilter, IdFilter, SortDirection, StringFilter,
};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::types::order::{Order, OrderStatus};
use crate::ids::{self, Kind};

/// Conditions on an order status.
#[derive(InputObject, Default)]
pub struct OrderStatusFilter {
    pub eq: Option<OrderStatus>,
    #[graphql(name = "in")]
    pub in_: Option<Vec<OrderStatus>>,
}

/// Conditions on orders; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct OrderFilter {
    pub id: Option<IdFilter>,
    pub number: Option<StringFilter>,
    pub status: Option<OrderStatusFilter>,
    pub email: Option<StringFilter>,
    pub currency: Option<StringFilter>,
    pub customer_id: Option<IdFilter>,
    pub store_id: Option<IdFilter>,
    pub channel_id: Option<IdFilter>,
    pub total: Option<DecimalFilter>,
    pub created_at: Option<DateTimeFilter>,
    pub updated_at: Option<DateTimeFilter>,
    pub completed_at: Option<DateTimeFilter>,
}

impl OrderFilter {
    pub(crate) fn to_filter(&self, search: Option<String>) -> GqlResult<Filter> {
        let mut f = Filter {
            search,
            ..Filter::default()
        };
        for (x, col, kind, path) in [
            (&self.id, "id", Kind::Order, "filter.id"),
            (
                &self.customer_id,
                "customer_id",
                Kind::Customer,
                "filter.customerId",
            ),
            (&self.store_id, "store_id", Kind::Store, "filter.storeId"),
            (
                &self.channel_id,
                "channel_id",
                Kind::Channel,
                "filter.channelId",
            ),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, kind, path)?;
            }
        }
        if let Some(x) = &self.number {
            x.apply(&mut f, "number", "filter.number")?;
        }
        if let Some(x) = &self.email {
            x.apply_ci(&mut f, "email", "filter.email")?;
        }
        if let Some(x) = &self.currency {
            x.apply(&mut f, "currency", "filter.currency")?;
        }
        if let Some(s) = &self.status {
            if let Some(v) = s.eq {
                f.push("status", Op::Eq(Bind::Text(v.as_db().into())));
            }
            if let Some(v) = &s.in_ {
                f.push(
                    "status",
                    Op::In(Bind::Texts(
                        v.iter().map(|s| s.as_db().to_owned()).collect(),
                    )),
                );
            }
        }
        if let Some(x) = &self.total {
            x.apply(&mut f, "total");
        }
        if let Some(x) = &self.created_at {
            x.apply(&mut f, "created_at");
        }
        if let Some(x) = &self.updated_at {
            x.apply(&mut f, "updated_at");
        }
        if let Some(x) = &self.completed_at {
            x.apply(&mut f, "completed_at");
        }
        Ok(f)
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum OrderSortField {
    CreatedAt,
    UpdatedAt,
    Number,
    Total,
    /// Placed orders by completion time; drafts sort as the oldest.
    CompletedAt,
}

/// Order of an order list.
#[derive(InputObject)]
pub struct OrderSort {
    pub field: OrderSortField,
    #[graphql(default)]
    pub direction: SortDirection,
}

fn sort(s: Option<OrderSort>) -> Sort {
    let (field, direction) = s
        .map(|s| (s.field, s.direction))
        .unwrap_or((OrderSortField::CreatedAt, SortDirection::Desc));
    let column = match field {
        OrderSortField::CreatedAt => m::SORT_CREATED_AT,
        OrderSortField::UpdatedAt => m::SORT_UPDATED_AT,
        OrderSortField::Number => m::SORT_NUMBER,
        OrderSortField::Total => m::SORT_TOTAL,
        OrderSortField::CompletedAt => m::SORT_COMPLETED_AT,
    };
    Sort {
        column,
        descending: direction == SortDirection::Desc,
    }
}

#[derive(Default)]
pub struct OrderQuery;

#[Object]
impl OrderQuery {
    /// Orders across every channel and store, filtered, sorted and paginated (keyset cursors;
    /// at most 250 a page).
    #[graphql(
        guard = "RequireScope(Scope::OrdersRead)",
        complexity = "first.or(last).unwrap_or(25).clamp(1, 250) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn orders(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<OrderFilter>,
        #[graphql(desc = "Free text matched against the order number and email.")] search: Option<
            String,
        >,
        sort: Option<OrderSort>,
    ) -> GqlResult<GqlConnection<Order>> {
        let filter = filter.unwrap_or_default().to_filter(search)?;
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::list::<Row, Order>(ctx, Kind::Order, filter, self::sort(sort), &args, Order)
            .await
    }

    /// One order by ID; null when there is none for this merchant.
    #[graphql(guard = "RequireScope(Scope::OrdersRead)")]
    async fn order(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Order>> {
        let key = ids::decode(Kind::Order, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<Row>(ctx, key).await?.map(Order))
    }
}

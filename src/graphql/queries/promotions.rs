use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::domain::filter::{Filter, Sort};
use crate::domain::promotions::{self as d, Promotion as PromotionRow};
use crate::graphql::connection::{self, GqlConnection, PageArgs};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::types::promotion::Promotion;
use crate::ids::{self, Kind};

/// Conditions on promotions.
#[derive(InputObject, Default)]
pub struct PromotionFilter {
    pub id: Option<IdFilter>,
    pub name: Option<StringFilter>,
    /// coupon_code or automatic.
    pub kind: Option<StringFilter>,
    pub starts_at: Option<DateTimeFilter>,
    pub expires_at: Option<DateTimeFilter>,
    pub created_at: Option<DateTimeFilter>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum PromotionSortField {
    CreatedAt,
    Name,
}

/// Order of a promotion list.
#[derive(InputObject)]
pub struct PromotionSort {
    pub field: PromotionSortField,
    #[graphql(default)]
    pub direction: SortDirection,
}

#[derive(Default)]
pub struct PromotionQuery;

#[Object]
impl PromotionQuery {
    /// The merchant's promotions.
    #[graphql(
        guard = "RequireScope(Scope::PromotionsRead)",
        complexity = "first.or(last).unwrap_or(25).clamp(1, 250) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn promotions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<PromotionFilter>,
        #[graphql(desc = "Free text matched against name and description.")] search: Option<String>,
        sort: Option<PromotionSort>,
    ) -> GqlResult<GqlConnection<Promotion>> {
        let input = filter.unwrap_or_default();
        let mut f = Filter {
            search,
            ..Filter::default()
        };
        if let Some(x) = &input.id {
            x.apply(&mut f, "id", Kind::Promotion, "filter.id")?;
        }
        if let Some(x) = &input.name {
            x.apply(&mut f, "name", "filter.name")?;
        }
        if let Some(x) = &input.kind {
            x.apply(&mut f, "kind", "filter.kind")?;
        }
        for (x, col) in [
            (&input.starts_at, "starts_at"),
            (&input.expires_at, "expires_at"),
            (&input.created_at, "created_at"),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col);
            }
        }
        let sort = Sort::by(
            sort.map(|s| (s.field, s.direction)),
            (PromotionSortField::CreatedAt, SortDirection::Desc),
            |field| match field {
                PromotionSortField::CreatedAt => d::SORT_CREATED_AT,
                PromotionSortField::Name => d::SORT_NAME,
            },
        );
        connection::list::<PromotionRow, Promotion>(
            ctx,
            Kind::Promotion,
            f,
            sort,
            &PageArgs::new(first, after, last, before),
            Promotion,
        )
        .await
    }

    /// One promotion by ID (`promo_…`).
    #[graphql(guard = "RequireScope(Scope::PromotionsRead)")]
    async fn promotion(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Promotion>> {
        let key = ids::decode(Kind::Promotion, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<PromotionRow>(ctx, key)
            .await?
            .map(Promotion))
    }
}

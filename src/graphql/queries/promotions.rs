use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::filter::{Filter, Op, Sort};
use crate::domain::promotions::{
    self as d, CouponCode as CouponCodeRow, Promotion as PromotionRow,
};
use crate::graphql::connection::{self, GqlConnection, PageArgs};
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{
    search_text, DateTimeFilter, IdFilter, IntFilter, SortDirection, StringFilter,
};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::types::promotion::{CouponCode, Promotion};
use crate::ids::{self, Kind};

/// Conditions on promotions.
#[derive(InputObject, Default)]
pub struct PromotionFilter {
    /// The promotion's own ID (`promo_…`).
    pub id: Option<IdFilter>,
    /// The promotion name.
    pub name: Option<StringFilter>,
    /// coupon_code or automatic.
    pub kind: Option<StringFilter>,
    /// `true`: promotions inside their window now (started or without a start, and not expired),
    /// as `Promotion.active`; `false`: the others (not started yet or expired).
    pub active: Option<bool>,
    /// Start of the window; `isNull: true` selects promotions without one.
    pub starts_at: Option<DateTimeFilter>,
    /// End of the window; `isNull: true` selects promotions that never expire.
    pub expires_at: Option<DateTimeFilter>,
    /// When the promotion was created.
    pub created_at: Option<DateTimeFilter>,
    /// When the promotion last changed.
    pub updated_at: Option<DateTimeFilter>,
}

/// Whether a promotion row is inside its window at the statement's time (`Promotion.active`).
const ACTIVE_NOW: &str = "((starts_at IS NULL OR starts_at <= now()) \
     AND (expires_at IS NULL OR now() < expires_at))";

/// What a promotion list is sorted by; ties are broken by ID in the same direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum PromotionSortField {
    /// When the promotion was created (the default, newest first).
    CreatedAt,
    /// The promotion name, as text.
    Name,
    /// When the promotion last changed.
    UpdatedAt,
    /// Start of the window; promotions without a start sort as the earliest.
    StartsAt,
    /// End of the window; promotions that never expire sort as the latest.
    ExpiresAt,
}

/// Order of a promotion list.
#[derive(InputObject)]
pub struct PromotionSort {
    /// The field sorted by.
    pub field: PromotionSortField,
    /// Ascending or descending (default DESC).
    #[graphql(default)]
    pub direction: SortDirection,
}

/// Conditions on coupon codes.
#[derive(InputObject, Default)]
pub struct CouponCodeFilter {
    /// The code's own ID (`cc_…`).
    pub id: Option<IdFilter>,
    /// The promotion the code unlocks (`promo_…`). With `eq` this pages through all of a
    /// promotion's codes (`Promotion.couponCodes` only takes `first`).
    pub promotion_id: Option<IdFilter>,
    /// The code text; `eq` and `in` ignore case, as codes are unique per merchant
    /// case-insensitively (`contains`/`startsWith` ignore it too; `ne` does not).
    pub code: Option<StringFilter>,
    /// Uses counted on the code (`CouponCode.usageCount`).
    pub usage_count: Option<IntFilter>,
    /// When the code was created (generated codes of one batch share it).
    pub created_at: Option<DateTimeFilter>,
}

/// What a coupon code list is sorted by; ties are broken by ID in the same direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum CouponCodeSortField {
    /// The code, ignoring case (the default, ascending).
    Code,
    /// When the code was created.
    CreatedAt,
    /// Uses counted on the code.
    UsageCount,
}

/// Order of a coupon code list.
#[derive(InputObject)]
pub struct CouponCodeSort {
    /// The field sorted by.
    pub field: CouponCodeSortField,
    /// Ascending or descending (default DESC).
    #[graphql(default)]
    pub direction: SortDirection,
}

#[derive(Default)]
pub struct PromotionQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
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
        #[graphql(desc = "Conditions the promotions must all meet.")] filter: Option<
            PromotionFilter,
        >,
        #[graphql(
            desc = "Free text matched against name and description (at most 256 characters)."
        )]
        search: Option<String>,
        #[graphql(desc = "Sort order; default newest first (CREATED_AT DESC).")] sort: Option<
            PromotionSort,
        >,
    ) -> GqlResult<GqlConnection<Promotion>> {
        let input = filter.unwrap_or_default();
        let mut f = Filter {
            search: search_text(search)?,
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
        if let Some(v) = input.active {
            f.push(ACTIVE_NOW, Op::Eq(Bind::Bool(v)));
        }
        for (x, col, path) in [
            (&input.starts_at, "starts_at", "filter.startsAt"),
            (&input.expires_at, "expires_at", "filter.expiresAt"),
            (&input.created_at, "created_at", "filter.createdAt"),
            (&input.updated_at, "updated_at", "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, path)?;
            }
        }
        let sort = Sort::by(
            sort.map(|s| (s.field, s.direction)),
            (PromotionSortField::CreatedAt, SortDirection::Desc),
            |field| match field {
                PromotionSortField::CreatedAt => d::SORT_CREATED_AT,
                PromotionSortField::Name => d::SORT_NAME,
                PromotionSortField::UpdatedAt => d::SORT_UPDATED_AT,
                PromotionSortField::StartsAt => d::SORT_STARTS_AT,
                PromotionSortField::ExpiresAt => d::SORT_EXPIRES_AT,
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
    async fn promotion(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The promotion's ID (`promo_…`).")] id: ID,
    ) -> GqlResult<Option<Promotion>> {
        let key = ids::decode(Kind::Promotion, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<PromotionRow>(ctx, key)
            .await?
            .map(Promotion))
    }

    /// The merchant's coupon codes, across promotions; filter by `promotionId` to page through
    /// one promotion's codes (up to 100,000).
    #[graphql(
        guard = "RequireScope(Scope::PromotionsRead)",
        complexity = "first.or(last).unwrap_or(25).clamp(1, 250) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn coupon_codes(
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
        #[graphql(desc = "Conditions the coupon codes must all meet.")] filter: Option<
            CouponCodeFilter,
        >,
        #[graphql(desc = "Sort order; default by code (CODE ASC).")] sort: Option<CouponCodeSort>,
    ) -> GqlResult<GqlConnection<CouponCode>> {
        let input = filter.unwrap_or_default();
        let mut f = Filter::default();
        for (x, col, kind, path) in [
            (&input.id, "id", Kind::CouponCode, "filter.id"),
            (
                &input.promotion_id,
                "promotion_id",
                Kind::Promotion,
                "filter.promotionId",
            ),
        ] {
            if let Some(x) = x {
                x.apply(&mut f, col, kind, path)?;
            }
        }
        if let Some(x) = &input.code {
            x.apply_ci(&mut f, "code", "filter.code")?;
        }
        if let Some(x) = &input.usage_count {
            x.apply(&mut f, "usage_count", "filter.usageCount")?;
        }
        if let Some(x) = &input.created_at {
            x.apply(&mut f, "created_at", "filter.createdAt")?;
        }
        let sort = Sort::by(
            sort.map(|s| (s.field, s.direction)),
            (CouponCodeSortField::Code, SortDirection::Asc),
            |field| match field {
                CouponCodeSortField::Code => d::CODE_SORT_CODE,
                CouponCodeSortField::CreatedAt => d::CODE_SORT_CREATED_AT,
                CouponCodeSortField::UsageCount => d::CODE_SORT_USAGE_COUNT,
            },
        );
        connection::list::<CouponCodeRow, CouponCode>(
            ctx,
            Kind::CouponCode,
            f,
            sort,
            &PageArgs::new(first, after, last, before),
            CouponCode,
        )
        .await
    }

    /// One coupon code by ID (`cc_…`); null when there is none for this merchant.
    #[graphql(guard = "RequireScope(Scope::PromotionsRead)")]
    async fn coupon_code(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The coupon code's ID (`cc_…`).")] id: ID,
    ) -> GqlResult<Option<CouponCode>> {
        let key = ids::decode(Kind::CouponCode, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<CouponCodeRow>(ctx, key)
            .await?
            .map(CouponCode))
    }
}

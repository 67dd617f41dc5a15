use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::domain::filter::{Filter, Sort};
use crate::domain::promotions::queries::{CouponCodeField as CF, CouponCodeSortKey};
use crate::domain::promotions::CouponCode as CouponCodeRow;
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, IntFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::types::promotion::CouponCode;
use crate::ids::{self, Kind};

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

impl FilterInput for CouponCodeFilter {
    type Field = CF;

    fn apply(&self, f: &mut Filter<CF>) -> GqlResult<()> {
        for (x, field, kind, path) in [
            (&self.id, CF::Id, Kind::CouponCode, "filter.id"),
            (
                &self.promotion_id,
                CF::PromotionId,
                Kind::Promotion,
                "filter.promotionId",
            ),
        ] {
            if let Some(x) = x {
                x.apply(f, field, kind, path)?;
            }
        }
        if let Some(x) = &self.code {
            x.apply_ci(f, CF::Code, "filter.code")?;
        }
        if let Some(x) = &self.usage_count {
            x.apply(f, CF::UsageCount, "filter.usageCount")?;
        }
        if let Some(x) = &self.created_at {
            x.apply(f, CF::CreatedAt, "filter.createdAt")?;
        }
        Ok(())
    }
}

impl SortInput for CouponCodeSort {
    type Key = CouponCodeSortKey;

    fn sort(&self) -> Sort<CouponCodeSortKey> {
        let key = match self.field {
            CouponCodeSortField::Code => CouponCodeSortKey::Code,
            CouponCodeSortField::CreatedAt => CouponCodeSortKey::CreatedAt,
            CouponCodeSortField::UsageCount => CouponCodeSortKey::UsageCount,
        };
        Sort::new(key, self.direction.is_descending())
    }

    fn default_sort() -> Sort<CouponCodeSortKey> {
        Sort::new(CouponCodeSortKey::Code, false)
    }
}

/// The `couponCodes` root list.
pub struct CouponCodes;

impl ListRoot for CouponCodes {
    const FIELD: &'static str = "couponCodes";
    const DESCRIPTION: &'static str = "The merchant's coupon codes, across promotions; filter by `promotionId` to page through\none promotion's codes (up to 100,000).";
    const SCOPE: Scope = Scope::PromotionsRead;
    const KIND: Kind = Kind::CouponCode;
    const FILTER: &'static str = "Conditions the coupon codes must all meet.";
    const SEARCH: Option<&'static str> = None;
    const SORT: &'static str = "Sort order; default by code (CODE ASC).";
    type Row = CouponCodeRow;
    type Node = CouponCode;
    type Filter = CouponCodeFilter;
    type Sort = CouponCodeSort;

    fn node(row: CouponCodeRow) -> CouponCode {
        CouponCode(row)
    }
}

#[derive(Default)]
pub struct CouponCodeQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl CouponCodeQuery {
    /// `couponCodes` (see [`CouponCodes`]).
    #[graphql(flatten)]
    async fn coupon_codes(&self) -> ListField<CouponCodes> {
        ListField::default()
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

use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::filter::{Filter, Op, Sort};
use crate::domain::promotions::queries::{PromotionField as PF, PromotionSortKey};
use crate::domain::promotions::Promotion as PromotionRow;
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::types::promotion::Promotion;
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

impl FilterInput for PromotionFilter {
    type Field = PF;

    fn apply(&self, f: &mut Filter<PF>) -> GqlResult<()> {
        if let Some(x) = &self.id {
            x.apply(f, PF::Id, Kind::Promotion, "filter.id")?;
        }
        if let Some(x) = &self.name {
            x.apply(f, PF::Name, "filter.name")?;
        }
        if let Some(x) = &self.kind {
            x.apply(f, PF::Kind, "filter.kind")?;
        }
        if let Some(v) = self.active {
            f.push(PF::ActiveNow, Op::Eq(Bind::Bool(v)));
        }
        for (x, field, path) in [
            (&self.starts_at, PF::StartsAt, "filter.startsAt"),
            (&self.expires_at, PF::ExpiresAt, "filter.expiresAt"),
            (&self.created_at, PF::CreatedAt, "filter.createdAt"),
            (&self.updated_at, PF::UpdatedAt, "filter.updatedAt"),
        ] {
            if let Some(x) = x {
                x.apply(f, field, path)?;
            }
        }
        Ok(())
    }
}

impl SortInput for PromotionSort {
    type Key = PromotionSortKey;

    fn sort(&self) -> Sort<PromotionSortKey> {
        let key = match self.field {
            PromotionSortField::CreatedAt => PromotionSortKey::CreatedAt,
            PromotionSortField::Name => PromotionSortKey::Name,
            PromotionSortField::UpdatedAt => PromotionSortKey::UpdatedAt,
            PromotionSortField::StartsAt => PromotionSortKey::StartsAt,
            PromotionSortField::ExpiresAt => PromotionSortKey::ExpiresAt,
        };
        Sort::new(key, self.direction.is_descending())
    }

    fn default_sort() -> Sort<PromotionSortKey> {
        Sort::new(PromotionSortKey::CreatedAt, true)
    }
}

/// The `promotions` root list.
pub struct Promotions;

impl ListRoot for Promotions {
    const FIELD: &'static str = "promotions";
    const DESCRIPTION: &'static str = "The merchant's promotions.";
    const SCOPE: Scope = Scope::PromotionsRead;
    const KIND: Kind = Kind::Promotion;
    const FILTER: &'static str = "Conditions the promotions must all meet.";
    const SEARCH: Option<&'static str> =
        Some("Free text matched against name and description (at most 256 characters).");
    const SORT: &'static str = "Sort order; default newest first (CREATED_AT DESC).";
    type Row = PromotionRow;
    type Node = Promotion;
    type Filter = PromotionFilter;
    type Sort = PromotionSort;

    fn node(row: PromotionRow) -> Promotion {
        Promotion(row)
    }
}

#[derive(Default)]
pub struct PromotionQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl PromotionQuery {
    /// `promotions` (see [`Promotions`]).
    #[graphql(flatten)]
    async fn promotions(&self) -> ListField<Promotions> {
        ListField::default()
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
}

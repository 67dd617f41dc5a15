//! Reads of promotions and coupon codes: what their lists filter on and sort by.

use rust_decimal::Decimal;

use super::{CouponCode, Promotion, PromotionAction, PromotionRule};
use crate::domain::filter::{time_after_all, time_before_all, Listable, SortValue, TopChild};

crate::filter_fields! {
    /// What a promotion list can be filtered on.
    pub enum PromotionField {
        Id => "id",
        Name => "name",
        Kind => "kind",
        /// Whether the promotion row is inside its window at the statement's time
        /// (`Promotion.active`), compared with a boolean.
        ActiveNow => "((starts_at IS NULL OR starts_at <= now()) \
            AND (expires_at IS NULL OR now() < expires_at))",
        StartsAt => "starts_at",
        ExpiresAt => "expires_at",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
}

crate::sort_keys! {
    /// What a promotion list can be sorted by.
    pub enum PromotionSortKey {
        CreatedAt => ("createdAt", "created_at", Time),
        Name => ("name", "name", Text),
        UpdatedAt => ("updatedAt", "updated_at", Time),
        /// Promotions without a start sort as the earliest (see the `promotions_starts_sort`
        /// index).
        StartsAt => (
            "startsAt",
            "coalesce(starts_at, timestamptz '0001-01-01 00:00:00+00')",
            Time
        ),
        /// Promotions that never expire sort as the latest (see the `promotions_expires_sort`
        /// index).
        ExpiresAt => (
            "expiresAt",
            "coalesce(expires_at, timestamptz '9999-12-31 23:59:59+00')",
            Time
        ),
    }
}

impl Listable for Promotion {
    type Field = PromotionField;
    type SortKey = PromotionSortKey;
    const SEARCH: &'static [&'static str] = &["name", "description"];

    fn sort_value(&self, key: PromotionSortKey) -> SortValue {
        match key {
            PromotionSortKey::CreatedAt => SortValue::Time(self.created_at),
            PromotionSortKey::Name => SortValue::Text(self.name.clone()),
            PromotionSortKey::UpdatedAt => SortValue::Time(self.updated_at),
            PromotionSortKey::StartsAt => {
                SortValue::Time(self.starts_at.unwrap_or_else(time_before_all))
            }
            PromotionSortKey::ExpiresAt => {
                SortValue::Time(self.expires_at.unwrap_or_else(time_after_all))
            }
        }
    }
}

crate::filter_fields! {
    /// What a coupon code list can be filtered on.
    pub enum CouponCodeField {
        Id => "id",
        PromotionId => "promotion_id",
        Code => "code",
        UsageCount => "usage_count",
        CreatedAt => "created_at",
    }
}

crate::sort_keys! {
    /// What a coupon code list can be sorted by.
    pub enum CouponCodeSortKey {
        /// Codes sort as the unique index `coupon_codes_code` holds them, case-insensitively.
        Code => ("code", "lower(code)", Text),
        CreatedAt => ("createdAt", "created_at", Time),
        /// Cast to numeric so cursors carry it as a decimal (see the `coupon_codes_usage_sort`
        /// index).
        UsageCount => ("usageCount", "usage_count::numeric", Decimal),
    }
}

impl Listable for CouponCode {
    type Field = CouponCodeField;
    type SortKey = CouponCodeSortKey;
    const SEARCH: &'static [&'static str] = &["code"];

    fn sort_value(&self, key: CouponCodeSortKey) -> SortValue {
        match key {
            // Codes are `[A-Za-z0-9_-]`: ASCII lowering is PostgreSQL's `lower`.
            CouponCodeSortKey::Code => SortValue::Text(self.code.to_ascii_lowercase()),
            CouponCodeSortKey::CreatedAt => SortValue::Time(self.created_at),
            CouponCodeSortKey::UsageCount => SortValue::Decimal(Decimal::from(self.usage_count)),
        }
    }
}

crate::child_of! {
    PromotionRule => promotion_id,
    PromotionAction => promotion_id,
}

impl TopChild for CouponCode {
    const TOP_PARENT_COLUMN: &'static str = "promotion_id";
}

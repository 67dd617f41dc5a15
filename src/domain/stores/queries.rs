//! Reads of stores and brands: what their lists filter on and sort by, and the per-store
//! configuration loaded by store.

use super::config::{
    CoverageZone, FulfillmentFee, PaymentMethod, PaymentProvider, ScheduledOverride, StoreChannel,
    StoreFulfillment,
};
use super::{Brand, Store};
use crate::domain::filter::{Listable, SortValue};

crate::filter_fields! {
    /// What a store list can be filtered on.
    pub enum StoreField {
        Id => "id",
        ExternalId => "external_id",
        Name => "name",
        Status => "status",
        BrandId => "brand_id",
        City => "city",
        Country => "country",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
}

crate::sort_keys! {
    /// What a store list can be sorted by.
    pub enum StoreSortKey {
        CreatedAt => ("createdAt", "created_at", Time),
        UpdatedAt => ("updatedAt", "updated_at", Time),
        Name => ("name", "name", Text),
        ExternalId => ("externalId", "external_id", Text),
    }
}

impl Listable for Store {
    type Field = StoreField;
    type SortKey = StoreSortKey;
    const SEARCH: &'static [&'static str] = &["name", "external_id", "city"];

    fn sort_value(&self, key: StoreSortKey) -> SortValue {
        match key {
            StoreSortKey::CreatedAt => SortValue::Time(self.created_at),
            StoreSortKey::UpdatedAt => SortValue::Time(self.updated_at),
            StoreSortKey::Name => SortValue::Text(self.name.clone()),
            StoreSortKey::ExternalId => SortValue::Text(self.external_id.clone()),
        }
    }
}

crate::filter_fields! {
    /// What a brand list can be filtered on.
    pub enum BrandField {
        Id => "id",
        ExternalId => "external_id",
        Name => "name",
        CreatedAt => "created_at",
    }
}

crate::sort_keys! {
    /// What a brand list can be sorted by.
    pub enum BrandSortKey {
        CreatedAt => ("createdAt", "created_at", Time),
        ExternalId => ("externalId", "external_id", Text),
        Name => ("name", "name", Text),
    }
}

impl Listable for Brand {
    type Field = BrandField;
    type SortKey = BrandSortKey;
    const SEARCH: &'static [&'static str] = &["external_id", "name"];

    fn sort_value(&self, key: BrandSortKey) -> SortValue {
        match key {
            BrandSortKey::CreatedAt => SortValue::Time(self.created_at),
            BrandSortKey::ExternalId => SortValue::Text(self.external_id.clone()),
            BrandSortKey::Name => SortValue::Text(self.name.clone()),
        }
    }
}

crate::child_of! {
    StoreChannel => store_id,
    StoreFulfillment => store_channel_id,
    FulfillmentFee => fulfillment_id,
    CoverageZone => fulfillment_id,
    PaymentMethod => store_id,
    PaymentProvider => payment_method_id,
    ScheduledOverride => store_id,
}

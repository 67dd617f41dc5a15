//! Reads of sales channels: what their lists filter on and sort by.

use super::Channel;
use crate::domain::filter::{Listable, SortValue};

crate::filter_fields! {
    /// What a channel list can be filtered on.
    pub enum ChannelField {
        Id => "id",
        Code => "code",
        Name => "name",
        Active => "active",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
}

crate::sort_keys! {
    /// What a channel list can be sorted by.
    pub enum ChannelSortKey {
        CreatedAt => ("createdAt", "created_at", Time),
        Code => ("code", "code", Text),
        Name => ("name", "name", Text),
        UpdatedAt => ("updatedAt", "updated_at", Time),
    }
}

impl Listable for Channel {
    type Field = ChannelField;
    type SortKey = ChannelSortKey;
    const SEARCH: &'static [&'static str] = &["code", "name"];

    fn sort_value(&self, key: ChannelSortKey) -> SortValue {
        match key {
            ChannelSortKey::CreatedAt => SortValue::Time(self.created_at),
            ChannelSortKey::Code => SortValue::Text(self.code.clone()),
            ChannelSortKey::Name => SortValue::Text(self.name.clone()),
            ChannelSortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}

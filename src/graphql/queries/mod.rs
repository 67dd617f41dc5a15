//! Root query fields, one object per aggregate, merged into `Query`.

pub mod brands;
pub mod channels;
pub mod coupon_codes;
pub mod customer_groups;
pub mod customers;
pub mod list;
pub mod migrations;
pub mod node;
pub mod orders;
pub mod price_lists;
pub mod price_quote;
pub mod prices;
pub mod products;
pub mod promotion_evaluate;
pub mod promotions;
pub mod root_field;
pub mod shop;
pub mod stats;
pub mod stores;
pub mod tags;
pub mod variants;
pub mod viewer;

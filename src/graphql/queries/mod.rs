//! Root query fields, one object per aggregate, merged into `Query`.

pub mod catalog;
pub mod customers;
pub mod list;
pub mod node;
pub mod orders;
pub mod price_quote;
pub mod pricing;
pub mod promotion_evaluate;
pub mod promotions;
pub mod root_field;
pub mod stats;
pub mod stores;
pub mod viewer;

//! Promotions with their rules, actions and coupon codes.
//!
//! Rows in [`models`], reads in [`queries`], writes in [`commands`]; [`evaluate`] decides which
//! promotions apply to an order or a [`draft`] of one.

pub mod commands;
pub mod draft;
pub mod evaluate;
pub mod models;
pub mod queries;

pub use models::{
    usage_by_ids, CouponCode, Promotion, PromotionAction, PromotionRule, PromotionUsage,
};

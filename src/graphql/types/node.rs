use async_graphql::{Interface, ID};

use super::brands::Brand;
use super::catalog::{Product, Variant};
use super::channels::Channel;
use super::customer_groups::CustomerGroup;
use super::customers::Customer;
use super::migrations::MigrationBatch;
use super::order::{LineItem, Order};
use super::pricing::{Price, PriceList};
use super::promotion::{CouponCode, Promotion};
use super::stores::Store;

/// Any object with a global, prefixed ID, fetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Public prefixed ID."))]
pub enum Node {
    Customer(Customer),
    Order(Order),
    LineItem(LineItem),
    Store(Store),
    Brand(Brand),
    Channel(Channel),
    Product(Product),
    Variant(Variant),
    CustomerGroup(CustomerGroup),
    PriceList(PriceList),
    Price(Price),
    Promotion(Promotion),
    CouponCode(CouponCode),
    MigrationBatch(MigrationBatch),
}

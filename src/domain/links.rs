//! Batched reads of associations for many parents at once: "top N children per parent"
//! (LATERAL joins) and many-to-many links. Each is one statement for any number of parents.

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::sql::{Bind, Sql};
use crate::domain::catalog::Product;
use crate::domain::channels::{Channel, Publication};
use crate::domain::customers::{Customer, CustomerGroup};
use crate::domain::filter::TopChild;
use crate::domain::pricing::Price;
use crate::error::Result;

/// A row tagged with the parent it was loaded for.
#[derive(QueryableByName)]
pub struct Tagged<T: QueryableByName<diesel::pg::Pg>> {
    #[diesel(sql_type = sql_types::BigInt)]
    pub parent_id: i64,
    #[diesel(embed)]
    pub row: T,
}

/// The first `limit` rows (by id) of `T` whose parent is each of `parents`.
pub async fn top_children<T: TopChild>(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    parents: &[i64],
    limit: i64,
) -> Result<Vec<Tagged<T>>> {
    let mut sql = Sql::with_binds(
        "SELECT p.id AS parent_id, t.* FROM unnest($2::bigint[]) AS p(id) \
         CROSS JOIN LATERAL (SELECT * FROM ",
        vec![
            Bind::I64(merchant_id),
            Bind::I64s(parents.to_vec()),
            Bind::I64(limit),
        ],
    );
    sql.push(T::TABLE)
        .push(" WHERE merchant_id = $1 AND ")
        .push(T::TOP_PARENT_COLUMN)
        .push(" = p.id ORDER BY id LIMIT $3) AS t");
    Ok(sql.cached().into_query().load(conn).await?)
}

/// The groups of each customer.
pub async fn groups_of_customers(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    customers: &[i64],
) -> Result<Vec<Tagged<CustomerGroup>>> {
    let sql = Sql::with_binds(
        "SELECT m.customer_id AS parent_id, g.* FROM customer_group_memberships m \
         JOIN customer_groups g ON g.merchant_id = m.merchant_id AND g.id = m.customer_group_id \
         WHERE m.merchant_id = $1 AND m.customer_id = ANY($2) ORDER BY g.name",
        vec![Bind::I64(merchant_id), Bind::I64s(customers.to_vec())],
    );
    Ok(sql.cached().into_query().load(conn).await?)
}

/// The first `limit` customers (by id) of each group.
pub async fn customers_of_groups(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    groups: &[i64],
    limit: i64,
) -> Result<Vec<Tagged<Customer>>> {
    let sql = Sql::with_binds(
        "SELECT g.id AS parent_id, c.* FROM unnest($2::bigint[]) AS g(id) CROSS JOIN LATERAL ( \
           SELECT c.* FROM customer_group_memberships m \
           JOIN customers c ON c.merchant_id = m.merchant_id AND c.id = m.customer_id \
           WHERE m.merchant_id = $1 AND m.customer_group_id = g.id ORDER BY m.customer_id LIMIT $3) AS c",
        vec![Bind::I64(merchant_id), Bind::I64s(groups.to_vec()), Bind::I64(limit)],
    );
    Ok(sql.cached().into_query().load(conn).await?)
}

/// The first `limit` products (by id) published on each channel.
pub async fn products_of_channels(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    channels: &[i64],
    limit: i64,
) -> Result<Vec<Tagged<Product>>> {
    let sql = Sql::with_binds(
        "SELECT ch.id AS parent_id, p.* FROM unnest($2::bigint[]) AS ch(id) CROSS JOIN LATERAL ( \
           SELECT p.* FROM product_publications pp \
           JOIN products p ON p.merchant_id = pp.merchant_id AND p.id = pp.product_id \
           WHERE pp.merchant_id = $1 AND pp.channel_id = ch.id ORDER BY pp.product_id LIMIT $3) AS p",
        vec![Bind::I64(merchant_id), Bind::I64s(channels.to_vec()), Bind::I64(limit)],
    );
    Ok(sql.cached().into_query().load(conn).await?)
}

/// The channels each product is published on, by name.
pub async fn channels_of_products(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    products: &[i64],
) -> Result<Vec<Tagged<Channel>>> {
    let sql = Sql::with_binds(
        "SELECT pp.product_id AS parent_id, c.* FROM product_publications pp \
         JOIN channels c ON c.merchant_id = pp.merchant_id AND c.id = pp.channel_id \
         WHERE pp.merchant_id = $1 AND pp.product_id = ANY($2) ORDER BY c.name, c.id",
        vec![Bind::I64(merchant_id), Bind::I64s(products.to_vec())],
    );
    Ok(sql.cached().into_query().load(conn).await?)
}

/// The publications of each product (scheduled and ended ones too), by channel name.
pub async fn publications_of_products(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    products: &[i64],
) -> Result<Vec<Publication>> {
    let sql = Sql::with_binds(
        "SELECT pp.* FROM product_publications pp \
         JOIN channels c ON c.merchant_id = pp.merchant_id AND c.id = pp.channel_id \
         WHERE pp.merchant_id = $1 AND pp.product_id = ANY($2) ORDER BY c.name, c.id",
        vec![Bind::I64(merchant_id), Bind::I64s(products.to_vec())],
    );
    Ok(sql.cached().into_query().load(conn).await?)
}

/// The base price (no price list) in the merchant's default currency of each variant.
pub async fn default_prices_of_variants(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    variants: &[i64],
) -> Result<Vec<Tagged<Price>>> {
    let sql = Sql::with_binds(
        "SELECT pr.variant_id AS parent_id, pr.* FROM prices pr \
         WHERE pr.merchant_id = $1 AND pr.variant_id = ANY($2) AND pr.price_list_id IS NULL \
           AND pr.currency = merchant_default_currency($1)",
        vec![Bind::I64(merchant_id), Bind::I64s(variants.to_vec())],
    );
    Ok(sql.cached().into_query().load(conn).await?)
}

/// The base price in the merchant's default currency of each product's master variant.
pub async fn default_prices_of_products(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    products: &[i64],
) -> Result<Vec<Tagged<Price>>> {
    let sql = Sql::with_binds(
        "SELECT v.product_id AS parent_id, pr.* FROM variants v \
         JOIN prices pr ON pr.merchant_id = v.merchant_id AND pr.variant_id = v.id \
         WHERE v.merchant_id = $1 AND v.product_id = ANY($2) AND v.is_master \
           AND pr.price_list_id IS NULL AND pr.currency = merchant_default_currency($1)",
        vec![Bind::I64(merchant_id), Bind::I64s(products.to_vec())],
    );
    Ok(sql.cached().into_query().load(conn).await?)
}

/// Every price (base and price-list prices, all currencies) of each product's variants, the
/// master included, ordered as Spree orders a product's prices: by variant position, variant,
/// currency, base price first.
pub async fn prices_of_products(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    products: &[i64],
) -> Result<Vec<Tagged<Price>>> {
    let sql = Sql::with_binds(
        "SELECT v.product_id AS parent_id, pr.* FROM variants v \
         JOIN prices pr ON pr.merchant_id = v.merchant_id AND pr.variant_id = v.id \
         WHERE v.merchant_id = $1 AND v.product_id = ANY($2) \
         ORDER BY v.position, v.id, pr.currency, pr.price_list_id NULLS FIRST, pr.id",
        vec![Bind::I64(merchant_id), Bind::I64s(products.to_vec())],
    );
    Ok(sql.cached().into_query().load(conn).await?)
}

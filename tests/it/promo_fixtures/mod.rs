//! Rows the promotion tests need (products, variants, customers, a group, orders), inserted with
//! SQL: catalog and order writes belong to other parts of the API.
#![allow(dead_code)]

use commerce_gateway::domain::merchants;
use commerce_gateway::ids::{encode, Kind};
use diesel::sql_types;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

#[derive(diesel::QueryableByName)]
struct Id {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
}

#[derive(diesel::QueryableByName)]
struct N {
    #[diesel(sql_type = sql_types::BigInt)]
    n: i64,
}

/// Runs a statement returning `id`.
pub async fn id(conn: &mut AsyncPgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .load::<Id>(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))[0]
        .id
}

/// Runs a statement returning `n`.
pub async fn n(conn: &mut AsyncPgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .load::<N>(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))[0]
        .n
}

pub async fn exec(conn: &mut AsyncPgConnection, sql: &str) {
    conn.batch_execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A merchant's catalog and customers: internal keys and public IDs.
pub struct Shop {
    pub m: i64,
    pub products: Vec<i64>,
    pub variants: Vec<i64>,
    pub customers: Vec<i64>,
    pub group: i64,
}

impl Shop {
    pub fn product(&self, i: usize) -> String {
        encode(Kind::Product, self.products[i])
    }
    pub fn variant(&self, i: usize) -> String {
        encode(Kind::Variant, self.variants[i])
    }
    pub fn customer(&self, i: usize) -> String {
        encode(Kind::Customer, self.customers[i])
    }
    pub fn group_id(&self) -> String {
        encode(Kind::CustomerGroup, self.group)
    }
}

/// Three products with one variant each, two customers (the first in the group "VIP").
pub async fn shop(conn: &mut AsyncPgConnection, slug: &str) -> Shop {
    let m = merchants::find_or_create(conn, slug).await.unwrap().id;
    let mut products = Vec::new();
    let mut variants = Vec::new();
    for name in ["tee", "mug", "cap"] {
        let p = id(conn, &format!("INSERT INTO products (merchant_id, name, slug) VALUES ({m}, '{name}', '{name}') RETURNING id")).await;
        let v = id(conn, &format!("INSERT INTO variants (merchant_id, product_id, sku) VALUES ({m}, {p}, '{slug}-{name}') RETURNING id")).await;
        products.push(p);
        variants.push(v);
    }
    let mut customers = Vec::new();
    for who in ["ana", "bo"] {
        customers.push(id(conn, &format!("INSERT INTO customers (merchant_id, email) VALUES ({m}, '{who}@{slug}.test') RETURNING id")).await);
    }
    let group = id(
        conn,
        &format!(
            "INSERT INTO customer_groups (merchant_id, name) VALUES ({m}, 'VIP') RETURNING id"
        ),
    )
    .await;
    exec(conn, &format!("INSERT INTO customer_group_memberships (merchant_id, customer_group_id, customer_id) VALUES ({m}, {group}, {})", customers[0])).await;
    Shop {
        m,
        products,
        variants,
        customers,
        group,
    }
}

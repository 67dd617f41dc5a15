//! Adding and removing tags on many products.

use diesel_async::AsyncPgConnection;

use crate::domain::tags::{self, Taggable};
use crate::domain::validate::{FieldError, ItemResult};
use crate::error::Result;

/// Adds (or removes) tags on products in one statement; an unknown product refuses the call
/// (nothing written). Must run inside a transaction.
pub async fn change_tags(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    public_ids: &[String],
    tags: &[String],
    add: bool,
) -> Result<(Vec<ItemResult>, Vec<FieldError>)> {
    tags::change(conn, merchant_id, Taggable::Product, public_ids, tags, add).await
}

//! Secrets shared by every gateway on one database (`gateway_secrets`): the first gateway to
//! ask for one stores its candidate, every later ask (from any node, after any restart) gets
//! that stored value. Used for the token and cursor signing secret when none is configured,
//! so that nothing signed depends on which process signed it.

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::RunQueryDsl;

use super::sql::{Bind, Sql};
use super::Db;

#[derive(QueryableByName)]
struct Stored {
    #[diesel(sql_type = sql_types::Text)]
    value: String,
}

/// The secret stored under `name`, storing `candidate` first when there is none: two
/// gateways starting together both get the value of whichever insert won.
pub async fn shared_secret(db: &Db, name: &str, candidate: String) -> crate::error::Result<String> {
    // A statement whose insert waited on a concurrent one (and then did nothing) reads with a
    // snapshot taken before that one committed and finds no row: the next attempt sees it.
    for _ in 0..3 {
        if let Some(value) = insert_or_read(db, name, &candidate).await? {
            return Ok(value);
        }
    }
    Err(crate::error::Error::internal(format!(
        "gateway_secrets: no value for {name}"
    )))
}

async fn insert_or_read(
    db: &Db,
    name: &str,
    candidate: &str,
) -> crate::error::Result<Option<String>> {
    let (name, candidate) = (name.to_owned(), candidate.to_owned());
    db.uncounted(async move |conn| {
        let rows: Vec<Stored> = Sql::with_binds(
            "WITH ins AS ( \
                 INSERT INTO gateway_secrets (name, value) VALUES ($1, $2) \
                 ON CONFLICT (name) DO NOTHING RETURNING value) \
             SELECT value FROM ins \
             UNION ALL \
             SELECT value FROM gateway_secrets WHERE name = $1 \
             LIMIT 1",
            vec![Bind::Text(name), Bind::Text(candidate)],
        )
        .into_query()
        .load(conn)
        .await?;
        Ok(rows.into_iter().next().map(|r| r.value))
    })
    .await
}

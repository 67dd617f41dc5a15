//! Reads of legacy migration batches: one by ID, and the list. Both need `migrations:write`
//! (there is no read scope of migrations: who may run them may watch them).

use async_graphql::{Context, Enum, InputObject, Object, ID};

use crate::auth::Scope;
use crate::db::sql::Bind;
use crate::domain::filter::{Filter, Op, Sort};
use crate::domain::migrations::queries::{BatchField as F, BatchSortKey};
use crate::domain::migrations::MigrationBatch as Row;
use crate::graphql::errors::{bad_id, GqlResult};
use crate::graphql::filters::{DateTimeFilter, IdFilter, SortDirection, StringFilter};
use crate::graphql::guards::RequireScope;
use crate::graphql::loaders;
use crate::graphql::queries::list::{FilterInput, ListField, ListRoot, SortInput};
use crate::graphql::types::migrations::{MigrationBatch, MigrationKind, MigrationStatus};
use crate::ids::{self, Kind};

/// Conditions on a batch status.
#[derive(InputObject, Default)]
pub struct MigrationStatusFilter {
    /// Exactly this status.
    pub eq: Option<MigrationStatus>,
    /// One of these statuses.
    #[graphql(name = "in")]
    pub in_: Option<Vec<MigrationStatus>>,
}

/// Conditions on migration batches; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct MigrationBatchFilter {
    /// The batch's own ID (`mig_…`).
    pub id: Option<IdFilter>,
    /// What the batches import.
    pub kind: Option<MigrationKind>,
    /// Where the batches are in their life.
    pub status: Option<MigrationStatusFilter>,
    /// The label given with the batch.
    pub source: Option<StringFilter>,
    /// When the batch was sent.
    pub created_at: Option<DateTimeFilter>,
}

impl FilterInput for MigrationBatchFilter {
    type Field = F;

    fn apply(&self, f: &mut Filter<F>) -> GqlResult<()> {
        if let Some(x) = &self.id {
            x.apply(f, F::Id, Kind::MigrationBatch, "filter.id")?;
        }
        if let Some(k) = self.kind {
            f.push(F::Kind, Op::Eq(Bind::Text(k.as_db().to_owned())));
        }
        if let Some(s) = &self.status {
            if let Some(v) = s.eq {
                f.push(F::Status, Op::Eq(Bind::Text(v.as_db().to_owned())));
            }
            if let Some(v) = &s.in_ {
                f.push(
                    F::Status,
                    Op::In(Bind::Texts(
                        v.iter().map(|s| s.as_db().to_owned()).collect(),
                    )),
                );
            }
        }
        if let Some(x) = &self.source {
            x.apply(f, F::Source, "filter.source")?;
        }
        if let Some(x) = &self.created_at {
            x.apply(f, F::CreatedAt, "filter.createdAt")?;
        }
        Ok(())
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
/// What a batch list is sorted by; ties are broken by ID in the same direction.
pub enum MigrationBatchSortField {
    /// When the batch was sent (the default, newest first).
    CreatedAt,
    /// When the batch last changed (its progress included).
    UpdatedAt,
}

/// Order of a batch list.
#[derive(InputObject)]
pub struct MigrationBatchSort {
    /// The field sorted by.
    pub field: MigrationBatchSortField,
    /// Ascending or descending (default DESC).
    #[graphql(default)]
    pub direction: SortDirection,
}

impl SortInput for MigrationBatchSort {
    type Key = BatchSortKey;

    fn sort(&self) -> Sort<BatchSortKey> {
        let key = match self.field {
            MigrationBatchSortField::CreatedAt => BatchSortKey::CreatedAt,
            MigrationBatchSortField::UpdatedAt => BatchSortKey::UpdatedAt,
        };
        Sort::new(key, self.direction.is_descending())
    }

    fn default_sort() -> Sort<BatchSortKey> {
        Sort::new(BatchSortKey::CreatedAt, true)
    }
}

/// The `migrationBatches` root list.
pub struct MigrationBatches;

impl ListRoot for MigrationBatches {
    const FIELD: &'static str = "migrationBatches";
    const DESCRIPTION: &'static str = "The merchant's legacy migration batches, filtered, sorted and paginated (keyset cursors; at most 250 a page). Needs `migrations:write`.";
    const SCOPE: Scope = Scope::MigrationsWrite;
    const KIND: Kind = Kind::MigrationBatch;
    const FILTER: &'static str = "Conditions the batches must all meet.";
    const SEARCH: Option<&'static str> = None;
    const SORT: &'static str = "Sort order; default newest first (CREATED_AT DESC).";
    type Row = Row;
    type Node = MigrationBatch;
    type Filter = MigrationBatchFilter;
    type Sort = MigrationBatchSort;

    fn node(row: Row) -> MigrationBatch {
        MigrationBatch(row)
    }
}

#[derive(Default)]
pub struct MigrationQuery;

#[Object(guard = "crate::graphql::guards::EdgeScope::query()")]
impl MigrationQuery {
    /// `migrationBatches` (see [`MigrationBatches`]).
    #[graphql(flatten)]
    async fn migration_batches(&self) -> ListField<MigrationBatches> {
        ListField::default()
    }

    /// One migration batch by ID, with its progress; null when there is none for this
    /// merchant. Needs `migrations:write`.
    #[graphql(guard = "RequireScope(Scope::MigrationsWrite)")]
    async fn migration_batch(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch's ID (`mig_…`).")] id: ID,
    ) -> GqlResult<Option<MigrationBatch>> {
        let key = ids::decode(Kind::MigrationBatch, &id).map_err(|e| bad_id("id", e))?;
        Ok(loaders::load::<Row>(ctx, key).await?.map(MigrationBatch))
    }
}

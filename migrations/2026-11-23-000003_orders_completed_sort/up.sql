-- Keyset pagination by completion time: drafts (no completed_at) sort as the oldest. The
-- expression must match domain::orders::models::SORT_COMPLETED_AT exactly to use this index.
CREATE INDEX orders_completed_sort
    ON orders (merchant_id, (coalesce(completed_at, timestamptz '0001-01-01 00:00:00+00')), id);

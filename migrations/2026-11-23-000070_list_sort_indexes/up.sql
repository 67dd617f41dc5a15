-- Keyset pagination for the sorts added to the root lists: each index is (merchant_id, sort
-- expression, id), the shape `fetch_page` walks. An expression must match the `SortColumn::sql`
-- of its sort exactly to be used (nullable columns sort through a coalesce sentinel, integers
-- through a numeric cast so cursors carry them as decimals).
--
-- Channels, customer groups and price lists are a handful of rows per merchant: their new sorts
-- (UPDATED_AT, STARTS_AT, ENDS_AT) read them without an index.

-- customers(sort: {field: NAME}): by last name, customers without one as ''.
CREATE INDEX customers_last_name_sort ON customers (merchant_id, (coalesce(last_name, '')), id);

-- orders(sort: {field: EMAIL | ITEM_COUNT}).
CREATE INDEX orders_email_sort ON orders (merchant_id, (coalesce(email, '')), id);
CREATE INDEX orders_item_count_sort ON orders (merchant_id, (item_count::numeric), id);

-- variants(sort: {field: UPDATED_AT | POSITION}).
CREATE INDEX variants_updated ON variants (merchant_id, updated_at, id);
CREATE INDEX variants_position_sort ON variants (merchant_id, (position::numeric), id);

-- prices(sort: {field: UPDATED_AT}).
CREATE INDEX prices_updated ON prices (merchant_id, updated_at, id);

-- promotions(sort: {field: UPDATED_AT | STARTS_AT | EXPIRES_AT}): no start is the earliest,
-- no expiry the latest.
CREATE INDEX promotions_updated ON promotions (merchant_id, updated_at, id);
CREATE INDEX promotions_starts_sort
    ON promotions (merchant_id, (coalesce(starts_at, timestamptz '0001-01-01 00:00:00+00')), id);
CREATE INDEX promotions_expires_sort
    ON promotions (merchant_id, (coalesce(expires_at, timestamptz '9999-12-31 23:59:59+00')), id);

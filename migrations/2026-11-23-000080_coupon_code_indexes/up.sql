-- Keyset pagination of the root `couponCodes` list (a promotion can have 100,000 codes): each
-- index is (merchant_id, sort expression, id), the shape `fetch_page` walks; the expression
-- matches the `SortColumn::sql` of its sort exactly.
--
-- couponCodes(sort: {field: CODE}) needs no new index: it sorts by `lower(code)`, the expression
-- of the unique index `coupon_codes_code` (merchant_id, lower(code)). The index scan bounds the
-- row comparison by `lower(code) >= cursor` and, the code being unique, the id tie-breaker only
-- costs an incremental sort of single-row groups.

-- couponCodes(sort: {field: CREATED_AT}): the codes of one generated batch share created_at,
-- so within a batch the id orders them.
CREATE INDEX coupon_codes_created ON coupon_codes (merchant_id, created_at, id);

-- couponCodes(sort: {field: USAGE_COUNT}): through a numeric cast so cursors carry it as a
-- decimal.
CREATE INDEX coupon_codes_usage_sort ON coupon_codes (merchant_id, (usage_count::numeric), id);

-- pricesUpsert's write: every valid item in ONE statement.
-- $1 merchant; one element per item, in input order: $2 index in the request, $3 price key
-- (given, or found by the lookup for an existing (variant, currency, list); NULL: a new key),
-- $4 variant, $5 currency, $6 price list (NULL:
-- the base price), $7 amount (NULL: keep the stored one; only for an item with a price key), $8 compare-at amount, $9 whether to keep the stored compare-at
-- amount (it was omitted).
-- Items with a price key are updated in place; the others are inserted, or update the row with
-- the same (variant, currency, list) through ON CONFLICT — so a concurrent insert of the same
-- key cannot make the call fail. Returns (index, price key, created) per item.
WITH input AS (
    SELECT *
    FROM unnest($2::int[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::numeric[],
                $8::numeric[], $9::bool[])
         AS i(idx, id, variant_id, currency, price_list_id, amount, compare_at_amount, keep_compare)
),
by_id AS (
    UPDATE prices p
    SET amount = coalesce(i.amount, p.amount),
        compare_at_amount = CASE WHEN i.keep_compare THEN p.compare_at_amount ELSE i.compare_at_amount END,
        updated_at = now()
    FROM input i
    WHERE i.id IS NOT NULL AND p.merchant_id = $1 AND p.id = i.id
    RETURNING i.idx, p.id, false AS created
),
-- compareAtAmount omitted: a new row has none, an existing row keeps its own.
by_key_keep AS (
    INSERT INTO prices (merchant_id, variant_id, currency, price_list_id, amount)
    SELECT $1, i.variant_id, i.currency, i.price_list_id, i.amount
    FROM input i WHERE i.id IS NULL AND i.keep_compare
    ORDER BY i.idx
    ON CONFLICT ON CONSTRAINT prices_variant_currency_list
    DO UPDATE SET amount = excluded.amount, updated_at = now()
    RETURNING id, variant_id, currency, price_list_id, (xmax = 0) AS created
),
-- compareAtAmount given (a value, or null to clear it).
by_key_set AS (
    INSERT INTO prices (merchant_id, variant_id, currency, price_list_id, amount, compare_at_amount)
    SELECT $1, i.variant_id, i.currency, i.price_list_id, i.amount, i.compare_at_amount
    FROM input i WHERE i.id IS NULL AND NOT i.keep_compare
    ORDER BY i.idx
    ON CONFLICT ON CONSTRAINT prices_variant_currency_list
    DO UPDATE SET amount = excluded.amount, compare_at_amount = excluded.compare_at_amount, updated_at = now()
    RETURNING id, variant_id, currency, price_list_id, (xmax = 0) AS created
)
SELECT idx, id, created FROM by_id
UNION ALL
-- Keys are unique within the request (checked before), so they map rows back to items; the
-- coalesce keeps the join hashable (list keys are positive).
SELECT i.idx, k.id, k.created
FROM (SELECT * FROM by_key_keep UNION ALL SELECT * FROM by_key_set) k
JOIN input i ON i.id IS NULL AND i.variant_id = k.variant_id AND i.currency = k.currency
            AND coalesce(i.price_list_id, 0) = coalesce(k.price_list_id, 0)
ORDER BY idx

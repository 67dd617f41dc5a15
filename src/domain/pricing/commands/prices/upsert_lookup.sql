-- Everything pricesUpsert must know before writing, in one statement.
-- $1 merchant; $2 variant keys; $3 price list keys; $4 price keys (items keyed by id);
-- $5, $6, $7 the (variant, currency, price list or NULL for base) keys of the other items.
SELECT 'variant' AS kind, v.id, NULL::bigint AS variant_id, NULL::text AS currency,
       NULL::bigint AS price_list_id, NULL::numeric AS amount, NULL::numeric AS compare_at_amount
FROM variants v WHERE v.merchant_id = $1 AND v.id = ANY($2) AND v.deleted_at IS NULL
UNION ALL
SELECT 'price_list', l.id, NULL, NULL, NULL, NULL, NULL
FROM price_lists l WHERE l.merchant_id = $1 AND l.id = ANY($3)
UNION ALL
SELECT 'price', p.id, p.variant_id, p.currency, p.price_list_id, p.amount, p.compare_at_amount
FROM prices p WHERE p.merchant_id = $1 AND p.id = ANY($4)
UNION ALL
SELECT 'price', p.id, p.variant_id, p.currency, p.price_list_id, p.amount, p.compare_at_amount
FROM unnest($5::bigint[], $6::text[], $7::bigint[]) AS k(variant_id, currency, price_list_id)
JOIN prices p ON p.merchant_id = $1 AND p.variant_id = k.variant_id AND p.currency = k.currency
             AND p.price_list_id IS NOT DISTINCT FROM k.price_list_id

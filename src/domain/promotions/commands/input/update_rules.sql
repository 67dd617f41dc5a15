-- $1 merchant, $2 promotion, $3 the rules as a JSON array of records (input::NewRule) that name
-- existing rules of the promotion by `id`: each is rewritten in place (its key and created_at
-- stay), in one statement.
UPDATE promotion_rules t
SET kind = r.kind, amount_min = r.amount_min, amount_max = r.amount_max,
    match_policy = r.match_policy, product_ids = r.product_ids, customer_ids = r.customer_ids,
    customer_group_ids = r.customer_group_ids, currency = r.currency, updated_at = now()
FROM jsonb_to_recordset($3) AS r(id bigint, kind text, amount_min numeric, amount_max numeric,
                                 match_policy text, product_ids bigint[], customer_ids bigint[],
                                 customer_group_ids bigint[], currency text)
WHERE t.merchant_id = $1 AND t.promotion_id = $2 AND t.id = r.id
RETURNING t.id

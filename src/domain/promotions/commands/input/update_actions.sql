-- $1 merchant, $2 promotion, $3 the actions as a JSON array of records (input::NewAction) that
-- name existing actions of the promotion by `id`: each is rewritten in place, in one statement.
UPDATE promotion_actions t
SET kind = a.kind, calculator = a.calculator, amount = a.amount, percent = a.percent,
    product_ids = a.product_ids, updated_at = now()
FROM jsonb_to_recordset($3) AS a(id bigint, kind text, calculator text, amount numeric,
                                 percent numeric, product_ids bigint[])
WHERE t.merchant_id = $1 AND t.promotion_id = $2 AND t.id = a.id
RETURNING t.id

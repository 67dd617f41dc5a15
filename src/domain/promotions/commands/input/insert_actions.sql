-- $1 merchant, $2 promotion, $3 the actions as a JSON array of records (input::NewAction),
-- inserted in one statement in array order.
INSERT INTO promotion_actions (merchant_id, promotion_id, kind, calculator, amount, percent, product_ids)
SELECT $1, $2, a.kind, a.calculator, a.amount, a.percent, a.product_ids
FROM jsonb_to_recordset($3) AS a(kind text, calculator text, amount numeric, percent numeric,
                                 product_ids bigint[])
RETURNING id

-- $1 merchant, $2 promotion, $3 the rules as a JSON array of records (input::NewRule), inserted
-- in one statement in array order.
INSERT INTO promotion_rules (merchant_id, promotion_id, kind, amount_min, amount_max, match_policy,
                             product_ids, customer_ids, customer_group_ids, currency)
SELECT $1, $2, r.kind, r.amount_min, r.amount_max, r.match_policy,
       r.product_ids, r.customer_ids, r.customer_group_ids, r.currency
FROM jsonb_to_recordset($3) AS r(kind text, amount_min numeric, amount_max numeric, match_policy text,
                                 product_ids bigint[], customer_ids bigint[],
                                 customer_group_ids bigint[], currency text)
RETURNING id

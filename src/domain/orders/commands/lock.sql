-- $1 merchant, $2 order. The order as writes need it, locked until the transaction ends: every
-- write of an order starts here, so concurrent edits of one order serialize on its row.
SELECT o.id, o.status, o.fulfillment_status, o.customer_id, o.channel_id, o.email, o.currency,
       o.tax_total, o.delivery_total, o.coupon_code_id, cc.code AS coupon_code, o.approved_at,
       o.updated_at
FROM orders o
LEFT JOIN coupon_codes cc ON cc.merchant_id = o.merchant_id AND cc.id = o.coupon_code_id
WHERE o.merchant_id = $1 AND o.id = $2
FOR UPDATE OF o

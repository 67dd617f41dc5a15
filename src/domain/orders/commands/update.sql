-- $1 merchant, $2 order (locked). Each field is written when its flag is true:
-- customer $3/$4 (0: none), email $5/$6, channel $7/$8 (0: none), store $9/$10 (0: none),
-- notes $11/$12, external id $13/$14, metadata $15/$16; delivery charge $17 (NULL: kept);
-- customer note $18/$19, locale $20/$21.
-- Returns the order as `lock.sql` does.
UPDATE orders
SET customer_id    = CASE WHEN $3 THEN nullif($4, 0) ELSE customer_id END,
    email          = CASE WHEN $5 THEN $6 ELSE email END,
    channel_id     = CASE WHEN $7 THEN nullif($8, 0) ELSE channel_id END,
    store_id       = CASE WHEN $9 THEN nullif($10, 0) ELSE store_id END,
    notes          = CASE WHEN $11 THEN $12 ELSE notes END,
    external_id    = CASE WHEN $13 THEN $14 ELSE external_id END,
    metadata       = CASE WHEN $15 THEN $16 ELSE metadata END,
    delivery_total = coalesce($17::numeric, delivery_total),
    customer_note  = CASE WHEN $18 THEN $19 ELSE customer_note END,
    locale         = CASE WHEN $20 THEN $21 ELSE locale END,
    updated_at     = clock_timestamp()
WHERE merchant_id = $1 AND id = $2
RETURNING id, status, fulfillment_status, customer_id, channel_id, email, currency, tax_total,
          delivery_total, coupon_code_id,
          (SELECT cc.code FROM coupon_codes cc
           WHERE cc.merchant_id = orders.merchant_id AND cc.id = orders.coupon_code_id) AS coupon_code,
          approved_at, updated_at

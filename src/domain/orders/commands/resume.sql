-- $1 merchant, $2 order (canceled, locked): places it again and counts its coupon code's use
-- again.
WITH used AS (
    UPDATE coupon_codes cc SET usage_count = cc.usage_count + 1, updated_at = clock_timestamp()
    FROM orders o
    WHERE o.merchant_id = $1 AND o.id = $2
      AND cc.merchant_id = $1 AND cc.id = o.coupon_code_id
)
UPDATE orders
SET status = 'complete', canceled_at = NULL, updated_at = clock_timestamp(),
    fulfillment_status = CASE WHEN fulfillment_status = 'canceled' THEN 'unfulfilled' ELSE fulfillment_status END
WHERE merchant_id = $1 AND id = $2
RETURNING id

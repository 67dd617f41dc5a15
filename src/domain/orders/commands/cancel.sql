-- $1 merchant, $2 order (complete, nothing fulfilled, locked): cancels it and gives its coupon
-- code's use back. Nothing will be fulfilled any more.
WITH released AS (
    UPDATE coupon_codes cc SET usage_count = greatest(cc.usage_count - 1, 0), updated_at = clock_timestamp()
    FROM orders o
    WHERE o.merchant_id = $1 AND o.id = $2
      AND cc.merchant_id = $1 AND cc.id = o.coupon_code_id
)
UPDATE orders
SET status = 'canceled', canceled_at = clock_timestamp(), updated_at = clock_timestamp(),
    fulfillment_status = CASE WHEN fulfillment_status = 'unfulfilled' THEN 'canceled' ELSE fulfillment_status END
WHERE merchant_id = $1 AND id = $2
RETURNING id

-- $1 merchant, $2 order (a draft, locked, its totals just saved): places it and counts one use
-- of its coupon code.
WITH used AS (
    UPDATE coupon_codes cc SET usage_count = cc.usage_count + 1, updated_at = clock_timestamp()
    FROM orders o
    WHERE o.merchant_id = $1 AND o.id = $2
      AND cc.merchant_id = $1 AND cc.id = o.coupon_code_id
)
UPDATE orders
SET status = 'complete', completed_at = clock_timestamp(), updated_at = clock_timestamp()
WHERE merchant_id = $1 AND id = $2
RETURNING id

-- Candidate promotions of a draft, in one statement: the automatic promotions active at $3, and
-- the promotions of the entered codes $2 (matched case-insensitively through the unique index
-- coupon_codes_code, whatever their window, so that a code outside it can be reported as
-- NOT_STARTED / EXPIRED rather than not found). $4 is the order being evaluated (0 for none):
-- it is left out of the usage counts so that re-evaluating a completed order does not count it
-- against itself.
--
-- usage_count: distinct complete orders holding an adjustment of the promotion (counted only when
-- it has a usage_limit). code_usage_count: the same for the matched coupon code of a multi-code
-- promotion (generated codes are single-use); index adjustments_coupon_code.
WITH entered AS (
    SELECT e.code, e.ord
    FROM unnest($2::text[]) WITH ORDINALITY AS e(code, ord)
),
matched AS (
    SELECT e.code AS entered_code, e.ord, cc.id AS coupon_code_id, cc.promotion_id
    FROM entered e
    JOIN coupon_codes cc ON cc.merchant_id = $1 AND lower(cc.code) = lower(e.code)
),
candidates AS (
    SELECT p.*, m.entered_code, m.coupon_code_id, m.ord
    FROM matched m
    JOIN promotions p ON p.merchant_id = $1 AND p.id = m.promotion_id
    UNION ALL
    SELECT p.*, NULL::text, NULL::bigint, NULL::bigint
    FROM promotions p
    WHERE p.merchant_id = $1
      AND p.kind = 'automatic'
      AND (p.starts_at IS NULL OR p.starts_at <= $3)
      AND (p.expires_at IS NULL OR p.expires_at > $3)
)
SELECT c.*,
       CASE WHEN c.usage_limit IS NULL THEN 0 ELSE
       (SELECT count(DISTINCT a.order_id)
        FROM adjustments a
        JOIN orders o ON o.merchant_id = a.merchant_id AND o.id = a.order_id
        WHERE a.merchant_id = $1 AND a.promotion_id = c.id
          AND o.status = 'complete' AND o.id <> $4) END AS usage_count,
       CASE WHEN c.coupon_code_id IS NULL OR NOT c.multi_codes THEN 0 ELSE
       (SELECT count(DISTINCT a.order_id)
        FROM adjustments a
        JOIN orders o ON o.merchant_id = a.merchant_id AND o.id = a.order_id
        WHERE a.merchant_id = $1 AND a.coupon_code_id = c.coupon_code_id
          AND o.status = 'complete' AND o.id <> $4) END AS code_usage_count
FROM candidates c
ORDER BY c.ord NULLS LAST, c.id

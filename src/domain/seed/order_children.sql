-- Line items, discounts, payments and fulfillments of orders $2..$3 of merchant $1 (see orders.sql).
WITH v AS (SELECT array_agg(v.id ORDER BY v.id) AS ids, array_agg(p.amount ORDER BY v.id) AS prices
           FROM variants v
           JOIN prices p ON p.merchant_id = v.merchant_id AND p.variant_id = v.id
                        AND p.currency = 'USD' AND p.price_list_id IS NULL
           WHERE v.merchant_id = $1),
     o AS (SELECT id, substr(number, 2)::bigint AS i FROM orders
           WHERE merchant_id = $1 AND number BETWEEN 'R' || lpad($2::text, 9, '0') AND 'R' || lpad($3::text, 9, '0')
             AND NOT EXISTS (SELECT 1 FROM line_items l WHERE l.merchant_id = $1 AND l.order_id = orders.id))
INSERT INTO line_items (merchant_id, order_id, variant_id, quantity, price, total, created_at, updated_at)
SELECT $1, o.id,
       v.ids[1 + (o.i * 31 + j * 17) % cardinality(v.ids)],
       1 + (o.i + j) % 3,
       v.prices[1 + (o.i * 31 + j * 17) % cardinality(v.ids)],
       (1 + (o.i + j) % 3) * v.prices[1 + (o.i * 31 + j * 17) % cardinality(v.ids)],
       timestamptz '2025-01-01 00:00:00+00' + ((o.i * 7919) % 31536000) * interval '1 second',
       timestamptz '2025-01-01 00:00:00+00' + ((o.i * 7919) % 31536000) * interval '1 second'
FROM o CROSS JOIN v CROSS JOIN generate_series(0, (o.i % 3)::int) AS j;

INSERT INTO adjustments (merchant_id, order_id, promotion_id, coupon_code_id, label, amount, created_at)
SELECT o.merchant_id, o.id, cc.promotion_id, cc.id, 'Promotion (Welcome 10%)', o.discount_total, o.created_at
FROM orders o JOIN coupon_codes cc ON cc.merchant_id = o.merchant_id AND cc.id = o.coupon_code_id
WHERE o.merchant_id = $1 AND o.number BETWEEN 'R' || lpad($2::text, 9, '0') AND 'R' || lpad($3::text, 9, '0')
  AND o.discount_total > 0
  AND NOT EXISTS (SELECT 1 FROM adjustments a WHERE a.merchant_id = $1 AND a.order_id = o.id);

INSERT INTO payments (merchant_id, order_id, method, status, amount, reference, created_at, updated_at)
SELECT o.merchant_id, o.id,
       (ARRAY['CREDIT', 'DEBIT', 'CASH'])[1 + o.id % 3],
       CASE o.status WHEN 'complete' THEN 'completed' WHEN 'canceled' THEN 'void' WHEN 'returned' THEN 'refunded' END,
       o.total, 'demo-' || o.number, o.completed_at, o.completed_at
FROM orders o
WHERE o.merchant_id = $1 AND o.number BETWEEN 'R' || lpad($2::text, 9, '0') AND 'R' || lpad($3::text, 9, '0')
  AND o.status <> 'draft'
  AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.merchant_id = $1 AND p.order_id = o.id);

INSERT INTO fulfillments (merchant_id, order_id, fulfillment_type, status, fulfilled_at, created_at, updated_at)
SELECT o.merchant_id, o.id, CASE WHEN o.id % 2 = 0 THEN 'DELIVERY' ELSE 'PICKUP' END,
       CASE o.status WHEN 'complete' THEN 'delivered' WHEN 'returned' THEN 'delivered' ELSE 'canceled' END,
       CASE WHEN o.status IN ('complete', 'returned') THEN o.completed_at + interval '40 minutes' END,
       o.completed_at, o.completed_at
FROM orders o
WHERE o.merchant_id = $1 AND o.number BETWEEN 'R' || lpad($2::text, 9, '0') AND 'R' || lpad($3::text, 9, '0')
  AND o.status <> 'draft'
  AND NOT EXISTS (SELECT 1 FROM fulfillments f WHERE f.merchant_id = $1 AND f.order_id = o.id)

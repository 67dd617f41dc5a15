-- Orders $2..$3 of merchant $1. Line items are derived from the order's sequence number i:
-- 1 + i % 3 items, item j is variant (i*31 + j*17) % variants with quantity 1 + (i + j) % 3, so
-- order_children.sql recreates exactly the items these totals were computed from.
WITH c AS MATERIALIZED (SELECT array_agg(id ORDER BY id) AS ids FROM customers WHERE merchant_id = $1),
     ch AS MATERIALIZED (SELECT array_agg(id ORDER BY id) AS ids FROM channels WHERE merchant_id = $1),
     st AS MATERIALIZED (SELECT array_agg(id ORDER BY id) AS ids FROM stores WHERE merchant_id = $1),
     v AS MATERIALIZED (SELECT array_agg(v.id ORDER BY v.id) AS ids, array_agg(p.amount ORDER BY v.id) AS prices
           FROM variants v
           JOIN prices p ON p.merchant_id = v.merchant_id AND p.variant_id = v.id
                        AND p.currency = 'USD' AND p.price_list_id IS NULL
           WHERE v.merchant_id = $1),
     cc AS MATERIALIZED (SELECT min(id) AS id FROM coupon_codes WHERE merchant_id = $1),
     base AS (
       SELECT i,
              CASE WHEN i % 20 = 7 THEN NULL ELSE c.ids[1 + (i * 7919) % cardinality(c.ids)] END AS customer_id,
              ch.ids[1 + i % cardinality(ch.ids)] AS channel_id,
              st.ids[1 + i % cardinality(st.ids)] AS store_id,
              CASE WHEN i % 20 = 0 THEN 'draft' WHEN i % 20 = 1 THEN 'canceled'
                   WHEN i % 50 = 2 THEN 'returned' ELSE 'complete' END AS status,
              timestamptz '2025-01-01 00:00:00+00' + ((i * 7919) % 31536000) * interval '1 second' AS created_at,
              li.item_count, li.item_total
       FROM generate_series($2::bigint, $3::bigint) AS i
       CROSS JOIN c CROSS JOIN ch CROSS JOIN st CROSS JOIN v
       CROSS JOIN LATERAL (
         SELECT sum(1 + (i + j) % 3)::int AS item_count,
                sum((1 + (i + j) % 3) * v.prices[1 + (i * 31 + j * 17) % cardinality(v.ids)]) AS item_total
         FROM generate_series(0, i % 3) AS j
       ) AS li
     ),
     priced AS MATERIALIZED (
       SELECT b.*,
              CASE WHEN i % 10 = 0 THEN round(item_total * 0.10, 2) ELSE 0 END AS discount_total,
              CASE WHEN i % 4 = 0 THEN 2.50 ELSE 0 END AS delivery_total
       FROM base b
     ),
     ins AS (
INSERT INTO orders (merchant_id, number, status, payment_status, fulfillment_status, store_id, channel_id,
                    customer_id, email, currency, item_count, item_total, discount_total, tax_total,
                    delivery_total, total, coupon_code_id, completed_at, canceled_at, created_at, updated_at)
SELECT $1,
       'R' || lpad(p.i::text, 9, '0'),
       p.status,
       CASE p.status WHEN 'complete' THEN 'paid' WHEN 'canceled' THEN 'void' WHEN 'returned' THEN 'refunded' ELSE 'pending' END,
       CASE p.status WHEN 'complete' THEN 'fulfilled' WHEN 'canceled' THEN 'canceled' ELSE 'unfulfilled' END,
       p.store_id, p.channel_id, p.customer_id,
       coalesce(cu.email, 'guest' || p.i || '@example.com'),
       'USD', p.item_count, p.item_total, p.discount_total,
       round((p.item_total - p.discount_total) * 0.08, 2),
       p.delivery_total,
       p.item_total - p.discount_total + round((p.item_total - p.discount_total) * 0.08, 2) + p.delivery_total,
       CASE WHEN p.discount_total > 0 THEN (SELECT id FROM cc) END,
       CASE WHEN p.status <> 'draft' THEN p.created_at + interval '15 minutes' END,
       CASE WHEN p.status = 'canceled' THEN p.created_at + interval '1 hour' END,
       p.created_at,
       p.created_at + CASE WHEN p.status = 'draft' THEN interval '0' ELSE interval '1 hour' END
FROM priced p
LEFT JOIN customers cu ON cu.merchant_id = $1 AND cu.id = p.customer_id
ON CONFLICT DO NOTHING
RETURNING id, number, status, total, discount_total, coupon_code_id, completed_at, created_at, substr(number, 2)::bigint AS i
     ),
     li AS (
       INSERT INTO line_items (merchant_id, order_id, variant_id, quantity, price, total, created_at, updated_at)
       SELECT $1, ins.id,
              v.ids[1 + (ins.i * 31 + j * 17) % cardinality(v.ids)],
              1 + (ins.i + j) % 3,
              v.prices[1 + (ins.i * 31 + j * 17) % cardinality(v.ids)],
              (1 + (ins.i + j) % 3) * v.prices[1 + (ins.i * 31 + j * 17) % cardinality(v.ids)],
              ins.created_at, ins.created_at
       FROM ins CROSS JOIN v CROSS JOIN generate_series(0, (ins.i % 3)::int) AS j
       RETURNING 1
     ),
     adj AS (
       INSERT INTO adjustments (merchant_id, order_id, promotion_id, coupon_code_id, label, amount, created_at)
       SELECT $1, ins.id, cc.promotion_id, cc.id, 'Promotion (Welcome 10%)', ins.discount_total, ins.created_at
       FROM ins JOIN coupon_codes cc ON cc.merchant_id = $1 AND cc.id = ins.coupon_code_id
       WHERE ins.discount_total > 0
       RETURNING 1
     ),
     pay AS (
       INSERT INTO payments (merchant_id, order_id, method, status, amount, reference, created_at, updated_at)
       SELECT $1, ins.id, (ARRAY['CREDIT', 'DEBIT', 'CASH'])[1 + ins.i % 3],
              CASE ins.status WHEN 'complete' THEN 'completed' WHEN 'canceled' THEN 'void' WHEN 'returned' THEN 'refunded' END,
              ins.total, 'demo-' || ins.number, ins.completed_at, ins.completed_at
       FROM ins WHERE ins.status <> 'draft'
       RETURNING 1
     )
INSERT INTO fulfillments (merchant_id, order_id, fulfillment_type, status, fulfilled_at, created_at, updated_at)
SELECT $1, ins.id, CASE WHEN ins.i % 2 = 0 THEN 'DELIVERY' ELSE 'PICKUP' END,
       CASE ins.status WHEN 'complete' THEN 'delivered' WHEN 'returned' THEN 'delivered' ELSE 'canceled' END,
       CASE WHEN ins.status IN ('complete', 'returned') THEN ins.completed_at + interval '40 minutes' END,
       ins.completed_at, ins.completed_at
FROM ins WHERE ins.status <> 'draft'

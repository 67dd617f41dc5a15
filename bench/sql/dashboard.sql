-- (2) The dashboard page, hand-written: the newest 50 orders (the gateway's default sort) with
-- customer email, store name, channel code and line items with variant SKU and product name, in
-- one statement (the gateway sends one statement per level through its DataLoaders).
SELECT o.number, o.total, c.email, s.name AS store, ch.code AS channel, li.items
FROM (SELECT * FROM orders WHERE merchant_id = :merchant
      ORDER BY created_at DESC, id DESC LIMIT 50) o
LEFT JOIN customers c ON c.merchant_id = o.merchant_id AND c.id = o.customer_id
LEFT JOIN stores s ON s.merchant_id = o.merchant_id AND s.id = o.store_id
LEFT JOIN channels ch ON ch.merchant_id = o.merchant_id AND ch.id = o.channel_id
LEFT JOIN LATERAL (
  SELECT json_agg(json_build_object('quantity', l.quantity, 'sku', v.sku, 'product', p.name) ORDER BY l.id) AS items
  FROM line_items l
  JOIN variants v ON v.merchant_id = l.merchant_id AND v.id = l.variant_id
  JOIN products p ON p.merchant_id = v.merchant_id AND p.id = v.product_id
  WHERE l.merchant_id = o.merchant_id AND l.order_id = o.id
) li ON true
ORDER BY o.created_at DESC, o.id DESC;

-- (2') The dashboard page with customer groups and discounts (used when the gateway's schema has
-- Customer.customerGroups and Order.discounts; see DASHBOARD_EXTRA in bench/run.sh).
SELECT o.number, o.total, c.email, cg.groups, s.name AS store, ch.code AS channel, li.items, d.discounts
FROM (SELECT * FROM orders WHERE merchant_id = :merchant
      ORDER BY created_at DESC, id DESC LIMIT 50) o
LEFT JOIN customers c ON c.merchant_id = o.merchant_id AND c.id = o.customer_id
LEFT JOIN LATERAL (
  SELECT json_agg(g.name ORDER BY g.id) AS groups
  FROM customer_group_memberships m
  JOIN customer_groups g ON g.merchant_id = m.merchant_id AND g.id = m.customer_group_id
  WHERE m.merchant_id = c.merchant_id AND m.customer_id = c.id
) cg ON true
LEFT JOIN stores s ON s.merchant_id = o.merchant_id AND s.id = o.store_id
LEFT JOIN channels ch ON ch.merchant_id = o.merchant_id AND ch.id = o.channel_id
LEFT JOIN LATERAL (
  SELECT json_agg(json_build_object('quantity', l.quantity, 'sku', v.sku, 'product', p.name) ORDER BY l.id) AS items
  FROM line_items l
  JOIN variants v ON v.merchant_id = l.merchant_id AND v.id = l.variant_id
  JOIN products p ON p.merchant_id = v.merchant_id AND p.id = v.product_id
  WHERE l.merchant_id = o.merchant_id AND l.order_id = o.id
) li ON true
LEFT JOIN LATERAL (
  SELECT json_agg(a.amount ORDER BY a.id) AS discounts
  FROM adjustments a WHERE a.merchant_id = o.merchant_id AND a.order_id = o.id
) d ON true
ORDER BY o.created_at DESC, o.id DESC;

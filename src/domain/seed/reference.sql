-- Reference data of a demo merchant ($1): brand, channels, stores with their channel and payment
-- configuration, customer groups, a catalog with base prices, a price list and promotions.
INSERT INTO brands (merchant_id, external_id, name) VALUES ($1, '0001', 'Demo Brand')
ON CONFLICT DO NOTHING;

INSERT INTO channels (merchant_id, code, name, is_default)
VALUES ($1, 'WEB', 'Web store', true), ($1, 'APP', 'Mobile app', false),
       ($1, 'KIOSK', 'In-store kiosk', false), ($1, 'POS', 'Point of sale', false)
ON CONFLICT DO NOTHING;

INSERT INTO cms_templates (merchant_id, id, entity, name)
VALUES ($1, 'd4e5f6a7-b8c9-0123-def4-567890abcdef', 'STORES', 'Default store page')
ON CONFLICT DO NOTHING;

INSERT INTO stores (merchant_id, external_id, brand_id, name, status, timezone, contact_email, contact_phone,
                    latitude, longitude, address_line_1, city, country, postal_code, business_name, cms_template_id)
SELECT $1, s.external_id, b.id, s.name, s.status, s.timezone, s.email, s.phone, s.lat, s.lng, s.address,
       s.city, s.country, s.postal, s.business, 'd4e5f6a7-b8c9-0123-def4-567890abcdef'
FROM (VALUES
    ('pos-location-01', 'Main Street', 'ACTIVE', 'America/Guayaquil', 'main@merchant.com', '+593991234567',
     -2.189400, -79.889100, 'Calle Principal 456', 'Guayaquil', 'Ecuador', '090101', 'Main Street Restaurant'),
    ('pos-location-02', 'Riverside', 'ACTIVE', 'America/Guayaquil', 'riverside@merchant.com', '+593991234568',
     -2.170000, -79.900000, 'Malecon 2000 12', 'Guayaquil', 'Ecuador', '090102', 'Riverside Restaurant'),
    ('pos-location-03', 'Airport', 'INACTIVE', 'America/Guayaquil', 'airport@merchant.com', '+593991234569',
     -2.157400, -79.883600, 'Av. de las Americas 1', 'Guayaquil', 'Ecuador', '090103', 'Airport Kiosk')
) AS s(external_id, name, status, timezone, email, phone, lat, lng, address, city, country, postal, business)
JOIN brands b ON b.merchant_id = $1 AND b.external_id = '0001'
ON CONFLICT DO NOTHING;

INSERT INTO store_channels (merchant_id, store_id, channel_code, external_id, uid, name)
SELECT s.merchant_id, s.id, c.code, lower(c.code) || '-' || s.external_id,
       md5(s.external_id || c.code)::uuid, c.name
FROM stores s CROSS JOIN (VALUES ('APP', 'Mobile app'), ('WEB', 'Web store')) AS c(code, name)
WHERE s.merchant_id = $1
ON CONFLICT DO NOTHING;

INSERT INTO store_fulfillments (merchant_id, store_channel_id, fulfillment_type, external_id, uid, name,
                                is_tax_inclusive, minimum_order_value, maximum_order_value, tax_rate, schedules)
SELECT sc.merchant_id, sc.id, f.kind, lower(f.kind), md5(sc.uid::text || f.kind)::uuid, f.name, false, 10, 200, 0.15,
       '[{"monday":{"start_time":"10:00:00","end_time":"22:00:00"},"tuesday":{"start_time":"10:00:00","end_time":"22:00:00"},"wednesday":{"start_time":"10:00:00","end_time":"22:00:00"},"thursday":{"start_time":"10:00:00","end_time":"22:00:00"},"friday":{"start_time":"10:00:00","end_time":"22:00:00"}}]'::jsonb
FROM store_channels sc CROSS JOIN (VALUES ('DELIVERY', 'Delivery'), ('PICKUP', 'Pickup')) AS f(kind, name)
WHERE sc.merchant_id = $1
ON CONFLICT DO NOTHING;

INSERT INTO store_fulfillment_fees (merchant_id, fulfillment_id, position, external_id, fee_type, tax_inclusive, name, amount, percentage)
SELECT merchant_id, id, 0, 'delivery-fee', 'FIXED', false, '{"en":"Delivery fee","es":"Costo de envío"}', 2.50, 0
FROM store_fulfillments WHERE merchant_id = $1 AND fulfillment_type = 'DELIVERY'
ON CONFLICT DO NOTHING;

INSERT INTO store_coverage_zones (merchant_id, fulfillment_id, position, name, zone_type, center_latitude, center_longitude, radius_meters)
SELECT f.merchant_id, f.id, 0, 'City centre', 'RADIUS', s.latitude, s.longitude, 5000
FROM store_fulfillments f
JOIN store_channels sc ON sc.merchant_id = f.merchant_id AND sc.id = f.store_channel_id
JOIN stores s ON s.merchant_id = sc.merchant_id AND s.id = sc.store_id
WHERE f.merchant_id = $1 AND f.fulfillment_type = 'DELIVERY'
ON CONFLICT DO NOTHING;

INSERT INTO store_payment_methods (merchant_id, store_id, position, method, minimum_order_value, maximum_order_value)
SELECT s.merchant_id, s.id, p.pos, p.method, 0, 1000
FROM stores s CROSS JOIN (VALUES (0, 'CREDIT'), (1, 'CASH')) AS p(pos, method)
WHERE s.merchant_id = $1
ON CONFLICT DO NOTHING;

INSERT INTO store_payment_providers (merchant_id, payment_method_id, position, provider_uid, name, status)
SELECT merchant_id, id, 0, md5('provider' || id::text)::uuid, 'Demo Payments', 'ACTIVE'
FROM store_payment_methods WHERE merchant_id = $1 AND method = 'CREDIT'
ON CONFLICT DO NOTHING;

INSERT INTO customer_groups (merchant_id, name, description)
VALUES ($1, 'VIP', 'Best customers'), ($1, 'Wholesale', 'Trade accounts'), ($1, 'Staff', 'Employees')
ON CONFLICT DO NOTHING;

INSERT INTO products (merchant_id, name, slug, description, status)
SELECT $1, initcap(adj) || ' ' || noun, lower(adj || '-' || noun), 'A ' || adj || ' ' || noun || '.', 'active'
FROM unnest(ARRAY['classic', 'spicy', 'vegan', 'double', 'grilled', 'crispy']) AS adj
CROSS JOIN unnest(ARRAY['burger', 'wrap', 'salad', 'bowl']) AS noun
ON CONFLICT DO NOTHING;

INSERT INTO variants (merchant_id, product_id, sku, options_text, position, is_master)
SELECT p.merchant_id, p.id, upper(p.slug) || '-' || s.size, 'Size: ' || s.size, s.pos, s.pos = 0
FROM products p CROSS JOIN (VALUES (0, 'S'), (1, 'M'), (2, 'L')) AS s(pos, size)
WHERE p.merchant_id = $1
ON CONFLICT DO NOTHING;

-- Base prices: 6.00 to 17.50 by product and size.
INSERT INTO prices (merchant_id, variant_id, currency, amount, compare_at_amount)
SELECT v.merchant_id, v.id, 'USD', 6 + (v.product_id % 8) + v.position * 1.75, NULL
FROM variants v WHERE v.merchant_id = $1
ON CONFLICT DO NOTHING;

INSERT INTO price_lists (merchant_id, name, description, status, position, match_policy)
SELECT $1, 'Wholesale', 'Trade prices for the Wholesale group', 'active', 1, 'all'
WHERE NOT EXISTS (SELECT 1 FROM price_lists WHERE merchant_id = $1 AND name = 'Wholesale');

INSERT INTO price_rules (merchant_id, price_list_id, kind, customer_group_ids)
SELECT pl.merchant_id, pl.id, 'customer_group', ARRAY[g.id]
FROM price_lists pl JOIN customer_groups g ON g.merchant_id = pl.merchant_id AND g.name = 'Wholesale'
WHERE pl.merchant_id = $1 AND pl.name = 'Wholesale'
  AND NOT EXISTS (SELECT 1 FROM price_rules r WHERE r.merchant_id = $1 AND r.price_list_id = pl.id);

INSERT INTO prices (merchant_id, variant_id, currency, price_list_id, amount)
SELECT p.merchant_id, p.variant_id, p.currency, pl.id, round(p.amount * 0.85, 2)
FROM prices p JOIN price_lists pl ON pl.merchant_id = p.merchant_id AND pl.name = 'Wholesale'
WHERE p.merchant_id = $1 AND p.price_list_id IS NULL
ON CONFLICT DO NOTHING;

INSERT INTO promotions (merchant_id, name, description, kind, starts_at, usage_limit, match_policy)
SELECT $1, p.name, p.description, p.kind, '2025-01-01T00:00:00Z', p.usage_limit, 'all'
FROM (VALUES ('Welcome 10%', '10% off the first order', 'coupon_code', 10000),
             ('Free delivery over 50', 'No delivery fee above 50.00', 'automatic', NULL)) AS p(name, description, kind, usage_limit)
WHERE NOT EXISTS (SELECT 1 FROM promotions WHERE merchant_id = $1 AND name = p.name);

INSERT INTO promotion_rules (merchant_id, promotion_id, kind, amount_min)
SELECT merchant_id, id, CASE WHEN kind = 'coupon_code' THEN 'first_order' ELSE 'item_total' END,
       CASE WHEN kind = 'automatic' THEN 50 END
FROM promotions p
WHERE merchant_id = $1 AND NOT EXISTS (SELECT 1 FROM promotion_rules r WHERE r.merchant_id = $1 AND r.promotion_id = p.id);

INSERT INTO promotion_actions (merchant_id, promotion_id, kind, calculator, percent)
SELECT merchant_id, id, CASE WHEN kind = 'coupon_code' THEN 'order_adjustment' ELSE 'free_delivery' END,
       CASE WHEN kind = 'coupon_code' THEN 'percent' END, CASE WHEN kind = 'coupon_code' THEN 10 END
FROM promotions p
WHERE merchant_id = $1 AND NOT EXISTS (SELECT 1 FROM promotion_actions a WHERE a.merchant_id = $1 AND a.promotion_id = p.id);

INSERT INTO coupon_codes (merchant_id, promotion_id, code)
SELECT merchant_id, id, 'WELCOME10' FROM promotions WHERE merchant_id = $1 AND kind = 'coupon_code'
ON CONFLICT DO NOTHING

-- Invariants the catalog, channel and address writes rely on, enforced by the database so that
-- concurrent writers cannot break them (the commands also check them first, to name the field).

-- A customer has at most one default billing and one default shipping address. Rows that break
-- this already keep the flag only on their newest address.
UPDATE addresses a SET is_default_billing = false
WHERE a.is_default_billing AND EXISTS (
    SELECT 1 FROM addresses b
    WHERE b.merchant_id = a.merchant_id AND b.customer_id = a.customer_id
      AND b.is_default_billing AND b.id > a.id);
UPDATE addresses a SET is_default_shipping = false
WHERE a.is_default_shipping AND EXISTS (
    SELECT 1 FROM addresses b
    WHERE b.merchant_id = a.merchant_id AND b.customer_id = a.customer_id
      AND b.is_default_shipping AND b.id > a.id);
CREATE UNIQUE INDEX addresses_one_default_billing ON addresses (merchant_id, customer_id) WHERE is_default_billing;
CREATE UNIQUE INDEX addresses_one_default_shipping ON addresses (merchant_id, customer_id) WHERE is_default_shipping;

-- A product has exactly one master variant; at most one is enforced here (the commands never
-- leave a product without one). Extra masters keep the flag only on the lowest position.
UPDATE variants v SET is_master = false
WHERE v.is_master AND EXISTS (
    SELECT 1 FROM variants w
    WHERE w.merchant_id = v.merchant_id AND w.product_id = v.product_id AND w.is_master
      AND (w.position, w.id) < (v.position, v.id));
CREATE UNIQUE INDEX variants_one_master ON variants (merchant_id, product_id) WHERE is_master;

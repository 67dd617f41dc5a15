DROP VIEW live_variants;
DROP VIEW live_products;
DROP INDEX variants_sku;
CREATE UNIQUE INDEX variants_sku ON variants (merchant_id, sku) WHERE sku IS NOT NULL;
DROP INDEX products_slug_key;
ALTER TABLE products ADD CONSTRAINT products_merchant_id_slug_key UNIQUE (merchant_id, slug);
ALTER TABLE variants DROP COLUMN deleted_at;
ALTER TABLE products DROP COLUMN deleted_at;

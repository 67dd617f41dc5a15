-- Products and variants that order line items reference are retired instead of deleted (Spree
-- soft-deletes them too): the rows stay, so orders keep showing what was sold, with
-- `deleted_at` set. Every read of the catalog goes through the `live_*` views, which hide them;
-- the line items' own join reads the tables. A retired product's slug and its variants' SKUs
-- are free again, as after a delete.
ALTER TABLE products ADD COLUMN deleted_at timestamptz;
ALTER TABLE variants ADD COLUMN deleted_at timestamptz;

ALTER TABLE products DROP CONSTRAINT products_merchant_id_slug_key;
CREATE UNIQUE INDEX products_slug_key ON products (merchant_id, slug) WHERE deleted_at IS NULL;
DROP INDEX variants_sku;
CREATE UNIQUE INDEX variants_sku ON variants (merchant_id, sku) WHERE sku IS NOT NULL AND deleted_at IS NULL;

-- `SELECT *` is expanded when a view is created: a migration that adds a column to products
-- or variants must create its view again.
CREATE VIEW live_products AS SELECT * FROM products WHERE deleted_at IS NULL;
CREATE VIEW live_variants AS SELECT * FROM variants WHERE deleted_at IS NULL;

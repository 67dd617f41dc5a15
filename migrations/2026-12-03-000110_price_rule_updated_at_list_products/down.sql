DROP TABLE price_list_products;
ALTER TABLE price_rules DROP COLUMN updated_at;

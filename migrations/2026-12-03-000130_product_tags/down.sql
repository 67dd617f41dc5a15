DROP INDEX products_tags;
ALTER TABLE products DROP COLUMN tags;

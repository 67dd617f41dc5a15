DROP TABLE order_addresses;
ALTER TABLE line_items DROP COLUMN metadata;
ALTER TABLE orders DROP COLUMN locale, DROP COLUMN customer_note;

-- Products carry tags, as customers do: a sorted, distinct text array, filtered with `@>` / `&&`
-- through a GIN index, and listed per merchant by the `tags` root query.
ALTER TABLE products ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX products_tags ON products USING gin (tags);

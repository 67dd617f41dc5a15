-- $1 merchant; $2..$5 one array per column, one element per new product, in input order.
-- Slugs are unique within the request, so the returned slug maps each id back to its item.
INSERT INTO products (merchant_id, name, slug, description, status)
SELECT $1, v.name, v.slug, v.description, v.status
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS v(name, slug, description, status)
RETURNING id, slug AS value

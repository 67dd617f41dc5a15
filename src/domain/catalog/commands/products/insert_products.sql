-- $1 merchant; $2..$6 one array per column, one element per new product, in input order ($6:
-- each product's tags as a JSON array, stored sorted).
-- Slugs are unique within the request, so the returned slug maps each id back to its item.
INSERT INTO products (merchant_id, name, slug, description, status, tags)
SELECT $1, v.name, v.slug, v.description, v.status,
       ARRAY(SELECT t FROM jsonb_array_elements_text(v.tags::jsonb) AS t ORDER BY 1)
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
     AS v(name, slug, description, status, tags)
RETURNING id, slug AS value

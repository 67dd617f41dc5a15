-- $1 merchant; $2..$6 one array per column, one element per new variant (all products of the
-- request together): a single statement whatever the number of products and variants.
-- Returns each variant's id with its (product, position), which map it back to its item.
INSERT INTO variants (merchant_id, product_id, sku, options_text, position, is_master)
SELECT $1, v.product_id, v.sku, v.options_text, v.position::int, v.is_master
FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bool[])
     AS v(product_id, sku, options_text, position, is_master)
RETURNING id, product_id, position

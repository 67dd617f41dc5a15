-- $1 merchant; $2.. one array per column, one element per new customer, in input order.
-- RETURNING gives each id with its email, which maps it back to its input item.
INSERT INTO customers (merchant_id, email, first_name, last_name, phone, accepts_marketing, tags, metadata,
                       external_id, notes)
SELECT $1, v.email, v.first_name, v.last_name, v.phone, v.accepts_marketing,
       ARRAY(SELECT jsonb_array_elements_text(v.tags::jsonb)), v.metadata::jsonb, v.external_id, v.notes
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::text[], $8::text[], $9::text[], $10::text[])
     AS v(email, first_name, last_name, phone, accepts_marketing, tags, metadata, external_id, notes)

RETURNING id, lower(email) AS key

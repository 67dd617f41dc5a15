-- $1 merchant, $2 ids; $3.. the full new value of every column, one element per customer.
UPDATE customers AS c
SET email = v.email, first_name = v.first_name, last_name = v.last_name, phone = v.phone,
    accepts_marketing = v.accepts_marketing, tags = ARRAY(SELECT jsonb_array_elements_text(v.tags::jsonb)),
    metadata = v.metadata::jsonb, external_id = v.external_id, notes = v.notes, updated_at = now()
FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::text[], $9::text[], $10::text[], $11::text[])
     AS v(id, email, first_name, last_name, phone, accepts_marketing, tags, metadata, external_id, notes)
WHERE c.merchant_id = $1 AND c.id = v.id

-- Writes an order's billing and shipping addresses in one statement.
-- $1 merchant, $2 order. Addresses given, one array element per kind: $3 kind ('billing',
-- 'shipping'), $4 true to set it (false: remove it), $5 first_name, $6 last_name, $7 company,
-- $8 address1, $9 address2, $10 city, $11 zipcode, $12 state_name, $13 country_code, $14 phone.
-- $15 a customer (0: none) whose default address of each kind in $16 is copied onto the order.
-- $17 kinds and $18 the saved addresses copied as them (checked and locked by the caller).
WITH given AS (
    SELECT g.kind, g.keep, g.first_name, g.last_name, g.company, g.address1, g.address2, g.city,
           g.zipcode, g.state_name, g.country_code, g.phone
    FROM unnest($3::text[], $4::bool[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
         AS g(kind, keep, first_name, last_name, company, address1, address2, city, zipcode,
              state_name, country_code, phone)
),
copied AS (
    SELECT k.kind, true AS keep, a.first_name, a.last_name, a.company, a.address1, a.address2,
           a.city, a.zipcode, a.state_name, a.country_code, a.phone
    FROM unnest($16::text[]) AS k(kind)
    JOIN addresses a
      ON a.merchant_id = $1 AND a.customer_id = $15
     AND CASE k.kind WHEN 'billing' THEN a.is_default_billing ELSE a.is_default_shipping END
),
picked AS (
    SELECT k.kind, true AS keep, a.first_name, a.last_name, a.company, a.address1, a.address2,
           a.city, a.zipcode, a.state_name, a.country_code, a.phone
    FROM unnest($17::text[], $18::bigint[]) AS k(kind, address_id)
    JOIN addresses a ON a.merchant_id = $1 AND a.id = k.address_id
),
input AS (
    SELECT * FROM given
    UNION ALL
    SELECT * FROM copied
    UNION ALL
    SELECT * FROM picked
),
removed AS (
    DELETE FROM order_addresses oa
    USING input i
    WHERE oa.merchant_id = $1 AND oa.order_id = $2 AND oa.kind = i.kind AND NOT i.keep
)
INSERT INTO order_addresses (merchant_id, order_id, kind, first_name, last_name, company, address1,
                             address2, city, zipcode, state_name, country_code, phone)
SELECT $1, $2, i.kind, i.first_name, i.last_name, i.company, i.address1, i.address2, i.city,
       i.zipcode, i.state_name, i.country_code, i.phone
FROM input i
WHERE i.keep
ON CONFLICT (merchant_id, order_id, kind) DO UPDATE
SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, company = EXCLUDED.company,
    address1 = EXCLUDED.address1, address2 = EXCLUDED.address2, city = EXCLUDED.city,
    zipcode = EXCLUDED.zipcode, state_name = EXCLUDED.state_name,
    country_code = EXCLUDED.country_code, phone = EXCLUDED.phone, updated_at = now()

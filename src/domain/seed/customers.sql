-- Customers $2..$3 of merchant $1, with names, tags, marketing consent and group memberships
-- derived from their sequence number.
INSERT INTO customers (merchant_id, email, first_name, last_name, phone, accepts_marketing, tags, external_id,
                       store_credit, store_credit_currency, created_at, updated_at)
SELECT $1,
       'customer' || i || '@example.com',
       (ARRAY['Ana','Luis','Maria','Jose','Carmen','Pedro','Lucia','Diego','Sofia','Andres','Elena','Miguel'])[1 + i % 12],
       (ARRAY['Garcia','Lopez','Martinez','Perez','Sanchez','Romero','Torres','Vargas','Castro','Mendoza'])[1 + (i / 12) % 10],
       '+5939' || lpad((10000000 + i)::text, 8, '0'),
       i % 3 = 0,
       array_remove(ARRAY[CASE WHEN i % 20 = 0 THEN 'vip' END, CASE WHEN i % 7 = 0 THEN 'wholesale' END,
                          CASE WHEN i % 5 = 0 THEN 'newsletter' END], NULL),
       'legacy-' || i,
       CASE WHEN i % 25 = 0 THEN 10 ELSE 0 END,
       'USD',
       timestamptz '2024-06-01 00:00:00+00' + ((i * 104729) % 31536000) * interval '1 second',
       timestamptz '2024-06-01 00:00:00+00' + ((i * 104729) % 31536000) * interval '1 second'
FROM generate_series($2::bigint, $3::bigint) AS i
ON CONFLICT DO NOTHING;

INSERT INTO customer_group_memberships (merchant_id, customer_group_id, customer_id)
SELECT c.merchant_id, g.id, c.id
FROM customers c
JOIN customer_groups g ON g.merchant_id = c.merchant_id
 AND ((g.name = 'VIP' AND 'vip' = ANY(c.tags)) OR (g.name = 'Wholesale' AND 'wholesale' = ANY(c.tags)))
WHERE c.merchant_id = $1
  AND c.email BETWEEN 'customer' AND 'customer~'
  AND substr(split_part(c.email, '@', 1), 9) ~ '^[0-9]+$'
  AND substr(split_part(c.email, '@', 1), 9)::bigint BETWEEN $2 AND $3
ON CONFLICT DO NOTHING

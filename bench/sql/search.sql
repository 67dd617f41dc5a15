-- (4) customers(search: "customer12", first: 25) { nodes { email } }: the gateway's page query
-- (one extra row tells whether there is a next page).
SELECT * FROM customers
WHERE merchant_id = :merchant
  AND (email ILIKE '%customer12%' OR first_name ILIKE '%customer12%' OR last_name ILIKE '%customer12%'
       OR (first_name || ' ' || last_name) ILIKE '%customer12%')
ORDER BY created_at DESC, id DESC
LIMIT 26;

-- $1 merchant, $2 customer ids, $3 orders per customer (newest first).
SELECT o.*
FROM unnest($2::bigint[]) AS c(id)
CROSS JOIN LATERAL (
    SELECT *
    FROM orders
    WHERE merchant_id = $1 AND customer_id = c.id
    ORDER BY created_at DESC, id DESC
    LIMIT $3
) AS o

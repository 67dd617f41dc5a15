-- $1 merchant, $2 customer ids. Completed and returned orders count as purchases; drafts and
-- canceled orders do not.
SELECT customer_id,
       count(*)                    AS orders_count,
       coalesce(sum(total), 0)     AS total_spent,
       max(completed_at)           AS last_order_completed_at
FROM orders
WHERE merchant_id = $1
  AND customer_id = ANY($2)
  AND status IN ('complete', 'returned')
GROUP BY customer_id

-- (3) orderStats(groupBy: [CHANNEL, DAY]) over every order (UTC, completion time), with the
-- channel code joined in — written by hand over the same daily rollups the gateway reads
-- (migration 000050), the best a hand-written statement can do with this schema.
SELECT ch.code, s.period, s.count, s.item_count, s.total, s.average_total
FROM (
  SELECT channel_id, period, sum(orders)::bigint AS count, sum(item_count)::bigint AS item_count,
         sum(total) AS total, round(sum(total) / nullif(sum(orders), 0), 4) AS average_total
  FROM (SELECT orders, item_count, total, channel_id,
               date_trunc('day', day::timestamp) AT TIME ZONE 'UTC' AS period
        FROM order_daily_rollups
        WHERE merchant_id = :merchant AND timezone = 'UTC' AND date_field = 'completed') r
  GROUP BY channel_id, period
  HAVING sum(orders) <> 0
) s
LEFT JOIN channels ch ON ch.merchant_id = :merchant AND ch.id = s.channel_id
ORDER BY s.channel_id NULLS LAST, s.period;

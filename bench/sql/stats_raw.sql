-- (3b) orderStats(groupBy: [CHANNEL, DAY], filter: { total: { gte: "0" } }): a filter the daily
-- rollups cannot answer, so the gateway aggregates the orders themselves; so does this.
SELECT ch.code, s.period, s.count, s.item_count, s.total, s.average_total
FROM (
  SELECT channel_id, period, count(*) AS count, coalesce(sum(item_count), 0)::bigint AS item_count,
         coalesce(sum(total), 0) AS total, coalesce(round(avg(total), 4), 0) AS average_total
  FROM (SELECT item_count, total, channel_id,
               date_trunc('day', coalesce(completed_at, created_at) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS period
        FROM orders WHERE merchant_id = :merchant AND total >= 0 OFFSET 0) o
  GROUP BY channel_id, period
) s
LEFT JOIN channels ch ON ch.merchant_id = :merchant AND ch.id = s.channel_id
ORDER BY s.channel_id NULLS LAST, s.period;

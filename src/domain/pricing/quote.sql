-- The price each buyer gets, for N quote requests in one statement.
-- $1 merchant; $2.. one array per request field, one element per request, in request order:
-- $2 variant_id, $3 currency, $4 quantity, $5 customer_id (nullable), $6 channel_id (nullable),
-- $7 at, $8 market (nullable ISO alpha-2).
--
-- Candidates of a request are the variant's prices in the currency: the base price
-- (price_list_id NULL) and the prices of every price list that
--   * is in effect at `at`: status active or scheduled, and `at` inside [starts_at, ends_at)
--     where a missing bound is open (draft and inactive lists never apply), and
--   * matches the buyer under its match_policy: 'all' = every rule matches, 'any' = at least one,
--     and a list without rules matches everyone. A rule naming several customers, groups or
--     channels matches when the buyer's customer / one of their groups / the channel is ANY of
--     them (tested inside the rule row; memberships through their primary key).
-- The matching list with the lowest position wins (tie: lowest id); the base price otherwise.
-- The deciding rule is the matching rule with the lowest id (NULL for a list without rules).
WITH req AS (
    SELECT *
    FROM unnest($2::bigint[], $3::text[], $4::int[], $5::bigint[], $6::bigint[], $7::timestamptz[], $8::text[])
         WITH ORDINALITY AS r(variant_id, currency, quantity, customer_id, channel_id, at, market, ord)
)
SELECT r.ord - 1 AS idx, w.price_id, w.amount, w.compare_at_amount, w.price_list_id, w.price_rule_id
FROM req r
LEFT JOIN LATERAL (
    SELECT p.id AS price_id, p.amount, p.compare_at_amount, p.price_list_id, m.rule_id AS price_rule_id
    FROM prices p
    LEFT JOIN price_lists pl ON pl.merchant_id = p.merchant_id AND pl.id = p.price_list_id
    LEFT JOIN LATERAL (
        SELECT count(*) AS n_rules,
               count(*) FILTER (WHERE x.matched) AS n_matched,
               min(x.id) FILTER (WHERE x.matched) AS rule_id
        FROM (
            SELECT pr.id,
                   CASE pr.kind
                       WHEN 'customer_group' THEN EXISTS (
                           SELECT 1 FROM customer_group_memberships gm
                           WHERE gm.merchant_id = $1 AND gm.customer_group_id = ANY (pr.customer_group_ids)
                             AND gm.customer_id = r.customer_id)
                       WHEN 'channel' THEN coalesce(r.channel_id = ANY (pr.channel_ids), false)
                       WHEN 'customer' THEN coalesce(r.customer_id = ANY (pr.customer_ids), false)
                       WHEN 'volume' THEN r.quantity >= pr.min_quantity
                       -- No market given: a market rule matches nobody.
                       WHEN 'market' THEN coalesce(pr.market_code = r.market, false)
                       ELSE false
                   END AS matched
            FROM price_rules pr
            WHERE pr.merchant_id = $1 AND pr.price_list_id = p.price_list_id
        ) x
    ) m ON p.price_list_id IS NOT NULL
    WHERE p.merchant_id = $1 AND p.variant_id = r.variant_id AND p.currency = r.currency
      AND (p.price_list_id IS NULL OR (
              pl.status IN ('active', 'scheduled')
          AND (pl.starts_at IS NULL OR pl.starts_at <= r.at)
          AND (pl.ends_at IS NULL OR r.at < pl.ends_at)
          AND (m.n_rules = 0
               OR (pl.match_policy = 'all' AND m.n_matched = m.n_rules)
               OR (pl.match_policy = 'any' AND m.n_matched > 0))))
    ORDER BY p.price_list_id IS NULL, pl.position, pl.id
    LIMIT 1
) w ON true
ORDER BY r.ord

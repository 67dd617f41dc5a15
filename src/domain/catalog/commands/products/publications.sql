-- Makes a product's publications exactly the channels given, in one statement.
-- $1 merchant, $2 product; one element per channel: $3 channel, $4 published_at (NULL: now, or
-- an earlier start kept), $5 unpublished_at (NULL: never).
-- Channels not given are unpublished; given ones already published get the window; the others
-- are published with it.
WITH wanted AS (
    SELECT * FROM unnest($3::bigint[], $4::timestamptz[], $5::timestamptz[])
                  AS w(channel_id, published_at, unpublished_at)
),
removed AS (
    DELETE FROM product_publications pp
    WHERE pp.merchant_id = $1 AND pp.product_id = $2 AND pp.channel_id <> ALL ($3::bigint[])
),
updated AS (
    UPDATE product_publications pp
    SET published_at = coalesce(w.published_at, LEAST(pp.published_at, now())),
        unpublished_at = w.unpublished_at,
        updated_at = now()
    FROM wanted w
    WHERE pp.merchant_id = $1 AND pp.product_id = $2 AND pp.channel_id = w.channel_id
    RETURNING pp.channel_id
)
INSERT INTO product_publications (merchant_id, channel_id, product_id, published_at, unpublished_at)
SELECT $1, w.channel_id, $2, coalesce(w.published_at, now()), w.unpublished_at
FROM wanted w
WHERE w.channel_id NOT IN (SELECT channel_id FROM updated)
ON CONFLICT DO NOTHING

-- Saves an order's lines, adjustments and totals in one statement.
-- $1 merchant, $2 order.
-- Lines after the change, one array element per line: $3 key (a stored line's id, or a negative
-- placeholder for a new line), $4 variant, $5 quantity, $6 unit price, $7 price list (0: base
-- price), $8 line discount, $9 line total (quantity × price).
-- Adjustments: $10 line key (0: the order itself), $11 promotion, $12 coupon code (0: none),
-- $13 label, $14 amount.
-- Order: $15 item_count, $16 item_total, $17 discount_total, $18 total, $19 coupon code (0: none).
-- $20 each line's metadata (JSON text of an object), in the order of $3.
--
-- Stored lines whose id is not among the keys are deleted; new lines take ids from the identity
-- sequence up front (`input` is materialized, so nextval runs once per line) so that their
-- adjustments can point at them in this same statement. The order's adjustments are replaced.
WITH input AS MATERIALIZED (
    SELECT l.key,
           CASE WHEN l.key > 0 THEN l.key
                ELSE nextval(pg_get_serial_sequence('line_items', 'id')) END AS id,
           l.variant_id, l.quantity::int AS quantity, l.price::numeric AS price,
           nullif(l.price_list_id, 0) AS price_list_id,
           l.discount_total::numeric AS discount_total, l.total::numeric AS total,
           l.metadata::jsonb AS metadata
    FROM unnest($3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::bigint[], $8::text[], $9::text[],
                $20::text[])
         AS l(key, variant_id, quantity, price, price_list_id, discount_total, total, metadata)
),
removed AS (
    DELETE FROM line_items li
    WHERE li.merchant_id = $1 AND li.order_id = $2
      AND li.id <> ALL (SELECT id FROM input WHERE key > 0)
),
changed AS (
    UPDATE line_items li
    SET quantity = i.quantity, price = i.price, price_list_id = i.price_list_id,
        discount_total = i.discount_total, total = i.total, metadata = i.metadata, updated_at = now()
    FROM input i
    WHERE i.key > 0 AND li.merchant_id = $1 AND li.order_id = $2 AND li.id = i.key
      AND (li.quantity, li.price, li.price_list_id, li.discount_total, li.total, li.metadata)
          IS DISTINCT FROM (i.quantity, i.price, i.price_list_id, i.discount_total, i.total, i.metadata)
),
added AS (
    INSERT INTO line_items (merchant_id, id, order_id, variant_id, quantity, price, price_list_id,
                            discount_total, total, metadata)
    SELECT $1, i.id, $2, i.variant_id, i.quantity, i.price, i.price_list_id, i.discount_total, i.total,
           i.metadata
    FROM input i
    WHERE i.key < 0
),
cleared AS (
    DELETE FROM adjustments WHERE merchant_id = $1 AND order_id = $2
),
adjusted AS (
    INSERT INTO adjustments (merchant_id, order_id, line_item_id, promotion_id, coupon_code_id, label, amount)
    SELECT $1, $2, i.id, a.promotion_id, nullif(a.coupon_code_id, 0), a.label, a.amount::numeric
    FROM unnest($10::bigint[], $11::bigint[], $12::bigint[], $13::text[], $14::text[])
         AS a(key, promotion_id, coupon_code_id, label, amount)
    LEFT JOIN input i ON a.key <> 0 AND i.key = a.key
)
UPDATE orders
SET item_count = $15, item_total = $16::numeric, discount_total = $17::numeric, total = $18::numeric,
    coupon_code_id = nullif($19, 0), updated_at = clock_timestamp()
WHERE merchant_id = $1 AND id = $2
RETURNING updated_at

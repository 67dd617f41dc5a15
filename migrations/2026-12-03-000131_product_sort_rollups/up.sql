-- Two product sort keys kept on the product row, so a keyset page sorted by them reads an index
-- instead of aggregating prices or order lines for every product of the merchant:
--   price_amount  the base price (no price list) of the product's master variant in the
--                 merchant's default currency; NULL when it has none.
--   units_sold    units of the product's variants on complete orders (placed and neither
--                 canceled nor returned).
-- Statement-level triggers keep both: one UPDATE per statement whatever its number of rows,
-- product rows locked in key order (concurrent writers cannot deadlock on them).

-- The merchant's default currency (its setting, `merchants.default_currency`) as SQL reads it:
-- the base price a product sorts and shows by. A change of the setting refreshes
-- `price_amount` (trigger below).
CREATE FUNCTION merchant_default_currency(merchant bigint) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT default_currency FROM merchants WHERE id = merchant $$;

ALTER TABLE products
    ADD COLUMN price_amount numeric(19, 4),
    ADD COLUMN units_sold bigint NOT NULL DEFAULT 0;

-- Products without a price sort as -1 (first ascending, last descending).
CREATE INDEX products_price ON products (merchant_id, (coalesce(price_amount, -1)), id);
-- Best sellers first ascending: the negated count, as the sort key reads it (cursors carry
-- decimals).
CREATE INDEX products_best_selling ON products (merchant_id, ((-units_sold)::numeric), id);

-- Recomputes `price_amount` of the products (merchants[i], products[i]).
CREATE FUNCTION products_refresh_price(merchants bigint[], product_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM 1 FROM products p
    JOIN (SELECT DISTINCT m, id FROM unnest(merchants, product_ids) AS k(m, id)) k
      ON p.merchant_id = k.m AND p.id = k.id
    ORDER BY p.merchant_id, p.id
    FOR NO KEY UPDATE OF p;
    UPDATE products p SET price_amount = x.amount
    FROM (SELECT DISTINCT m, id FROM unnest(merchants, product_ids) AS k(m, id)) k
    LEFT JOIN LATERAL (
        SELECT pr.amount FROM variants v
        JOIN prices pr ON pr.merchant_id = v.merchant_id AND pr.variant_id = v.id
        WHERE v.merchant_id = k.m AND v.product_id = k.id AND v.is_master
          AND pr.price_list_id IS NULL AND pr.currency = merchant_default_currency(k.m)
        LIMIT 1
    ) x ON true
    WHERE p.merchant_id = k.m AND p.id = k.id AND p.price_amount IS DISTINCT FROM x.amount;
END $fn$;

-- Base prices written: their products' master price may have changed.
CREATE FUNCTION prices_refresh_product_price() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    ms bigint[];
    ps bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(v.merchant_id), array_agg(v.product_id) INTO ms, ps
        FROM (SELECT DISTINCT merchant_id, variant_id FROM new_rows WHERE price_list_id IS NULL) c
        JOIN variants v ON v.merchant_id = c.merchant_id AND v.id = c.variant_id AND v.is_master;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(v.merchant_id), array_agg(v.product_id) INTO ms, ps
        FROM (SELECT DISTINCT n.merchant_id, n.variant_id FROM new_rows n
              JOIN old_rows o ON o.merchant_id = n.merchant_id AND o.id = n.id
              WHERE (n.price_list_id IS NULL OR o.price_list_id IS NULL)
                AND (n.amount IS DISTINCT FROM o.amount OR n.currency IS DISTINCT FROM o.currency
                     OR n.price_list_id IS DISTINCT FROM o.price_list_id)) c
        JOIN variants v ON v.merchant_id = c.merchant_id AND v.id = c.variant_id AND v.is_master;
    ELSE
        SELECT array_agg(v.merchant_id), array_agg(v.product_id) INTO ms, ps
        FROM (SELECT DISTINCT merchant_id, variant_id FROM old_rows WHERE price_list_id IS NULL) c
        JOIN variants v ON v.merchant_id = c.merchant_id AND v.id = c.variant_id AND v.is_master;
    END IF;
    IF ms IS NOT NULL THEN
        PERFORM products_refresh_price(ms, ps);
    END IF;
    RETURN NULL;
END $fn$;

CREATE TRIGGER prices_product_price_insert AFTER INSERT ON prices
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prices_refresh_product_price();
CREATE TRIGGER prices_product_price_update AFTER UPDATE ON prices
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION prices_refresh_product_price();
CREATE TRIGGER prices_product_price_delete AFTER DELETE ON prices
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION prices_refresh_product_price();

-- The master flag moved: the product's price is another variant's.
CREATE FUNCTION variants_refresh_product_price() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    ms bigint[];
    ps bigint[];
BEGIN
    SELECT array_agg(n.merchant_id), array_agg(n.product_id) INTO ms, ps
    FROM new_rows n JOIN old_rows o ON o.merchant_id = n.merchant_id AND o.id = n.id
    WHERE n.is_master IS DISTINCT FROM o.is_master;
    IF ms IS NOT NULL THEN
        PERFORM products_refresh_price(ms, ps);
    END IF;
    RETURN NULL;
END $fn$;

CREATE TRIGGER variants_product_price_update AFTER UPDATE ON variants
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION variants_refresh_product_price();

-- The default currency changed: every product of the merchant takes its price in the new one.
CREATE FUNCTION merchants_refresh_product_price() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    ps bigint[];
BEGIN
    SELECT array_agg(id) INTO ps FROM products WHERE merchant_id = NEW.id;
    IF ps IS NOT NULL THEN
        PERFORM products_refresh_price(array_fill(NEW.id, ARRAY[cardinality(ps)]), ps);
    END IF;
    RETURN NULL;
END $fn$;

CREATE TRIGGER merchants_product_price AFTER UPDATE OF default_currency ON merchants
    FOR EACH ROW WHEN (OLD.default_currency IS DISTINCT FROM NEW.default_currency)
    EXECUTE FUNCTION merchants_refresh_product_price();

-- Adds `deltas` (units per (merchant, product)) to `units_sold`, locking in key order.
CREATE FUNCTION products_add_units_sold(merchants bigint[], product_ids bigint[], deltas bigint[])
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM 1 FROM products p
    JOIN (SELECT DISTINCT m, id FROM unnest(merchants, product_ids) AS k(m, id)) k
      ON p.merchant_id = k.m AND p.id = k.id
    ORDER BY p.merchant_id, p.id
    FOR NO KEY UPDATE OF p;
    UPDATE products p SET units_sold = p.units_sold + d.units
    FROM (SELECT m, id, sum(u) AS units FROM unnest(merchants, product_ids, deltas) AS k(m, id, u)
          GROUP BY m, id HAVING sum(u) <> 0) d
    WHERE p.merchant_id = d.m AND p.id = d.id;
END $fn$;

-- Lines added to, changed on or removed from complete orders. `source` names the transition
-- tables the event has (EXECUTE sees them like the trigger's own statements do).
CREATE FUNCTION line_items_units_sold() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    cols CONSTANT text := 'merchant_id, order_id, variant_id, quantity';
    source text;
    ms bigint[];
    ps bigint[];
    ds bigint[];
BEGIN
    source := CASE TG_OP
        WHEN 'INSERT' THEN format('SELECT 1 AS sign, %s FROM new_rows', cols)
        WHEN 'DELETE' THEN format('SELECT -1 AS sign, %s FROM old_rows', cols)
        ELSE format('SELECT 1 AS sign, %1$s FROM new_rows UNION ALL SELECT -1, %1$s FROM old_rows', cols)
    END;
    EXECUTE format($q$
        SELECT array_agg(m), array_agg(p), array_agg(u)
        FROM (SELECT c.merchant_id AS m, v.product_id AS p, sum(c.sign * c.quantity)::bigint AS u
              FROM (%s) c
              JOIN orders o ON o.merchant_id = c.merchant_id AND o.id = c.order_id
                           AND o.status = 'complete'
              JOIN variants v ON v.merchant_id = c.merchant_id AND v.id = c.variant_id
              GROUP BY 1, 2) x
    $q$, source) INTO ms, ps, ds;
    IF ms IS NOT NULL THEN
        PERFORM products_add_units_sold(ms, ps, ds);
    END IF;
    RETURN NULL;
END $fn$;

CREATE TRIGGER line_items_units_sold_insert AFTER INSERT ON line_items
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION line_items_units_sold();
CREATE TRIGGER line_items_units_sold_update AFTER UPDATE ON line_items
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION line_items_units_sold();
CREATE TRIGGER line_items_units_sold_delete AFTER DELETE ON line_items
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION line_items_units_sold();

-- Orders that became complete, or stopped being complete: their lines count, or stop counting.
CREATE FUNCTION orders_units_sold() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    ms bigint[];
    ps bigint[];
    ds bigint[];
BEGIN
    SELECT array_agg(m), array_agg(p), array_agg(u) INTO ms, ps, ds
    FROM (SELECT li.merchant_id AS m, v.product_id AS p,
                 sum(CASE WHEN n.status = 'complete' THEN li.quantity ELSE -li.quantity END)::bigint AS u
          FROM new_rows n
          JOIN old_rows o ON o.merchant_id = n.merchant_id AND o.id = n.id
          JOIN line_items li ON li.merchant_id = n.merchant_id AND li.order_id = n.id
          JOIN variants v ON v.merchant_id = li.merchant_id AND v.id = li.variant_id
          WHERE (n.status = 'complete') <> (o.status = 'complete')
          GROUP BY 1, 2) x;
    IF ms IS NOT NULL THEN
        PERFORM products_add_units_sold(ms, ps, ds);
    END IF;
    RETURN NULL;
END $fn$;

CREATE TRIGGER orders_units_sold_update AFTER UPDATE ON orders
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION orders_units_sold();

-- A complete order deleted (a merchant's, a migration reverted): its lines stop counting. Its
-- lines are then deleted by the foreign key's cascade, when the order no longer exists, so
-- the lines' trigger counts nothing twice.
CREATE FUNCTION orders_units_sold_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    ms bigint[];
    ps bigint[];
    ds bigint[];
BEGIN
    SELECT array_agg(m), array_agg(p), array_agg(u) INTO ms, ps, ds
    FROM (SELECT li.merchant_id AS m, v.product_id AS p, -sum(li.quantity)::bigint AS u
          FROM line_items li
          JOIN variants v ON v.merchant_id = li.merchant_id AND v.id = li.variant_id
          WHERE li.merchant_id = OLD.merchant_id AND li.order_id = OLD.id
          GROUP BY 1, 2) x;
    IF ms IS NOT NULL THEN
        PERFORM products_add_units_sold(ms, ps, ds);
    END IF;
    RETURN OLD;
END $fn$;

CREATE TRIGGER orders_units_sold_delete BEFORE DELETE ON orders
    FOR EACH ROW WHEN (OLD.status = 'complete') EXECUTE FUNCTION orders_units_sold_delete();

-- The figures of the rows already there.
UPDATE products p SET price_amount = x.amount
FROM (SELECT v.merchant_id, v.product_id, pr.amount FROM variants v
      JOIN prices pr ON pr.merchant_id = v.merchant_id AND pr.variant_id = v.id
      WHERE v.is_master AND pr.price_list_id IS NULL
        AND pr.currency = merchant_default_currency(v.merchant_id)) x
WHERE p.merchant_id = x.merchant_id AND p.id = x.product_id;

UPDATE products p SET units_sold = x.units
FROM (SELECT li.merchant_id, v.product_id, sum(li.quantity)::bigint AS units
      FROM line_items li
      JOIN orders o ON o.merchant_id = li.merchant_id AND o.id = li.order_id AND o.status = 'complete'
      JOIN variants v ON v.merchant_id = li.merchant_id AND v.id = li.variant_id
      GROUP BY 1, 2) x
WHERE p.merchant_id = x.merchant_id AND p.id = x.product_id;

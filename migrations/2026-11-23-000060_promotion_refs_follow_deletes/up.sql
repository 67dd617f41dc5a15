-- Promotion rules and actions name products, customers and customer groups in arrays (a rule
-- matches any/all/none of a set), which foreign keys cannot cover. When such rows are deleted,
-- their IDs leave those arrays in the same statement, so a promotion never points at a row that
-- is gone (an API client would otherwise read IDs it cannot resolve). Statement-level triggers
-- with transition tables: one UPDATE per deleting statement, however many rows it removes.

CREATE FUNCTION promotion_refs_without(ids bigint[], gone bigint[]) RETURNS bigint[]
    LANGUAGE sql IMMUTABLE AS
$$ SELECT coalesce(array_agg(x ORDER BY o), '{}') FROM unnest(ids) WITH ORDINALITY AS u(x, o)
   WHERE x <> ALL (gone) $$;

CREATE FUNCTION promotion_refs_forget_products() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE promotion_rules r SET product_ids = promotion_refs_without(r.product_ids, g.ids)
    FROM (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
    WHERE r.merchant_id = g.merchant_id AND r.product_ids && g.ids;
    UPDATE promotion_actions a SET product_ids = promotion_refs_without(a.product_ids, g.ids)
    FROM (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
    WHERE a.merchant_id = g.merchant_id AND a.product_ids && g.ids;
    RETURN NULL;
END $$;

CREATE FUNCTION promotion_refs_forget_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE promotion_rules r SET customer_ids = promotion_refs_without(r.customer_ids, g.ids)
    FROM (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
    WHERE r.merchant_id = g.merchant_id AND r.customer_ids && g.ids;
    RETURN NULL;
END $$;

CREATE FUNCTION promotion_refs_forget_customer_groups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE promotion_rules r SET customer_group_ids = promotion_refs_without(r.customer_group_ids, g.ids)
    FROM (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
    WHERE r.merchant_id = g.merchant_id AND r.customer_group_ids && g.ids;
    RETURN NULL;
END $$;

CREATE TRIGGER promotion_refs_forget_products AFTER DELETE ON products
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION promotion_refs_forget_products();
CREATE TRIGGER promotion_refs_forget_customers AFTER DELETE ON customers
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION promotion_refs_forget_customers();
CREATE TRIGGER promotion_refs_forget_customer_groups AFTER DELETE ON customer_groups
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION promotion_refs_forget_customer_groups();

-- IDs of rows deleted before this migration.
UPDATE promotion_rules r SET
    product_ids = ARRAY(SELECT x FROM unnest(r.product_ids) WITH ORDINALITY AS u(x, o)
                        WHERE EXISTS (SELECT 1 FROM products p WHERE p.merchant_id = r.merchant_id AND p.id = x) ORDER BY o),
    customer_ids = ARRAY(SELECT x FROM unnest(r.customer_ids) WITH ORDINALITY AS u(x, o)
                         WHERE EXISTS (SELECT 1 FROM customers c WHERE c.merchant_id = r.merchant_id AND c.id = x) ORDER BY o),
    customer_group_ids = ARRAY(SELECT x FROM unnest(r.customer_group_ids) WITH ORDINALITY AS u(x, o)
                               WHERE EXISTS (SELECT 1 FROM customer_groups g WHERE g.merchant_id = r.merchant_id AND g.id = x) ORDER BY o)
WHERE r.product_ids <> '{}' OR r.customer_ids <> '{}' OR r.customer_group_ids <> '{}';
UPDATE promotion_actions a SET
    product_ids = ARRAY(SELECT x FROM unnest(a.product_ids) WITH ORDINALITY AS u(x, o)
                        WHERE EXISTS (SELECT 1 FROM products p WHERE p.merchant_id = a.merchant_id AND p.id = x) ORDER BY o)
WHERE a.product_ids <> '{}';

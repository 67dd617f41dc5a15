-- The functions as 2026-11-23-000060 defined them, then the columns go.

CREATE OR REPLACE FUNCTION promotion_refs_forget_products() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE promotion_rules r SET product_ids = promotion_refs_without(r.product_ids, g.ids)
    FROM (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
    WHERE r.merchant_id = g.merchant_id AND r.product_ids && g.ids;
    UPDATE promotion_actions a SET product_ids = promotion_refs_without(a.product_ids, g.ids)
    FROM (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
    WHERE a.merchant_id = g.merchant_id AND a.product_ids && g.ids;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION promotion_refs_forget_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE promotion_rules r SET customer_ids = promotion_refs_without(r.customer_ids, g.ids)
    FROM (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
    WHERE r.merchant_id = g.merchant_id AND r.customer_ids && g.ids;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION promotion_refs_forget_customer_groups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE promotion_rules r SET customer_group_ids = promotion_refs_without(r.customer_group_ids, g.ids)
    FROM (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
    WHERE r.merchant_id = g.merchant_id AND r.customer_group_ids && g.ids;
    RETURN NULL;
END $$;

ALTER TABLE coupon_codes DROP COLUMN updated_at;
ALTER TABLE promotion_actions DROP COLUMN updated_at;
ALTER TABLE promotion_rules DROP COLUMN updated_at;

-- When a promotion's rules, actions and coupon codes last changed (Spree's `updated_at` on each;
-- GraphQL's `updatedAt`). Existing rows start at their creation time. Every write that changes
-- such a row sets it: rule/action updates, a code renamed or its usage counted, and the IDs of
-- deleted products, customers and groups leaving a rule's or action's arrays (the functions of
-- 2026-11-23-000060, redefined here to also set it).

ALTER TABLE promotion_rules ADD COLUMN updated_at timestamptz;
UPDATE promotion_rules SET updated_at = created_at;
ALTER TABLE promotion_rules ALTER COLUMN updated_at SET DEFAULT now(), ALTER COLUMN updated_at SET NOT NULL;

ALTER TABLE promotion_actions ADD COLUMN updated_at timestamptz;
UPDATE promotion_actions SET updated_at = created_at;
ALTER TABLE promotion_actions ALTER COLUMN updated_at SET DEFAULT now(), ALTER COLUMN updated_at SET NOT NULL;

ALTER TABLE coupon_codes ADD COLUMN updated_at timestamptz;
UPDATE coupon_codes SET updated_at = created_at;
ALTER TABLE coupon_codes ALTER COLUMN updated_at SET DEFAULT now(), ALTER COLUMN updated_at SET NOT NULL;

CREATE OR REPLACE FUNCTION promotion_refs_forget_products() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE promotion_rules r SET product_ids = promotion_refs_without(r.product_ids, g.ids), updated_at = now()
    FROM (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
    WHERE r.merchant_id = g.merchant_id AND r.product_ids && g.ids;
    UPDATE promotion_actions a SET product_ids = promotion_refs_without(a.product_ids, g.ids), updated_at = now()
    FROM (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
    WHERE a.merchant_id = g.merchant_id AND a.product_ids && g.ids;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION promotion_refs_forget_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE promotion_rules r SET customer_ids = promotion_refs_without(r.customer_ids, g.ids), updated_at = now()
    FROM (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
    WHERE r.merchant_id = g.merchant_id AND r.customer_ids && g.ids;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION promotion_refs_forget_customer_groups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE promotion_rules r SET customer_group_ids = promotion_refs_without(r.customer_group_ids, g.ids), updated_at = now()
    FROM (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
    WHERE r.merchant_id = g.merchant_id AND r.customer_group_ids && g.ids;
    RETURN NULL;
END $$;


-- A price rule names several customers, customer groups or channels (Spree's `user_ids`,
-- `customer_group_ids`, `channel_ids`): it matches when the buyer is ANY of them. The single
-- reference columns become arrays (the existing reference as the only element); other kinds
-- hold '{}'. The quote still reads a list's rules through price_rules_list (merchant_id,
-- price_list_id) and tests membership in the row (`= ANY`), so it stays one set-based
-- statement.
ALTER TABLE price_rules
    ADD COLUMN customer_group_ids bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN channel_ids bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN customer_ids bigint[] NOT NULL DEFAULT '{}';

UPDATE price_rules SET
    customer_group_ids = CASE WHEN customer_group_id IS NULL THEN '{}' ELSE ARRAY[customer_group_id] END,
    channel_ids = CASE WHEN channel_id IS NULL THEN '{}' ELSE ARRAY[channel_id] END,
    customer_ids = CASE WHEN customer_id IS NULL THEN '{}' ELSE ARRAY[customer_id] END;

-- Their foreign keys and kind checks go with them.
ALTER TABLE price_rules
    DROP COLUMN customer_group_id,
    DROP COLUMN channel_id,
    DROP COLUMN customer_id;

-- Each kind carries exactly its references: 1 to 100 distinct non-null IDs (the API checks
-- they are of the rule's merchant; foreign keys cannot cover arrays, the triggers below keep
-- them pointing at rows that exist).
ALTER TABLE price_rules
    ADD CONSTRAINT price_rules_customer_group_ids CHECK (
        (kind = 'customer_group') = (cardinality(customer_group_ids) > 0)
        AND cardinality(customer_group_ids) <= 100
        AND array_position(customer_group_ids, NULL) IS NULL),
    ADD CONSTRAINT price_rules_channel_ids CHECK (
        (kind = 'channel') = (cardinality(channel_ids) > 0)
        AND cardinality(channel_ids) <= 100
        AND array_position(channel_ids, NULL) IS NULL),
    ADD CONSTRAINT price_rules_customer_ids CHECK (
        (kind = 'customer') = (cardinality(customer_ids) > 0)
        AND cardinality(customer_ids) <= 100
        AND array_position(customer_ids, NULL) IS NULL);

-- Reverse look-ups (which rules name a row: the delete triggers, migration reverts).
CREATE INDEX price_rules_customer_group_ids ON price_rules USING gin (customer_group_ids);
CREATE INDEX price_rules_channel_ids ON price_rules USING gin (channel_ids);
CREATE INDEX price_rules_customer_ids ON price_rules USING gin (customer_ids);

-- When customers, groups or channels are deleted, their IDs leave the rules naming them in the
-- same statement; a rule left with none is deleted (as the old ON DELETE CASCADE did for a
-- rule's one reference). Statement-level, one DELETE and one UPDATE per deleting statement.
CREATE FUNCTION price_rule_refs_forget() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    col text := TG_ARGV[0];
BEGIN
    EXECUTE format(
        'DELETE FROM price_rules r USING (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
         WHERE r.merchant_id = g.merchant_id AND r.%1$I && g.ids AND r.%1$I <@ g.ids', col);
    EXECUTE format(
        'UPDATE price_rules r SET %1$I = promotion_refs_without(r.%1$I, g.ids), updated_at = now()
         FROM (SELECT merchant_id, array_agg(id) AS ids FROM gone GROUP BY merchant_id) g
         WHERE r.merchant_id = g.merchant_id AND r.%1$I && g.ids', col);
    RETURN NULL;
END $$;

CREATE TRIGGER price_rule_refs_forget_customers AFTER DELETE ON customers
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION price_rule_refs_forget('customer_ids');
CREATE TRIGGER price_rule_refs_forget_customer_groups AFTER DELETE ON customer_groups
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION price_rule_refs_forget('customer_group_ids');
CREATE TRIGGER price_rule_refs_forget_channels AFTER DELETE ON channels
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION price_rule_refs_forget('channel_ids');

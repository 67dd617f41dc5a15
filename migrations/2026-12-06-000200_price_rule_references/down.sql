-- Back to one reference per rule: the first ID of each list (a rule naming several keeps only
-- its first).
DROP TRIGGER price_rule_refs_forget_customers ON customers;
DROP TRIGGER price_rule_refs_forget_customer_groups ON customer_groups;
DROP TRIGGER price_rule_refs_forget_channels ON channels;
DROP FUNCTION price_rule_refs_forget();

ALTER TABLE price_rules
    ADD COLUMN customer_group_id bigint,
    ADD COLUMN channel_id bigint,
    ADD COLUMN customer_id bigint;
UPDATE price_rules SET
    customer_group_id = customer_group_ids[1],
    channel_id = channel_ids[1],
    customer_id = customer_ids[1];
ALTER TABLE price_rules
    DROP COLUMN customer_group_ids,
    DROP COLUMN channel_ids,
    DROP COLUMN customer_ids;
ALTER TABLE price_rules
    ADD FOREIGN KEY (merchant_id, customer_group_id) REFERENCES customer_groups (merchant_id, id) ON DELETE CASCADE,
    ADD FOREIGN KEY (merchant_id, channel_id) REFERENCES channels (merchant_id, id) ON DELETE CASCADE,
    ADD FOREIGN KEY (merchant_id, customer_id) REFERENCES customers (merchant_id, id) ON DELETE CASCADE,
    ADD CHECK ((kind = 'customer_group') = (customer_group_id IS NOT NULL)),
    ADD CHECK ((kind = 'channel') = (channel_id IS NOT NULL)),
    ADD CHECK ((kind = 'customer') = (customer_id IS NOT NULL));

-- A "was" price below the price is not a markdown: compare_at_amount, when set, is at least the
-- amount (equal is allowed and shows no markdown). pricesUpsert reports it as a field error
-- first; the constraint keeps every other writer honest.
ALTER TABLE prices
    ADD CONSTRAINT prices_compare_at_not_below_amount
    CHECK (compare_at_amount IS NULL OR compare_at_amount >= amount);

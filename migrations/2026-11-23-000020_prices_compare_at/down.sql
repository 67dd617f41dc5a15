ALTER TABLE prices DROP CONSTRAINT IF EXISTS prices_compare_at_not_below_amount;

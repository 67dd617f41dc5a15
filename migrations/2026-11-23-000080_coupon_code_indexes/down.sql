DROP INDEX IF EXISTS coupon_codes_usage_sort;
DROP INDEX IF EXISTS coupon_codes_created;

DROP INDEX orders_coupon_code;
DROP INDEX adjustments_coupon_code;

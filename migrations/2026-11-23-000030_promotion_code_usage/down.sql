DROP INDEX adjustments_coupon_code;

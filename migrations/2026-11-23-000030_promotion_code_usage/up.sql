-- Usage of one coupon code (promotionEvaluate: a generated code is single-use): the complete
-- orders holding an adjustment made with it, without scanning every adjustment of the promotion.
-- It also serves the ON DELETE SET NULL of adjustments when a promotion's codes are deleted.
CREATE INDEX adjustments_coupon_code ON adjustments (merchant_id, coupon_code_id)
    WHERE coupon_code_id IS NOT NULL;
-- Orders holding a coupon code: promotionDelete refuses while there are any, and the foreign key
-- check of each deleted coupon code (up to 100,000 per promotion) probes this instead of
-- scanning the merchant's orders once per code.
CREATE INDEX orders_coupon_code ON orders (merchant_id, coupon_code_id)
    WHERE coupon_code_id IS NOT NULL;

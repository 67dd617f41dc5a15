-- Usage of one coupon code (promotionEvaluate: a generated code is single-use): the complete
-- orders holding an adjustment made with it, without scanning every adjustment of the promotion.
CREATE INDEX adjustments_coupon_code ON adjustments (merchant_id, coupon_code_id)
    WHERE coupon_code_id IS NOT NULL;

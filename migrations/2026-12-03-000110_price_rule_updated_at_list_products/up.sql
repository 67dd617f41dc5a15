-- Price rules are updated in place now (a price list update reconciles its rules by id), so
-- they carry when they last changed.
ALTER TABLE price_rules ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
UPDATE price_rules SET updated_at = created_at;

-- Products a price list is set up for (Spree's `product_ids`): a product belongs to a list
-- when it is named here or when one of its variants has a price in the list. A member without
-- prices changes no price (its variants keep their base prices until prices are written).
CREATE TABLE price_list_products (
    merchant_id    bigint NOT NULL,
    price_list_id  bigint NOT NULL,
    product_id     bigint NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, price_list_id, product_id),
    FOREIGN KEY (merchant_id, price_list_id) REFERENCES price_lists (merchant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (merchant_id, product_id) REFERENCES products (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX price_list_products_product ON price_list_products (merchant_id, product_id);

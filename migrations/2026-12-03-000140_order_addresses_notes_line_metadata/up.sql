-- What Spree's admin API writes on an order beyond its lines: the buyer's note and language,
-- a billing and a shipping address, and free metadata on each line.
--
-- Order addresses are a table of their own rather than twenty columns on `orders`: most orders
-- read in lists never need them (the order row stays narrow), an order has zero, one or two, and
-- each is a whole address with its own ID and times, as Spree's are. They are copies, not
-- references: an order keeps the address it was placed with when the customer later edits or
-- deletes their address book entry. Their IDs come from the sequence of `addresses`, so an
-- `addr_…` ID names one address whichever table holds it (Spree's order addresses are
-- addresses too).

ALTER TABLE orders
    ADD COLUMN customer_note text CHECK (length(customer_note) BETWEEN 1 AND 5000),
    ADD COLUMN locale        text CHECK (locale ~ '^[a-z]{2,3}(-[A-Z]{2})?$');

ALTER TABLE line_items
    ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}'
        CHECK (jsonb_typeof(metadata) = 'object');

CREATE TABLE order_addresses (
    merchant_id  bigint NOT NULL,
    id           bigint NOT NULL,
    order_id     bigint NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('billing', 'shipping')),
    first_name   text CHECK (length(first_name) <= 100),
    last_name    text CHECK (length(last_name) <= 100),
    company      text CHECK (length(company) <= 100),
    address1     text NOT NULL CHECK (length(address1) BETWEEN 1 AND 255),
    address2     text CHECK (length(address2) <= 255),
    city         text NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    zipcode      text CHECK (length(zipcode) <= 20),
    state_name   text CHECK (length(state_name) <= 100),
    country_code text NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
    phone        text CHECK (length(phone) <= 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, id),
    -- One of each kind per order; also the index the order's addresses are read through.
    UNIQUE (merchant_id, order_id, kind),
    FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id) ON DELETE CASCADE
);

-- IDs from the identity sequence of `addresses` (its name resolved once, here).
DO $$
BEGIN
    EXECUTE format('ALTER TABLE order_addresses ALTER COLUMN id SET DEFAULT nextval(%L::regclass)',
                   pg_get_serial_sequence('addresses', 'id'));
END
$$;

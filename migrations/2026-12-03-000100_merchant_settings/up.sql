-- Merchant settings (the Spree Admin API's store, GraphQL's `shop`): the currency an order or
-- a price takes when a request names none, the currencies the merchant sells in, its locale,
-- timezone and storefront URL, and the preferences Spree's admin keeps on its store.
ALTER TABLE merchants
    ADD COLUMN url                  text CHECK (url IS NULL OR length(url) BETWEEN 1 AND 2048),
    ADD COLUMN default_currency     text NOT NULL DEFAULT 'USD' CHECK (default_currency ~ '^[A-Z]{3}$'),
    ADD COLUMN supported_currencies text[] NOT NULL DEFAULT '{USD}'
        CHECK (cardinality(supported_currencies) BETWEEN 1 AND 200
               AND array_position(supported_currencies, NULL) IS NULL),
    ADD COLUMN default_locale       text NOT NULL DEFAULT 'en'
        CHECK (default_locale ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
    ADD COLUMN timezone             text NOT NULL DEFAULT 'UTC' CHECK (length(timezone) BETWEEN 1 AND 64),
    ADD COLUMN admin_locale         text CHECK (admin_locale ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
    ADD COLUMN weight_unit          text NOT NULL DEFAULT 'lb' CHECK (weight_unit IN ('g', 'kg', 'lb', 'oz')),
    ADD COLUMN unit_system          text NOT NULL DEFAULT 'imperial'
        CHECK (unit_system IN ('metric', 'imperial')),
    ADD CONSTRAINT merchants_default_currency_supported
        CHECK (default_currency = ANY (supported_currencies));

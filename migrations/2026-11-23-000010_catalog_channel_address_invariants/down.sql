DROP INDEX IF EXISTS variants_one_master;
DROP INDEX IF EXISTS addresses_one_default_shipping;
DROP INDEX IF EXISTS addresses_one_default_billing;

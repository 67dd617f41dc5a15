-- Whether a credential belongs to an installed application (an app a merchant installed from
-- a marketplace) or is a custom one the merchant made for itself. Spark Pay's call limit is
-- shared by every installed client of a store, while each custom client has its own.
ALTER TABLE api_clients ADD COLUMN installed boolean NOT NULL DEFAULT false;
ALTER TABLE api_keys ADD COLUMN installed boolean NOT NULL DEFAULT false;

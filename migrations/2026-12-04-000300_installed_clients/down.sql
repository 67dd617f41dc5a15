ALTER TABLE api_keys DROP COLUMN installed;
ALTER TABLE api_clients DROP COLUMN installed;

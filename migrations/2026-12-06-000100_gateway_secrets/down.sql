DROP TABLE gateway_secrets;

DROP TRIGGER orders_rollups_insert ON orders;
DROP TRIGGER orders_rollups_update ON orders;
DROP TRIGGER orders_rollups_delete ON orders;
DROP FUNCTION order_rollups_add_timezone(bigint, text);
DROP FUNCTION order_rollups_apply();
DROP TABLE order_daily_rollups;
DROP TABLE order_rollup_timezones;

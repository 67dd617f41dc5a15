DROP INDEX IF EXISTS orders_completed_sort;

DROP INDEX orders_purchases;

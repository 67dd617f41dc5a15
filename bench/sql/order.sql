-- (1) order(id:): one order by primary key (the gateway reads the same row through its loader).
SELECT * FROM orders WHERE merchant_id = :merchant AND id = :order_id;

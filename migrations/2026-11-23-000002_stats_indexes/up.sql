-- Purchases (completed and returned orders) by customer. customerStats asks, for every new
-- customer, whether one exists: with this partial index each probe is index-only instead of a
-- heap visit per order. It also covers the per-customer figures (orders count, total spent, last
-- completion) of `customers/stats_by_ids.sql`.
CREATE INDEX orders_purchases ON orders (merchant_id, customer_id) INCLUDE (total, completed_at)
    WHERE status IN ('complete', 'returned');

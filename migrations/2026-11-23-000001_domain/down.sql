DROP TABLE IF EXISTS migration_batch_rows, migration_batches, adjustments, fulfillments, payments,
  line_items, orders, coupon_codes, promotion_actions, promotion_rules, promotions, prices,
  price_rules, price_lists, product_publications, variants, products, addresses,
  customer_group_memberships, customer_groups, customers, store_scheduled_overrides,
  store_payment_providers, store_payment_methods, store_coverage_zones, store_fulfillment_fees,
  store_fulfillments, store_channels, stores, cms_templates, channels, brands, api_keys, api_clients,
  merchants CASCADE;


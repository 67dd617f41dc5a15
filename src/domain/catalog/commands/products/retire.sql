-- Retires products ($2) that order line items reference: the products and their variants keep
-- their rows (orders still show what was sold) with `deleted_at` set, which hides them from
-- every read of the catalog; what only a live product has goes as a delete would take it:
-- prices, channel publications, price-list memberships, and its place in promotion rules and
-- actions (the delete triggers of migration `promotion_refs_follow_deletes` do that for a
-- delete). One statement; $1 is the merchant.
WITH p AS (
    UPDATE products SET deleted_at = now(), updated_at = now()
    WHERE merchant_id = $1 AND id = ANY($2) AND deleted_at IS NULL
    RETURNING id
), v AS (
    UPDATE variants SET deleted_at = now(), updated_at = now()
    WHERE merchant_id = $1 AND product_id IN (SELECT id FROM p) AND deleted_at IS NULL
    RETURNING id
), gone_prices AS (
    DELETE FROM prices WHERE merchant_id = $1 AND variant_id IN (SELECT id FROM v)
), gone_publications AS (
    DELETE FROM product_publications WHERE merchant_id = $1 AND product_id IN (SELECT id FROM p)
), gone_list_products AS (
    DELETE FROM price_list_products WHERE merchant_id = $1 AND product_id IN (SELECT id FROM p)
), gone_rule_refs AS (
    UPDATE promotion_rules SET product_ids = promotion_refs_without(product_ids, $2::bigint[])
    WHERE merchant_id = $1 AND product_ids && $2::bigint[]
), gone_action_refs AS (
    UPDATE promotion_actions SET product_ids = promotion_refs_without(product_ids, $2::bigint[])
    WHERE merchant_id = $1 AND product_ids && $2::bigint[]
)
SELECT id FROM p

DROP TRIGGER promotion_refs_forget_customer_groups ON customer_groups;
DROP TRIGGER promotion_refs_forget_customers ON customers;
DROP TRIGGER promotion_refs_forget_products ON products;
DROP FUNCTION promotion_refs_forget_customer_groups();
DROP FUNCTION promotion_refs_forget_customers();
DROP FUNCTION promotion_refs_forget_products();
DROP FUNCTION promotion_refs_without(bigint[], bigint[]);

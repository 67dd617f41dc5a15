use super::*;

/// Evaluates the merchant's promotions against `draft`.
pub async fn evaluate(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    draft: &Draft,
) -> Result<Evaluation> {
    let codes = entered_codes(&draft.coupon_codes);
    let candidates: Vec<Candidate> = Sql::with_binds(
        include_str!("candidates.sql"),
        vec![
            Bind::I64(merchant_id),
            Bind::Texts(codes),
            Bind::Time(draft.at),
            Bind::I64(draft.order_id.unwrap_or(0)),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    let ids: Vec<i64> = candidates
        .iter()
        .map(|c| c.promotion.id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let (rules, actions) = if ids.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        (
            filter::by_parents::<PromotionRule>(conn, merchant_id, &ids).await?,
            filter::by_parents::<PromotionAction>(conn, merchant_id, &ids).await?,
        )
    };
    let needs_facts = rules
        .iter()
        .any(|r| r.kind == "customer_group" || r.kind == "first_order");
    let facts = match draft.customer_id {
        Some(customer) if needs_facts => customer_facts(conn, merchant_id, customer, draft).await?,
        _ => CustomerFacts::default(),
    };
    Ok(compute(draft, candidates, &rules, &actions, &facts))
}

async fn customer_facts(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    customer_id: i64,
    draft: &Draft,
) -> Result<CustomerFacts> {
    let rows: Vec<CustomerFacts> = Sql::with_binds(
        "SELECT array(SELECT customer_group_id FROM customer_group_memberships \
                      WHERE merchant_id = $1 AND customer_id = $2) AS group_ids, \
                EXISTS (SELECT 1 FROM orders WHERE merchant_id = $1 AND customer_id = $2 \
                        AND status IN ('complete', 'returned') AND id <> $3) AS has_purchase",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(customer_id),
            Bind::I64(draft.order_id.unwrap_or(0)),
        ],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().unwrap_or_default())
}

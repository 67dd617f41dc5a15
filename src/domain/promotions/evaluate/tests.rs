use super::*;
use chrono::TimeZone;

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal literal")
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

fn promo(id: i64, kind: &str) -> Promotion {
    Promotion {
        merchant_id: 1,
        id,
        name: format!("Promo {id}"),
        description: None,
        kind: kind.into(),
        starts_at: None,
        expires_at: None,
        usage_limit: None,
        match_policy: "all".into(),
        multi_codes: false,
        code_prefix: None,
        number_of_codes: None,
        created_at: at(),
        updated_at: at(),
    }
}

fn auto(p: Promotion) -> Candidate {
    Candidate {
        promotion: p,
        entered_code: None,
        coupon_code_id: None,
        usage_count: 0,
        code_usage_count: 0,
    }
}

fn coded(p: Promotion, code: &str, code_id: i64) -> Candidate {
    Candidate {
        entered_code: Some(code.into()),
        coupon_code_id: Some(code_id),
        ..auto(p)
    }
}

fn rule(promotion_id: i64, kind: &str) -> PromotionRule {
    PromotionRule {
        merchant_id: 1,
        id: promotion_id * 100,
        promotion_id,
        kind: kind.into(),
        amount_min: None,
        amount_max: None,
        match_policy: None,
        product_ids: vec![],
        customer_ids: vec![],
        customer_group_ids: vec![],
        currency: None,
        created_at: chrono::DateTime::UNIX_EPOCH,
        updated_at: chrono::DateTime::UNIX_EPOCH,
    }
}

fn action(promotion_id: i64, kind: &str, calculator: Option<&str>, value: &str) -> PromotionAction {
    PromotionAction {
        merchant_id: 1,
        id: promotion_id * 100 + 1,
        promotion_id,
        kind: kind.into(),
        calculator: calculator.map(Into::into),
        amount: (calculator == Some("flat")).then(|| dec(value)),
        percent: (calculator == Some("percent")).then(|| dec(value)),
        product_ids: vec![],
        created_at: chrono::DateTime::UNIX_EPOCH,
        updated_at: chrono::DateTime::UNIX_EPOCH,
    }
}

fn line(key: i64, product_id: i64, quantity: i32, unit_price: &str) -> DraftLine {
    DraftLine {
        key,
        variant_id: product_id * 10,
        product_id,
        quantity,
        unit_price: dec(unit_price),
    }
}

fn draft(lines: Vec<DraftLine>, delivery: &str, codes: &[&str]) -> Draft {
    Draft {
        order_id: None,
        customer_id: Some(7),
        currency: "USD".into(),
        lines,
        delivery_total: dec(delivery),
        coupon_codes: codes.iter().map(|c| c.to_string()).collect(),
        at: at(),
    }
}

fn run(d: &Draft, c: Vec<Candidate>, r: &[PromotionRule], a: &[PromotionAction]) -> Evaluation {
    compute(d, c, r, a, &CustomerFacts::default())
}

#[test]
fn rounds_half_up_to_cents() {
    assert_eq!(round_money(dec("12.345")), dec("12.35"));
    assert_eq!(round_money(dec("12.355")), dec("12.36"));
    assert_eq!(round_money(dec("0.125")), dec("0.13"));
    assert_eq!(round_money(dec("0.124999")), dec("0.12"));
}

#[test]
fn percent_off_the_order_is_rounded_half_up() {
    // 3 × 8.23 = 24.69; 50% = 12.345, which half-up makes 12.35 (banker's: 12.34).
    let d = draft(vec![line(1, 1, 3, "8.23")], "0", &[]);
    let e = run(
        &d,
        vec![auto(promo(1, "automatic"))],
        &[],
        &[action(1, "order_adjustment", Some("percent"), "50")],
    );
    assert_eq!(e.applied[0].order_amount, dec("12.35"), "12.345 rounds up");
    assert_eq!(e.discount_total, dec("12.35"));
}

#[test]
fn item_adjustments_per_unit_on_listed_products_only() {
    let d = draft(
        vec![
            line(10, 1, 3, "10.00"),
            line(11, 2, 2, "4.99"),
            line(12, 3, 1, "7.50"),
        ],
        "5",
        &[],
    );
    let mut flat = action(1, "item_adjustment", Some("flat"), "1.255");
    flat.product_ids = vec![1, 3];
    let mut pct = action(2, "item_adjustment", Some("percent"), "15");
    pct.product_ids = vec![2];
    let e = run(
        &d,
        vec![auto(promo(1, "automatic")), auto(promo(2, "automatic"))],
        &[],
        &[flat, pct],
    );
    // flat 1.255 per unit: line 10 → 3.765 → 3.77; line 12 → 1.255 → 1.26
    assert_eq!(
        e.applied[0].line_amounts,
        vec![(10, dec("3.77")), (12, dec("1.26"))]
    );
    // 15% of 9.98 = 1.497 → 1.50
    assert_eq!(e.applied[1].line_amounts, vec![(11, dec("1.50"))]);
    assert_eq!(e.applied[0].order_amount, Decimal::ZERO);
    assert_eq!(e.discount_total, dec("6.53"));
    assert!(!e.free_delivery);
}

#[test]
fn item_adjustment_without_products_hits_every_line_and_is_capped_per_line() {
    let d = draft(
        vec![line(1, 1, 2, "3.00"), line(2, 2, 1, "50.00")],
        "0",
        &[],
    );
    let e = run(
        &d,
        vec![auto(promo(1, "automatic"))],
        &[],
        &[action(1, "item_adjustment", Some("flat"), "5")],
    );
    // line 1: 2 × 5 = 10 capped at 6.00; line 2: 5
    assert_eq!(
        e.applied[0].line_amounts,
        vec![(1, dec("6.00")), (2, dec("5"))]
    );
    assert_eq!(e.discount_total, dec("11.00"));
}

#[test]
fn order_adjustments_are_capped_by_what_is_left_of_the_item_total() {
    let d = draft(vec![line(1, 1, 1, "30.00")], "4.90", &[]);
    let e = run(
        &d,
        vec![
            auto(promo(1, "automatic")),
            auto(promo(2, "automatic")),
            auto(promo(3, "automatic")),
        ],
        &[],
        &[
            action(1, "item_adjustment", Some("flat"), "10"),
            action(2, "order_adjustment", Some("flat"), "25"),
            action(3, "free_delivery", None, ""),
        ],
    );
    assert_eq!(e.applied[0].line_amounts, vec![(1, dec("10.00"))]);
    assert_eq!(e.applied[1].order_amount, dec("20.00"), "capped at 30 - 10");
    assert_eq!(e.applied[2].order_amount, dec("4.90"), "free delivery");
    assert!(e.applied[2].free_delivery && e.free_delivery);
    assert_eq!(e.discount_total, dec("34.90"), "= item total + delivery");
}

#[test]
fn free_delivery_is_taken_off_once() {
    let d = draft(vec![line(1, 1, 1, "30")], "6.5", &[]);
    let e = run(
        &d,
        vec![auto(promo(1, "automatic")), auto(promo(2, "automatic"))],
        &[],
        &[
            action(1, "free_delivery", None, ""),
            action(2, "free_delivery", None, ""),
        ],
    );
    assert_eq!(e.applied[0].order_amount, dec("6.5"));
    assert_eq!(e.applied[1].order_amount, Decimal::ZERO);
    assert!(e.applied[1].free_delivery);
    assert_eq!(e.discount_total, dec("6.5"));
}

#[test]
fn item_total_rule_bounds_are_inclusive() {
    let mut r = rule(1, "item_total");
    r.amount_min = Some(dec("50"));
    r.amount_max = Some(dec("100"));
    let a = [action(1, "order_adjustment", Some("flat"), "5")];
    for (price, applies) in [
        ("49.99", false),
        ("50", true),
        ("100.00", true),
        ("100.01", false),
    ] {
        let d = draft(vec![line(1, 1, 1, price)], "0", &[]);
        let e = run(&d, vec![auto(promo(1, "automatic"))], &[r.clone()], &a);
        assert_eq!(e.applied.len() == 1, applies, "item total {price}");
    }
}

#[test]
fn product_rule_policies() {
    let d = draft(vec![line(1, 1, 1, "10"), line(2, 2, 1, "10")], "0", &[]);
    let a = [action(1, "order_adjustment", Some("flat"), "1")];
    let cases = [
        (None, vec![2, 9], true),
        (Some("any"), vec![8, 9], false),
        (Some("all"), vec![1, 2], true),
        (Some("all"), vec![1, 9], false),
        (Some("none"), vec![8, 9], true),
        (Some("none"), vec![2], false),
    ];
    for (policy, ids, applies) in cases {
        let mut r = rule(1, "product");
        r.match_policy = policy.map(Into::into);
        r.product_ids = ids.clone();
        let e = run(&d, vec![auto(promo(1, "automatic"))], &[r], &a);
        assert_eq!(e.applied.len() == 1, applies, "{policy:?} {ids:?}");
    }
}

#[test]
fn customer_group_first_order_and_currency_rules() {
    let mut d = draft(vec![line(1, 1, 1, "10")], "0", &[]);
    let a = [action(1, "order_adjustment", Some("flat"), "1")];
    let p = || vec![auto(promo(1, "automatic"))];

    let mut customer = rule(1, "customer");
    customer.customer_ids = vec![7];
    assert_eq!(run(&d, p(), &[customer.clone()], &a).applied.len(), 1);
    customer.customer_ids = vec![8];
    assert_eq!(run(&d, p(), &[customer], &a).applied.len(), 0);

    let mut group = rule(1, "customer_group");
    group.customer_group_ids = vec![3, 4];
    let member = CustomerFacts {
        group_ids: vec![4],
        has_purchase: false,
    };
    assert_eq!(
        compute(&d, p(), &[group.clone()], &a, &member)
            .applied
            .len(),
        1
    );
    assert_eq!(run(&d, p(), &[group], &a).applied.len(), 0);

    let first = rule(1, "first_order");
    assert_eq!(
        run(&d, p(), std::slice::from_ref(&first), &a).applied.len(),
        1
    );
    let buyer = CustomerFacts {
        group_ids: vec![],
        has_purchase: true,
    };
    assert_eq!(
        compute(&d, p(), std::slice::from_ref(&first), &a, &buyer)
            .applied
            .len(),
        0
    );

    let mut currency = rule(1, "currency");
    currency.currency = Some("EUR".into());
    assert_eq!(run(&d, p(), &[currency.clone()], &a).applied.len(), 0);
    d.currency = "EUR".into();
    assert_eq!(run(&d, p(), &[currency], &a).applied.len(), 1);

    d.customer_id = None;
    assert_eq!(
        run(&d, p(), &[first], &a).applied.len(),
        0,
        "guests never qualify"
    );
}

#[test]
fn match_policy_any_needs_one_rule() {
    let d = draft(vec![line(1, 1, 1, "10")], "0", &[]);
    let a = [action(1, "order_adjustment", Some("flat"), "1")];
    let mut eur = rule(1, "currency");
    eur.currency = Some("EUR".into());
    let mut usd = rule(1, "currency");
    usd.currency = Some("USD".into());
    let mut any = promo(1, "automatic");
    any.match_policy = "any".into();
    assert_eq!(
        run(&d, vec![auto(any)], &[eur.clone(), usd.clone()], &a)
            .applied
            .len(),
        1
    );
    assert_eq!(
        run(&d, vec![auto(promo(1, "automatic"))], &[eur, usd], &a)
            .applied
            .len(),
        0
    );
}

#[test]
fn code_errors_have_reasons() {
    let d = draft(
        vec![line(1, 1, 1, "10")],
        "0",
        &["nope", "SOON", "old", "full", "picky", "used", "ok", "OK "],
    );
    let mut soon = promo(1, "coupon_code");
    soon.starts_at = Some(at() + chrono::Duration::seconds(1));
    let mut old = promo(2, "coupon_code");
    old.expires_at = Some(at());
    let mut full = promo(3, "coupon_code");
    full.usage_limit = Some(2);
    let picky = promo(4, "coupon_code");
    let mut used = promo(5, "coupon_code");
    used.multi_codes = true;
    let mut starts_now = promo(6, "coupon_code");
    starts_now.starts_at = Some(at());
    let mut full_c = coded(full, "full", 3);
    full_c.usage_count = 2;
    let mut used_c = coded(used, "used", 5);
    used_c.code_usage_count = 1;
    let mut currency = rule(4, "currency");
    currency.currency = Some("EUR".into());
    let e = run(
        &d,
        vec![
            coded(soon, "SOON", 1),
            coded(old, "old", 2),
            full_c,
            coded(picky, "picky", 4),
            used_c,
            coded(starts_now, "ok", 6),
        ],
        &[currency],
        &[action(6, "order_adjustment", Some("flat"), "2")],
    );
    let reasons: Vec<(&str, &str)> = e
        .code_errors
        .iter()
        .map(|c| (c.code.as_str(), c.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("nope", "NOT_FOUND"),
            ("SOON", "NOT_STARTED"),
            ("old", "EXPIRED"),
            ("full", "USAGE_LIMIT_REACHED"),
            ("picky", "RULES_NOT_MET"),
            ("used", "USAGE_LIMIT_REACHED"),
        ]
    );
    assert_eq!(e.applied.len(), 1, "the repeated OK is ignored");
    assert_eq!(e.applied[0].coupon_code_id, Some(6));
    assert_eq!(e.applied[0].order_amount, dec("2"));
}

#[test]
fn usage_below_the_limit_applies() {
    let d = draft(vec![line(1, 1, 1, "10")], "0", &[]);
    let mut p = promo(1, "automatic");
    p.usage_limit = Some(3);
    let mut c = auto(p);
    c.usage_count = 2;
    let e = run(&d, vec![c], &[], &[]);
    assert_eq!(e.applied.len(), 1);
    assert_eq!(e.discount_total, Decimal::ZERO);
}

use super::*;

fn codes(errors: &Errors) -> Vec<(String, String)> {
    errors
        .0
        .iter()
        .map(|e| (e.path.to_string(), e.code.as_str().to_owned()))
        .collect()
}

#[test]
fn item_total_needs_a_bound_and_ordered_bounds() {
    let p = Path::field("r");
    let mut e = Errors::default();
    let mut refs = Refs::default();
    assert!(rule(
        &mut e,
        &mut refs,
        &p,
        &RuleInput {
            kind: "item_total".into(),
            ..Default::default()
        }
    )
    .is_none());
    assert_eq!(codes(&e), vec![("r.amount_min".into(), "REQUIRED".into())]);

    let mut e = Errors::default();
    let r = RuleInput {
        kind: "item_total".into(),
        amount_min: Some(Decimal::from(10)),
        amount_max: Some(Decimal::from(5)),
        currency: Some("USD".into()),
        ..Default::default()
    };
    assert!(rule(&mut e, &mut refs, &p, &r).is_none());
    assert_eq!(
        codes(&e),
        vec![
            ("r.currency".into(), "INVALID".into()),
            ("r.amount_max".into(), "INVALID".into())
        ]
    );

    let mut e = Errors::default();
    let r = RuleInput {
        kind: "ITEM_TOTAL".into(),
        amount_min: Some("-1".parse().unwrap()),
        amount_max: Some("1.00001".parse().unwrap()),
        ..Default::default()
    };
    assert!(rule(&mut e, &mut refs, &p, &r).is_none());
    assert_eq!(
        codes(&e),
        vec![
            ("r.amount_min".into(), "OUT_OF_RANGE".into()),
            ("r.amount_max".into(), "INVALID".into())
        ]
    );
}

#[test]
fn actions_need_their_calculator_values() {
    let p = Path::field("a");
    let mut refs = Refs::default();
    let cases: Vec<(ActionInput, Vec<(&str, &str)>)> = vec![
        (
            ActionInput {
                kind: "order_adjustment".into(),
                ..Default::default()
            },
            vec![("a.calculator", "REQUIRED")],
        ),
        (
            ActionInput {
                kind: "order_adjustment".into(),
                calculator: Some("flat".into()),
                percent: Some(Decimal::ONE),
                ..Default::default()
            },
            vec![("a.percent", "INVALID"), ("a.amount", "REQUIRED")],
        ),
        (
            ActionInput {
                kind: "item_adjustment".into(),
                calculator: Some("percent".into()),
                percent: Some(Decimal::from(101)),
                ..Default::default()
            },
            vec![("a.percent", "OUT_OF_RANGE")],
        ),
        (
            ActionInput {
                kind: "free_delivery".into(),
                amount: Some(Decimal::ONE),
                product_ids: Some(vec![]),
                ..Default::default()
            },
            vec![("a.amount", "INVALID"), ("a.product_ids", "INVALID")],
        ),
        (
            ActionInput {
                kind: "gift".into(),
                ..Default::default()
            },
            vec![("a.kind", "INVALID")],
        ),
        (
            ActionInput {
                kind: "item_adjustment".into(),
                calculator: Some("flat".into()),
                amount: Some(Decimal::ONE),
                product_ids: Some(vec!["cus_x".into()]),
                ..Default::default()
            },
            vec![("a.product_ids.0", "INVALID")],
        ),
    ];
    for (input, expected) in cases {
        let mut e = Errors::default();
        assert!(action(&mut e, &mut refs, &p, &input).is_none(), "{input:?}");
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .collect();
        assert_eq!(codes(&e), expected, "{input:?}");
    }
    let mut e = Errors::default();
    let ok = action(
        &mut e,
        &mut refs,
        &p,
        &ActionInput {
            kind: "item_adjustment".into(),
            calculator: Some("Percent".into()),
            percent: Some("12.5".parse().unwrap()),
            ..Default::default()
        },
    )
    .expect("valid");
    assert_eq!(ok.calculator.as_deref(), Some("percent"));
    assert!(ok.product_ids.is_empty());
}

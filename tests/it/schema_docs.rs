//! Every element of the public schema has a description: types, fields, arguments, input fields
//! and enum values. Admin-SPA and dashboard developers read them in GraphiQL and the SDL.

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{InputValueDefinition, TypeKind, TypeSystemDefinition};
use async_graphql::Positioned;

/// Scalars the GraphQL specification defines; they need no description of ours.
const BUILT_IN_SCALARS: &[&str] = &["Int", "Float", "String", "Boolean", "ID"];

fn described(description: &Option<Positioned<String>>) -> bool {
    description
        .as_ref()
        .is_some_and(|d| !d.node.trim().is_empty())
}

fn check_inputs(
    owner: &str,
    inputs: &[Positioned<InputValueDefinition>],
    missing: &mut Vec<String>,
) {
    for input in inputs {
        let input = &input.node;
        if !described(&input.description) {
            missing.push(format!("{owner}({})", input.name.node));
        }
    }
}

/// Every element of `sdl` without a non-empty description, one per line:
/// `Order` (type), `Order.total` (field or input field), `Query.orders(first)` (argument),
/// `OrderSortField.TOTAL` (enum value).
fn undescribed(sdl: &str) -> Vec<String> {
    let doc = parse_schema(sdl).expect("the SDL parses");
    let mut missing = Vec::new();
    for definition in &doc.definitions {
        let TypeSystemDefinition::Type(ty) = definition else {
            // The schema definition has no description; directive definitions are built in.
            continue;
        };
        let ty = &ty.node;
        let name = ty.name.node.as_str();
        if name.starts_with("__") || BUILT_IN_SCALARS.contains(&name) {
            continue;
        }
        if !described(&ty.description) {
            missing.push(name.to_owned());
        }
        let fields = match &ty.kind {
            TypeKind::Object(o) => &o.fields,
            TypeKind::Interface(i) => &i.fields,
            TypeKind::Enum(e) => {
                for value in &e.values {
                    if !described(&value.node.description) {
                        missing.push(format!("{name}.{}", value.node.value.node));
                    }
                }
                continue;
            }
            TypeKind::InputObject(input) => {
                for field in &input.fields {
                    if !described(&field.node.description) {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                }
                continue;
            }
            TypeKind::Scalar | TypeKind::Union(_) => continue,
        };
        for field in fields {
            let field = &field.node;
            let path = format!("{name}.{}", field.name.node);
            if !described(&field.description) {
                missing.push(path.clone());
            }
            check_inputs(&path, &field.arguments, &mut missing);
        }
    }
    missing
}

#[test]
fn every_schema_element_has_a_description() {
    let missing = undescribed(&commerce_gateway::graphql::sdl());
    assert!(
        missing.is_empty(),
        "{} schema elements have no description:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn the_check_finds_what_is_missing() {
    let sdl = r#"
        "A described type."
        type Query {
            "Described."
            a(x: Int, "Described." y: Int): Int
            b: Int
        }
        type Bare { "Described." f: Int }
        "Described."
        enum E { "Described." A B }
        "Described."
        input I { "Described." p: Int q: Int }
        scalar S
        "   "
        scalar Blank
    "#;
    assert_eq!(
        undescribed(sdl),
        ["Query.a(x)", "Query.b", "Bare", "E.B", "I.q", "S", "Blank"]
    );
}

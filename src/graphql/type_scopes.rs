//! Which read scope each output type belongs to, and from that, which fields of the schema need
//! a scope: scopes guard every edge, not only the roots (DESIGN §6).
//!
//! The rule is stated once, on types: reading a `Customer` needs `customers:read`, wherever it
//! is reached from (a root, an order, a price rule, a mutation payload). [`of_type`] is that
//! table. At schema build, [`Edges::init`] reads the schema's SDL and records, for every field
//! whose type (under any list or non-null wrapper) belongs to an aggregate, the scope it needs.
//! The object-level guard [`crate::graphql::guards::EdgeScope`] on every output type checks
//! that table before any field resolves, so a new field that returns another aggregate's type
//! is guarded without anyone writing a check; a new type is refused (FORBIDDEN on every field
//! that returns it) until it is named here, and the unit tests below fail until then.
//!
//! Two more rules keep a refusal local: a field that crosses from one aggregate into another
//! must be nullable (a refused edge answers null and the rest of the response stays), which the
//! tests below check; and `tests/scope_matrix.rs` walks the schema with every single-scope
//! token to prove the whole of it.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};

use crate::auth::Scope;

/// What reading an output type takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Structural types (pages, payloads, errors, the viewer): what they hold is judged by its
    /// own type. `Node` is open too: `node(id:)` checks the scope of the ID's kind.
    Open,
    /// The read scope of the aggregate the type belongs to.
    Needs(Scope),
}

/// The access of an output type, by GraphQL name; `None` for a type this table does not know.
/// `XConnection` and `XEdge` share the access of `X`.
pub fn of_type(name: &str) -> Option<Access> {
    use Access::{Needs, Open};
    let base = name
        .strip_suffix("Connection")
        .or_else(|| name.strip_suffix("Edge"))
        .unwrap_or(name);
    Some(match base {
        "Customer" | "CustomerGroup" | "Address" | "CustomerStatsBucket" => {
            Needs(Scope::CustomersRead)
        }
        "Order" | "OrderAddress" | "LineItem" | "Payment" | "Fulfillment" | "Discount"
        | "OrderStatsBucket" | "CustomerSpend" => Needs(Scope::OrdersRead),
        "Store"
        | "Brand"
        | "Channel"
        | "StoreContact"
        | "StoreLocation"
        | "StoreChannelConfig"
        | "StoreFulfillment"
        | "FulfillmentPricing"
        | "FulfillmentFee"
        | "FulfillmentAvailability"
        | "WeeklySchedule"
        | "DayHours"
        | "CoverageZone"
        | "GeoPoint"
        | "StorePayments"
        | "StorePaymentMethod"
        | "PaymentProvider"
        | "StoreScheduledOverride"
        | "Shop" => Needs(Scope::StoresRead),
        "Product" | "Variant" | "ProductPublication" => Needs(Scope::CatalogRead),
        // No read scope of its own: who may run migrations may watch them.
        "MigrationBatch" | "MigrationRow" => Needs(Scope::MigrationsWrite),
        "PriceList" | "PriceRule" | "Price" | "PriceQuote" => Needs(Scope::PricingRead),
        "Promotion"
        | "PromotionRule"
        | "PromotionAction"
        | "CouponCode"
        | "PromotionEvaluatePayload"
        | "PromotionEvaluation"
        | "AppliedPromotion"
        | "LineDiscount"
        | "CouponCodeError" => Needs(Scope::PromotionsRead),
        "Query" | "Mutation" | "Node" | "PageInfo" | "UserError" | "Viewer" | "ViewerMerchant" => {
            Open
        }
        // Mutation payloads and their per-item results: the mutation's write scope guards them.
        _ if base.ends_with("Payload") || base.ends_with("Result") => Open,
        _ => return None,
    })
}

/// What a field's type needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Scope(Scope),
    /// The field returns a type [`of_type`] does not know: refused until it is named there.
    Unmapped,
}

/// For each output type, its fields that need a scope (fields of scalars, enums and open
/// types are absent).
#[derive(Debug, Default)]
pub struct EdgeScopes(HashMap<String, Vec<(String, Need)>>);

impl EdgeScopes {
    /// What field `field` of type `parent` needs; `None` when it needs nothing.
    pub fn need(&self, parent: &str, field: &str) -> Option<Need> {
        self.0
            .get(parent)?
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, need)| *need)
    }

    /// Reads the fields of every object and interface type of `sdl`.
    pub fn from_sdl(sdl: &str) -> Result<Self, String> {
        let doc = async_graphql::parser::parse_schema(sdl).map_err(|e| e.to_string())?;
        let composite = composite_types(&doc);
        let mut out = EdgeScopes::default();
        for def in &doc.definitions {
            let TypeSystemDefinition::Type(t) = def else {
                continue;
            };
            let fields = match &t.node.kind {
                TypeKind::Object(o) => &o.fields,
                TypeKind::Interface(i) => &i.fields,
                _ => continue,
            };
            let edges: Vec<(String, Need)> = fields
                .iter()
                .filter_map(|f| {
                    let name = named(&f.node.ty.node);
                    if !composite.contains(name) {
                        return None;
                    }
                    let need = match of_type(name) {
                        Some(Access::Open) => return None,
                        Some(Access::Needs(s)) => Need::Scope(s),
                        None => Need::Unmapped,
                    };
                    Some((f.node.name.node.to_string(), need))
                })
                .collect();
            if !edges.is_empty() {
                out.0.insert(t.node.name.node.to_string(), edges);
            }
        }
        Ok(out)
    }
}

/// The named type under list and non-null wrappers.
pub fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(n) => n.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

/// Names of the object, interface and union types of a document.
fn composite_types(doc: &async_graphql::parser::types::ServiceDocument) -> HashSet<&str> {
    doc.definitions
        .iter()
        .filter_map(|d| match d {
            TypeSystemDefinition::Type(t) => match t.node.kind {
                TypeKind::Object(_) | TypeKind::Interface(_) | TypeKind::Union(_) => {
                    Some(t.node.name.node.as_str())
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The edge table of one schema, kept in that schema's data: filled right after the schema is
/// built (its SDL exists only then) and read by every [`crate::graphql::guards::EdgeScope`].
#[derive(Default)]
pub struct Edges(OnceLock<EdgeScopes>);

impl Edges {
    /// Records the edge table of the schema printed as `sdl` (once: later calls keep it).
    pub fn init(&self, sdl: impl FnOnce() -> String) {
        self.0.get_or_init(|| {
            EdgeScopes::from_sdl(&sdl()).unwrap_or_else(|e| {
                // The SDL is printed by async-graphql itself; failing to parse it is a bug.
                tracing::error!(error = %e, "cannot read the schema's SDL: every edge is refused");
                EdgeScopes::default()
            })
        });
    }
}

/// The edge table of the schema executing `ctx`; `None` before it was recorded.
pub fn edges<'a>(ctx: &async_graphql::Context<'a>) -> Option<&'a EdgeScopes> {
    ctx.data_opt::<Edges>()?.0.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> async_graphql::parser::types::ServiceDocument {
        async_graphql::parser::parse_schema(crate::graphql::sdl()).expect("SDL parses")
    }

    #[test]
    fn every_output_type_has_an_access() {
        let doc = doc();
        let mut unknown: Vec<&str> = composite_types(&doc)
            .into_iter()
            .filter(|n| !n.starts_with("__") && of_type(n).is_none())
            .collect();
        unknown.sort();
        assert!(
            unknown.is_empty(),
            "name these types in type_scopes::of_type: {unknown:?}"
        );
    }

    /// A field from one aggregate into another is nullable, so that a refusal answers null
    /// there instead of nulling the object that holds it.
    #[test]
    fn fields_crossing_aggregates_are_nullable() {
        let doc = doc();
        let mut wrong = Vec::new();
        for def in &doc.definitions {
            let TypeSystemDefinition::Type(t) = def else {
                continue;
            };
            let (TypeKind::Object(o), Some(Access::Needs(parent))) =
                (&t.node.kind, of_type(t.node.name.node.as_str()))
            else {
                continue;
            };
            for f in &o.fields {
                if let Some(Access::Needs(child)) = of_type(named(&f.node.ty.node)) {
                    if child != parent && !f.node.ty.node.nullable {
                        wrong.push(format!("{}.{}", t.node.name.node, f.node.name.node));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "make these fields nullable: {wrong:?}");
    }

    #[test]
    fn edges_are_read_from_the_sdl() {
        let edges = EdgeScopes::from_sdl(&crate::graphql::sdl()).expect("edges");
        let needs = |t: &str, f: &str| edges.need(t, f);
        assert_eq!(
            needs("PriceRule", "customer"),
            Some(Need::Scope(Scope::CustomersRead))
        );
        assert_eq!(
            needs("Channel", "products"),
            Some(Need::Scope(Scope::CatalogRead))
        );
        assert_eq!(
            needs("OrderConnection", "nodes"),
            Some(Need::Scope(Scope::OrdersRead))
        );
        assert_eq!(needs("Order", "total"), None);
        assert_eq!(needs("OrderPayload", "userErrors"), None);
    }
}

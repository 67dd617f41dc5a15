//! Canonical scopes (DESIGN §8) and the Spree and Spark Pay names that map onto them.
//!
//! A `:write` scope implies the matching `:read` scope: a client allowed to change customers may
//! also read them back, as in every commerce platform's admin API.

use std::collections::BTreeSet;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    CustomersRead,
    CustomersWrite,
    OrdersRead,
    OrdersWrite,
    StoresRead,
    StoresWrite,
    CatalogRead,
    CatalogWrite,
    PricingRead,
    PricingWrite,
    PromotionsRead,
    PromotionsWrite,
    MigrationsWrite,
    ExportsRead,
}

impl Scope {
    pub const ALL: [Scope; 14] = [
        Scope::CustomersRead,
        Scope::CustomersWrite,
        Scope::OrdersRead,
        Scope::OrdersWrite,
        Scope::StoresRead,
        Scope::StoresWrite,
        Scope::CatalogRead,
        Scope::CatalogWrite,
        Scope::PricingRead,
        Scope::PricingWrite,
        Scope::PromotionsRead,
        Scope::PromotionsWrite,
        Scope::MigrationsWrite,
        Scope::ExportsRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::CustomersRead => "customers:read",
            Scope::CustomersWrite => "customers:write",
            Scope::OrdersRead => "orders:read",
            Scope::OrdersWrite => "orders:write",
            Scope::StoresRead => "stores:read",
            Scope::StoresWrite => "stores:write",
            Scope::CatalogRead => "catalog:read",
            Scope::CatalogWrite => "catalog:write",
            Scope::PricingRead => "pricing:read",
            Scope::PricingWrite => "pricing:write",
            Scope::PromotionsRead => "promotions:read",
            Scope::PromotionsWrite => "promotions:write",
            Scope::MigrationsWrite => "migrations:write",
            Scope::ExportsRead => "exports:read",
        }
    }

    /// The read scope a write scope implies.
    fn implied(self) -> Option<Scope> {
        match self {
            Scope::CustomersWrite => Some(Scope::CustomersRead),
            Scope::OrdersWrite => Some(Scope::OrdersRead),
            Scope::StoresWrite => Some(Scope::StoresRead),
            Scope::CatalogWrite => Some(Scope::CatalogRead),
            Scope::PricingWrite => Some(Scope::PricingRead),
            Scope::PromotionsWrite => Some(Scope::PromotionsRead),
            _ => None,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses one scope name, canonical, Spree or Spark Pay; a dialect's name may stand for
/// several scopes.
pub fn parse_one(name: &str) -> Option<Vec<Scope>> {
    if let Some(s) = Scope::ALL.into_iter().find(|s| s.as_str() == name) {
        return Some(vec![s]);
    }
    use Scope::*;
    Some(match name {
        "read_customers" => vec![CustomersRead],
        "write_customers" => vec![CustomersWrite],
        "read_orders" => vec![OrdersRead],
        "write_orders" => vec![OrdersWrite],
        "read_products" => vec![CatalogRead, PricingRead],
        "write_products" => vec![CatalogWrite, PricingWrite],
        "read_promotions" => vec![PromotionsRead],
        "write_promotions" => vec![PromotionsWrite],
        "read_settings" | "read_stores" => vec![StoresRead],
        "write_settings" | "write_stores" => vec![StoresWrite],
        "read_reports" => vec![ExportsRead],
        // Spark Pay's names (`read_orders` is Spree's too): people are customers, the catalog
        // is products with their prices, as Spark Pay's products carry `price` and `retail`.
        "read_people" => vec![CustomersRead],
        "people" => vec![CustomersWrite],
        "orders" => vec![OrdersWrite],
        "read_catalog" => vec![CatalogRead, PricingRead],
        "catalog" => vec![CatalogWrite, PricingWrite],
        // Spree's catch-alls: every read of the admin API, or every write (and so every read).
        // Migrations stay explicit: they rewrite history in bulk.
        "read_all" => vec![
            CustomersRead,
            OrdersRead,
            StoresRead,
            CatalogRead,
            PricingRead,
            PromotionsRead,
            ExportsRead,
        ],
        "write_all" => vec![
            CustomersWrite,
            OrdersWrite,
            StoresWrite,
            CatalogWrite,
            PricingWrite,
            PromotionsWrite,
            ExportsRead,
        ],
        _ => return None,
    })
}

/// A set of granted scopes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSet(BTreeSet<Scope>);

impl ScopeSet {
    /// Parses a comma- or space-separated list; an unknown name is an error naming it.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut set = BTreeSet::new();
        for name in list
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let scopes = parse_one(name).ok_or_else(|| format!("unknown scope `{name}`"))?;
            set.extend(scopes);
        }
        Ok(Self(set))
    }

    pub fn from_strings(names: &[String]) -> Self {
        Self(
            names
                .iter()
                .filter_map(|n| parse_one(n))
                .flatten()
                .collect(),
        )
    }

    /// Whether the set grants `scope`, directly or through the write scope that implies it.
    pub fn allows(&self, scope: Scope) -> bool {
        self.0.contains(&scope) || self.0.iter().any(|s| s.implied() == Some(scope))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains_all(&self, other: &ScopeSet) -> bool {
        other.0.iter().all(|s| self.allows(*s))
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(|s| s.as_str().to_owned()).collect()
    }

    /// Space-separated, as OAuth 2.0 writes scopes.
    pub fn to_oauth_string(&self) -> String {
        self.to_strings().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_canonical_and_spree_names() {
        let all = ScopeSet::parse("write_all").unwrap();
        assert!(all.allows(Scope::PromotionsRead) && all.allows(Scope::OrdersWrite));
        assert!(!all.allows(Scope::MigrationsWrite));
        let s = ScopeSet::parse("customers:write,read_orders write_products").unwrap();
        assert!(s.allows(Scope::CustomersRead));
        assert!(s.allows(Scope::OrdersRead));
        assert!(!s.allows(Scope::OrdersWrite));
        assert!(s.allows(Scope::PricingWrite));
        let spark = ScopeSet::parse("read_people orders,catalog").unwrap();
        assert!(spark.allows(Scope::CustomersRead) && !spark.allows(Scope::CustomersWrite));
        assert!(spark.allows(Scope::OrdersWrite) && spark.allows(Scope::OrdersRead));
        assert!(spark.allows(Scope::CatalogWrite) && spark.allows(Scope::PricingWrite));
        let read = ScopeSet::parse("read_catalog").unwrap();
        assert!(read.allows(Scope::PricingRead) && !read.allows(Scope::CatalogWrite));
        assert!(ScopeSet::parse("customers:admin")
            .unwrap_err()
            .contains("customers:admin"));
    }
}

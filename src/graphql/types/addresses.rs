use async_graphql::{Object, ID};
use chrono::{DateTime, Utc};

use crate::domain::customers as dc;
use crate::graphql::guards::EdgeScope;
use crate::ids::{self, Kind};

/// A saved postal address of a customer.
pub struct Address(pub dc::Address);

/// A saved postal address of a customer (`addr_…`); a customer has at most one default billing and one default shipping address.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Address {
    /// Public ID (`addr_…`).
    async fn id(&self) -> ID {
        ID(ids::encode(Kind::Address, self.0.id))
    }
    /// Recipient's given name, at most 100 characters.
    async fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }
    /// Recipient's family name, at most 100 characters.
    async fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }
    /// Company name, at most 100 characters.
    async fn company(&self) -> Option<&str> {
        self.0.company.as_deref()
    }
    /// First address line (street and number), 1–255 characters.
    async fn address1(&self) -> &str {
        &self.0.address1
    }
    /// Second address line (apartment, floor…), at most 255 characters.
    async fn address2(&self) -> Option<&str> {
        self.0.address2.as_deref()
    }
    /// City, 1–100 characters.
    async fn city(&self) -> &str {
        &self.0.city
    }
    /// Postal code as entered, at most 20 characters.
    async fn zipcode(&self) -> Option<&str> {
        self.0.zipcode.as_deref()
    }
    /// State or province name.
    async fn state_name(&self) -> Option<&str> {
        self.0.state_name.as_deref()
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country_code(&self) -> &str {
        &self.0.country_code
    }
    /// Contact phone for deliveries to this address, at most 32 characters.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// Whether this is the customer's default billing address (at most one per customer).
    async fn is_default_billing(&self) -> bool {
        self.0.is_default_billing
    }
    /// Whether this is the customer's default shipping address (at most one per customer).
    async fn is_default_shipping(&self) -> bool {
        self.0.is_default_shipping
    }
    /// When the address was saved.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Send it back as `expectedUpdatedAt` to refuse an update that would overwrite a newer change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

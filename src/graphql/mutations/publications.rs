//! A product's publication on a channel, as `productCreate` and `productUpdate` take it (the
//! rules are in `domain::catalog::commands::products::publications`).

use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::catalog::commands::products::PublicationInput;
use crate::domain::channels::window::Window;

/// A channel to publish the product on, within a window.
#[derive(InputObject, Serialize, Clone)]
pub struct ProductPublicationInput {
    /// The channel (`ch_…`).
    pub channel_id: ID,
    /// When the product goes live on it; omitted: now (a future time schedules it; a
    /// publication already live keeps its start).
    pub published_at: Option<DateTime<Utc>>,
    /// When it comes down, after `publishedAt` (or after now); omitted: never.
    pub unpublished_at: Option<DateTime<Utc>>,
}

impl From<ProductPublicationInput> for PublicationInput {
    fn from(p: ProductPublicationInput) -> Self {
        PublicationInput {
            channel_id: p.channel_id.0,
            window: Window {
                published_at: p.published_at,
                unpublished_at: p.unpublished_at,
            },
        }
    }
}

/// The domain's publications of an input's list.
pub fn publications(list: Option<Vec<ProductPublicationInput>>) -> Option<Vec<PublicationInput>> {
    list.map(|l| l.into_iter().map(Into::into).collect())
}

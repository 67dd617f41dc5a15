//! Root query fields, one object per aggregate, merged into `Query`.

pub mod customers;
pub mod node;
pub mod orders;
pub mod stats;
pub mod viewer;

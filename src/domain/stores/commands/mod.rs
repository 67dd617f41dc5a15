//! Store writes: the Fire spark integrations upsert ([`upsert`], with its input and field checks)
//! and scheduled overrides ([`overrides`]).

pub mod overrides;
pub mod upsert;

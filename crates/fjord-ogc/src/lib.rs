//! fjord-ogc: protocol adapters. Each turns a request into calls on the catalogue and the
//! store and their answers into the protocol's encoding. None reads a file, paints or
//! checks a password itself, and none knows the HTTP framework: a handler in
//! fjord-server hands over the path, the query and the negotiated format, and sends the
//! [`Reply`] back.
//!
//! - [`features`]: OGC API – Features (Part 1 Core, Part 2 CRS by reference).
//! - [`wfs`]: WFS 2.0.0 (KVP GetCapabilities, DescribeFeatureType, GetFeature).

mod error;
pub mod features;
pub mod filter;
mod reply;
pub mod wfs;

pub use error::OgcError;
pub use reply::{Format, Reply};

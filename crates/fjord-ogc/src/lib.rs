//! fjord-ogc: protocol adapters. Each turns a request into calls on the catalogue and the
//! store and their answers into the protocol's encoding, asking fjord-auth's access
//! policy for the caller first. None reads a file, paints or checks a password itself,
//! and none knows the HTTP framework: a handler in
//! fjord-server hands over the path, the query and the negotiated format, and sends the
//! [`Reply`] back.
//!
//! - [`features`]: OGC API – Features (Part 1 Core, Part 2 CRS by reference).
//! - [`features`] also holds Part 3: queryables, `property=value` and CQL2 filters.
//! - [`wfs`]: WFS 2.0.0 by KVP and by POST in XML (capabilities, schema, features,
//!   property values, stored queries), and WFS 1.1.0 for old clients.
//! - [`wms`]: WMS 1.3.0 and 1.1.1 (capabilities, maps drawn by fjord-render, feature
//!   info, legends).
//! - [`wmts`]: WMTS 1.0.0 capabilities and KVP GetTile over the map tiles of `/tiles`.
//! - [`wcs`]: WCS 2.0.1 over the elevation datasets (capabilities, coverage
//!   descriptions, GetCoverage as GeoTIFF or ASCII grid with trims, CRSs and scaling).
//! - [`coverages`]: the coverage windows WCS and OGC API – Coverages share, and OGC API
//!   – Coverages itself (`/collections/{id}/coverage`, its domain set and range type).
//! - [`csw`]: CSW 2.0.2 over the catalogue (Dublin Core and ISO 19139 records, OGC
//!   Filter and CQL constraints).
//! - [`records`]: OGC API – Records Part 1 over the catalogue (`/collections/catalogue`).
//! - [`sld`]: SLD 1.0 / SE 1.1 styles read into native ones, what is left out named.
//! - [`filter`]: the one filter model FES 2.0 and CQL2 both parse into.
//! - [`elevation`]: heights at points, Kartverket's height API shape.
//! - [`area`]: the municipalities an area-limited role reads within, and a mask of them.
//! - [`tiles`]: OGC API – Tiles and XYZ with TileJSON: vector tiles (MVT), PNG map tiles
//!   and a MapLibre style, and terrain tiles (Terrain-RGB, Terrarium) of elevation.

pub mod area;
pub mod coverages;
pub mod csw;
pub mod elevation;
mod error;
pub mod features;
pub mod filter;
pub mod records;
mod reply;
pub mod sld;
mod stream;
pub mod tiles;
pub mod wcs;
pub mod wfs;
pub mod wms;
pub mod wmts;

pub use error::{OgcError, OwsError};
pub use reply::{Body, Format, Producer, Reply, STREAM_AFTER_FEATURES};

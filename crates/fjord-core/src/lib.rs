//! fjord-core: the shared vocabulary every other fjord crate speaks.
//!
//! Nothing here does I/O or HTTP. It names things (dataset and organisation ids), says
//! where things are (CRS with its axis order, bounding boxes, tile matrix sets), what
//! features look like (schema and attribute values), and moves coordinates between
//! CRSs through one small PROJ wrapper.

pub mod bbox;
pub mod crs;
pub mod error;
pub mod id;
pub mod lineage;
pub mod schema;
pub mod time;
pub mod tms;
pub mod transform;
pub mod url;

pub use bbox::BBox;
pub use crs::{AxisOrder, Crs};
pub use error::Error;
pub use id::Slug;
pub use lineage::Lineage;
pub use schema::{Field, FieldType, GeometryKind, Schema, Value};
pub use time::now_rfc3339;
pub use tms::{TileMatrix, TileMatrixSet, TileRange};

/// The CRS everything is stored in: EUREF89 / UTM zone 33N, Norway's national standard.
pub const STORAGE_CRS: Crs = Crs::Epsg(25833);

/// The CRSs every dataset is served in (the services reproject on the fly).
pub const SERVICE_CRS: [Crs; 7] = [
    Crs::Epsg(25832),
    Crs::Epsg(25833),
    Crs::Epsg(25835),
    Crs::Epsg(4258),
    Crs::Epsg(4326),
    Crs::Epsg(3857),
    Crs::Crs84,
];

/// The CRS catalogue bounding boxes are given in: EUREF89 geographic (ETRS89).
pub const CATALOGUE_CRS: Crs = Crs::Epsg(4258);

//! Errors of the shared vocabulary.

/// What can go wrong when naming, parsing or transforming.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A CRS string fjord cannot parse (neither EPSG code nor CRS84 in any usual spelling).
    #[error("invalid CRS '{0}': expected e.g. EPSG:25833, urn:ogc:def:crs:EPSG::4326 or CRS84")]
    InvalidCrs(String),
    /// A well-formed EPSG code that PROJ does not know.
    #[error("unknown CRS {0}")]
    UnknownCrs(String),
    /// A bounding box that is malformed or empty.
    #[error("invalid bbox: {0}")]
    InvalidBbox(String),
    /// PROJ failed to transform coordinates (outside the CRS's area, or no operation).
    #[error("coordinate transformation {from} -> {to} failed: {reason}")]
    Transform {
        /// source CRS
        from: String,
        /// target CRS
        to: String,
        /// PROJ's message
        reason: String,
    },
    /// An identifier with characters or a length fjord does not accept.
    #[error("invalid id '{0}': use 1-64 of a-z, 0-9, '-' and '_', starting with a letter or digit")]
    InvalidId(String),
    /// A tile address outside its tile matrix set.
    #[error("tile {0} is outside the tile matrix set")]
    TileOutOfRange(String),
}

/// Result with the core error.
pub type Result<T> = std::result::Result<T, Error>;

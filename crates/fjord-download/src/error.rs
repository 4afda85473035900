//! Download errors: what the caller did wrong (each with its HTTP meaning) and what
//! failed inside.

/// What can go wrong taking an order or making a file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// the request is malformed or asks for what is not offered (400)
    #[error("{0}")]
    BadRequest(String),
    /// no such dataset, order or file (404)
    #[error("{0}")]
    NotFound(String),
    /// log in first, or again at a higher level (401)
    #[error("{0}")]
    Unauthorized(String),
    /// not for this caller (403)
    #[error("{0}")]
    Forbidden(String),
    /// the link has expired (410)
    #[error("{0}")]
    Gone(String),
    /// the file is not made yet, or failed (409)
    #[error("{0}")]
    NotReady(String),
    /// the downloads database failed
    #[error("downloads database: {0}")]
    Db(#[from] rusqlite::Error),
    /// the catalogue failed
    #[error(transparent)]
    Catalogue(#[from] fjord_catalogue::Error),
    /// the store failed
    #[error(transparent)]
    Store(#[from] fjord_store::Error),
    /// coordinates or CRS problems
    #[error(transparent)]
    Core(#[from] fjord_core::Error),
    /// GDAL could not write a format
    #[error("GDAL: {0}")]
    Gdal(#[from] gdal::errors::GdalError),
    /// a file could not be read or written
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// a zip could not be written
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
}

/// Result with the download error.
pub type Result<T> = std::result::Result<T, Error>;

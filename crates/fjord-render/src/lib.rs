//! fjord-render: turns features and styles into pictures and tiles. It knows nothing of
//! HTTP or of the protocols; fjord-ogc's map and tile adapters call it.
//!
//! - [`style`]: native JSON styles (`styles/`), their rules and symbolizers, and a
//!   default style for every geometry kind.
//! - [`paint`]: painting features onto a pixmap with tiny-skia (anti-aliased), in a
//!   map's pixel space, generalised to the pixel size.
//! - [`raster`]: the batch rasteriser: many shapes in one colour, exact coverage.
//! - [`relief`]: elevation drawn as hillshade, hypsometric colours or slope.
//! - [`painter`]: features drawn with a style's rules at a scale.
//! - [`library`]: the styles on disk, per dataset.
//! - [`legend`]: legend images, a row per rule.
//! - [`maplibre`]: a MapLibre GL style for the vector tiles from a native style.
//! - [`text`]: text as glyph outlines (DejaVu Sans, built in).
//! - [`encode`]: PNG (fast compression), JPEG, WebP.
//! - [`mvt`]: Mapbox Vector Tiles: a tile's features reprojected, cut, simplified and
//!   encoded.

mod clip;
pub mod encode;
pub mod legend;
pub mod library;
pub mod maplibre;
pub mod mvt;
pub mod paint;
pub mod painter;
pub mod raster;
pub mod relief;
pub mod style;
pub mod text;

pub use encode::{encode, ImageFormat};
pub use library::StyleLibrary;
pub use paint::{Canvas, MapView, RenderError};
pub use painter::StylePainter;
pub use style::{Color, Style, Symbolizer};

//! Vector tiles: XYZ under `/tiles` (with TileJSON) and OGC API – Tiles under
//! `/ogcapi`. A tile is located first (access, tile matrix set, range, the version
//! served), then answered from the [`TileCache`](crate::tile_cache::TileCache): 304 when
//! the client has it, from memory without leaving the async runtime, else from disk or
//! cut by fjord-ogc off the runtime.

use crate::app::AppState;
use crate::auth::Ctx;
use crate::ogcapi::{api, base, exception, run, seen};
use crate::tile_cache::{TileFormat, TileKey, MVT, PNG, RELIEF, TERRAIN_RGB, TERRARIUM};
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use fjord_ogc::tiles::{self, Holding, TerrainEncoding, TileAddress};
use fjord_ogc::OgcError;

type Params = Vec<(String, String)>;

/// A tile as a request names it: collection, tile matrix set, level, row, column.
pub(crate) struct TilePath {
    pub id: String,
    pub tms: String,
    pub z: String,
    pub row: String,
    pub col: String,
}

/// Find a requested tile of a dataset holding `what`: access, tile matrix set, range
/// and the version served, from the record cache without leaving the runtime when it can.
pub(crate) async fn locate(state: &AppState, t: TilePath, what: Holding) -> Result<TileAddress, OgcError> {
    let TilePath { id, tms, z, row, col } = t;
    let cached = tiles::locate_cached(&api(state, String::new(), String::new()), &id, what, (&tms, &z, &row, &col))?;
    if let Some(at) = cached {
        return Ok(at);
    }
    state
        .blocking(move |s| tiles::locate(&api(s, String::new(), String::new()), &id, what, (&tms, &z, &row, &col)))
        .await
        .map_err(OgcError::internal)?
}

/// The terrain encoding of a tile format, `None` for vector and map tiles.
fn terrain_encoding(format: TileFormat) -> Option<TerrainEncoding> {
    match format {
        TERRAIN_RGB => Some(TerrainEncoding::TerrainRgb),
        TERRARIUM => Some(TerrainEncoding::Terrarium),
        _ => None,
    }
}

/// The style a map tile format is drawn in (`""` for the layer's default), `None` for
/// vector and terrain tiles.
pub(crate) fn map_style(format: TileFormat) -> Option<&'static str> {
    match format {
        PNG => Some(""),
        f if RELIEF.contains(&f) => f.ext.strip_suffix(".png"),
        _ => None,
    }
}

/// What a dataset must hold to have tiles in `format`.
fn holding(format: TileFormat) -> Holding {
    match (format, terrain_encoding(format)) {
        (_, Some(_)) => Holding::Elevation,
        (MVT, None) => Holding::Features,
        _ => Holding::Either,
    }
}

/// A requested tile in `format`, or the OGC API exception saying why not.
async fn tile(state: AppState, headers: HeaderMap, t: TilePath, format: TileFormat) -> Response {
    match locate(&state, t, holding(format)).await {
        Ok(at) => serve(state, headers, at, format).await,
        Err(e) => exception(e),
    }
}

/// A located tile with caching headers: 304 when the client has it, else from the
/// cache or made.
pub(crate) async fn serve(state: AppState, headers: HeaderMap, at: TileAddress, format: TileFormat) -> Response {
    let max_age = state.config.tiles.max_age_secs;
    let Ok(etag) = HeaderValue::from_str(&at.etag()) else {
        return exception(OgcError::internal("a tile's entity tag is not a header value"));
    };
    // tiles of data that is not open must not be kept by shared caches
    let scope = if at.open { "public" } else { "private" };
    let cache_control = HeaderValue::from_str(&format!("{scope}, max-age={max_age}")).ok();
    if seen(&etag, &headers) {
        let mut res = (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
        if let Some(cc) = cache_control {
            res.headers_mut().insert(header::CACHE_CONTROL, cc);
        }
        return res;
    }
    let key = TileKey::of(&at, format);
    // a tile clipped to a caller's area is cut for them and kept by no cache
    let cached = if at.area.is_some() { None } else { state.tiles.get(&key) };
    let bytes = match cached {
        Some(bytes) => bytes,
        None => {
            // the request timeout, here rather than as a layer (see `app::router`)
            let deadline = std::time::Duration::from_secs(state.config.server.request_timeout_secs.max(1));
            let made = state.blocking(move |s| {
                let cut = || match (terrain_encoding(format), map_style(format)) {
                    (Some(encoding), _) => tiles::terrain(&api(s, String::new(), String::new()), &at, encoding),
                    (None, Some(style)) => tiles::png(&api(s, String::new(), String::new()), &at, style),
                    (None, None) => tiles::mvt(&s.store, &at),
                };
                if at.area.is_some() {
                    cut().map(axum::body::Bytes::from)
                } else {
                    s.tiles.fill(&key, cut)
                }
            });
            match tokio::time::timeout(deadline, made).await {
                Ok(Ok(Ok(bytes))) => bytes,
                Ok(Ok(Err(e))) => return exception(e),
                Ok(Err(e)) => return exception(OgcError::internal(e)),
                Err(_) => {
                    let late = "the tile took longer than the request timeout; try again shortly";
                    return exception(OgcError { status: 503, code: "ServiceUnavailable", description: late.into() });
                }
            }
        }
    };
    let mut res = (StatusCode::OK, [(header::CONTENT_TYPE, format.content_type)], bytes).into_response();
    res.headers_mut().insert(header::ETAG, etag);
    if let Some(cc) = cache_control {
        res.headers_mut().insert(header::CACHE_CONTROL, cc);
    }
    res
}

/// The row and the format of an XYZ tile's last path segment (`293.mvt`, `293.pbf`,
/// `293.png`, `293` for a vector tile; `293.hillshade.png` and the other relief styles
/// for an elevation dataset's map tiles).
fn row_of(file: &str) -> Result<(String, TileFormat), OgcError> {
    let (y, ext) = file.split_once('.').unwrap_or((file, "mvt"));
    let format = match ext {
        "mvt" | "pbf" => MVT,
        "png" => PNG,
        "terrain-rgb.png" | "mapbox.png" => TERRAIN_RGB,
        "terrarium.png" => TERRARIUM,
        other => RELIEF.into_iter().find(|f| f.ext == other).ok_or_else(|| {
            OgcError::not_found(format!(
                "tiles are offered as .mvt, .pbf or .png, and elevation as .hillshade.png, .hypsometric.png, \
                 .slope.png, .terrain-rgb.png or .terrarium.png, not .{other}"
            ))
        })?,
    };
    Ok((y.to_string(), format))
}

/// `GET /tiles/{layer}/{tileMatrixSet}/{z}/{x}/{y}.mvt` (also `.pbf`, `.png` for map
/// tiles, and for an elevation dataset `.hillshade.png`, `.hypsometric.png`,
/// `.slope.png` and terrain as `.terrain-rgb.png` or `.terrarium.png`)
pub async fn xyz(
    Ctx(s): Ctx,
    Path((layer, tms, z, x, file)): Path<(String, String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    match row_of(&file) {
        Ok((row, format)) => tile(s, headers, TilePath { id: layer, tms, z, row, col: x }, format).await,
        Err(e) => exception(e),
    }
}

/// `GET /tiles/{layer}/{z}/{x}/{y}`: WebMercatorQuad, as martin and most XYZ servers
/// spell it.
pub async fn xyz_web_mercator(
    Ctx(s): Ctx,
    Path((layer, z, x, file)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    match row_of(&file) {
        Ok((row, format)) => {
            tile(s, headers, TilePath { id: layer, tms: "WebMercatorQuad".into(), z, row, col: x }, format).await
        }
        Err(e) => exception(e),
    }
}

/// `GET /tiles/{layer}/{tileMatrixSet}/tilejson.json`
pub async fn tilejson(Ctx(s): Ctx, Path((layer, tms)): Path<(String, String)>, headers: HeaderMap) -> Response {
    let xyz = base(&headers, "/tiles");
    run(s, headers, Vec::new(), false, move |api, _, _| tiles::tilejson(api, &xyz, &layer, &tms)).await
}

/// `GET /tiles/{layer}/{tileMatrixSet}/style.json[?style=NAME]`: a MapLibre GL style
/// for the layer's vector tiles
pub async fn maplibre(
    Ctx(s): Ctx,
    Path((layer, tms)): Path<(String, String)>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    let xyz = base(&headers, "/tiles");
    let style = p.iter().find(|(k, _)| k == "style").map(|(_, v)| v.clone()).unwrap_or_default();
    run(s, headers, Vec::new(), false, move |api, _, _| tiles::maplibre_style(api, &xyz, &layer, &tms, &style)).await
}

/// `GET /ogcapi/collections/{id}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}`
pub async fn ogc_tile(
    Ctx(s): Ctx,
    Path((id, tms, z, row, col)): Path<(String, String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    tile(s, headers, TilePath { id, tms, z, row, col }, MVT).await
}

/// `GET /ogcapi/tileMatrixSets`
pub async fn matrix_sets(Ctx(s): Ctx, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    run(s, headers, p, false, |api, _, _| Ok(tiles::tile_matrix_sets(api))).await
}

/// `GET /ogcapi/tileMatrixSets/{tileMatrixSetId}`
pub async fn matrix_set(Ctx(s): Ctx, Path(id): Path<String>, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    run(s, headers, p, false, move |api, _, _| tiles::tile_matrix_set(api, &id)).await
}

/// `GET /ogcapi/collections/{id}/tiles`
pub async fn tilesets(Ctx(s): Ctx, Path(id): Path<String>, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    run(s, headers, p, false, move |api, _, _| tiles::tilesets(api, &id)).await
}

/// `GET /ogcapi/collections/{id}/tiles/{tileMatrixSetId}`
pub async fn tileset(
    Ctx(s): Ctx,
    Path((id, tms)): Path<(String, String)>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    run(s, headers, p, false, move |api, _, _| tiles::tileset(api, &id, &tms)).await
}

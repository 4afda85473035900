//! `/wmts`: WMTS 1.0.0 by KVP (`?SERVICE=WMTS&REQUEST=...`) and RESTful
//! (`/wmts/1.0.0/{layer}/{style}/{tileMatrixSet}/{z}/{row}/{col}.png`). A tile request is
//! checked here (OWS exceptions), then answered as `/tiles` answers a PNG map tile.

use crate::app::AppState;
use crate::auth::Ctx;
use crate::ogcapi::{api, base, send};
use crate::tile_cache::{TileFormat, PNG, RELIEF};
use crate::tiles::{locate, serve, TilePath};
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fjord_ogc::tiles::Holding;
use fjord_ogc::wmts::{self, GetTile, Request, WmtsError};

fn exception(mut e: WmtsError) -> Response {
    if e.status >= 500 {
        tracing::error!(text = %e.text, "wmts failed");
        e.text = "internal error; it has been logged".into();
    } else {
        tracing::info!(code = e.code, locator = %e.locator, text = %e.text, "wmts request refused");
    }
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, [(header::CONTENT_TYPE, "application/xml")], e.report()).into_response()
}

/// Answer a checked tile request: OWS exceptions for a layer, set or tile that is not
/// there, else the map tile.
async fn get_tile(state: AppState, headers: HeaderMap, t: GetTile) -> Response {
    let Some(format) = style_format(&t.style) else {
        return exception(WmtsError {
            status: 400,
            code: "InvalidParameterValue",
            locator: "STYLE".into(),
            text: format!("'{}': tiles are drawn in style default, or hillshade, hypsometric or slope", t.style),
        });
    };
    // the default style of any layer, a relief style of an elevation layer only
    let what = if format == PNG { Holding::Either } else { Holding::Elevation };
    let (layer, style) = (t.layer.clone(), t.style.clone());
    let path = TilePath { id: t.layer, tms: t.tms, z: t.z, row: t.row, col: t.col };
    match locate(&state, path, what).await {
        Ok(at) => serve(state, headers, at, format).await,
        Err(e) if e.status == 404 && e.description.contains("holds features") => exception(WmtsError {
            status: 400,
            code: "InvalidParameterValue",
            locator: "STYLE".into(),
            text: format!("layer '{layer}' has no style '{style}'; it has default"),
        }),
        Err(e) => {
            let (code, locator) = match e.status {
                404 if e.description.starts_with("no collection") => ("InvalidParameterValue", "LAYER"),
                404 if e.description.starts_with("no tile matrix set") => ("InvalidParameterValue", "TILEMATRIXSET"),
                404 => ("TileOutOfRange", "TILEMATRIX"),
                s if s >= 500 => ("NoApplicableCode", ""),
                _ => ("InvalidParameterValue", "TILEMATRIX"),
            };
            exception(WmtsError { status: e.status, code, locator: locator.into(), text: e.description })
        }
    }
}

/// The tile format of a WMTS style: `default` (or empty) for any layer's default style,
/// a relief style's name for an elevation layer.
fn style_format(style: &str) -> Option<TileFormat> {
    if style.is_empty() || style.eq_ignore_ascii_case("default") {
        return Some(PNG);
    }
    RELIEF.into_iter().find(|f| f.ext.strip_suffix(".png").is_some_and(|s| s.eq_ignore_ascii_case(style)))
}

/// `GET /wmts?SERVICE=WMTS&REQUEST=GetCapabilities|GetTile...`
pub async fn kvp(Ctx(state): Ctx, headers: HeaderMap, Query(params): Query<Vec<(String, String)>>) -> Response {
    match wmts::parse(&params) {
        Ok(Request::Capabilities) => {
            let base = base(&headers, "/wmts");
            match state.blocking(move |s| wmts::capabilities(&api(s, base.clone(), base.clone()), &base)).await {
                Ok(Ok(reply)) => send(reply, &headers),
                Ok(Err(e)) => exception(WmtsError {
                    status: e.status,
                    code: "NoApplicableCode",
                    locator: String::new(),
                    text: e.description,
                }),
                Err(e) => {
                    exception(WmtsError { status: 500, code: "NoApplicableCode", locator: String::new(), text: e })
                }
            }
        }
        Ok(Request::Tile(t)) => get_tile(state, headers, t).await,
        Err(e) => exception(e),
    }
}

/// `GET /wmts/1.0.0/{layer}/{style}/{tileMatrixSet}/{z}/{row}/{col}.png`
pub async fn rest(
    Ctx(state): Ctx,
    Path((layer, style, tms, z, row, file)): Path<(String, String, String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(col) = file.strip_suffix(".png") else {
        return exception(WmtsError {
            status: 400,
            code: "InvalidParameterValue",
            locator: "FORMAT".into(),
            text: format!("'{file}': tiles are .png"),
        });
    };
    get_tile(state, headers, GetTile { layer, style, tms, z, row, col: col.to_string() }).await
}

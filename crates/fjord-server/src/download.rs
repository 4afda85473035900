//! The bulk download service's HTTP side: GeoNorge's Download API (v3 at `/api/...`,
//! v2 at `/api/v2/...`), the direct file links, download statistics and the INSPIRE
//! ATOM feeds. Orders and files are fjord-download's; this module parses, asks it off the
//! async runtime, and answers in GeoNorge's JSON (problem details for errors).

mod send;

use crate::app::AppState;
use crate::auth::Ctx;
use crate::problem::Problem;
use axum::extract::{ConnectInfo, Path};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use fjord_catalogue::{Access, Record};
use fjord_download::db::FileRow;
use fjord_download::order::OrderRequest;
use fjord_download::{api, Error};
use serde_json::{json, Value};
use std::net::SocketAddr;

impl From<Error> for Problem {
    fn from(e: Error) -> Problem {
        let status = match &e {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::Gone(_) => StatusCode::GONE,
            Error::NotReady(_) => StatusCode::CONFLICT,
            _ => return Problem::internal(e),
        };
        Problem { status, detail: e.to_string() }
    }
}

/// A request body; one that cannot be read (over the size limit, cut off) is answered
/// as a problem, not axum's plain text.
type Body = Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>;

/// The bytes of a body, or the problem of one that could not be read.
fn bytes_of(body: Body) -> Result<axum::body::Bytes, Problem> {
    body.map_err(|e| Problem { status: e.status(), detail: e.body_text() })
}

/// Run download work off the runtime; its errors as problems.
async fn run<T: Send + 'static>(
    s: &AppState,
    work: impl FnOnce(&AppState) -> fjord_download::Result<T> + Send + 'static,
) -> Result<T, Problem> {
    s.blocking(work).await.map_err(Problem::internal)?.map_err(Problem::from)
}

/// The API root the request came to: `http://host/api` or `http://host/api/v2`.
fn api_root(headers: &HeaderMap, uri: &Uri) -> String {
    let prefix = if uri.path().starts_with("/api/v2/") { "/api/v2" } else { "/api" };
    crate::ogcapi::base(headers, prefix)
}

/// Whether the client asked for XML rather than JSON.
fn wants_xml(headers: &HeaderMap) -> bool {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    accept.contains("xml") && !accept.contains("json")
}

/// A JSON value as XML: objects as elements named by their keys, arrays as repeated
/// `item`s, nulls left out.
fn xml(name: &str, v: &Value, out: &mut String) {
    let name: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    match v {
        Value::Null => {}
        Value::Object(m) => {
            out.push_str(&format!("<{name}>"));
            for (k, v) in m {
                xml(k, v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Array(items) => {
            out.push_str(&format!("<{name}>"));
            for v in items {
                xml("item", v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", crate::home::esc(s))),
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

/// JSON, or XML when the client asks for it.
fn negotiated(headers: &HeaderMap, root: &str, body: Value) -> Response {
    if wants_xml(headers) {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml(root, &body, &mut out);
        return ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], out).into_response();
    }
    axum::Json(body).into_response()
}

/// `GET /api/capabilities/{metadataUuid}`: public for every dataset (a restricted one
/// names the role it needs).
pub async fn capabilities(Ctx(s): Ctx, headers: HeaderMap, uri: Uri, Path(uuid): Path<String>) -> Response {
    let root = api_root(&headers, &uri);
    match run(&s, move |s| s.downloads.dataset(&uuid)).await {
        Ok((record, _)) => negotiated(&headers, "Capabilities", api::capabilities(&record, &root)),
        Err(p) => p.into_response(),
    }
}

/// `GET /api/codelists/{area|projection|format}/{metadataUuid}`: 401 for a restricted
/// dataset without credentials.
pub async fn codelist(Ctx(s): Ctx, headers: HeaderMap, Path((list, uuid)): Path<(String, String)>) -> Response {
    let caller = s.caller.clone();
    let listed = run(&s, move |s| {
        let (record, _) = s.downloads.dataset(&uuid)?;
        fjord_download::order::allowed(&caller, &record)?;
        let offer = s.downloads.offer(&record)?;
        match list.as_str() {
            "area" => Ok(api::areas(&offer)),
            "projection" => Ok(api::projections(&offer)),
            "format" => Ok(api::formats(&offer)),
            other => Err(Error::NotFound(format!("no codelist '{other}'; there are area, projection and format"))),
        }
    })
    .await;
    match listed {
        Ok(body) => negotiated(&headers, "Codelist", body),
        Err(p) => p.into_response(),
    }
}

/// The receipt of an order the caller may see.
async fn receipt(s: &AppState, reference: String, root: String) -> Result<Value, Problem> {
    let caller = s.caller.clone();
    run(s, move |s| {
        let order = s.downloads.order_for(&caller, &reference)?;
        let mut files = Vec::new();
        for f in s.downloads.db.order_files(&reference)? {
            let title = s.catalogue.get(&f.spec.record)?.map(|r| r.title).unwrap_or_default();
            files.push((f, title));
        }
        let projections = fjord_download::offer::Projection::named(&s.catalogue)?;
        Ok(api::receipt(&order, &files, &projections, &root))
    })
    .await
}

/// `POST /api/order`: check the order whole, queue its files, answer the receipt.
pub async fn order(Ctx(s): Ctx, headers: HeaderMap, uri: Uri, body: Body) -> Result<Response, Problem> {
    let req: OrderRequest = serde_json::from_slice(&bytes_of(body)?)
        .map_err(|e| Problem::bad_request(format!("the order is not GeoNorge's order JSON: {e}")))?;
    let caller = s.caller.clone();
    let reference = run(&s, move |s| s.downloads.take(&caller, &req)).await?;
    Ok(axum::Json(receipt(&s, reference, api_root(&headers, &uri)).await?).into_response())
}

/// `GET /api/order/{referenceNumber}`: the receipt, as a page for a browser.
pub async fn order_status(Ctx(s): Ctx, headers: HeaderMap, uri: Uri, Path(reference): Path<String>) -> Response {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let html = accept.contains("text/html");
    match receipt(&s, reference, api_root(&headers, &uri)).await {
        Ok(body) if html => crate::pages::order::page(&uri, &headers, &body),
        Ok(body) => axum::Json(body).into_response(),
        Err(p) if html => crate::pages::order::refused(&uri, &headers, &p),
        Err(p) => p.into_response(),
    }
}

/// `PUT /api/order/{referenceNumber}` with `{"downloadAsBundle": true}`.
pub async fn order_update(
    Ctx(s): Ctx,
    headers: HeaderMap,
    uri: Uri,
    Path(reference): Path<String>,
    body: Body,
) -> Result<Response, Problem> {
    let asked: Value = serde_json::from_slice(&bytes_of(body)?).unwrap_or(Value::Null);
    if asked["downloadAsBundle"] != Value::Bool(true) {
        return Err(Problem::bad_request("send {\"downloadAsBundle\": true} to pack the order's files in one zip"));
    }
    let (caller, r) = (s.caller.clone(), reference.clone());
    run(&s, move |s| s.downloads.ask_bundle(&caller, &r)).await?;
    Ok(axum::Json(receipt(&s, reference, api_root(&headers, &uri)).await?).into_response())
}

/// Send a file, auditing the download when its dataset is restricted.
async fn deliver(s: &AppState, file: &FileRow, record: &Record, from: &SocketAddr, headers: &HeaderMap) -> Response {
    let (Some(path), Some(sha256)) = (&file.path, &file.sha256) else {
        return Problem::internal(format!("file {} is ready without a path", file.key)).into_response();
    };
    if record.access != Access::Open {
        audit(s, &format!("{} {}", record.uuid, file.spec.name), from);
    }
    let sendable = send::Sendable { path, name: &file.spec.name, sha256 };
    send::send(sendable, headers).await
}

/// An audit entry for a restricted download, written off the runtime.
fn audit(s: &AppState, what: &str, from: &SocketAddr) {
    let who = s.caller.subject.clone().unwrap_or_else(|| "-".into());
    let (ids, what, from) = (s.identities.clone(), what.to_string(), from.ip().to_string());
    tokio::task::spawn_blocking(move || {
        if let Err(e) = ids.audit(&fjord_auth::AuditEntry::new(&who, "download", &what, &from, "ok")) {
            tracing::error!(error = %e, "the audit log could not be written");
        }
    });
}

/// `GET /api/download/order/{referenceNumber}/{fileId}` (and `.../bundle`).
pub async fn order_download(
    Ctx(s): Ctx,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((reference, file_id)): Path<(String, String)>,
) -> Response {
    let caller = s.caller.clone();
    if file_id == "bundle" {
        let r = reference.clone();
        return match run(&s, move |s| s.downloads.bundle(&caller, &r)).await {
            Ok(made) => {
                let name = format!("{reference}.zip");
                send::send(send::Sendable { path: &made.path, name: &name, sha256: &made.sha256 }, &headers).await
            }
            Err(p) => p.into_response(),
        };
    }
    match run(&s, move |s| s.downloads.order_file(&caller, &reference, &file_id)).await {
        Ok((file, record)) => deliver(&s, &file, &record, &from, &headers).await,
        Err(p) => p.into_response(),
    }
}

/// `GET /api/download/file/{datasetUuid}/{fileUuid}`: the stable direct link.
pub async fn direct_download(
    Ctx(s): Ctx,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((dataset, file)): Path<(String, String)>,
) -> Response {
    let caller = s.caller.clone();
    match run(&s, move |s| s.downloads.direct_file(&caller, &dataset, &file)).await {
        Ok((file, record)) => deliver(&s, &file, &record, &from, &headers).await,
        Err(p) => p.into_response(),
    }
}

/// `POST /api/can-download` with `metadataUuid`, `coordinates`, `coordinateSystem`:
/// whether the polygon may be clipped, with a message when not.
pub async fn can_download(Ctx(s): Ctx, body: Body) -> Result<Response, Problem> {
    let asked: Value = serde_json::from_slice(&bytes_of(body)?)
        .map_err(|e| Problem::bad_request(format!("the body is not JSON: {e}")))?;
    let text = |k: &str, alt: &str| asked[k].as_str().or(asked[alt].as_str()).unwrap_or("").to_string();
    let (uuid, coordinates, crs) = (
        text("metadataUuid", "metadatauuid"),
        text("coordinates", "coordinates"),
        text("coordinateSystem", "coordinatesystem"),
    );
    let answer = run(&s, move |s| {
        s.downloads.dataset(&uuid)?;
        Ok(match fjord_download::clip::polygon(&coordinates, &crs, s.downloads.settings.max_clip_km2) {
            Ok(_) => json!({ "canDownload": true }),
            Err(Error::BadRequest(why)) => json!({ "canDownload": false, "message": why }),
            Err(e) => return Err(e),
        })
    })
    .await?;
    Ok(axum::Json(answer).into_response())
}

/// The file of an upload: the first part of a `multipart/form-data` body that carries
/// a file (with its file name), else the whole body (named by `?filename=`).
fn uploaded_file(headers: &HeaderMap, query: &[(String, String)], body: &[u8]) -> Result<(Vec<u8>, String), Problem> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let named = query.iter().find(|(k, _)| k == "filename").map(|(_, v)| v.clone()).unwrap_or_default();
    let Some(boundary) = ct.strip_prefix("multipart/form-data").and_then(|r| r.split("boundary=").nth(1)) else {
        return Ok((body.to_vec(), named));
    };
    let delimiter = format!("--{}", boundary.trim_matches('"'));
    let bad = || Problem::bad_request("the multipart body has no file part");
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
    };
    let mut at = find(body, delimiter.as_bytes(), 0).ok_or_else(bad)?;
    loop {
        let head_start = at + delimiter.len();
        let head_end = find(body, b"\r\n\r\n", head_start).ok_or_else(bad)?;
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), head_end).ok_or_else(bad)?;
        let head = String::from_utf8_lossy(&body[head_start..head_end]);
        if let Some(name) = head.split("filename=\"").nth(1).and_then(|r| r.split('"').next()) {
            return Ok((body[head_end + 4..next].to_vec(), name.to_string()));
        }
        at = next + 2;
    }
}

/// `POST /api/validate-clipperfile/{metadataUuid}`: a clip polygon as a file (GeoJSON,
/// GeoPackage, FlatGeobuf, GML, SOSI, zipped Shapefile), in a form or as the body; its
/// id for an order line's `clipperFile`, its ring and area; 400 saying what is wrong.
pub async fn validate_clipper(
    Ctx(s): Ctx,
    headers: HeaderMap,
    Path(uuid): Path<String>,
    axum::extract::Query(query): axum::extract::Query<Vec<(String, String)>>,
    body: Body,
) -> Result<Response, Problem> {
    let (bytes, name) = uploaded_file(&headers, &query, &bytes_of(body)?)?;
    let c = run(&s, move |s| {
        s.downloads.dataset(&uuid)?;
        s.downloads.clipper(&bytes, &name)
    })
    .await?;
    Ok(axum::Json(json!({
        "valid": true,
        "clipperFile": c.id,
        "coordinates": c.coordinates,
        "coordinateSystem": fjord_core::STORAGE_CRS.epsg().unwrap_or(25833).to_string(),
        "areaKm2": c.km2,
    }))
    .into_response())
}

/// `GET /api/statistics/{metadataUuid}`: orders and downloads of a dataset, for members
/// of the organisation that owns it (and administrators).
pub async fn statistics(Ctx(s): Ctx, Path(uuid): Path<String>) -> Response {
    let caller = s.caller.clone();
    let stats = run(&s, move |s| {
        let (record, _) = s.downloads.dataset(&uuid)?;
        let owner = &record.organisation.id;
        if caller.subject.is_none() {
            return Err(Error::Unauthorized(format!("log in as a member of '{owner}' to read its statistics")));
        }
        if !caller.admin && !caller.memberships.iter().any(|m| &m.org == owner) {
            return Err(Error::Forbidden(format!("only members of '{owner}' read the statistics of {uuid}")));
        }
        s.downloads.db.statistics(&uuid)
    })
    .await;
    match stats {
        Ok(v) => axum::Json(v).into_response(),
        Err(p) => p.into_response(),
    }
}

fn atom(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], body).into_response()
}

/// `GET /atom/Tjenestefeed.xml`: the service feed of every open dataset.
pub async fn service_feed(Ctx(s): Ctx, headers: HeaderMap) -> Response {
    let (feeds, root) = (crate::ogcapi::base(&headers, "/atom"), crate::ogcapi::base(&headers, "/api"));
    let feed = run(&s, move |s| {
        let mut open = Vec::new();
        for id in s.store.datasets()? {
            if let Some(r) = s.catalogue.by_dataset(id.as_str())?.filter(|r| r.access == Access::Open) {
                open.push(r);
            }
        }
        Ok(fjord_download::atom::service_feed(&open, &feeds, &root))
    })
    .await;
    match feed {
        Ok(body) => atom(body),
        Err(p) => p.into_response(),
    }
}

/// `GET /atom/{metadataUuid}.xml`: a dataset feed, an entry per file.
pub async fn dataset_feed(Ctx(s): Ctx, headers: HeaderMap, Path(name): Path<String>) -> Response {
    let Some(uuid) = name.strip_suffix(".xml").map(str::to_string) else {
        return Problem::not_found(format!("no feed '{name}'; feeds are /atom/{{metadataUuid}}.xml")).into_response();
    };
    if uuid == "Tjenestefeed" {
        return service_feed(Ctx(s), headers).await;
    }
    let (feeds, root) = (crate::ogcapi::base(&headers, "/atom"), crate::ogcapi::base(&headers, "/api"));
    let caller = s.caller.clone();
    let feed = run(&s, move |s| {
        let (record, version) = s.downloads.dataset(&uuid)?;
        fjord_download::order::allowed(&caller, &record)?;
        let mut files = Vec::new();
        for spec in s.downloads.standard_files(&record, version)? {
            let made = s.downloads.db.file(&spec.key())?.and_then(|f| f.made).map(fjord_core::time::rfc3339);
            files.push((spec, made));
        }
        let projections = fjord_download::offer::Projection::named(&s.catalogue)?;
        Ok(fjord_download::atom::dataset_feed(&record, &files, &projections, &feeds, &root))
    })
    .await;
    match feed {
        Ok(body) => atom(body),
        Err(p) => p.into_response(),
    }
}

/// The download routes: GeoNorge's API at `/api` (v3) and `/api/v2`, the statistics
/// and the ATOM feeds.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    let mut r = axum::Router::new();
    for v in ["/api", "/api/v2"] {
        r = r
            .route(&format!("{v}/capabilities/{{uuid}}"), get(capabilities))
            .route(&format!("{v}/codelists/{{list}}/{{uuid}}"), get(codelist))
            .route(&format!("{v}/order"), post(order))
            .route(&format!("{v}/order/{{reference}}"), get(order_status).put(order_update))
            .route(&format!("{v}/download/order/{{reference}}/{{file}}"), get(order_download))
            .route(&format!("{v}/download/file/{{dataset}}/{{file}}"), get(direct_download))
            .route(&format!("{v}/can-download"), post(can_download))
            .route(
                &format!("{v}/validate-clipperfile/{{uuid}}"),
                // a clipper file may be larger than axum's default body limit
                post(validate_clipper).layer(axum::extract::DefaultBodyLimit::max(
                    fjord_download::clipper::MAX_BYTES as usize + (64 << 10),
                )),
            );
    }
    r.route("/api/statistics/{uuid}", get(statistics)).route("/atom/{feed}", get(dataset_feed))
}

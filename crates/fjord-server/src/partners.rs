//! The partner upload API: an organisation's uploader (a member with the uploader role,
//! or its system with scope `fjord:upload`) sends a file, follows its validation,
//! publishes it as a new version, or rolls a dataset back.
//!
//! `POST /api/partners/{org}/datasets/{id}/uploads?filename=NAME[&length=BYTES]` takes
//! the body as the file; with `length` the file may come in pieces, each further one by
//! `PATCH .../uploads/{uid}` with `Upload-Offset: <bytes received so far>`. A body over
//! the limit is refused with 413 and nothing is kept; a one-piece upload cut off is
//! dropped, a resumable one keeps what arrived whole.

use crate::app::AppState;
use crate::auth::Ctx;
use crate::problem::Problem;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fjord_core::Slug;
use fjord_ingest::uploads::{Status, Upload};
use futures_util::StreamExt;
use serde_json::json;
use std::net::SocketAddr;
use tokio::io::AsyncWriteExt;

type Params = Vec<(String, String)>;

fn problem(status: StatusCode, detail: impl Into<String>) -> Response {
    Problem { status, detail: detail.into() }.into_response()
}

/// The organisation and dataset of a path, and whether the caller may upload for them:
/// 401 anonymous, 403 not theirs (also when the dataset belongs to another organisation).
async fn allowed(s: &AppState, org: &str, dataset: &str) -> Result<(Slug, Slug), Response> {
    let (Ok(org_slug), Ok(ds)) = (Slug::new(org), Slug::new(dataset)) else {
        return Err(problem(StatusCode::NOT_FOUND, "no such organisation or dataset id"));
    };
    if s.caller.subject.is_none() {
        let why = s.caller.refused.clone().unwrap_or_else(|| "log in: a bearer token or HTTP Basic".into());
        return Err(problem(StatusCode::UNAUTHORIZED, why));
    }
    if !s.caller.may_upload(org) {
        return Err(problem(StatusCode::FORBIDDEN, format!("you may not upload for '{org}'")));
    }
    let id = ds.to_string();
    let owner =
        s.blocking(move |s| s.catalogue.by_dataset(&id)).await.map_err(|e| Problem::internal(e).into_response())?;
    match owner {
        Ok(Some(r)) if r.organisation.id != org => {
            Err(problem(StatusCode::FORBIDDEN, format!("dataset '{dataset}' belongs to '{}'", r.organisation.id)))
        }
        Err(e) => Err(Problem::internal(e).into_response()),
        _ => Ok((org_slug, ds)),
    }
}

/// After a rollback: [`after_publish`], off the runtime.
fn registers_later(s: &AppState) {
    let s = s.clone();
    tokio::task::spawn_blocking(move || after_publish(&s));
}

/// What follows a new served version (a publish or a rollback): the registers follow the
/// boundary datasets, and download files of versions no longer kept go.
fn after_publish(s: &AppState) {
    crate::refresh_registers(&s.config, &s.store, &s.catalogue);
    s.downloads.sweep_logged();
}

fn audit(s: &AppState, action: &str, what: &str, from: &SocketAddr, outcome: &str) {
    let who = s.caller.subject.clone().unwrap_or_else(|| "-".into());
    let e = fjord_auth::AuditEntry::new(&who, action, what, &from.ip().to_string(), outcome);
    if let Err(err) = s.identities.audit(&e) {
        tracing::error!(error = %err, "the audit log could not be written");
    }
}

/// Append the body to the upload's file: the new length, or why it stopped (413 over
/// the room left, 400 when the connection broke).
async fn receive(s: &AppState, u: &Upload, body: Body) -> Result<u64, (StatusCode, String)> {
    let path = s.uploads.file(u).map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
    let io = |e: std::io::Error| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    let mut file = tokio::fs::OpenOptions::new().append(true).open(&path).await.map_err(io)?;
    let room = s.uploads.room(u);
    let mut got = 0u64;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| (StatusCode::BAD_REQUEST, format!("the upload was cut off: {e}")))?;
        got += chunk.len() as u64;
        if got > room {
            return Err((
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the file is over the limit ({room} more bytes allowed)"),
            ));
        }
        file.write_all(&chunk).await.map_err(io)?;
    }
    file.sync_all().await.map_err(io)?;
    Ok(u.received + got)
}

/// Carry upload `id` on in the background (validate it, or publish it), auditing a
/// publish's outcome.
pub(crate) fn advance_later(s: &AppState, id: String) {
    let s = s.clone();
    tokio::task::spawn_blocking(move || {
        let max = s.config.limits.max_source_bytes;
        let publishing = s.uploads.get(&id).is_ok_and(|u| u.status == Status::Publishing);
        match s.uploads.advance(&id, &s.store, &s.catalogue, max) {
            Ok(u) if publishing => {
                let what = format!("{}/{}", u.org, u.dataset);
                let (what, outcome) = match (u.version, &u.report) {
                    (Some(v), _) if u.status == Status::Published => {
                        after_publish(&s);
                        (format!("{what} v{v} from upload {id}"), "ok".into())
                    }
                    (_, report) => {
                        let why = report.as_ref().and_then(|r| r["publish_error"].as_str()).unwrap_or("unknown");
                        (what, format!("refused: {why}"))
                    }
                };
                let e = fjord_auth::AuditEntry::new(&u.by, "publish", &what, "-", &outcome);
                if let Err(err) = s.identities.audit(&e) {
                    tracing::error!(error = %err, "the audit log could not be written");
                }
            }
            Ok(_) => {}
            Err(e) => tracing::error!(upload = %id, error = %e, "the upload could not be carried on"),
        }
    });
}

/// The answer describing an upload.
fn describe(u: &Upload, status: StatusCode) -> Response {
    let base = format!("/api/partners/{}/datasets/{}/uploads/{}", u.org, u.dataset, u.id);
    (status, axum::Json(json!({ "upload": u, "links": { "self": base, "publish": format!("{base}/publish") } })))
        .into_response()
}

/// Store the body of a request for upload `u` and record it; on a refusal a one-piece
/// upload is dropped (nothing left behind), a resumable one keeps its state.
async fn take(s: &AppState, u: Upload, body: Body, from: &SocketAddr) -> Response {
    let resumable = u.expected.is_some();
    let what = format!("{}/{} upload {}", u.org, u.dataset, u.id);
    match receive(s, &u, body).await {
        Ok(len) => {
            let (ups, id) = (s.uploads.clone(), u.id.clone());
            let recorded = s.blocking(move |_| ups.received(u, len, !resumable)).await;
            match recorded {
                Ok(Ok(u)) => {
                    audit(s, "upload", &what, from, &format!("ok: {} bytes", u.received));
                    if u.status == Status::Submitted {
                        advance_later(s, id);
                    }
                    describe(&u, StatusCode::CREATED)
                }
                Ok(Err(e)) => problem(StatusCode::BAD_REQUEST, e.to_string()),
                Err(e) => Problem::internal(e).into_response(),
            }
        }
        Err((status, why)) => {
            audit(s, "upload", &what, from, &format!("refused: {why}"));
            if let (false, Ok(file)) = (resumable, s.uploads.file(&u)) {
                if let Some(folder) = file.parent() {
                    let _ = tokio::fs::remove_dir_all(folder).await;
                }
            } else if let Ok(file) = s.uploads.file(&u) {
                // keep what arrived whole before this piece
                if let Ok(f) = tokio::fs::OpenOptions::new().write(true).open(&file).await {
                    let _ = f.set_len(u.received).await;
                }
            }
            problem(status, why)
        }
    }
}

/// `POST /api/partners/{org}/datasets/{id}/uploads?filename=&length=`
pub async fn create(
    Ctx(s): Ctx,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path((org, dataset)): Path<(String, String)>,
    Query(p): Query<Params>,
    body: Body,
) -> Response {
    let org_name = org.clone();
    let (org, ds) = match allowed(&s, &org, &dataset).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let Some(name) = get("filename") else {
        return problem(StatusCode::BAD_REQUEST, "filename is required (the file's name, e.g. kommuner.gpkg)");
    };
    let expected = match get("length").map(|l| l.parse::<u64>()) {
        None => None,
        Some(Ok(n)) if n > 0 => Some(n),
        Some(_) => return problem(StatusCode::BAD_REQUEST, "length is the whole file's size in bytes"),
    };
    let by = s.caller.subject.clone().unwrap_or_default();
    let ups = s.uploads.clone();
    let made = s.blocking(move |_| ups.create(&org, &ds, &by, &name, expected)).await;
    let refused = |status: StatusCode, e: fjord_ingest::Error| {
        audit(&s, "upload", &format!("{org_name}/{dataset}"), &from, &format!("refused: {e}"));
        problem(status, e.to_string())
    };
    match made {
        Ok(Ok(u)) => take(&s, u, body, &from).await,
        Ok(Err(e @ fjord_ingest::Error::TooLarge { .. })) => refused(StatusCode::PAYLOAD_TOO_LARGE, e),
        Ok(Err(e)) => refused(StatusCode::BAD_REQUEST, e),
        Err(e) => Problem::internal(e).into_response(),
    }
}

/// The upload `uid` of the path, checked to be the organisation's and the dataset's.
async fn find(s: &AppState, org: &str, dataset: &str, uid: &str) -> Result<Upload, Response> {
    allowed(s, org, dataset).await?;
    let (ups, id) = (s.uploads.clone(), uid.to_string());
    match s.blocking(move |_| ups.get(&id)).await {
        Ok(Ok(u)) if u.org == org && u.dataset == dataset => Ok(u),
        Ok(_) => Err(problem(StatusCode::NOT_FOUND, format!("no upload '{uid}' of {org}/{dataset}"))),
        Err(e) => Err(Problem::internal(e).into_response()),
    }
}

/// `PATCH .../uploads/{uid}` with `Upload-Offset`: the next piece.
pub async fn resume(
    Ctx(s): Ctx,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path((org, dataset, uid)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let u = match find(&s, &org, &dataset, &uid).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if u.status != Status::Receiving {
        return problem(StatusCode::CONFLICT, format!("upload '{uid}' is {:?}, not receiving", u.status));
    }
    let offset = headers.get("upload-offset").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if offset != Some(u.received) {
        let mut res =
            problem(StatusCode::CONFLICT, format!("send Upload-Offset: {} (the bytes received so far)", u.received));
        if let Ok(v) = u.received.to_string().parse() {
            res.headers_mut().insert("upload-offset", v);
        }
        return res;
    }
    take(&s, u, body, &from).await
}

/// `GET .../uploads/{uid}`: status and report.
pub async fn status(Ctx(s): Ctx, Path((org, dataset, uid)): Path<(String, String, String)>) -> Response {
    match find(&s, &org, &dataset, &uid).await {
        Ok(u) => describe(&u, StatusCode::OK),
        Err(r) => r,
    }
}

/// `POST .../uploads/{uid}/publish`: a Valid upload is published as the served version in
/// the background: 202 with the upload `Publishing`; its status says when it is done.
pub async fn publish(
    Ctx(s): Ctx,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path((org, dataset, uid)): Path<(String, String, String)>,
) -> Response {
    if let Err(r) = find(&s, &org, &dataset, &uid).await {
        return r;
    }
    let id = uid.clone();
    let started = s.blocking(move |s| s.uploads.start_publish(&id)).await;
    let what = format!("{org}/{dataset}");
    match started {
        Ok(Ok(u)) => {
            audit(&s, "publish", &format!("{what} from upload {uid}"), &from, "started");
            advance_later(&s, uid);
            describe(&u, StatusCode::ACCEPTED)
        }
        Ok(Err(e)) => {
            audit(&s, "publish", &what, &from, &format!("refused: {e}"));
            problem(StatusCode::CONFLICT, e.to_string())
        }
        Err(e) => Problem::internal(e).into_response(),
    }
}

/// `POST /api/partners/{org}/datasets/{id}/rollback?version=N`: serve an earlier version.
pub async fn rollback(
    Ctx(s): Ctx,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path((org, dataset)): Path<(String, String)>,
    Query(p): Query<Params>,
) -> Response {
    let (_, ds) = match allowed(&s, &org, &dataset).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(version) = p.iter().find(|(k, _)| k == "version").and_then(|(_, v)| v.parse::<u32>().ok()) else {
        return problem(StatusCode::BAD_REQUEST, "version is required (a number)");
    };
    let id = ds.clone();
    let done = s
        .blocking(move |s| -> Result<fjord_store::VersionInfo, String> {
            let info = s.store.rollback(&id, version).map_err(|e| e.to_string())?;
            fjord_ingest::sync::sync_dataset(&s.store, &s.catalogue, &id).map_err(|e| e.to_string())?;
            Ok(info)
        })
        .await;
    let what = format!("{org}/{dataset} to v{version}");
    match done {
        Ok(Ok(info)) => {
            audit(&s, "rollback", &what, &from, "ok");
            registers_later(&s);
            axum::Json(json!({ "dataset": ds.as_str(), "version": info.version })).into_response()
        }
        Ok(Err(e)) => {
            audit(&s, "rollback", &what, &from, &format!("refused: {e}"));
            problem(StatusCode::NOT_FOUND, e)
        }
        Err(e) => Problem::internal(e).into_response(),
    }
}

//! An order's page (`GET /api/order/{referenceNumber}` from a browser): each file with
//! its status and, once made, its link; `static/order.js` polls the receipt until no
//! file waits.

use super::layout::Visit;
use super::Texts;
use crate::home::esc;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::fmt::Write;

/// A file status as the page says it.
fn status_label<'a>(t: &'a Texts, status: &'a str) -> &'a str {
    match status {
        "ReadyForDownload" => t.ready,
        "WaitingForProcessing" => t.waiting,
        "Error" => t.failed,
        other => other,
    }
}

/// Why an order cannot be shown, as a page: with a link to log in when the order is
/// someone's and the browser has no session.
pub fn refused(uri: &Uri, headers: &HeaderMap, problem: &crate::problem::Problem) -> Response {
    let visit = match Visit::read(uri, headers) {
        Ok(v) => v,
        Err(why) => return crate::problem::Problem::bad_request(why).into_response(),
    };
    let t = visit.lang.texts();
    let mut h = format!("<h1>{}</h1><p role=\"alert\">{}</p>", t.error, esc(&problem.detail));
    if problem.status == axum::http::StatusCode::UNAUTHORIZED {
        let _ = write!(h, "<p><a href=\"{}\">{}</a></p>", esc(&visit.login_href()), t.log_in);
    }
    let mut res = visit.page(t.order_title, &h, &[]);
    *res.status_mut() = problem.status;
    res
}

/// The page of an order's receipt (GeoNorge's receipt JSON).
pub fn page(uri: &Uri, headers: &HeaderMap, receipt: &Value) -> Response {
    let visit = match Visit::read(uri, headers) {
        Ok(v) => v,
        Err(why) => return crate::problem::Problem::bad_request(why).into_response(),
    };
    let t = visit.lang.texts();
    let text = |v: &Value| esc(v.as_str().unwrap_or(""));
    let reference = text(&receipt["referenceNumber"]);
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>{} {reference}</h1><p>{} {}</p>\
         <table id=\"files\" data-reference=\"{reference}\" data-ready=\"{}\" data-waiting=\"{}\" data-failed=\"{}\">\
         <thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody aria-live=\"polite\">",
        t.order_title,
        t.ordered,
        text(&receipt["orderDate"]),
        t.ready,
        t.waiting,
        t.failed,
        t.file,
        t.dataset,
        t.area,
        t.projection,
        t.status,
    );
    let files = receipt["files"].as_array().map(Vec::as_slice).unwrap_or_default();
    for f in files {
        let name = match f["downloadUrl"].as_str() {
            Some(url) => format!("<a href=\"{}\" download>{}</a>", esc(url), text(&f["name"])),
            None => text(&f["name"]),
        };
        let status = f["status"].as_str().unwrap_or("");
        let mut said = status_label(t, status).to_string();
        if let Some(why) = f["message"].as_str() {
            said = format!("{said}: {why}");
        }
        let _ = write!(
            h,
            "<tr data-file=\"{}\"><td class=\"name\">{name}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td class=\"status\" data-status=\"{}\">{}</td></tr>",
            text(&f["fileId"]),
            text(&f["metadataName"]),
            text(&f["areaName"]),
            text(&f["projectionName"]),
            esc(status),
            esc(&said),
        );
    }
    h.push_str("</tbody></table>");
    if files.is_empty() {
        let _ = write!(h, "<p>{}</p>", t.no_files);
    }
    // GeoNorge's bundle: every file in one zip, once all are made
    if files.len() > 1 {
        let waiting = files.iter().any(|f| f["status"] != "ReadyForDownload");
        let _ = write!(
            h,
            "<p><button type=\"button\" id=\"bundle\"{}>{}</button></p><p id=\"bundle-status\" role=\"status\"></p>",
            if waiting { " disabled" } else { "" },
            t.bundle
        );
    }
    visit.page(&format!("{} {}", t.order_title, receipt["referenceNumber"].as_str().unwrap_or("")), &h, &["order.js"])
}

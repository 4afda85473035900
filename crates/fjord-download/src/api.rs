//! The JSON documents of GeoNorge's Download API: capabilities, the codelists and the
//! order receipt. `api` is the absolute URL of the API root the request came to
//! (`http://host/api` or `http://host/api/v2`), so links stay in the version asked.

use crate::db::{FileRow, Order, Status};
use crate::offer::{Format, Offer, Projection};
use fjord_catalogue::{Access, Record};
use serde_json::{json, Value};

/// The link relations of a capabilities document.
const REL: &str = "http://rel.geonorge.no/download";

/// `GET /api/capabilities/{uuid}`; null fields are left out.
pub fn capabilities(record: &Record, api: &str) -> Value {
    let uuid = &record.uuid;
    let link = |what: &str, href: String| json!({ "href": href, "rel": format!("{REL}/{what}"), "templated": false });
    let mut doc = json!({
        "supportsProjectionSelection": true,
        "supportsFormatSelection": true,
        "supportsPolygonSelection": true,
        "supportsAreaSelection": true,
        "supportsDownloadBundling": true,
        "distributedBy": record.organisation.name,
        "_links": [
            link("projection", format!("{api}/codelists/projection/{uuid}")),
            link("format", format!("{api}/codelists/format/{uuid}")),
            link("area", format!("{api}/codelists/area/{uuid}")),
            link("order", format!("{api}/order")),
            link("can-download", format!("{api}/can-download")),
        ],
    });
    if let Some(role) = required_role(&record.access) {
        doc["accessConstraintRequiredRole"] = role.into();
    }
    doc
}

/// The role (or login) a restricted dataset needs, as one text; `None` when open.
fn required_role(access: &Access) -> Option<String> {
    match access {
        Access::Open => None,
        Access::Login => Some("login".into()),
        Access::Partners => Some("partners".into()),
        Access::Level(l) => Some(format!("level:{l}")),
        Access::Organisations(orgs) => Some(orgs.join(",")),
        Access::Roles(roles) => Some(roles.join(",")),
        Access::Person(_) => Some("person".into()),
        Access::AnyOf(all) => Some(all.iter().filter_map(required_role).collect::<Vec<_>>().join("|")),
        Access::AllOf(all) => Some(all.iter().filter_map(required_role).collect::<Vec<_>>().join("&")),
    }
}

fn format_entry(f: Format) -> Value {
    let mut v = json!({ "name": f.name() });
    if let Some(version) = f.version() {
        v["version"] = version.into();
    }
    v
}

/// `GET /api/codelists/area/{uuid}`: each area with its projections, each projection
/// with its formats.
pub fn areas(offer: &Offer) -> Value {
    let formats: Vec<Value> = offer.formats.iter().map(|f| format_entry(*f)).collect();
    let projections: Vec<Value> = offer
        .projections
        .iter()
        .map(|p| json!({ "code": p.code, "name": p.name, "codespace": p.codespace, "formats": formats }))
        .collect();
    offer
        .areas
        .iter()
        .map(|a| json!({ "code": a.code, "type": a.kind, "name": a.name, "projections": projections, "formats": formats }))
        .collect()
}

/// `GET /api/codelists/projection/{uuid}`
pub fn projections(offer: &Offer) -> Value {
    serde_json::to_value(&offer.projections).unwrap_or_default()
}

/// `GET /api/codelists/format/{uuid}`
pub fn formats(offer: &Offer) -> Value {
    offer.formats.iter().map(|f| format_entry(*f)).collect()
}

/// The receipt of an order: its files with their status and, once made, their links.
pub fn receipt(order: &Order, files: &[(FileRow, String)], projections: &[Projection], api: &str) -> Value {
    let reference = &order.reference;
    let files: Vec<Value> = files
        .iter()
        .map(|(f, title)| {
            let ready = f.status == Status::Ready;
            let mut v = json!({
                "fileId": f.uuid,
                "name": f.spec.name,
                "downloadUrl": ready.then(|| format!("{api}/download/order/{reference}/{}", f.uuid)),
                "metadataUuid": f.spec.record,
                "metadataName": title,
                "area": f.spec.area.code,
                "areaName": f.spec.area.name,
                "coordinates": f.spec.coordinates,
                "projection": f.spec.epsg.to_string(),
                "projectionName": Projection::find(projections, f.spec.epsg).map(|p| p.name.as_str()),
                "format": f.spec.format.name(),
                "status": f.status.api_name(),
            });
            if let Some(m) = &f.message {
                v["message"] = m.as_str().into();
            }
            if let (true, Some(sha), Some(size)) = (ready, &f.sha256, f.size) {
                v["sha256"] = sha.as_str().into();
                v["size"] = size.into();
            }
            v
        })
        .collect();
    json!({
        "referenceNumber": reference,
        "orderDate": fjord_core::time::rfc3339(order.created),
        "email": order.email.clone().unwrap_or_default(),
        "downloadAsBundle": order.bundle,
        "downloadBundleUrl": order.bundle.then(|| format!("{api}/download/order/{reference}/bundle")),
        "files": files,
    })
}

/// The download service's online resources for a dataset's metadata, under `base` (the
/// server's absolute URL): its Download API capabilities and its ATOM feed.
pub fn online_resources(record: &Record, base: &str) -> Vec<fjord_catalogue::OnlineResource> {
    use fjord_catalogue::{OnlineResource, Protocol};
    if record.kind != "dataset" || record.dataset.is_none() {
        return Vec::new();
    }
    let name = record.dataset.clone().unwrap_or_default();
    vec![
        OnlineResource {
            protocol: Protocol::Download,
            url: format!("{base}/api/capabilities/{}", record.uuid),
            name: name.clone(),
            description: "Nedlasting: områder, projeksjoner og formater (GeoNorge Download API)".into(),
        },
        OnlineResource {
            protocol: Protocol::AtomFeed,
            url: format!("{base}/atom/{}.xml", record.uuid),
            name,
            description: "Nedlasting: INSPIRE ATOM-feed".into(),
        },
    ]
}

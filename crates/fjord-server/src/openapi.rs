//! `GET /api/openapi.json`: the OpenAPI 3.0 document of fjord's own JSON APIs (the
//! catalogue, the registers, downloads, partners' uploads, heights and every portal); the
//! OGC API has its own at `/ogcapi/api`.
//! Each module gives the paths of its routes; this puts them together with the shared
//! parts (problem details, the portal record).

use crate::portals;
use axum::Json;
use serde_json::{json, Map, Value};

/// The catalogue's and registers' paths.
fn catalogue() -> Vec<(&'static str, Value)> {
    let query = |name: &str, description: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}, "description": description});
    let number = |name: &str, description: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0}, "description": description});
    vec![
        (
            "/api/catalogue/search",
            json!({"get": {
                "summary": "Search every record of every kind: free text, facets, a box, an order",
                "tags": ["Catalogue"],
                "parameters": [
                    query("q", "free text; every word matched as a prefix, Norwegian letters folded"),
                    query("kind", "record kind: dataset, service, or a portal's kind (GET /api/portals/kinds)"),
                    query("theme", "theme or topic"),
                    query("org", "owner organisation id"),
                    query("access", "no restrictions, norway digital restricted or restricted"),
                    query("bbox", "west,south,east,north in EPSG:4258"),
                    query("orderby", "score, title, organization, newest or updated"),
                    number("limit", "page size, 1 to the configured maximum (10 unless given)"),
                    number("offset", "hits to skip")
                ],
                "responses": {
                    "200": {"description": "a page of hits with the total and facet counts", "content": {"application/json": {}}},
                    "400": {"$ref": "#/components/responses/BadRequest"}
                }
            }}),
        ),
        (
            "/api/catalogue/dcat",
            json!({"get": {
                "summary": "The dataset records as DCAT-AP-NO JSON-LD",
                "tags": ["Catalogue"],
                "responses": {"200": {"description": "the catalogue", "content": {"application/ld+json": {}}}}
            }}),
        ),
        (
            "/api/search",
            json!({"get": {
                "summary": "Search as GeoNorge's Kartkatalog does (text, limit, 1-based offset, orderby, facets[N]name/value)",
                "tags": ["Catalogue"],
                "parameters": [query("text", "free text"), query("orderby", "score, title, organization, newest or updated"),
                               number("limit", "page size"), number("offset", "1-based")],
                "responses": {
                    "200": {"description": "NumFound, Results and Facets", "content": {"application/json": {}}},
                    "400": {"$ref": "#/components/responses/BadRequest"}
                }
            }}),
        ),
        (
            "/api/register/{name}",
            json!({"get": {
                "summary": "A register (fylkesnummer, kommunenummer, epsg-koder, organisasjoner) in JSON or XML",
                "tags": ["Registers"],
                "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "the register's items", "content": {"application/json": {}, "application/xml": {}}},
                    "404": {"$ref": "#/components/responses/NotFound"}
                }
            }}),
        ),
    ]
}

/// A parameter: `name` in `place` (path, query), string-typed unless `schema` says more.
fn param(name: &str, place: &str, required: bool, description: &str) -> Value {
    json!({"name": name, "in": place, "required": required || place == "path",
           "schema": {"type": "string"}, "description": description})
}

/// One operation: its summary, tag, parameters, request body (if any) and responses as
/// (status, description, content type or "" for none, or a `$ref` under responses).
fn op(summary: &str, tag: &str, params: Vec<Value>, body: Option<&str>, responses: &[(&str, &str, &str)]) -> Value {
    let mut out = Map::new();
    for (status, description, content) in responses {
        let r = match *content {
            "" => json!({"description": description}),
            c if c.starts_with('#') => json!({"$ref": c}),
            c => json!({"description": description, "content": {c: {}}}),
        };
        out.insert(status.to_string(), r);
    }
    let mut operation = json!({"summary": summary, "tags": [tag], "parameters": params, "responses": out});
    if let Some(content_type) = body {
        operation["requestBody"] = json!({"required": true, "content": {content_type: {}}});
    }
    operation
}

const JSON: &str = "application/json";
const BAD: (&str, &str, &str) = ("400", "", "#/components/responses/BadRequest");
const UNAUTHORIZED: (&str, &str, &str) = ("401", "", "#/components/responses/Unauthorized");
const FORBIDDEN: (&str, &str, &str) = ("403", "", "#/components/responses/Forbidden");
const NOT_FOUND: (&str, &str, &str) = ("404", "", "#/components/responses/NotFound");

/// The bulk download service (GeoNorge's Download API, v3 at `/api`; v2 the same under
/// `/api/v2`), its statistics and ATOM feeds.
fn download() -> Vec<(&'static str, Value)> {
    let uuid = || param("uuid", "path", true, "the dataset's metadata uuid");
    let reference = || param("reference", "path", true, "the order's reference");
    let tag = "Download";
    vec![
        (
            "/api/capabilities/{uuid}",
            json!({"get": op("What can be ordered of a dataset, with links to its code lists", tag,
            vec![uuid()], None, &[("200", "the capabilities", JSON), NOT_FOUND])}),
        ),
        (
            "/api/codelists/{list}/{uuid}",
            json!({"get": op("The areas, projections or formats a dataset is offered in", tag,
            vec![param("list", "path", true, "area, projection or format"), uuid()], None,
            &[("200", "the code list", JSON), UNAUTHORIZED, NOT_FOUND])}),
        ),
        (
            "/api/order",
            json!({"post": op("Order files: dataset, areas (or a polygon), projections, formats", tag,
            vec![], Some(JSON), &[("200", "the order with its files and their status", JSON), BAD, UNAUTHORIZED, FORBIDDEN])}),
        ),
        (
            "/api/order/{reference}",
            json!({
            "get": op("An order and its files' status and links", tag, vec![reference()], None,
                      &[("200", "the order", JSON), FORBIDDEN, NOT_FOUND]),
            "put": op("Ask for the order's files as one bundle", tag, vec![reference()], Some(JSON),
                      &[("200", "the order", JSON), BAD, FORBIDDEN, NOT_FOUND])}),
        ),
        (
            "/api/download/order/{reference}/{file}",
            json!({"get": op("One file of an order (Range, ETag, Repr-Digest)", tag,
            vec![reference(), param("file", "path", true, "the file's id, or bundle")], None,
            &[("200", "the file", "application/zip"), ("206", "a range of it", "application/zip"),
              ("409", "not made yet", JSON), ("410", "the link expired", JSON), FORBIDDEN, NOT_FOUND])}),
        ),
        (
            "/api/download/file/{dataset}/{file}",
            json!({"get": op("A file by its stable link", tag,
            vec![param("dataset", "path", true, "the dataset's uuid"), param("file", "path", true, "the file's uuid")], None,
            &[("200", "the file", "application/zip"), ("409", "not made yet", JSON), UNAUTHORIZED, NOT_FOUND])}),
        ),
        (
            "/api/can-download",
            json!({"post": op("Whether the caller may download a dataset (within an area or polygon)", tag,
            vec![], Some(JSON), &[("200", "canDownload", JSON), BAD])}),
        ),
        (
            "/api/validate-clipperfile/{uuid}",
            json!({"post": op("Check a clip polygon file (GeoJSON, GeoPackage, FlatGeobuf, GML, SOSI, zipped Shapefile)", tag,
            vec![uuid()], Some("multipart/form-data"), &[("200", "valid or why not, with the polygon", JSON), BAD])}),
        ),
        (
            "/api/statistics/{uuid}",
            json!({"get": op("Orders and files served of a dataset (its owner's)", tag,
            vec![uuid()], None, &[("200", "the statistics", JSON), UNAUTHORIZED, FORBIDDEN, NOT_FOUND])}),
        ),
        (
            "/atom/{feed}",
            json!({"get": op("INSPIRE ATOM feeds: Tjenestefeed.xml, or {uuid}.xml per dataset", tag,
            vec![param("feed", "path", true, "Tjenestefeed.xml or {uuid}.xml")], None,
            &[("200", "the feed", "application/atom+xml"), NOT_FOUND])}),
        ),
    ]
}

/// Partners' uploads: resumable upload, validation report, publish, roll back.
fn uploads() -> Vec<(&'static str, Value)> {
    let path = || vec![param("org", "path", true, "the organisation"), param("id", "path", true, "the dataset id")];
    let with_upload = || [path(), vec![param("uid", "path", true, "the upload's id")]].concat();
    let tag = "Uploads";
    let refusals = [BAD, UNAUTHORIZED, FORBIDDEN, NOT_FOUND];
    let answers = |ok: (&'static str, &'static str, &'static str)| [vec![ok], refusals.to_vec()].concat();
    vec![
        (
            "/api/partners/{org}/datasets/{id}/uploads",
            json!({"post": op("Start an upload (the whole file, or its first part with Upload-Length)", tag,
            path(), Some("application/octet-stream"), &answers(("201", "the upload and its status", JSON)))}),
        ),
        (
            "/api/partners/{org}/datasets/{id}/uploads/{uid}",
            json!({
            "get": op("An upload's status and validation report", tag, with_upload(), None, &answers(("200", "the upload", JSON))),
            "patch": op("Send the next part of a resumable upload (Upload-Offset)", tag, with_upload(),
                        Some("application/offset+octet-stream"), &answers(("201", "the upload and its status", JSON)))}),
        ),
        (
            "/api/partners/{org}/datasets/{id}/uploads/{uid}/publish",
            json!({"post": op("Publish a validated upload as the dataset's next version (in the background)", tag,
            with_upload(), None, &answers(("202", "publishing", JSON)))}),
        ),
        (
            "/api/partners/{org}/datasets/{id}/rollback",
            json!({"post": op("Serve an earlier kept version again", tag,
            [path(), vec![param("version", "query", true, "the version to serve")]].concat(), None,
            &answers(("200", "the version now served", JSON)))}),
        ),
    ]
}

/// Heights: Kartverket's point API and fjord's own point and profile.
fn elevation() -> Vec<(&'static str, Value)> {
    let tag = "Elevation";
    vec![
        (
            "/hoydedata/v1/punkt",
            json!({
            "get": op("Heights at points, as Kartverket's height API", tag,
                vec![param("koordsys", "query", true, "EPSG code of the points, e.g. 25833"),
                     param("nord", "query", false, "northing or latitude of one point"),
                     param("ost", "query", false, "easting or longitude of one point"),
                     param("punkter", "query", false, "[[ost,nord],...] for several points")],
                None, &[("200", "the heights", JSON), BAD]),
            "post": op("The same with the parameters as a form body (long point lists)", tag, vec![],
                Some("application/x-www-form-urlencoded"), &[("200", "the heights", JSON), BAD])}),
        ),
        (
            "/api/elevation/point",
            json!({"get": op("The height at one point", tag,
            vec![param("x", "query", true, "easting or longitude"), param("y", "query", true, "northing or latitude"),
                 param("crs", "query", false, "EPSG code, 25833 unless given")],
            None, &[("200", "the height", JSON), BAD])}),
        ),
        (
            "/api/elevation/profile",
            json!({"post": op("Heights along a line: {\"line\": GeoJSON LineString, \"crs\"?, \"samples\" | \"step\"}", tag,
            vec![], Some(JSON), &[("200", "the profile", JSON), BAD])}),
        ),
    ]
}

/// The shared parts: problem details and the portal record.
fn components() -> Value {
    let problem = |description: &str| json!({"description": description, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
    json!({
        "schemas": {
            "Problem": {
                "type": "object",
                "description": "RFC 9457 problem details; detail names the bad field where there is one",
                "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                               "status": {"type": "integer"}, "detail": {"type": "string"}}
            },
            "PortalRecord": {
                "type": "object",
                "required": ["kind", "title", "organisation"],
                "properties": {
                    "uuid": {"type": "string"},
                    "kind": {"type": "string", "description": "a kind from GET /api/portals/kinds"},
                    "title": {"type": "string"},
                    "abstract": {"type": "string"},
                    "organisation": {"type": "object", "required": ["id", "name"],
                                     "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
                    "keywords": {"type": "array", "items": {"type": "string"}},
                    "theme": {"type": "string"},
                    "bbox": {"type": "object", "properties": {"west": {"type": "number"}, "south": {"type": "number"},
                                                                 "east": {"type": "number"}, "north": {"type": "number"}}},
                    "access": {"description": "open unless said: \"login\", \"partners\", {\"roles\": [\"org:viewer\"]}, {\"person\": \"name\"}, ..."},
                    "properties": {"type": "object", "description": "the kind's own fields, checked against its JSON Schema"}
                }
            }
        },
        "responses": {
            "BadRequest": problem("the request is malformed or a field is refused (named in detail)"),
            "Unauthorized": problem("log in first (a bearer token, HTTP Basic or a session)"),
            "Forbidden": problem("not for this caller"),
            "NotFound": problem("no such resource"),
            "Conflict": problem("the resource's state does not allow it")
        }
    })
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    let all = [catalogue(), download(), uploads(), elevation(), portals::openapi()].concat();
    for (path, item) in all {
        paths.insert(path.to_string(), item);
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "fjord JSON APIs",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The catalogue, the registers, the bulk download service, partners' uploads, heights, and the eGovernment portals over the catalogue. The OGC APIs are described at /ogcapi/api."
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": "Catalogue"}, {"name": "Registers"}, {"name": "Download"}, {"name": "Uploads"},
                 {"name": "Elevation"}, {"name": "Portals"}],
        "paths": paths,
        "components": components()
    })
}

/// `GET /api/openapi.json`
pub async fn get() -> Json<Value> {
    Json(document())
}

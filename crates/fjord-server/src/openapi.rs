//! `GET /api/openapi.json`: the OpenAPI 3.0 document of fjord's own JSON APIs (the
//! catalogue, the registers and every portal); the OGC API has its own at `/ogcapi/api`.
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
    for (path, item) in catalogue().into_iter().chain(portals::openapi()) {
        paths.insert(path.to_string(), item);
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "fjord JSON APIs",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The catalogue, the registers and the eGovernment portals over them. The OGC APIs are described at /ogcapi/api."
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": "Catalogue"}, {"name": "Registers"}, {"name": "Portals"}],
        "paths": paths,
        "components": components()
    })
}

/// `GET /api/openapi.json`
pub async fn get() -> Json<Value> {
    Json(document())
}

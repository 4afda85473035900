//! The OpenAPI 3.0 definition of the API (`/api`), built from the same parameter list the
//! request parser accepts, so the two cannot drift apart.

use super::Api;
use serde_json::{json, Value};

fn param(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema, "style": "form", "explode": false })
}

fn path_param(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": { "type": "string" } })
}

fn ok(description: &str, media: &[&str]) -> Value {
    let schema = |m: &str| match m {
        "application/flatgeobuf" | crate::tiles::MVT | "image/tiff; application=geotiff" => {
            json!({ "type": "string", "format": "binary" })
        }
        "application/gml+xml; version=3.2" | "text/html" | "text/plain" => json!({ "type": "string" }),
        _ => json!({ "type": "object" }),
    };
    let content: serde_json::Map<String, Value> =
        media.iter().map(|m| (m.to_string(), json!({ "schema": schema(m) }))).collect();
    json!({ "description": description, "content": content })
}

fn get(summary: &str, id: &str, parameters: Vec<Value>, media: &[&str]) -> Value {
    json!({ "get": {
        "summary": summary,
        "operationId": id,
        "parameters": parameters,
        "responses": {
            "200": ok(summary, media),
            "400": { "$ref": "#/components/responses/Exception" },
            "404": { "$ref": "#/components/responses/Exception" },
        }
    }})
}

/// The OpenAPI 3.0.3 document.
pub fn document(api: &Api) -> Value {
    let crs: Vec<String> = api.crs.iter().map(|c| c.uri()).collect();
    let f = param("f", "the representation", json!({ "type": "string", "enum": ["json", "html"] }));
    let feature_f =
        param("f", "the representation", json!({ "type": "string", "enum": ["json", "html", "fgb", "gml"] }));
    let crs_param = param(
        "crs",
        "the CRS of the coordinates in the answer",
        json!({ "type": "string", "format": "uri", "enum": crs }),
    );
    let collection = path_param("collectionId", "a collection id");
    let tms = path_param("tileMatrixSetId", "a tile matrix set: WebMercatorQuad or utm33n");
    let bbox = [
        param(
            "bbox",
            "minx,miny,maxx,maxy in bbox-crs, in that CRS's axis order",
            json!({ "type": "array", "minItems": 4, "maxItems": 4, "items": { "type": "number" } }),
        ),
        param("bbox-crs", "the CRS of bbox", json!({ "type": "string", "format": "uri", "enum": crs })),
    ];
    let items_params = vec![
        collection.clone(),
        bbox[0].clone(),
        bbox[1].clone(),
        crs_param.clone(),
        param(
            "limit",
            "page size",
            json!({ "type": "integer", "minimum": 1, "maximum": api.max_limit, "default": 10 }),
        ),
        param("offset", "features to skip", json!({ "type": "integer", "minimum": 0, "default": 0 })),
        param(
            "datetime",
            "an RFC 3339 instant or date, or an interval start/end (.. for an open end), on the collection's first date-time (else date) property",
            json!({ "type": "string" }),
        ),
        param("filter", "a CQL2 filter on the queryables", json!({ "type": "string" })),
        param(
            "filter-lang",
            "the encoding of filter",
            json!({ "type": "string", "enum": ["cql2-text", "cql2-json"], "default": "cql2-text" }),
        ),
        param(
            "filter-crs",
            "the CRS of geometries in filter",
            json!({ "type": "string", "format": "uri", "enum": crs }),
        ),
        feature_f.clone(),
    ];
    let [coverage_bbox, coverage_bbox_crs] = bbox;
    let coverage_params = vec![
        collection.clone(),
        coverage_bbox,
        coverage_bbox_crs,
        param(
            "crs",
            "the CRS of the coverage returned (EPSG:25833 by default)",
            json!({ "type": "string", "format": "uri", "enum": crs }),
        ),
        param("width", "cells across", json!({ "type": "integer", "minimum": 1, "maximum": api.max_map_size })),
        param("height", "cells down", json!({ "type": "integer", "minimum": 1, "maximum": api.max_map_size })),
        param("f", "the format", json!({ "type": "string", "enum": ["tif", "ascii"], "default": "tif" })),
    ];
    let geo = ["application/geo+json", "text/html", "application/flatgeobuf", "application/gml+xml; version=3.2"];
    let doc = ["application/json", "text/html"];
    json!({
        "openapi": "3.0.3",
        "info": { "title": "fjord OGC API – Features", "version": env!("CARGO_PKG_VERSION"), "description": "Vector datasets of the fjord spatial data infrastructure" },
        "servers": [ { "url": api.base } ],
        "paths": {
            "/": get("landing page", "getLandingPage", vec![f.clone()], &doc),
            "/api": { "get": { "summary": "this API definition", "operationId": "getApi", "responses": { "200": ok("the OpenAPI document", &["application/vnd.oai.openapi+json;version=3.0"]) } } },
            "/conformance": get("conformance classes", "getConformance", vec![f.clone()], &doc),
            "/collections": get("the collections", "getCollections", vec![f.clone()], &doc),
            "/collections/{collectionId}": get("one collection", "describeCollection", vec![collection.clone(), f.clone()], &doc),
            "/collections/{collectionId}/queryables": get(
                "the properties usable as property=value filters (JSON Schema)",
                "getQueryables",
                vec![collection.clone(), f.clone()],
                &["application/schema+json", "text/html"],
            ),
            "/collections/{collectionId}/items": get("the features of a collection", "getFeatures", items_params, &geo),
            "/collections/{collectionId}/items/{featureId}": get(
                "one feature",
                "getFeature",
                vec![collection.clone(), path_param("featureId", "a feature id"), crs_param, feature_f],
                &geo,
            ),
            "/collections/{collectionId}/coverage": get(
                "the heights of an elevation collection (GeoTIFF or Esri ASCII grid)",
                "getCoverage",
                coverage_params,
                &["image/tiff; application=geotiff", "text/plain"],
            ),
            "/collections/{collectionId}/coverage/domainset": get(
                "the grid of a coverage",
                "getCoverageDomainSet",
                vec![collection.clone()],
                &["application/json"],
            ),
            "/collections/{collectionId}/coverage/rangetype": get(
                "the field of a coverage",
                "getCoverageRangeType",
                vec![collection.clone()],
                &["application/json"],
            ),
            "/tileMatrixSets": get("the tile matrix sets", "getTileMatrixSetsList", vec![], &["application/json"]),
            "/tileMatrixSets/{tileMatrixSetId}": get(
                "one tile matrix set (2D TMS 2.0 JSON)",
                "getTileMatrixSet",
                vec![tms.clone()],
                &["application/json"],
            ),
            "/collections/{collectionId}/tiles": get(
                "the vector tilesets of a collection",
                "getCollectionVectorTilesetsList",
                vec![collection.clone()],
                &["application/json"],
            ),
            "/collections/{collectionId}/tiles/{tileMatrixSetId}": get(
                "one vector tileset of a collection",
                "getCollectionVectorTileSet",
                vec![collection.clone(), tms.clone()],
                &["application/json"],
            ),
            "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}": get(
                "one vector tile (empty when no feature reaches it)",
                "getCollectionVectorTile",
                vec![
                    collection,
                    tms,
                    path_param("tileMatrix", "the level"),
                    path_param("tileRow", "the row, from the top"),
                    path_param("tileCol", "the column, from the left"),
                ],
                &[crate::tiles::MVT],
            ),
        },
        "components": {
            "responses": {
                "Exception": {
                    "description": "the request was refused",
                    "content": { "application/json": { "schema": {
                        "type": "object",
                        "required": ["code"],
                        "properties": { "code": { "type": "string" }, "description": { "type": "string" } }
                    } } }
                }
            }
        }
    })
}

//! A collection's vector tilesets: the list (`/collections/{id}/tiles`), the metadata of
//! one (`/collections/{id}/tiles/{tileMatrixSetId}`, OGC API – Tiles), and the TileJSON
//! 3.0.0 document of the XYZ tiles. For an elevation dataset the TileJSON describes its
//! terrain tiles and the MapLibre style shows it in 3D.

use super::matrix_sets::{definition_link, registered_uri};
use super::{matrix_set, max_level, MVT};
use crate::error::OgcError;
use crate::features::encode::link;
use crate::features::{Api, Holding};
use crate::reply::Reply;
use fjord_catalogue::Record;
use fjord_core::{transform, BBox, Crs, FieldType, Schema, TileMatrixSet};
use fjord_store::FeatureSource;
use serde_json::{json, Map, Value};

/// The collection's extent in lon/lat, the whole world when it has none.
fn lon_lat(record: &Record) -> [f64; 4] {
    record.bbox.map_or([-180.0, -85.051_128_78, 180.0, 85.051_128_78], |b| [b.west, b.south, b.east, b.north])
}

/// The tiles of each level that hold the collection's extent.
fn limits(tms: &TileMatrixSet, record: &Record) -> Vec<Value> {
    let [w, s, e, n] = lon_lat(record);
    let Some(bbox) = BBox::new(w, s.max(-85.0), e, n.min(85.0))
        .ok()
        .and_then(|b| transform::transform_bbox(Crs::Crs84, tms.crs, &b).ok())
    else {
        return Vec::new();
    };
    (0..=max_level(tms))
        .filter_map(|z| {
            let r = tms.tiles_covering(z, &bbox).ok()??;
            Some(json!({
                "tileMatrix": z.to_string(),
                "minTileRow": r.rows.0, "maxTileRow": r.rows.1,
                "minTileCol": r.cols.0, "maxTileCol": r.cols.1,
            }))
        })
        .collect()
}

/// The attributes as OGC API – Tiles `propertiesSchema` and as TileJSON `fields`.
fn fields(schema: &Schema) -> (Value, Value) {
    let mut props = Map::new();
    let mut names = Map::new();
    for f in &schema.fields {
        let (json_type, tilejson_type) = match f.ty {
            FieldType::Boolean => ("boolean", "Boolean"),
            FieldType::Integer => ("integer", "Number"),
            FieldType::Real => ("number", "Number"),
            FieldType::String | FieldType::Date | FieldType::DateTime => ("string", "String"),
        };
        props.insert(f.name.clone(), json!({ "type": json_type }));
        names.insert(f.name.clone(), tilejson_type.into());
    }
    (json!({ "type": "object", "properties": props }), Value::Object(names))
}

/// The short description of one tileset, as the list has it.
fn summary(api: &Api, id: &str, tms: &TileMatrixSet) -> Value {
    let href = format!("{}/collections/{id}/tiles/{}", api.base, tms.id);
    let mut v = json!({
        "title": format!("{id} in {}", tms.id),
        "dataType": "vector",
        "crs": tms.crs.uri(),
        "links": [
            link(&href, "self", "application/json", "this tileset"),
            definition_link(api, tms),
        ],
    });
    if let Some(uri) = registered_uri(tms) {
        v["tileMatrixSetURI"] = uri.into();
    }
    v
}

/// `GET /collections/{id}/tiles`: one vector tileset per tile matrix set.
pub fn tilesets(api: &Api, id: &str) -> Result<Reply, OgcError> {
    api.described(id, Holding::Features)?;
    let href = format!("{}/collections/{id}/tiles", api.base);
    let sets: Vec<Value> = TileMatrixSet::all().iter().map(|t| summary(api, id, t)).collect();
    let doc = json!({
        "links": [link(&href, "self", "application/json", "the vector tilesets")],
        "tilesets": sets,
    });
    Ok(Reply::json(&doc, "application/json"))
}

/// `GET /collections/{id}/tiles/{tileMatrixSetId}`: the tileset's metadata, with the
/// tile URL template, the levels holding data and the layer's attributes.
pub fn tileset(api: &Api, id: &str, tms: &str) -> Result<Reply, OgcError> {
    let tms = matrix_set(tms)?;
    let (record, layer) = api.open_described(id)?;
    let (props, _) = fields(layer.schema());
    let collection = format!("{}/collections/{id}", api.base);
    let template = format!("{collection}/tiles/{}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}", tms.id);
    let [w, s, e, n] = lon_lat(&record);
    let mut doc = summary(api, id, tms);
    doc["title"] = record.title.clone().into();
    doc["description"] = record.abstract_text.clone().into();
    doc["boundingBox"] = json!({
        "lowerLeft": [w, s], "upperRight": [e, n], "crs": Crs::Crs84.uri(),
    });
    doc["tileMatrixSetLimits"] = limits(tms, &record).into();
    doc["layers"] = json!([{
        "id": id,
        "title": record.title,
        "dataType": "vector",
        "propertiesSchema": props,
        "maxTileMatrix": max_level(tms).to_string(),
    }]);
    if let Some(links) = doc["links"].as_array_mut() {
        links.push(json!({ "href": template, "rel": "item", "type": MVT, "templated": true, "title": "a tile" }));
        links.push(link(
            &collection,
            "http://www.opengis.net/def/rel/ogc/1.0/geodata",
            "application/json",
            "the collection",
        ));
    }
    let mut reply = Reply::json(&doc, "application/json");
    reply.etag = record.version.map(|v| format!("\"{id}-{v}-{}\"", tms.id));
    Ok(reply)
}

/// The TileJSON 3.0.0 document of collection `id`'s XYZ tiles in tile matrix set `tms`,
/// whose tiles lie under `xyz` (e.g. `http://host/tiles`).
pub fn tilejson(api: &Api, xyz: &str, id: &str, tms: &str) -> Result<Reply, OgcError> {
    let tms = matrix_set(tms)?;
    let (_, _, record) = api.described(id, Holding::Either)?;
    if record.schema.is_none() {
        return Ok(terrain_tilejson(&record, xyz, id, tms));
    }
    let (record, layer) = api.open_described(id)?;
    let (_, names) = fields(layer.schema());
    let mut doc = tilejson_of(&record, &format!("{xyz}/{id}/{}/{{z}}/{{x}}/{{y}}.mvt", tms.id), tms);
    doc["vector_layers"] = json!([{
        "id": id,
        "description": record.title,
        "minzoom": 0,
        "maxzoom": max_level(tms),
        "fields": names,
    }]);
    let mut reply = Reply::json(&doc, "application/json");
    reply.etag = record.version.map(|v| format!("\"{id}-{v}-{}-tilejson\"", tms.id));
    Ok(reply)
}

/// The members of a TileJSON 3.0.0 document every dataset's has, its tiles at `tiles`.
fn tilejson_of(record: &Record, tiles: &str, tms: &TileMatrixSet) -> Value {
    let max = max_level(tms);
    let [w, s, e, n] = lon_lat(record);
    json!({
        "tilejson": "3.0.0",
        "name": record.title,
        "description": record.abstract_text,
        "attribution": record.organisation.name,
        "scheme": "xyz",
        "tiles": [tiles],
        "minzoom": 0,
        "maxzoom": max,
        "bounds": [w, s, e, n],
        "center": [(w + e) / 2.0, (s + n) / 2.0, max.min(6)],
    })
}

/// The MapLibre GL style that draws collection `id`'s vector tiles in tile matrix set
/// `tms` (WebMercatorQuad: MapLibre's grid) with the layer's style `style` (the default
/// when empty), the tiles under `xyz`.
pub fn maplibre_style(api: &Api, xyz: &str, id: &str, tms: &str, style: &str) -> Result<Reply, OgcError> {
    let tms = matrix_set(tms)?;
    if tms.id != "WebMercatorQuad" {
        return Err(OgcError::not_found(format!("MapLibre styles are offered for WebMercatorQuad, not {}", tms.id)));
    }
    let (_, _, record) = api.described(id, Holding::Either)?;
    if record.schema.is_none() {
        return terrain_style(&record, xyz, id, tms, style);
    }
    let (record, layer) = api.open_described(id)?;
    let kind = layer.schema().geometry;
    let style = api
        .styles
        .style(id, kind, style)
        .ok_or_else(|| OgcError::not_found(format!("no style '{style}' for '{id}'")))?;
    let tiles = format!("{xyz}/{id}/{}/{{z}}/{{x}}/{{y}}.mvt", tms.id);
    let doc = fjord_render::maplibre::maplibre_style(&style, id, &tiles, max_level(tms));
    let mut reply = Reply::json(&doc, "application/json");
    reply.etag = record.version.map(|v| format!("\"{id}-{v}-{}-{}-maplibre\"", tms.id, style.name));
    Ok(reply)
}

/// The TileJSON 3.0.0 of an elevation dataset's terrain tiles (Terrain-RGB, as
/// MapLibre's `raster-dem` source reads them with `"encoding": "mapbox"`).
fn terrain_tilejson(record: &Record, xyz: &str, id: &str, tms: &TileMatrixSet) -> Reply {
    let mut doc = tilejson_of(record, &format!("{xyz}/{id}/{}/{{z}}/{{x}}/{{y}}.terrain-rgb.png", tms.id), tms);
    doc["encoding"] = "mapbox".into();
    doc["tileSize"] = tms.tile_size.into();
    let mut reply = Reply::json(&doc, "application/json");
    reply.etag = record.version.map(|v| format!("\"{id}-{v}-{}-tilejson\"", tms.id));
    reply
}

/// The MapLibre GL style that shows an elevation dataset in 3D: its terrain tiles as
/// the map's terrain and MapLibre's own hillshade, under its map tiles in relief style
/// `style` (hypsometric when empty); `tms` is WebMercatorQuad.
fn terrain_style(record: &Record, xyz: &str, id: &str, tms: &TileMatrixSet, style: &str) -> Result<Reply, OgcError> {
    let style = if style.is_empty() { "hypsometric" } else { style };
    if !crate::wms::RELIEF_STYLES.contains(&style) {
        return Err(OgcError::not_found(format!("no style '{style}' for '{id}'")));
    }
    let (max, [w, s, e, n]) = (max_level(tms), lon_lat(record));
    let tiles = |ext: &str| format!("{xyz}/{id}/{}/{{z}}/{{x}}/{{y}}.{ext}", tms.id);
    let doc = json!({
        "version": 8,
        "name": record.title,
        "center": [(w + e) / 2.0, (s + n) / 2.0],
        "zoom": 5,
        "pitch": 60,
        "sources": {
            "terrain": {
                "type": "raster-dem", "tiles": [tiles("terrain-rgb.png")], "encoding": "mapbox",
                "tileSize": tms.tile_size, "maxzoom": max, "bounds": [w, s, e, n],
            },
            "relief": {
                "type": "raster", "tiles": [tiles(&format!("{style}.png"))],
                "tileSize": tms.tile_size, "maxzoom": max, "bounds": [w, s, e, n],
            },
        },
        "layers": [
            { "id": "relief", "type": "raster", "source": "relief" },
            { "id": "hillshade", "type": "hillshade", "source": "terrain", "paint": { "hillshade-exaggeration": 0.4 } },
        ],
        "terrain": { "source": "terrain", "exaggeration": 1.5 },
    });
    let mut reply = Reply::json(&doc, "application/json");
    reply.etag = record.version.map(|v| format!("\"{id}-{v}-{}-{style}-maplibre\"", tms.id));
    Ok(reply)
}

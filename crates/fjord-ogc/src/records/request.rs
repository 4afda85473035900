//! The query parameters of `/collections/catalogue/items`, checked into a catalogue
//! search.

use crate::csw::constraint;
use crate::error::OgcError;
use fjord_catalogue::{GeoBox, SearchQuery};

/// The parameters an items request may carry (`f` is the server's).
const KNOWN: [&str; 9] = ["q", "bbox", "bbox-crs", "type", "externalId", "limit", "offset", "filter", "filter-lang"];

fn get<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

/// The search an items request asks for: `q` (every word, as the catalogue searches),
/// `bbox` (CRS84), `type` (the record kind), `externalId` (uuids or dataset ids, comma
/// separated), `filter` in CQL2 text over the catalogue queryables, `limit` (cut to
/// `max_limit`) and `offset`. Unknown parameters are refused, as OGC API – Records asks.
pub fn parse(params: &[(String, String)], max_limit: usize) -> Result<SearchQuery, OgcError> {
    if let Some((k, _)) = params.iter().find(|(k, _)| k != "f" && !KNOWN.contains(&k.as_str())) {
        return Err(OgcError::invalid(format!("unknown parameter '{k}'; known are f, {}", KNOWN.join(", "))));
    }
    let number = |key: &str, default: usize| -> Result<usize, OgcError> {
        get(params, key).map_or(Ok(default), |v| {
            v.parse().map_err(|_| OgcError::invalid(format!("{key} must be a non-negative integer, got '{v}'")))
        })
    };
    let mut q = match (get(params, "filter"), get(params, "filter-lang")) {
        (None, _) => SearchQuery::default(),
        (Some(text), None | Some("cql2-text")) => {
            constraint::from_cql(text).map_err(|e| OgcError::invalid(format!("filter: {e}")))?
        }
        (Some(_), Some(lang)) => {
            return Err(OgcError::invalid(format!("filter-lang '{lang}' is not offered; use cql2-text")))
        }
    };
    if let Some(text) = get(params, "q") {
        if text.len() > 1000 {
            return Err(OgcError::invalid(format!("q is {} bytes; at most 1000", text.len())));
        }
        let words = text.replace(',', " ");
        q.q = Some(q.q.take().map_or(words.clone(), |f| format!("{f} {words}")));
    }
    if let Some(kind) = get(params, "type") {
        if q.kind.as_deref().is_some_and(|k| k != kind) {
            return Err(OgcError::invalid("type and the filter ask for two record types"));
        }
        q.kind = Some(kind.to_string());
    }
    if let Some(crs) = get(params, "bbox-crs") {
        if !crs.ends_with("/OGC/1.3/CRS84") {
            return Err(OgcError::invalid("bbox-crs: only http://www.opengis.net/def/crs/OGC/1.3/CRS84 is offered"));
        }
    }
    if let Some(text) = get(params, "bbox") {
        if q.bbox.is_some() {
            return Err(OgcError::invalid("give the box in bbox or in the filter, not both"));
        }
        q.bbox = Some(bbox(text)?);
    }
    if let Some(ids) = get(params, "externalId") {
        q.ids = ids.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        if q.ids.len() > 100 {
            return Err(OgcError::invalid("at most 100 externalId values"));
        }
    }
    q.limit = number("limit", 10)?.clamp(1, max_limit.max(1));
    q.offset = number("offset", 0)?;
    Ok(q)
}

fn bbox(text: &str) -> Result<GeoBox, OgcError> {
    let b =
        fjord_core::BBox::parse(text).map_err(|e| OgcError::invalid(format!("bbox: {e} (west,south,east,north)")))?;
    if b.minx < -180.0 || b.maxx > 180.0 || b.miny < -90.0 || b.maxy > 90.0 {
        return Err(OgcError::invalid(format!("bbox '{text}' is not west,south,east,north in CRS84")));
    }
    Ok(GeoBox { west: b.minx, south: b.miny, east: b.maxx, north: b.maxy })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn parameters_become_a_search() {
        let q = parse(
            &p(&[
                ("q", "høyde,terreng"),
                ("bbox", "4,57,31,72"),
                ("type", "dataset"),
                ("externalId", "fylker, x"),
                ("limit", "5000"),
                ("offset", "20"),
                ("filter", "title LIKE 'Høyde%'"),
            ]),
            100,
        )
        .unwrap();
        assert_eq!(q.q.as_deref(), Some("høyde terreng"));
        assert_eq!((q.limit, q.offset), (100, 20), "a larger limit is cut");
        assert_eq!(q.ids, ["fylker", "x"]);
        assert_eq!(q.fields.len(), 1);
        assert_eq!(q.bbox.unwrap().north, 72.0);
    }

    #[test]
    fn bad_parameters_say_what_is_wrong() {
        for (pairs, why) in [
            (vec![("bbox", "1,2,3")], "bbox"),
            (vec![("bbox", "10,60,5,70")], "bbox"),
            (vec![("bbox", "0,0,200,10")], "CRS84"),
            (vec![("limit", "-1")], "limit"),
            (vec![("colour", "red")], "unknown parameter"),
            (vec![("filter", "title >")], "filter"),
            (vec![("filter", "title = 'a'"), ("filter-lang", "cql2-json")], "filter-lang"),
            (vec![("bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/4326")], "bbox-crs"),
            (vec![("filter", "BBOX(ows:BoundingBox, 1, 2, 3, 4)"), ("bbox", "1,2,3,4")], "not both"),
        ] {
            let e = parse(&p(&pairs), 100).unwrap_err();
            assert!(e.status == 400 && e.description.contains(why), "{pairs:?}: {e}");
        }
    }
}

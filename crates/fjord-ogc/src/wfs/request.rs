//! WFS 2.0 KVP requests: case-insensitive keys, checked values, each refusal an OWS
//! exception with its code and locator.

use super::WfsError;
use fjord_core::{AxisOrder, BBox, Crs};

/// The operations served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// service metadata
    GetCapabilities,
    /// the XML schema of feature types
    DescribeFeatureType,
    /// features
    GetFeature,
    /// the values of one property
    GetPropertyValue,
    /// the stored queries offered
    ListStoredQueries,
    /// their parameters
    DescribeStoredQueries,
}

/// The versions served: 2.0.0, and 1.1.0 (capabilities, schema, features in GML 3.1.1)
/// for old clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// WFS 2.0.0
    V2_0_0,
    /// WFS 1.1.0, for clients that know no later one
    V1_1_0,
}

impl Version {
    /// Newest first.
    pub const ALL: [Version; 2] = [Version::V2_0_0, Version::V1_1_0];

    /// As written in requests and documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2_0_0 => "2.0.0",
            Version::V1_1_0 => "1.1.0",
        }
    }
}

/// `x.y.z` as numbers, missing parts 0.
fn version_number(v: &str) -> Option<[u32; 3]> {
    let mut n = [0; 3];
    for (i, part) in v.trim().split('.').enumerate() {
        *n.get_mut(i)? = part.parse().ok()?;
    }
    Some(n)
}

/// The one stored query every WFS 2.0 offers.
pub const GET_FEATURE_BY_ID: &str = "urn:ogc:def:query:OGC-WFS::GetFeatureById";

/// An output CRS or bbox CRS with the axis order its spelling implies: the URN and URI
/// forms follow the EPSG definition (lat/lon for EPSG:4326), the `EPSG:n` form of WFS
/// 1.x keeps x = east.
#[derive(Clone, Debug, PartialEq)]
pub struct SpelledCrs {
    /// the CRS
    pub crs: Crs,
    /// as the client wrote it (echoed in srsName)
    pub name: String,
    /// the coordinate order on the wire
    pub order: AxisOrder,
}

impl SpelledCrs {
    /// Parse and look up the axis order.
    pub fn parse(s: &str) -> Result<SpelledCrs, fjord_core::Error> {
        let crs = Crs::parse(s)?;
        crs.check()?;
        let order =
            if s.trim().to_ascii_lowercase().starts_with("epsg:") { AxisOrder::EastNorth } else { crs.axis_order()? };
        Ok(SpelledCrs { crs, name: s.trim().to_string(), order })
    }

    /// The default: EPSG:25833 as a URN.
    pub fn storage() -> SpelledCrs {
        SpelledCrs {
            crs: fjord_core::STORAGE_CRS,
            name: "urn:ogc:def:crs:EPSG::25833".into(),
            order: AxisOrder::EastNorth,
        }
    }
}

/// The encodings of GetFeature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// GML 3.2 (the default of 2.0.0)
    Gml32,
    /// GML 3.1.1 (the default of 1.1.0)
    Gml31,
    /// GeoJSON
    Json,
}

/// A checked GetFeature.
#[derive(Clone, Debug, PartialEq)]
pub struct GetFeature {
    /// the version asked for
    pub version: Version,
    /// the feature type (dataset id, without prefix)
    pub type_name: String,
    /// the bbox, in storage CRS order x = east, with its CRS
    pub bbox: Option<(BBox, Crs)>,
    /// the output CRS
    pub srs: SpelledCrs,
    /// page size (capped)
    pub count: usize,
    /// features to skip
    pub start: usize,
    /// only count (`RESULTTYPE=hits`)
    pub hits: bool,
    /// the encoding
    pub format: OutputFormat,
    /// only these properties (PROPERTYNAME; the geometry only when named); all when `None`
    pub properties: Option<Vec<String>>,
    /// the GetFeatureById stored query: just this feature id
    pub by_id: Option<u64>,
    /// a FES 2.0 filter (FILTER), or RESOURCEID turned into one, still to be parsed
    /// against the feature type's schema
    pub filter: Option<String>,
    /// SORTBY: property names, each descending or not
    pub sort: Vec<(String, bool)>,
}

/// The request's parameters with upper-cased keys.
pub struct Kvp(Vec<(String, String)>);

impl Kvp {
    /// From a query string's pairs.
    pub fn new(params: &[(String, String)]) -> Kvp {
        Kvp(params.iter().map(|(k, v)| (k.to_ascii_uppercase(), v.clone())).collect())
    }

    /// A parameter's value, if given and not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).filter(|v| !v.trim().is_empty())
    }

    /// Every value of a parameter that may be repeated (WCS `SUBSET`), in order.
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The operation asked for; SERVICE must be WFS.
    pub fn operation(&self) -> Result<Operation, WfsError> {
        match self.get("SERVICE") {
            Some(s) if s.eq_ignore_ascii_case("WFS") => {}
            Some(s) => return Err(WfsError::invalid("SERVICE", format!("service '{s}' is not offered here; use WFS"))),
            None => return Err(WfsError::missing("SERVICE")),
        }
        match self.get("REQUEST").map(str::to_ascii_lowercase).as_deref() {
            Some("getcapabilities") => Ok(Operation::GetCapabilities),
            Some("describefeaturetype") => Ok(Operation::DescribeFeatureType),
            Some("getfeature") => Ok(Operation::GetFeature),
            Some("getpropertyvalue") => Ok(Operation::GetPropertyValue),
            Some("liststoredqueries") => Ok(Operation::ListStoredQueries),
            Some("describestoredqueries") => Ok(Operation::DescribeStoredQueries),
            Some(_) => Err(WfsError::not_supported(self.get("REQUEST").unwrap_or(""))),
            None => Err(WfsError::missing("REQUEST")),
        }
    }

    /// The version of a GetCapabilities answer, negotiated as OWS Common says: the first
    /// of ACCEPTVERSIONS that is served; else VERSION the way WFS 1.x negotiates (the
    /// newest served that is not newer, else the oldest); else 2.0.0.
    pub fn capabilities_version(&self) -> Result<Version, WfsError> {
        if let Some(list) = self.get("ACCEPTVERSIONS") {
            return list.split(',').find_map(|v| Version::ALL.into_iter().find(|s| s.as_str() == v.trim())).ok_or_else(
                || WfsError {
                    status: 400,
                    code: "VersionNegotiationFailed",
                    locator: "ACCEPTVERSIONS".into(),
                    text: format!("none of '{list}' is served; ask for 2.0.0 or 1.1.0"),
                },
            );
        }
        let Some(v) = self.get("VERSION") else { return Ok(Version::V2_0_0) };
        let asked = version_number(v).ok_or_else(|| WfsError::invalid("VERSION", format!("'{v}' is not a version")))?;
        Ok(Version::ALL
            .into_iter()
            .find(|s| version_number(s.as_str()).is_some_and(|n| n <= asked))
            .unwrap_or(Version::V1_1_0))
    }

    /// The type names asked for (TYPENAMES, or TYPENAME of WFS 1.x), prefixes dropped.
    pub fn type_names(&self) -> Vec<String> {
        self.get("TYPENAMES")
            .or_else(|| self.get("TYPENAME"))
            .map(|v| v.split(',').map(|t| t.trim().rsplit(':').next().unwrap_or("").to_string()).collect())
            .unwrap_or_default()
    }

    /// The version an operation other than GetCapabilities is answered in: 1.1.0 when
    /// VERSION says 1.x, else 2.0.0 (also for the exception report of a refusal).
    pub fn request_version(&self) -> Version {
        match self.get("VERSION") {
            Some(v) if v.trim().starts_with("1.") => Version::V1_1_0,
            _ => Version::V2_0_0,
        }
    }

    /// Check a GetFeature.
    pub fn get_feature(&self, max_count: usize) -> Result<GetFeature, WfsError> {
        let version = match self.get("VERSION").map(str::trim) {
            None => Version::V2_0_0,
            Some(v) if v.starts_with("2.0") => Version::V2_0_0,
            Some(v) if v.starts_with("1.1") => Version::V1_1_0,
            Some(v) => {
                return Err(WfsError::invalid("VERSION", format!("GetFeature is served in 2.0.0 and 1.1.0, not {v}")))
            }
        };
        let (type_name, by_id) = match self.get("STOREDQUERY_ID") {
            Some(q) if q.eq_ignore_ascii_case(GET_FEATURE_BY_ID) => {
                let id = self.get("ID").ok_or_else(|| WfsError::missing("ID"))?;
                // feature ids are `type.fid`, as gml:id prints them
                let (t, n) = id.rsplit_once('.').ok_or_else(|| WfsError::not_found(id))?;
                let fid = n.parse().map_err(|_| WfsError::not_found(id))?;
                (t.rsplit(':').next().unwrap_or(t).to_string(), Some(fid))
            }
            Some(q) => return Err(WfsError::invalid("STOREDQUERY_ID", format!("no stored query '{q}'"))),
            None => {
                let names = self.type_names();
                match names.as_slice() {
                    [] => return Err(WfsError::missing("TYPENAMES")),
                    [one] => (one.clone(), None),
                    _ => return Err(WfsError::invalid("TYPENAMES", "one feature type per request")),
                }
            }
        };
        // `*` (as OWSLib sends) is every property
        let properties = self
            .get("PROPERTYNAME")
            .filter(|v| v.trim() != "*")
            .map(|v| v.split(',').map(|p| p.trim().rsplit(':').next().unwrap_or("").to_string()).collect());
        let number = |key: &str| -> Result<Option<usize>, WfsError> {
            self.get(key)
                .map(|v| {
                    v.trim().parse().map_err(|_| WfsError::invalid(key, format!("'{v}' is not a non-negative integer")))
                })
                .transpose()
        };
        let count = number("COUNT")?.or(number("MAXFEATURES")?).unwrap_or(max_count).min(max_count);
        let start = number("STARTINDEX")?.unwrap_or(0);
        let hits = match self.get("RESULTTYPE").map(str::to_ascii_lowercase).as_deref() {
            None | Some("results") => false,
            Some("hits") => true,
            Some(other) => return Err(WfsError::invalid("RESULTTYPE", format!("'{other}': use results or hits"))),
        };
        let srs = match self.get("SRSNAME") {
            Some(s) => SpelledCrs::parse(s).map_err(|e| WfsError::invalid("SRSNAME", e.to_string()))?,
            None => SpelledCrs::storage(),
        };
        let bbox = self.get("BBOX").map(parse_bbox).transpose()?;
        let format = match self.get("OUTPUTFORMAT").map(|f| f.to_ascii_lowercase().replace(' ', "")) {
            None if version == Version::V1_1_0 => OutputFormat::Gml31,
            None => OutputFormat::Gml32,
            Some(f) if f.contains("json") => OutputFormat::Json,
            Some(f) if f.contains("gml/3.2") || f.contains("version=3.2") || f == "gml32" => OutputFormat::Gml32,
            Some(f) if f.contains("gml/3.1") || f == "gml3" || f == "text/xml" => OutputFormat::Gml31,
            Some(f) => return Err(WfsError::invalid("OUTPUTFORMAT", format!("'{f}' is not offered"))),
        };
        // FEATUREID is the 1.1.0 name of RESOURCEID
        let filter = match (self.get("FILTER"), self.get("RESOURCEID").or_else(|| self.get("FEATUREID"))) {
            (Some(_), Some(_)) => {
                return Err(WfsError::invalid("RESOURCEID", "FILTER and RESOURCEID exclude each other"))
            }
            (Some(f), None) => Some(f.to_string()),
            (None, Some(ids)) => Some(format!(
                "<Filter>{}</Filter>",
                ids.split(',')
                    .map(|id| format!("<ResourceId rid=\"{}\"/>", quick_xml::escape::escape(id.trim())))
                    .collect::<String>()
            )),
            (None, None) => None,
        };
        if filter.is_some() && bbox.is_some() {
            return Err(WfsError::invalid("BBOX", "BBOX and FILTER exclude each other; put the box in the filter"));
        }
        let mut sort = Vec::new();
        for key in self.get("SORTBY").map(|v| v.split(',').collect::<Vec<_>>()).unwrap_or_default() {
            let mut words = key.split_whitespace();
            let name = words.next().ok_or_else(|| WfsError::invalid("SORTBY", "an empty sort key"))?;
            let desc = match words.next().map(str::to_ascii_uppercase).as_deref() {
                None | Some("ASC") | Some("A") => false,
                Some("DESC") | Some("D") => true,
                Some(other) => return Err(WfsError::invalid("SORTBY", format!("'{other}': use ASC or DESC"))),
            };
            sort.push((name.rsplit(':').next().unwrap_or(name).to_string(), desc));
        }
        Ok(GetFeature { version, type_name, bbox, srs, count, start, hits, format, properties, by_id, filter, sort })
    }
}

/// `minx,miny,maxx,maxy[,crs]` in the CRS's wire axis order (default: the storage CRS).
fn parse_bbox(v: &str) -> Result<(BBox, Crs), WfsError> {
    let parts: Vec<&str> = v.split(',').map(str::trim).collect();
    let (nums, crs) = match parts.len() {
        4 => (&parts[..], SpelledCrs::storage()),
        5 => (&parts[..4], SpelledCrs::parse(parts[4]).map_err(|e| WfsError::invalid("BBOX", e.to_string()))?),
        _ => return Err(WfsError::invalid("BBOX", "expected minx,miny,maxx,maxy[,crs]")),
    };
    let b = BBox::parse(&nums.join(",")).map_err(|e| WfsError::invalid("BBOX", e.to_string()))?;
    let b = match crs.order {
        AxisOrder::EastNorth => b,
        AxisOrder::NorthEast => BBox { minx: b.miny, miny: b.minx, maxx: b.maxy, maxy: b.maxx },
    };
    Ok((b, crs.crs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kvp(pairs: &[(&str, &str)]) -> Kvp {
        Kvp::new(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
    }

    #[test]
    fn axis_order_follows_the_crs_spelling() {
        let urn = kvp(&[("typenames", "fjord:byer"), ("bbox", "59.9,10.7,60.0,10.8,urn:ogc:def:crs:EPSG::4326")]);
        let (b, c) = urn.get_feature(100).unwrap().bbox.unwrap();
        assert_eq!((b.to_array(), c), ([10.7, 59.9, 10.8, 60.0], Crs::Epsg(4326)));
        let old = kvp(&[("TYPENAME", "byer"), ("BBOX", "10.7,59.9,10.8,60.0,EPSG:4326")]);
        assert_eq!(old.get_feature(100).unwrap().bbox.unwrap().0.to_array(), [10.7, 59.9, 10.8, 60.0]);
        let srs =
            kvp(&[("TYPENAMES", "byer"), ("SRSNAME", "urn:ogc:def:crs:EPSG::4326")]).get_feature(100).unwrap().srs;
        assert_eq!(srs.order, AxisOrder::NorthEast);
    }

    #[test]
    fn refusals_name_code_and_locator() {
        let e = kvp(&[("REQUEST", "GetFeature")]).operation().unwrap_err();
        assert_eq!((e.code, e.locator.as_str()), ("MissingParameterValue", "SERVICE"));
        let e = kvp(&[("SERVICE", "WFS"), ("REQUEST", "Transaction")]).operation().unwrap_err();
        assert_eq!(e.code, "OperationNotSupported");
        let e = kvp(&[("TYPENAMES", "byer"), ("COUNT", "-1")]).get_feature(100).unwrap_err();
        assert_eq!((e.code, e.locator.as_str()), ("InvalidParameterValue", "COUNT"));
        assert_eq!(kvp(&[]).get_feature(100).unwrap_err().locator, "TYPENAMES");
        assert_eq!(kvp(&[("TYPENAMES", "a"), ("BBOX", "1,2,3")]).get_feature(100).unwrap_err().locator, "BBOX");
        assert_eq!(kvp(&[("TYPENAMES", "a"), ("COUNT", "5000")]).get_feature(100).unwrap().count, 100);
    }

    #[test]
    fn capabilities_versions_are_negotiated() {
        for (pairs, version) in [
            (&[][..], Version::V2_0_0),
            (&[("VERSION", "2.0.0")], Version::V2_0_0),
            (&[("version", "1.1.0")], Version::V1_1_0),
            (&[("VERSION", "1.0.0")], Version::V1_1_0),
            (&[("VERSION", "1.5")], Version::V1_1_0),
            (&[("VERSION", "3.0.0")], Version::V2_0_0),
            (&[("ACCEPTVERSIONS", "1.0.0,1.1.0,2.0.0")], Version::V1_1_0),
            (&[("AcceptVersions", "2.0.2, 2.0.0"), ("VERSION", "1.1.0")], Version::V2_0_0),
        ] {
            assert_eq!(kvp(pairs).capabilities_version().unwrap(), version, "{pairs:?}");
        }
        let e = kvp(&[("ACCEPTVERSIONS", "1.0.0")]).capabilities_version().unwrap_err();
        assert_eq!((e.code, e.locator.as_str()), ("VersionNegotiationFailed", "ACCEPTVERSIONS"));
        assert_eq!(kvp(&[("VERSION", "two")]).capabilities_version().unwrap_err().locator, "VERSION");
    }
}

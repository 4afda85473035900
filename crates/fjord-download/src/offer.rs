//! What a dataset offers: areas (the whole country, counties, municipalities), the
//! projections and the formats, as GeoNorge's codelists name them.

use crate::error::{Error, Result};
use fjord_catalogue::{Catalogue, Record};
use serde::Serialize;

/// The register of counties and its area type.
pub const COUNTIES: &str = "fylke";
/// The register of municipalities and its area type.
pub const MUNICIPALITIES: &str = "kommune";
/// The area type and code of the whole country.
pub const COUNTRY: (&str, &str) = ("landsdekkende", "0000");
/// The area code and type of a polygon clip.
pub const POLYGON: (&str, &str) = ("Kart", "polygon");

/// A file format downloads are made in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// OGC GeoPackage
    GeoPackage,
    /// GeoJSON (RFC 7946 in EPSG:4326, else with a `crs` member)
    GeoJson,
    /// FlatGeobuf
    FlatGeobuf,
    /// Esri Shapefile, its files zipped
    Shape,
    /// GML 3.2
    Gml,
    /// GeoTIFF, for elevation
    GeoTiff,
}

/// The formats of feature datasets.
pub const VECTOR_FORMATS: [Format; 5] =
    [Format::GeoPackage, Format::GeoJson, Format::FlatGeobuf, Format::Shape, Format::Gml];

impl Format {
    /// The name in codelists and orders.
    pub fn name(self) -> &'static str {
        match self {
            Format::GeoPackage => "GeoPackage",
            Format::GeoJson => "GeoJSON",
            Format::FlatGeobuf => "FlatGeobuf",
            Format::Shape => "Shape",
            Format::Gml => "GML",
            Format::GeoTiff => "GeoTIFF",
        }
    }

    /// The version in codelists, where the format has one.
    pub fn version(self) -> Option<&'static str> {
        match self {
            Format::Gml => Some("3.2.1"),
            Format::GeoPackage => Some("1.2"),
            _ => None,
        }
    }

    /// The tag in file names (`..._GPKG.zip`).
    pub fn tag(self) -> &'static str {
        match self {
            Format::GeoPackage => "GPKG",
            Format::GeoJson => "GeoJSON",
            Format::FlatGeobuf => "FGB",
            Format::Shape => "SHAPE",
            Format::Gml => "GML",
            Format::GeoTiff => "TIFF",
        }
    }

    /// The format a name from an order means (its name or file tag, any case, a
    /// version after a space ignored).
    pub fn parse(name: &str) -> Option<Format> {
        let word = name.split_whitespace().next().unwrap_or("");
        [VECTOR_FORMATS.as_slice(), &[Format::GeoTiff]]
            .concat()
            .into_iter()
            .find(|f| word.eq_ignore_ascii_case(f.name()) || word.eq_ignore_ascii_case(f.tag()))
    }
}

/// A projection downloads are offered in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Projection {
    /// the EPSG code as text (`25833`)
    pub code: String,
    /// its name
    pub name: String,
    /// the URI of the CRS
    pub codespace: String,
}

/// The catalogue register the projections' names are kept in (`epsg-koder` over HTTP).
pub const PROJECTIONS: &str = "epsg";

/// The projections downloads may be offered in, with the names the EPSG register starts
/// with (later the register's own names count).
const PROJECTION_NAMES: [(u32, &str); 6] = [
    (25832, "EUREF89 UTM sone 32, 2d"),
    (25833, "EUREF89 UTM sone 33, 2d"),
    (25835, "EUREF89 UTM sone 35, 2d"),
    (4258, "EUREF89 Geografisk (ETRS 89) 2d"),
    (4326, "WGS 84 geografisk"),
    (3857, "WGS 84 / Pseudo-Mercator"),
];

impl Projection {
    fn new(code: &str, name: &str) -> Projection {
        Projection {
            code: code.to_string(),
            name: name.to_string(),
            codespace: format!("http://www.opengis.net/def/crs/EPSG/0/{code}"),
        }
    }

    /// The projections of the catalogue's EPSG register (its valid items), by name.
    pub fn named(catalogue: &Catalogue) -> Result<Vec<Projection>> {
        let items = catalogue.register(PROJECTIONS)?;
        Ok(items.iter().filter(|i| i.is_valid()).map(|i| Projection::new(&i.code, &i.name)).collect())
    }

    /// The projection of `epsg` among `named` ones.
    pub fn find(named: &[Projection], epsg: u32) -> Option<&Projection> {
        named.iter().find(|p| p.epsg() == epsg)
    }

    /// Its EPSG code.
    pub fn epsg(&self) -> u32 {
        self.code.parse().unwrap_or_default()
    }
}

/// Every EPSG code a download may be made in.
pub fn known_projections() -> impl Iterator<Item = u32> {
    PROJECTION_NAMES.iter().map(|(c, _)| *c)
}

/// Start the catalogue's EPSG register with the projections' usual names when it holds
/// nothing yet (`today` an ISO 8601 date); after that its names are data, kept there.
pub fn seed_projections(catalogue: &Catalogue, today: &str) -> Result<()> {
    if catalogue.register(PROJECTIONS)?.is_empty() {
        let items: Vec<(String, String)> =
            PROJECTION_NAMES.iter().map(|(c, n)| (c.to_string(), (*n).to_string())).collect();
        catalogue.sync_register(PROJECTIONS, &items, today)?;
    }
    Ok(())
}

/// A standard area: the country, a county or a municipality.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Area {
    /// `landsdekkende`, `fylke` or `kommune`
    pub kind: String,
    /// `0000`, two digits, four digits
    pub code: String,
    /// its name
    pub name: String,
}

/// What one dataset offers.
#[derive(Clone, Debug)]
pub struct Offer {
    /// the areas files are made for
    pub areas: Vec<Area>,
    /// the projections, each with every format
    pub projections: Vec<Projection>,
    /// the formats
    pub formats: Vec<Format>,
}

impl Offer {
    /// What `record`'s dataset offers: `projections` (EPSG codes), the vector formats
    /// for features and GeoTIFF for elevation; areas from the catalogue's registers of
    /// counties and municipalities (their valid items), and for elevation the map-sheet
    /// cells its extent touches.
    pub fn of(catalogue: &Catalogue, record: &Record, projections: &[u32]) -> Result<Offer> {
        let formats = if record.schema.is_some() { VECTOR_FORMATS.to_vec() } else { vec![Format::GeoTiff] };
        let named = Projection::named(catalogue)?;
        let projections = projections.iter().filter_map(|c| Projection::find(&named, *c).cloned()).collect();
        let mut areas = vec![Area { kind: COUNTRY.0.into(), code: COUNTRY.1.into(), name: "Hele landet".into() }];
        for register in [COUNTIES, MUNICIPALITIES] {
            for item in catalogue.register(register)?.into_iter().filter(|i| i.is_valid()) {
                areas.push(Area { kind: register.into(), code: item.code, name: item.name });
            }
        }
        if record.schema.is_none() {
            areas.extend(crate::cells::cells_of(record));
        }
        Ok(Offer { areas, projections, formats })
    }

    /// The offered area of a code (and type, when given); 400 naming the codelist.
    pub fn area(&self, code: &str, kind: Option<&str>, uuid: &str) -> Result<&Area> {
        self.areas
            .iter()
            .find(|a| a.code == code && kind.is_none_or(|k| k.is_empty() || k.eq_ignore_ascii_case(&a.kind)))
            .ok_or_else(|| {
                Error::BadRequest(format!(
                    "area '{code}'{} is not offered for dataset {uuid}; see /api/codelists/area/{uuid}",
                    kind.map(|k| format!(" ({k})")).unwrap_or_default()
                ))
            })
    }

    /// The offered projection of a code; 400 naming the codelist.
    pub fn projection(&self, code: &str, uuid: &str) -> Result<&Projection> {
        let code = code.trim().trim_start_matches("EPSG:");
        self.projections.iter().find(|p| p.code == code).ok_or_else(|| {
            Error::BadRequest(format!(
                "projection '{code}' is not offered for dataset {uuid}; see /api/codelists/projection/{uuid}"
            ))
        })
    }

    /// The offered format of a name; 400 naming the codelist.
    pub fn format(&self, name: &str, uuid: &str) -> Result<Format> {
        Format::parse(name).filter(|f| self.formats.contains(f)).ok_or_else(|| {
            Error::BadRequest(format!(
                "format '{name}' is not offered for dataset {uuid}; see /api/codelists/format/{uuid}"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_name_tag_or_version() {
        assert_eq!(Format::parse("GML 3.2.1"), Some(Format::Gml));
        assert_eq!(Format::parse("gpkg"), Some(Format::GeoPackage));
        assert_eq!(Format::parse("Shape"), Some(Format::Shape));
        assert_eq!(Format::parse("SOSI 4.5"), None);
    }

    #[test]
    fn projection_names_come_from_the_register() {
        let dir = tempfile::tempdir().unwrap();
        let c = Catalogue::open(&dir.path().join("c.sqlite")).unwrap();
        seed_projections(&c, "2026-01-01").unwrap();
        let named = Projection::named(&c).unwrap();
        assert_eq!(Projection::find(&named, 25833).unwrap().name, "EUREF89 UTM sone 33, 2d");
        assert!(Projection::find(&named, 1234).is_none());
        // a renamed projection is data: seeding again keeps the register's name
        let mut items: Vec<(String, String)> = named.iter().map(|p| (p.code.clone(), p.name.clone())).collect();
        items[0].1 = "EUREF89 UTM sone 32".into();
        c.sync_register(PROJECTIONS, &items, "2027-01-01").unwrap();
        seed_projections(&c, "2027-02-01").unwrap();
        let renamed = Projection::named(&c).unwrap();
        assert_eq!(Projection::find(&renamed, items[0].0.parse().unwrap()).unwrap().name, "EUREF89 UTM sone 32");
    }
}

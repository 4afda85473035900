//! Writes N synthetic catalogue records (10,000 by default) into a fjord data folder's
//! catalogue, for the catalogue load benchmark (`benches/catalogue_load.sh`).
//!
//! The records are GeoNorge-like and the same on every run: Norwegian titles made of a
//! subject and a place ("Flomsoner Drammen", "Naturtyper Vestland 2021"), abstracts,
//! Norwegian and English keywords, the DOK theme, ISO topic category and owner
//! organisation of the subject, and a bounding box inside Norway around a municipality
//! (6 in 10), a county (3 in 10) or the whole country. One in ten is a service record,
//! one in ten is restricted to Norway Digital partners. They carry no store data, so
//! they list no services. Records are written through [`Catalogue::upsert`], so a second
//! run replaces the same uuids.
//!
//! Run: `cargo run --release -p fjord-catalogue --example catalogue_records -- DATA_DIR [N]`

use fjord_catalogue::{Access, Catalogue, GeoBox, Organisation, Record};
use std::path::PathBuf;

/// A subject: title stem, DOK theme, owner organisation id, keywords, ISO topic category.
type Subject = (&'static str, &'static str, &'static str, &'static [&'static str], &'static str);

const SUBJECTS: &[Subject] = &[
    ("Flomsoner", "Samfunnssikkerhet", "nve", &["flomsone", "vassdrag", "flood zones"], "inlandWaters"),
    ("Kvikkleiresoner", "Samfunnssikkerhet", "nve", &["kvikkleire", "skred", "quick clay"], "geoscientificInformation"),
    (
        "Snøskred aktsomhetsområder",
        "Samfunnssikkerhet",
        "nve",
        &["snøskred", "skred", "avalanche"],
        "geoscientificInformation",
    ),
    (
        "Steinsprang aktsomhetsområder",
        "Samfunnssikkerhet",
        "nve",
        &["steinsprang", "skred", "rockfall"],
        "geoscientificInformation",
    ),
    ("Radon aktsomhet", "Samfunnssikkerhet", "ngu", &["radon", "helse", "radon hazard"], "health"),
    ("Brannstasjoner", "Samfunnssikkerhet", "dsb", &["brannstasjon", "beredskap", "fire stations"], "society"),
    ("Arealressurskart AR5", "Landbruk", "nibio", &["arealressurs", "jordbruk", "land cover"], "farming"),
    ("Skogressurskart SR16", "Landbruk", "nibio", &["skog", "skogbruk", "forest resources"], "farming"),
    ("Jordsmonn", "Landbruk", "nibio", &["jordsmonn", "jordbruk", "soil"], "farming"),
    ("Naturtyper", "Natur", "miljodirektoratet", &["naturtyper", "biologisk mangfold", "habitats"], "biota"),
    ("Verneområder", "Natur", "miljodirektoratet", &["naturvern", "verneområde", "protected areas"], "environment"),
    (
        "Friluftslivsområder",
        "Friluftsliv",
        "miljodirektoratet",
        &["friluftsliv", "turområde", "recreation"],
        "environment",
    ),
    ("Turruter", "Friluftsliv", "kartverket", &["turrute", "sti", "hiking trails"], "transportation"),
    ("Kulturminner", "Kulturminner", "riksantikvaren", &["kulturminne", "fornminne", "heritage"], "structure"),
    (
        "SEFRAK-bygninger",
        "Kulturminner",
        "riksantikvaren",
        &["sefrak", "eldre bygninger", "historic buildings"],
        "structure",
    ),
    ("Berggrunn", "Geologi", "ngu", &["berggrunn", "geologi", "bedrock"], "geoscientificInformation"),
    ("Løsmasser", "Geologi", "ngu", &["løsmasser", "geologi", "superficial deposits"], "geoscientificInformation"),
    ("Grunnvannsbrønner", "Geologi", "ngu", &["grunnvann", "brønn", "groundwater wells"], "inlandWaters"),
    ("Fiskeplasser", "Kyst og fiskeri", "fiskeridirektoratet", &["fiskeplass", "fiskeri", "fishing grounds"], "oceans"),
    (
        "Akvakulturlokaliteter",
        "Kyst og fiskeri",
        "fiskeridirektoratet",
        &["akvakultur", "oppdrett", "aquaculture"],
        "oceans",
    ),
    ("Farleder", "Kyst og fiskeri", "kystverket", &["farled", "sjøtrafikk", "fairways"], "transportation"),
    ("Sjøkart", "Kyst og fiskeri", "kartverket", &["sjøkart", "dybdedata", "nautical charts"], "oceans"),
    ("Vegnett", "Samferdsel", "statens-vegvesen", &["vegnett", "veg", "road network"], "transportation"),
    (
        "Trafikkmengde",
        "Samferdsel",
        "statens-vegvesen",
        &["trafikk", "årsdøgntrafikk", "traffic volume"],
        "transportation",
    ),
    ("Støysoner", "Forurensning", "statens-vegvesen", &["støy", "vegtrafikkstøy", "noise zones"], "environment"),
    (
        "Grunnforurensning",
        "Forurensning",
        "miljodirektoratet",
        &["forurenset grunn", "miljøgifter", "contaminated soil"],
        "environment",
    ),
    ("Høydedata DTM 10", "Høydedata", "kartverket", &["høyde", "terrengmodell", "elevation"], "elevation"),
    ("Høydekurver", "Høydedata", "kartverket", &["høydekurve", "høyde", "contour lines"], "elevation"),
    ("Bygninger FKB", "Basis geodata", "kartverket", &["bygning", "fkb", "buildings"], "structure"),
    (
        "Eiendomskart Matrikkelen",
        "Basis geodata",
        "kartverket",
        &["eiendom", "matrikkel", "cadastre"],
        "planningCadastre",
    ),
    ("Adresser", "Basis geodata", "kartverket", &["adresse", "vegadresse", "addresses"], "location"),
    ("Kommuneplanens arealdel", "Plan", "kommune", &["kommuneplan", "arealplan", "land use plan"], "planningCadastre"),
    ("Reguleringsplaner", "Plan", "kommune", &["reguleringsplan", "detaljplan", "zoning plans"], "planningCadastre"),
    ("Befolkning på rutenett 250 m", "Befolkning", "ssb", &["befolkning", "rutenett", "population grid"], "society"),
    ("Kraftledninger", "Energi", "nve", &["kraftledning", "strømnett", "power lines"], "utilitiesCommunication"),
    ("Vannkraftverk", "Energi", "nve", &["vannkraft", "kraftverk", "hydropower plants"], "utilitiesCommunication"),
    ("Vindkraftverk", "Energi", "nve", &["vindkraft", "kraftverk", "wind power plants"], "utilitiesCommunication"),
];

/// The owner organisations: id and name (`kommune` stands for the place's municipality).
const ORGANISATIONS: &[(&str, &str)] = &[
    ("kartverket", "Kartverket"),
    ("nve", "Norges vassdrags- og energidirektorat"),
    ("ngu", "Norges geologiske undersøkelse"),
    ("dsb", "Direktoratet for samfunnssikkerhet og beredskap"),
    ("nibio", "Norsk institutt for bioøkonomi"),
    ("miljodirektoratet", "Miljødirektoratet"),
    ("riksantikvaren", "Riksantikvaren"),
    ("fiskeridirektoratet", "Fiskeridirektoratet"),
    ("kystverket", "Kystverket"),
    ("statens-vegvesen", "Statens vegvesen"),
    ("ssb", "Statistisk sentralbyrå"),
];

/// Counties: name, west, south, east, north (EPSG:4258, rounded outward).
const COUNTIES: &[(&str, f64, f64, f64, f64)] = &[
    ("Oslo", 10.49, 59.80, 10.95, 60.14),
    ("Akershus", 10.30, 59.45, 11.95, 60.55),
    ("Østfold", 10.55, 58.75, 11.95, 59.80),
    ("Buskerud", 7.40, 59.40, 10.60, 61.10),
    ("Vestfold", 9.75, 58.90, 10.60, 59.75),
    ("Telemark", 7.10, 58.75, 9.95, 60.20),
    ("Agder", 6.15, 57.95, 9.25, 59.70),
    ("Rogaland", 4.55, 58.25, 7.25, 59.85),
    ("Vestland", 4.50, 59.45, 8.35, 62.40),
    ("Møre og Romsdal", 5.00, 61.95, 9.55, 63.65),
    ("Trøndelag", 8.40, 62.25, 14.35, 65.50),
    ("Innlandet", 7.35, 59.85, 12.90, 62.70),
    ("Nordland", 10.95, 64.90, 18.20, 69.35),
    ("Troms", 15.55, 68.35, 22.90, 70.35),
    ("Finnmark", 21.00, 68.55, 31.20, 71.20),
];

/// Municipalities: name, index into [`COUNTIES`], longitude and latitude of the centre.
const MUNICIPALITIES: &[(&str, usize, f64, f64)] = &[
    ("Oslo", 0, 10.75, 59.91),
    ("Bærum", 1, 10.52, 59.91),
    ("Lillestrøm", 1, 11.05, 59.96),
    ("Asker", 1, 10.43, 59.83),
    ("Fredrikstad", 2, 10.94, 59.22),
    ("Sarpsborg", 2, 11.11, 59.28),
    ("Drammen", 3, 10.20, 59.74),
    ("Kongsberg", 3, 9.65, 59.67),
    ("Ringerike", 3, 10.26, 60.17),
    ("Sandefjord", 4, 10.22, 59.13),
    ("Larvik", 4, 10.03, 59.05),
    ("Skien", 5, 9.61, 59.21),
    ("Notodden", 5, 9.26, 59.56),
    ("Kristiansand", 6, 7.99, 58.15),
    ("Arendal", 6, 8.77, 58.46),
    ("Stavanger", 7, 5.73, 58.97),
    ("Sandnes", 7, 5.74, 58.85),
    ("Haugesund", 7, 5.27, 59.41),
    ("Bergen", 8, 5.32, 60.39),
    ("Voss", 8, 6.42, 60.63),
    ("Sogndal", 8, 7.10, 61.23),
    ("Ålesund", 9, 6.15, 62.47),
    ("Molde", 9, 7.16, 62.74),
    ("Kristiansund", 9, 7.73, 63.11),
    ("Trondheim", 10, 10.40, 63.43),
    ("Steinkjer", 10, 11.50, 64.01),
    ("Røros", 10, 11.39, 62.57),
    ("Hamar", 11, 11.07, 60.79),
    ("Lillehammer", 11, 10.47, 61.12),
    ("Gjøvik", 11, 10.69, 60.80),
    ("Elverum", 11, 11.56, 60.88),
    ("Bodø", 12, 14.40, 67.28),
    ("Narvik", 12, 17.43, 68.44),
    ("Mo i Rana", 12, 14.14, 66.31),
    ("Vågan", 12, 14.57, 68.23),
    ("Tromsø", 13, 18.96, 69.65),
    ("Harstad", 13, 16.54, 68.80),
    ("Alta", 14, 23.27, 69.97),
    ("Hammerfest", 14, 23.68, 70.66),
    ("Kirkenes", 14, 30.05, 69.73),
];

/// Norway's mainland extent.
const NORWAY: (f64, f64, f64, f64) = (4.50, 57.95, 31.20, 71.20);

const FORMATS: &[&str] = &["GML", "SOSI", "FGDB", "GeoJSON", "PostGIS", "GeoPackage"];
const LICENSES: &[&str] = &["Creative Commons BY 4.0 (CC BY 4.0)", "Norsk lisens for offentlige data (NLOD) 2.0"];
const UPDATES: &[&str] = &["kontinuerlig", "årlig", "ved behov", "hvert femte år"];

/// splitmix64: a small deterministic stream, so every run writes the same records.
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let z = (self.0 ^ (self.0 >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One of `items`.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// The id a name gets as a municipality organisation: lower case ASCII, dashes.
fn slug(name: &str) -> String {
    let mut id = String::new();
    for c in name.to_lowercase().chars() {
        match c {
            'æ' => id.push_str("ae"),
            'ø' => id.push('o'),
            'å' => id.push('a'),
            c if c.is_ascii_alphanumeric() => id.push(c),
            _ => id.push('-'),
        }
    }
    id + "-kommune"
}

/// Record number `i` of the stream.
fn record(i: usize, s: &mut Stream) -> Record {
    let &(stem, theme, org, subject_words, topic) = s.pick(SUBJECTS);
    // plans are the municipalities' own
    let reach = if org == "kommune" { 0.0 } else { s.unit() };
    let (place, county, bbox) = if reach < 0.6 {
        let &(name, county, lon, lat) = s.pick(MUNICIPALITIES);
        let (dx, dy) = (0.05 + 0.4 * s.unit(), 0.03 + 0.2 * s.unit());
        let (cx, cy) = (lon + 0.1 * (s.unit() - 0.5), lat + 0.05 * (s.unit() - 0.5));
        (name, COUNTIES[county].0, (cx - dx, cy - dy, cx + dx, cy + dy))
    } else if reach < 0.9 {
        let &(name, w, so, e, n) = s.pick(COUNTIES);
        (name, name, (w, so, e, n))
    } else {
        ("Norge", "Norge", NORWAY)
    };
    let organisation = match ORGANISATIONS.iter().find(|(id, _)| *id == org) {
        Some((id, name)) => Organisation { id: id.to_string(), name: name.to_string() },
        None => Organisation { id: slug(place), name: format!("{place} kommune") },
    };
    let year = 2010 + s.next() % 16;
    let service = s.unit() < 0.1;
    let mut title = format!("{stem} {place}");
    if service {
        title.push_str(" WMS");
    } else if s.unit() < 0.3 {
        title = format!("{title} {year}");
    }
    let lower = stem.to_lowercase();
    let english = subject_words[subject_words.len() - 1];
    let area = if place == "Norge" { "hele landet".to_string() } else { format!("{place} i {county}") };
    let abstract_text = format!(
        "Datasettet viser {lower} for {area}. Det er utarbeidet av {} og oppdateres {}. \
         Temaet inngår i Det offentlige kartgrunnlaget (DOK) under {theme}. English: {english} for {place}, Norway.",
        organisation.name,
        s.pick(UPDATES),
    );
    let mut keywords: Vec<String> = subject_words.iter().map(|k| k.to_string()).collect();
    keywords.extend([place.to_string(), "Norge digitalt".to_string()]);
    if county != place {
        keywords.push(county.to_string());
    }
    let access = if s.unit() < 0.1 { Access::Partners } else { Access::Open };
    let month = 1 + s.next() % 12;
    let day = 1 + s.next() % 28;
    let created = format!("{year}-{month:02}-{day:02}T08:00:00Z");
    let updated = format!("{}-{month:02}-{day:02}T12:00:00Z", (year + s.next() % 4).min(2026));
    let (w, so, e, n) = bbox;
    let clamp = |v: f64, lo: f64, hi: f64| (v.clamp(lo, hi) * 1e4).round() / 1e4;
    let bbox = GeoBox {
        west: clamp(w, NORWAY.0, NORWAY.2),
        south: clamp(so, NORWAY.1, NORWAY.3),
        east: clamp(e, NORWAY.0, NORWAY.2),
        north: clamp(n, NORWAY.1, NORWAY.3),
    };
    let formats = (0..2).map(|_| s.pick(FORMATS).to_string()).collect::<std::collections::BTreeSet<_>>();
    let (a, b, c, d) = (s.next(), s.next(), s.next(), s.next());
    Record {
        uuid: format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            a & 0xffff,
            b & 0xfff,
            0x8000 | (c & 0x3fff),
            d & 0xffff_ffff_ffff
        ),
        kind: if service { "service" } else { "dataset" }.to_string(),
        dataset: None,
        title,
        abstract_text,
        organisation,
        keywords,
        theme: Some(theme.to_string()),
        topic_category: Some(topic.to_string()),
        license: Some(s.pick(LICENSES).to_string()),
        access,
        bbox: Some(bbox),
        crs: vec!["EPSG:25833".into(), "EPSG:25832".into(), "EPSG:4258".into()],
        formats: formats.into_iter().collect(),
        feature_count: None,
        schema: None,
        coverage: None,
        lineage: None,
        lineage_note: i.is_multiple_of(3).then(|| format!("Sammenstilt fra kilder hos {place} i {year}.")),
        created,
        updated,
        version: None,
        properties: None,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: catalogue_records DATA_DIR [N]")?);
    let n: usize = args.next().map_or(Ok(10_000), |v| v.parse())?;
    std::fs::create_dir_all(&dir)?;
    let catalogue = Catalogue::open(&dir.join("catalogue.sqlite"))?;
    let mut s = Stream(2026);
    for i in 0..n {
        catalogue.upsert(&record(i, &mut s))?;
    }
    println!("{n} records in {}", dir.join("catalogue.sqlite").display());
    Ok(())
}

//! Configuration: defaults a public server would use, a TOML file, and `FJORD_*`
//! environment variables over both.
//!
//! Every key can come from the environment as `FJORD_<SECTION>_<KEY>`, upper-case:
//! `FJORD_SERVER_LISTEN=0.0.0.0:8080`, `FJORD_DATA_DIR=/srv/fjord`,
//! `FJORD_LIMITS_MAX_SOURCE_BYTES=1000000`, `FJORD_TILES_MEMORY_CACHE_BYTES=0`,
//! `FJORD_LOG_FORMAT=json`.

use fjord_core::Crs;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The whole configuration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// HTTP server
    pub server: ServerConfig,
    /// where data lives
    pub data: DataConfig,
    /// request and input limits
    pub limits: Limits,
    /// what the OGC services offer
    pub services: ServicesConfig,
    /// the tile cache
    pub tiles: TilesConfig,
    /// logging
    pub log: LogConfig,
    /// the identity gateway
    pub auth: AuthConfig,
    /// the bulk download service
    pub download: DownloadConfig,
}

/// HTTP server settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// address to listen on (port 0 picks a free one)
    pub listen: String,
    /// seconds before a request is cut off with 408
    pub request_timeout_secs: u64,
    /// allow cross-origin reads from any web page (CORS `*`)
    pub cors: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig { listen: "127.0.0.1:8080".into(), request_timeout_secs: 30, cors: true }
    }
}

/// The data folder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataConfig {
    /// the folder holding the store and the catalogue
    pub dir: PathBuf,
    /// versions of each dataset kept for rollback
    pub keep_versions: usize,
}

impl Default for DataConfig {
    fn default() -> Self {
        DataConfig { dir: PathBuf::from("./data"), keep_versions: 5 }
    }
}

/// Limits on requests and inputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// largest page of catalogue hits
    pub max_search_limit: usize,
    /// largest source file an ingest accepts, in bytes
    pub max_source_bytes: u64,
    /// largest page of features (OGC API `limit` above it is cut to it)
    pub max_features_per_page: usize,
    /// most features one WFS GetFeature returns (its default COUNT, as GeoServer's
    /// "maximum number of features"); responses stream, so this bounds time, not memory
    pub max_wfs_features: usize,
    /// largest WMS WIDTH and HEIGHT in pixels, and the most cells a side of a WCS or
    /// OGC API coverage
    pub max_map_size: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_search_limit: 100,
            max_source_bytes: 4 << 30,
            max_features_per_page: 10_000,
            max_wfs_features: 1_000_000,
            max_map_size: 4096,
        }
    }
}

/// What the OGC services offer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServicesConfig {
    /// the CRSs features can be asked for (OGC API `crs`, WFS SRSNAME/OtherCRS); CRS84
    /// is always among them. From the environment: comma-separated.
    pub crs: Vec<String>,
    /// the map styles: `<dir>/<dataset>/<style>.json`
    pub styles_dir: PathBuf,
    /// memory for features generalised per map scale and kept between maps (WMS, map
    /// tiles); least recently used scales dropped first; 0 = each map reads afresh
    pub map_cache_bytes: u64,
    /// the land-cover dataset and field that name the surface type (`terreng`) in
    /// height answers, as `dataset.field` (e.g. `arealdekke.arealtype`, as Kartverket's
    /// API takes it from N50 Arealdekke); empty for none
    pub terrain: String,
}

impl Default for ServicesConfig {
    fn default() -> Self {
        ServicesConfig {
            crs: fjord_core::SERVICE_CRS.iter().map(|c| c.to_string()).collect(),
            styles_dir: PathBuf::from("./styles"),
            map_cache_bytes: 256 << 20,
            terrain: String::new(),
        }
    }
}

impl ServicesConfig {
    /// The CRS list, each known to PROJ, CRS84 first added when missing.
    pub fn crs_list(&self) -> Result<Vec<Crs>, ConfigError> {
        let mut out = Vec::with_capacity(self.crs.len() + 1);
        for name in &self.crs {
            let c = Crs::parse(name).map_err(|e| ConfigError::Invalid(format!("services.crs: {name}: {e}")))?;
            c.check().map_err(|e| ConfigError::Invalid(format!("services.crs: {name}: {e}")))?;
            if !out.contains(&c) {
                out.push(c);
            }
        }
        if !out.contains(&Crs::Crs84) {
            out.push(Crs::Crs84);
        }
        Ok(out)
    }
}

/// The identity gateway: how tokens are issued and which credentials are accepted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// the issuer URL tokens name (`iss`) and the discovery document gives; empty: the
    /// URL the request came to (`http://<Host>`), fine for one host name
    pub issuer: String,
    /// the audience of access tokens (`aud`)
    pub audience: String,
    /// seconds an access token lives
    pub token_lifetime_secs: u64,
    /// accept HTTP Basic (a user's password or a client's secret), as QGIS and GDAL
    /// users rely on
    pub basic: bool,
    /// leave catalogue records the caller may not read out of searches (else they are
    /// shown, as GeoNorge shows them, with `readable: false`)
    pub hide_restricted_records: bool,
    /// the municipalities a role limited to an area is clipped to, as `dataset.field`
    /// (the polygons whose field holds the municipality number)
    pub areas: String,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            issuer: String::new(),
            audience: "fjord".into(),
            token_lifetime_secs: 600,
            basic: true,
            hide_restricted_records: false,
            areas: "kommuner.kommunenummer".into(),
        }
    }
}

/// The bulk download service (GeoNorge's Download API).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DownloadConfig {
    /// threads making files (0: this server only takes orders; another runs the jobs)
    pub workers: usize,
    /// hours a download link works after the order
    pub link_hours: u64,
    /// the EPSG codes downloads are offered in
    pub projections: Vec<String>,
    /// the largest clip polygon, km²
    pub max_clip_km2: f64,
    /// the most files (areas × projections × formats) one order may ask for
    pub max_files: usize,
    /// the counties: `dataset.codefield.namefield`
    pub counties: String,
    /// the municipalities: `dataset.codefield.namefield`
    pub municipalities: String,
}

impl Default for DownloadConfig {
    fn default() -> Self {
        DownloadConfig {
            workers: 1,
            link_hours: 7 * 24,
            projections: ["25833", "25832", "25835", "4258"].map(String::from).to_vec(),
            max_clip_km2: 20_000.0,
            max_files: 100,
            counties: "fylker.fylkesnummer.navn".into(),
            municipalities: "kommuner.kommunenummer.navn".into(),
        }
    }
}

impl DownloadConfig {
    /// The download service's settings, for the data folder `data`; each value checked.
    pub fn settings(&self, data: &Path) -> Result<fjord_download::Settings, ConfigError> {
        let invalid = |what: String| ConfigError::Invalid(format!("download.{what}"));
        let mut projections = Vec::new();
        for p in &self.projections {
            let code = p.trim().trim_start_matches("EPSG:");
            match code.parse::<u32>().ok().filter(|c| fjord_download::offer::known_projections().any(|k| k == *c)) {
                Some(c) => projections.push(c),
                None => {
                    let known: Vec<String> =
                        fjord_download::offer::known_projections().map(|c| c.to_string()).collect();
                    return Err(invalid(format!("projections: '{p}' is not one of {}", known.join(", "))));
                }
            }
        }
        let boundary = |register: &str, key: &str, spec: &str| {
            fjord_download::areas::Boundary::parse(register, spec)
                .ok_or_else(|| invalid(format!("{key}: '{spec}' is not dataset.codefield.namefield")))
        };
        if self.max_clip_km2.is_nan() || self.max_clip_km2 <= 0.0 {
            return Err(invalid("max_clip_km2: must be above 0".into()));
        }
        Ok(fjord_download::Settings {
            dir: data.join("downloads"),
            workers: self.workers,
            link_secs: self.link_hours.saturating_mul(3600),
            projections,
            max_clip_km2: self.max_clip_km2,
            max_files: self.max_files.max(1),
            boundaries: vec![
                boundary(fjord_download::offer::COUNTIES, "counties", &self.counties)?,
                boundary(fjord_download::offer::MUNICIPALITIES, "municipalities", &self.municipalities)?,
            ],
        })
    }
}

/// The tile cache: recently used tiles in memory, every tile cut on disk under the data
/// folder (`tiles/`), both keyed by dataset version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TilesConfig {
    /// bytes of tiles kept in memory, least recently used dropped first; 0 turns the
    /// memory cache off
    pub memory_cache_bytes: u64,
    /// keep every tile cut on disk (and read tiles `fjord seed` cut)
    pub disk_cache: bool,
    /// how long clients and proxies may keep a tile (`Cache-Control: max-age`), seconds
    pub max_age_secs: u64,
}

impl Default for TilesConfig {
    fn default() -> Self {
        TilesConfig { memory_cache_bytes: 64 << 20, disk_cache: true, max_age_secs: 3600 }
    }
}

/// Logging.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` or `json`
    pub format: String,
    /// a tracing filter, e.g. `info` or `fjord_server=debug,info`
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig { format: "text".into(), level: "info".into() }
    }
}

/// A configuration that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// the file is missing or unreadable
    #[error("{0}: {1}")]
    Read(PathBuf, String),
    /// the file or an environment variable has a bad value or an unknown key
    #[error("configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Defaults, then the file (if given), then `FJORD_*` variables from `env`.
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let base = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| ConfigError::Read(p.to_path_buf(), e.to_string()))?;
                toml::from_str::<Config>(&text)
                    .map_err(|e| ConfigError::Invalid(format!("{}: {}", p.display(), e.message())))?
            }
            None => Config::default(),
        };
        let mut table = toml::Value::try_from(&base).map_err(|e| ConfigError::Invalid(e.to_string()))?;
        if let toml::Value::Table(sections) = &mut table {
            for (section, keys) in sections.iter_mut() {
                let toml::Value::Table(keys) = keys else {
                    continue;
                };
                for (key, value) in keys.iter_mut() {
                    let var = format!("FJORD_{}_{}", section.to_uppercase(), key.to_uppercase());
                    if let Some(raw) = env(&var) {
                        *value = env_value(value, &raw)
                            .ok_or_else(|| ConfigError::Invalid(format!("{var}={raw}: not a valid value")))?;
                    }
                }
            }
        }
        table.try_into().map_err(|e: toml::de::Error| ConfigError::Invalid(e.message().to_string()))
    }
}

/// Parse an environment value as the type the key already has.
fn env_value(current: &toml::Value, raw: &str) -> Option<toml::Value> {
    Some(match current {
        toml::Value::Integer(_) => toml::Value::Integer(raw.trim().parse().ok()?),
        toml::Value::Float(_) => toml::Value::Float(raw.trim().parse().ok()?),
        toml::Value::Boolean(_) => toml::Value::Boolean(match raw.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" => false,
            _ => return None,
        }),
        toml::Value::Array(_) => {
            toml::Value::Array(raw.split(',').map(|v| toml::Value::String(v.trim().to_string())).collect())
        }
        _ => toml::Value::String(raw.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_environment() {
        let dir = std::env::temp_dir().join(format!("fjord-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("fjord.toml");
        std::fs::write(&f, "[server]\nlisten = \"0.0.0.0:9000\"\n[data]\nkeep_versions = 2\n").unwrap();
        let env = |k: &str| match k {
            "FJORD_DATA_KEEP_VERSIONS" => Some("7".to_string()),
            "FJORD_SERVER_CORS" => Some("off".to_string()),
            "FJORD_DATA_DIR" => Some("/srv/fjord".to_string()),
            "FJORD_SERVICES_CRS" => Some("EPSG:25833, EPSG:4326".to_string()),
            "FJORD_TILES_MEMORY_CACHE_BYTES" => Some("1000".to_string()),
            "FJORD_TILES_DISK_CACHE" => Some("false".to_string()),
            _ => None,
        };
        let c = Config::load(Some(&f), env).unwrap();
        assert_eq!(c.server.listen, "0.0.0.0:9000");
        assert_eq!(c.data.keep_versions, 7);
        assert!(!c.server.cors);
        assert_eq!(c.data.dir, PathBuf::from("/srv/fjord"));
        assert_eq!(c.limits, Limits::default());
        assert_eq!(c.tiles, TilesConfig { memory_cache_bytes: 1000, disk_cache: false, max_age_secs: 3600 });
        assert_eq!(c.services.crs_list().unwrap(), [Crs::Epsg(25833), Crs::Epsg(4326), Crs::Crs84]);
        let bad = ServicesConfig { crs: vec!["EPSG:999999".into()], ..ServicesConfig::default() };
        assert!(bad.crs_list().is_err());

        let bad = |k: &str| (k == "FJORD_DATA_KEEP_VERSIONS").then(|| "many".to_string());
        assert!(Config::load(None, bad).unwrap_err().to_string().contains("FJORD_DATA_KEEP_VERSIONS"));
        std::fs::write(&f, "[server]\nlisen = 1\n").unwrap();
        assert!(Config::load(Some(&f), |_| None).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

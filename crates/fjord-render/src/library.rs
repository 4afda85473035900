//! The styles on disk: `styles/<dataset>/<style>.json`, and colour ramps for elevation
//! `styles/<dataset>/<ramp>.ramp` ([`crate::relief::Ramp`]), read once at start.

use crate::relief::Ramp;
use crate::style::{Style, StyleError};
use fjord_core::GeometryKind;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

/// Every dataset's own styles by name. A dataset without any is drawn with
/// [`Style::default_for`] its geometry kind, under the name `default`.
#[derive(Debug, Default)]
pub struct StyleLibrary {
    by_dataset: BTreeMap<String, Vec<Style>>,
    /// colour ramps by (dataset, name)
    ramps: BTreeMap<(String, String), Ramp>,
}

/// Why the style folder cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// a file or folder cannot be read
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// a style file is not a usable style
    #[error("{0}: {1}")]
    Style(String, StyleError),
    /// a ramp file is not a usable ramp
    #[error("{0}: {1}")]
    Ramp(String, String),
}

impl StyleLibrary {
    /// Read `dir` (a missing folder is an empty library). Each file's style is named by
    /// its file name (`fylker/kontrast.json` is style `kontrast` of `fylker`), whatever its
    /// `name` field says.
    pub fn load(dir: &Path) -> Result<StyleLibrary, LibraryError> {
        let mut lib = StyleLibrary::default();
        if !dir.exists() {
            return Ok(lib);
        }
        let io = |p: &Path| {
            let p = p.display().to_string();
            move |e| LibraryError::Io(p, e)
        };
        for entry in std::fs::read_dir(dir).map_err(io(dir))? {
            let dataset = entry.map_err(io(dir))?.path();
            let Some(name) = dataset.file_name().and_then(|n| n.to_str()).map(str::to_string) else { continue };
            if !dataset.is_dir() {
                continue;
            }
            let mut styles = Vec::new();
            for file in std::fs::read_dir(&dataset).map_err(io(&dataset))? {
                let path = file.map_err(io(&dataset))?.path();
                let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
                if path.extension().and_then(|e| e.to_str()) == Some("ramp") {
                    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
                    let ramp = Ramp::from_json(&text).map_err(|e| LibraryError::Ramp(path.display().to_string(), e))?;
                    lib.ramps.insert((name.clone(), stem), ramp);
                    continue;
                }
                if path.extension().and_then(|e| e.to_str()) != Some("json") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).map_err(io(&path))?;
                let mut style =
                    Style::from_json(&text).map_err(|e| LibraryError::Style(path.display().to_string(), e))?;
                style.name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("default").to_string();
                styles.push(style);
            }
            styles.sort_by(|a, b| (a.name != "default", &a.name).cmp(&(b.name != "default", &b.name)));
            lib.by_dataset.insert(name, styles);
        }
        Ok(lib)
    }

    /// The styles of a dataset, its default first (`default.json`, else the first by
    /// name, else the built-in one for `kind`), borrowed from the library.
    pub fn styles(&self, dataset: &str, kind: GeometryKind) -> Cow<'_, [Style]> {
        match self.by_dataset.get(dataset) {
            Some(s) if !s.is_empty() => Cow::Borrowed(s),
            _ => Cow::Owned(vec![Style::default_for(kind)]),
        }
    }

    /// A dataset's colour ramp `name` (`hypsometric`, `slope`, ...), else the built-in one
    /// of that name; `None` for a name with neither.
    pub fn ramp(&self, dataset: &str, name: &str) -> Option<Cow<'_, Ramp>> {
        if let Some(r) = self.ramps.get(&(dataset.to_string(), name.to_string())) {
            return Some(Cow::Borrowed(r));
        }
        match name {
            "hypsometric" => Some(Cow::Owned(Ramp::hypsometric())),
            "slope" => Some(Cow::Owned(Ramp::slope())),
            _ => None,
        }
    }

    /// One style of a dataset by name; the default for an empty name or `default`.
    pub fn style(&self, dataset: &str, kind: GeometryKind, name: &str) -> Option<Cow<'_, Style>> {
        fn pick<'a>(all: &'a [Style], name: &str) -> Option<&'a Style> {
            if name.is_empty() || name.eq_ignore_ascii_case("default") {
                all.first()
            } else {
                all.iter().find(|s| s.name == name)
            }
        }
        match self.styles(dataset, kind) {
            Cow::Borrowed(all) => pick(all, name).map(Cow::Borrowed),
            Cow::Owned(all) => pick(&all, name).cloned().map(Cow::Owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_become_named_styles_with_a_default_first() {
        let dir = std::env::temp_dir().join(format!("fjord-styles-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("fylker")).unwrap();
        let style =
            r##"{ "name": "ignored", "rules": [ { "symbolizers": [ { "fill": { "color": "#ff0000" } } ] } ] }"##;
        std::fs::write(dir.join("fylker/kontrast.json"), style).unwrap();
        std::fs::write(dir.join("fylker/blek.json"), style).unwrap();
        let lib = StyleLibrary::load(&dir).unwrap();
        let names: Vec<String> = lib.styles("fylker", GeometryKind::Polygon).iter().map(|s| s.name.clone()).collect();
        assert_eq!(names, ["blek", "kontrast"]);
        assert_eq!(lib.style("fylker", GeometryKind::Polygon, "").unwrap().name, "blek");
        assert!(lib.style("fylker", GeometryKind::Polygon, "nope").is_none());
        assert_eq!(lib.style("kommuner", GeometryKind::Polygon, "default").unwrap().name, "default");
        std::fs::write(dir.join("fylker/hypsometric.ramp"), r##"{"stops": [[0, "#000000"], [10, "#ffffff"]]}"##)
            .unwrap();
        let lib = StyleLibrary::load(&dir).unwrap();
        assert_eq!(lib.ramp("fylker", "hypsometric").unwrap().at(10.0).r, 255, "the file's");
        assert_ne!(lib.ramp("kommuner", "hypsometric").unwrap().at(10.0).r, 255, "the built-in one");
        assert!(lib.ramp("fylker", "nope").is_none());
        std::fs::write(dir.join("fylker/bad.ramp"), "[]").unwrap();
        assert!(StyleLibrary::load(&dir).is_err());
        std::fs::remove_file(dir.join("fylker/bad.ramp")).unwrap();
        std::fs::write(dir.join("fylker/broken.json"), "{").unwrap();
        assert!(StyleLibrary::load(&dir).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(StyleLibrary::load(&dir).unwrap().styles("x", GeometryKind::Point).len() == 1);
    }
}

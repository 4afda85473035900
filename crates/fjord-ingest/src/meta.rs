//! Reading the metadata sidecar (TOML or JSON) that carries a dataset's human fields.

use crate::error::{Error, Result};
use fjord_catalogue::HumanFields;
use std::path::Path;

/// Read a sidecar: `.json` as JSON, anything else as TOML. Unknown fields are errors, so
/// a misspelt key is caught instead of silently dropped.
pub fn read_sidecar(path: &Path) -> Result<HumanFields> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Meta(path.to_path_buf(), e.to_string()))?;
    let fields: HumanFields = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        serde_json::from_str(&text).map_err(|e| Error::Meta(path.to_path_buf(), e.to_string()))?
    } else {
        toml::from_str(&text).map_err(|e| Error::Meta(path.to_path_buf(), e.message().to_string()))?
    };
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fjord_catalogue::Access;

    #[test]
    fn reads_toml_and_json_and_rejects_typos() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("meta.toml");
        std::fs::write(&t, "title = \"Fylker\"\nkeywords = [\"fylke\"]\naccess = { organisations = [\"nve\"] }\n")
            .unwrap();
        let m = read_sidecar(&t).unwrap();
        assert_eq!(m.title, "Fylker");
        assert_eq!(m.access, Access::Organisations(vec!["nve".into()]));
        let j = dir.path().join("meta.json");
        std::fs::write(&j, r#"{"title": "Kommuner", "access": "login"}"#).unwrap();
        assert_eq!(read_sidecar(&j).unwrap().access, Access::Login);
        std::fs::write(&t, "access = { level = \"high\" }\n").unwrap();
        assert_eq!(read_sidecar(&t).unwrap().access, Access::Level("high".into()));
        std::fs::write(&t, "access = { roles = [\"nve:uploader\", \"admin\"] }\n").unwrap();
        assert_eq!(read_sidecar(&t).unwrap().access, Access::Roles(vec!["nve:uploader".into(), "admin".into()]));
        std::fs::write(&t, "titel = \"x\"\n").unwrap();
        assert!(read_sidecar(&t).unwrap_err().to_string().contains("titel"));
    }
}

//! The citizen pages bundle OpenLayers into the binary: find `ol.js` and `ol.css` in
//! `web/node_modules` (installed by `just deps`, which runs `npm ci` in `web/`) and hand
//! their paths to `include_bytes!`. Without them the build stops and says so.

use std::path::PathBuf;

fn main() {
    let web =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("../../web");
    println!("cargo:rerun-if-changed={}", web.join("package-lock.json").display());
    for (var, file) in [("FJORD_OL_JS", "node_modules/ol/dist/ol.js"), ("FJORD_OL_CSS", "node_modules/ol/ol.css")] {
        let path = web.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let Ok(path) = path.canonicalize() else {
            panic!(
                "\n\nOpenLayers is missing: {} does not exist.\n\
                 The citizen web pages embed it in the binary. Run `just deps` (it installs nodejs/npm \
                 and runs `npm ci` in web/), then build again.\n\n",
                path.display()
            );
        };
        println!("cargo:rustc-env={var}={}", path.display());
    }
}

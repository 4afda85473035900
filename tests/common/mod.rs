//! Helpers for end-to-end tests: run the real `fjord` binary on a temporary data folder,
//! start `fjord serve` on an ephemeral loopback port, and talk HTTP to it.
#![allow(dead_code)] // each test binary uses its own subset

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// A test fixture file.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// A sample dataset's source GeoJSON (`datasets/NAME/NAME.geojson`).
pub fn sample(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join(format!("datasets/{name}/{name}.geojson"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// How many sample summits are higher than `metres`.
pub fn summits_over(metres: i64) -> usize {
    sample("fjelltopper")["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["hoyde_m"].as_i64().unwrap() > metres)
        .count()
}

/// A GDAL command-line tool, or `None` (with a printed reason) when it is not installed.
/// Its WMS/WMTS tile cache goes to the system's temporary folder, not the working one.
pub fn gdal(tool: &str) -> Option<Command> {
    match Command::new(tool).arg("--version").output() {
        // gdaldem prints its version and then fails for want of a mode
        Ok(o) if o.status.success() || o.stdout.starts_with(b"GDAL ") => {
            let mut c = Command::new(tool);
            c.env("GDAL_DEFAULT_WMS_CACHE_PATH", std::env::temp_dir().join("fjord-tests-gdalwmscache"));
            Some(c)
        }
        _ => {
            println!("SKIPPED: {tool} is not installed (just deps installs gdal-bin)");
            None
        }
    }
}

/// A `fjord` command on `data`.
pub fn fjord(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fjord"));
    c.arg("--data-dir").arg(data).env_remove("FJORD_CONFIG").env("NO_COLOR", "1");
    c
}

/// Run `fjord ARGS` on `data` to completion.
pub fn run(data: &Path, args: &[&str]) -> Output {
    fjord(data).args(args).output().expect("fjord runs")
}

/// Run and require success; returns stdout.
pub fn ok(data: &Path, args: &[&str]) -> String {
    let out = run(data, args);
    assert!(
        out.status.success(),
        "fjord {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A running `fjord serve`, killed on drop.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

impl Server {
    /// Start on an ephemeral port and wait for its "listening on" line.
    pub fn start(data: &Path) -> Server {
        Server::start_with(data, &[])
    }

    /// Start with extra environment variables (`FJORD_*` configuration).
    pub fn start_with(data: &Path, env: &[(&str, &str)]) -> Server {
        let mut child = fjord(data)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("fjord serve starts");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let base = loop {
            let line = lines.next().expect("server exited before listening").unwrap();
            if let Some(at) = line.find("listening on http://") {
                let addr: String = line[at + 20..].chars().take_while(|c| !c.is_whitespace()).collect();
                break format!("http://{addr}");
            }
        };
        // keep draining the log so the server never blocks on a full pipe
        std::thread::spawn(move || for _ in lines {});
        Server { child, base }
    }

    /// GET a path: (status, content type, body).
    pub fn get(&self, path: &str) -> (u16, String, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut res = agent.get(&format!("{}{path}", self.base)).call().expect("HTTP answer");
        let status = res.status().as_u16();
        let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let body = res.body_mut().read_to_string().unwrap_or_default();
        (status, ct, body)
    }

    /// POST `body` as `content_type` to a path: (status, content type, body).
    pub fn post(&self, path: &str, content_type: &str, body: &str) -> (u16, String, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let url = format!("{}{path}", self.base);
        let mut res = agent.post(&url).header("Content-Type", content_type).send(body).expect("HTTP answer");
        let status = res.status().as_u16();
        let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        (status, ct, res.body_mut().read_to_string().unwrap_or_default())
    }

    /// GET and parse JSON, requiring `status`.
    pub fn json(&self, path: &str, status: u16) -> serde_json::Value {
        let (s, ct, body) = self.get(path);
        assert_eq!(s, status, "GET {path}: {body}");
        assert!(ct.contains("json"), "GET {path}: content type {ct}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GET raw bytes: (status, content type, body).
pub fn fetch(s: &Server, path: &str) -> (u16, String, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut res = agent.get(&format!("{}{path}", s.base)).call().expect("HTTP answer");
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (res.status().as_u16(), ct, res.body_mut().with_config().limit(64 << 20).read_to_vec().unwrap())
}

/// A decoded PNG: width, height, RGBA pixels.
pub struct Picture {
    /// pixels across
    pub width: u32,
    /// the pixels, row by row
    pub rgba: Vec<[u8; 4]>,
}

impl Picture {
    /// Decode a PNG (panics on anything else).
    pub fn decode(bytes: &[u8]) -> Picture {
        let mut dec = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().expect("a PNG");
        let mut buf = vec![0; dec.output_buffer_size().unwrap()];
        let info = dec.next_frame(&mut buf).unwrap();
        let channels = info.color_type.samples();
        let rgba = buf[..info.buffer_size()]
            .chunks(channels)
            .map(|c| if channels == 4 { [c[0], c[1], c[2], c[3]] } else { [c[0], c[1], c[2], 255] })
            .collect();
        Picture { width: info.width, rgba }
    }

    /// The pixel at column `x`, row `y`.
    pub fn at(&self, x: u32, y: u32) -> [u8; 4] {
        self.rgba[(y * self.width + x) as usize]
    }
}

/// `fjord users add NAME` with the password on standard input.
pub fn add_user(data: &Path, name: &str, password: &str) {
    let mut child =
        fjord(data).args(["users", "add", name]).stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), format!("{password}\n").as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

/// The restricted-data case: dataset `hemmelig` (the five fixture points) open only to
/// organisation `kartverket`, which exists with kari ("fjell og fjord 2026") as a viewer.
/// Returns the sidecar that restricts it.
pub fn restricted_setup(data: &Path) -> PathBuf {
    let meta = data.join("meta.toml");
    std::fs::write(&meta, "title = \"Hemmelige punkter\"\naccess = { organisations = [\"kartverket\"] }\n").unwrap();
    let points = fixture("points.geojson");
    let args = [
        "ingest",
        points.to_str().unwrap(),
        "--dataset",
        "hemmelig",
        "--org",
        "kartverket",
        "--meta",
        meta.to_str().unwrap(),
    ];
    ok(data, &args);
    ok(data, &["orgs", "add", "kartverket", "--number", "971040238", "--name", "Kartverket"]);
    add_user(data, "kari", "fjell og fjord 2026");
    ok(data, &["orgs", "member", "kartverket", "kari"]);
    meta
}

/// A data folder with the sample datasets and a server on it.
pub fn seeded() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let server = Server::start(dir.path());
    (dir, server)
}

/// A request with headers, an Authorization header and a body (`path` may be a whole
/// URL): (status, response headers, body).
pub fn call(
    s: &Server,
    method: &str,
    path: &str,
    auth: Option<&str>,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let url = if path.starts_with("http") { path.to_string() } else { format!("{}{path}", s.base) };
    let mut req = ureq::http::Request::builder().method(method).uri(&url);
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut res = agent.run(req.body(body.to_vec()).unwrap()).unwrap();
    let hs = res.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string())).collect();
    let bytes = res.body_mut().with_config().limit(256 << 20).read_to_vec().unwrap();
    (res.status().as_u16(), hs, bytes)
}

/// A JSON request: (status, body as JSON, or as a string when it is not JSON); a null
/// `body` sends none.
pub fn send(
    s: &Server,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let bytes = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
    let (status, _, out) = call(s, method, path, auth, &[("Content-Type", "application/json")], &bytes);
    let text = String::from_utf8_lossy(&out).into_owned();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

/// A response header by name, any case.
pub fn header<'a>(hs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    hs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// An HTTP Basic `Authorization` value.
pub fn basic(name: &str, secret: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{name}:{secret}")))
}

/// Check an OpenAPI document with openapi-spec-validator (PyPI), written to `dir`; skipped
/// with a printed reason only where python3 or the validator is missing.
pub fn assert_valid_openapi(doc: &serde_json::Value, dir: &Path) {
    let path = dir.join("openapi.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let check = "import json, sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))";
    match Command::new("python3").args(["-c", check, path.to_str().unwrap()]).output() {
        Ok(out) if out.status.success() => {}
        Ok(out) if String::from_utf8_lossy(&out.stderr).contains("No module named 'openapi_spec_validator'") => {
            println!("SKIPPED: openapi-spec-validator is not installed (just test-deps installs it)")
        }
        Ok(out) => panic!("the OpenAPI document does not validate:\n{}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => println!("SKIPPED: python3 cannot run: {e}"),
    }
}

/// Run a browser script of tests/browser/ with node against server `s` (`FJORD_BASE`),
/// screenshots going to target/test-artefacts (`ARTEFACTS`), with the extra environment
/// `env`; its standard output. Panics when the script fails; `None`, with the reason
/// printed, where Chromium, node or the npm packages of web/ (playwright-core, axe-core)
/// are missing.
pub fn run_browser(script: &str, s: &Server, env: &[(&str, &str)]) -> Option<String> {
    let modules = root().join("web/node_modules");
    for package in ["playwright-core", "axe-core"] {
        if !modules.join(package).exists() {
            println!("SKIPPED: {package} is not installed (just deps runs npm ci in web/)");
            return None;
        }
    }
    for (tool, why) in
        [("chromium", "just test-deps installs Debian's chromium"), ("node", "just deps installs nodejs")]
    {
        if Command::new(tool).arg("--version").output().is_err() {
            println!("SKIPPED: {tool} is not installed ({why})");
            return None;
        }
    }
    let artefacts = root().join("target/test-artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let out = Command::new("node")
        .arg(root().join("tests/browser").join(script))
        .env("NODE_PATH", &modules)
        .env("FJORD_BASE", &s.base)
        .env("ARTEFACTS", &artefacts)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{stdout}");
    assert!(out.status.success(), "the browser script {script} failed:\n{stdout}\n{stderr}");
    Some(stdout.into_owned())
}

/// Base32 (RFC 4648) as authenticator apps read a secret.
pub fn decode_base32(s: &str) -> Vec<u8> {
    let (mut out, mut buffer, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => continue,
        };
        buffer = (buffer << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            out.push((buffer >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    out
}

/// Enrol `user` (on `data`, the server stopped or not) in a second factor and confirm it
/// as an authenticator app would: the TOTP secret, for codes at level high
/// (`fjord_auth::totp::code(&secret, unix_secs / fjord_auth::totp::STEP)`).
pub fn enrol_totp(data: &Path, user: &str) -> Vec<u8> {
    let uri = ok(data, &["users", "totp", user]);
    let secret = decode_base32(&uri[uri.find("secret=").unwrap() + 7..uri.find("&issuer").unwrap()]);
    let ids = fjord_auth::Identities::open(&data.join("identity.sqlite")).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let earlier = format!("{:06}", fjord_auth::totp::code(&secret, (now - 30) / fjord_auth::totp::STEP));
    assert!(ids.confirm_totp(user, &earlier, now as i64).unwrap(), "the second factor is confirmed");
    secret
}

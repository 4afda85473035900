//! The identity gateway and the access policy over HTTP: machine tokens by
//! client_credentials, HTTP Basic for users and clients, and a dataset open to one
//! organisation read by each kind of caller through OGC API and WFS; refused tokens
//! (forged, `alg: none`, expired) and a locked account; the audit log of it all; GDAL
//! reading the restricted WFS layer with Basic credentials.

mod common;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use common::*;
use std::io::Write;
use std::process::Stdio;

/// GET `path` with an `Authorization` header (or none): (status, body).
fn get(s: &Server, path: &str, auth: Option<&str>) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut req = agent.get(&format!("{}{path}", s.base));
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    let mut res = req.call().unwrap();
    (res.status().as_u16(), res.body_mut().read_to_string().unwrap_or_default())
}

fn basic(name: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{name}:{secret}")))
}

/// `fjord users add NAME` with the password on standard input.
fn add_user(data: &std::path::Path, name: &str, password: &str) {
    let mut child =
        fjord(data).args(["users", "add", name]).stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

/// A machine client of `org` with `scope`: (client_id, secret).
fn add_client(data: &std::path::Path, org: &str, scope: &str) -> (String, String) {
    let out = ok(data, &["clients", "add", &format!("{org} loader"), "--org", org, "--scope", scope]);
    let field = |k: &str| out.lines().find_map(|l| l.strip_prefix(k)).unwrap().trim().to_string();
    (field("client_id "), field("client_secret "))
}

#[test]
fn each_caller_gets_what_the_policy_allows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let meta = d.join("meta.toml");
    std::fs::write(&meta, "title = \"Hemmelige punkter\"\naccess = { organisations = [\"kartverket\"] }\n").unwrap();
    ok(
        d,
        &[
            "ingest",
            fixture("points.geojson").to_str().unwrap(),
            "--dataset",
            "hemmelig",
            "--org",
            "kartverket",
            "--meta",
            meta.to_str().unwrap(),
        ],
    );
    ok(d, &["ingest", fixture("points.geojson").to_str().unwrap(), "--dataset", "apne", "--org", "kartverket"]);
    ok(d, &["orgs", "add", "kartverket", "--number", "971040238", "--name", "Kartverket"]);
    ok(d, &["orgs", "add", "nve", "--number", "970205039", "--name", "NVE"]);
    add_user(d, "kari", "fjell og fjord 2026");
    add_user(d, "ola", "dal og elv 2026!");
    ok(d, &["orgs", "member", "kartverket", "kari"]);
    let (kv_id, kv_secret) = add_client(d, "kartverket", "fjord:upload");
    let (nve_id, nve_secret) = add_client(d, "nve", "fjord:upload");
    let s = Server::start(d);

    // the provider's documents
    let disco = s.json("/.well-known/openid-configuration", 200);
    assert_eq!(disco["issuer"].as_str(), Some(s.base.as_str()));
    assert_eq!(disco["token_endpoint"].as_str().unwrap(), format!("{}/token", s.base));
    let jwks = s.json("/jwks", 200);
    assert_eq!((jwks["keys"][0]["kty"].as_str(), jwks["keys"][0]["alg"].as_str()), (Some("EC"), Some("ES256")));

    // machine tokens: client_credentials with the secret by Basic or in the form
    let token_for = |id: &str, secret: &str| -> String {
        let (status, _, body) = s.post(
            "/token",
            "application/x-www-form-urlencoded",
            &format!("grant_type=client_credentials&client_id={id}&client_secret={secret}"),
        );
        assert_eq!(status, 200, "{body}");
        let t: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!((t["token_type"].as_str(), t["scope"].as_str()), (Some("Bearer"), Some("fjord:upload")));
        format!("Bearer {}", t["access_token"].as_str().unwrap())
    };
    let kv_token = token_for(&kv_id, &kv_secret);
    let nve_token = token_for(&nve_id, &nve_secret);
    for (form, want, error) in [
        (format!("grant_type=client_credentials&client_id={kv_id}&client_secret=wrong"), 401, "invalid_client"),
        ("grant_type=password&username=kari&password=x".to_string(), 400, "unsupported_grant_type"),
        (
            format!("grant_type=client_credentials&client_id={kv_id}&client_secret={kv_secret}&scope=fjord:admin"),
            400,
            "invalid_scope",
        ),
        ("client_id=x".to_string(), 400, "invalid_request"),
    ] {
        let (status, _, body) = s.post("/token", "application/x-www-form-urlencoded", &form);
        assert!(status == want && body.contains(error), "{form}: {status} {body}");
    }

    // the restricted collection, by each kind of caller, in OGC API and WFS
    let items = "/ogcapi/collections/hemmelig/items?f=json";
    let wfs = "/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=hemmelig&COUNT=2";
    let wrong = basic("nobody", "no such user here");
    for (who, auth, want) in [
        ("anonymous", None, 401),
        ("kartverket's system", Some(kv_token.as_str()), 200),
        ("NVE's system", Some(nve_token.as_str()), 403),
        ("kari by Basic", Some(basic("kari", "fjell og fjord 2026").as_str()), 200),
        ("ola by Basic", Some(basic("ola", "dal og elv 2026!").as_str()), 403),
        ("kartverket's system by Basic", Some(basic(&kv_id, &kv_secret).as_str()), 200),
        ("a wrong password", Some(wrong.as_str()), 401),
    ] {
        let (status, body) = get(&s, items, auth);
        assert_eq!(status, want, "{who}, OGC API: {body}");
        let (status, body) = get(&s, wfs, auth);
        assert_eq!(status, want, "{who}, WFS: {body}");
        if want != 200 {
            assert!(body.contains("ExceptionReport"), "{who}: WFS answers in its own format: {body}");
        }
        // open data is for everyone, whatever came with the request
        assert_eq!(get(&s, "/ogcapi/collections/apne/items?f=json", auth).0, 200, "{who}");
        // the catalogue shows the record to all, saying whether the caller may read the data
        let (_, hits) = get(&s, "/api/catalogue/search?q=hemmelige", auth);
        let hits: serde_json::Value = serde_json::from_str(&hits).unwrap();
        assert_eq!(hits["hits"][0]["readable"].as_bool(), Some(want == 200), "{who}: {hits}");
        // the collection list shows what the caller may read
        let (_, list) = get(&s, "/ogcapi/collections?f=json", auth);
        assert_eq!(list.contains("\"hemmelig\""), want == 200, "{who}: {list}");
    }
    let (_, why) = get(&s, items, Some(&wrong));
    assert!(why.contains("refused") && why.contains("wrong username or password"), "{why}");

    // tokens that must not pass: forged, alg none, expired (signed with the real key)
    let jwt = kv_token.trim_start_matches("Bearer ");
    let parts: Vec<&str> = jwt.split('.').collect();
    let forged = format!("Bearer {}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode([9u8; 64]));
    let none = format!("Bearer {}.{}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#), parts[1]);
    let ids = fjord_auth::Identities::open(&d.join("identity.sqlite")).unwrap();
    let issuer = fjord_auth::Issuer { url: s.base.clone(), audience: "fjord".into(), lifetime: 600 };
    let scopes = ["fjord:upload".to_string()];
    let grant = fjord_auth::Grant {
        sub: &kv_id,
        client_id: &kv_id,
        loa: fjord_auth::Loa::Substantial,
        scopes: &scopes,
        org: Some("kartverket"),
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let expired = format!("Bearer {}", ids.issue(&issuer, &grant, now - 3600).unwrap());
    for (what, token, says) in
        [("forged", &forged, "invalid token"), ("alg none", &none, "invalid token"), ("expired", &expired, "expired")]
    {
        let (status, body) = get(&s, items, Some(token));
        assert!(status == 401 && body.contains(says), "{what}: {status} {body}");
    }

    // five wrong passwords lock the account: then even the right one is refused
    for _ in 0..5 {
        assert_eq!(get(&s, items, Some(&basic("kari", "guessing again"))).0, 401);
    }
    let (status, body) = get(&s, items, Some(&basic("kari", "fjell og fjord 2026")));
    assert!(status == 401 && body.contains("too many failed logins"), "{status} {body}");

    // the audit log holds the tokens issued and refused and the logins
    let log = ok(d, &["audit", "--limit", "1000"]);
    assert!(log.contains(&format!("{kv_id}\ttoken\tclient_credentials")), "{log}");
    assert!(log.contains("refused: wrong client id or secret"), "{log}");
    assert!(log.contains("token\tbearer") && log.contains("refused: the token has expired"), "{log}");
    assert!(log.contains("kari\tlogin\tpassword") && log.contains("refused: locked"), "{log}");

    // GDAL reads the restricted WFS layer with Basic credentials, and not without
    let Some(mut ogrinfo) = gdal("ogrinfo") else { return };
    let url = format!("WFS:{}/wfs?VERSION=2.0.0", s.base);
    let out = ogrinfo
        .env("GDAL_HTTP_AUTH", "BASIC")
        .env("GDAL_HTTP_USERPWD", format!("{kv_id}:{kv_secret}"))
        .args(["-ro", "-so", &url, "hemmelig"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("Feature Count: 5"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = gdal("ogrinfo").unwrap().args(["-ro", "-so", &url, "hemmelig"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Feature Count: 5"), "without credentials: no features");
}

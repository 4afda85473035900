//! The identity gateway and the access policy over HTTP: machine tokens by
//! client_credentials, HTTP Basic for users and clients, and a dataset open to one
//! organisation read by each kind of caller through OGC API and WFS; refused tokens
//! (forged, `alg: none`, expired) and a locked account; the audit log of it all; GDAL
//! reading the restricted WFS layer with Basic credentials.

mod common;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use common::*;

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
    let meta = restricted_setup(d);
    ok(d, &["ingest", fixture("points.geojson").to_str().unwrap(), "--dataset", "apne", "--org", "kartverket"]);
    ok(
        d,
        &[
            "ingest-raster",
            fixture("dem_tiles.zip").to_str().unwrap(),
            "--dataset",
            "hoyde",
            "--org",
            "kartverket",
            "--meta",
            meta.to_str().unwrap(),
        ],
    );
    ok(d, &["orgs", "add", "nve", "--number", "970205039", "--name", "NVE"]);
    add_user(d, "ola", "dal og elv 2026!");
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
    // tiles of the restricted dataset are for its readers, and no shared cache keeps them
    let tile = |id: &str, auth: Option<&str>| {
        let mut req = agent().get(&format!("{}/tiles/{id}/WebMercatorQuad/0/0/0.mvt", s.base));
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        let res = req.call().unwrap();
        (
            res.status().as_u16(),
            res.headers().get("cache-control").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default(),
        )
    };
    let res = agent().get(&format!("{}{items}", s.base)).call().unwrap();
    let challenge = res.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(challenge.contains("Basic realm=\"fjord\"") && challenge.contains("Bearer"), "{challenge}");
    assert_eq!(tile("hemmelig", None).0, 401);
    let (status, cc) = tile("hemmelig", Some(&kv_token));
    assert!(status == 200 && cc.starts_with("private"), "{status} {cc}");
    assert!(tile("apne", None).1.starts_with("public"));
    // maps, map tiles and coverages answer the same way, each in its own format
    let wms = "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=hemmelig&STYLES=&CRS=EPSG:4326&BBOX=58,5,70,30&WIDTH=64&HEIGHT=64&FORMAT=image/png";
    let wmts = "/wmts/1.0.0/hemmelig/default/WebMercatorQuad/0/0/0.png";
    let wcs = "/wcs?SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCoverage&COVERAGEID=hoyde&FORMAT=text/plain";
    for (path, format) in [(wms, "ServiceException"), (wmts, "ExceptionReport"), (wcs, "ExceptionReport")] {
        let (status, body) = get(&s, path, None);
        assert!(status == 401 && body.contains(format), "anonymous {path}: {status} {body}");
        assert_eq!(get(&s, path, Some(&nve_token)).0, 403, "NVE's system, {path}");
        assert_eq!(get(&s, path, Some(&kv_token)).0, 200, "Kartverket's system, {path}");
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

    // a flood of anonymous refusals is not listed one by one past 30 an address a minute
    for _ in 0..40 {
        assert_eq!(get(&s, "/ogcapi/collections/hemmelig/queryables", None).0, 401);
    }

    // the audit log holds the tokens issued and refused and the logins
    let log = ok(d, &["audit", "--limit", "1000"]);
    let flood = log.lines().filter(|l| l.contains("-\tread\t/ogcapi/collections/hemmelig/queryables\t")).count();
    assert!(flood <= 30, "{flood} single entries of 40 refusals");
    assert!(log.contains(&format!("{kv_id}\ttoken\tclient_credentials")), "{log}");
    assert!(log.contains("refused: wrong client id or secret"), "{log}");
    assert!(log.contains("token\tbearer") && log.contains("refused: the token has expired"), "{log}");
    assert!(log.contains("kari\tlogin\tpassword") && log.contains("refused: locked"), "{log}");
    assert!(
        log.contains(&format!("{kv_id}\tread\t/ogcapi/collections/hemmelig/items")),
        "reads of restricted data: {log}"
    );
    let refused = format!("{nve_id}\tread\t/ogcapi/collections/hemmelig/items\t127.0.0.1\trefused: 403");
    assert!(log.contains(&refused), "another organisation's token: {log}");
    assert!(log.contains("-\tread\t/wfs\t127.0.0.1\trefused: 401"), "anonymous: {log}");

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

/// An agent that shows redirects instead of following them.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into()
}

/// The value of cookie `name` among a response's `Set-Cookie` headers.
fn set_cookie(res: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        let (k, rest) = c.split_once('=')?;
        (k == name).then(|| rest.split(';').next().unwrap_or("").to_string())
    })
}

/// The hidden fields of the login form.
fn hidden_fields(page: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("<input type=\"hidden\" name=\"") {
        rest = &rest[at + 27..];
        let name = &rest[..rest.find('"').unwrap()];
        let v = &rest[rest.find("value=\"").unwrap() + 7..];
        let value = v[..v.find('"').unwrap()]
            .replace("&amp;", "&")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
        out.push((name.to_string(), value));
    }
    out
}

fn form_body(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", fjord_core::url::encode_component(k), fjord_core::url::encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn browser_logins_refuse_redirects_forgeries_and_weak_levels() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    add_user(d, "kari", "fjell og fjord 2026");
    add_user(d, "root", "the admin of it all");
    ok(d, &["users", "admin", "root"]);
    let made = ok(d, &["clients", "add", "QGIS", "--scope", "openid", "--redirect-uri", "http://127.0.0.1:7070/cb"]);
    let client_id = made.lines().find_map(|l| l.strip_prefix("client_id ")).unwrap().trim().to_string();
    // kari enrols a second factor and confirms it with a code from her app
    let uri = ok(d, &["users", "totp", "kari"]);
    let ids = fjord_auth::Identities::open(&d.join("identity.sqlite")).unwrap();
    let b32 = &uri[uri.find("secret=").unwrap() + 7..uri.find("&issuer").unwrap()];
    let secret = decode_base32(b32);
    let now = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let code_at = |t: u64| format!("{:06}", fjord_auth::totp::code(&secret, t / fjord_auth::totp::STEP));
    assert!(ids.confirm_totp("kari", &code_at(now() - 30), now() as i64).unwrap());
    let s = Server::start(d);

    let verifier = "a-verifier-of-forty-three-characters-or-more-0123";
    let challenge = fjord_auth::flows::challenge_of(verifier);
    let authorize = |redirect: &str, extra: &str| {
        format!("{}/authorize?response_type=code&client_id={client_id}&redirect_uri={}&scope=openid&state=s1&code_challenge={challenge}&code_challenge_method=S256{extra}", s.base, fjord_core::url::encode_component(redirect))
    };
    let a = agent();

    // an unregistered redirect URI, no PKCE, an unknown client: our page, never a redirect
    for (url, says) in [
        (authorize("http://evil.example/cb", ""), "redirect_uri"),
        (authorize("http://127.0.0.1:7070/cb", "").replace("&code_challenge_method=S256", ""), "PKCE"),
        (authorize("http://127.0.0.1:7070/cb", "").replace(&client_id, "fjord-nobody"), "client_id"),
    ] {
        let mut res = a.get(&url).call().unwrap();
        assert!(res.status() == 400 && res.headers().get("location").is_none(), "{url}");
        assert!(res.body_mut().read_to_string().unwrap().contains(says), "{says}");
    }

    // the login page sets a CSRF cookie its form carries; a post without it is refused
    let login = |extra: &str, otp: Option<String>, with_csrf: bool| -> (u16, Option<String>, String) {
        let mut page = a.get(&authorize("http://127.0.0.1:7070/cb", extra)).call().unwrap();
        assert_eq!(page.status(), 200);
        let csrf = set_cookie(&page, "fjord_csrf").unwrap();
        let html = page.body_mut().read_to_string().unwrap();
        let mut fields = hidden_fields(&html);
        fields.push(("username".into(), "kari".into()));
        fields.push(("password".into(), "fjell og fjord 2026".into()));
        if let Some(o) = otp {
            fields.push(("otp".into(), o));
        }
        let mut post =
            a.post(&format!("{}/authorize", s.base)).header("Content-Type", "application/x-www-form-urlencoded");
        if with_csrf {
            post = post.header("Cookie", &format!("fjord_csrf={csrf}"));
        }
        let mut res = post.send(&form_body(&fields)).unwrap();
        let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string());
        (res.status().as_u16(), location, res.body_mut().read_to_string().unwrap_or_default())
    };
    let (status, location, body) = login("", None, false);
    assert!(status == 403 && location.is_none() && body.contains("came from elsewhere"), "CSRF: {status} {body}");

    // a good login; its code refuses a wrong verifier, and is spent by that attempt
    let (status, location, _) = login("", None, true);
    let location = location.unwrap_or_default();
    assert!(
        status == 303 && location.starts_with("http://127.0.0.1:7070/cb?code=") && location.ends_with("&state=s1"),
        "{status} {location}"
    );
    let code = &location[location.find("code=").unwrap() + 5..location.find("&state").unwrap()];
    let redeem = |code: &str, v: &str| {
        s.post(
            "/token",
            "application/x-www-form-urlencoded",
            &format!(
                "grant_type=authorization_code&code={code}&client_id={client_id}&redirect_uri={}&code_verifier={v}",
                fjord_core::url::encode_component("http://127.0.0.1:7070/cb")
            ),
        )
    };
    let (status, _, body) = redeem(code, "a-wrong-verifier-of-forty-three-characters-or-more");
    assert!(status == 400 && body.contains("code_verifier"), "{body}");
    assert!(redeem(code, verifier).2.contains("used already"));

    // level high: the form asks for a one-time code, and the token says high
    let high = "&acr_values=idporten-loa-high";
    let (status, _, body) = login(high, None, true);
    assert!(status == 401 && body.contains("one-time code"), "{status} {body}");
    let (status, location, _) = login(high, Some(code_at(now())), true);
    assert_eq!(status, 303);
    let location = location.unwrap();
    let code = &location[location.find("code=").unwrap() + 5..location.find("&state").unwrap()];
    let (status, _, body) = redeem(code, verifier);
    assert_eq!(status, 200, "{body}");
    let tokens: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = tokens["id_token"].as_str().unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(id.split('.').nth(1).unwrap()).unwrap()).unwrap();
    assert_eq!(claims["acr"], "idporten-loa-high", "{claims}");

    // the audit log over HTTP is for administrators only
    assert_eq!(get(&s, "/api/admin/audit", None).0, 401);
    assert_eq!(get(&s, "/api/admin/audit", Some(&basic("kari", "fjell og fjord 2026"))).0, 403);
    let (status, body) =
        get(&s, "/api/admin/audit?action=login&limit=500", Some(&basic("root", "the admin of it all")));
    assert!(
        status == 200 && body.contains("refused: CSRF token missing or wrong") && body.contains("second factor"),
        "{body}"
    );
}

#[test]
fn citizens_register_enrol_a_second_factor_from_a_qr_code_and_log_out_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path());
    let a = agent();
    // each form page sets its CSRF cookie; (cookie, hidden fields)
    let form = |path: &str, session: Option<&str>| {
        let mut req = a.get(&format!("{}{path}", s.base));
        if let Some(c) = session {
            req = req.header("Cookie", &format!("fjord_session={c}"));
        }
        let mut res = req.call().unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let csrf = set_cookie(&res, "fjord_csrf").unwrap();
        (csrf, res.body_mut().read_to_string().unwrap())
    };
    let post = |path: &str, cookies: &str, fields: &[(&str, &str)]| {
        let body: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let mut res = a
            .post(&format!("{}{path}", s.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Cookie", cookies)
            .send(&form_body(&body))
            .unwrap();
        let session = set_cookie(&res, "fjord_session");
        (res.status().as_u16(), session, res.body_mut().read_to_string().unwrap_or_default())
    };
    let (csrf, _) = form("/register", None);
    let cookies = format!("fjord_csrf={csrf}");
    let (status, _, body) =
        post("/register", &cookies, &[("csrf", &csrf), ("username", "per"), ("password", "kort"), ("again", "kort")]);
    assert!(status == 400 && body.contains("10 characters"), "{status} {body}");
    let (status, _, _) = post(
        "/register",
        "",
        &[("csrf", &csrf), ("username", "per"), ("password", "lang nok 2026!"), ("again", "lang nok 2026!")],
    );
    assert_eq!(status, 403, "no CSRF cookie");
    let (status, session, _) = post(
        "/register",
        &cookies,
        &[("csrf", &csrf), ("username", "per"), ("password", "lang nok 2026!"), ("again", "lang nok 2026!")],
    );
    assert_eq!(status, 303);
    let session = session.expect("logged in at once");

    let (csrf, page) = form("/account", Some(&session));
    assert!(page.contains("<strong>per</strong>") && page.contains("idporten-loa-substantial"), "{page}");
    // the session is a caller for the services too (a browser map of data for logged-in users)
    let res =
        a.get(&format!("{}/userinfo", s.base)).header("Cookie", &format!("fjord_session={session}")).call().unwrap();
    assert_eq!(res.status(), 200);
    let cookies = format!("fjord_csrf={csrf}; fjord_session={session}");
    let (status, _, page) = post("/account/totp", &cookies, &[("csrf", &csrf)]);
    assert!(status == 200 && page.contains("<svg"), "a QR code: {status}");
    let key = &page[page.find("nøkkelen <code>").unwrap() + "nøkkelen <code>".len()..];
    let secret = decode_base32(&key[..key.find('<').unwrap()]);
    let next_csrf = &page[page.find("name=\"csrf\" value=\"").unwrap() + 19..];
    let next_csrf = &next_csrf[..next_csrf.find('"').unwrap()];
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let code = format!("{:06}", fjord_auth::totp::code(&secret, now / fjord_auth::totp::STEP));
    let cookies = format!("fjord_csrf={next_csrf}; fjord_session={session}");
    let (status, _, page) = post("/account/totp", &cookies, &[("csrf", next_csrf), ("otp", &code)]);
    assert!(status == 200 && page.contains("Engangskoder er på"), "{status} {page}");

    // log out everywhere, from the account page's form (not by a forged post): the session is gone
    let (status, _, _) = post("/logout?everywhere=1", &format!("fjord_session={session}"), &[]);
    assert_eq!(status, 403, "no CSRF token");
    let (csrf, _) = form("/account", Some(&session));
    let (status, _, _) =
        post("/logout?everywhere=1", &format!("fjord_csrf={csrf}; fjord_session={session}"), &[("csrf", &csrf)]);
    assert_eq!(status, 200);
    let res =
        a.get(&format!("{}/account", s.base)).header("Cookie", &format!("fjord_session={session}")).call().unwrap();
    assert_eq!(res.status(), 401);
}

#[test]
fn restricted_records_can_be_hidden_from_those_who_may_not_read_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    restricted_setup(d);
    let s = Server::start_with(d, &[("FJORD_AUTH_HIDE_RESTRICTED_RECORDS", "true")]);
    let kari = basic("kari", "fjell og fjord 2026");
    let total = |auth: Option<&str>| {
        let (_, body) = get(&s, "/api/catalogue/search?q=hemmelige", auth);
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"].as_u64()
    };
    assert_eq!((total(None), total(Some(&kari))), (Some(0), Some(1)));
    let (_, body) = get(&s, "/api/catalogue/search?q=hemmelige", Some(&kari));
    let uuid = serde_json::from_str::<serde_json::Value>(&body).unwrap()["hits"][0]["record"]["uuid"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(get(&s, &format!("/api/catalogue/records/{uuid}"), None).0, 404);
    assert_eq!(get(&s, &format!("/api/catalogue/records/{uuid}"), Some(&kari)).0, 200);
}

#[test]
fn a_role_limited_to_a_municipality_reads_only_what_lies_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    restricted_setup(d);
    let kommuner = root().join("datasets/kommuner/kommuner.geojson");
    ok(d, &["ingest", kommuner.to_str().unwrap(), "--dataset", "kommuner", "--org", "kartverket"]);
    add_user(d, "oslo", "kommunen i hovedstaden");
    ok(d, &["orgs", "member", "kartverket", "oslo", "--area", "0301"]);
    let s = Server::start(d);
    let (kari, oslo) = (basic("kari", "fjell og fjord 2026"), basic("oslo", "kommunen i hovedstaden"));
    let matched = |auth: &str| {
        let (status, body) = get(&s, "/ogcapi/collections/hemmelig/items?f=json", Some(auth));
        assert_eq!(status, 200, "{body}");
        let fc: serde_json::Value = serde_json::from_str(&body).unwrap();
        let names: Vec<String> = fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["name"].as_str().unwrap().to_string())
            .collect();
        (fc["numberMatched"].as_u64().unwrap(), names)
    };
    assert_eq!(matched(&kari).0, 5, "an unlimited member reads all");
    assert_eq!(matched(&oslo), (1, vec!["Oslo".to_string()]), "the Oslo-limited role reads Oslo only");
    // WFS the same, by count and by id; a feature elsewhere is not there for it
    let (status, body) =
        get(&s, "/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=hemmelig&RESULTTYPE=hits", Some(&oslo));
    assert!(status == 200 && body.contains("numberMatched=\"1\""), "{body}");
    let (_, all) = get(&s, "/ogcapi/collections/hemmelig/items?f=json", Some(&kari));
    let all: serde_json::Value = serde_json::from_str(&all).unwrap();
    let id_of = |name: &str| {
        all["features"].as_array().unwrap().iter().find(|f| f["properties"]["name"] == name).unwrap()["id"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(get(&s, &format!("/ogcapi/collections/hemmelig/items/{}?f=json", id_of("Bergen")), Some(&oslo)).0, 404);
    assert_eq!(get(&s, &format!("/ogcapi/collections/hemmelig/items/{}?f=json", id_of("Oslo")), Some(&oslo)).0, 200);
    let wfs_id = |name: &str| {
        format!("/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID=hemmelig.{}", id_of(name))
    };
    assert_eq!(get(&s, &wfs_id("Bergen"), Some(&oslo)).0, 404);
    // vector tiles hold only the Oslo point for it (cut for it alone), all five for kari
    let tile = |auth: &str| {
        let res = agent()
            .get(&format!("{}/tiles/hemmelig/WebMercatorQuad/0/0/0.mvt", s.base))
            .header("Authorization", auth)
            .call()
            .unwrap();
        assert_eq!(res.status(), 200);
        let etag = res.headers().get("etag").unwrap().to_str().unwrap().to_string();
        let mut body = res.into_body();
        (body.read_to_vec().unwrap(), etag)
    };
    let ((clipped, clipped_tag), (whole, whole_tag)) = (tile(&oslo), tile(&kari));
    assert!(clipped.len() < whole.len() && clipped_tag != whole_tag, "{} vs {} bytes", clipped.len(), whole.len());
    let text = String::from_utf8_lossy(&clipped);
    assert!(text.contains("Oslo") && !text.contains("Bergen"), "the tile's values hold Oslo only");
    // a map draws only what lies in the area: Bergen's pixel stays empty for it
    let map = "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=hemmelig&STYLES=&CRS=EPSG:4326&BBOX=58,4,71,31&WIDTH=270&HEIGHT=130&FORMAT=image/png&TRANSPARENT=TRUE";
    let picture = |auth: &str| {
        let res = agent().get(&format!("{}{map}", s.base)).header("Authorization", auth).call().unwrap();
        assert_eq!(res.status(), 200);
        Picture::decode(&res.into_body().read_to_vec().unwrap())
    };
    let painted = |p: &Picture| p.rgba.iter().filter(|px| px[3] > 0).count();
    let (mine, all) = (picture(&oslo), picture(&kari));
    assert!(painted(&mine) > 0 && painted(&mine) < painted(&all), "{} of {}", painted(&mine), painted(&all));
    // the collection is listed and described for it, as for any reader
    assert!(get(&s, "/ogcapi/collections?f=json", Some(&oslo)).1.contains("\"hemmelig\""));
    assert_eq!(get(&s, "/ogcapi/collections/hemmelig?f=json", Some(&oslo)).0, 200);
    let (_, hits) = get(&s, "/api/catalogue/search?q=hemmelige", Some(&oslo));
    let hits: serde_json::Value = serde_json::from_str(&hits).unwrap();
    assert_eq!(
        (&hits["hits"][0]["readable"], &hits["hits"][0]["readable_within"]),
        (&serde_json::json!(true), &serde_json::json!(["0301"]))
    );

    // elevation is masked to the area: the heights (in Bærum) are there for a Bærum-limited
    // member and kari, and none for the Oslo-limited one: no height, NoData, a clear picture
    let meta = d.join("hoyde.toml");
    std::fs::write(&meta, "title = \"Hemmelige høyder\"\naccess = { organisations = [\"kartverket\"] }\n").unwrap();
    let dem = fixture("dem_tiles.zip");
    let args = ["ingest-raster", dem.to_str().unwrap(), "--dataset", "hoyde", "--org", "kartverket"];
    ok(d, &[&args[..], &["--meta", meta.to_str().unwrap()]].concat());
    add_user(d, "baerum", "kommunen vest for byen");
    ok(d, &["orgs", "member", "kartverket", "baerum", "--area", "3201"]);
    let baerum = basic("baerum", "kommunen vest for byen");
    let height = |auth: &str| {
        let (status, body) = get(&s, "/api/elevation/point?x=250300&y=6650250", Some(auth));
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["z"].as_f64()
    };
    assert!(height(&kari).is_some() && height(&baerum) == height(&kari), "{:?} {:?}", height(&kari), height(&baerum));
    assert_eq!(height(&oslo), None, "no height outside the Oslo-limited member's area");
    let wcs = "/wcs?SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCoverage&COVERAGEID=hoyde&FORMAT=text/plain";
    let cells = |auth: &str| {
        let (status, body) = get(&s, wcs, Some(auth));
        assert_eq!(status, 200, "{body}");
        let values: Vec<f64> =
            body.lines().skip(6).flat_map(str::split_whitespace).map(|v| v.parse().unwrap()).collect();
        (values.len(), values.iter().filter(|v| **v != -9999.0).count())
    };
    let ((n, with_height), (m, none)) = (cells(&baerum), cells(&oslo));
    assert!(n == m && with_height > 0 && none == 0, "Bærum {with_height} of {n}, Oslo {none} of {m}");
    let relief = "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=hoyde&STYLES=&CRS=EPSG:25833&BBOX=250000,6650000,251000,6650500&WIDTH=100&HEIGHT=50&FORMAT=image/png&TRANSPARENT=TRUE";
    let shaded = |auth: &str| {
        let res = agent().get(&format!("{}{relief}", s.base)).header("Authorization", auth).call().unwrap();
        assert_eq!(res.status(), 200);
        painted(&Picture::decode(&res.into_body().read_to_vec().unwrap()))
    };
    assert!(shaded(&baerum) > 4000 && shaded(&oslo) == 0, "{} {}", shaded(&baerum), shaded(&oslo));
}

#[test]
fn each_constraint_by_each_kind_of_caller_in_every_service() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    restricted_setup(d);
    for (id, access) in [
        ("innlogget", "\"login\""),
        ("hoyt", "{ level = \"high\" }"),
        ("roller", "{ roles = [\"kartverket:uploader\"] }"),
        ("partnere", "\"partners\""),
    ] {
        let meta = d.join(format!("{id}.toml"));
        std::fs::write(&meta, format!("title = \"{id}\"\naccess = {access}\n")).unwrap();
        let points = fixture("points.geojson");
        let args = ["ingest", points.to_str().unwrap(), "--dataset", id, "--org", "kartverket"];
        ok(d, &[&args[..], &["--meta", meta.to_str().unwrap()]].concat());
    }
    add_user(d, "borger", "en helt vanlig innbygger");
    add_user(d, "ola", "dal og elv 2026!");
    ok(d, &["orgs", "member", "kartverket", "ola", "--role", "viewer"]);
    add_user(d, "per", "laster opp hver dag");
    ok(d, &["orgs", "member", "kartverket", "per", "--role", "uploader"]);
    let s = Server::start(d);
    // the users' tokens from logins at the gateway (signed by its key; a password hash a
    // request would make this test slow), one of them with a second factor (level high)
    let ids = fjord_auth::Identities::open(&d.join("identity.sqlite")).unwrap();
    let issuer = fjord_auth::Issuer { url: s.base.clone(), audience: "fjord".into(), lifetime: 600 };
    let scopes = ["openid".to_string()];
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let token = |sub: &str, loa| {
        let grant = fjord_auth::Grant { sub, client_id: "web", loa, scopes: &scopes, org: None };
        Some(format!("Bearer {}", ids.issue(&issuer, &grant, now).unwrap()))
    };
    use fjord_auth::Loa::{High, Substantial};
    let callers = [
        ("anonymous", None),
        ("a citizen", token("borger", Substantial)),
        ("a citizen at level high", token("borger", High)),
        ("a viewer of kartverket", token("ola", Substantial)),
        ("an uploader of kartverket", token("per", Substantial)),
    ];
    // what each caller (in the order above) gets from each dataset
    let wants = [
        ("innlogget", [401, 200, 200, 200, 200]),
        ("hoyt", [401, 401, 200, 401, 401]),
        ("roller", [401, 403, 403, 403, 200]),
        ("partnere", [401, 403, 403, 200, 200]),
    ];
    for (id, want) in wants {
        let services = [
            format!("/ogcapi/collections/{id}/items?f=json"),
            format!("/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={id}&COUNT=1"),
            format!("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={id}&STYLES=&CRS=EPSG:4326&BBOX=58,5,70,30&WIDTH=32&HEIGHT=32&FORMAT=image/png"),
            format!("/tiles/{id}/WebMercatorQuad/0/0/0.mvt"),
            format!("/wmts/1.0.0/{id}/default/WebMercatorQuad/0/0/0.png"),
        ];
        for ((who, auth), want) in callers.iter().zip(want) {
            for path in &services {
                let (status, body) = get(&s, path, auth.as_deref());
                assert_eq!(status, want, "{who}, {path}: {body}");
            }
            let (_, hits) = get(&s, &format!("/api/catalogue/search?q={id}"), auth.as_deref());
            let hits: serde_json::Value = serde_json::from_str(&hits).unwrap();
            let hit = hits["hits"].as_array().unwrap().iter().find(|h| h["record"]["dataset"] == id);
            assert_eq!(hit.map(|h| h["readable"].as_bool()), Some(Some(want == 200)), "{who}, {id}: {hits}");
        }
    }
    // a login at level substantial is told why level high is wanted
    let (_, why) = get(&s, "/ogcapi/collections/hoyt/items?f=json", Some(&basic("borger", "en helt vanlig innbygger")));
    assert!(why.contains("level high"), "{why}");
}

//! Norway.no over the one catalogue: a one-stop search across every record kind by topic
//! (the search's theme facet), the inventory of public authorities, and a helpdesk whose
//! requests go to the authority that answers them (the routing rule is
//! `fjord_portals::norway::route`). JSON under `/api/norway/`, pages under `/norge`.

use super::{every, given, one, option, page_of, tr};
use crate::app::AppState;
use crate::auth::Ctx;
use crate::catalogue_api::{parse_search, run_search};
use crate::home::esc;
use crate::pages::layout::{query_string, Visit};
use crate::problem::Problem;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use fjord_catalogue::{FacetCount, Record, SearchQuery};
use fjord_portals::draft::{strings, text};
use fjord_portals::norway::{self, HelpRequest, AUTHORITY, HELPDESK_REQUEST};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write;

/// The routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/norway/topics", get(topics))
        .route("/api/norway/authorities", get(authorities))
        .route("/api/norway/authorities/{uuid}", get(authority))
        .route("/api/norway/helpdesk", get(requests).post(send))
        .route("/norge", get(front_page))
        .route("/norge/virksomheter", get(authorities_page))
        .route("/norge/virksomheter/{uuid}", get(authority_page))
        .route("/norge/hjelp", get(help_page).post(help_submit))
}

/// Every topic (the theme facet over every kind the caller may see) with its count.
async fn topic_counts(state: &AppState) -> Result<Vec<FacetCount>, Problem> {
    Ok(run_search(state, SearchQuery { limit: 1, ..SearchQuery::default() }).await?.facets.theme)
}

/// `GET /api/norway/topics`: the topics, each with how many records of every kind are
/// filed under it and the authorities that work with it.
async fn topics(Ctx(state): Ctx) -> Result<Json<Value>, Problem> {
    let authorities = every(&state, AUTHORITY, None).await?;
    let topics: Vec<Value> = topic_counts(&state)
        .await?
        .into_iter()
        .map(|t| {
            let who: Vec<&str> =
                authorities.iter().filter(|a| norway::works_with(a, &t.value)).map(|a| a.uuid.as_str()).collect();
            json!({"topic": t.value, "count": t.count, "authorities": who,
                   "search": format!("/api/catalogue/search?theme={}", fjord_core::url::encode_component(&t.value))})
        })
        .collect();
    Ok(Json(json!({ "topics": topics })))
}

/// `GET /api/norway/authorities?topic=`: the public authorities (working with `topic`).
async fn authorities(Ctx(state): Ctx, Query(p): Query<HashMap<String, String>>) -> Result<Json<Value>, Problem> {
    let topic = given(&p, "topic");
    let list: Vec<Record> = every(&state, AUTHORITY, None)
        .await?
        .into_iter()
        .filter(|a| topic.is_none_or(|t| norway::works_with(a, t)))
        .collect();
    Ok(Json(json!({ "total": list.len(), "authorities": list })))
}

/// `GET /api/norway/authorities/{uuid}`
async fn authority(Ctx(state): Ctx, Path(uuid): Path<String>) -> Result<Json<Record>, Problem> {
    Ok(Json(one(&state, AUTHORITY, &uuid).await?))
}

/// 401 unless someone is logged in; their user name.
fn sender(state: &AppState) -> Result<String, Problem> {
    state.caller.subject.clone().ok_or_else(|| Problem {
        status: StatusCode::UNAUTHORIZED,
        detail: state.caller.refused.clone().unwrap_or_else(|| "log in to send a request".into()),
    })
}

/// Route and write a request from the logged-in caller: the record written.
async fn file(state: &AppState, req: HelpRequest) -> Result<Record, Problem> {
    let who = sender(state)?;
    let authorities = every(state, AUTHORITY, None).await?;
    let to = norway::route(&req, &authorities)?;
    let draft = norway::request_draft(&req, &who, to)?;
    let uuid = uuid::Uuid::new_v4().to_string();
    super::records::write(state, None, draft.into_record(&uuid, None, &fjord_core::time::now_rfc3339())).await
}

/// `POST /api/norway/helpdesk`: send a request (logged in); 201 with the record, routed.
async fn send(Ctx(state): Ctx, body: Bytes) -> Result<Response, Problem> {
    sender(&state)?;
    let req: HelpRequest =
        serde_json::from_slice(&body).map_err(|e| Problem::bad_request(format!("the request: {e}")))?;
    let record = file(&state, req).await?;
    let location = format!("/api/catalogue/records/{}", record.uuid);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(record)).into_response())
}

/// `GET /api/norway/helpdesk?authority=`: the requests the caller may read: a clerk's
/// (a member of the authority's organisation) those routed to the authority, a
/// citizen's their own.
async fn requests(Ctx(state): Ctx, Query(p): Query<HashMap<String, String>>) -> Result<Json<Value>, Problem> {
    sender(&state)?;
    let to = given(&p, "authority");
    let list: Vec<Record> = every(&state, HELPDESK_REQUEST, None)
        .await?
        .into_iter()
        .filter(|r| {
            let routed = r.properties.as_ref().and_then(|p| p.get("authority")).and_then(Value::as_str);
            to.is_none_or(|t| routed == Some(t))
        })
        .collect();
    Ok(Json(json!({ "total": list.len(), "requests": list })))
}

/// `GET /norge?q=&theme=&kind=&offset=`: the topics, a search box across every kind, and the
/// hits of the search when one is asked.
async fn front_page(Ctx(state): Ctx, visit: Visit) -> Response {
    let lang = visit.lang;
    let topics = match topic_counts(&state).await {
        Ok(t) => t,
        Err(p) => return visit.error(p.status, &p.detail),
    };
    let mut h = super::search_form(
        &visit,
        "/norge",
        tr(lang, "Tjenester fra det offentlige", "Public services in Norway"),
        tr(
            lang,
            "Finn virksomheter, tjenester, regler, standarder og datasett på ett sted, ordnet etter tema.",
            "Find authorities, services, rules, standards and datasets in one place, by topic.",
        ),
    );
    h.push_str("</form>");
    if ["q", "theme", "kind"].iter().any(|p| visit.param(p).is_some()) {
        if let Err(p) = hits(&mut h, &state, &visit).await {
            return visit.error(p.status, &p.detail);
        }
    }
    let _ = write!(
        h,
        "<section aria-labelledby=\"topics\"><h2 id=\"topics\">{}</h2><ul class=\"topics\">",
        tr(lang, "Tema", "Topics")
    );
    for t in &topics {
        let href = format!("/norge?theme={}", fjord_core::url::encode_component(&t.value));
        let _ = write!(
            h,
            "<li><a href=\"{}\">{}</a> <span class=\"n\">({})</span></li>",
            esc(&href),
            esc(&t.value),
            t.count
        );
    }
    let _ = write!(
        h,
        "</ul></section><nav aria-labelledby=\"portals\"><h2 id=\"portals\">{}</h2><ul class=\"portals\">",
        tr(lang, "Tjenestene", "The services")
    );
    for (href, nb, en) in PORTALS {
        let _ = write!(h, "<li><a href=\"{href}\">{}</a></li>", tr(lang, nb, en));
    }
    h.push_str("</ul></nav>");
    visit.page(tr(lang, "Tjenester", "Services"), &h, &[])
}

/// The portals over the one catalogue, as the front page lists them: where, and their
/// names in bokmål and English.
const PORTALS: [(&str, &str, &str); 10] = [
    ("/norge/virksomheter", "Offentlige virksomheter", "Public authorities"),
    ("/norge/hjelp", "Spør om hjelp", "Ask for help"),
    ("/skjema", "Skjema (Altinn)", "Forms (Altinn)"),
    ("/minside", "Min side", "My page"),
    ("/regelhjelp", "Regelhjelp for næringslivet", "Rules for your business"),
    ("/doffin", "Offentlige anskaffelser (Doffin)", "Public procurement (Doffin)"),
    ("/oep", "Offentlig journal (OEP)", "Public records (OEP)"),
    ("/standarder", "Standarder", "Standards"),
    ("/", "Kartkatalogen", "The map catalogue"),
    ("/minside/folkeregister", "Folkeregisteret: din oppføring", "The National Register: your entry"),
];

/// Hits per page of Norway.no's search.
const PAGE: usize = 20;

/// The hits of the visit's search (`q`, `theme`, `offset`) over every kind.
async fn hits(h: &mut String, state: &AppState, visit: &Visit) -> Result<(), Problem> {
    let lang = visit.lang;
    let mut params = visit.params();
    params.insert("limit".into(), PAGE.to_string());
    let q = parse_search(&params, PAGE).map_err(Problem::bad_request)?;
    let offset = q.offset;
    let result = run_search(state, q).await?;
    let heading = match visit.param("theme") {
        Some(t) => format!("{} {} «{}»", result.total, tr(lang, "treff i tema", "hits in topic"), t),
        None => format!("{} {}", result.total, tr(lang, "treff", "hits")),
    };
    let _ = write!(
        h,
        "<section aria-labelledby=\"hits-heading\"><h2 id=\"hits-heading\" role=\"status\">{}</h2><ol class=\"hits\">",
        esc(&heading)
    );
    // each hit says its kind by the kind's declared title
    let kinds = state.catalogue.kinds();
    for hit in &result.hits {
        let r = &hit.record;
        let _ = write!(
            h,
            "<li class=\"hit\"><div><h3><a href=\"{href}\">{title}</a></h3><p>{abs}</p>\
             <p class=\"meta\">{org} · {kind}</p></div></li>",
            href = esc(&page_of(r)),
            title = esc(&r.title),
            abs = esc(&r.abstract_text.chars().take(280).collect::<String>()),
            org = esc(&r.organisation.name),
            kind = esc(kinds.iter().find(|k| k.name == r.kind).map_or(r.kind.as_str(), |k| k.title.as_str())),
        );
    }
    h.push_str("</ol>");
    let page_link = |to: usize, label: &str, rel: &str| {
        let mut pairs: Vec<(String, String)> = ["q", "theme", "kind"]
            .iter()
            .filter_map(|k| visit.param(k).map(|v| (k.to_string(), v.to_string())))
            .collect();
        pairs.push(("offset".into(), to.to_string()));
        format!("<a rel=\"{rel}\" href=\"/norge?{}\">{label}</a> ", esc(&query_string(&pairs)))
    };
    h.push_str("<nav class=\"pages\">");
    if offset > 0 {
        h.push_str(&page_link(offset.saturating_sub(PAGE), tr(lang, "Forrige side", "Previous page"), "prev"));
    }
    if offset + result.hits.len() < result.total as usize {
        h.push_str(&page_link(offset + PAGE, tr(lang, "Neste side", "Next page"), "next"));
    }
    h.push_str("</nav></section>");
    Ok(())
}

/// `GET /norge/virksomheter?topic=`: the inventory of public authorities.
async fn authorities_page(Ctx(state): Ctx, visit: Visit) -> Response {
    let lang = visit.lang;
    let list = match every(&state, AUTHORITY, None).await {
        Ok(l) => l,
        Err(p) => return visit.error(p.status, &p.detail),
    };
    let topic = visit.param("topic");
    let title = tr(lang, "Offentlige virksomheter", "Public authorities");
    let mut h = format!("<h1>{title}</h1><ul class=\"hits\">");
    for a in list.iter().filter(|a| topic.is_none_or(|t| norway::works_with(a, t))) {
        let _ = write!(
            h,
            "<li class=\"hit\"><div><h2><a href=\"{href}\">{name}</a></h2><p>{abs}</p><p class=\"meta\">{org_no} {number} · {offers}</p></div></li>",
            href = esc(&page_of(a)),
            name = esc(&a.title),
            abs = esc(&a.abstract_text),
            org_no = tr(lang, "Org.nr.", "Org. no."),
            number = esc(text(a, "organisation_number")),
            offers = esc(&strings(a, "offers").join(", ")),
        );
    }
    h.push_str("</ul>");
    visit.page(title, &h, &[])
}

/// `GET /norge/virksomheter/{uuid}`: one authority: what it offers, its topics, contact,
/// and the way to ask it for help.
async fn authority_page(Ctx(state): Ctx, visit: Visit, Path(uuid): Path<String>) -> Response {
    let lang = visit.lang;
    let a = match one(&state, AUTHORITY, &uuid).await {
        Ok(a) => a,
        Err(p) => return visit.error(p.status, &p.detail),
    };
    let contact = a.properties.as_ref().and_then(|p| p.get("contact")).cloned().unwrap_or(Value::Null);
    let c = |k: &str| contact.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let list = |items: Vec<&str>| items.iter().map(|i| format!("<li>{}</li>", esc(i))).collect::<String>();
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>{name}</h1><p>{abs}</p><dl class=\"facts\"><dt>{org_no}</dt><dd>{number}</dd>\
         <dt>{email_l}</dt><dd><a href=\"mailto:{email}\">{email}</a></dd><dt>{phone_l}</dt><dd>{phone}</dd>\
         <dt>{web_l}</dt><dd><a href=\"{web}\">{web}</a></dd></dl>\
         <h2>{offers_l}</h2><ul>{offers}</ul><h2>{topics_l}</h2><ul>{topics}</ul>\
         <p><a class=\"action\" href=\"/norge/hjelp?authority={uuid}\">{ask} {name}</a></p>",
        name = esc(&a.title),
        abs = esc(&a.abstract_text),
        org_no = tr(lang, "Organisasjonsnummer", "Organisation number"),
        number = esc(text(&a, "organisation_number")),
        email_l = tr(lang, "E-post", "E-mail"),
        email = esc(&c("email")),
        phone_l = tr(lang, "Telefon", "Phone"),
        phone = esc(&c("phone")),
        web_l = tr(lang, "Nettsted", "Website"),
        web = esc(&c("web")),
        offers_l = tr(lang, "Tjenester", "Services"),
        offers = list(strings(&a, "offers")),
        topics_l = tr(lang, "Tema", "Topics"),
        topics = list(strings(&a, "topics")),
        uuid = esc(&fjord_core::url::encode_component(&a.uuid)),
        ask = tr(lang, "Send et spørsmål til", "Send a question to"),
    );
    visit.page(&a.title, &h, &[])
}

/// `GET /norge/hjelp?authority=`: the helpdesk form (logged in), else the way to log in.
async fn help_page(Ctx(state): Ctx, visit: Visit, headers: HeaderMap) -> Response {
    let req = HelpRequest {
        topic: visit.param("topic").unwrap_or("").into(),
        service: None,
        authority: visit.param("authority").map(str::to_string),
        subject: String::new(),
        message: String::new(),
        reply_to: None,
    };
    help_form(&state, &visit, &headers, &req, StatusCode::OK, None).await
}

/// The helpdesk form filled with `req`, saying `error` when a try was refused.
async fn help_form(
    state: &AppState,
    visit: &Visit,
    headers: &HeaderMap,
    req: &HelpRequest,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let lang = visit.lang;
    let title = tr(lang, "Spør om hjelp", "Ask for help");
    if state.caller.subject.is_none() {
        let h = format!(
            "<h1>{title}</h1><p>{why}</p><p><a href=\"{href}\">{login}</a></p>",
            why = tr(
                lang,
                "Du må logge inn for å sende en henvendelse, så svaret kommer til deg.",
                "Log in to send a request, so that the answer reaches you."
            ),
            href = esc(&visit.login_href()),
            login = tr(lang, "Logg inn", "Log in"),
        );
        let mut res = visit.page(title, &h, &[]);
        *res.status_mut() = StatusCode::UNAUTHORIZED;
        return res;
    }
    let authorities = match every(state, AUTHORITY, None).await {
        Ok(a) => a,
        Err(p) => return visit.error(p.status, &p.detail),
    };
    let mut topics: Vec<&str> = authorities.iter().flat_map(|a| strings(a, "topics")).collect();
    topics.sort_unstable();
    topics.dedup();
    let chosen = req.authority.as_deref().unwrap_or("");
    let mut h = format!("<h1>{title}</h1>");
    if let Some(e) = error {
        let _ = write!(h, "<p class=\"error\" role=\"alert\">{}</p>", esc(e));
    }
    let authority_options: String = std::iter::once(option(
        "",
        tr(lang, "Finn riktig virksomhet for meg", "Find the right authority for me"),
        chosen.is_empty(),
    ))
    .chain(authorities.iter().map(|a| option(&a.uuid, &a.title, a.uuid == chosen)))
    .collect();
    let topic_options: String = std::iter::once(option("", "—", req.topic.is_empty()))
        .chain(topics.iter().map(|t| option(t, t, *t == req.topic)))
        .collect();
    let service = req.service.as_deref().unwrap_or("");
    let mut service_options = option("", "—", service.is_empty());
    for a in &authorities {
        let _ = write!(service_options, "<optgroup label=\"{}\">", esc(&a.title));
        for offer in strings(a, "offers") {
            service_options.push_str(&option(offer, offer, offer == service));
        }
        service_options.push_str("</optgroup>");
    }
    let form = |csrf: &str| {
        format!(
            "{h}<form method=\"post\" action=\"/norge/hjelp\" class=\"portal\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <label for=\"authority\">{authority_l}</label><select id=\"authority\" name=\"authority\">{authority_options}</select>\
             <label for=\"service\">{service_l}</label><select id=\"service\" name=\"service\" aria-describedby=\"route-help\">{service_options}</select>\
             <label for=\"topic\">{topic_l}</label><select id=\"topic\" name=\"topic\" aria-describedby=\"route-help\">{topic_options}</select>\
             <p id=\"route-help\" class=\"help\">{route_help}</p>\
             <label for=\"subject\">{subject_l}</label><input id=\"subject\" name=\"subject\" required maxlength=\"200\" value=\"{subject}\">\
             <label for=\"message\">{message_l}</label><textarea id=\"message\" name=\"message\" required rows=\"6\" maxlength=\"5000\">{message}</textarea>\
             <label for=\"reply_to\">{reply_l}</label><input id=\"reply_to\" name=\"reply_to\" type=\"email\" autocomplete=\"email\" value=\"{reply}\">\
             <button>{send}</button></form>",
            csrf = esc(csrf),
            authority_l = tr(lang, "Virksomhet", "Authority"),
            service_l = tr(lang, "Tjeneste", "Service"),
            topic_l = tr(lang, "Tema", "Topic"),
            route_help = tr(
                lang,
                "Velger du ikke virksomhet, går henvendelsen til virksomheten som tilbyr tjenesten, ellers til den som har temaet.",
                "Without an authority chosen, the request goes to the authority offering the service, else to the one for the topic."
            ),
            subject_l = tr(lang, "Emne", "Subject"),
            subject = esc(&req.subject),
            message_l = tr(lang, "Spørsmålet ditt", "Your question"),
            message = esc(&req.message),
            reply_l = tr(lang, "E-post for svar (valgfritt)", "E-mail for the answer (optional)"),
            reply = esc(req.reply_to.as_deref().unwrap_or("")),
            send = tr(lang, "Send henvendelsen", "Send the request"),
        )
    };
    let mut res = crate::login::with_csrf(state, headers, |csrf| visit.page(title, &form(csrf), &[]));
    *res.status_mut() = status;
    res
}

/// `POST /norge/hjelp`: send the form's request; a receipt naming the authority it went
/// to, or the form again saying what to fix.
async fn help_submit(Ctx(state): Ctx, visit: Visit, headers: HeaderMap, body: Bytes) -> Response {
    let lang = visit.lang;
    let p: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty());
    let req = HelpRequest {
        topic: get("topic").unwrap_or_default(),
        service: get("service"),
        authority: get("authority"),
        subject: get("subject").unwrap_or_default(),
        message: get("message").unwrap_or_default(),
        reply_to: get("reply_to"),
    };
    if !crate::login::csrf_ok(&p, &headers) {
        let why = tr(lang, "Skjemaet var utløpt; prøv igjen.", "The form had expired; try again.");
        return help_form(&state, &visit, &headers, &req, StatusCode::FORBIDDEN, Some(why)).await;
    }
    let record = match file(&state, req.clone()).await {
        Ok(r) => r,
        Err(p) => return help_form(&state, &visit, &headers, &req, p.status, Some(&p.detail)).await,
    };
    let h = format!(
        "<h1>{title}</h1><p role=\"status\" class=\"notice\">{sent} <strong>{to}</strong>.</p>\
         <dl class=\"facts\"><dt>{subject_l}</dt><dd>{subject}</dd><dt>{ref_l}</dt><dd>{uuid}</dd></dl>\
         <p><a href=\"/norge\">{back}</a></p>",
        title = tr(lang, "Henvendelsen er sendt", "Your request is sent"),
        sent = tr(lang, "Henvendelsen din er sendt til", "Your request went to"),
        to = esc(&record.organisation.name),
        subject_l = tr(lang, "Emne", "Subject"),
        subject = esc(&record.title),
        ref_l = tr(lang, "Referanse", "Reference"),
        uuid = esc(&record.uuid),
        back = tr(lang, "Tilbake til tjenester", "Back to services"),
    );
    let mut res = visit.page(tr(lang, "Henvendelsen er sendt", "Your request is sent"), &h, &[]);
    *res.status_mut() = StatusCode::CREATED;
    res
}

/// The OpenAPI paths of these routes.
pub fn openapi() -> Vec<(&'static str, Value)> {
    let ok = |what: &str| json!({"description": what, "content": {"application/json": {}}});
    vec![
        (
            "/api/norway/topics",
            json!({"get": {"summary": "Norway.no's topics: the theme facet over every record kind, with the authorities working with each",
                           "tags": ["Norway.no"], "responses": {"200": ok("the topics")}}}),
        ),
        (
            "/api/norway/authorities",
            json!({"get": {"summary": "The inventory of public authorities",
                           "tags": ["Norway.no"],
                           "parameters": [{"name": "topic", "in": "query", "required": false, "schema": {"type": "string"},
                                           "description": "only those working with this topic"}],
                           "responses": {"200": ok("the authorities")}}}),
        ),
        (
            "/api/norway/authorities/{uuid}",
            json!({"get": {"summary": "One public authority",
                           "tags": ["Norway.no"],
                           "parameters": [{"name": "uuid", "in": "path", "required": true, "schema": {"type": "string"}}],
                           "responses": {"200": ok("the authority"), "404": {"$ref": "#/components/responses/NotFound"}}}}),
        ),
        (
            "/api/norway/helpdesk",
            json!({
                "get": {"summary": "The helpdesk requests the caller may read: a clerk's those routed to their authority, a citizen's their own",
                        "tags": ["Norway.no"],
                        "parameters": [{"name": "authority", "in": "query", "required": false, "schema": {"type": "string"},
                                        "description": "only those routed to this authority (its record's uuid)"}],
                        "responses": {"200": ok("the requests"), "401": {"$ref": "#/components/responses/Unauthorized"}}},
                "post": {"summary": "Send a helpdesk request (logged in); it goes to the authority chosen, else the one offering the service, else the one working with the topic",
                         "tags": ["Norway.no"],
                         "requestBody": {"required": true, "content": {"application/json": {"schema": {
                             "type": "object", "required": ["subject", "message"],
                             "properties": {"topic": {"type": "string"}, "service": {"type": "string"},
                                            "authority": {"type": "string", "description": "an authority record's uuid"},
                                            "subject": {"type": "string"}, "message": {"type": "string"},
                                            "reply_to": {"type": "string", "format": "email"}}}}}},
                         "responses": {"201": ok("sent: the request's record, owned by the authority it went to"),
                                       "400": {"$ref": "#/components/responses/BadRequest"},
                                       "401": {"$ref": "#/components/responses/Unauthorized"}}}
            }),
        ),
    ]
}

//! The pages' two languages, Norwegian bokmål and English: which one a request gets
//! (`?lang=`, then the `fjord_lang` cookie the switch sets, then `Accept-Language`,
//! else bokmål, as Kartkatalog) and every text a page shows, in both.

use axum::http::{header, HeaderMap};

/// A page language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Norwegian bokmål (the default)
    Nb,
    /// English
    En,
}

/// The cookie that keeps the language picked with the switch.
pub const LANG_COOKIE: &str = "fjord_lang";

impl Lang {
    /// A language code as `?lang=` takes it; `None` for one the pages do not speak.
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "nb" | "no" | "nn" | "nob" | "nb-no" | "no-no" | "nn-no" => Some(Lang::Nb),
            "en" | "eng" | "en-gb" | "en-us" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of a request: `lang` from the query when given (an unknown code is
    /// an error saying which are known), else the cookie, else `Accept-Language`.
    pub fn of(query: Option<&str>, headers: &HeaderMap) -> Result<Lang, String> {
        if let Some(code) = query {
            return Lang::parse(code).ok_or_else(|| format!("lang must be nb or en, not '{code}'"));
        }
        let cookie = crate::login::cookie(headers, LANG_COOKIE).and_then(|c| Lang::parse(&c));
        Ok(cookie.or_else(|| accepted(headers)).unwrap_or(Lang::Nb))
    }

    /// The BCP 47 code for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }

    /// The other language, the one the switch offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::Nb => Lang::En,
            Lang::En => Lang::Nb,
        }
    }

    /// Every text in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Nb => &NB,
            Lang::En => &EN,
        }
    }
}

/// The best of bokmål and English by the `Accept-Language` weights, if either is asked.
fn accepted(headers: &HeaderMap) -> Option<Lang> {
    let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(f32, Lang)> = None;
    for part in value.split(',') {
        let mut bits = part.split(';');
        let tag = bits.next().unwrap_or("").trim();
        let primary = tag.split('-').next().unwrap_or("");
        let Some(lang) = Lang::parse(tag).or_else(|| Lang::parse(primary)) else { continue };
        let q = bits.find_map(|b| b.trim().strip_prefix("q=")).and_then(|q| q.parse().ok()).unwrap_or(1.0);
        if best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l)
}

/// What the pages say, in one language.
pub struct Texts {
    /// the site's name
    pub site: &'static str,
    /// the link past the header
    pub skip: &'static str,
    /// the switch to this language, in this language
    pub language_name: &'static str,
    /// the search page in the menu
    pub nav_search: &'static str,
    /// the basket in the menu
    pub nav_basket: &'static str,
    /// the login link
    pub log_in: &'static str,
    /// the account link
    pub account: &'static str,
    /// the link to MyPage (the citizen's orders, forms and register entry)
    pub my_page: &'static str,
    /// the logout link
    pub log_out: &'static str,
    /// the search field's label
    pub search_label: &'static str,
    /// the search field's example
    pub search_placeholder: &'static str,
    /// the search button
    pub search_button: &'static str,
    /// the order field
    pub sort_by: &'static str,
    /// the orders, as `fjord_catalogue::Order::NAMES` lists them
    pub orders: [&'static str; 5],
    /// after the number of hits
    pub hits: &'static str,
    /// when nothing matches
    pub no_hits: &'static str,
    /// the facets' heading
    pub filters: &'static str,
    /// the theme facet
    pub theme: &'static str,
    /// the organisation facet
    pub organisation: &'static str,
    /// the type facet
    pub kind: &'static str,
    /// the access facet
    pub access: &'static str,
    /// the record kind `dataset`
    pub kind_dataset: &'static str,
    /// access `no restrictions`
    pub access_open: &'static str,
    /// access `norway digital restricted`
    pub access_partners: &'static str,
    /// access `restricted`
    pub access_restricted: &'static str,
    /// removes every filter
    pub clear_filters: &'static str,
    /// the area filter's heading
    pub area_filter: &'static str,
    /// the area filter's field
    pub bbox_label: &'static str,
    /// how to draw on the map
    pub bbox_help: &'static str,
    /// the area filter's map, for screen readers
    pub area_map: &'static str,
    /// the previous page
    pub previous: &'static str,
    /// the next page
    pub next: &'static str,
    /// the abstract's heading
    pub about: &'static str,
    /// the facts' heading
    pub facts: &'static str,
    /// topic category
    pub topic: &'static str,
    /// license
    pub license: &'static str,
    /// last update
    pub updated: &'static str,
    /// dataset version
    pub version: &'static str,
    /// coordinate systems
    pub crs: &'static str,
    /// formats
    pub formats: &'static str,
    /// extent
    pub extent: &'static str,
    /// feature count
    pub features: &'static str,
    /// the map preview's heading
    pub preview: &'static str,
    /// the services' heading
    pub services: &'static str,
    /// the copy button
    pub copy: &'static str,
    /// after copying
    pub copied: &'static str,
    /// the metadata document link
    pub metadata_xml: &'static str,
    /// the download heading
    pub download: &'static str,
    /// the area field
    pub area: &'static str,
    /// the projection field
    pub projection: &'static str,
    /// the format field
    pub format: &'static str,
    /// the whole country area group
    pub area_country: &'static str,
    /// the county area group
    pub area_counties: &'static str,
    /// the municipality area group
    pub area_municipalities: &'static str,
    /// the own-area group of the area list
    pub area_own: &'static str,
    /// the area drawn on the map
    pub area_drawn: &'static str,
    /// how to draw it
    pub draw_help: &'static str,
    /// when nothing is drawn yet
    pub draw_first: &'static str,
    /// the e-mail field when a drawn area is in the basket
    pub email_needed: &'static str,
    /// the basket button
    pub add_to_basket: &'static str,
    /// after adding
    pub added: &'static str,
    /// a restricted dataset for a caller who may not read it
    pub login_to_download: &'static str,
    /// a dataset without downloads
    pub no_download: &'static str,
    /// the basket page's title
    pub basket: &'static str,
    /// an empty basket
    pub basket_empty: &'static str,
    /// removes a basket line
    pub remove: &'static str,
    /// the e-mail field
    pub email: &'static str,
    /// the usage group field
    pub usage_group: &'static str,
    /// the usage purpose field
    pub usage_purpose: &'static str,
    /// the order button
    pub order: &'static str,
    /// while ordering
    pub ordering: &'static str,
    /// the order page's title
    pub order_title: &'static str,
    /// when ordered
    pub ordered: &'static str,
    /// the file column
    pub file: &'static str,
    /// the status column
    pub status: &'static str,
    /// status `ReadyForDownload`
    pub ready: &'static str,
    /// status `WaitingForProcessing`
    pub waiting: &'static str,
    /// status `Error`
    pub failed: &'static str,
    /// an order without files
    pub no_files: &'static str,
    /// the button that packs every file of an order into one zip
    pub bundle: &'static str,
    /// the dataset column
    pub dataset: &'static str,
    /// an error page's heading
    pub error: &'static str,
}

static NB: Texts = Texts {
    site: "fjord kartkatalog",
    skip: "Hopp til innholdet",
    language_name: "Norsk",
    nav_search: "Søk",
    nav_basket: "Nedlastingskurv",
    log_in: "Logg inn",
    account: "Min konto",
    my_page: "Min side",
    log_out: "Logg ut",
    search_label: "Søk i kartkatalogen",
    search_placeholder: "f.eks. høydedata, fylker",
    search_button: "Søk",
    sort_by: "Sorter etter",
    orders: ["Relevans", "Tittel", "Organisasjon", "Nyeste", "Sist oppdatert"],
    hits: "treff",
    no_hits: "Ingen treff. Prøv et annet ord eller fjern filtrene.",
    filters: "Avgrens søket",
    theme: "Tema",
    organisation: "Organisasjon",
    kind: "Type",
    access: "Tilgang",
    kind_dataset: "Datasett",
    access_open: "Åpne data",
    access_partners: "Norge digitalt-begrenset",
    access_restricted: "Skjermede data",
    clear_filters: "Fjern alle filtre",
    area_filter: "Avgrens til område",
    bbox_label: "Område (vest,sør,øst,nord i grader)",
    bbox_help: "Tegn et område i kartet med Shift og musen, eller skriv inn koordinatene.",
    area_map: "Kart for å velge område",
    previous: "Forrige side",
    next: "Neste side",
    about: "Om datasettet",
    facts: "Fakta",
    topic: "Tematisk kategori",
    license: "Lisens",
    updated: "Oppdatert",
    version: "Versjon",
    crs: "Koordinatsystemer",
    formats: "Formater",
    extent: "Utstrekning",
    features: "Antall objekter",
    preview: "Kart",
    services: "Tjenester",
    copy: "Kopier",
    copied: "Kopiert",
    metadata_xml: "Metadata (ISO 19139 XML)",
    download: "Last ned",
    area: "Område",
    projection: "Projeksjon",
    format: "Format",
    area_country: "Hele landet",
    area_counties: "Fylker",
    area_municipalities: "Kommuner",
    area_own: "Eget område",
    area_drawn: "Tegnet i kartet",
    draw_help: "Klikk i kartet for hvert hjørne av området, og dobbeltklikk på det siste.",
    draw_first: "Tegn området i kartet først.",
    email_needed: "E-post (kreves for områder tegnet i kartet: vi sier fra når filen er klar)",
    add_to_basket: "Legg i kurv",
    added: "Lagt i kurven",
    login_to_download: "Datasettet har begrenset tilgang. Logg inn for å laste det ned.",
    no_download: "Datasettet kan ikke lastes ned her.",
    basket: "Nedlastingskurv",
    basket_empty: "Kurven er tom. Finn et datasett og velg «Legg i kurv».",
    remove: "Fjern",
    email: "E-post (valgfritt)",
    usage_group: "Brukergruppe",
    usage_purpose: "Formål",
    order: "Bestill",
    ordering: "Bestiller …",
    order_title: "Bestilling",
    ordered: "Bestilt",
    file: "Fil",
    status: "Status",
    ready: "Klar til nedlasting",
    waiting: "Venter på behandling",
    failed: "Feil",
    no_files: "Bestillingen har ingen filer: ingen fil finnes for valgene.",
    bundle: "Last ned alle filene samlet",
    dataset: "Datasett",
    error: "Noe er galt",
};

static EN: Texts = Texts {
    site: "fjord map catalogue",
    skip: "Skip to content",
    language_name: "English",
    nav_search: "Search",
    nav_basket: "Download basket",
    log_in: "Log in",
    account: "My account",
    my_page: "My page",
    log_out: "Log out",
    search_label: "Search the map catalogue",
    search_placeholder: "e.g. elevation, counties",
    search_button: "Search",
    sort_by: "Sort by",
    orders: ["Relevance", "Title", "Organisation", "Newest", "Last updated"],
    hits: "results",
    no_hits: "No results. Try another word or remove the filters.",
    filters: "Narrow the search",
    theme: "Theme",
    organisation: "Organisation",
    kind: "Type",
    access: "Access",
    kind_dataset: "Dataset",
    access_open: "Open data",
    access_partners: "Norway Digital restricted",
    access_restricted: "Restricted data",
    clear_filters: "Remove all filters",
    area_filter: "Limit to an area",
    bbox_label: "Area (west,south,east,north in degrees)",
    bbox_help: "Draw an area on the map with Shift and the mouse, or type the coordinates.",
    area_map: "Map to pick an area",
    previous: "Previous page",
    next: "Next page",
    about: "About the dataset",
    facts: "Facts",
    topic: "Topic category",
    license: "Licence",
    updated: "Updated",
    version: "Version",
    crs: "Coordinate systems",
    formats: "Formats",
    extent: "Extent",
    features: "Number of features",
    preview: "Map",
    services: "Services",
    copy: "Copy",
    copied: "Copied",
    metadata_xml: "Metadata (ISO 19139 XML)",
    download: "Download",
    area: "Area",
    projection: "Projection",
    format: "Format",
    area_country: "The whole country",
    area_counties: "Counties",
    area_municipalities: "Municipalities",
    area_own: "Your own area",
    area_drawn: "Drawn on the map",
    draw_help: "Click on the map for each corner of the area, and double-click the last one.",
    draw_first: "Draw the area on the map first.",
    email_needed: "E-mail (needed for areas drawn on the map: we tell you when the file is ready)",
    add_to_basket: "Add to basket",
    added: "Added to the basket",
    login_to_download: "This dataset is restricted. Log in to download it.",
    no_download: "This dataset cannot be downloaded here.",
    basket: "Download basket",
    basket_empty: "The basket is empty. Find a dataset and choose “Add to basket”.",
    remove: "Remove",
    email: "E-mail (optional)",
    usage_group: "User group",
    usage_purpose: "Purpose",
    order: "Order",
    ordering: "Ordering …",
    order_title: "Order",
    ordered: "Ordered",
    file: "File",
    status: "Status",
    ready: "Ready for download",
    waiting: "Waiting for processing",
    failed: "Error",
    no_files: "The order has no files: no file exists for the choices made.",
    bundle: "Download all the files together",
    dataset: "Dataset",
    error: "Something is wrong",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, accept.parse().unwrap());
        h
    }

    #[test]
    fn query_then_cookie_then_accept_language() {
        assert_eq!(Lang::of(Some("en"), &headers("nb")), Ok(Lang::En));
        assert!(Lang::of(Some("de"), &HeaderMap::new()).unwrap_err().contains("nb or en"));
        assert_eq!(Lang::of(None, &headers("en-GB,en;q=0.9")), Ok(Lang::En));
        assert_eq!(Lang::of(None, &headers("de, en;q=0.5, nb;q=0.8")), Ok(Lang::Nb));
        assert_eq!(Lang::of(None, &headers("fr")), Ok(Lang::Nb));
        let mut h = headers("nb");
        h.insert(header::COOKIE, "fjord_lang=en".parse().unwrap());
        assert_eq!(Lang::of(None, &h), Ok(Lang::En));
    }
}

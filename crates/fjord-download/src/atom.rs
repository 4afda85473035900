//! INSPIRE ATOM download feeds, as GeoNorge's `Tjenestefeed.xml`: a service feed with an
//! entry per open dataset, and a dataset feed per dataset with an entry per file (area ×
//! projection × format), its categories (EPSG code, area code, format) and `updated`, so
//! a syncing client fetches only what changed. Entries link the stable direct links.

use crate::db::FileSpec;
use crate::offer::Projection;
use fjord_catalogue::Record;
use quick_xml::escape::escape;
use std::fmt::Write;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:inspire_dls="http://inspire.ec.europa.eu/schemas/inspire_dls/1.0" xml:lang="no">
"#;

/// The feed's own elements: title, self link, id, updated, author.
fn preamble(out: &mut String, title: &str, href: &str, updated: &str, author: &str) {
    let _ = write!(
        out,
        "{HEAD}<title>{}</title>\n<link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>\n<id>{}</id>\n\
         <updated>{}</updated>\n<author><name>{}</name></author>\n",
        escape(title),
        escape(href),
        escape(href),
        escape(updated),
        escape(author)
    );
}

/// The service feed: one entry per dataset in `records` (the open ones), linking its
/// dataset feed at `{feeds}/{uuid}.xml`.
pub fn service_feed(records: &[Record], feeds: &str, api: &str) -> String {
    let updated = records.iter().map(|r| r.updated.as_str()).max().unwrap_or("1970-01-01T00:00:00Z");
    let mut out = String::new();
    preamble(
        &mut out,
        "fjord – nedlastingstjeneste (INSPIRE ATOM)",
        &format!("{feeds}/Tjenestefeed.xml"),
        updated,
        "fjord",
    );
    for r in records {
        let feed = format!("{feeds}/{}.xml", r.uuid);
        let _ = write!(
            out,
            "<entry>\n<inspire_dls:spatial_dataset_identifier_code>{uuid}</inspire_dls:spatial_dataset_identifier_code>\n\
             <inspire_dls:spatial_dataset_identifier_namespace>fjord</inspire_dls:spatial_dataset_identifier_namespace>\n\
             <title>{title}</title>\n<link href=\"{feed}\" rel=\"alternate\" type=\"application/atom+xml\"/>\n\
             <link href=\"{api}/capabilities/{uuid}\" rel=\"describedby\" type=\"application/json\"/>\n\
             <id>{feed}</id>\n<updated>{updated}</updated>\n<summary>{summary}</summary>\n</entry>\n",
            uuid = escape(&r.uuid),
            title = escape(&r.title),
            feed = escape(&feed),
            api = escape(api),
            updated = escape(&r.updated),
            summary = escape(&r.abstract_text),
        );
    }
    out.push_str("</feed>\n");
    out
}

/// The dataset feed of `record`: one entry per file, each with `updated` (when it was
/// made, else the record's date) and its categories.
pub fn dataset_feed(
    record: &Record,
    files: &[(FileSpec, Option<String>)],
    projections: &[Projection],
    feeds: &str,
    api: &str,
) -> String {
    let mut out = String::new();
    let title = format!("{} – nedlasting", record.title);
    preamble(&mut out, &title, &format!("{feeds}/{}.xml", record.uuid), &record.updated, &record.organisation.name);
    for (spec, made) in files {
        let href = format!("{api}/download/file/{}/{}", record.uuid, spec.uuid());
        let crs_label = Projection::find(projections, spec.epsg).map(|p| p.name.as_str()).unwrap_or_default();
        let _ = write!(
            out,
            "<entry>\n<title>{name}</title>\n<link href=\"{href}\" rel=\"alternate\" type=\"application/zip\"/>\n\
             <id>{href}</id>\n<updated>{updated}</updated>\n\
             <category term=\"http://www.opengis.net/def/crs/EPSG/0/{epsg}\" label=\"{crs_label}\"/>\n\
             <category term=\"{code}\" scheme=\"{kind}\" label=\"{area}\"/>\n\
             <category term=\"{format}\" scheme=\"format\" label=\"{format}\"/>\n</entry>\n",
            name = escape(&spec.name),
            href = escape(&href),
            updated = escape(made.as_deref().unwrap_or(&record.updated)),
            epsg = spec.epsg,
            crs_label = escape(crs_label),
            code = escape(&spec.area.code),
            kind = escape(&spec.area.kind),
            area = escape(&spec.area.name),
            format = escape(spec.format.name()),
        );
    }
    out.push_str("</feed>\n");
    out
}

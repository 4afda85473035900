//! Orders: a GeoNorge order request checked whole (datasets, access, areas, projections,
//! formats, clip polygons, size) before anything is queued, then placed in one
//! transaction; and who may see an order and download its files.

use crate::clip;
use crate::db::{FileRow, FileSpec, Order, Status};
use crate::error::{Error, Result};
use crate::offer::{Area, Format, Offer, MUNICIPALITIES, POLYGON};
use crate::Downloads;
use fjord_auth::{decide, Caller, Decision};
use fjord_catalogue::Record;
use fjord_core::Slug;
use geo::Contains;
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::Arc;

/// An order as GeoNorge's clients send it (`POST /api/order`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OrderRequest {
    /// where to tell the orderer (required for polygon clips)
    pub email: Option<String>,
    /// who orders (`Privatperson`, `Offentlig forvaltning`, ...)
    pub usage_group: Option<String>,
    /// the client software
    pub software_client: Option<String>,
    /// what is ordered
    pub order_lines: Vec<OrderLine>,
}

/// One dataset's part of an order.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OrderLine {
    /// the dataset's metadata uuid
    pub metadata_uuid: String,
    /// areas by code (and type)
    pub areas: Vec<AreaRef>,
    /// projections by code
    pub projections: Vec<CodeRef>,
    /// formats by name
    pub formats: Vec<FormatRef>,
    /// what the data is for: one text or several
    pub usage_purpose: Option<Purposes>,
    /// a polygon clip's corners, `x y x y ...` (also accepted on the area)
    pub coordinates: Option<String>,
    /// the EPSG code of `coordinates`
    #[serde(alias = "coordinateSystem")]
    pub coordinatesystem: Option<String>,
    /// instead of coordinates: the id of a polygon sent to `validate-clipperfile`
    pub clipper_file: Option<String>,
}

/// An area as ordered.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AreaRef {
    /// its code (`0301`, or `Kart` for a polygon)
    pub code: String,
    /// its type (`kommune`, `polygon`, ...)
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// a polygon's corners
    pub coordinates: Option<String>,
    /// their EPSG code
    #[serde(alias = "coordinateSystem")]
    pub coordinatesystem: Option<String>,
}

/// A projection as ordered.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeRef {
    /// the EPSG code
    pub code: String,
}

/// A format as ordered.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct FormatRef {
    /// its name
    pub name: String,
}

/// A usage purpose: one text, or a list of them.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Purposes {
    /// one
    One(String),
    /// several
    Many(Vec<String>),
}

impl Purposes {
    fn joined(&self) -> String {
        match self {
            Purposes::One(p) => p.clone(),
            Purposes::Many(ps) => ps.join(","),
        }
    }
}

/// Whether `caller` may download a dataset with `record`'s access constraint: the
/// municipalities they are limited to (empty: everywhere), or 401/403 saying why not.
pub fn allowed(caller: &Caller, record: &Record) -> Result<Vec<String>> {
    match decide(caller, &record.access) {
        Decision::Allow { areas } => Ok(areas),
        Decision::Unauthenticated => Err(Error::Unauthorized(match &caller.refused {
            Some(why) => format!("dataset {} is restricted, and the credentials were refused: {why}", record.uuid),
            None => {
                format!("dataset {} is restricted; log in (a bearer token, or HTTP Basic) to download it", record.uuid)
            }
        })),
        Decision::LevelTooLow => Err(Error::Unauthorized(format!(
            "dataset {} needs a login at level high: log in again with your second factor",
            record.uuid
        ))),
        Decision::Forbidden => Err(Error::Forbidden(format!("you may not download dataset {}", record.uuid))),
    }
}

/// Whether a caller limited to the municipalities `limited_to` (empty: everywhere) may
/// have a file of `area`.
fn may_have(limited_to: &[String], area: &Area) -> bool {
    limited_to.is_empty() || (area.kind == MUNICIPALITIES && limited_to.contains(&area.code))
}

/// A file name part: letters and digits, Norwegian letters spelled out.
fn name_part(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            'æ' => out.push_str("ae"),
            'Æ' => out.push_str("Ae"),
            'ø' => out.push('o'),
            'Ø' => out.push('O'),
            'å' => out.push('a'),
            'Å' => out.push('A'),
            c if c.is_ascii_alphanumeric() || c == '-' => out.push(c),
            _ => {}
        }
    }
    out
}

/// `<Theme>_<areacode>_<areaname>_<epsg>_<Dataset>_<FORMAT>.zip`
pub fn file_name(record: &Record, dataset: &str, area: &Area, epsg: u32, format: Format) -> String {
    let theme = name_part(record.theme.as_deref().unwrap_or("Data"));
    format!(
        "{theme}_{}_{}_{epsg}_{}_{}.zip",
        name_part(&area.code),
        name_part(&area.name),
        name_part(dataset),
        format.tag()
    )
}

impl Downloads {
    /// The record and served version of a dataset by metadata uuid; 404 otherwise.
    pub fn dataset(&self, uuid: &str) -> Result<(Record, u32)> {
        let missing = || Error::NotFound(format!("no dataset with metadataUuid '{uuid}'"));
        let record = self.catalogue.get(uuid)?.filter(|r| r.kind == "dataset").ok_or_else(missing)?;
        let slug = record.dataset.as_deref().and_then(|d| Slug::new(d).ok()).ok_or_else(missing)?;
        let version = self.store.current_version(&slug)?.ok_or_else(missing)?;
        Ok((record, version))
    }

    /// What a dataset offers: [`Offer::of`], its map-sheet cells narrowed to those where
    /// the served heights are found ([`Downloads::cells_with_heights`]).
    pub fn offer(&self, record: &Record) -> Result<Offer> {
        let mut offer = Offer::of(&self.catalogue, record, &self.settings.projections)?;
        let slug = record.dataset.as_deref().and_then(|d| Slug::new(d).ok());
        let served = match (&slug, record.schema.is_none()) {
            (Some(slug), true) => self.store.current_version(slug)?.map(|v| (slug, v)),
            _ => None,
        };
        if let Some((slug, version)) = served {
            let found = self.cells_with_heights(slug, version, &offer.areas)?;
            offer.areas.retain(|a| a.kind != crate::cells::CELLS || found.contains(&a.code));
        }
        Ok(offer)
    }

    /// The codes of the cells among `areas` where version `version` of elevation dataset
    /// `slug` holds heights, looked for on a 16 × 16 grid of points a cell at the pyramid
    /// level of about that spacing; kept per version (the last few).
    fn cells_with_heights(&self, slug: &Slug, version: u32, areas: &[Area]) -> Result<Arc<HashSet<String>>> {
        let key = (slug.to_string(), version);
        if let Some(found) = self.cells.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(Arc::clone(found));
        }
        let layer = self.store.raster_at(slug, version)?;
        const POINTS: usize = 16;
        let step = crate::cells::CELL_M / POINTS as f64;
        let mut heights = layer.sampler(layer.level_for(step));
        let mut found = HashSet::new();
        for area in areas.iter().filter(|a| a.kind == crate::cells::CELLS) {
            let Some(b) = crate::cells::bbox(&area.code) else { continue };
            'cell: for j in 0..POINTS {
                for i in 0..POINTS {
                    let (x, y) = (b.minx + (i as f64 + 0.5) * step, b.miny + (j as f64 + 0.5) * step);
                    if heights.nearest(x, y)?.is_some() {
                        found.insert(area.code.clone());
                        break 'cell;
                    }
                }
            }
        }
        let found = Arc::new(found);
        let mut kept = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= 16 {
            kept.clear();
        }
        kept.insert(key, Arc::clone(&found));
        Ok(found)
    }

    /// Check an order whole and place it: its reference number. Nothing is queued when
    /// any part of it is wrong.
    pub fn take(&self, caller: &Caller, req: &OrderRequest) -> Result<String> {
        if req.order_lines.is_empty() {
            return Err(Error::BadRequest("orderLines is empty: order at least one dataset".into()));
        }
        if req.order_lines.len() > self.settings.max_files {
            return Err(Error::BadRequest(format!(
                "{} order lines; one order may have at most {}",
                req.order_lines.len(),
                self.settings.max_files
            )));
        }
        let email = req.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
        if email.is_some_and(|e| !e.contains('@')) {
            return Err(Error::BadRequest(format!("email '{}' is not an email address", email.unwrap_or_default())));
        }
        let mut files = Vec::new();
        for line in &req.order_lines {
            self.line(caller, line, email.is_some(), &mut files)?;
            if files.len() > self.settings.max_files {
                return Err(Error::BadRequest(format!(
                    "the order asks for more than {} files; split it",
                    self.settings.max_files
                )));
            }
        }
        let reference = uuid::Uuid::new_v4().to_string();
        let order = Order {
            reference: reference.clone(),
            owner: caller.subject.clone(),
            email: email.map(str::to_string),
            usage_group: req.usage_group.clone(),
            software_client: req.software_client.clone(),
            created: crate::now(),
            bundle: false,
        };
        self.db.place(&order, &files, crate::now())?;
        self.wake();
        Ok(reference)
    }

    /// Check one order line and add its files.
    fn line(
        &self,
        caller: &Caller,
        line: &OrderLine,
        has_email: bool,
        files: &mut Vec<(FileSpec, String)>,
    ) -> Result<()> {
        let uuid = line.metadata_uuid.trim();
        if uuid.is_empty() {
            return Err(Error::BadRequest("an order line without metadataUuid".into()));
        }
        let (record, version) = self.dataset(uuid)?;
        let limited_to = allowed(caller, &record)?;
        let offer = self.offer(&record)?;
        let dataset = record.dataset.clone().unwrap_or_default();
        let purpose = line.usage_purpose.as_ref().map(Purposes::joined).unwrap_or_default();
        for (what, n) in
            [("areas", line.areas.len()), ("projections", line.projections.len()), ("formats", line.formats.len())]
        {
            if n == 0 {
                return Err(Error::BadRequest(format!("the order line for {uuid} names no {what}")));
            }
        }
        let projections: Vec<_> =
            line.projections.iter().map(|p| offer.projection(&p.code, uuid).cloned()).collect::<Result<_>>()?;
        let formats: Vec<Format> = line.formats.iter().map(|f| offer.format(&f.name, uuid)).collect::<Result<_>>()?;
        for a in &line.areas {
            let polygon = a.code.eq_ignore_ascii_case(POLYGON.0)
                || a.kind.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(POLYGON.1));
            let (area, coordinates) = if polygon {
                if !has_email {
                    return Err(Error::BadRequest("a polygon clip needs an email address (email)".into()));
                }
                let (area, ring) = self.clip_area(a, line, &limited_to, uuid)?;
                (area, Some(ring))
            } else {
                let area = offer.area(a.code.trim(), a.kind.as_deref(), uuid)?.clone();
                if !may_have(&limited_to, &area) {
                    return Err(Error::Forbidden(format!(
                        "your access to {uuid} is limited to municipalities {}; area '{}' is not one of them",
                        limited_to.join(", "),
                        area.code
                    )));
                }
                (area, None)
            };
            for p in &projections {
                for &format in &formats {
                    let epsg = p.epsg();
                    let spec = FileSpec {
                        record: record.uuid.clone(),
                        dataset: dataset.clone(),
                        version,
                        name: file_name(&record, &dataset, &area, epsg, format),
                        area: area.clone(),
                        coordinates: coordinates.clone(),
                        epsg,
                        format,
                    };
                    if !files.iter().any(|(f, _): &(FileSpec, String)| f.key() == spec.key()) {
                        files.push((spec, purpose.clone()));
                    }
                }
            }
        }
        Ok(())
    }

    /// The area of a polygon clip and its ring (storage CRS): from the coordinates given
    /// on the area or the line, or a kept clipper file; checked, and for a caller limited
    /// to municipalities inside them.
    fn clip_area(&self, a: &AreaRef, line: &OrderLine, limited_to: &[String], uuid: &str) -> Result<(Area, String)> {
        let kept = match line.clipper_file.as_deref() {
            Some(id) => Some(self.db.clipper(id)?.ok_or_else(|| {
                Error::BadRequest(format!("no clipper file '{id}'; send it to validate-clipperfile first"))
            })?),
            None => None,
        };
        let storage = fjord_core::STORAGE_CRS.epsg().unwrap_or(25833).to_string();
        let (coordinates, crs) = match &kept {
            Some(ring) => (ring.as_str(), storage.as_str()),
            None => (
                a.coordinates.as_deref().or(line.coordinates.as_deref()).ok_or_else(|| {
                    Error::BadRequest("a polygon clip needs coordinates ('x y x y ...') or a clipperFile".into())
                })?,
                a.coordinatesystem
                    .as_deref()
                    .or(line.coordinatesystem.as_deref())
                    .ok_or_else(|| Error::BadRequest("a polygon clip needs coordinatesystem (an EPSG code)".into()))?,
            ),
        };
        let (polygon, ring) = clip::polygon(coordinates, crs, self.settings.max_clip_km2)?;
        self.within_limits(limited_to, uuid, |municipalities| municipalities.contains(&polygon))?;
        let name = format!("polygon-{}", &crate::db::hex_sha256(ring.as_bytes())[..8]);
        Ok((Area { kind: POLYGON.1.into(), code: POLYGON.0.into(), name }, ring))
    }

    /// For a caller limited to municipalities, whether `inside` holds of their union.
    fn within_limits(
        &self,
        limited_to: &[String],
        uuid: &str,
        inside: impl Fn(&geo_types::MultiPolygon<f64>) -> bool,
    ) -> Result<()> {
        if limited_to.is_empty() {
            return Ok(());
        }
        let boundary = self.settings.boundaries.iter().find(|b| b.register == MUNICIPALITIES);
        let mut union = Vec::new();
        for code in limited_to {
            if let Some(b) = boundary {
                union.extend(b.polygon(&self.store, code)?.0);
            }
        }
        if inside(&geo_types::MultiPolygon(union)) {
            Ok(())
        } else {
            Err(Error::Forbidden(format!(
                "your access to {uuid} is limited to municipalities {}; the polygon reaches outside them",
                limited_to.join(", ")
            )))
        }
    }

    /// An order the caller may see: 404 unknown; an order of a logged-in user is theirs
    /// (and administrators') alone: 401 anonymous, 403 someone else.
    pub fn order_for(&self, caller: &Caller, reference: &str) -> Result<Order> {
        let order = self.db.order(reference)?.ok_or_else(|| Error::NotFound(format!("no order '{reference}'")))?;
        match &order.owner {
            Some(owner) if caller.subject.as_deref() != Some(owner.as_str()) && !caller.admin => {
                if caller.subject.is_none() {
                    Err(Error::Unauthorized(format!("order '{reference}' was placed by a logged-in user; log in")))
                } else {
                    Err(Error::Forbidden(format!("order '{reference}' is another user's")))
                }
            }
            _ => Ok(order),
        }
    }

    /// An order whose links still work: 410 once `link_secs` have passed.
    fn live_order(&self, caller: &Caller, reference: &str) -> Result<Order> {
        let order = self.order_for(caller, reference)?;
        if order.created.saturating_add(self.settings.link_secs as i64) < crate::now() {
            return Err(Error::Gone(format!("the links of order '{reference}' have expired; place a new order")));
        }
        Ok(order)
    }

    /// A ready file of an order, with its dataset's record (re-checked against the
    /// policy, so a caller who lost access loses the file); counted as served.
    pub fn order_file(&self, caller: &Caller, reference: &str, file_id: &str) -> Result<(FileRow, Record)> {
        self.live_order(caller, reference)?;
        let file = self
            .db
            .order_files(reference)?
            .into_iter()
            .find(|f| f.uuid == file_id)
            .ok_or_else(|| Error::NotFound(format!("order '{reference}' has no file '{file_id}'")))?;
        self.serve(caller, file)
    }

    /// A ready file's record after the policy's check, counted as served.
    fn serve(&self, caller: &Caller, file: FileRow) -> Result<(FileRow, Record)> {
        let record = self
            .catalogue
            .get(&file.spec.record)?
            .ok_or_else(|| Error::NotFound(format!("the dataset {} is gone", file.spec.record)))?;
        allowed(caller, &record)?;
        ready(&file)?;
        self.db.count_served(&file, crate::now())?;
        Ok((file, record))
    }

    /// A dataset's standard-area file by its stable id, of the version served now: the
    /// file when made, else queued (409 until ready).
    pub fn direct_file(&self, caller: &Caller, dataset_uuid: &str, file_uuid: &str) -> Result<(FileRow, Record)> {
        let (record, version) = self.dataset(dataset_uuid)?;
        let limited_to = allowed(caller, &record)?;
        let spec = self
            .standard_files(&record, version)?
            .into_iter()
            .find(|s| s.uuid() == file_uuid)
            .ok_or_else(|| Error::NotFound(format!("dataset {dataset_uuid} has no file '{file_uuid}'")))?;
        if !may_have(&limited_to, &spec.area) {
            return Err(Error::Forbidden(format!(
                "your access to {dataset_uuid} is limited to municipalities {}",
                limited_to.join(", ")
            )));
        }
        match self.db.file(&spec.key())? {
            Some(file) => self.serve(caller, file),
            None => {
                self.db.queue(&spec, crate::now())?;
                self.wake();
                Err(Error::NotReady(format!("file '{file_uuid}' is being made; try again shortly")))
            }
        }
    }

    /// Every standard-area file a dataset version offers (area × projection × format).
    pub fn standard_files(&self, record: &Record, version: u32) -> Result<Vec<FileSpec>> {
        let offer = self.offer(record)?;
        let dataset = record.dataset.clone().unwrap_or_default();
        let mut out = Vec::new();
        for area in &offer.areas {
            for p in &offer.projections {
                for &format in &offer.formats {
                    out.push(FileSpec {
                        record: record.uuid.clone(),
                        dataset: dataset.clone(),
                        version,
                        area: area.clone(),
                        coordinates: None,
                        epsg: p.epsg(),
                        format,
                        name: file_name(record, &dataset, area, p.epsg(), format),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Mark an order to be packed in one zip.
    pub fn ask_bundle(&self, caller: &Caller, reference: &str) -> Result<Order> {
        self.order_for(caller, reference)?;
        self.db.set_bundle(reference)?;
        self.order_for(caller, reference)
    }

    /// The zip of all of an order's files (made on first ask, once every file is ready).
    pub fn bundle(&self, caller: &Caller, reference: &str) -> Result<crate::db::Made> {
        let order = self.live_order(caller, reference)?;
        if !order.bundle {
            return Err(Error::NotFound(format!(
                "order '{reference}' has no bundle; ask for one with PUT /api/order/{reference} {{\"downloadAsBundle\":true}}"
            )));
        }
        let files = self.db.order_files(reference)?;
        let mut paths = Vec::new();
        for f in files {
            let (f, _) = self.serve(caller, f)?;
            paths.extend(f.path);
        }
        let out = self.settings.dir.join("files").join(format!("{reference}.zip"));
        let _packing = self.packing.lock().unwrap_or_else(|e| e.into_inner());
        match crate::package::made(&out) {
            Some(made) => Ok(made),
            None => crate::package::zip(&out, &paths, &[]),
        }
    }
}

/// The file when it is made; 409 with its status (and a failure's reason) otherwise.
fn ready(file: &FileRow) -> Result<()> {
    match file.status {
        Status::Ready if file.path.is_some() => Ok(()),
        Status::Error => Err(Error::NotReady(format!(
            "file '{}' could not be made: {}",
            file.uuid,
            file.message.as_deref().unwrap_or("no reason was recorded")
        ))),
        _ => Err(Error::NotReady(format!("file '{}' is {}; try again shortly", file.uuid, Status::Waiting.api_name()))),
    }
}

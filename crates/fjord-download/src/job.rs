//! Making one file: the dataset version's features cut to the area and written in the
//! format and projection (or its heights as a GeoTIFF), zipped with the metadata and the
//! license.

use crate::clip::{stored_polygon, Cutter};
use crate::db::{FileRow, Made};
use crate::error::{Error, Result};
use crate::offer::{Format, COUNTRY};
use crate::{package, write, Downloads};
use fjord_catalogue::Record;
use fjord_core::{transform, BBox, Crs, Slug, STORAGE_CRS};
use fjord_ingest::export::HeightGrid;
use fjord_store::raster::GRID_ORIGIN;
use fjord_store::FeatureSource;
use geo_types::MultiPolygon;

/// Most cells one GeoTIFF may have (a float each).
const MAX_CELLS: usize = 100_000_000;

impl Downloads {
    /// Make the file of a job (idempotent: a second run writes the same file again).
    pub(crate) fn make(&self, job: &FileRow) -> Result<Made> {
        let spec = &job.spec;
        let record = self
            .catalogue
            .get(&spec.record)?
            .ok_or_else(|| Error::NotFound(format!("the dataset's record {} is gone", spec.record)))?;
        let slug = Slug::new(&spec.dataset).map_err(|_| Error::NotFound(format!("no dataset '{}'", spec.dataset)))?;
        let cutter = self.cutter(job)?;
        let work = self.work_dir(&job.key);
        if work.exists() {
            std::fs::remove_dir_all(&work)?;
        }
        std::fs::create_dir_all(&work)?;
        let stem = spec.name.trim_end_matches(".zip");
        let files = if spec.format == Format::GeoTiff {
            vec![self.heights(&slug, spec.version, cutter.as_ref(), spec.epsg, &work, stem)?]
        } else {
            self.features(&slug, spec.version, cutter.as_ref(), spec.epsg, spec.format, &work, stem)?
        };
        // the metadata as the catalogue has it (the zip knows no server address to link)
        let extras = [
            (format!("{stem}_metadata.xml"), fjord_catalogue::iso19139::document(&record, &[]).into_bytes()),
            (format!("{stem}_lisens.txt"), license(&record).into_bytes()),
        ];
        let dir = self.file_dir(&job.key);
        std::fs::create_dir_all(&dir)?;
        let made = package::zip(&dir.join(&spec.name), &files, &extras)?;
        std::fs::remove_dir_all(&work)?;
        Ok(made)
    }

    /// What the job's area is cut by; `None` for the whole country.
    fn cutter(&self, job: &FileRow) -> Result<Option<Cutter>> {
        let area = &job.spec.area;
        let polygon =
            if let Some(ring) = &job.spec.coordinates {
                MultiPolygon(vec![stored_polygon(ring)?])
            } else if area.kind == COUNTRY.0 {
                return Ok(None);
            } else if area.kind == crate::cells::CELLS {
                crate::cells::square(&area.code)
                    .ok_or_else(|| Error::BadRequest(format!("'{}' names no cell", area.code)))?
            } else {
                let boundary =
                    self.settings.boundaries.iter().find(|b| b.register == area.kind).ok_or_else(|| {
                        Error::NotFound(format!("no boundary dataset for areas of type '{}'", area.kind))
                    })?;
                boundary.polygon(&self.store, &area.code)?
            };
        Cutter::new(polygon).map(Some).ok_or_else(|| Error::BadRequest(format!("area '{}' is empty", area.code)))
    }

    /// The features of a version inside the area, written in `format` in EPSG `epsg`.
    #[allow(clippy::too_many_arguments)]
    fn features(
        &self,
        slug: &Slug,
        version: u32,
        cutter: Option<&Cutter>,
        epsg: u32,
        format: Format,
        work: &std::path::Path,
        stem: &str,
    ) -> Result<Vec<std::path::PathBuf>> {
        let layer = self.store.layer_at(slug, version)?;
        let everywhere = BBox { minx: -1e12, miny: -1e12, maxx: 1e12, maxy: 1e12 };
        let mut positions = layer.candidates(cutter.map_or(&everywhere, |c| &c.bbox));
        positions.sort_unstable();
        let fields: Vec<usize> = (0..layer.schema().fields.len()).collect();
        let target = Crs::Epsg(epsg);
        let features = positions.into_iter().filter_map(|pos| {
            let read = || -> Result<Option<_>> {
                let g = layer.geometry_at(pos)?;
                let Some(mut g) = (match cutter {
                    Some(c) => c.cut(&g),
                    None => Some(g),
                }) else {
                    return Ok(None);
                };
                transform::transform_geometry(STORAGE_CRS, target, &mut g)?;
                Ok(Some((g, layer.values_at(pos, &fields)?)))
            };
            read().transpose()
        });
        write::features(work, stem, layer.schema(), epsg, format, features)
    }

    /// The heights of a version inside the area as a GeoTIFF in EPSG `epsg`: as many
    /// cells as the finest stored grid has over the area (in the storage CRS exactly
    /// that grid), each the nearest stored height to its centre.
    fn heights(
        &self,
        slug: &Slug,
        version: u32,
        cutter: Option<&Cutter>,
        epsg: u32,
        work: &std::path::Path,
        stem: &str,
    ) -> Result<std::path::PathBuf> {
        let raster = self.store.raster_at(slug, version)?;
        let header = raster.header();
        let b = match cutter {
            Some(c) => c.bbox.intersection(&header.extent),
            None => Some(header.extent),
        }
        .ok_or_else(|| Error::NotFound("the area holds no heights of this dataset".into()))?;
        let c = header.cell;
        let (col0, col1) = (((b.minx - GRID_ORIGIN.0) / c).floor(), ((b.maxx - GRID_ORIGIN.0) / c).ceil());
        let (row0, row1) = (((GRID_ORIGIN.1 - b.maxy) / c).floor(), ((GRID_ORIGIN.1 - b.miny) / c).ceil());
        let (width, height) = ((col1 - col0).max(1.0) as usize, (row1 - row0).max(1.0) as usize);
        if width.saturating_mul(height) > MAX_CELLS {
            return Err(Error::BadRequest(format!(
                "the area is {width} × {height} cells of {c} m, more than {MAX_CELLS} in one GeoTIFF; order smaller areas"
            )));
        }
        let snapped = BBox {
            minx: GRID_ORIGIN.0 + col0 * c,
            maxy: GRID_ORIGIN.1 - row0 * c,
            maxx: GRID_ORIGIN.0 + col1 * c,
            miny: GRID_ORIGIN.1 - row1 * c,
        };
        let crs = Crs::Epsg(epsg);
        let out = if crs == STORAGE_CRS { snapped } else { transform::transform_bbox(STORAGE_CRS, crs, &snapped)? };
        let (cx, cy) = (out.width() / width as f64, out.height() / height as f64);
        let mut sampler = raster.sampler(0);
        let mut cells = Vec::with_capacity(width * height);
        let mut centres = Vec::with_capacity(width);
        for row in 0..height {
            let y = out.maxy - (row as f64 + 0.5) * cy;
            centres.clear();
            centres.extend((0..width).map(|col| (out.minx + (col as f64 + 0.5) * cx, y)));
            transform::transform_in_place(crs, STORAGE_CRS, &mut centres)?;
            for &(x, y) in &centres {
                let inside = cutter.is_none_or(|k| geo::Intersects::intersects(k.area(), &geo_types::Point::new(x, y)));
                let z = if inside { sampler.nearest(x, y)? } else { None };
                cells.push(z.map_or(f32::NAN, |z| z as f32));
            }
        }
        let geotransform = [out.minx, cx, 0.0, out.maxy, 0.0, -cy];
        write::heights(work, stem, &HeightGrid { heights: &cells, width, height, geotransform, crs })
    }
}

/// The license text a zip carries: the dataset, its owner and its license.
fn license(r: &Record) -> String {
    let license = r.license.as_deref().unwrap_or("no license is given; ask the owner before use");
    format!(
        "{}\nEier / owner: {}\nLisens / license: {license}\nMetadata: {}\n\nKilde / source: {}, {}.\n",
        r.title, r.organisation.name, r.uuid, r.organisation.name, r.title
    )
}

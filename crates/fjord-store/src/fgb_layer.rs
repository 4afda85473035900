//! The local backend: one memory-mapped FlatGeobuf file with an in-memory R-tree.
//!
//! Opening reads the leaf level of the file's packed Hilbert R-tree (each feature's box
//! and byte offset) and each feature's fid, and bulk-loads an `rstar` tree of the boxes.
//! Queries never scan the file: the tree yields candidates, boxes wholly inside the query
//! are matches at once, and only candidates on the query's edge are decoded for an exact
//! intersection test.

use crate::error::{Error, Result};
use crate::fgb_props;
use crate::source::{Feature, FeatureSource, Keep, Query, Selection};
use fjord_core::{BBox, Schema, Value};
use flatgeobuf::packed_r_tree::PackedRTree;
use flatgeobuf::{ColumnType, GeometryType};
use geo::Intersects;
use geo_types::{coord, Geometry, Rect};
use memmap2::Mmap;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Name of the hidden first column that carries each feature's fid.
pub(crate) const FID_COLUMN: &str = "_fjord_fid";

const MAGIC: &[u8; 3] = b"fgb";
const NODE_ITEM_BYTES: usize = 40;

type Boxed = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// One feature's place in the file.
struct Entry {
    /// absolute byte offset of the size-prefixed feature
    offset: usize,
    bbox: [f64; 4],
    fid: u64,
}

/// A published vector version, ready for queries.
pub struct FgbLayer {
    path: PathBuf,
    map: Mmap,
    geometry_type: GeometryType,
    columns: Vec<ColumnType>,
    schema: Schema,
    extent: Option<BBox>,
    entries: Vec<Entry>,
    tree: RTree<Boxed>,
    by_fid: HashMap<u64, u32>,
}

fn le_f64(b: &[u8], at: usize) -> f64 {
    f64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

fn le_u64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

impl FgbLayer {
    /// Open a FlatGeobuf file written by [`crate::VersionWriter`], with its schema.
    pub fn open(path: &Path, schema: Schema) -> Result<FgbLayer> {
        let corrupt = |reason: String| Error::Corrupt { path: path.to_path_buf(), reason };
        let file = File::open(path).map_err(crate::error::io(path))?;
        // SAFETY: version files are written once and never modified in place (publish
        // renames whole folders), so the mapping cannot change under us.
        let map = unsafe { Mmap::map(&file) }.map_err(crate::error::io(path))?;
        if map.len() < 12 || &map[..3] != MAGIC {
            return Err(corrupt("not a FlatGeobuf file".into()));
        }
        let header_len = u32::from_le_bytes(map[8..12].try_into().expect("4 bytes")) as usize;
        let header_end = 12usize.checked_add(header_len).filter(|e| *e <= map.len());
        let header_end = header_end.ok_or_else(|| corrupt("header runs past the end".into()))?;
        let header = flatgeobuf::size_prefixed_root_as_header(&map[8..header_end])
            .map_err(|e| corrupt(format!("header: {e}")))?;
        let count = header.features_count() as usize;
        let node_size = header.index_node_size();
        let geometry_type = header.geometry_type();
        let columns: Vec<ColumnType> =
            header.columns().map(|cs| cs.iter().map(|c| c.type_()).collect()).unwrap_or_default();
        if columns.len() != schema.fields.len() + 1 {
            return Err(corrupt(format!(
                "{} columns in the file, {} fields in the schema",
                columns.len(),
                schema.fields.len()
            )));
        }
        if count > 0 && node_size < 2 {
            return Err(corrupt("no spatial index".into()));
        }
        if count.saturating_mul(NODE_ITEM_BYTES) > map.len() {
            return Err(corrupt(format!("{count} features cannot fit in {} bytes", map.len())));
        }
        let index_len = if count > 0 { PackedRTree::index_size(count, node_size) } else { 0 };
        let features_start = header_end + index_len;
        if features_start > map.len() {
            return Err(corrupt("index runs past the end".into()));
        }
        let leaves = features_start - count * NODE_ITEM_BYTES;
        let mut entries = Vec::with_capacity(count);
        let mut extent: Option<BBox> = None;
        for i in 0..count {
            let at = leaves + i * NODE_ITEM_BYTES;
            let bbox = [le_f64(&map, at), le_f64(&map, at + 8), le_f64(&map, at + 16), le_f64(&map, at + 24)];
            let offset = features_start
                .checked_add(le_u64(&map, at + 32) as usize)
                .filter(|o| o + 4 <= map.len())
                .ok_or_else(|| corrupt(format!("feature {i} offset out of range")))?;
            let b = BBox::new(bbox[0], bbox[1], bbox[2], bbox[3]).map_err(|e| corrupt(e.to_string()))?;
            extent = Some(extent.map_or(b, |e| e.union(&b)));
            entries.push(Entry { offset, bbox, fid: 0 });
        }
        let mut layer = FgbLayer {
            path: path.to_path_buf(),
            map,
            geometry_type,
            columns,
            schema,
            extent,
            entries,
            tree: RTree::new(),
            by_fid: HashMap::with_capacity(count),
        };
        for i in 0..count {
            let fid = layer.read_fid(i)?;
            layer.entries[i].fid = fid;
            layer.by_fid.insert(fid, i as u32);
        }
        let boxes = layer
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                GeomWithData::new(Rectangle::from_corners([e.bbox[0], e.bbox[1]], [e.bbox[2], e.bbox[3]]), i as u32)
            })
            .collect();
        layer.tree = RTree::bulk_load(boxes);
        Ok(layer)
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the layer has no features.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The position of the feature with id `fid`, for [`FeatureSource::fetch`].
    pub fn position(&self, fid: u64) -> Option<u32> {
        self.by_fid.get(&fid).copied()
    }

    /// Positions (file order) of the features whose boxes intersect `bbox`, from the
    /// R-tree alone, unsorted. The hot part of every bbox query.
    pub fn candidates(&self, bbox: &BBox) -> Vec<u32> {
        let env = AABB::from_corners([bbox.minx, bbox.miny], [bbox.maxx, bbox.maxy]);
        self.tree.locate_in_envelope_intersecting(&env).map(|b| b.data).collect()
    }

    fn corrupt(&self, reason: String) -> Error {
        Error::Corrupt { path: self.path.clone(), reason }
    }

    fn feature_buf(&self, pos: usize) -> Result<flatgeobuf::Feature<'_>> {
        let at = self.entries[pos].offset;
        let len = u32::from_le_bytes(self.map[at..at + 4].try_into().expect("4 bytes")) as usize;
        let end = (at + 4).checked_add(len).filter(|e| *e <= self.map.len());
        let end = end.ok_or_else(|| self.corrupt(format!("feature at {at} runs past the end")))?;
        flatgeobuf::size_prefixed_root_as_feature(&self.map[at..end])
            .map_err(|e| self.corrupt(format!("feature at {at}: {e}")))
    }

    fn read_fid(&self, pos: usize) -> Result<u64> {
        let f = self.feature_buf(pos)?;
        let bytes = f.properties().map(|p| p.bytes()).unwrap_or_default();
        let mut fid = None;
        fgb_props::decode(
            bytes,
            &self.columns,
            |c| c == 0,
            |_, v| {
                if let Value::Int(i) = v {
                    fid = Some(i as u64);
                }
            },
        )
        .map_err(|e| self.corrupt(e))?;
        fid.ok_or_else(|| self.corrupt(format!("feature {pos} has no fid")))
    }

    fn read_geometry(&self, f: &flatgeobuf::Feature<'_>) -> Result<Geometry<f64>> {
        let g = f.geometry().ok_or_else(|| self.corrupt("feature without geometry".into()))?;
        let mut w = geozero::geo_types::GeoWriter::new();
        g.process(&mut w, self.geometry_type).map_err(|e| self.corrupt(format!("geometry: {e}")))?;
        w.take_geometry().ok_or_else(|| self.corrupt("empty geometry".into()))
    }

    fn read(&self, pos: usize, properties: Option<&[usize]>) -> Result<Feature> {
        let f = self.feature_buf(pos)?;
        let geometry = self.read_geometry(&f)?;
        let row = self.read_values(&f, properties)?;
        Ok(project(Feature { id: self.entries[pos].fid, geometry, values: row }, properties))
    }

    /// A feature's values, every field's place kept (fields not in `properties` null).
    fn read_values(&self, f: &flatgeobuf::Feature<'_>, properties: Option<&[usize]>) -> Result<Vec<Value>> {
        let bytes = f.properties().map(|p| p.bytes()).unwrap_or_default();
        let mut row = vec![Value::Null; self.schema.fields.len()];
        fgb_props::decode(
            bytes,
            &self.columns,
            |c| c > 0 && properties.is_none_or(|p| p.contains(&(c - 1))),
            |c, v| row[c - 1] = v,
        )
        .map_err(|e| self.corrupt(e))?;
        Ok(row)
    }

    /// The geometry alone of the feature at `position` (a map reads it once per scale).
    pub fn geometry_at(&self, position: u32) -> Result<Geometry<f64>> {
        self.read_geometry(&self.feature_buf(self.checked(position)?)?)
    }

    /// The values of the fields `properties` (in that order) of the feature at
    /// `position`, without decoding its geometry.
    pub fn values_at(&self, position: u32, properties: &[usize]) -> Result<Vec<Value>> {
        let f = self.feature_buf(self.checked(position)?)?;
        Ok(project_values(self.read_values(&f, Some(properties))?, properties))
    }

    /// The polygons of the features whose field `k` reads (as text) one of `codes`, each
    /// with that text, multi-polygons split: how areas (municipalities, counties) are
    /// found in a boundary dataset by their number. Other geometries are passed over.
    pub fn polygons_where(&self, k: usize, codes: &[String]) -> Result<Vec<(String, geo_types::Polygon<f64>)>> {
        let mut out = Vec::new();
        for pos in 0..self.entries.len() as u32 {
            let code = self.values_at(pos, &[k])?.pop().map(|v| v.to_text()).unwrap_or_default();
            if codes.contains(&code) {
                match self.geometry_at(pos)? {
                    Geometry::Polygon(p) => out.push((code, p)),
                    Geometry::MultiPolygon(m) => out.extend(m.0.into_iter().map(|p| (code.clone(), p))),
                    _ => {}
                }
            }
        }
        Ok(out)
    }

    /// The version's file: unique to the dataset version, so a key for what is derived
    /// from it.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn checked(&self, position: u32) -> Result<usize> {
        if position as usize >= self.entries.len() {
            return Err(self.corrupt(format!("no feature at position {position}")));
        }
        Ok(position as usize)
    }

    /// Positions of the features matching the query's bbox exactly (all without one),
    /// unsorted.
    fn bbox_hits(&self, q: &Query) -> Result<Vec<u32>> {
        let Some(bbox) = &q.bbox else { return Ok((0..self.entries.len() as u32).collect()) };
        let rect = Rect::new(coord! { x: bbox.minx, y: bbox.miny }, coord! { x: bbox.maxx, y: bbox.maxy });
        let mut hits = Vec::new();
        for pos in self.candidates(bbox) {
            if self.matches(pos as usize, bbox, &rect)? {
                hits.push(pos);
            }
        }
        Ok(hits)
    }

    fn matches(&self, pos: usize, bbox: &BBox, rect: &Rect<f64>) -> Result<bool> {
        let b = &self.entries[pos].bbox;
        if b[0] >= bbox.minx && b[1] >= bbox.miny && b[2] <= bbox.maxx && b[3] <= bbox.maxy {
            return Ok(true);
        }
        let f = self.feature_buf(pos)?;
        Ok(self.read_geometry(&f)?.intersects(rect))
    }
}

/// Keep only the fields at `properties` (all when `None`), in that order.
fn project(mut f: Feature, properties: Option<&[usize]>) -> Feature {
    if let Some(p) = properties {
        f.values = project_values(std::mem::take(&mut f.values), p);
    }
    f
}

/// The values of the fields `properties`, in that order, from a whole row.
fn project_values(row: Vec<Value>, properties: &[usize]) -> Vec<Value> {
    properties.iter().map(|&i| row.get(i).cloned().unwrap_or(Value::Null)).collect()
}

impl FeatureSource for FgbLayer {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn extent(&self) -> Option<BBox> {
        self.extent
    }

    fn select(&self, q: &Query, keep: Option<Keep>) -> Result<Selection> {
        let mut hits = self.bbox_hits(q)?;
        let Some(keep) = keep else {
            let number_matched = hits.len() as u64;
            let start = q.offset.min(hits.len());
            let end = q.limit.map_or(hits.len(), |l| start.saturating_add(l).min(hits.len()));
            // file order is the stable paging order; only the first `end` need sorting
            if end > 0 && end < hits.len() {
                hits.select_nth_unstable(end - 1);
            }
            hits.truncate(end);
            hits.sort_unstable();
            hits.drain(..start);
            return Ok(Selection { positions: hits, number_matched });
        };
        hits.sort_unstable();
        let (offset, limit) = (q.offset as u64, q.limit.unwrap_or(usize::MAX));
        let mut sel = Selection::default();
        for pos in hits {
            if !keep(&self.read(pos as usize, None)?) {
                continue;
            }
            if sel.number_matched >= offset && sel.positions.len() < limit {
                sel.positions.push(pos);
            }
            sel.number_matched += 1;
        }
        Ok(sel)
    }

    fn fetch(&self, position: u32, properties: Option<&[usize]>) -> Result<Feature> {
        self.read(self.checked(position)?, properties)
    }

    fn item(&self, id: u64, properties: Option<&[usize]>) -> Result<Option<Feature>> {
        match self.by_fid.get(&id) {
            Some(&pos) => self.read(pos as usize, properties).map(Some),
            None => Ok(None),
        }
    }
}

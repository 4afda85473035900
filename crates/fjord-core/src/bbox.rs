//! Axis-aligned bounding boxes in x = east, y = north order.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// A bounding box `[minx, miny, maxx, maxy]` (x east, y north) in some CRS the caller knows.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "[f64; 4]", try_from = "[f64; 4]")]
pub struct BBox {
    /// west
    pub minx: f64,
    /// south
    pub miny: f64,
    /// east
    pub maxx: f64,
    /// north
    pub maxy: f64,
}

impl BBox {
    /// A checked bbox: finite numbers, min <= max on both axes.
    pub fn new(minx: f64, miny: f64, maxx: f64, maxy: f64) -> Result<BBox> {
        if ![minx, miny, maxx, maxy].iter().all(|v| v.is_finite()) {
            return Err(Error::InvalidBbox("coordinates must be finite numbers".into()));
        }
        if minx > maxx || miny > maxy {
            return Err(Error::InvalidBbox(format!("min must not exceed max ({minx},{miny},{maxx},{maxy})")));
        }
        Ok(BBox { minx, miny, maxx, maxy })
    }

    /// Parse `minx,miny,maxx,maxy` (exactly four comma-separated numbers).
    pub fn parse(s: &str) -> Result<BBox> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            return Err(Error::InvalidBbox(format!("expected 4 comma-separated numbers, got {}", parts.len())));
        }
        let mut v = [0f64; 4];
        for (slot, p) in v.iter_mut().zip(&parts) {
            *slot = p.parse().map_err(|_| Error::InvalidBbox(format!("'{p}' is not a number")))?;
        }
        BBox::new(v[0], v[1], v[2], v[3])
    }

    /// The smallest box holding every point, or `None` for no points.
    pub fn from_points(points: impl IntoIterator<Item = (f64, f64)>) -> Option<BBox> {
        points.into_iter().fold(None, |acc: Option<BBox>, (x, y)| {
            Some(match acc {
                None => BBox { minx: x, miny: y, maxx: x, maxy: y },
                Some(b) => b.union(&BBox { minx: x, miny: y, maxx: x, maxy: y }),
            })
        })
    }

    /// The smallest box holding both.
    pub fn union(&self, o: &BBox) -> BBox {
        BBox {
            minx: self.minx.min(o.minx),
            miny: self.miny.min(o.miny),
            maxx: self.maxx.max(o.maxx),
            maxy: self.maxy.max(o.maxy),
        }
    }

    /// Whether the two boxes share at least one point (touching counts).
    pub fn intersects(&self, o: &BBox) -> bool {
        self.minx <= o.maxx && o.minx <= self.maxx && self.miny <= o.maxy && o.miny <= self.maxy
    }

    /// The common part of both boxes, `None` if they do not intersect.
    pub fn intersection(&self, o: &BBox) -> Option<BBox> {
        self.intersects(o).then(|| BBox {
            minx: self.minx.max(o.minx),
            miny: self.miny.max(o.miny),
            maxx: self.maxx.min(o.maxx),
            maxy: self.maxy.min(o.maxy),
        })
    }

    /// Width (x extent).
    pub fn width(&self) -> f64 {
        self.maxx - self.minx
    }

    /// Height (y extent).
    pub fn height(&self) -> f64 {
        self.maxy - self.miny
    }

    /// As `[minx, miny, maxx, maxy]`.
    pub fn to_array(&self) -> [f64; 4] {
        [self.minx, self.miny, self.maxx, self.maxy]
    }
}

impl From<BBox> for [f64; 4] {
    fn from(b: BBox) -> [f64; 4] {
        b.to_array()
    }
}

impl TryFrom<[f64; 4]> for BBox {
    type Error = Error;
    fn try_from(v: [f64; 4]) -> Result<BBox> {
        BBox::new(v[0], v[1], v[2], v[3])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(BBox::parse("1,2,3,4").unwrap().to_array(), [1.0, 2.0, 3.0, 4.0]);
        assert!(BBox::parse("1,2,3").is_err());
        assert!(BBox::parse("1,2,3,x").is_err());
        assert!(BBox::parse("3,2,1,4").is_err());
        assert!(BBox::parse("1,2,inf,4").is_err());
        assert!(BBox::parse("NaN,2,3,4").is_err());
    }

    #[test]
    fn intersects_and_unions() {
        let a = BBox::new(0.0, 0.0, 10.0, 10.0).unwrap();
        let b = BBox::new(10.0, 10.0, 20.0, 20.0).unwrap();
        let c = BBox::new(11.0, 0.0, 20.0, 5.0).unwrap();
        assert!(a.intersects(&b));
        assert!(!a.intersects(&c));
        assert_eq!(a.intersection(&b).unwrap().to_array(), [10.0, 10.0, 10.0, 10.0]);
        assert!(a.intersection(&c).is_none());
        assert_eq!(a.union(&c).to_array(), [0.0, 0.0, 20.0, 10.0]);
        assert_eq!(BBox::from_points([(1.0, 5.0), (-1.0, 2.0)]).unwrap().to_array(), [-1.0, 2.0, 1.0, 5.0]);
    }
}

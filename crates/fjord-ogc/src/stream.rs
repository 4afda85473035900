//! Feature responses written feature by feature from a [`Selection`], so a response of
//! a million features starts at once and holds one feature in memory at a time.

use crate::reply::Body;
use fjord_store::{Feature, FeatureSource, FgbLayer, Selection};
use std::fmt::Display;
use std::io;
use std::sync::Arc;

/// The features a request selected, with what is needed to read them later: the layer
/// (kept open, so a publish meanwhile does not cut the response short) and the fields.
pub(crate) struct Selected {
    layer: Arc<FgbLayer>,
    positions: Vec<u32>,
    properties: Option<Vec<usize>>,
}

impl Selected {
    /// The features at `sel`'s positions of `layer`, with the fields at `properties`
    /// (all when `None`).
    pub(crate) fn new(layer: Arc<FgbLayer>, sel: Selection, properties: Option<Vec<usize>>) -> Selected {
        Selected { layer, positions: sel.positions, properties }
    }

    /// How many features.
    pub(crate) fn len(&self) -> usize {
        self.positions.len()
    }

    /// Read each feature in order and hand it to `visit`.
    pub(crate) fn each(&self, mut visit: impl FnMut(usize, Feature) -> io::Result<()>) -> io::Result<()> {
        for (n, &pos) in self.positions.iter().enumerate() {
            visit(n, self.layer.fetch(pos, self.properties.as_deref()).map_err(io::Error::other)?)?;
        }
        Ok(())
    }

    /// A text body: `head`, the features encoded by `encode` with `sep` between them, and
    /// `tail`. Each feature is encoded into a reused buffer and written on.
    pub(crate) fn text<E: Display>(
        self,
        head: Vec<u8>,
        sep: &'static [u8],
        tail: Vec<u8>,
        encode: impl Fn(&mut Vec<u8>, &Feature) -> Result<(), E> + Send + 'static,
    ) -> io::Result<Body> {
        Body::features(
            self.len(),
            Box::new(move |w| {
                w.write_all(&head)?;
                let mut buf = Vec::with_capacity(8192);
                self.each(|n, f| {
                    buf.clear();
                    if n > 0 {
                        buf.extend_from_slice(sep);
                    }
                    encode(&mut buf, &f).map_err(|e| io::Error::other(e.to_string()))?;
                    w.write_all(&buf)
                })?;
                w.write_all(&tail)
            }),
        )
    }
}

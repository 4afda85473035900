//! Drawing features with a style: the rules that apply at the map's scale, each
//! feature into the batches of the rules its attributes pass, the batches drawn in
//! rule and symbolizer order at the end (so fills lie under outlines).

use crate::paint::{Batch, Canvas};
use crate::style::{Attributes, Rule, Style, Symbolizer};
use fjord_core::Value;
use geo_types::Geometry;

/// One style at one scale, gathering features.
pub struct StylePainter<'s> {
    rules: Vec<&'s Rule>,
    batches: Vec<Vec<Batch<'s>>>,
    /// the rules the feature being added passes, room reused feature after feature
    matching: Vec<usize>,
}

impl<'s> StylePainter<'s> {
    /// The rules of `style` in scale at `scale` (a scale denominator).
    pub fn new(style: &'s Style, scale: f64) -> StylePainter<'s> {
        let rules: Vec<&Rule> = style.rules.iter().filter(|r| r.in_scale(scale)).collect();
        let batches = rules.iter().map(|r| r.symbolizers.iter().map(Batch::new).collect()).collect();
        StylePainter { rules, batches, matching: Vec::new() }
    }

    /// Whether no rule applies at this scale (nothing needs reading).
    pub fn is_idle(&self) -> bool {
        self.rules.is_empty()
    }

    /// Add a feature: the rules its attributes pass take its geometry, asked of
    /// `geometry` only when some rule does (so a feature no rule draws is not read);
    /// a feature without one (`None`) is left out.
    pub fn add<'g, E>(
        &mut self,
        canvas: &Canvas,
        attrs: &dyn Attributes,
        geometry: impl FnOnce() -> Result<Option<&'g Geometry<f64>>, E>,
    ) -> Result<(), E> {
        self.matching.clear();
        let rules = &self.rules;
        self.matching.extend((0..rules.len()).filter(|&i| rules[i].filter.as_ref().is_none_or(|f| f.matches(attrs))));
        if self.matching.is_empty() {
            return Ok(());
        }
        let Some(g) = geometry()? else { return Ok(()) };
        for &i in &self.matching {
            for b in &mut self.batches[i] {
                match b.symbolizer() {
                    Symbolizer::Text(t) => {
                        let text = attrs.get(&t.property).map(Value::to_text).unwrap_or_default();
                        canvas.add_label(b, g, &text);
                    }
                    _ => canvas.add(b, g),
                }
            }
        }
        Ok(())
    }

    /// Draw what was gathered.
    pub fn finish(self, canvas: &mut Canvas) {
        for b in self.batches.into_iter().flatten() {
            canvas.flush(b);
        }
    }
}

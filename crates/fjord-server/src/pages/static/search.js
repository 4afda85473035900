// The search page: titles suggested while typing (from the catalogue search), a new
// order searches again at once, and the area filter: Shift and drag on the map draws a box that fills the bbox field and
// searches again.
(function () {
  'use strict';

  function suggestions() {
    const input = document.getElementById('q');
    const list = document.getElementById('suggestions');
    let timer = null;
    let asked = 0;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < 2) return;
      timer = setTimeout(async () => {
        const mine = ++asked;
        const res = await fetch('/api/catalogue/search?limit=8&q=' + encodeURIComponent(text));
        if (!res.ok || mine !== asked) return;
        const found = await res.json();
        list.replaceChildren(...found.hits.map((h) => {
          const o = document.createElement('option');
          o.value = h.record.title;
          return o;
        }));
      }, 200);
    });
  }

  function areaMap() {
    const target = document.getElementById('area-map');
    const field = document.getElementById('bbox');
    const drawn = new ol.source.Vector();
    const map = new ol.Map({
      target,
      layers: [
        new ol.layer.Image({
          source: new ol.source.ImageWMS({ url: '/wms', params: { LAYERS: 'fylker', VERSION: '1.3.0', TRANSPARENT: true }, ratio: 1 }),
        }),
        new ol.layer.Vector({ source: drawn }),
      ],
      view: new ol.View({ center: ol.proj.fromLonLat([15, 65]), zoom: 3.4 }),
    });
    const show = (value) => {
      drawn.clear();
      const b = value.split(',').map(Number);
      if (b.length !== 4 || b.some(isNaN)) return;
      const extent = ol.proj.transformExtent(b, 'EPSG:4326', 'EPSG:3857');
      drawn.addFeature(new ol.Feature(ol.geom.Polygon.fromExtent(extent)));
    };
    show(field.value);
    const box = new ol.interaction.DragBox({ condition: ol.events.condition.shiftKeyOnly });
    box.on('boxend', () => {
      const b = ol.proj.transformExtent(box.getGeometry().getExtent(), 'EPSG:3857', 'EPSG:4326');
      field.value = b.map((v) => v.toFixed(3)).join(',');
      show(field.value);
      field.form.submit();
    });
    map.addInteraction(box);
    // the map is made when its panel opens the first time: a hidden map has no size
    target.closest('details').addEventListener('toggle', () => map.updateSize());
  }

  document.addEventListener('DOMContentLoaded', () => {
    // on a phone the filters start folded, so the hits come first
    if (matchMedia('(max-width: 48rem)').matches) document.querySelector('.facets details').open = false;
    suggestions();
    const order = document.getElementById('orderby');
    order.addEventListener('change', () => order.form.submit());
    if (window.ol) areaMap();
  });
})();

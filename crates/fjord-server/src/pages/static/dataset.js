// The dataset page: the map preview (OpenLayers over our WMS; the map element gets
// data-rendered="true" once drawn), copy buttons for the service URLs, the download
// options following the area chosen, and "add to basket".
(function () {
  'use strict';

  /** The preview map, or null where the page has none. */
  function preview() {
    const el = document.getElementById('preview');
    if (!el || !window.ol) return null;
    const extent = ol.proj.transformExtent(el.dataset.extent.split(',').map(Number), 'EPSG:4326', 'EPSG:3857');
    const map = new ol.Map({
      target: el,
      layers: [
        new ol.layer.Image({
          source: new ol.source.ImageWMS({ url: '/wms', params: { LAYERS: el.dataset.layer, VERSION: '1.3.0', TRANSPARENT: true }, ratio: 1 }),
        }),
      ],
      view: new ol.View(),
    });
    map.getView().fit(extent, { padding: [10, 10, 10, 10] });
    map.once('rendercomplete', () => { el.dataset.rendered = 'true'; });
    return map;
  }

  /**
   * Drawing an area on the map, for the area "Kart": a polygon in Web Mercator, its
   * corners as the Download API takes them ("x y x y ..."); null until one is drawn.
   */
  function drawing(map) {
    const drawn = new ol.source.Vector();
    map.addLayer(new ol.layer.Vector({ source: drawn }));
    const draw = new ol.interaction.Draw({ source: drawn, type: 'Polygon' });
    draw.on('drawstart', () => drawn.clear());
    const state = { coordinates: null };
    draw.on('drawend', (e) => {
      state.coordinates = e.feature.getGeometry().getCoordinates()[0].map((c) => c[0].toFixed(1) + ' ' + c[1].toFixed(1)).join(' ');
    });
    state.active = (on) => {
      if (on) map.addInteraction(draw);
      else map.removeInteraction(draw);
    };
    return state;
  }

  function copyButtons() {
    document.querySelectorAll('button[data-copy]').forEach((button) => {
      button.addEventListener('click', async () => {
        const text = document.getElementById(button.dataset.copy).textContent;
        try {
          await navigator.clipboard.writeText(text);
        } catch (e) {
          const range = document.createRange();
          range.selectNodeContents(document.getElementById(button.dataset.copy));
          getSelection().removeAllRanges();
          getSelection().addRange(range);
          document.execCommand('copy');
        }
        const label = button.textContent;
        button.textContent = button.dataset.copied;
        setTimeout(() => { button.textContent = label; }, 1500);
      });
    });
  }

  function options(select, entries, value, label) {
    const keep = select.value;
    select.replaceChildren(...entries.map((e) => {
      const o = document.createElement('option');
      o.value = value(e);
      o.textContent = label(e);
      return o;
    }));
    if (entries.some((e) => value(e) === keep)) select.value = keep;
  }

  function downloadForm(map) {
    const form = document.getElementById('order-form');
    if (!form) return;
    const areas = JSON.parse(document.getElementById('areas').textContent);
    const area = form.elements.area;
    const projection = form.elements.projection;
    const format = form.elements.format;
    const help = document.getElementById('draw-help');
    const status = document.getElementById('added');
    const polygon = map ? drawing(map) : null;
    const drawnOption = area.querySelector('option[value="Kart"]');
    if (!polygon) drawnOption.remove();
    // a drawn area is clipped from the whole country's files: their projections and formats
    const chosenArea = () => {
      const type = area.selectedOptions[0].dataset.type;
      if (type === 'polygon') return Object.assign({}, areas[0], { code: 'Kart', type, name: drawnOption.dataset.name });
      return areas.find((a) => a.code === area.value && a.type === type);
    };
    const chosenProjection = () => (chosenArea() || { projections: [] }).projections.find((p) => p.code === projection.value);
    const followProjection = () => options(format, (chosenProjection() || { formats: [] }).formats, (f) => f.name, (f) => f.name);
    area.addEventListener('change', () => {
      options(projection, (chosenArea() || { projections: [] }).projections, (p) => p.code, (p) => p.name);
      followProjection();
      const drawn = area.value === 'Kart';
      help.hidden = !drawn;
      if (polygon) polygon.active(drawn);
    });
    projection.addEventListener('change', followProjection);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const a = chosenArea();
      const p = chosenProjection();
      if (!a || !p || !format.value) return;
      const chosen = { code: a.code, type: a.type, name: a.name };
      if (a.type === 'polygon') {
        if (!polygon.coordinates) {
          status.textContent = help.dataset.first;
          return;
        }
        Object.assign(chosen, { coordinates: polygon.coordinates, coordinatesystem: '3857' });
        // the Download API says whether the area may be clipped (not too large, valid)
        const res = await fetch('/api/can-download', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ metadataUuid: form.dataset.uuid, coordinates: chosen.coordinates, coordinateSystem: '3857' }),
        });
        const answer = await res.json().catch(() => ({}));
        if (!res.ok || !answer.canDownload) {
          status.textContent = answer.message || answer.detail || res.statusText;
          return;
        }
      }
      window.fjordBasket.add({
        metadataUuid: form.dataset.uuid,
        title: form.dataset.title,
        restricted: form.dataset.restricted === 'true',
        area: chosen,
        projection: { code: p.code, name: p.name },
        format: { name: format.value },
      });
      status.textContent = status.dataset.added + ': ' + a.name + ', ' + p.name + ', ' + format.value;
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    const map = preview();
    copyButtons();
    downloadForm(map);
  });
})();

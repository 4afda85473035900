// The dataset page: the map preview (OpenLayers over our WMS; the map element gets
// data-rendered="true" once drawn), copy buttons for the service URLs, the download
// options following the area chosen, and "add to basket".
(function () {
  'use strict';

  function preview() {
    const el = document.getElementById('preview');
    if (!el || !window.ol) return;
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

  function downloadForm() {
    const form = document.getElementById('order-form');
    if (!form) return;
    const areas = JSON.parse(document.getElementById('areas').textContent);
    const area = form.elements.area;
    const projection = form.elements.projection;
    const format = form.elements.format;
    const chosenArea = () => areas.find((a) => a.code === area.value && a.type === area.selectedOptions[0].dataset.type);
    const chosenProjection = () => (chosenArea() || { projections: [] }).projections.find((p) => p.code === projection.value);
    const followProjection = () => options(format, (chosenProjection() || { formats: [] }).formats, (f) => f.name, (f) => f.name);
    area.addEventListener('change', () => {
      options(projection, (chosenArea() || { projections: [] }).projections, (p) => p.code, (p) => p.name);
      followProjection();
    });
    projection.addEventListener('change', followProjection);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const a = chosenArea();
      const p = chosenProjection();
      if (!a || !p || !format.value) return;
      window.fjordBasket.add({
        metadataUuid: form.dataset.uuid,
        title: form.dataset.title,
        restricted: form.dataset.restricted === 'true',
        area: { code: a.code, type: a.type, name: a.name },
        projection: { code: p.code, name: p.name },
        format: { name: format.value },
      });
      const status = document.getElementById('added');
      status.textContent = status.dataset.added + ': ' + a.name + ', ' + p.name + ', ' + format.value;
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    preview();
    copyButtons();
    downloadForm();
  });
})();

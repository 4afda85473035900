// Doffin's pages: the map of the notices (OGC API Features items as GeoJSON over the
// county borders from our WMS; the map element gets data-features="N" once loaded and
// data-rendered="true" once drawn), a notice's place, the buyer's next-step buttons and
// the buyer's form (click the map to pick the place).
(function () {
  'use strict';

  function baseMap(target) {
    return new ol.Map({
      target: target,
      layers: [
        new ol.layer.Image({
          source: new ol.source.ImageWMS({ url: '/wms', params: { LAYERS: 'fylker', VERSION: '1.3.0', TRANSPARENT: true }, ratio: 1 }),
        }),
      ],
      view: new ol.View({ center: ol.proj.fromLonLat([15, 65]), zoom: 4 }),
    });
  }

  const dot = new ol.style.Style({
    image: new ol.style.Circle({ radius: 7, fill: new ol.style.Fill({ color: '#c25400' }), stroke: new ol.style.Stroke({ color: '#ffffff', width: 2 }) }),
  });

  function noticesMap() {
    const el = document.getElementById('doffin-map');
    if (!el) return;
    const map = baseMap(el);
    const source = new ol.source.Vector();
    map.addLayer(new ol.layer.Vector({ source: source, style: dot }));
    fetch('/ogcapi/collections/' + el.dataset.collection + '/items?limit=1000&f=json')
      .then((r) => (r.ok ? r.json() : { type: 'FeatureCollection', features: [] }))
      .then((fc) => {
        source.addFeatures(new ol.format.GeoJSON().readFeatures(fc, { featureProjection: 'EPSG:3857' }));
        el.dataset.features = String(source.getFeatures().length);
        map.once('rendercomplete', () => { el.dataset.rendered = 'true'; });
        map.render();
      });
    map.on('click', (e) => {
      map.forEachFeatureAtPixel(e.pixel, (f) => { window.location.href = '/doffin/' + encodeURIComponent(f.get('uuid')); return true; });
    });
  }

  function placeMap() {
    const el = document.getElementById('doffin-place');
    if (!el) return;
    const map = baseMap(el);
    const extent = ol.proj.transformExtent(el.dataset.extent.split(',').map(Number), 'EPSG:4326', 'EPSG:3857');
    const source = new ol.source.Vector({ features: [new ol.Feature(ol.geom.Polygon.fromExtent(extent))] });
    map.addLayer(new ol.layer.Vector({ source: source }));
    map.getView().fit(ol.extent.buffer(extent, 20000), { padding: [10, 10, 10, 10] });
  }

  async function post(url, body) {
    const r = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(json.detail || r.statusText);
    return json;
  }

  function actions() {
    const box = document.querySelector('.actions[data-notice]');
    if (!box) return;
    box.querySelectorAll('button[data-status]').forEach((b) => {
      b.addEventListener('click', async () => {
        try {
          await post('/api/doffin/notices/' + encodeURIComponent(box.dataset.notice) + '/status', { status: b.dataset.status });
          window.location.reload();
        } catch (e) {
          document.getElementById('action-result').textContent = e.message;
        }
      });
    });
  }

  function form() {
    const f = document.getElementById('notice-form');
    if (!f) return;
    const map = baseMap(document.getElementById('pick-map'));
    const picked = new ol.source.Vector();
    map.addLayer(new ol.layer.Vector({ source: picked, style: dot }));
    map.on('click', (e) => {
      const [lon, lat] = ol.proj.toLonLat(e.coordinate);
      f.lon.value = lon.toFixed(5);
      f.lat.value = lat.toFixed(5);
      picked.clear();
      picked.addFeature(new ol.Feature(new ol.geom.Point(e.coordinate)));
    });
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      const then = e.submitter ? e.submitter.value : 'draft';
      const org = f.org.value;
      const props = {
        buyer: { name: f.buyer_name.value, organisation_number: f.orgnr.value.trim() },
        cpv: f.cpv.value.split(',').map((c) => c.trim()).filter((c) => c),
        deadline: f.deadline.value.length === 16 ? f.deadline.value + ':00Z' : f.deadline.value + 'Z',
        procedure: f.procedure.value,
        status: 'draft',
        place: { type: 'Point', coordinates: [Number(f.lon.value), Number(f.lat.value)] },
      };
      if (f.amount.value) props.value_estimate = { amount: Number(f.amount.value), currency: 'NOK' };
      const notice = { kind: 'tender-notice', title: f.title.value, abstract: f.abstract.value, organisation: { id: org, name: f.buyer_name.value }, properties: props };
      const result = document.getElementById('form-result');
      try {
        const made = await post('/api/doffin/notices', notice);
        if (then === 'published') await post('/api/doffin/notices/' + encodeURIComponent(made.uuid) + '/status', { status: 'published' });
        window.location.href = '/doffin/' + encodeURIComponent(made.uuid);
      } catch (err) {
        result.textContent = err.message;
      }
    });
  }

  if (!window.ol) return;
  noticesMap();
  placeMap();
  actions();
  form();
})();

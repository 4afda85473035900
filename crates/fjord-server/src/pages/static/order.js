// An order's page: poll the receipt (JSON) every two seconds until no file waits,
// showing each file's status and, once made, its link; then the bundle button packs
// them all in one zip (PUT downloadAsBundle, then its link).
(function () {
  'use strict';

  function label(table, status) {
    return { ReadyForDownload: table.dataset.ready, WaitingForProcessing: table.dataset.waiting, Error: table.dataset.failed }[status] || status;
  }

  function update(table, receipt) {
    for (const f of receipt.files) {
      const row = table.querySelector('tr[data-file="' + CSS.escape(f.fileId) + '"]');
      if (!row) continue;
      const cell = row.querySelector('.status');
      if (cell.dataset.status === f.status) continue;
      cell.dataset.status = f.status;
      cell.textContent = label(table, f.status) + (f.message ? ': ' + f.message : '');
      const name = row.querySelector('.name');
      if (f.downloadUrl) {
        const a = document.createElement('a');
        a.href = f.downloadUrl;
        a.setAttribute('download', '');
        a.textContent = f.name;
        name.replaceChildren(a);
      }
    }
    const bundle = document.getElementById('bundle');
    if (bundle) bundle.disabled = !receipt.files.every((f) => f.status === 'ReadyForDownload');
    return receipt.files.some((f) => f.status === 'WaitingForProcessing');
  }

  async function bundle(table) {
    const status = document.getElementById('bundle-status');
    const res = await fetch('/api/order/' + encodeURIComponent(table.dataset.reference), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ downloadAsBundle: true }),
    });
    const answer = await res.json().catch(() => ({}));
    if (res.ok && answer.downloadBundleUrl) location.href = answer.downloadBundleUrl;
    else status.textContent = answer.detail || res.statusText;
  }

  async function poll(table) {
    try {
      const res = await fetch('/api/order/' + encodeURIComponent(table.dataset.reference), {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (res.ok && !update(table, await res.json())) return;
    } catch (e) {
      // the network failed for a moment: try again
    }
    setTimeout(() => poll(table), 2000);
  }

  document.addEventListener('DOMContentLoaded', () => {
    const table = document.getElementById('files');
    if (!table) return;
    const button = document.getElementById('bundle');
    if (button) button.addEventListener('click', () => bundle(table));
    if (table.querySelector('[data-status="WaitingForProcessing"]')) setTimeout(() => poll(table), 1000);
  });
})();

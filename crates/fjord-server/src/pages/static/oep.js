// OEP's page: "ask for access" sends a request to the entry's agency; the agency's
// writers grant or refuse a pending request (a refusal with its reason). The outcome is
// said in #oep-result.
(function () {
  'use strict';

  async function post(url, body) {
    const r = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(json.detail || r.statusText);
    return json;
  }

  const result = document.getElementById('oep-result');
  document.querySelectorAll('button[data-request]').forEach((b) => {
    b.addEventListener('click', async () => {
      try {
        await post('/api/oep/records/' + encodeURIComponent(b.dataset.request) + '/requests', {});
        window.location.reload();
      } catch (e) {
        result.textContent = e.message;
      }
    });
  });
  document.querySelectorAll('button[data-answer]').forEach((b) => {
    b.addEventListener('click', async () => {
      const reason = document.getElementById('reason-' + b.dataset.answer).value;
      try {
        await post('/api/oep/requests/' + encodeURIComponent(b.dataset.answer) + '/answer', { status: b.dataset.status, reason: reason });
        window.location.reload();
      } catch (e) {
        result.textContent = e.message;
      }
    });
  });
})();

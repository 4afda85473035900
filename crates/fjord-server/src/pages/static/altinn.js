// An Altinn form's page: "save draft" creates the caller's draft (POST) or changes it
// (PUT); "send" saves, then submits it and opens the receipt. A refusal (a field the
// form's schema refuses) is shown, and the field it names gets the focus.
(function () {
  'use strict';

  /** The fields as JSON, each converted by its schema type; empty fields left out. */
  function data(form) {
    const out = {};
    for (const el of form.querySelectorAll('[data-type]')) {
      const type = el.dataset.type;
      if (type === 'boolean') { out[el.name] = el.checked; continue; }
      const v = el.value.trim();
      if (v === '') continue;
      out[el.name] = (type === 'integer' || type === 'number') && !isNaN(Number(v)) ? Number(v) : v;
    }
    return out;
  }

  async function call(method, url, body) {
    const res = await fetch(url, {
      method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw answer;
    return answer;
  }

  function refused(form, answer) {
    const box = form.querySelector('[data-problem]');
    box.textContent = answer.detail || String(answer);
    const m = /\bdata\.([A-Za-z0-9_]+)/.exec(box.textContent);
    const field = m && form.querySelector('[name="' + CSS.escape(m[1]) + '"]');
    if (field) { field.setAttribute('aria-invalid', 'true'); field.focus(); }
  }

  async function save(form) {
    form.querySelector('[data-problem]').textContent = '';
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const id = form.dataset.submission;
    if (id) {
      await call('PUT', '/api/altinn/submissions/' + encodeURIComponent(id), { data: data(form) });
      return id;
    }
    const body = { data: data(form) };
    const org = form.querySelector('select[name="organisation"]');
    if (org && org.value) body.organisation = org.value;
    const made = await call('POST', '/api/altinn/forms/' + encodeURIComponent(form.dataset.form) + '/submissions', body);
    form.dataset.submission = made.uuid;
    history.replaceState(null, '', location.pathname + '?utkast=' + encodeURIComponent(made.uuid));
    return made.uuid;
  }

  document.addEventListener('DOMContentLoaded', () => {
    const form = document.getElementById('altinn');
    if (!form) return;
    const said = form.querySelector('[data-saved]');
    form.querySelector('[data-save]').addEventListener('click', async () => {
      try {
        await save(form);
        said.textContent = form.dataset.savedText;
      } catch (answer) { refused(form, answer); }
    });
    form.querySelector('[data-send]').addEventListener('click', async () => {
      try {
        const id = await save(form);
        await call('POST', '/api/altinn/submissions/' + encodeURIComponent(id) + '/submit');
        location.href = '/api/altinn/submissions/' + encodeURIComponent(id) + '/receipt';
      } catch (answer) { refused(form, answer); }
    });
  });
})();

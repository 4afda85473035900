// The download basket, kept in the browser (localStorage), as Kartkatalog keeps it:
// every page shows its count; the basket page lists it and orders it through the
// Download API (POST /api/order), then opens the order's page.
(function () {
  'use strict';
  const KEY = 'fjord.basket';

  function items() {
    try {
      const v = JSON.parse(localStorage.getItem(KEY) || '[]');
      return Array.isArray(v) ? v : [];
    } catch (e) {
      return [];
    }
  }

  function save(list) {
    localStorage.setItem(KEY, JSON.stringify(list));
    showCount();
  }

  function same(a, b) {
    return a.metadataUuid === b.metadataUuid && a.area.code === b.area.code &&
      a.projection.code === b.projection.code && a.format.name === b.format.name &&
      a.area.coordinates === b.area.coordinates;
  }

  /** Add a line (once): {metadataUuid, title, restricted, area{code,type,name}, projection{code,name}, format{name}} */
  function add(line) {
    const list = items();
    if (!list.some((l) => same(l, line))) list.push(line);
    save(list);
  }

  function showCount() {
    const n = String(items().length);
    document.querySelectorAll('[data-basket-count]').forEach((el) => { el.textContent = n; });
  }

  window.fjordBasket = { items, add };

  function line(box, item, index) {
    const li = document.createElement('li');
    const title = document.createElement('a');
    title.href = '/metadata/' + encodeURIComponent(item.metadataUuid);
    title.textContent = item.title;
    li.appendChild(title);
    const what = document.createElement('span');
    what.textContent = ' – ' + box.dataset.area + ': ' + item.area.name + ', ' +
      box.dataset.projection + ': ' + item.projection.name + ', ' + box.dataset.format + ': ' + item.format.name;
    li.appendChild(what);
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = box.dataset.remove;
    remove.setAttribute('aria-label', box.dataset.remove + ' ' + item.title + ' ' + item.area.name);
    remove.addEventListener('click', () => {
      const list = items();
      list.splice(index, 1);
      save(list);
      render(box);
    });
    li.appendChild(remove);
    if (item.restricted && box.dataset.loggedIn !== 'true') {
      const p = document.createElement('p');
      p.className = 'notice';
      p.textContent = box.dataset.loginNeeded + ' ';
      const a = document.createElement('a');
      a.href = box.dataset.login;
      a.textContent = box.dataset.logIn;
      p.appendChild(a);
      li.appendChild(p);
    }
    return li;
  }

  function render(box) {
    const list = items();
    const ul = document.getElementById('basket-lines');
    ul.replaceChildren(...list.map((item, i) => line(box, item, i)));
    document.getElementById('basket-empty').hidden = list.length > 0;
    document.getElementById('order').hidden = list.length === 0;
    // an area drawn on the map is a clip job: the Download API needs an e-mail for it
    const drawn = list.some((i) => i.area.type === 'polygon');
    const label = document.querySelector('label[for="email"]');
    label.dataset.optional = label.dataset.optional || label.textContent;
    label.textContent = drawn ? label.dataset.needed : label.dataset.optional;
    document.getElementById('email').required = drawn;
  }

  async function order(event) {
    event.preventDefault();
    const form = event.target;
    const status = document.getElementById('order-status');
    const button = form.querySelector('button');
    const label = button.textContent;
    button.disabled = true;
    button.textContent = button.dataset.busy;
    status.textContent = '';
    const purpose = form.usagePurpose.value;
    const body = {
      email: form.email.value,
      usageGroup: form.usageGroup.value,
      softwareClient: 'fjord-web',
      orderLines: items().map((i) => ({
        metadataUuid: i.metadataUuid,
        areas: [i.area],
        projections: [{ code: i.projection.code }],
        formats: [{ name: i.format.name }],
        usagePurpose: [purpose],
      })),
    };
    try {
      const res = await fetch('/api/order', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(body),
      });
      const answer = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(answer.detail || res.statusText);
      save([]);
      location.href = '/api/order/' + encodeURIComponent(answer.referenceNumber);
    } catch (e) {
      status.textContent = e.message;
      status.className = 'error';
      button.disabled = false;
      button.textContent = label;
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    showCount();
    const box = document.getElementById('basket');
    if (!box) return;
    render(box);
    document.getElementById('order').addEventListener('submit', order);
  });
})();

// The register's live rows: a new appeal accepted while the register is open arrives over the
// console's live stream (/console/live with the page's own filters; the server sends only rows
// of appeals the operator may see) and, on the first page of a view newest first, is put at the
// top of the table. Other pages and orders only count what came («new appeals: N — reload»).
// A row put above the focused one does not move that row on screen: the page scrolls by what
// was added. The count is announced politely. An event of an appeal already shown updates its
// status cell. Values are set with textContent only — what a citizen typed stays text.
'use strict';
(function () {
  var table = document.getElementById('register');
  var body = document.getElementById('register-rows');
  var note = document.getElementById('register-live');
  var shape = document.getElementById('register-row');
  if (!table || !body || !note || !shape || !table.getAttribute('data-live') || !window.EventSource) { return; }
  var mode = table.getAttribute('data-mode');
  var view = table.getAttribute('data-view');
  var me = table.getAttribute('data-me');
  var open = (table.getAttribute('data-open') || '').split(' ');
  var MAX_ROWS = 500;
  var added = 0;

  function fits(data) {
    if (view === 'unassigned') { return !data.assignee && open.indexOf(data.status) >= 0; }
    if (view === 'mine') { return data.assignee === me && open.indexOf(data.status) >= 0; }
    if (view === 'open') { return open.indexOf(data.status) >= 0; }
    return true; // today, all: whatever was accepted just now
  }

  function fill(row, name, text) {
    var cell = row.querySelector('[data-cell="' + name + '"]');
    if (cell && text) { cell.textContent = text; }
  }

  function render(data) {
    var row = shape.content.firstElementChild.cloneNode(true);
    var href = '/console/appeals/' + encodeURIComponent(data.appeal_id);
    row.id = 'a-' + data.number;
    row.setAttribute('data-href', href);
    row.className = 'status-' + String(data.status).replace(/[^a-z_]/g, '') + ' fresh';
    var box = row.querySelector('input[name="appeal"]');
    box.value = data.appeal_id;
    box.setAttribute('aria-label', box.getAttribute('data-label').replace('{number}', data.number));
    box.removeAttribute('data-label');
    var link = row.querySelector('td.number a');
    link.href = href;
    link.textContent = data.number;
    var time = row.querySelector('time');
    time.setAttribute('datetime', data.at);
    time.setAttribute('title', data.at_local);
    time.textContent = data.at_short;
    row.querySelector('.excerpt').textContent = data.excerpt || '';
    fill(row, 'topic', data.category_title);
    fill(row, 'status', data.status_label);
    fill(row, 'severity', data.severity_label);
    fill(row, 'assignee', data.assignee);
    fill(row, 'due', data.due);
    fill(row, 'channel', data.channel_label);
    return row;
  }

  function announce() {
    var text = note.getAttribute('data-new').replace('{count}', String(added));
    note.textContent = '';
    if (mode === 'insert') {
      note.textContent = text;
    } else {
      note.appendChild(document.createTextNode(text + ' — '));
      var again = document.createElement('a');
      again.href = window.location.pathname + window.location.search;
      again.textContent = note.getAttribute('data-reload');
      note.appendChild(again);
    }
    note.hidden = false;
  }

  function insert(row) {
    body.insertBefore(row, body.firstChild);
    var empty = document.getElementById('register-empty');
    if (empty) { empty.remove(); }
    while (body.children.length > MAX_ROWS) { body.removeChild(body.lastChild); }
    body.dispatchEvent(new CustomEvent('register:added'));
  }

  // What the operator looks at stays in place: the focused row's distance from the top of the
  // window is measured before the row and the notice are added and restored after both.
  function steady(change) {
    var active = document.activeElement;
    var anchor = active && body.contains(active) ? active.closest('tr') : null;
    var before = anchor ? anchor.getBoundingClientRect().top : 0;
    change();
    if (anchor && anchor.isConnected) {
      var moved = anchor.getBoundingClientRect().top - before;
      if (moved) { window.scrollBy(0, moved); }
    }
  }

  function take(data) {
    if (!data || !data.appeal_id || !data.number) { return; }
    var shown = document.getElementById('a-' + data.number);
    if (shown) {
      if (data.status_label) { fill(shown, 'status', data.status_label); }
      return;
    }
    if (data.type !== 'accepted' || mode === 'quiet') { return; }
    if (mode === 'insert' && !fits(data)) { return; }
    steady(function () {
      if (mode === 'insert') { insert(render(data)); }
      added += 1;
      announce();
    });
  }

  var source = new EventSource(table.getAttribute('data-live'));
  source.onopen = function () { table.setAttribute('data-live-state', 'on'); };
  source.onerror = function () { table.setAttribute('data-live-state', 'off'); };
  source.onmessage = function (message) {
    var data;
    try { data = JSON.parse(message.data); } catch (e) { return; }
    take(data);
  };
  source.addEventListener('reload', function () { window.location.reload(); });
  window.addEventListener('pagehide', function () { source.close(); });
}());

// The intake log's live tail: new rows arrive over Server-Sent Events (/console/live with the
// page's own filters, checked on the server) and are put at the top of the table. Stored
// values are set with textContent only — never as HTML — so whatever a citizen typed stays text.
// EventSource reconnects by itself (the server's `retry:` hint); the indicator says whether
// the stream is open. «Пауза» holds new rows back (WCAG 2.2.2: moving content can be stopped):
// a polite live region says how many wait, and «Показать новые» puts them in. Rows put in above
// the focused one keep it where it was on the screen, so reading with the keyboard is not
// pushed away.
'use strict';
(function () {
  var table = document.getElementById('log');
  var body = document.getElementById('log-rows');
  var state = document.getElementById('live-state');
  if (!table || !body || !table.getAttribute('data-live') || !window.EventSource) { return; }
  var MAX_ROWS = 200;
  var pause = document.getElementById('live-pause');
  var heldNote = document.getElementById('live-held');
  var held = [];
  var paused = false;

  function show(on) {
    if (!state) { return; }
    state.textContent = state.getAttribute(on ? 'data-on' : 'data-off');
    state.classList.toggle('on', on);
    state.classList.toggle('off', !on);
  }

  function cell(row, name, text) {
    var td = document.createElement('td');
    td.setAttribute('data-label', table.getAttribute('data-l-' + name) || '');
    if (text) { td.textContent = text; }
    row.appendChild(td);
    return td;
  }

  function span(parent, className, text) {
    var element = document.createElement(className === 'reason' ? 'strong' : 'span');
    element.className = className;
    element.textContent = text;
    parent.appendChild(element);
    parent.appendChild(document.createTextNode(' '));
    return element;
  }

  function render(data) {
    var row = document.createElement('tr');
    row.id = 'e' + data.id;
    row.className = 'type-' + String(data.type).replace(/[^a-z_]/g, '') + ' fresh';
    var time = document.createElement('time');
    time.setAttribute('datetime', data.at);
    time.setAttribute('title', data.at_local);
    time.textContent = data.at_short;
    cell(row, 'time', '').appendChild(time);
    cell(row, 'type', data.type_label);
    cell(row, 'org', data.org || '—');
    var number = cell(row, 'number', '');
    if (data.appeal_id) {
      var link = document.createElement('a');
      link.href = '/console/appeals/' + encodeURIComponent(data.appeal_id);
      link.textContent = data.number || data.appeal_id;
      number.appendChild(link);
    }
    cell(row, 'category', data.category_title || '');
    var status = cell(row, 'status', data.status_label || '');
    if (data.overdue) {
      var late = document.createElement('strong');
      late.className = 'overdue';
      late.textContent = ' ' + data.overdue_label;
      status.appendChild(late);
    }
    cell(row, 'severity', data.severity_label || '');
    var details = cell(row, 'details', '');
    details.className = 'details';
    if (data.reason) {
      // the reason in words, the code it was stored as in the tooltip (as the server renders it)
      var reason = span(details, 'reason',
        table.getAttribute('data-reason') + ' ' + (data.reason_text || data.reason));
      reason.title = data.reason;
      reason.setAttribute('data-code', data.reason);
    }
    if (data.excerpt) { span(details, 'excerpt', data.excerpt); }
    if (data.via) { span(details, 'muted', data.via); }
    if (data.by) { span(details, 'muted', table.getAttribute('data-by') + ' ' + data.by); }
    return row;
  }

  var source = new EventSource(table.getAttribute('data-live'));
  source.onopen = function () { show(true); };
  source.onerror = function () { show(false); };
  source.onmessage = function (message) {
    var data;
    try { data = JSON.parse(message.data); } catch (e) { return; }
    if (!data || document.getElementById('e' + data.id)) { return; }
    if (held.some(function (h) { return h.id === data.id; })) { return; }
    if (paused) {
      held.push(data);
      announce();
      return;
    }
    insert([data]);
  };

  // The row holding the keyboard focus, if any: rows put in above it must not move it.
  function focusedRow() {
    var active = document.activeElement;
    return active && body.contains(active) ? active.closest('tr') : null;
  }

  function insert(rows) {
    var anchor = focusedRow();
    var top = anchor ? anchor.getBoundingClientRect().top : 0;
    rows.forEach(function (data) { body.insertBefore(render(data), body.firstChild); });
    var empty = document.getElementById('log-empty');
    if (empty) { empty.remove(); }
    while (body.children.length > MAX_ROWS && body.lastChild !== anchor) {
      body.removeChild(body.lastChild);
    }
    if (anchor) { window.scrollBy(0, anchor.getBoundingClientRect().top - top); }
  }

  function announce() {
    if (!heldNote) { return; }
    heldNote.textContent = held.length
      ? heldNote.getAttribute('data-held').replace('%n%', String(held.length)) : '';
  }

  if (pause) {
    pause.hidden = false;
    pause.addEventListener('click', function () {
      paused = !paused;
      pause.textContent = pause.getAttribute(paused ? 'data-resume' : 'data-pause');
      if (!paused) {
        var rows = held;
        held = [];
        insert(rows);
        announce();
      }
    });
  }
  source.addEventListener('reload', function () { window.location.reload(); });
  window.addEventListener('pagehide', function () { source.close(); });
}());

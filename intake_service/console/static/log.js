// The intake log's live tail: new rows arrive over Server-Sent Events (/console/live with the
// page's own filters, checked on the server) and are put at the top of the table. Stored
// values are set with textContent only — never as HTML — so whatever a citizen typed stays text.
// EventSource reconnects by itself (the server's `retry:` hint); the indicator says whether
// the stream is open.
'use strict';
(function () {
  var table = document.getElementById('log');
  var body = document.getElementById('log-rows');
  var state = document.getElementById('live-state');
  if (!table || !body || !table.getAttribute('data-live') || !window.EventSource) { return; }
  var MAX_ROWS = 200;

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
      // as the page renders it: the words, then the code in English (lang="en")
      var words = data.reason_text ? data.reason_text + ' ' : '';
      var reason = span(details, 'reason', table.getAttribute('data-reason') + ' ' + words);
      var code = document.createElement('code');
      code.setAttribute('lang', 'en');
      code.textContent = data.reason;
      reason.appendChild(code);
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
    body.insertBefore(render(data), body.firstChild);
    var empty = document.getElementById('log-empty');
    if (empty) { empty.remove(); }
    while (body.children.length > MAX_ROWS) { body.removeChild(body.lastChild); }
  };
  source.addEventListener('reload', function () { window.location.reload(); });
  window.addEventListener('pagehide', function () { source.close(); });
}());

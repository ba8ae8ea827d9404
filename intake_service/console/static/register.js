// The register's keyboard and selection: j / k move the focus between rows, Enter opens the
// focused row's appeal, / goes to the search box; "select all" ticks the page's rows; the bulk
// form shows only the fields of the chosen action. No build step, no HTML from strings.
// Rows the live stream adds (register_live.js) join at once: the rows are read when needed.
'use strict';
(function () {
  var body = document.getElementById('register-rows');
  if (!body) { return; }
  var rows = [];
  var current = -1;

  function readRows() { rows = Array.prototype.slice.call(body.querySelectorAll('tr[data-href]')); }

  function focusRow(index) {
    readRows();
    if (!rows.length) { return; }
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) { row.classList.toggle('focused', i === current); });
    var link = rows[current].querySelector('td.number a');
    if (link) { link.focus(); }
  }

  function typing(target) {
    var name = target && target.tagName;
    return name === 'INPUT' || name === 'SELECT' || name === 'TEXTAREA' || (target && target.isContentEditable);
  }

  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === '/' && !typing(event.target)) {
      var search = document.getElementById('f-q');
      if (search) { event.preventDefault(); search.focus(); search.select(); }
      return;
    }
    if (typing(event.target)) { return; }
    if (event.key === 'j') { event.preventDefault(); focusRow(current + 1); }
    else if (event.key === 'k') { event.preventDefault(); focusRow(current < 0 ? 0 : current - 1); }
    else if (event.key === 'Enter' && current >= 0 && rows[current] && !event.target.closest('a, button')) {
      event.preventDefault();
      window.location.assign(rows[current].getAttribute('data-href'));
    }
  });
  body.addEventListener('focusin', function (event) {
    var row = event.target.closest('tr[data-href]');
    if (!row) { return; }
    readRows();
    current = rows.indexOf(row);
    rows.forEach(function (other) { other.classList.toggle('focused', other === row); });
  });
  // a row put above the focused one moves it down the list, not off its place in the order
  body.addEventListener('register:added', function () {
    readRows();
    var focused = body.querySelector('tr.focused');
    current = focused ? rows.indexOf(focused) : -1;
  });

  var all = document.getElementById('pick-all');
  if (all) {
    all.addEventListener('change', function () {
      body.querySelectorAll('input[name="appeal"]').forEach(function (box) { box.checked = all.checked; });
    });
  }

  var action = document.getElementById('bulk-action');
  function showFields() {
    document.querySelectorAll('.bulk [data-for]').forEach(function (field) {
      field.hidden = field.getAttribute('data-for') !== action.value;
    });
  }
  if (action) { action.addEventListener('change', showFields); showFields(); }
}());

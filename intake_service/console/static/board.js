// The heat board's live refresh. The server says "changed" over SSE (/console/board/live);
// the page then fetches board.json and copies counts, classes and texts into the cells it
// already has (textContent and className only: nothing from the server becomes markup).
// A fetch every 30 s backs the stream up, so a wall monitor recovers after the network drops.
'use strict';
(function () {
  var board = document.getElementById('board');
  if (!board || !window.fetch) { return; }
  var jsonUrl = board.getAttribute('data-json');
  var status = document.getElementById('board-status');
  var updated = document.getElementById('board-updated');
  var FALLBACK_MS = 30000;
  var busy = false;
  var again = false;

  function lost(yes) {
    if (!status) { return; }
    status.textContent = yes ? board.getAttribute('data-lost') : '';
    status.className = yes ? 'board-status lost' : 'board-status';
  }

  function setText(root, selector, text) {
    var node = root.querySelector(selector);
    if (node && node.textContent !== String(text)) { node.textContent = String(text); }
  }

  function render(data) {
    var cells = board.querySelectorAll('td.cell[data-row]');
    var known = {};
    cells.forEach(function (td) { known[td.getAttribute('data-row') + '\n' + td.getAttribute('data-category')] = td; });
    var missing = false;
    data.rows.forEach(function (row) {
      data.categories.forEach(function (category) {
        var cell = row.cells[category.code];
        var td = known[row.org + '\n' + category.code];
        if (!td) { missing = true; return; }
        td.className = 'cell heat-' + Number(cell.heat);
        setText(td, '.count', cell.count);
        var link = td.querySelector('a');
        if (link) { link.setAttribute('aria-label', cell.label); link.setAttribute('title', cell.label); }
      });
      var tr = board.querySelector('tr[data-row="' + CSS.escape(row.org) + '"]');
      if (tr) {
        setText(tr, '.t-week', row.tension.week);
        setText(tr, '.t-high', row.tension.high_text);
        setText(tr, '.arrow', row.tension.arrow);
        setText(tr, '.t-direction', row.tension.direction_text);
        setText(tr, '.t-change-text', row.tension.change_text);
        var change = tr.querySelector('.t-change');
        if (change) { change.className = 't-change trend-' + row.tension.direction; }
      }
    });
    if (updated) {
      updated.setAttribute('datetime', data.generated_at);
      updated.textContent = data.generated_at.slice(11, 19) + ' UTC';
    }
    // A new organisation or category: the table itself changed, draw it afresh.
    if (missing || cells.length !== data.rows.length * data.categories.length) { window.location.reload(); }
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(jsonUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' }, cache: 'no-store' })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); throw new Error('signed out'); }
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      })
      .then(function (data) { lost(false); render(data); })
      .catch(function () { lost(true); })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  function listen() {
    // EventSource reconnects by itself (the server asks for 3 s) after a dropped connection;
    // each (re)opening refetches, since changes may have happened meanwhile. A stream the
    // browser gave up on (the service answered an error while restarting) is opened anew.
    var source = new EventSource(board.getAttribute('data-live'));
    source.addEventListener('changed', refresh);
    source.addEventListener('open', refresh);
    source.addEventListener('error', function () {
      lost(true);
      if (source.readyState === EventSource.CLOSED) { window.setTimeout(listen, 5000); }
    });
  }

  if (window.EventSource) { listen(); }
  window.setInterval(refresh, FALLBACK_MS);
  window.addEventListener('board-refresh', refresh);  // for whoever embeds or tests the page
}());

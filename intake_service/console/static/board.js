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
    var text = yes ? board.getAttribute('data-lost') : '';
    if (status.textContent === text) { return; }
    status.textContent = text;
    status.className = yes ? 'board-status lost' : 'board-status';
    paginate();  // the wall's rows have a line less (or more) of room
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
      updated.textContent = data.generated_text;
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

  // Wall mode: nobody scrolls a wall, so when the rows do not fit the screen the page shows
  // them a screenful at a time, turning every data-page-ms, and says which screenful it is.
  // Pages are cut from the rows' own heights (a long name takes two lines), again on resize.
  var wallRows = document.getElementById('wall-rows');
  var pageLabel = document.getElementById('board-page');
  var pages = [];
  var shown = 0;

  function showPage(index) {
    shown = pages.length ? index % pages.length : 0;
    pages.forEach(function (rows, number) {
      rows.forEach(function (tr) { tr.hidden = number !== shown; });
    });
    if (pageLabel) {
      pageLabel.textContent = pages.length > 1
        ? board.getAttribute('data-page').replace('{page}', String(shown + 1)).replace('{pages}', String(pages.length))
        : '';
    }
  }

  function overflowing(table) {
    return Array.prototype.some.call(table.querySelectorAll('th, td.cell a, td'), function (node) {
      return node.scrollWidth > node.clientWidth + 1;
    });
  }

  // More topics than the type was made for (an organisation's own categories): the table's
  // type shrinks in steps (--fit) until every cell holds its figures.
  function fit(table) {
    var scale = 1;
    table.style.setProperty('--fit', '1');
    while (scale > 0.4 && overflowing(table)) {
      scale = Math.round(scale * 90) / 100;
      table.style.setProperty('--fit', String(scale));
    }
  }

  function paginate() {
    var body = wallRows ? wallRows.querySelector('tbody') : null;
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (tr) { tr.hidden = false; });
    fit(body.parentNode);
    var room = wallRows.getBoundingClientRect().bottom - body.getBoundingClientRect().top - 1;
    pages = [];
    var page = [];
    var used = 0;
    rows.forEach(function (tr) {
      var height = tr.getBoundingClientRect().height;
      if (page.length && used + height > room) { pages.push(page); page = []; used = 0; }
      page.push(tr);
      used += height;
    });
    if (page.length) { pages.push(page); }
    showPage(shown);
  }

  if (wallRows) {
    paginate();
    var resizing = null;
    window.addEventListener('resize', function () {
      window.clearTimeout(resizing);
      resizing = window.setTimeout(paginate, 200);
    });
    window.setInterval(function () { if (pages.length > 1) { showPage(shown + 1); } },
      Number(board.getAttribute('data-page-ms')) || 10000);
  }

  if (window.EventSource) { listen(); }
  window.setInterval(refresh, FALLBACK_MS);
  window.addEventListener('board-refresh', refresh);  // for whoever embeds or tests the page
}());

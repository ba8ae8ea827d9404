// A poll's results page (console/polls.py): the counts, shares, bars and means refresh by
// themselves every few seconds from results.json while the page is open; without this script
// the page shows the counts as they were when it was loaded.
'use strict';
(function () {
  var section = document.getElementById('poll-results');
  if (!section || !window.fetch) { return; }
  var source = section.getAttribute('data-source');
  var hint = document.getElementById('poll-live-hint');
  if (hint) { hint.hidden = false; }
  var EVERY = 2500;

  function each(attr, fn) {
    var nodes = section.querySelectorAll('[' + attr + ']');
    for (var i = 0; i < nodes.length; i++) { fn(nodes[i], nodes[i].getAttribute(attr)); }
  }

  function apply(data) {
    var total = document.getElementById('poll-participants');
    if (total && total.textContent !== String(data.participants)) {
      total.textContent = String(data.participants);
    }
    each('data-count', function (node, key) {
      if (data.cells[key]) { node.textContent = String(data.cells[key].n); }
    });
    each('data-share', function (node, key) {
      if (data.cells[key]) { node.textContent = data.cells[key].share; }
    });
    each('data-bar', function (node, key) {
      if (data.cells[key]) { node.setAttribute('width', String(data.cells[key].width)); }
    });
    each('data-mean', function (node, key) {
      if (data.means[key] !== undefined) { node.textContent = data.means[key]; }
    });
  }

  function refresh() {
    if (document.hidden) { window.setTimeout(refresh, EVERY); return; }
    var stop = false;
    fetch(source, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (answer) {
        // signed out, or the poll gone: nothing more to refresh (console.js says the first)
        if (answer.status === 401 || answer.status === 404) { stop = true; }
        return answer.ok ? answer.json() : null;
      })
      .then(function (data) { if (data) { apply(data); } })
      .catch(function () { /* the next turn tries again */ })
      .then(function () { if (!stop) { window.setTimeout(refresh, EVERY); } });
  }
  window.setTimeout(refresh, EVERY);
}());

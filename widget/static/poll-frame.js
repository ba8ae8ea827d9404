/* The badge's framed poll pages (/w/{org}/p/{id}): in a third party's frame the browser may
   block the voter cookie, so the `anyone` level's voter id is kept in the frame's own storage
   and sent back with the next ballot as the hidden field `voter` (the server reads the cookie
   when the field is empty). Also tells the host page the frame's height, for the inline block.
   Nothing else: the page works the same without it. */
(function () {
  'use strict';
  var KEY = 'pos_voter';
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  var given = document.getElementById('poll-voter');
  if (store && given && given.getAttribute('data-voter')) {
    try { store.setItem(KEY, given.getAttribute('data-voter')); } catch (e) { /* full or blocked */ }
  }
  var field = document.getElementById('voter');
  if (store && field) {
    try { field.value = store.getItem(KEY) || ''; } catch (e) { field.value = ''; }
  }
  var origin = document.body.getAttribute('data-embed-origin');
  if (origin && window.parent !== window) {
    var tell = function () {
      window.parent.postMessage(
        {ns: 'pos', v: 1, type: 'participation-height', payload: {height: document.documentElement.scrollHeight}},
        origin
      );
    };
    window.addEventListener('load', tell);
    window.addEventListener('resize', tell);
  }
})();

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
    // The content's own height (the root's box), not its scrollHeight, which is never less than
    // the frame: a shorter page (back from a poll to the list) shrinks the block again.
    var tell = function () {
      var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      window.parent.postMessage({ns: 'pos', v: 1, type: 'participation-height', payload: {height: height}}, origin);
    };
    window.addEventListener('load', tell);
    if (window.ResizeObserver) new ResizeObserver(tell).observe(document.documentElement);
    else window.addEventListener('resize', tell);
    // Keys pressed inside a cross-origin frame never reach the host page: Escape closes the
    // badge's dialog from here too, as from the form (the inline block has none to close).
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') window.parent.postMessage({ns: 'pos', v: 1, type: 'close', payload: {}}, origin);
    });
  }
})();

// The site page's badge preview: the badge is the real loader (/embed.js, inline mode), but the
// console's CSP allows no frames, so its dialog could not show the form here. A click on the
// preview opens the full-page form in a new tab instead; the capturing listener on window runs
// before the badge's own handler inside its shadow root and stops it.
'use strict';
(function () {
  window.addEventListener('click', function (event) {
    var preview = document.getElementById('badge-preview');
    var host = event.target && event.target.closest && event.target.closest('pos-intake-badge');
    if (!preview || !host || !preview.contains(host)) { return; }
    event.preventDefault();
    event.stopPropagation();
    window.open(preview.getAttribute('data-form'), '_blank', 'noopener');
  }, true);
}());

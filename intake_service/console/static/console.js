// The console's shared behaviour: copy buttons and confirmations. No inline script anywhere:
// the console's CSP allows only files from this service.
'use strict';
(function () {
  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-copy]');
    if (button) {
      var source = document.getElementById(button.getAttribute('data-copy'));
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.textContent || source.value || '').then(function () {
          var done = button.getAttribute('data-copied');
          if (done) { button.textContent = done; }
        });
      }
    }
  });
  document.addEventListener('submit', function (event) {
    var question = event.target.getAttribute('data-confirm');
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
}());

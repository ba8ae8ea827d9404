// The console's shared behaviour: copy buttons, confirmations, and the warning before the
// session runs out (WCAG 2.2.1): two minutes before the idle time is up (or at its half, when
// it is shorter) a notice offers «Остаться в системе», which tells the server the operator is
// here (/console/keepalive) and starts the count again; once it is up, «Войти снова» signs in
// and returns to the page. No inline script anywhere:
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
    if (event.target.getAttribute('action') === '/console/signout') {
      // what was typed on appeals' pages (appeal.js) is not left in the tab for the next person
      try {
        Object.keys(window.sessionStorage).forEach(function (key) {
          if (key.indexOf('pos-intake.panel.') === 0) { window.sessionStorage.removeItem(key); }
        });
      } catch (refused) { /* storage off: nothing was kept */ }
    }
  });

  var warning = document.getElementById('idle-warning');
  if (!warning) { return; }
  var idle = Number(warning.getAttribute('data-idle')) * 1000;
  var stay = document.getElementById('idle-stay');
  var text = document.getElementById('idle-text');
  var signin = document.getElementById('idle-signin');
  var timers = [];
  function arm() {
    timers.forEach(clearTimeout);
    var warnAt = idle > 4 * 60000 ? idle - 2 * 60000 : idle / 2;
    timers = [
      setTimeout(function () {
        warning.hidden = false;
        stay.focus();
      }, warnAt),
      setTimeout(function () {
        // the session is over: «Войти снова» signs in and comes back to this page (its `next`)
        text.textContent = warning.getAttribute('data-ended');
        stay.hidden = true;
        warning.hidden = false;
        signin.hidden = false;
        signin.focus();
      }, idle)
    ];
  }
  stay.addEventListener('click', function () {
    fetch('/console/keepalive', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': warning.getAttribute('data-csrf') }
    }).then(function (answer) {
      if (answer.ok) {
        warning.hidden = true;
        arm();
      }
    });
  });
  arm();
}());

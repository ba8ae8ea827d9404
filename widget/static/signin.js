// Sign-in at the identity provider from the appeal form. Browsers block third-party cookies in
// the iframe the form lives in, so the sign-in runs in a top-level popup; its last page posts
// the signed identity back. Accepted only from this service's own origin AND from the window
// this form opened (the popup, or the tab of the link shown when a blocker stopped the popup):
// a message from any other window is ignored.
(function () {
  'use strict';
  var box = document.getElementById('signin');
  if (!box) return;
  var button = document.getElementById('signin-button');
  var field = document.getElementById('identity');
  var state = document.getElementById('signin-state');
  var blocked = document.getElementById('signin-blocked');
  var popup = null;

  function needed() {
    var kind = document.querySelector('input[name="kind"]:checked');
    var mode = box.getAttribute('data-mode-' + (kind ? kind.value : 'message'));
    box.hidden = mode !== 'oidc';
  }
  document.querySelectorAll('input[name="kind"]').forEach(function (radio) {
    radio.addEventListener('change', needed);
  });
  needed();

  button.addEventListener('click', function () {
    var url = button.getAttribute('data-href');
    popup = window.open(url, 'pos-signin', 'popup,width=520,height=640');
    blocked.hidden = !!popup;
    if (popup) popup.focus();
  });

  // The window the sign-in runs in: the popup this form opened or, when the browser blocked
  // it, the tab the fallback link opened (its opener is this form; same origin, so readable).
  function ours(source) {
    if (!source) return false;
    if (popup && source === popup) return true;
    try {
      return source.opener === window;
    } catch (e) {
      return false;
    }
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== window.location.origin || !ours(event.source)) return;
    var message = event.data || {};
    if (message.ns !== 'pos' || message.v !== 1) return;
    if (message.type === 'pos:identity') {
      field.value = message.payload.token;
      state.textContent = state.getAttribute('data-done').replace('{name}', message.payload.name);
      var name = document.getElementById('name');
      name.value = message.payload.name;
      name.readOnly = true;
      if (message.payload.email) {
        var email = document.getElementById('email');
        email.value = message.payload.email;
        email.readOnly = true;
      }
      document.dispatchEvent(new Event('pos:signed-in'));  // the form shows the one name field
    } else if (message.type === 'pos:identity-error') {
      state.textContent = state.getAttribute('data-failed');
    }
  });
})();

// The sign-in popup's last page: hand the form that opened it the signed identity (or the
// reason it failed) and close. Only to this service's own origin — the form is served from
// it — never "*". Without an opener (opened in a tab) the page's text says what to do.
(function () {
  'use strict';
  var result = document.getElementById('signin-result');
  if (!result || !window.opener) return;
  var message = result.dataset.error
    ? {ns: 'pos', v: 1, type: 'pos:identity-error', payload: {reason: result.dataset.error}}
    : {ns: 'pos', v: 1, type: 'pos:identity', payload: {
        token: result.dataset.token, name: result.dataset.name, email: result.dataset.email}};
  try {
    window.opener.postMessage(message, window.location.origin);
  } catch (e) {
    return; // the opener went elsewhere: the text on this page stands
  }
  if (!result.dataset.error) window.close();
})();

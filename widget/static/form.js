// The form's progressive enhancement: character counter, location, photo limit, sending with
// fetch and showing problems next to their fields, the success screen, and telling the host
// page (the loader) what happened. Without this file the form still works as a plain page.
(function () {
  'use strict';
  var body = document.body;
  var form = document.getElementById('appeal');
  if (!form) return;
  var data = body.dataset;
  var embedOrigin = data.embedOrigin;
  var framed = window.parent !== window && embedOrigin;
  // In the badge's dialog the success screen fills the frame (form.css).
  if (framed) document.documentElement.classList.add('framed');

  function tell(type, payload) {
    // Only to the origin the service verified when it served this form; never "*".
    if (framed) window.parent.postMessage({ns: 'pos', v: 1, type: type, payload: payload || {}}, embedOrigin);
  }

  var text = document.getElementById('text');
  var counter = document.getElementById('text-counter');
  function count() {
    counter.textContent = data.counter.replace('{count}', text.value.length).replace('{max}', data.textMax);
  }
  text.addEventListener('input', count);
  count();

  var locate = document.getElementById('locate');
  var status = document.getElementById('location-status');
  if (navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener('click', function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var lat = pos.coords.latitude.toFixed(6), lon = pos.coords.longitude.toFixed(6);
        document.getElementById('lat').value = lat;
        document.getElementById('lon').value = lon;
        status.textContent = data.locationSet.replace('{lat}', lat).replace('{lon}', lon);
      }, function () {
        status.textContent = data.locationFailed;
      }, {timeout: 10000});
    });
  }

  // A topic's extra questions show while that topic is chosen; the others are disabled, so
  // they are neither checked nor sent. (Without this file all are shown, and the service
  // reads only the chosen topic's answers.)
  var category = document.getElementById('category');
  var groups = form.querySelectorAll('fieldset.questions');
  function showQuestions() {
    groups.forEach(function (group) {
      var mine = group.getAttribute('data-category') === category.value;
      group.hidden = !mine;
      group.disabled = !mine;
    });
  }
  category.addEventListener('change', showQuestions);
  showQuestions();

  var photos = document.getElementById('photos');
  photos.addEventListener('change', function () {
    photos.setCustomValidity(photos.files.length > Number(data.maxPhotos) ? data.photosCount : '');
  });

  var summary = document.getElementById('summary');
  var send = document.getElementById('send');
  var sendLabel = send.textContent;

  function clearErrors() {
    form.querySelectorAll('.field-error.js').forEach(function (el) { el.remove(); });
    form.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
    summary.hidden = true;
  }

  var inputs = {'contact.name': 'name', 'contact.email': 'email', 'contact.phone': 'phone', 'lat': 'address', 'lon': 'address'};
  function showErrors(problem) {
    var first = null;
    (problem.errors || []).forEach(function (e) {
      var asked = e.field.indexOf('attributes.') === 0 ? 'q-' + category.value + '-' + e.field.slice(11) : null;
      var input = document.getElementById(asked || inputs[e.field] || e.field) || (e.field === 'kind' ? form.querySelector('[name=kind]') : null);
      if (!input) return;
      var id = (asked || e.field.replace('.', '-')) + '-error';
      var p = document.getElementById(id) || document.createElement('p');
      p.id = id;
      p.className = 'field-error js';
      p.textContent = e.detail;
      var holder = input.closest('.field') || input.closest('fieldset');
      holder.appendChild(p);
      input.setAttribute('aria-invalid', 'true');
      var described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      if (described.indexOf(id) < 0) described.push(id);
      input.setAttribute('aria-describedby', described.join(' '));
      first = first || input;
    });
    summary.textContent = problem.errors && problem.errors.length ? data.errors : (problem.detail || problem.title);
    summary.hidden = false;
    (first || summary).focus();
  }

  function success(result) {
    document.getElementById('form-screen').hidden = true;
    var screen = document.getElementById('success-screen');
    document.getElementById('success-number').textContent = result.number;
    document.getElementById('success-link').href = result.tracking_url;
    // no e-mail given (a phone alone): no letters will come, the link is the only way back
    var email = form.elements.email;
    document.getElementById('success-no-email').hidden = !!(email && email.value.trim());
    screen.hidden = false;
    screen.focus();
    // The number only: the tracking link shows the appeal's text and address to whoever holds
    // it, and any script on the host page would hear it. The citizen has it on this screen.
    tell('submitted', {number: result.number});
  }

  // The organisation asks citizens to confirm their e-mail: the appeal waits for its link.
  function held(result) {
    document.getElementById('form-screen').hidden = true;
    var screen = document.getElementById('held-screen');
    var text = document.getElementById('held-text');
    text.textContent = text.getAttribute('data-template').replace('{email}', result.email);
    screen.hidden = false;
    screen.focus();
    tell('held', {});
  }

  // The site lost its right to show the form while it was open (403): the appeal was not taken.
  // Say so in the citizen's words, with the organisation's contacts; what they typed stays in
  // the form, to copy.
  var gone = document.getElementById('origin-gone');
  function refused() {
    gone.hidden = false;
    send.disabled = true;
    gone.focus();
  }

  document.getElementById('close').addEventListener('click', function () {
    if (framed) tell('close');
    else window.location.href = document.getElementById('success-link').href;
  });

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clearErrors();
    send.disabled = true;
    send.textContent = data.sending;
    fetch(form.action, {method: 'POST', body: new FormData(form), headers: {Accept: 'application/json'}, credentials: 'omit'})
      .then(function (response) {
        return response.json().then(function (json) {
          if (response.status === 201) success(json);
          else if (response.status === 202) held(json);
          else if (response.status === 403) return refused();
          else showErrors(json);
          send.disabled = false;
        });
      })
      .catch(function () { showErrors({detail: data.failed}); send.disabled = false; })
      .then(function () { send.textContent = sendLabel; });
  });

  // Keys pressed inside a cross-origin frame never reach the host page: pass Escape on so that
  // it closes the dialog wherever the focus is.
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') tell('close');
  });

  tell('ready', {org: data.org});
})();

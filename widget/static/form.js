// The form's progressive enhancement: character counter, location, photo limit, sending with
// fetch and showing problems next to their fields, the success screen, and telling the host
// page (the loader) what happened. Without this file the form still works as a plain page.
(function () {
  'use strict';
  var body = document.body;
  var form = document.getElementById('appeal');
  if (!form) return;
  var data = body.dataset;
  var summary = document.getElementById('summary');
  var embedOrigin = data.embedOrigin;
  var framed = window.parent !== window && embedOrigin;
  // In the badge's dialog the success screen fills the frame (form.css).
  if (framed) document.documentElement.classList.add('framed');

  function tell(type, payload) {
    // Only to the origin the service verified when it served this form; never "*".
    if (framed) window.parent.postMessage({ns: 'pos', v: 1, type: type, payload: payload || {}}, embedOrigin);
  }

  // The text is never cut: the counter warns from 90 % of the limit and says by how much a
  // longer text must shrink; sending it is refused here (and by the service). Screen readers
  // hear only the crossings (90 %, the limit, past it), not every key: the live region changes
  // only then.
  var text = document.getElementById('text');
  var counter = document.getElementById('text-counter');
  var over = document.getElementById('text-over');
  var limit = document.getElementById('text-limit');
  var max = Number(data.textMax);
  var stage = '';
  function overMessage() { return data.textOver.replace('{over}', text.value.length - max); }
  function count() {
    var n = text.value.length;
    var now = n > max ? 'over' : n === max ? 'full' : n * 10 >= max * 9 ? 'near' : '';
    var shown = data.counter.replace('{count}', n).replace('{max}', max);
    if (now === 'near') shown += ' ' + data.textNear.replace('{left}', max - n);
    counter.textContent = shown;
    counter.classList.toggle('near', now === 'near' || now === 'full');
    counter.classList.toggle('over', now === 'over');
    over.hidden = now !== 'over';
    over.textContent = now === 'over' ? overMessage() : '';  // a description is read even hidden
    if (now !== 'over' && summary.getAttribute('data-about') === 'length') {
      summary.hidden = true;
      summary.setAttribute('data-about', 'fields');
      if (!document.getElementById('text-error')) text.removeAttribute('aria-invalid');
    }
    if (now !== stage) {
      stage = now;
      limit.textContent = now === 'over' ? overMessage()
        : now === 'full' ? data.textFull
        : now === 'near' ? data.textNear.replace('{left}', max - n) : '';
    }
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
        document.getElementById('lat').dispatchEvent(new Event('change', {bubbles: true}));
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

  // The draft: what the citizen typed, kept in this tab's sessionStorage on the service's own
  // origin (this page, in the badge's frame; never the host page's, never sent anywhere), so
  // that a reload, a closed dialog or the other language loses nothing. Photos are not kept
  // (a browser cannot). `key` is the Idempotency-Key of a sending whose answer never came.
  var DRAFT = 'pos-form-draft:' + data.orgSlug;
  var SKIP = {token: 1, website: 1, identity: 1, photos: 1};
  var pendingKey = null;
  function store() {
    try { return window.sessionStorage; } catch (e) { return null; }  // storage blocked
  }
  function saveDraft() {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === 'file') return;
      if (el.type === 'checkbox' || el.type === 'radio') { if (el.checked) fields.push([el.name, el.value, 1]); }
      else fields.push([el.name, el.value]);
    });
    var s = store();
    try { if (s) s.setItem(DRAFT, JSON.stringify({fields: fields, key: pendingKey})); } catch (e) { /* full */ }
  }
  function dropDraft() {
    var s = store();
    if (s) s.removeItem(DRAFT);
  }
  function restoreDraft() {
    var s = store(), draft = null;
    try { draft = JSON.parse((s && s.getItem(DRAFT)) || 'null'); } catch (e) { draft = null; }
    if (!draft || !draft.fields) return false;
    pendingKey = draft.key || null;
    var typed = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === 'file') return;
      if (el.type === 'checkbox' || el.type === 'radio') {
        el.checked = draft.fields.some(function (f) { return f[0] === el.name && f[1] === el.value && f[2]; });
      } else {
        var saved = draft.fields.filter(function (f) { return f[0] === el.name; })[0];
        el.value = saved ? saved[1] : '';
      }
    });
    draft.fields.forEach(function (f) { if (f[0] !== 'kind' && f[1] !== '') typed = true; });
    return typed;
  }
  var draftNote = document.getElementById('draft-note');
  if (data.fresh && restoreDraft()) draftNote.hidden = false;
  saveDraft();  // after the service sent the form back with an error, what it shows
  form.addEventListener('input', saveDraft);
  form.addEventListener('change', saveDraft);
  document.getElementById('draft-clear').addEventListener('click', function () {
    pendingKey = null;
    form.reset();
    dropDraft();
    draftNote.hidden = true;
    clearErrors();
    showQuestions();
    count();
    form.querySelector('[name=kind]').focus();
  });
  showQuestions();
  count();

  var photos = document.getElementById('photos');
  photos.addEventListener('change', function () {
    photos.setCustomValidity(photos.files.length > Number(data.maxPhotos) ? data.photosCount : '');
  });

  var send = document.getElementById('send');
  var sendLabel = send.textContent;

  function clearErrors() {
    form.querySelectorAll('.field-error[data-field]').forEach(function (el) { el.remove(); });
    form.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
    summary.hidden = true;
  }

  var inputs = {'contact.name': 'name', 'contact.email': 'email', 'contact.phone': 'phone', 'contact.surname': 'surname', 'contact.first_name': 'first_name', 'contact.patronymic': 'patronymic', 'contact.postal': 'postal', 'lat': 'address', 'lon': 'address'};
  function inputFor(field) {
    var asked = field.indexOf('attributes.') === 0 ? 'q-' + category.value + '-' + field.slice(11) : null;
    return document.getElementById(asked || inputs[field] || field) || (field === 'kind' ? form.querySelector('[name=kind]') : null);
  }

  // Whether a field the service found wrong is right now, as far as the page can tell (the
  // service checks again): its error goes the moment it is, not at the next submit. A field
  // without a check here (a photo, a topic's question) counts as mended once it is changed.
  var EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
  var PHONE = /^\+?\d{7,15}$/;
  function filled(id) { return document.getElementById(id).value.trim() !== ''; }
  function kind() { var k = form.querySelector('[name=kind]:checked'); return k ? k.value : ''; }
  var checks = {
    kind: function () { return kind() !== ''; },
    category: function () { return category.value !== ''; },
    text: function () { var n = text.value.trim().length; return n >= Number(data.textMin) && text.value.length <= Number(data.textMax); },
    'contact.name': function () { return filled('name'); },
    'contact.surname': function () { return filled('surname'); },
    'contact.first_name': function () { return filled('first_name'); },
    'contact.postal': function () { return filled('postal') || EMAIL.test(document.getElementById('email').value.trim()); },
    'contact.email': function () {
      var email = document.getElementById('email').value.trim();
      if (email) return EMAIL.test(email);
      return kind() === 'official' ? filled('postal') : filled('phone') && checks['contact.phone']();
    },
    'contact.phone': function () {
      var phone = document.getElementById('phone').value.replace(/[\s().-]/g, '');
      return phone === '' || PHONE.test(phone);
    },
    consent: function () { return document.getElementById('consent').checked; }
  };

  function mend(p, changed) {
    var away = p.closest('fieldset.questions[disabled]');
    if (away) {  // another topic's question, put away with its topic: not sent, not wrong
      p.remove();
      away.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
      return;
    }
    var field = p.getAttribute('data-field');
    var input = field && inputFor(field);
    if (!input) return;
    var check = checks[field];
    var holder = input.closest('.field') || input.closest('fieldset');
    if (check ? !check() : !(changed && holder && holder.contains(changed))) return;
    p.remove();
    input.removeAttribute('aria-invalid');
    var described = (input.getAttribute('aria-describedby') || '').split(' ').filter(function (id) { return id && id !== p.id; });
    if (described.length) input.setAttribute('aria-describedby', described.join(' '));
    else input.removeAttribute('aria-describedby');
  }

  // After each change: the errors of the fields now right go, and the summary with the last.
  function recheck(event) {
    var shown = form.querySelectorAll('.field-error[data-field]');
    if (!shown.length) return;
    shown.forEach(function (p) { mend(p, event && event.target); });
    if (!form.querySelector('.field-error[data-field]') && summary.getAttribute('data-about') !== 'send') summary.hidden = true;
  }
  form.addEventListener('input', recheck);
  form.addEventListener('change', recheck);
  // the errors the service wrote into the page (without this script's sending), named by field
  ['kind', 'category', 'text', 'lat', 'photos', 'contact.name', 'contact.surname', 'contact.first_name', 'contact.patronymic', 'contact.email', 'contact.phone', 'contact.postal', 'identity', 'consent'].forEach(function (field) {
    var p = document.getElementById(field.replace('.', '-') + '-error');
    if (p) p.setAttribute('data-field', field);
  });

  // A message names the citizen in one field; an official appeal in three, with a postal
  // address as another way to answer (59-ФЗ): only the kind's own fields are on screen (and
  // sent: the service reads a message's name and an official appeal's parts).
  // Signed in at the identity provider (signin.js), the citizen is named by it: the one name
  // field, filled and read-only, stands in for the parts.
  function showKind() {
    var identity = document.getElementById('identity');
    var parts = kind() === 'official' && !(identity && identity.value);
    form.querySelectorAll('[data-kind]').forEach(function (el) {
      el.hidden = (el.getAttribute('data-kind') === 'official') !== parts;
    });
    document.getElementById('postal-field').hidden = kind() !== 'official';
  }
  form.querySelectorAll('[name=kind]').forEach(function (radio) { radio.addEventListener('change', showKind); });
  document.addEventListener('pos:signed-in', showKind);
  showKind();

  function showErrors(problem) {
    var first = null;
    (problem.errors || []).forEach(function (e) {
      var input = inputFor(e.field);
      if (!input) return;
      var asked = e.field.indexOf('attributes.') === 0 ? 'q-' + category.value + '-' + e.field.slice(11) : null;
      var id = (asked || e.field.replace('.', '-')) + '-error';
      var p = document.getElementById(id) || document.createElement('p');
      p.id = id;
      p.className = 'field-error';
      p.setAttribute('data-field', e.field);
      p.textContent = e.detail;
      var holder = input.closest('.field') || input.closest('fieldset');
      holder.appendChild(p);
      input.setAttribute('aria-invalid', 'true');
      var described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      if (described.indexOf(id) < 0) described.push(id);
      input.setAttribute('aria-describedby', described.join(' '));
      first = first || input;
    });
    // about the fields (goes with the last of their errors) or about the sending (stays)
    summary.setAttribute('data-about', first ? 'fields' : 'send');
    summary.textContent = first ? data.errors : (problem.detail || problem.title);
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
    if (text.value.length > max) {  // refused before sending: nothing leaves the page
      summary.setAttribute('data-about', 'length');
      summary.textContent = overMessage();
      summary.hidden = false;
      text.setAttribute('aria-invalid', 'true');
      text.focus();
      return;
    }
    post();
  });

  // One Idempotency-Key per sending until the service answers: a sending the connection lost
  // goes again by itself when the browser is back online (or with the retry button), under the
  // same key, so that it files once even if the first one arrived and only its answer was lost.
  var offline = document.getElementById('offline');
  var sending = false;
  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }
  function post(renewed) {
    if (sending) return;
    sending = true;
    if (!pendingKey) { pendingKey = newKey(); saveDraft(); }
    send.disabled = true;
    send.textContent = data.sending;
    var headers = {Accept: 'application/json', 'Idempotency-Key': pendingKey};
    return fetch(form.action, {method: 'POST', body: new FormData(form), headers: headers, credentials: 'omit'})
      .then(function (response) {
        return response.json().then(function (json) {
          return {status: response.status, json: json};
        });
      })
      .then(function (answer) {
        if (expired(answer) && !renewed) {  // the token ran out: a fresh one, and again, once
          return renew().then(function (ok) {
            sending = false;
            if (ok) return post(true);
            showErrors(answer.json);
          });
        }
        // answered: whatever it says, the next sending is a new one
        offline.hidden = true;
        pendingKey = null;
        if (answer.status === 201 || answer.status === 202 || answer.status === 403) {
          clearTimeout(renewTimer);  // this form is done: its token needs no renewing
          renewTimer = null;
        }
        if (answer.status === 201 || answer.status === 202) dropDraft();
        else saveDraft();
        if (answer.status === 201) success(answer.json);
        else if (answer.status === 202) held(answer.json);
        else if (answer.status === 403) refused();
        else showErrors(answer.json);
      }, function () {
        offline.hidden = false;  // no answer: kept, and sent again when the connection is back
      })
      .then(function () {
        sending = false;
        send.disabled = !gone.hidden;
        send.textContent = sendLabel;
      });
  }
  // Already reported? Once a topic and a place are chosen, the open appeals of that topic
  // there (similar.py): number, topic, status, date, address — text only, never markup.
  var similarBox = document.getElementById('similar');
  var similarList = document.getElementById('similar-list');
  var similarTimer = null;
  var similarAsked = '';
  function lookSimilar() {
    var place = document.getElementById('address').value.trim();
    var lat = document.getElementById('lat').value;
    var lon = document.getElementById('lon').value;
    var ask = [category.value, place, lat, lon].join('|');
    if (!category.value || (!place && !lat) || ask === similarAsked) {
      if (!category.value || (!place && !lat)) { similarBox.hidden = true; similarAsked = ''; }
      return;
    }
    similarAsked = ask;
    var body = new FormData();
    body.append('token', document.getElementById('token').value);
    body.append('category', category.value);
    body.append('address', place);
    body.append('lat', lat);
    body.append('lon', lon);
    fetch(data.similarUrl, {method: 'POST', body: body, headers: {Accept: 'application/json'}, credentials: 'omit'})
      .then(function (response) { return response.ok ? response.json() : {appeals: []}; })
      .then(function (json) {
        if (ask !== similarAsked) return;  // the citizen has moved on meanwhile
        while (similarList.firstChild) similarList.removeChild(similarList.firstChild);
        (json.appeals || []).forEach(function (a) {
          var item = document.createElement('li');
          var number = document.createElement('strong');
          number.textContent = a.number;
          var parts = [a.topic, a.status.charAt(0).toLowerCase() + a.status.slice(1), a.filed];
          if (a.address) parts.push(a.address);
          if (a.metres !== null && a.metres !== undefined) parts.push(data.similarAway.replace('{metres}', String(a.metres)));
          item.appendChild(number);
          item.appendChild(document.createTextNode(' — ' + parts.join(', ') + ' '));
          var follow = document.createElement('button');
          follow.type = 'button';
          follow.className = 'secondary follow';
          follow.textContent = data.followLabel;
          follow.setAttribute('aria-label', data.followLabel + ' ' + a.number);
          follow.addEventListener('click', function () { followAppeal(a.number); });
          item.appendChild(follow);
          similarList.appendChild(item);
        });
        similarBox.hidden = !(json.appeals && json.appeals.length);
      })
      .catch(function () { similarAsked = ''; });
  }
  // Following one instead of filing again: its news to the e-mail given below, once the
  // link mailed there is opened (followup/follows.py).
  var similarNote = document.getElementById('similar-note');
  function followAppeal(number) {
    var email = document.getElementById('email');
    if (!EMAIL.test(email.value.trim())) {
      similarNote.textContent = data.followNeedsEmail;
      email.focus();
      return;
    }
    var body = new FormData();
    body.append('token', document.getElementById('token').value);
    body.append('number', number);
    body.append('email', email.value.trim());
    fetch(data.followUrl, {method: 'POST', body: body, headers: {Accept: 'application/json'}, credentials: 'omit'})
      .then(function (response) { return response.json().then(function (json) { return {ok: response.ok, json: json}; }); })
      .then(function (answer) {
        similarNote.textContent = answer.ok
          ? data.followSent.replace('{email}', answer.json.email).replace('{number}', answer.json.number)
          : (answer.json.detail || answer.json.title || '');
      })
      .catch(function () { similarNote.textContent = data.failed; });
  }
  function soonSimilar() {
    clearTimeout(similarTimer);
    similarTimer = setTimeout(lookSimilar, 500);
  }
  category.addEventListener('change', soonSimilar);
  document.getElementById('address').addEventListener('input', soonSimilar);
  document.getElementById('lat').addEventListener('change', soonSimilar);
  soonSimilar();

  // The form's token is good for data.maxAge seconds: a fresh one is fetched before it runs
  // out (renewal.py), and once more when a sending is refused as expired, which then goes
  // again, so that a citizen who writes slowly never has to reload (WCAG 2.2.1).
  var token = document.getElementById('token');
  var renewTimer = null;
  function renew() {
    var body = new FormData();
    body.append('token', token.value);
    return fetch(data.renewUrl, {method: 'POST', body: body, headers: {Accept: 'application/json'}, credentials: 'omit'})
      .then(function (response) {
        if (response.ok) return response.json();
        clearTimeout(renewTimer);  // refused (used, a day old, the site no longer allowed):
        renewTimer = null;  // asking again would not help; the sending will say what to do
        return null;
      })
      .then(function (json) {
        if (!json || !json.token) return false;
        token.value = json.token;
        schedule();
        return true;
      }, function () { if (renewTimer !== null) schedule(); return false; });
  }
  function schedule() {
    clearTimeout(renewTimer);
    renewTimer = setTimeout(renew, Math.max(1, Number(data.maxAge) * 0.8) * 1000);
  }
  if (data.maxAge) schedule();
  function expired(answer) {
    return answer.status === 400 && /form-expired$/.test(answer.json.type || '');
  }

  function retry() { if (!offline.hidden) post(); }
  window.addEventListener('online', retry);
  document.getElementById('retry').addEventListener('click', retry);

  // Keys pressed inside a cross-origin frame never reach the host page: pass Escape on so that
  // it closes the dialog wherever the focus is.
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') tell('close');
  });

  tell('ready', {org: data.org});
})();

/* pos-intake loader: a badge that opens the form in a modal dialog. See examples/README.md */
(() => {
  'use strict';
  const VERSION = '1.0.0';
  var T = /*i18n*/{"ru":{"badge":"Обратная связь · Госуслуги","title":"Обратная связь — Госуслуги","close":"Закрыть"},"en":{"badge":"Feedback · Gosuslugi","title":"Feedback — Gosuslugi","close":"Close"}}/*end*/;
  const w = window, doc = document, enc = encodeURIComponent, script = doc.currentScript;
  let api = w.PosIntake;
  // Run again (an SPA re-inserting the snippet): the first instance takes this script.
  if (api && api.v) return api._add(script);

  const SERVICE = new URL(script.src).origin;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`:host{all:initial}
a{display:block;padding:12px 18px;border-radius:22px;color:#fff;font:600 15px/20px system-ui,sans-serif;
text-decoration:none;box-shadow:0 2px 12px #0006}
a:focus-visible{outline:3px solid #111;outline-offset:2px}
dialog{flex-direction:column;width:min(480px,100% - 32px);height:min(720px,90%);max-width:none;
max-height:none;padding:0;border:0;border-radius:12px;overflow:hidden}
dialog[open]{display:flex}
::backdrop{background:#0008}
div{text-align:right;border-bottom:1px solid #ddd}
button{width:44px;height:44px;border:0;background:none;font:28px sans-serif}
iframe{flex:1;border:0}
@media (max-width:639.98px){dialog{width:100%;height:100%;border-radius:0}}`);

  let first, floating, layer; // settings of the first script; the floating badge; dialogs' host
  const dialogs = {}, targets = {}, on = {};

  // Page CSS reaches our host elements: inline !important beats it.
  const host = (name, css) => {
    const e = doc.createElement(name);
    css = Object.assign({all: 'initial'}, css);
    for (const k in css) e.style.setProperty(k, css[k], 'important');
    e.attachShadow({mode: 'open'}).adoptedStyleSheets = [sheet];
    return e;
  };
  const el = name => doc.createElement(name);
  const attach = e => e.isConnected || (doc.body || doc.documentElement).append(e);
  const emit = (type, payload) => (on[type] || []).forEach(fn => setTimeout(() => fn(payload)));
  const form = o => `${SERVICE}/w/${enc(o.org)}/form?`;

  const badge = (o, css) => {
    const h = host('pos-intake-badge', css), a = Object.assign(el('a'), {
      href: form(o) + 'lang=' + o.lang, // a real link too
      textContent: o.t.badge,
      onclick: e => {
        if (e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        open(o, a);
      }
    });
    a.style.background = o.color;
    h.shadowRoot.append(a);
    return h;
  };

  // One snippet: the floating badge, an inline badge after the script, or the host's button.
  const add = s => {
    const d = s.dataset, lang = d.lang == 'en' ? 'en' : 'ru';
    const p = /^[bt][lr]$/.test(d.position) ? d.position : 'br';
    const color = /^#([\da-f]{3}){1,2}$/i.test(d.color) ? d.color : '#0d4cd3';
    if (!d.org) return;
    const o = {org: d.org, lang, t: T[lang], color};
    first = first || o;
    if (d.target) {
      try {
        doc.querySelectorAll(d.target).forEach(t => t.setAttribute('aria-haspopup', 'dialog'));
        targets[d.target] = o;
      } catch (x) { /* not a selector */ }
    } else if (d.mode == 'inline') {
      s.after(badge(o, {display: 'inline-block'}));
    } else {
      floating = floating || badge(o, {
        position: 'fixed', 'z-index': 2147483647, display: 'block',
        [p[0] == 't' ? 'top' : 'bottom']: '16px', [p[1] == 'l' ? 'left' : 'right']: '16px'
      });
      floating.popover = 'manual';
      attach(floating);
      try { floating.showPopover(); } catch (x) { /* no top layer: z-index */ }
    }
  };

  // The host's own buttons: data-target selectors.
  doc.addEventListener('click', e => {
    for (const sel in targets) {
      const t = e.target.closest && e.target.closest(sel);
      if (t) return e.preventDefault(), open(targets[sel], t);
    }
  }, true);

  // A new iframe, not a new src: no entry in the page's history.
  const frame = d => {
    const o = d.o, f = Object.assign(el('iframe'), {
      title: o.t.title,
      allow: 'geolocation',
      referrerPolicy: 'no-referrer',
      sandbox: 'allow-scripts allow-forms allow-same-origin allow-popups allow-popups-to-escape-sandbox',
      src: form(o) + 'origin=' + enc(location.origin) + '&page=' +
        enc(location.href.split('#')[0].slice(0, 2000)) + '&lang=' + o.lang + '&v=' + VERSION
    });
    d.f ? d.f.replaceWith(f) : d.append(f);
    d.f = f;
    d.done = 0;
  };

  const dialog = o => {
    const d = el('dialog'), head = el('div'), x = el('button');
    d.o = o;
    d.setAttribute('aria-label', o.t.title);
    x.textContent = '×';
    x.setAttribute('aria-label', o.t.close);
    x.onclick = () => d.close();
    head.append(x);
    d.append(head);
    d.onclose = () => {
      emit('close', {});
      d.by.focus();
    };
    // Header and iframe fill the dialog: a click on the dialog itself is on the backdrop.
    d.onclick = e => e.target == d && d.close();
    layer.shadowRoot.append(d);
    return d;
  };

  const open = (o, by) => {
    if (!(o = o || first)) return;
    attach(layer = layer || host('pos-intake-dialog'));
    const key = o.lang + o.org, d = dialogs[key] || (dialogs[key] = dialog(o));
    if (d.open) return;
    if (!d.f || d.done) frame(d); // after `submitted`, a fresh form
    d.by = by || doc.activeElement;
    d.showModal();
  };
  const close = () => Object.values(dialogs).forEach(d => d.close());

  // Only from our own iframes: the service's origin and that frame's window.
  w.addEventListener('message', e => {
    const m = e.data;
    if (e.origin !== SERVICE || !m || m.ns !== 'pos' || m.v !== 1) return;
    for (const d of Object.values(dialogs)) {
      if (e.source !== d.f.contentWindow) continue;
      if (m.type == 'close') d.close();
      if (m.type == 'ready' || m.type == 'submitted') {
        d.done = m.type == 'submitted';
        emit(m.type, m.payload || {});
      }
    }
  });

  // PosIntake('on', ...) = PosIntake.on(...); the stub's queue is replayed.
  api = (cmd, ...args) => /^(open|close|on)$/.test(cmd) && api[cmd](...args);
  api.open = () => open();
  api.close = close;
  api.on = (type, fn) => (on[type] = on[type] || []).push(fn);
  api.v = VERSION;
  api._add = add; // for a second run
  const queue = (w.PosIntake && w.PosIntake.q) || [];
  w.PosIntake = api;
  add(script);
  queue.forEach(args => api(...args));
})();

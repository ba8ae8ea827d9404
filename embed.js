// pos-intake loader: a badge that opens the form in a modal dialog. See examples/README.md.
// Served without its comment lines (intake_service/assets.py): write comments on lines of their own.
(() => {
  'use strict';
  const VERSION = '1.1.0';
  var T = /*i18n*/{"ru":{"badge":"Обратная связь · Госуслуги","title":"Обратная связь — Госуслуги","close":"Закрыть"},"en":{"badge":"Feedback · Gosuslugi","title":"Feedback — Gosuslugi","close":"Close"}}/*end*/;
  const w = window, doc = document, enc = encodeURIComponent, script = doc.currentScript;
  const isFn = f => typeof f == 'function';
  // Trust only our own function: an element with id or name "PosIntake" (<form id=PosIntake>)
  // is window.PosIntake too, with its inputs as properties. Ours: a function with _add and a
  // version string (run again: the first instance takes this script); the page's queue stub:
  // a function with an array q. Anything else is ignored and shadowed.
  let api = w.PosIntake;
  if (isFn(api) && isFn(api._add) && typeof api.v == 'string') return api._add(script);
  const queue = isFn(api) && Array.isArray(api.q) ? api.q : [];

  const SERVICE = new URL(script.src).origin;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`a{display:block;padding:12px 18px;border-radius:22px;color:#fff;font:600 15px/20px system-ui,sans-serif;
text-decoration:none;box-shadow:0 2px 12px #0006}
a:focus-visible{outline:3px solid #111;outline-offset:2px}
svg{display:none;width:28px;height:28px;fill:#fff}
dialog{flex-direction:column;width:min(480px,100% - 32px);height:min(720px,90%);max-width:none;
max-height:none;padding:0;border:0;border-radius:12px;overflow:hidden}
dialog[open]{display:flex}
::backdrop{background:#0008}
div{display:flex;align-items:center;padding-left:16px;border-bottom:1px solid #ddd;font:600 15px system-ui,sans-serif}
p{flex:1;margin:4px 0}
small{display:block;font-weight:400}
button{width:44px;height:44px;border:0;background:none;font:28px sans-serif}
iframe{flex:1;border:0}
@media (max-width:639.98px){dialog{width:100%;height:100%;border-radius:0}
.f{display:grid;place-items:center;width:56px;height:56px;padding:0;border-radius:50%}.f span{display:none}.f svg{display:block}
.t{width:44px;border-radius:28px 0 0 28px}.t.l{border-radius:0 28px 28px 0}}`);

  // The first script's settings, the floating badge, the dialogs' host element.
  let first, floating, layer;
  const dialogs = {}, targets = {}, on = {};

  // Page CSS reaches our host elements: inline !important beats it.
  const host = (name, css) => {
    const e = el(name);
    setCss(e, Object.assign({all: 'initial'}, css));
    e.attachShadow({mode: 'open'}).adoptedStyleSheets = [sheet];
    return e;
  };
  const setCss = (e, css) => { for (const k in css) e.style.setProperty(k, css[k], 'important'); };
  const el = (name, text) => Object.assign(doc.createElement(name), text ? {textContent: text} : {});
  const svg = (name, k, v) => (name = doc.createElementNS('http://www.w3.org/2000/svg', name), name.setAttribute(k, v), name);
  const attach = e => e.isConnected || (doc.body || doc.documentElement).append(e);
  const emit = (type, payload) => (on[type] || []).forEach(fn => setTimeout(() => fn(payload)));
  const form = o => `${SERVICE}/w/${enc(o.org)}/form?`;

  // A real link too (a middle click opens the full-page form). The floating badge (round) turns
  // into a round icon below 640 px, so that it covers little of the page; its accessible name
  // stays the text (aria-label). The icon is built node by node: no innerHTML. The badge says its
  // own language (an English badge on a Russian page is not read as Russian) and that it opens
  // a dialog; no aria-expanded: the dialog is modal, so while it is open the badge is inert.
  const badge = (o, css, round) => {
    const h = host('pos-intake-badge', css), a = Object.assign(el('a', o.t.badge), {
      href: form(o) + 'lang=' + o.lang,
      onclick: e => {
        if (e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        open(o, a);
      }
    });
    a.setAttribute('aria-label', o.t.badge);
    a.setAttribute('aria-haspopup', 'dialog');
    a.lang = o.lang;
    a.style.background = o.color;
    let top = a;
    if (round) {
      const i = svg('svg', 'viewBox', '0 0 24 24');
      i.append(svg('path', 'd', 'M3 4h18v12H10l-5 4v-4H3zm4 4v2h10V8zm0 4v2h6v-2z'));
      a.className = 'f';
      a.replaceChildren(el('span', o.t.badge), i);
      // Appended to <body>, the floating badge is in none of the page's landmarks: it is one of
      // its own, named in its language. Inline badges stand in the page's own.
      top = Object.assign(el('aside'), {lang: o.lang});
      top.setAttribute('aria-label', o.t.badge);
      top.append(a);
    }
    h.shadowRoot.append(top);
    return h;
  };

  // The floating badge, `off` px further from its edge (data-offset: above a site's fixed footer).
  // Below 640 px, near the page's end the round badge would sit on the page's last lines (often
  // the footer's phone number): it slides to a tab at the middle of its side, and back once the
  // citizen scrolls up. Only the host element moves (inline !important, CSSOM: CSP-friendly).
  const float = (o, p, off) => {
    const v = p[0] == 't' ? 'top' : 'bottom', s = p[1] == 'l' ? 'left' : 'right', edge = 16 + off + 'px';
    const h = badge(o, {position: 'fixed', 'z-index': 2147483647, display: 'block', [v]: edge, [s]: '16px'}, 1);
    const a = h.shadowRoot.querySelector('a'), mq = q => w.matchMedia(q);
    const phone = mq('(max-width:639.98px)'), still = mq('(prefers-reduced-motion:reduce)');
    let due;
    const place = () => {
      const e = doc.documentElement, tab = v == 'bottom' && phone.matches &&
        e.scrollHeight - w.innerHeight - w.scrollY < 72 + off;
      // No slide before it is on the page, nor for citizens who asked for less motion.
      setCss(h, {transition: still.matches || !h.isConnected ? 'none' : '.3s',
        [v]: tab ? 'calc(50% - 28px)' : edge, [s]: tab ? 0 : '16px'});
      a.classList.toggle('t', tab);
      due = 0;
    };
    const later = () => due || (due = requestAnimationFrame(place));
    if (s == 'left') a.classList.add('l');
    w.addEventListener('scroll', later, {passive: true});
    w.addEventListener('resize', later);
    new ResizeObserver(later).observe(doc.documentElement);
    place();
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
      } catch (x) {}
    } else if (d.mode == 'inline') {
      s.after(badge(o, {display: 'inline-block'}));
    } else {
      floating = floating || float(o, p, /^\d+$/.test(d.offset) ? Math.min(+d.offset, 400) : 0);
      floating.popover = 'manual';
      attach(floating);
      // No top layer in old browsers: the z-index has to do.
      try { floating.showPopover(); } catch (x) {}
    }
  };

  doc.addEventListener('click', e => {
    for (const sel in targets) {
      const t = e.target.closest && e.target.closest(sel);
      if (t) return e.preventDefault(), open(targets[sel], t);
    }
  }, true);

  // A new iframe, not a new src: no entry in the page's history. The page goes without its query
  // and fragment: they may hold personal data (/lk/profile?snils=…), which would end up in the
  // intake log and the agencies' documents. The service drops them too.
  const frame = d => {
    const o = d.o, f = Object.assign(el('iframe'), {
      title: o.t.title,
      allow: 'geolocation',
      referrerPolicy: 'no-referrer',
      sandbox: 'allow-scripts allow-forms allow-same-origin allow-popups allow-popups-to-escape-sandbox',
      src: form(o) + 'origin=' + enc(location.origin) + '&page=' +
        enc((location.origin + location.pathname).slice(0, 2000)) + '&lang=' + o.lang + '&v=' + VERSION
    });
    d.f ? d.f.replaceWith(f) : d.append(f);
    d.f = f;
    d.done = 0;
  };

  // The header strip: the service's name, and under it the organisation's name once its form
  // has said it (`ready`), set as text.
  const dialog = o => {
    const d = el('dialog'), name = el('p', o.t.badge), x = el('button', '×'), head = el('div');
    d.o = o;
    d.lang = o.lang;
    d.setAttribute('aria-label', o.t.title);
    name.append(d.n = el('small'));
    x.setAttribute('aria-label', o.t.close);
    x.onclick = () => d.close();
    head.append(name, x);
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
    // After `submitted`, a fresh form.
    if (!d.f || d.done) frame(d);
    d.by = by || doc.activeElement;
    d.showModal();
  };
  const close = () => Object.values(dialogs).forEach(d => d.close());

  // Only from our own iframes: the service's origin and that frame's window. The host page
  // hears the appeal's number only, never the tracking link: any script on the host page could
  // collect it, and the link shows the appeal's text and address. The citizen keeps the link on
  // the form's success screen.
  w.addEventListener('message', e => {
    const m = e.data, p = m && m.payload || {};
    if (e.origin !== SERVICE || !m || m.ns !== 'pos' || m.v !== 1) return;
    for (const d of Object.values(dialogs)) {
      if (e.source !== d.f.contentWindow) continue;
      if (m.type == 'close') d.close();
      if (m.type == 'ready') d.n.textContent = String(p.org || '').slice(0, 200), d.done = 0, emit('ready', {});
      if (m.type == 'submitted') d.done = 1, emit('submitted', {number: String(p.number)});
    }
  });

  // PosIntake('on', ...) = PosIntake.on(...); the stub's queue is replayed.
  api = (cmd, ...args) => /^(open|close|on)$/.test(cmd) && api[cmd](...args);
  api.open = () => open();
  api.close = close;
  api.on = (type, fn) => (on[type] = on[type] || []).push(fn);
  api.v = VERSION;
  // For a second run of the snippet (an SPA inserting it again).
  api._add = add;
  w.PosIntake = api;
  add(script);
  queue.forEach(args => api(...args));
})();

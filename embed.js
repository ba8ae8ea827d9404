// pos-intake loader: a badge that opens the form (and what is open for residents to take part in)
// in a modal dialog, or an inline block of what is open. See examples/README.md.
// Served without its comment lines (intake_service/assets.py): write comments on lines of their own.
(() => {
  'use strict';
  const VERSION = '1.1.0';
  var T = /*i18n*/{"ru":{"badge":"Обратная связь · Госуслуги","title":"Обратная связь — Госуслуги","close":"Закрыть","appeal":"Написать обращение","polls":"Опросы и обсуждения","open-one":"{n} опрос открыт","open-few":"{n} опроса открыто","open-many":"{n} опросов открыто","slogan":"Решаем вместе","banner":"Не горит фонарь, яма на дороге, не вывезли мусор?","banner-small":"Сообщите о проблеме — вам ответят и расскажут, что сделано.","report":"Сообщить о проблеме"},"en":{"badge":"Feedback · Gosuslugi","title":"Feedback — Gosuslugi","close":"Close","appeal":"Write an appeal","polls":"Polls and discussions","open-one":"{n} poll open","open-few":"{n} polls open","open-many":"{n} polls open","slogan":"Solving it together","banner":"A street lamp out, a pothole, rubbish not collected?","banner-small":"Report it: you will get an answer saying what was done.","report":"Report a problem"}}/*end*/;
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
b{display:inline-block;min-width:20px;margin-left:8px;padding:0 6px;border-radius:10px;box-sizing:border-box;
background:#fff;color:#111;font:700 13px/20px system-ui,sans-serif;text-align:center;box-shadow:0 0 0 1px #0006}
[role=tab]{width:auto;padding:0 12px;color:#444;font:600 15px system-ui,sans-serif;border-bottom:3px solid #0000}
[aria-selected=true]{color:#111;border-color:#0d4cd3}
section{flex:1;display:flex;min-height:0}
[hidden]{display:none!important}
@media (max-width:639.98px){dialog{width:100%;height:100%;border-radius:0}
.f{display:grid;place-items:center;position:relative;width:56px;height:56px;padding:0;border-radius:50%}.f span{display:none}.f svg{display:block}
.f b{position:absolute;top:-4px;right:-4px;margin:0}.t b{right:2px}
.t{width:44px;border-radius:28px 0 0 28px}.t.l{border-radius:0 28px 28px 0}}`);

  // The first script's settings, the floating badge, the dialogs' host element.
  let first, floating, layer;
  const dialogs = {}, targets = {}, on = {};
  // What is open per organisation (polls.json), the badges to mark with it, the inline blocks.
  const counts = {}, marks = [], blocks = [];

  // data-mode="banner": laid out by its own width (a container query), not the window's, so a
  // banner in a narrow column stacks as it does on a phone.
  const wide = new CSSStyleSheet();
  wide.replaceSync(`section{display:grid;grid-template-columns:minmax(200px,30%) 1fr;max-width:1200px;margin:16px 0;
border-radius:12px;overflow:hidden;background:#eef3fc;color:#111;font:16px/1.4 system-ui,sans-serif;text-align:left}
.s{display:flex;flex-direction:column;justify-content:center;gap:6px;padding:20px 24px;color:#fff}
.s p{margin:0;font-size:14px;font-weight:600}
.s strong{font-size:26px;line-height:1.15}
.m{display:flex;flex-wrap:wrap;align-items:center;gap:12px 24px;padding:20px 24px}
.m div{flex:1 1 260px}
.t{margin:0;font-size:20px;font-weight:700;line-height:1.3}
.x{margin:4px 0 0;color:#333}
button{min-height:44px;padding:10px 22px;border:0;border-radius:8px;color:#fff;font:600 16px system-ui,sans-serif;cursor:pointer}
button:focus-visible{outline:3px solid #111;outline-offset:2px}
@container (max-width:599.98px){section{grid-template-columns:1fr}.s{padding:14px 16px}.s strong{font-size:20px}
.m{padding:16px}button{width:100%}}`);

  // Page CSS reaches our host elements: inline !important beats it.
  const host = (name, css, style) => {
    const e = el(name);
    setCss(e, Object.assign({all: 'initial'}, css));
    e.attachShadow({mode: 'open'}).adoptedStyleSheets = [style || sheet];
    return e;
  };
  const setCss = (e, css) => { for (const k in css) e.style.setProperty(k, css[k], 'important'); };
  const el = (name, text) => Object.assign(doc.createElement(name), text ? {textContent: text} : {});
  const svg = (name, k, v) => (name = doc.createElementNS('http://www.w3.org/2000/svg', name), name.setAttribute(k, v), name);
  const attach = e => e.isConnected || (doc.body || doc.documentElement).append(e);
  const emit = (type, payload) => (on[type] || []).forEach(fn => setTimeout(() => fn(payload)));
  const form = o => `${SERVICE}/${o.path}/form?`;
  const polls = o => `${SERVICE}/${o.path}/polls?`;
  const ours = o => 'origin=' + enc(location.origin) + '&lang=' + o.lang + '&v=' + VERSION;
  // Our frames: the form needs scripts, forms and its own origin's storage; documents open in
  // new tabs.
  const iframe = (title, src) => Object.assign(el('iframe'), {
    title, src, allow: 'geolocation', referrerPolicy: 'no-referrer',
    sandbox: 'allow-scripts allow-forms allow-same-origin allow-popups allow-popups-to-escape-sandbox'
  });

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
    marks.push([o, a]);
    mark(o, a);
    return h;
  };

  // Something open: a small count on the badge (hidden from screen readers), said in its name
  // («… Госуслуги: 2 опроса открыто», the language's plural form).
  const mark = (o, a) => {
    const n = counts[o.org];
    if (!(n > 0) || a.querySelector('b')) return;
    const b = el('b', n > 99 ? '99+' : String(n));
    b.setAttribute('aria-hidden', 'true');
    a.append(b);
    a.setAttribute('aria-label', o.t.badge + ': ' +
      (o.t['open-' + new Intl.PluralRules(o.lang).select(n)] || o.t['open-many']).replace('{n}', n));
  };

  // The count: one request per organisation, after the page's load and when the browser is
  // idle, without cookies; nothing but the slug is sent (decision 0112). data-polls="off": none.
  const count = o => {
    if (o.polls == 'off' || o.org in counts) return;
    counts[o.org] = 0;
    const ask = () => fetch(`${SERVICE}/${o.path}/polls.json`, {credentials: 'omit'})
      .then(r => r.ok && r.json()).then(j => {
        counts[o.org] = Math.max(0, j && +j.open || 0);
        marks.forEach(([p, a]) => p.org == o.org && mark(p, a));
      }, () => {});
    const idle = () => (w.requestIdleCallback || setTimeout)(ask, {timeout: 5000});
    doc.readyState == 'complete' ? idle() : w.addEventListener('load', idle, {once: true});
  };

  // A block of the page where the script is, or in data-target.
  const put = (h, s, d) => {
    let t;
    try { t = d.target && doc.querySelector(d.target); } catch (x) {}
    t ? t.append(h) : s.after(h);
  };

  // The banner: the service's name and slogan on the organisation's colour, a line (data-text
  // replaces it, set as text), a smaller one and a button that opens the dialog.
  const banner = (o, s, d) => {
    const h = host('pos-intake-banner', {display: 'block', 'container-type': 'inline-size'}, wide);
    const box = el('section'), side = el('div'), main = el('div'), words = el('div');
    const go = el('button', o.t.report);
    box.lang = o.lang;
    box.setAttribute('aria-label', o.t.badge);
    side.className = 's';
    side.style.background = go.style.background = o.color;
    side.append(el('p', o.t.badge), el('strong', o.t.slogan));
    main.className = 'm';
    words.append(Object.assign(el('p', String(d.text || o.t.banner).slice(0, 200)), {className: 't'}),
      Object.assign(el('p', o.t['banner-small']), {className: 'x'}));
    go.type = 'button';
    go.setAttribute('aria-haspopup', 'dialog');
    go.onclick = () => open(o, go);
    main.append(words, go);
    box.append(side, main);
    h.shadowRoot.append(box);
    put(h, s, d);
  };

  // data-mode="participation": what is open, as a block of the page where the script is (or in
  // data-target). The framed list posts its height (to the origin it verified); until it does,
  // 200 px that scroll. Starting low, a list measured by its scrollHeight (never less than its
  // frame) still fits its content.
  const block = (o, s, d) => {
    const h = host('pos-intake-polls', {display: 'block'}), f = iframe(o.t.polls, polls(o) + 'mode=inline&' + ours(o));
    setCss(f, {display: 'block', width: '100%', height: '200px'});
    h.shadowRoot.append(f);
    blocks.push(f);
    put(h, s, d);
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

  // What a snippet asks for: `org` keys the counts and the dialogs, `path` is where its pages are.
  const who = (d, org, path) => {
    const lang = d.lang == 'en' ? 'en' : 'ru';
    const color = /^#([\da-f]{3}){1,2}$/i.test(d.color) ? d.color : '#0d4cd3';
    return {org, path, lang, t: T[lang], color, polls: d.polls};
  };

  // One snippet: the floating badge, an inline badge after the script, a banner, or the host's
  // button.
  const add = s => {
    const d = s.dataset, p = /^[bt][lr]$/.test(d.position) ? d.position : 'br';
    if (!d.org) return;
    const o = who(d, d.org, 'w/' + enc(d.org));
    if (d.mode == 'participation') return block(o, s, d);
    first = first || o;
    count(o);
    if (d.mode == 'banner') return banner(o, s, d);
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
      if (!t) continue;
      e.preventDefault();
      // The ПОС banner's click goes no further: its old script, if still on the page, would open
      // a second window. Focus comes back to the banner's button.
      if (sel == WRAP) e.stopPropagation();
      return open(targets[sel], sel == WRAP && t.querySelector('button,a') || t);
    }
  }, true);
  // The old script opened its window on touchend as well.
  doc.addEventListener('touchend', e => targets[WRAP] && e.target.closest && e.target.closest(WRAP) &&
    e.stopPropagation(), true);

  // The ПОС banner (decision 0115). Sites that carry it call Widget("https://pos.gosuslugi.ru/form",
  // 224510) after the ПОС script; with our loader in that script's place (or after it), the call
  // binds the banner — the whole #js-show-iframe-wrapper block, as the old script did — to our
  // dialog for the organisation with that ПОС id (`org set --pos-id`). The banner's markup and
  // look stay the site's own. The id goes in the path (/w/pos/224510/…) and the service maps
  // it; an unknown one gets the notice with the service's contacts. A string or a number, the
  // same id twice: one binding, one dialog; anything else is ignored, without an error.
  const WRAP = '#js-show-iframe-wrapper';
  const pos = id => {
    id = String(id == null ? '' : id).trim();
    if (!/^\d{1,12}$/.test(id)) return;
    const o = targets[WRAP] = who(script.dataset, '#' + id, 'w/pos/' + id);
    first = first || o;
    count(o);
    doc.querySelectorAll(WRAP + ' button').forEach(b => b.setAttribute('aria-haspopup', 'dialog'));
  };
  // A call made before we ran (the ПОС script still on the page, ours loaded after it, async)
  // is read from the page's inline scripts: only the few hundred characters after the last
  // `Widget(` of each, so the pattern never reads a long text.
  const scan = () => doc.querySelector(WRAP) && doc.querySelectorAll('script:not([src])').forEach(s => {
    const x = s.text, i = x.lastIndexOf('Widget(');
    const m = i < 0 ? 0 : /^Widget\(\s*(["'])[^"'\n]{0,300}\1\s*,\s*["']?(\d{1,12})["']?\s*[,)]/.exec(x.slice(i, i + 400));
    if (m && !targets[WRAP]) pos(m[2]);
  });
  // Ours unless the page has a Widget of its own that is not the ПОС one.
  if (!isFn(w.Widget) || doc.querySelector('script[src*="pos.gosuslugi.ru/"]')) w.Widget = (url, id) => pos(id);
  doc.readyState == 'loading' ? doc.addEventListener('DOMContentLoaded', scan) : scan();

  // A new iframe, not a new src: no entry in the page's history. The page goes without its query
  // and fragment: they may hold personal data (/lk/profile?snils=…), which would end up in the
  // intake log and the agencies' documents. The service drops them too.
  const frame = d => {
    const o = d.o, f = iframe(o.t.title, form(o) + 'page=' +
      enc((location.origin + location.pathname).slice(0, 2000)) + '&' + ours(o));
    d.f ? d.f.replaceWith(f) : d.p[0].append(f);
    d.f = f;
    d.done = 0;
  };

  // The tabs «Написать обращение» | «Опросы и обсуждения» (WAI-ARIA tabs: arrow keys, Home and
  // End move between them, Tab leaves them). The list's frame is made when first shown.
  const pick = (d, i) => {
    d.i = i;
    d.k.forEach((k, j) => {
      k.setAttribute('aria-selected', i == j);
      k.tabIndex = i == j ? 0 : -1;
      d.p[j].hidden = i != j;
    });
    if (i && !d.g) d.p[1].append(d.g = iframe(d.o.t.polls, polls(d.o) + ours(d.o)));
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
    const list = d.l = el('div');
    list.setAttribute('role', 'tablist');
    d.p = [];
    d.k = [o.t.appeal, o.t.polls].map((text, i) => {
      const k = el('button', text);
      k.setAttribute('role', 'tab');
      k.onclick = () => pick(d, i);
      (d.p[i] = el('section')).setAttribute('aria-label', text);
      return k;
    });
    list.onkeydown = e => {
      const k = e.key, i = k == 'Home' ? 0 : k == 'End' ? 1 : 1 - d.i;
      if (!/^(Arrow(Left|Right)|Home|End)$/.test(k)) return;
      e.preventDefault();
      pick(d, i);
      d.k[i].focus();
    };
    list.append(...d.k);
    d.append(head, list, ...d.p);
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
    // The tabs when something is open for the organisation (or data-polls="on"); the panels are
    // named tab panels only then (a named section alone would be a landmark).
    const tabs = o.polls == 'on' || o.polls != 'off' && counts[o.org] > 0;
    d.l.hidden = !tabs;
    d.p.forEach((p, i) => ['role', 'aria-label'].forEach((a, j) =>
      tabs ? p.setAttribute(a, j ? d.k[i].textContent : 'tabpanel') : p.removeAttribute(a)));
    pick(d, tabs ? d.i || 0 : 0);
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
    for (const f of blocks) {
      if (m.type == 'participation-height' && e.source === f.contentWindow) setCss(f, {height: Math.min(Math.max(+p.height || 0, 80), 4000) + 'px'});
    }
    for (const d of Object.values(dialogs)) {
      if (m.type == 'close' && d.g && e.source === d.g.contentWindow) d.close();
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

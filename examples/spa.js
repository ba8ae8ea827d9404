// A tiny single-page app: history.pushState navigation that re-renders <main> and, as many SPAs
// do, removes and re-inserts the feedback snippet on every page. The service URL and the
// organisation come from this script's own data-* attributes (filled in by the example server).
(function () {
  'use strict';
  var own = document.currentScript.dataset;
  var app = document.getElementById('app');

  var pages = {
    home: {
      title: 'Главная',
      text: ['Официальный сайт администрации городского округа Мантурово Костромской области.',
        'Приём граждан главой округа — по вторникам с 14:00 до 17:00, запись по телефону приёмной.']
    },
    news: {
      title: 'Новости',
      text: ['12 марта. На улице Матросова завершён ремонт тротуара у школы № 2.',
        '10 марта. Открыт приём заявок на участие в программе «Формирование комфортной городской среды».']
    },
    contacts: {
      title: 'Контакты',
      text: ['157300, Костромская область, г. Мантурово, ул. Советская, д. 5.',
        'Приёмная: +7 (49446) 2-00-00, e-mail: adm@manturovo.example.ru.']
    }
  };

  function route() {
    var p = new URLSearchParams(location.search).get('p');
    return pages[p] ? p : 'home';
  }

  // The snippet, exactly as a webmaster would paste it, re-inserted as the app re-renders.
  function snippet() {
    var old = document.getElementById('pos-snippet');
    if (old) old.remove();
    var s = document.createElement('script');
    s.id = 'pos-snippet';
    s.async = true;
    s.src = own.service + '/embed.js';
    s.dataset.org = own.org;
    document.body.appendChild(s);
  }

  function render(focus) {
    var key = route(), page = pages[key];
    var h1 = document.createElement('h1');
    h1.tabIndex = -1;
    h1.textContent = page.title;
    app.replaceChildren(h1);
    page.text.forEach(function (text) {
      var p = document.createElement('p');
      p.textContent = text;
      app.appendChild(p);
    });
    document.title = page.title + ' — Администрация городского округа Мантурово';
    document.querySelectorAll('[data-route]').forEach(function (a) {
      if (a.dataset.route === key) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    if (focus) h1.focus();
    snippet();
  }

  document.addEventListener('click', function (event) {
    var a = event.target.closest && event.target.closest('a[data-route]');
    if (!a || event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    var url = new URL(location.href);
    url.searchParams.set('p', a.dataset.route);
    history.pushState(null, '', url);
    render(true);
  });
  window.addEventListener('popstate', function () { render(true); });
  render(false);
})();

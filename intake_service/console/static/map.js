// The leaders' map. Fetches map.json, draws each district's GeoJSON in the board's heat
// colours and the appeals as points by severity, clustered on a pixel grid at each zoom; a
// click on a point opens the appeal, on a cluster zooms in. Text from the server only ever
// becomes textContent (tooltips get DOM nodes, never HTML strings). Refreshes when the
// board's stream says "changed", and every 30 s as a back-up.
'use strict';
(function () {
  var root = document.getElementById('map-root');
  if (!root || !window.fetch || !window.L) { return; }
  // A district's fill is the legend's own swatch colour (board.css), read once, so the map,
  // the board and the legend can never show a step in two colours.
  var HEAT = [0, 1, 2, 3, 4, 5].map(function (level) {
    var swatch = document.querySelector('.legend .swatch.heat-' + level);
    return swatch ? window.getComputedStyle(swatch).backgroundColor : '#888';
  });
  var SEVERITY = { critical: '#7a0b14', high: '#c2410c', medium: '#d69e00', low: '#2e7d32', none: '#6b7480' };
  var RANK = { critical: 4, high: 3, medium: 2, low: 1, none: 0 };
  var GRID = 44; // px: points closer than this at the current zoom share a cluster
  var wall = root.getAttribute('data-wall') === '1';
  var status = document.getElementById('map-status');
  var map = L.map('map', { zoomControl: !wall, zoomSnap: 0.5, attributionControl: false, keyboard: true });
  var tiles = root.getAttribute('data-tiles');
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
  var districtLayer = L.layerGroup().addTo(map);
  var pointLayer = L.layerGroup().addTo(map);
  var points = [];
  var fitted = false;
  var busy = false;
  var again = false; // a change told while a read was under way: read once more after it

  function textNode(text) { var span = document.createElement('span'); span.textContent = text; return span; }

  function drawDistricts(data) {
    districtLayer.clearLayers();
    var rows = document.getElementById('map-district-rows');
    while (rows.firstChild) { rows.removeChild(rows.firstChild); }
    var layers = data.districts.map(function (d) {
      var layer = L.geoJSON(d.geometry, {
        style: { color: wall ? '#cfe3ff' : '#1f2933', weight: 2, fillColor: HEAT[d.heat] || HEAT[0], fillOpacity: wall ? 0.9 : 0.75 }
      });
      layer.bindTooltip(textNode(d.label), { sticky: true });
      return layer;
    });
    // the view first: Leaflet draws a layer (and so gives it an element) once the map has one
    if (!fitted) {
      var bounds = null;
      layers.forEach(function (layer) { bounds = bounds ? bounds.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast()); });
      if (bounds) { map.fitBounds(bounds, { padding: [12, 12] }); fitted = true; }
      else if (data.points.length) { map.fitBounds(data.points.map(function (p) { return [p.lat, p.lon]; }), { maxZoom: 13 }); fitted = true; }
      else { map.setView([55.75, 37.62], 4); }
    }
    data.districts.forEach(function (d, i) {
      layers[i].addTo(districtLayer);
      layers[i].eachLayer(function (path) {
        var el = path.getElement && path.getElement();
        if (el) { el.setAttribute('data-org', d.org); el.setAttribute('data-heat', String(d.heat)); }
      });
      var tr = document.createElement('tr');
      tr.setAttribute('data-org', d.org);
      var name = document.createElement('th'); name.scope = 'row'; name.textContent = d.name;
      var score = document.createElement('td'); score.className = 'score heat-' + Number(d.heat); score.textContent = String(d.score);
      var count = document.createElement('td'); count.textContent = String(d.appeals);
      tr.appendChild(name); tr.appendChild(score); tr.appendChild(count);
      rows.appendChild(tr);
    });
    document.getElementById('map-empty').hidden = data.districts.length > 0;
  }

  function drawPoints() {
    pointLayer.clearLayers();
    var cells = {};
    points.forEach(function (p) {
      var at = map.latLngToLayerPoint([p.lat, p.lon]);
      var key = Math.floor(at.x / GRID) + ':' + Math.floor(at.y / GRID);
      (cells[key] = cells[key] || []).push(p);
    });
    Object.keys(cells).forEach(function (key) {
      var group = cells[key];
      var worst = group.reduce(function (a, b) { return RANK[b.severity] > RANK[a.severity] ? b : a; });
      if (group.length === 1) {
        var marker = L.circleMarker([worst.lat, worst.lon], {
          radius: wall ? 10 : 7, color: '#fff', weight: 2, fillColor: SEVERITY[worst.severity] || SEVERITY.none, fillOpacity: 1
        });
        marker.bindTooltip(textNode(worst.label));
        marker.on('click', function () { window.location.href = worst.url; });
        marker.addTo(pointLayer);
        var el = marker.getElement();
        if (el) { el.setAttribute('data-number', worst.number); el.setAttribute('data-severity', worst.severity); }
        return;
      }
      var lat = 0; var lon = 0;
      group.forEach(function (p) { lat += p.lat; lon += p.lon; });
      var size = group.length < 10 ? 30 : group.length < 100 ? 36 : 44;
      var icon = document.createElement('div');
      icon.className = 'map-cluster sev-' + worst.severity;
      icon.style.width = size + 'px'; icon.style.height = size + 'px';
      icon.textContent = String(group.length);
      var cluster = L.marker([lat / group.length, lon / group.length], {
        icon: L.divIcon({ html: icon, className: '', iconSize: [size, size] }),
        title: root.getAttribute('data-cluster').replace('{count}', String(group.length)),
        alt: ''
      });
      var spread = L.latLngBounds(group.map(function (p) { return [p.lat, p.lon]; }));
      if (spread.getNorthEast().equals(spread.getSouthWest(), 1e-5) || map.getZoom() >= map.getMaxZoom() - 1) {
        // one spot (the same address): a list of the appeals there, each a link
        var list = document.createElement('ul');
        list.className = 'map-list';
        group.slice(0, 20).forEach(function (p) {
          var item = document.createElement('li');
          var link = document.createElement('a');
          link.href = p.url; link.textContent = p.label;
          item.appendChild(link); list.appendChild(item);
        });
        cluster.bindPopup(list);
      } else {
        cluster.on('click', function () { map.fitBounds(spread, { padding: [40, 40], maxZoom: map.getZoom() + 3 }); });
      }
      cluster.addTo(pointLayer);
    });
    root.setAttribute('data-points', String(points.length));
    root.setAttribute('data-zoom', String(map.getZoom()));
  }

  // The points as a list of links too: a marker on the map is reached by mouse only, the
  // newest appeals here by keyboard and screen reader as well.
  var LISTED = 15;
  function listPoints(data) {
    var list = document.getElementById('map-point-list');
    var note = document.getElementById('map-points-note');
    if (!list || !note) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var names = {};
    data.districts.forEach(function (d) { names[d.org] = d.name; });
    data.points.slice(0, LISTED).forEach(function (p) {
      var item = document.createElement('li');
      var dot = document.createElement('span');
      dot.className = 'dot sev-' + (SEVERITY[p.severity] ? p.severity : 'none');
      dot.setAttribute('aria-hidden', 'true');
      var link = document.createElement('a');
      link.href = p.url;
      link.textContent = p.label + (p.district && names[p.district] ? ' — ' + names[p.district] : '');
      item.appendChild(dot); item.appendChild(link);
      list.appendChild(item);
    });
    if (!data.points.length) { note.textContent = note.getAttribute('data-none'); }
    else if (data.points.length > LISTED) {
      note.textContent = note.getAttribute('data-more').replace('{shown}', String(LISTED)).replace('{count}', String(data.points.length));
    } else { note.textContent = ''; }
  }

  // what a point says and where it leads, from the templates sent once with the data
  function dress(data) {
    data.points.forEach(function (p) {
      var label = data.point_labels[p.severity] || data.point_labels.none;
      p.label = label.split('{number}').join(p.number);
      p.url = data.appeal_url.split('{id}').join(encodeURIComponent(p.id));
    });
  }

  function render(data) {
    dress(data);
    points = data.points;
    drawDistricts(data);
    drawPoints();
    listPoints(data);
    document.getElementById('map-capped').hidden = !data.capped;
    var updated = document.getElementById('map-updated');
    updated.setAttribute('datetime', data.generated_at);
    updated.textContent = data.generated_text;
    root.setAttribute('data-state', 'ready');
  }

  function lost(yes) {
    status.textContent = yes ? root.getAttribute('data-lost') : '';
    status.className = yes ? 'board-status lost' : 'board-status';
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(root.getAttribute('data-json'), { credentials: 'same-origin', headers: { Accept: 'application/json' }, cache: 'no-store' })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); throw new Error('signed out'); }
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      })
      .then(function (data) { lost(false); render(data); })
      .catch(function () { lost(true); })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  map.on('zoomend', drawPoints);
  refresh();
  if (window.EventSource) {
    var source = new EventSource(root.getAttribute('data-live'));
    source.addEventListener('changed', refresh);
    source.addEventListener('open', function () { root.setAttribute('data-live-state', 'on'); refresh(); });
    source.addEventListener('error', function () { root.setAttribute('data-live-state', 'off'); });
  }
  window.setInterval(refresh, 30000);
}());

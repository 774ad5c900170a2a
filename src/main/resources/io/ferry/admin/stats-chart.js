// Ferry's live chart of connections by state: one chart per frontend and backend, over the last
// minutes, redrawn every second from the stats page's history (URI;states). An element with
// data-ferry-chart="URI" (the stats uri) receives the charts. No library, no external asset.
(function () {
  'use strict';

  const COLORS = {
    'established': '#2da44e',
    'queued': '#8250df',
    'tunnel': '#0969da',
    'half-closed-client': '#bf8700',
    'half-closed-server': '#cf222e'
  };
  const LABELS = {
    'established': 'established',
    'queued': 'queued',
    'tunnel': 'tunnels',
    'half-closed-client': 'half-closed towards the client',
    'half-closed-server': 'half-closed towards the server'
  };
  const W = 600;
  const H = 150;
  const SVG = 'http://www.w3.org/2000/svg';

  function el(name, attrs, ns) {
    const e = ns ? document.createElementNS(SVG, name) : document.createElement(name);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  }

  function figureFor(container, proxy, states) {
    const key = proxy.type + '/' + proxy.name;
    let fig = container.querySelector('figure[data-proxy="' + CSS.escape(key) + '"]');
    if (fig) return fig;
    fig = el('figure', { 'class': 'ferry-chart', 'data-proxy': key });
    const cap = el('figcaption');
    cap.textContent = proxy.type + ' ' + proxy.name;
    fig.appendChild(cap);
    const svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img' }, true);
    svg.appendChild(el('line', { x1: 0, y1: H - 0.5, x2: W, y2: H - 0.5, 'class': 'axis' }, true));
    const top = el('text', { x: 2, y: 10, 'class': 'scale' }, true);
    svg.appendChild(top);
    states.forEach(function (s) {
      svg.appendChild(el('polyline', { 'data-state': s, fill: 'none', stroke: COLORS[s] || '#57606a',
        'stroke-width': 2, points: '' }, true));
    });
    fig.appendChild(svg);
    const legend = el('ul', { 'class': 'legend' });
    states.forEach(function (s) {
      const li = el('li', { 'data-state': s });
      const swatch = el('span', { 'class': 'swatch' });
      swatch.style.background = COLORS[s] || '#57606a';
      li.appendChild(swatch);
      li.appendChild(document.createTextNode((LABELS[s] || s) + ': '));
      li.appendChild(el('b'));
      legend.appendChild(li);
    });
    fig.appendChild(legend);
    container.appendChild(fig);
    return fig;
  }

  function draw(container, data) {
    const states = data.states;
    const span = data.interval * 300;
    data.proxies.forEach(function (proxy) {
      const fig = figureFor(container, proxy, states);
      const samples = proxy.samples;
      if (samples.length === 0) return;
      const newest = samples[samples.length - 1][0];
      let max = 1;
      samples.forEach(function (row) {
        for (let i = 1; i < row.length; i++) max = Math.max(max, row[i]);
      });
      fig.querySelector('text.scale').textContent = String(max);
      states.forEach(function (s, i) {
        const points = samples.map(function (row) {
          const x = W - (newest - row[0]) / span * W;
          const y = H - 1 - row[i + 1] / max * (H - 14);
          return x.toFixed(1) + ',' + y.toFixed(1);
        });
        fig.querySelector('polyline[data-state="' + s + '"]').setAttribute('points', points.join(' '));
        const now = samples[samples.length - 1][i + 1];
        fig.querySelector('li[data-state="' + s + '"] b').textContent = String(now);
        fig.setAttribute('data-' + s, String(now));
      });
      fig.setAttribute('data-samples', String(samples.length));
    });
  }

  function start(container) {
    const source = container.getAttribute('data-ferry-chart') + ';states';
    let note = null;
    let interval = 1000;
    function say(text) {
      if (!note) {
        note = el('p', { 'class': 'ferry-chart-note' });
        container.appendChild(note);
      }
      note.textContent = text;
    }
    function poll() {
      fetch(source, { cache: 'no-store' })
        .then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.json();
        })
        .then(function (data) {
          interval = data.interval || interval;
          if (note) { note.remove(); note = null; }
          container.setAttribute('data-ferry-chart-state', 'live');
          draw(container, data);
        })
        .catch(function (e) {
          container.setAttribute('data-ferry-chart-state', 'unavailable');
          say('Ferry\u2019s chart is unavailable here (' + e.message + '): it is served by Ferry with the stats page.');
        })
        .finally(function () { setTimeout(poll, interval); });
    }
    poll();
  }

  function startAll() {
    document.querySelectorAll('[data-ferry-chart]').forEach(start);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', startAll);
  else startAll();
})();

import { escapeXml } from '../report/svg.js';
import { percent } from '../text/format.js';
import { LAB_HEADLINE, LAB_METRICS, type LabData } from './lab.js';

/**
 * The lab page: one self-contained HTML file (inline CSS, one inline script, the runs'
 * figures as inline JSON; nothing fetched, so it works from file:// and offline). A toggle
 * per layer and an error-rate slider pick one precomputed run; the page shows its figures,
 * the ladder at that error rate, and what each layer changes there. Every number shown was
 * formatted by the CLI's own formatters when the page was written.
 */

const STYLE = `
body{margin:0;background:#f6f6f7;color:#222;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif}
main{max-width:1040px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 6px}
h2{font-size:17px;margin:24px 0 8px}
.meta{color:#555;margin:0 0 4px}
.panel{background:#fff;border:1px solid #e1e1e4;border-radius:6px;padding:14px 16px;margin:14px 0}
.controls{display:flex;flex-wrap:wrap;gap:8px 18px;align-items:center}
.controls label{display:inline-flex;gap:6px;align-items:center;cursor:pointer}
.rate{display:flex;gap:12px;align-items:center;margin-top:10px}
.rate input{width:320px}
.figures{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}
.figure{background:#fff;border:1px solid #e1e1e4;border-radius:6px;padding:12px 16px}
.figure .label{color:#555;font-size:13px}
.figure .value{font-size:28px;font-weight:600;font-variant-numeric:tabular-nums}
.small{display:flex;gap:24px;color:#444;margin-top:8px;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:13px;width:100%}
th,td{padding:4px 10px;border-bottom:1px solid #eceef0;text-align:right;vertical-align:top}
th{font-weight:600;background:#fafafb}
th:first-child,td:first-child{text-align:left}
tr.current td{background:#eef5ff}
.better{color:#1e7d45}
.worse{color:#c0392b}
.same{color:#888}
.layer{margin:6px 0 12px}
.layer b{font-weight:600}
.settings{color:#666;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
footer{color:#888;font-size:12px;margin:28px 0 8px}
`;

/** The page's behaviour: pick the cell the controls name and write its precomputed text into place. */
const SCRIPT = `
(function () {
  var D = JSON.parse(document.getElementById('lab-data').textContent);
  var R = D.errorRates.length;
  var slider = document.getElementById('error-rate');
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
  function mask() {
    var m = 0;
    D.layers.forEach(function (layer, i) { if (document.getElementById('layer-' + layer).checked) m |= 1 << i; });
    return m;
  }
  function cell(m, r) { return D.cells[m * R + r]; }
  function render() {
    var m = mask(), r = Number(slider.value), c = cell(m, r);
    document.getElementById('error-rate-value').textContent = D.rateText[r];
    document.body.setAttribute('data-mask', String(m));
    document.body.setAttribute('data-rate-index', String(r));
    Object.keys(c.text).forEach(function (key) { var e = document.getElementById('metric-' + key); if (e) e.textContent = c.text[key]; });
    document.getElementById('layers-on').textContent = D.layers.filter(function (l, i) { return m & (1 << i); }).join(' + ') || 'none';
    var body = document.getElementById('ladder-body');
    body.textContent = '';
    var steps = [0];
    D.layers.forEach(function (l, i) { steps.push(steps[steps.length - 1] | (1 << i)); });
    steps.forEach(function (s, i) {
      var row = el('tr'), lc = cell(s, r);
      if (s === m) row.className = 'current';
      row.appendChild(el('td', i === 0 ? 'none' : '+' + D.layers[i - 1]));
      D.headline.forEach(function (key) { row.appendChild(el('td', lc.text[key])); });
      body.appendChild(row);
    });
    var effects = document.getElementById('effects');
    effects.textContent = '';
    D.layers.forEach(function (layer, i) {
      var on = (m & (1 << i)) !== 0;
      var withIt = on ? c : cell(m | (1 << i), r);
      var div = el('div', undefined, 'layer');
      div.setAttribute('data-effect', layer);
      div.appendChild(el('b', layer));
      div.appendChild(document.createTextNode(on ? ' (on): with it, compared with it off: ' : ' (off): switching it on would change '));
      D.headline.forEach(function (key, k) {
        var effect = withIt.effects[layer][key];
        if (k > 0) div.appendChild(document.createTextNode(', '));
        div.appendChild(document.createTextNode(D.labels[key] + ' '));
        var span = el('span', effect.text, effect.tone);
        span.setAttribute('data-metric', key);
        div.appendChild(span);
      });
      div.appendChild(el('div', D.notes[layer].purpose));
      div.appendChild(el('div', D.notes[layer].settings, 'settings'));
      effects.appendChild(div);
    });
  }
  D.layers.forEach(function (layer) { document.getElementById('layer-' + layer).addEventListener('change', render); });
  slider.addEventListener('input', render);
  render();
})();
`;

/** JSON for an inline script: nothing in it can close the script element or open a comment. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The error rate as the slider's label shows it (`4%`, `0.5%`). */
export function rateText(rate: number): string {
  return `${Number((rate * 100).toPrecision(6))}%`;
}

/** Renders the page for `data`. Deterministic: the same runs give the same bytes. */
export function renderLabPage(data: LabData): string {
  const start = data.cells[data.layers.reduce((m, l, i) => (data.enabled.includes(l) ? m | (1 << i) : m), 0) * data.errorRates.length + data.startRate]!;
  const figure = (key: string, big: boolean) =>
    big
      ? `<div class="figure"><div class="label">${escapeXml(data.labels[key as keyof typeof data.labels])}</div><div class="value" id="metric-${key}">${escapeXml(start.text[key as keyof typeof start.text])}</div></div>`
      : `<span>${escapeXml(data.labels[key as keyof typeof data.labels])}: <b id="metric-${key}">${escapeXml(start.text[key as keyof typeof start.text])}</b></span>`;
  const toggles = data.layers
    .map((layer) => `<label><input type="checkbox" id="layer-${layer}" data-layer="${layer}"${data.enabled.includes(layer) ? ' checked' : ''}> ${layer}</label>`)
    .join('');
  const payload = { ...data, headline: LAB_HEADLINE, rateText: data.errorRates.map(rateText) };
  const runs = data.cells.length;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(`Lab: ${data.scenario}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeXml(`Lab: ${data.scenario}`)}</h1>`,
    `<p class="meta">Every figure below is one real run of harness-sim: ${runs} runs (${2 ** data.layers.length} layer combinations x ${data.errorRates.length} error rates), seed ${data.seed} for all (common random numbers, so a difference is the configuration's), ${data.requests.toLocaleString('en-US')} requests each. The error rate is set on every model (${escapeXml(data.models.join(', '))}).</p>`,
    '<div class="panel">',
    `<div class="controls">Layers: ${toggles}</div>`,
    `<div class="rate"><label for="error-rate">Upstream error rate</label><input type="range" id="error-rate" min="0" max="${data.errorRates.length - 1}" step="1" value="${data.startRate}"><b id="error-rate-value">${rateText(data.errorRates[data.startRate]!)}</b></div>`,
    `<p class="meta">On: <b id="layers-on">${escapeXml(data.layers.filter((l) => data.enabled.includes(l)).join(' + ') || 'none')}</b></p>`,
    '</div>',
    `<div class="figures">${LAB_HEADLINE.map((k) => figure(k, true)).join('')}</div>`,
    `<div class="small">${LAB_METRICS.filter((k) => !LAB_HEADLINE.includes(k)).map((k) => figure(k, false)).join('')}</div>`,
    '<h2>What each layer changes here</h2>',
    '<div class="panel" id="effects"></div>',
    '<h2>The ladder at this error rate</h2>',
    `<div class="panel"><table><thead><tr><th>layers</th>${LAB_HEADLINE.map((k) => `<th>${escapeXml(data.labels[k])}</th>`).join('')}</tr></thead><tbody id="ladder-body"></tbody></table></div>`,
    `<footer>Generated by harness-sim lab. Error rates: ${data.errorRates.map((r) => percent(r, 2)).join(', ')}.</footer>`,
    '</main>',
    `<script type="application/json" id="lab-data">${inlineJson(payload)}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

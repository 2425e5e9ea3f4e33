/// The HTML report's own style and script. Inline (the report is one file that needs no network), and
/// allowed by the page's Content-Security-Policy through their SHA-256 hashes only.
enum HTMLReportAssets {
    static let style = """
    :root{--ink:#16191f;--muted:#5f6b7a;--line:#e9ebed;--bg:#f2f3f3;--panel:#fff;--ok:#037f0c;--bad:#d91515;--off:#8d6605;--link:#0972d3}
    *{box-sizing:border-box}
    body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
    header.top{background:#232f3e;color:#fff;padding:14px 24px}
    header.top h1{margin:0;font-size:20px;font-weight:700}
    header.top p{margin:4px 0 0;color:#d1d5db;font-size:13px}
    main{padding:20px 24px;max-width:1400px}
    section.panel{background:var(--panel);border-radius:8px;box-shadow:0 1px 2px rgba(0,28,36,.3);margin-bottom:20px}
    section.panel>h2{margin:0;padding:14px 20px;font-size:18px;border-bottom:1px solid var(--line)}
    .panel-body{padding:16px 20px}
    .stats{display:flex;flex-wrap:wrap;gap:32px;align-items:flex-end}
    .stat .label{color:var(--muted);font-size:13px}
    .stat .value{font-size:28px;font-weight:300}
    .stat.coverage .value{font-size:40px}
    .formula{color:var(--muted);font-size:12px}
    .bar{display:flex;height:10px;border-radius:5px;overflow:hidden;background:var(--line);margin-top:14px;max-width:640px}
    .bar span{display:block;height:100%;width:0}
    .bar .ok{background:var(--ok)}.bar .bad{background:var(--bad)}.bar .off{background:#c6a700}
    table{border-collapse:collapse;width:100%}
    th,td{text-align:left;vertical-align:top;padding:8px 12px;border-bottom:1px solid var(--line)}
    thead th{font-size:13px;color:var(--ink);background:#fafafa;white-space:nowrap}
    thead tr.filters th{background:#fff;padding-top:4px;padding-bottom:10px}
    input,select{width:100%;min-width:90px;font:inherit;font-size:13px;padding:4px 6px;border:1px solid #7d8998;border-radius:6px;background:#fff}
    tbody tr:hover{background:#f9fafb}
    .name{font-weight:600}
    .where,.note{color:var(--muted);font-size:12px;overflow-wrap:anywhere}
    .mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
    .status{font-weight:600;white-space:nowrap}
    .status.HEALTHY{color:var(--ok)}.status.UNHEALTHY{color:var(--bad)}.status.NOT_MONITORED{color:var(--off)}
    .status::before{display:inline-block;width:1.2em}
    .status.HEALTHY::before{content:"\\2714"}.status.UNHEALTHY::before{content:"\\2716"}.status.NOT_MONITORED::before{content:"\\2013"}
    .unknown{color:var(--muted);font-style:italic}
    .issue{max-width:520px;word-break:break-word}
    .issue a{color:var(--link);font-size:12.5px}
    .toolbar{display:flex;justify-content:space-between;align-items:center;padding:10px 20px;color:var(--muted)}
    button{font:inherit;font-size:13px;padding:4px 12px;border:1px solid var(--link);color:var(--link);background:#fff;border-radius:16px;cursor:pointer}
    #no-match{padding:16px 20px;color:var(--muted)}
    article.finding{border-top:1px solid var(--line);padding:14px 20px}
    article.finding:first-of-type{border-top:0}
    article.finding:target{background:#f1faff;outline:2px solid var(--link);outline-offset:-2px}
    article.finding h3{margin:0 0 4px;font-size:15px}
    .sev{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;color:#fff;margin-right:6px}
    .sev.error{background:var(--bad)}.sev.warning{background:#8d6605}.sev.info{background:#5f6b7a}
    pre{background:#0f1b2a;color:#e9ebed;padding:10px 12px;border-radius:6px;overflow-x:auto;margin:8px 0}
    pre .ln{color:#8d99a8;user-select:none}
    pre .caret{color:#7fd17f}
    pre.fix{background:#f4f4f4;color:var(--ink)}
    dl{margin:6px 0;display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}
    dt{color:var(--muted)}dd{margin:0}
    footer{color:var(--muted);font-size:12px;padding:0 24px 24px}
    a{color:var(--link)}
    """

    static let script = """
    (function () {
      'use strict';
      var table = document.getElementById('clusters');
      if (!table) { return; }
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      var controls = Array.prototype.slice.call(document.querySelectorAll('[data-filter]'));
      var shown = document.getElementById('shown');
      var empty = document.getElementById('no-match');
      function lower(s) { return (s || '').toLowerCase(); }
      function apply() {
        var n = 0;
        rows.forEach(function (row) {
          var ok = controls.every(function (c) {
            var want = c.value;
            if (!want) { return true; }
            var have = row.getAttribute('data-' + c.getAttribute('data-filter')) || '';
            if (c.getAttribute('data-match') === 'exact') { return have === want; }
            return lower(have).indexOf(lower(want)) !== -1;
          });
          row.hidden = !ok;
          if (ok) { n += 1; }
        });
        shown.textContent = String(n);
        empty.hidden = n !== 0;
        document.body.setAttribute('data-visible-rows', String(n));
      }
      function fromHash() {
        var text = location.hash.replace(/^#/, '');
        if (text && text.indexOf('=') === -1) { return; }
        var params = new URLSearchParams(text);
        controls.forEach(function (c) {
          var want = params.get(c.getAttribute('data-filter')) || '';
          if (c.tagName === 'SELECT' && want && !Array.prototype.some.call(c.options, function (o) { return o.value === want; })) {
            var extra = document.createElement('option');
            extra.value = want;
            extra.textContent = want;
            c.appendChild(extra);
          }
          if (c.value !== want) { c.value = want; }
        });
        apply();
      }
      function toHash() {
        var params = new URLSearchParams();
        controls.forEach(function (c) { if (c.value) { params.set(c.getAttribute('data-filter'), c.value); } });
        var text = params.toString();
        try { history.replaceState(null, '', '#' + text); } catch (e) { location.replace('#' + text); }
      }
      controls.forEach(function (c) {
        c.addEventListener(c.tagName === 'SELECT' ? 'change' : 'input', function () { toHash(); apply(); });
      });
      var clear = document.getElementById('clear-filters');
      if (clear) {
        clear.addEventListener('click', function () {
          controls.forEach(function (c) { c.value = ''; });
          toHash();
          apply();
        });
      }
      Array.prototype.forEach.call(document.querySelectorAll('[data-share]'), function (el) {
        el.style.width = el.getAttribute('data-share') + '%';
      });
      window.addEventListener('hashchange', fromHash);
      fromHash();
      document.body.setAttribute('data-ready', '1');
    })();
    """
}

import Showrunner

/// The one inline style sheet and the one inline script of every ops page, and the Content
/// Security Policy that admits exactly them (by hash) and nothing else: no external resource,
/// no `style=` attribute, no other script. The pages carry the policy in a `<meta>` (so the
/// self-contained daily report is locked down too); the server should also send
/// `contentSecurityPolicy` as a header.
enum OpsAssets {
    /// The style sheet (system fonts only; dark text on light cards; sticky table headers).
    static let style = """
    :root{--bg:#f3f5f8;--card:#fff;--ink:#1f2328;--muted:#5b6571;--line:#d5dce4;--soft:#e8edf2;--head:#0f2742;\
    --accent:#0b5cad;--red:#b42318;--red-bg:#fdecea;--red-line:#f2b8b5;--amber:#8a5a00;--amber-bg:#fff4d6;\
    --amber-line:#ecd38f;--green:#1a7f37;--green-bg:#e6f4ea;--green-line:#a8dab5}
    *{box-sizing:border-box}
    html{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
    body{margin:0}
    a{color:var(--accent)}
    code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12px}
    .top{background:var(--head);color:#fff;display:flex;flex-wrap:wrap;align-items:center;gap:10px 28px;padding:10px 24px}
    .brand{font-weight:700;font-size:16px;letter-spacing:.02em;color:#fff;text-decoration:none}
    .brand span{font-weight:400;opacity:.7;margin-left:4px}
    .pick{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin:0}
    .pick label{font-size:12px;display:flex;gap:6px;align-items:center;color:#c9d6e6}
    .pick select,.pick input{font:inherit;font-size:13px;padding:4px 6px;border-radius:4px;border:1px solid #36577e;\
    background:#fff;color:var(--ink)}
    button{font:inherit;font-size:13px;cursor:pointer}
    .btn{padding:5px 14px;border-radius:4px;border:1px solid #2f81f7;background:#1f6feb;color:#fff;font-weight:600}
    .who{margin-left:auto;font-size:13px;display:flex;gap:12px;align-items:center;color:#c9d6e6}
    .who b{color:#fff}
    .who form{margin:0}
    .ghost{background:none;border:1px solid rgba(255,255,255,.35);color:#fff;border-radius:4px;padding:3px 10px;text-decoration:none}
    nav.sections{background:var(--card);border-bottom:1px solid var(--line);padding:0 24px;display:flex;gap:22px;position:sticky;\
    top:0;z-index:5;overflow-x:auto}
    nav.sections a{display:block;padding:9px 0;color:var(--muted);text-decoration:none;font-size:13px;\
    border-bottom:2px solid transparent;white-space:nowrap}
    nav.sections a:hover{color:var(--ink);border-color:var(--accent)}
    main{padding:18px 24px 32px;max-width:1680px;margin:0 auto}
    h1{font-size:20px;margin:0}
    .sub{color:var(--muted);font-size:13px;margin:2px 0 16px}
    .kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin-bottom:18px}
    .kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
    .kpi .k{font-size:11px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
    .kpi .v{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
    .kpi .n{font-size:12px;color:var(--muted)}
    .kpi.bad .v{color:var(--red)}.kpi.warn .v{color:var(--amber)}.kpi.good .v{color:var(--green)}
    .alert{border:1px solid var(--red-line);background:var(--red-bg);color:#7a1a12;border-radius:8px;padding:10px 14px;margin-bottom:16px}
    .alert ul{margin:4px 0 0 18px;padding:0}
    section.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 18px 16px;margin-bottom:18px;\
    scroll-margin-top:44px}
    .card-head{display:flex;align-items:baseline;gap:12px;margin-bottom:10px;flex-wrap:wrap}
    .card-head h2{font-size:16px;margin:0}
    .note{color:var(--muted);font-size:12px}
    .csv{margin-left:auto;font-size:12px;border:1px solid var(--line);border-radius:4px;padding:2px 9px;text-decoration:none;\
    background:#f6f8fa}
    .csv:hover{background:var(--soft)}
    .table-wrap{max-height:70vh;overflow:auto;border:1px solid var(--line);border-radius:6px}
    table{border-collapse:separate;border-spacing:0;width:100%;font-size:13px}
    th,td{padding:6px 10px;text-align:left;border-bottom:1px solid var(--soft);white-space:nowrap;vertical-align:top}
    thead th{position:sticky;top:0;z-index:1;background:#eef2f6;font-size:12px;font-weight:600;color:#353d46;\
    border-bottom:1px solid var(--line)}
    tbody tr:nth-child(even) td{background:#fafbfc}
    tbody tr:hover td{background:#eef5ff}
    tbody tr:last-child td{border-bottom:0}
    .num{text-align:right;font-variant-numeric:tabular-nums}
    td.wrap{white-space:normal;min-width:180px;max-width:420px}
    tr.bad td:first-child{box-shadow:inset 3px 0 var(--red)}
    tr.warn td:first-child{box-shadow:inset 3px 0 #d4a72c}
    tr.refused td{color:var(--muted)}
    .badge{display:inline-block;font-size:11px;font-weight:600;line-height:17px;padding:0 7px;border-radius:9px;\
    margin:1px 3px 1px 0;background:#eef1f4;color:#424a53;border:1px solid #d0d7de;white-space:nowrap}
    .badge.red{background:var(--red-bg);color:var(--red);border-color:var(--red-line)}
    .badge.amber{background:var(--amber-bg);color:var(--amber);border-color:var(--amber-line)}
    .badge.green{background:var(--green-bg);color:var(--green);border-color:var(--green-line)}
    .findings{margin:3px 0 0;padding:0;list-style:none;font-size:11px;color:var(--muted)}
    .muted{color:var(--muted)}
    .sort{all:unset;cursor:pointer;display:inline-block}
    .sort:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
    th[aria-sort=ascending] .sort::after{content:" \\25B2";font-size:9px}
    th[aria-sort=descending] .sort::after{content:" \\25BC";font-size:9px}
    .filter{display:flex;gap:14px;align-items:center;margin-bottom:8px;font-size:13px}
    .filter[hidden]{display:none}
    .filter input[type=search]{font:inherit;font-size:13px;padding:4px 8px;border:1px solid var(--line);border-radius:4px;width:280px}
    .filter output{color:var(--muted);font-size:12px}
    .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(480px,100%),1fr));gap:14px}
    .tile{border:1px solid var(--line);border-radius:6px;padding:10px 12px 8px}
    .tile h3{font-size:14px;margin:0}
    .tile .note{margin-bottom:4px}
    svg.timeline,svg.chart{width:100%;height:auto;display:block}
    svg.share{width:90px;height:8px;vertical-align:middle;margin-left:8px}
    .legend{font-size:12px;color:var(--muted);display:flex;gap:16px;flex-wrap:wrap;margin-top:10px}
    .sw{display:inline-block;width:10px;height:10px;border-radius:50%;vertical-align:-1px;margin-right:5px}
    .sw.good{background:#1a7f37}.sw.mid{background:#d4a72c}.sw.low{background:#b42318}.sw.none{background:#8c959f}
    .sw.ring{background:#fff;border:2px solid #b42318}
    .sw.line{border-radius:0;height:3px;width:16px;vertical-align:3px;background:#0b5cad}
    .sw.dash{border-radius:0;height:0;width:16px;vertical-align:3px;border-top:2px dashed #6e7781}
    .empty{color:var(--muted);font-size:13px;margin:8px 0 0}
    dl.facts{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:6px 18px;margin:0;font-size:13px}
    dl.facts dt{color:var(--muted)}
    dl.facts dd{margin:0}
    pre{background:#0f172a;color:#e2e8f0;padding:12px;border-radius:6px;overflow:auto;max-height:480px;margin:6px 0 10px}
    details summary{cursor:pointer;font-weight:600;padding:4px 0}
    footer{color:var(--muted);font-size:12px;text-align:center;padding:4px 0 24px}
    .signin{max-width:380px;margin:12vh auto 0;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:26px 28px}
    .signin h1{margin-bottom:4px}
    .signin label{display:block;font-size:13px;font-weight:600;margin:16px 0 6px}
    .signin input[type=password]{width:100%;font:inherit;padding:7px 9px;border:1px solid var(--line);border-radius:5px}
    .signin .btn{margin-top:16px;width:100%;padding:8px}
    .signin .alert{margin:14px 0 0}
    @media print{.top form,nav.sections,.csv,.filter{display:none}.table-wrap{max-height:none;overflow:visible}\
    section.card{break-inside:avoid}}
    """

    /// The script: click-to-sort headers on `table.sortable` (numbers by `data-v`, empty
    /// `data-v` last) and the text / flagged-only filter of `#slots`. It only adds behaviour to
    /// markup that is complete without it, and does nothing where an element is missing.
    static let script = """
    (function () {
      'use strict';
      function each(list, f) { Array.prototype.forEach.call(list || [], f); }
      function key(cell) {
        if (!cell) return null;
        var v = cell.getAttribute('data-v');
        if (v === null) return cell.textContent.trim().toLowerCase();
        if (v === '') return null;
        var n = Number(v);
        return isNaN(n) ? v.toLowerCase() : n;
      }
      function compare(a, b) {
        if (typeof a === 'number' && typeof b === 'number') return a - b;
        a = String(a); b = String(b);
        return a < b ? -1 : a > b ? 1 : 0;
      }
      each(document.querySelectorAll('table.sortable'), function (table) {
        var head = table.tHead && table.tHead.rows[0], body = table.tBodies[0];
        if (!head || !body) return;
        each(head.cells, function (th, col) {
          var button = document.createElement('button');
          button.type = 'button';
          button.className = 'sort';
          while (th.firstChild) button.appendChild(th.firstChild);
          th.appendChild(button);
          button.addEventListener('click', function () {
            var asc = th.getAttribute('aria-sort') !== 'ascending';
            each(head.cells, function (h) { h.removeAttribute('aria-sort'); });
            th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
            var rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (r1, r2) {
              var a = key(r1.cells[col]), b = key(r2.cells[col]);
              if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
              return asc ? compare(a, b) : compare(b, a);
            });
            each(rows, function (r) { body.appendChild(r); });
          });
        });
      });
      var box = document.getElementById('slot-filter'), slots = document.getElementById('slots');
      if (!box || !slots || !slots.tBodies[0]) return;
      var text = box.querySelector('input[type=search]'), flagged = box.querySelector('input[type=checkbox]');
      var shown = box.querySelector('output');
      if (!text || !flagged) return;
      function apply() {
        var q = text.value.trim().toLowerCase(), n = 0, rows = slots.tBodies[0].rows;
        each(rows, function (r) {
          var ok = (!q || r.textContent.toLowerCase().indexOf(q) >= 0) && (!flagged.checked || r.getAttribute('data-flags'));
          r.hidden = !ok;
          if (ok) n += 1;
        });
        if (shown) shown.textContent = n + ' of ' + rows.length + ' slots';
      }
      text.addEventListener('input', apply);
      flagged.addEventListener('change', apply);
      box.hidden = false;
      apply();
    })();
    """

    /// The policy: nothing by default; the style sheet and script above by their SHA-256;
    /// images only as `data:` (the empty favicon); forms post to the page's own origin.
    static let contentSecurityPolicy = "default-src 'none'; style-src 'sha256-\(hash(style))'; script-src 'sha256-\(hash(script))'; "
        + "img-src data:; form-action 'self'; base-uri 'none'"

    /// Base64 SHA-256 of the UTF-8 text, as CSP source expressions want it.
    static func hash(_ text: String) -> String { OpsFormat.base64(SHA256.hash(Array(text.utf8))) }
}

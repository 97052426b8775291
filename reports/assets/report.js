// govscan report: the findings list. Every string from a crawled page is
// set with textContent, and only http(s) URLs become links.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("govscan-data").textContent);
  var PER_PAGE = 100;
  var SEV_ZH = { veto: "单项否决", error: "错误", warning: "警告", info: "提示" };
  var state = { site: "", check: "", sev: "", change: "", q: "", page: 0 };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  // A page of the site shows as its path; the link keeps the full URL.
  function shortUrl(url) {
    var m = /^https?:\/\/[^\/]+(\/.*)?$/i.exec(url);
    return m ? (m[1] || "/") : url;
  }
  function link(url, text) {
    if (/^https?:\/\//i.test(url)) {
      var a = el("a", "url", text || url);
      a.href = url;
      a.title = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      return a;
    }
    return el("span", "url", text || url);
  }

  // Overview table sorting.
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.querySelectorAll("th.sortable"), function (th, col) {
      th.addEventListener("click", function () {
        var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
        var asc = th.getAttribute("data-dir") !== "asc";
        th.setAttribute("data-dir", asc ? "asc" : "desc");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[idx].getAttribute("data-v"), y = b.cells[idx].getAttribute("data-v");
          var nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y), "zh");
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  var list = document.getElementById("issues");
  if (!list) return;
  var fSite = document.getElementById("f-site"), fCheck = document.getElementById("f-check"),
      fSev = document.getElementById("f-sev"), fChange = document.getElementById("f-change"),
      fQ = document.getElementById("f-q");
  data.sites.forEach(function (s, i) { var o = el("option", "", s.name); o.value = String(i); fSite.appendChild(o); });
  Object.keys(data.checks).forEach(function (id) {
    var o = el("option", "", id + " " + data.checks[id].title); o.value = id; fCheck.appendChild(o);
  });

  function matches(it, q) {
    if (state.site !== "" && String(it[0]) !== state.site) return false;
    if (state.check && it[1] !== state.check) return false;
    if (state.sev && it[2] !== state.sev) return false;
    if (state.change === "new" && !it[8]) return false;
    if (state.change === "old" && it[8]) return false;
    if (q) {
      var hay = (it[3] + " " + it[5] + " " + it[6] + " " + it[7].join(" ")).toLowerCase();
      if (hay.indexOf(q) < 0) return false;
    }
    return true;
  }

  function render() {
    var q = state.q.trim().toLowerCase();
    var shown = [];
    for (var i = 0; i < data.issues.length; i++) if (matches(data.issues[i], q)) shown.push(data.issues[i]);
    var pages = Math.max(1, Math.ceil(shown.length / PER_PAGE));
    if (state.page >= pages) state.page = pages - 1;
    var start = state.page * PER_PAGE, end = Math.min(shown.length, start + PER_PAGE);
    var body = list.tBodies[0];
    while (body.firstChild) body.removeChild(body.firstChild);
    for (var k = start; k < end; k++) {
      var it = shown[k], tr = el("tr");
      tr.setAttribute("data-check", it[1]);
      var sev = el("td"); sev.appendChild(el("span", "badge " + it[2], SEV_ZH[it[2]] || it[2]));
      if (it[8]) sev.appendChild(el("div", "badge new", "新增"));
      else if (it[9]) sev.appendChild(el("div", "muted", "自 " + it[9]));
      tr.appendChild(sev);
      var chk = el("td"); chk.appendChild(el("div", "", data.checks[it[1]].title)); chk.appendChild(el("div", "muted", it[1]));
      chk.appendChild(el("div", "muted", data.sites[it[0]].name)); tr.appendChild(chk);
      var tgt = el("td"); tgt.appendChild(link(it[3])); if (it[6]) tgt.appendChild(el("div", "muted", "“" + it[6] + "”")); tr.appendChild(tgt);
      tr.appendChild(el("td", "", it[4]));
      var det = el("td", "", it[5]); det.appendChild(el("div", "muted", "整改：" + data.checks[it[1]].fix)); tr.appendChild(det);
      var pg = el("td", "pages");
      var n = it[7].length, first = it[7].slice(0, 3);
      first.forEach(function (p) { pg.appendChild(link(p, shortUrl(p))); });
      if (n > 3) {
        var d = el("details"), s = el("summary", "", "共 " + n + " 个页面，展开全部");
        d.appendChild(s);
        d.addEventListener("toggle", function (ev) {
          var box = ev.target;
          if (box.open && !box.getAttribute("data-filled")) {
            box.setAttribute("data-filled", "1");
            var pagesOf = box.__pages;
            for (var j = 3; j < pagesOf.length; j++) box.appendChild(link(pagesOf[j], shortUrl(pagesOf[j])));
          }
        });
        d.__pages = it[7];
        pg.appendChild(d);
      }
      tr.appendChild(pg);
      body.appendChild(tr);
    }
    document.getElementById("count").textContent = shown.length === 0
      ? "没有符合条件的问题"
      : "第 " + (start + 1) + "–" + end + " 条，共 " + shown.length + " 条（全部 " + data.issues.length + " 条）";
    document.getElementById("page-no").textContent = (state.page + 1) + " / " + pages;
    list.setAttribute("data-shown", String(shown.length));
  }

  var timer = null;
  function fromControls() {
    state.site = fSite.value; state.check = fCheck.value; state.sev = fSev.value; state.change = fChange.value;
    state.q = fQ.value; state.page = 0;
    var h = "#q:site=" + encodeURIComponent(state.site) + "&check=" + encodeURIComponent(state.check) +
            "&sev=" + encodeURIComponent(state.sev) + "&text=" + encodeURIComponent(state.q) +
            "&change=" + encodeURIComponent(state.change);
    if (history.replaceState) history.replaceState(null, "", h);
    render();
  }
  [fSite, fCheck, fSev, fChange].forEach(function (s) { s.addEventListener("change", fromControls); });
  fQ.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fromControls, 200); });
  document.getElementById("prev").addEventListener("click", function () { if (state.page > 0) { state.page--; render(); } });
  document.getElementById("next").addEventListener("click", function () { state.page++; render(); });

  // A shareable filtered view: report.html#q:site=0&check=link.dead&sev=&text=
  function fromHash() {
    var h = location.hash;
    if (h.indexOf("#q:") !== 0) return false;
    h.slice(3).split("&").forEach(function (kv) {
      var p = kv.split("="), v = decodeURIComponent(p[1] || "");
      if (p[0] === "site") fSite.value = v;
      if (p[0] === "check") fCheck.value = v;
      if (p[0] === "sev") fSev.value = v;
      if (p[0] === "text") fQ.value = v;
      if (p[0] === "change") fChange.value = v;
    });
    state.site = fSite.value; state.check = fCheck.value; state.sev = fSev.value; state.change = fChange.value;
    state.q = fQ.value;
    return true;
  }
  Array.prototype.forEach.call(document.querySelectorAll("a[data-filter]"), function (a) {
    a.addEventListener("click", function () { setTimeout(function () { fromHash(); state.page = 0; render(); }, 0); });
  });
  window.addEventListener("hashchange", function () { if (fromHash()) { state.page = 0; render(); } });
  var filtered = fromHash();
  render();
  if (filtered) document.getElementById("findings").scrollIntoView();
})();

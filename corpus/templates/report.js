(function () {
  "use strict";
  // Document list: compact rows embedded as JSON, filtered and paged here.
  var data = JSON.parse(document.getElementById("doc-index").textContent);
  var body = document.getElementById("doc-rows");
  var box = document.getElementById("doc-search");
  var info = document.getElementById("doc-page");
  var PAGE = 50, page = 0, rows = data;
  function cell(tr, text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); return td; }
  function draw() {
    var pages = Math.max(1, Math.ceil(rows.length / PAGE));
    page = Math.min(page, pages - 1);
    body.textContent = "";
    rows.slice(page * PAGE, page * PAGE + PAGE).forEach(function (d) {
      var tr = document.createElement("tr");
      var td = document.createElement("td"), a = document.createElement("a");
      a.href = "report/" + d[0] + ".html"; a.textContent = d[1] || d[10]; td.appendChild(a); tr.appendChild(td);
      cell(tr, d[2]); cell(tr, d[3]); cell(tr, d[4]); cell(tr, d[5]); cell(tr, d[6]);
      cell(tr, d[8]).className = "st-" + d[7]; cell(tr, d[9]); cell(tr, d[10]).className = "path";
      body.appendChild(tr);
    });
    info.textContent = info.dataset.fmt.replace("{page}", page + 1).replace("{pages}", pages) + " · " + rows.length;
  }
  box.addEventListener("input", function () {
    var q = box.value.trim().toLowerCase();
    rows = !q ? data : data.filter(function (d) { return d.join(" ").toLowerCase().indexOf(q) >= 0; });
    page = 0; draw();
  });
  document.getElementById("doc-prev").addEventListener("click", function () { if (page > 0) { page--; draw(); } });
  document.getElementById("doc-next").addEventListener("click", function () { page++; draw(); });
  draw();
  // Matrix filter: hide communes that do not match.
  var mbox = document.getElementById("matrix-search");
  if (mbox) mbox.addEventListener("input", function () {
    var q = mbox.value.trim().toLowerCase();
    document.querySelectorAll("table.matrix tbody tr").forEach(function (tr) {
      tr.style.display = !q || tr.dataset.s.indexOf(q) >= 0 ? "" : "none";
    });
  });
})();

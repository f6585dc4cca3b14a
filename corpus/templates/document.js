(function () {
  "use strict";
  // Click a figure: its span of the normalized text is highlighted and scrolled into view.
  var pre = document.getElementById("doc-text");
  var dataNode = document.getElementById("doc-text-data");
  var TEXT = dataNode ? JSON.parse(dataNode.textContent) : null;
  if (pre && TEXT !== null) pre.textContent = TEXT;
  function highlight(s, e) {
    if (!pre || TEXT === null) return false;
    pre.textContent = TEXT;  // one text node again: offsets stay those of the normalized text
    var node = pre.firstChild;
    if (!node || !(s < e) || e > TEXT.length) return false;
    var r = document.createRange();
    r.setStart(node, s); r.setEnd(node, e);
    var m = document.createElement("mark");
    m.id = "hl"; m.dataset.s = s; m.dataset.e = e;
    r.surroundContents(m);
    m.scrollIntoView({block: "center"});
    return true;
  }
  function fromHash() {
    var m = /^#s-(\d+)-(\d+)$/.exec(location.hash);
    if (!m) return;
    var s = +m[1], e = +m[2];
    highlight(s, e);
    var a = document.querySelector('a.fig[data-s="' + s + '"][data-e="' + e + '"]');
    mark(a);
  }
  function mark(a) {
    document.querySelectorAll("tr.active").forEach(function (tr) { tr.classList.remove("active"); });
    if (a && a.closest("tr")) a.closest("tr").classList.add("active");
    for (var d = a && a.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a.fig");
    if (!a) return;
    ev.preventDefault();
    history.replaceState(null, "", "#s-" + a.dataset.s + "-" + a.dataset.e);
    highlight(+a.dataset.s, +a.dataset.e);
    mark(a);
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();

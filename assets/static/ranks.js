// Ranks: small enhancements, none required to use a page.
// Narrow screens: every data cell carries its column's name (data-label)
// so that a table can show one card per row (class `reflow`, see ranks.css).
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll("table:not(.facts):not(.reflow):not(.fits)").forEach(function (t) {
      var heads = t.tHead ? t.tHead.rows[0] : null;
      if (!heads) { return; }
      // Three columns fit a phone as they are.
      // The tree of units stays a table (ranks.css hides its code and bar).
      if (heads.cells.length <= 3 || t.classList.contains("tree")) {
        t.classList.add("fits");
        return;
      }
      var names = Array.prototype.map.call(heads.cells, function (th) {
        return th.textContent.trim();
      });
      Array.prototype.forEach.call(t.tBodies, function (b) {
        Array.prototype.forEach.call(b.rows, function (tr) {
          Array.prototype.forEach.call(tr.cells, function (td, i) {
            if (names[i] && !td.hasAttribute("data-label")) {
              td.setAttribute("data-label", names[i]);
            }
          });
        });
      });
      t.classList.add("reflow");
    });
  }
  function ready() { label(document); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  document.addEventListener("htmx:afterSettle", function () { label(document); });
})();

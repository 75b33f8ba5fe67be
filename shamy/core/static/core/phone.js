/* Shamy on a phone (issue 11): progressive enhancement only; every page works without it.
 *
 * 1. The header menu folds behind a "Menu" button below 700 px. Without this script the button
 *    stays hidden and the links simply wrap under the brand.
 * 2. Tables become stacked cards below 600 px: each cell gets a data-label naming its column
 *    (unless the template already gave one) and the table the class "cards", which the stylesheet
 *    lays out as one card per row. Without this script tables keep their sideways scroll with a
 *    sticky first column and a shadow as the cue. Rows swapped in by htmx are labelled too.
 */
(function () {
  "use strict";

  function setUpMenu() {
    var toggle = document.querySelector(".nav-toggle");
    var nav = toggle && toggle.closest(".site-nav");
    var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!toggle || !nav || !menu) return;
    nav.classList.add("has-menu");
    toggle.hidden = false;
    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("menu-open", open);
    }
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  function headerLabels(table) {
    var head = table.tHead;
    if (!head || !head.rows.length) return null;
    var row = head.rows[head.rows.length - 1];
    var labels = [];
    for (var i = 0; i < row.cells.length; i++) {
      var cell = row.cells[i];
      var text = (cell.getAttribute("data-label") || cell.textContent || "").replace(/\s+/g, " ").trim();
      for (var span = 0; span < (cell.colSpan || 1); span++) labels.push(text);
    }
    return labels;
  }

  function labelTable(table) {
    if (table.classList.contains("no-cards")) return;
    var labels = headerLabels(table);
    if (!labels) return;
    var bodies = Array.prototype.slice.call(table.tBodies);
    if (table.tFoot) bodies.push(table.tFoot);
    bodies.forEach(function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var span = cell.colSpan || 1;
          if (span === 1 && !cell.hasAttribute("data-label") && labels[column]) {
            cell.setAttribute("data-label", labels[column]);
          }
          column += span;
        });
      });
    });
    table.classList.add("cards");
  }

  function labelTables(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.tagName === "TABLE") labelTable(scope);
    var closest = scope.closest ? scope.closest("table") : null;
    if (closest) labelTable(closest);
    Array.prototype.forEach.call(scope.querySelectorAll("table"), labelTable);
  }

  function start() {
    setUpMenu();
    labelTables(document);
    document.body.addEventListener("htmx:afterSettle", function (event) {
      labelTables(event.target);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

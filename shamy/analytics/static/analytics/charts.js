// Analytics charts: map details on hover, focus or tap; PNG download drawn from the inline SVG.
// No dependencies; the page works without it (titles, tables and SVG/CSV/XLSX links remain).
(function () {
  "use strict";

  function showDetails(event) {
    var target = event.target;
    var path = target.closest ? target.closest("path.region") : null;
    if (!path && target.querySelector) path = target.querySelector("path.region");
    var panel = document.getElementById("map-details");
    if (!path || !panel) return;
    panel.textContent =
      path.getAttribute("data-details") || path.getAttribute("data-name") + ": " + path.getAttribute("data-value");
  }

  function downloadPng(button) {
    var svg = document.getElementById(button.getAttribute("data-png"));
    if (!svg) return;
    var box = svg.viewBox.baseVal;
    var scale = 2;
    var source = new XMLSerializer().serializeToString(svg);
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = box.width * scale;
      canvas.height = box.height * scale;
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = (button.getAttribute("data-filename") || "chart") + ".png";
        document.body.appendChild(link);
        link.click();
        link.remove();
      }, "image/png");
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(source);
  }

  function syncWeights(event) {
    var input = event.target;
    if (!input.form || input.form.id !== "weights") return;
    document.querySelectorAll('input[data-weight="' + input.name + '"]').forEach(function (hidden) {
      hidden.value = input.value;
    });
  }

  document.addEventListener("mouseover", showDetails);
  document.addEventListener("focusin", showDetails);
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-png]") : null;
    if (button) {
      downloadPng(button);
      return;
    }
    showDetails(event);
  });
  document.addEventListener("input", syncWeights);
})();

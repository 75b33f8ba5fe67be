// Check-in at the door, also offline: every scan is queued on this device (localStorage) with its
// own id, then sent in batches to the sync URL; a batch sent twice is stored once (the server keys
// scans by id). Without JavaScript the form posts one code at a time.
(function () {
  "use strict";
  var root = document.getElementById("check-in");
  if (!root) return;
  var key = "shamy-check-in-" + root.dataset.event;
  var form = document.getElementById("scan-form");
  var codeInput = form.querySelector("[name=code]");
  var doorInput = form.querySelector("[name=door]");
  var results = document.getElementById("results");
  var status = document.getElementById("connection");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(key, JSON.stringify(queue)); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0; return (c === "x" ? r : (r & 3 | 8)).toString(16);
    });
  }
  function show() {
    var queue = load();
    var pending = queue.filter(function (s) { return !s.outcome; }).length;
    status.textContent = (navigator.onLine ? root.dataset.online : root.dataset.offline) + " · " + root.dataset.pending + " " + pending;
    status.dataset.pending = String(pending);
    results.textContent = "";
    queue.slice(-10).reverse().forEach(function (scan) {
      var item = document.createElement("li");
      item.dataset.outcome = scan.outcome || "queued";
      item.textContent = scan.code + " · " + (scan.outcome ? (scan.name ? scan.name + ": " : "") + scan.label : root.dataset.queued);
      results.appendChild(item);
    });
  }
  function sync() {
    var queue = load();
    var batch = queue.filter(function (s) { return !s.outcome; }).slice(0, 200);
    if (!batch.length || sending || !navigator.onLine) { show(); return; }
    sending = true;
    fetch(root.dataset.syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ scans: batch.map(function (s) { return { id: s.id, code: s.code, door: s.door, scanned_at: s.scanned_at }; }) })
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (body) {
      var done = {};
      body.results.forEach(function (r) { done[r.id] = r; });
      var updated = load().map(function (s) {
        var r = done[s.id];
        return r ? Object.assign(s, { outcome: r.outcome, label: r.label, name: r.name }) : s;
      });
      save(updated);
    }).catch(function () { /* offline or server away: the scans stay queued */ })
      .finally(function () { sending = false; show(); });
  }
  function queueScan(code) {
    code = (code || "").trim();
    if (!code) return;
    var queue = load();
    queue.push({ id: uuid(), code: code, door: doorInput.value || "", scanned_at: new Date().toISOString() });
    save(queue);
    show();
    sync();
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    queueScan(codeInput.value);
    codeInput.value = "";
    codeInput.focus();
  });
  doorInput.value = localStorage.getItem(key + "-door") || "";
  doorInput.addEventListener("change", function () { localStorage.setItem(key + "-door", doorInput.value); });
  window.addEventListener("online", sync);
  window.addEventListener("offline", show);
  setInterval(sync, 10000);

  // The camera: the browser's own QR detector (BarcodeDetector) where it has one, else jsQR
  // (self-hosted in vendor/jsqr) reading frames from a canvas. Without a camera, type the code.
  var button = document.getElementById("camera-start");
  var video = document.getElementById("camera");
  var canvas = document.createElement("canvas");
  var native = "BarcodeDetector" in window;
  if (navigator.mediaDevices && (native || window.jsQR)) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var detector = native ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
      var last = "";
      function found(value) {
        if (value && value !== last) { last = value; queueScan(value); }
      }
      function frame() {
        if (detector) {
          return detector.detect(video).then(function (codes) { if (codes.length) found(codes[0].rawValue); });
        }
        if (video.videoWidth) {
          canvas.width = video.videoWidth; canvas.height = video.videoHeight;
          var context = canvas.getContext("2d", { willReadFrequently: true });
          context.drawImage(video, 0, 0);
          var image = context.getImageData(0, 0, canvas.width, canvas.height);
          var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
          if (code) found(code.data);
        }
        return Promise.resolve();
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play();
        (function look() {
          frame().catch(function () {}).finally(function () { setTimeout(look, 300); });
        })();
      });
    });
  }
  show();
  sync();
})();

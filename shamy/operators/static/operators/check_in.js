// Check-in at the door, also offline (issue 13), on the one shared offline mechanism: every scan
// (camera, typed code, or a name found in the list) is queued on this device (ShamyOffline: the
// IndexedDB queue, the header badge, the queue page) with its own key, and sent to the API's batch
// of scans; the server applies each key once, and a ticket counts once whatever the door. Offline,
// names are searched in the list of confirmed places this page brought along. Without the queue
// (no IndexedDB, no script) the forms post one code at a time.
(function () {
  "use strict";
  var root = document.getElementById("check-in");
  var offline = window.ShamyOffline;
  if (!root || !offline) return;
  var event = Number(root.dataset.event);
  var group = "event:" + event;
  var form = document.getElementById("scan-form");
  var codeInput = form.querySelector("[name=code]");
  var doorInput = form.querySelector("[name=door]");
  var results = document.getElementById("results");
  var status = document.getElementById("connection");
  var doorKey = "shamy-check-in-door-" + event;
  var decided = {};  // key -> {created, label, outcome, text}: what the server answered, this visit
  var current = [];  // this event's items still on the device

  function show(items, answers) {
    (answers || []).forEach(function (result) {
      if (!result.item || result.item.group !== group) return;
      var first = result.outcome === "duplicate";
      decided[result.key] = {
        created: result.item.created,
        code: result.item.payload.code,
        outcome: result.scan_outcome || (first ? result.first_outcome : result.outcome),
        text: first ? result.first_detail : result.detail
      };
    });
    current = items.filter(function (item) { return item.group === group; });
    var pending = current.filter(function (item) { return item.state === "waiting"; }).length;
    status.textContent = (navigator.onLine ? root.dataset.online : root.dataset.offline) + " · " + root.dataset.pending + " " + pending;
    status.dataset.pending = String(pending);
    var rows = current.filter(function (item) { return !decided[item.key]; }).map(function (item) {
      return {
        created: item.created,
        code: item.payload.code,
        outcome: item.state === "waiting" ? "queued" : "refused",
        text: item.state === "waiting" ? root.dataset.queued : offline.strings.couldNot.replace("{reason}", item.detail)
      };
    });
    Object.keys(decided).forEach(function (key) { rows.push(decided[key]); });
    rows.sort(function (a, b) { return a.created < b.created ? -1 : 1; });
    results.textContent = "";
    rows.slice(-10).reverse().forEach(function (row) {
      var line = document.createElement("li");
      line.dataset.outcome = row.outcome;
      line.textContent = row.code + " · " + row.text;
      results.appendChild(line);
    });
  }

  function queueScan(code) {
    code = (code || "").trim();
    if (!code) return Promise.resolve();
    var door = doorInput.value || "";
    return offline.add({
      kind: "operators.scan",
      url: root.dataset.api,
      field: "scans",
      group: group,
      label: code + (door ? " · " + door : "") + " · " + root.dataset.title,
      payload: { event: event, code: code, door: door, device_time: new Date().toISOString() }
    }).then(function () {
      return navigator.onLine ? offline.send() : offline.list().then(function (items) { show(items, []); });
    });
  }

  form.addEventListener("submit", function (submitted) {
    submitted.preventDefault();
    queueScan(codeInput.value);
    codeInput.value = "";
    codeInput.focus();
  });
  // A name found by the search (online: the server's list; offline: the list brought along).
  document.addEventListener("submit", function (submitted) {
    var target = submitted.target;
    if (!target.classList || !target.classList.contains("check-in-found")) return;
    submitted.preventDefault();
    queueScan(target.querySelector("[name=code]").value);
    var button = target.querySelector("button");
    button.disabled = true;
    button.textContent = root.dataset.queuedShort;
  });

  var roster = JSON.parse((document.getElementById("check-in-roster") || { textContent: "[]" }).textContent);
  var search = document.getElementById("name-search");
  var template = document.getElementById("found-row");
  var offlineFound = document.getElementById("found-offline");
  function lower(text) { return String(text).toLocaleLowerCase(); }
  search.addEventListener("submit", function (submitted) {
    if (navigator.onLine) return;  // online: the server searches, as always
    submitted.preventDefault();
    var query = lower(search.querySelector("[name=q]").value.trim());
    offlineFound.textContent = "";
    if (query.length < 2) return;
    var matches = roster.filter(function (person) { return lower(person.name).indexOf(query) !== -1; }).slice(0, 20);
    matches.forEach(function (person) {
      var row = template.content.firstElementChild.cloneNode(true);
      row.querySelector(".found-name").textContent = person.name;
      row.querySelector("[name=code]").value = person.code;
      offlineFound.appendChild(row);
    });
    if (!matches.length) {
      var none = document.createElement("li");
      none.textContent = root.dataset.nobody;
      offlineFound.appendChild(none);
    }
    offlineFound.hidden = false;
  });

  doorInput.value = localStorage.getItem(doorKey) || "";
  doorInput.addEventListener("change", function () { localStorage.setItem(doorKey, doorInput.value); });
  offline.onChange(show);
  window.addEventListener("online", function () { offline.list().then(function (items) { show(items, []); }); });
  window.addEventListener("offline", function () { offline.list().then(function (items) { show(items, []); }); });
  // A venue's connection comes and goes without `online` events: try again every 10 seconds.
  setInterval(function () {
    if (navigator.onLine && current.some(function (item) { return item.state === "waiting"; })) offline.send();
  }, 10000);

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
  offline.list().then(function (items) { show(items, []); });
})();

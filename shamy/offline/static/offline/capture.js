// Capturing a form offline (issue 13), for any page: a form marked with data-offline-kind is
// queued on the device (ShamyOffline, the one shared queue) instead of posted when there is no
// connection, and sent by itself when the connection returns. Online the form posts as it always
// did. The page's status list (data-offline-status="<group>") says, for each item of its group,
// "Waiting to send (N)", "Saved", "Not applied: why" or "Could not save: why".
//
// The form's attributes:
//   data-offline-kind   the item's kind (portfolios.journal_entry, surveys.answer, ...)
//   data-offline-url    the JSON API batch endpoint; data-offline-field its list's name
//   data-offline-group  which status list shows it; data-offline-label the queue page's label
//   data-offline-payload  fixed payload fields (JSON)
//   data-offline-fields   "apiName=formName,..." form fields copied into the payload
//   data-offline-formdata "apiName": every form field (name -> [values]) under that name
//   data-offline-after    "reset" (clear the text fields), "disable" (the button, once), "keep"
(function () {
  "use strict";
  var offline = window.ShamyOffline;
  if (!offline) return;
  var strings = offline.strings;
  var decided = {};  // key -> the server's answer, shown until the page is left

  function payloadOf(form, submitter) {
    var payload = JSON.parse(form.dataset.offlinePayload || "{}");
    (form.dataset.offlineFields || "").split(",").filter(Boolean).forEach(function (pair) {
      var names = pair.split("=");
      var input = form.elements[names[1] || names[0]];
      var value = input ? input.value : "";
      payload[names[0]] = value === "1" ? true : value === "0" ? false : value;
    });
    if (form.dataset.offlineFormdata) {
      var fields = {};
      new FormData(form).forEach(function (value, name) {
        if (name === "csrfmiddlewaretoken" || typeof value !== "string") return;
        (fields[name] = fields[name] || []).push(value);
      });
      payload[form.dataset.offlineFormdata] = fields;
      if (submitter && submitter.name) payload[submitter.name] = true;
    }
    payload.device_time = new Date().toISOString();
    return payload;
  }

  function snippet(payload) {
    var text = payload.text || payload.body || "";
    return text ? " · " + (text.length > 60 ? text.slice(0, 60) + "…" : text) : "";
  }

  function render(items) {
    var waiting = items.filter(function (item) { return item.state === "waiting"; }).length;
    document.querySelectorAll("[data-offline-status]").forEach(function (list) {
      var group = list.dataset.offlineStatus;
      list.textContent = "";
      var shown = items.filter(function (item) { return item.group === group; });
      Object.keys(decided).forEach(function (key) {
        if (decided[key].group === group && !shown.some(function (item) { return item.key === key; })) shown.push(decided[key]);
      });
      shown.forEach(function (item) {
        var row = document.createElement("li");
        row.dataset.key = item.key;
        var label = document.createElement("span");
        label.textContent = item.label;
        var state = document.createElement("span");
        state.className = "sync-state";
        if (item.result) {
          var outcome = item.result.outcome === "duplicate" ? item.result.first_outcome : item.result.outcome;
          var detail = item.result.outcome === "duplicate" ? item.result.first_detail : item.result.detail;
          state.dataset.state = outcome === "applied" ? "saved" : outcome;
          state.textContent = outcome === "applied" ? (detail || strings.saved) : strings.conflict.replace("{reason}", detail);
        } else if (item.state === "waiting") {
          state.dataset.state = "waiting";
          state.textContent = offline.format(strings.waiting, waiting);
        } else {
          state.dataset.state = "refused";
          state.textContent = strings.couldNot.replace("{reason}", item.detail);
        }
        row.appendChild(label);
        row.appendChild(state);
        list.appendChild(row);
      });
      list.hidden = shown.length === 0;
    });
  }

  function remember(results) {
    results.forEach(function (result) {
      if (!result.item) return;
      decided[result.key] = { key: result.key, group: result.item.group, label: result.item.label, result: result };
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.offlineKind || navigator.onLine) return;  // online: as always
    event.preventDefault();
    event.stopPropagation();
    var payload = payloadOf(form, event.submitter);
    offline.add({
      kind: form.dataset.offlineKind,
      url: form.dataset.offlineUrl,
      field: form.dataset.offlineField,
      group: form.dataset.offlineGroup,
      label: form.dataset.offlineLabel + snippet(payload),
      payload: payload
    }).then(function () {
      var after = form.dataset.offlineAfter || "keep";
      if (after === "reset") form.querySelectorAll("textarea, input[type=text]").forEach(function (input) { input.value = ""; });
      // One change queued per button until the page is reloaded online (its status list says so).
      if (after === "disable") form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
      return offline.list().then(render);
    });
  }, true);

  offline.onChange(function (items, results) { remember(results); render(items); });
  offline.list().then(render);
})();

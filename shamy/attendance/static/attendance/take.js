// Taking attendance, also without a connection (issue 13). Each tap is queued on the device
// (ShamyOffline, offline/offline.js) and sent at once when there is a connection, so online it
// saves as before; offline it waits and is sent when the connection returns. The row always says
// which: "Saved", "Waiting to send (N)" or "Could not save: why". Without the queue (no
// IndexedDB, no script) the buttons post the form as they always did.
(function () {
  "use strict";
  // The list is looked up each time: "Set everyone present" swaps it for a new one (htmx).
  function current() { return document.getElementById("attendance-take"); }
  var list = current();
  var offline = window.ShamyOffline;
  if (!list || !offline) return;
  var strings = offline.strings;
  var gathering = list.dataset.gathering;
  var keys = {};  // queued key → person, for this page's rows

  function rowOf(person) { var now = current(); return now && now.querySelector('[data-person="' + person + '"]'); }

  function press(row, status) {
    row.dataset.status = status;
    row.className = row.className.replace(/\s*(marked|status-\w+)/g, "") + (status ? " marked status-" + status : "");
    row.querySelectorAll(".attendance-button").forEach(function (button) {
      button.setAttribute("aria-pressed", button.value === status ? "true" : "false");
    });
  }

  function say(row, state, text) {
    var line = row.querySelector(".sync-state");
    line.dataset.state = state;
    line.textContent = text;
  }

  function show(items, results) {
    var waiting = items.filter(function (item) { return item.state === "waiting"; }).length;
    results.forEach(function (result) {
      var item = result.item;
      var person = keys[result.key] || (item && item.group === "gathering:" + gathering && item.payload.person);
      var row = person && rowOf(person);
      if (!row) return;
      delete keys[result.key];
      // A repeat (another tab, or the worker, sent it first) answers with the first outcome.
      var outcome = result.outcome === "duplicate" ? result.first_outcome : result.outcome;
      var detail = result.outcome === "duplicate" ? result.first_detail : result.detail;
      if (outcome === "applied") {
        if (result.status !== undefined && result.status !== null) press(row, result.status);
        say(row, "saved", strings.saved);
      } else if (outcome === "conflict") {
        if (result.status !== undefined && result.status !== null) press(row, result.status);
        say(row, "conflict", strings.conflict.replace("{reason}", detail));
      }
    });
    // What is still on the device for this gathering: pressed as tapped, and saying so.
    items.filter(function (item) { return item.group === "gathering:" + gathering; }).forEach(function (item) {
      var row = rowOf(item.payload.person);
      if (!row) return;
      keys[item.key] = item.payload.person;
      press(row, item.payload.status);
      if (item.state === "waiting") say(row, "waiting", offline.format(strings.waiting, waiting));
      else say(row, "refused", strings.couldNot.replace("{reason}", item.detail));
    });
  }

  // Before htmx sees the submit: the tap goes through the queue instead.
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".attendance-button");
    list = current();
    if (!button || !list || !list.contains(button)) return;
    event.preventDefault();
    event.stopPropagation();
    var row = button.closest("[data-person]");
    var person = Number(row.dataset.person);
    offline.add({
      kind: "attendance.mark",
      url: list.dataset.api,
      field: "marks",
      group: "gathering:" + gathering,
      label: row.querySelector(".attendance-name").firstChild.textContent.trim() + " · " + button.textContent.trim() + " · " + list.dataset.title,
      payload: { gathering: Number(gathering), person: person, status: button.value, device_time: new Date().toISOString() }
    }).then(function (item) {
      keys[item.key] = person;
      // Online, the row changes when the server has answered, as it always did; offline at once.
      return navigator.onLine ? offline.send() : offline.list().then(function (items) { show(items, []); });
    }).catch(function (error) {
      say(row, "refused", strings.couldNot.replace("{reason}", String(error && error.message || error)));
    });
  }, true);

  offline.onChange(show);
  offline.list().then(function (items) { show(items, []); });
})();

// The queue page: this user's items not sent yet, each with retry and discard.
(function () {
  "use strict";
  var offline = window.ShamyOffline;
  var list = document.getElementById("queue-list");
  if (!offline || !list) return;
  var template = document.getElementById("queue-item");
  var empty = document.getElementById("queue-empty");
  var strings = offline.strings;

  function render(items) {
    list.textContent = "";
    empty.hidden = items.length > 0;
    var waiting = items.filter(function (item) { return item.state === "waiting"; }).length;
    items.forEach(function (item) {
      var row = template.content.firstElementChild.cloneNode(true);
      row.dataset.key = item.key;
      row.dataset.state = item.state;
      row.querySelector(".queue-label").textContent = item.label;
      row.querySelector(".queue-state").textContent = item.state === "waiting"
        ? offline.format(strings.waiting, waiting)
        : strings.couldNot.replace("{reason}", item.detail);
      row.querySelector(".queue-retry").addEventListener("click", function () { offline.retry(item.key); });
      row.querySelector(".queue-discard").addEventListener("click", function () {
        if (window.confirm(strings.discardConfirm)) offline.discard(item.key);
      });
      list.appendChild(row);
    });
  }
  offline.onChange(function (items) { render(items); });
  offline.list().then(render);
})();

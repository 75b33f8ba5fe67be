// Offline capture on every signed-in page (issue 13): registers the service worker, keeps the
// header badge counting this user's queued items, sends them when the connection is back (the
// `online` event, each page load, Background Sync where the browser has it), asks the worker to
// keep today's and the next 7 days' attendance pages, and guards signing out.
(function () {
  "use strict";
  var body = document.body;
  var user = body.dataset.user;
  var Queue = window.ShamyQueue;
  if (!user || !Queue || !("indexedDB" in window)) return;
  var strings = document.getElementById("offline-strings").dataset;
  var csrf = body.dataset.csrf || "";
  var listeners = [];
  var sending = null;
  var queued = 0;  // this user's items on the device, as the badge last counted them

  function format(text, count) { return text.replace("{count}", String(count)); }
  function tooOld() { return format(strings.tooOld, strings.retentionDays); }

  function badge(items) {
    var waiting = items.filter(function (item) { return item.state === "waiting"; }).length;
    var refused = items.length - waiting;
    queued = items.length;
    var link = document.getElementById("queue-badge");
    if (!link) return;
    link.hidden = items.length === 0;
    link.querySelector(".queue-count").textContent = String(items.length);
    link.title = format(strings.waiting, waiting) + (refused ? " · " + format(strings.refusedCount, refused) : "");
    link.dataset.waiting = String(waiting);
  }

  function changed(results) {
    return Queue.list(user).then(function (items) {
      badge(items);
      listeners.forEach(function (listener) { listener(items, results || []); });
      return items;
    });
  }

  // Send this user's waiting items now; sendings on this page run one after the other, so an item
  // queued while a batch is on its way goes in the next one.
  function send() {
    sending = (sending || Promise.resolve()).then(function () {
      if (!navigator.onLine) return changed([]);
      return Queue.send(user, csrf, strings.retentionDays, tooOld()).then(function (results) { return changed(results); }, function () { return changed([]); });
    });
    return sending;
  }

  function backgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("shamy-queue");
    }).catch(function () { /* no Background Sync: the next page load or `online` event sends */ });
  }

  window.ShamyOffline = {
    user: user,
    strings: strings,
    format: format,
    // Queue one write and try to send it at once; resolves with the item.
    add: function (item) {
      item.user = user;
      return Queue.add(item).then(function (stored) {
        Queue.list(user).then(badge);
        backgroundSync();
        return stored;
      });
    },
    send: send,
    list: function () { return Queue.list(user); },
    retry: function (key) { return Queue.update(key, { state: "waiting", detail: "" }).then(send); },
    discard: function (key) { return Queue.remove(key).then(function () { return changed([]); }); },
    onChange: function (listener) { listeners.push(listener); }
  };

  // The worker and Background Sync read the signed-in user and CSRF token from here.
  Queue.setMeta({ name: "session", user: user, csrf: csrf, maxAgeDays: strings.retentionDays, tooOld: tooOld() });

  if ("serviceWorker" in navigator && body.dataset.serviceWorker) {
    navigator.serviceWorker.register(body.dataset.serviceWorker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // Today's and the next 7 days' attendance pages, at most every half hour.
      var stamp = "shamy-pages-" + user;
      var last = Number(localStorage.getItem(stamp) || 0);
      if (!navigator.onLine || !body.dataset.offlinePages || Date.now() - last < 30 * 60 * 1000) return;
      return fetch(body.dataset.offlinePages, { credentials: "same-origin" }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (answer) {
        if (!answer || !registration.active) return;
        registration.active.postMessage({ type: "cache-pages", user: user, urls: answer.urls });
        localStorage.setItem(stamp, String(Date.now()));
      });
    }).catch(function () { /* the pages still work online */ });
  }

  // Signing out: warn while items are queued, then clear this user's queue and cached pages. The
  // worker drops the pages (it outlives this page); the queue is cleared here before leaving.
  var logout = document.getElementById("logout-form");
  if (logout) {
    logout.addEventListener("submit", function (event) {
      if (queued && !window.confirm(format(strings.signOutWarning, queued))) {
        event.preventDefault();
        return;
      }
      localStorage.removeItem("shamy-pages-" + user);
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "forget", user: user });
      }
      if (!queued) return;  // nothing of theirs in the queue: sign out at once
      event.preventDefault();
      var forget = [Queue.clear(user), Queue.setMeta({ name: "session", user: "", csrf: "" })];
      if (window.caches) forget.push(caches.delete("shamy-pages-" + user));
      Promise.all(forget).catch(function () {}).then(function () { logout.submit(); });
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "sent" && String(data.user) === String(user)) changed(data.results || []);
    });
  }
  window.addEventListener("online", send);
  window.addEventListener("offline", function () { changed([]); });
  // After the page's own scripts (deferred, like this one) have set up their listeners.
  if (document.readyState === "complete") send();
  else document.addEventListener("DOMContentLoaded", function () { send(); });
})();

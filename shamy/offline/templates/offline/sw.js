{% load static %}// Shamy's service worker (issue 13): hand-written, about a hundred lines, self-hosted (see the
// README, "Offline use"). It keeps the shell (styles, scripts, icons) and the pages a signed-in user
// opened (their sessions and attendance pages) so they open without a connection, and replays the
// device queue through Background Sync. Pages are cached per user and dropped at sign-out.
importScripts("{% static 'offline/queue-core.js' %}");

var SHELL = "shamy-shell-{{ version }}";
var SHELL_URLS = {{ shell_urls|safe }};
var STATIC_PREFIX = "{{ static_prefix }}";
// Pages kept for offline use: the user's sessions, attendance taking, the queue page.
var PAGES = {{ page_patterns|safe }}.map(function (pattern) { return new RegExp(pattern); });

function pagesCache(user) { return "shamy-pages-" + user; }

function sessionUser() {
  return self.ShamyQueue.getMeta("session").then(function (meta) { return meta && meta.user; }, function () { return ""; });
}

function keepable(url) {
  return url.origin === self.location.origin && PAGES.some(function (pattern) { return pattern.test(url.pathname); });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("shamy-shell-") === 0 && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function page(request) {
  // Network first, so online pages are always fresh; the copy serves only when the network fails.
  return fetch(request).then(function (response) {
    var url = new URL(request.url);
    if (response.ok && !response.redirected && keepable(url)) {
      var copy = response.clone();
      sessionUser().then(function (user) {
        if (user) caches.open(pagesCache(user)).then(function (cache) { cache.put(request.url, copy); });
      });
    }
    return response;
  }).catch(function () {
    return sessionUser().then(function (user) {
      if (!user) return Response.error();
      return caches.open(pagesCache(user)).then(function (cache) {
        return cache.match(request.url).then(function (hit) {
          return hit || cache.match("{{ queue_url }}").then(function (queue) { return queue || Response.error(); });
        });
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(SHELL).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "cache-pages" && data.user) {
    event.waitUntil(caches.open(pagesCache(data.user)).then(function (cache) {
      return Promise.all((data.urls || []).map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(url, response);
        }).catch(function () {});
      }));
    }));
  } else if (data.type === "forget" && data.user) {
    event.waitUntil(Promise.all([
      caches.delete(pagesCache(data.user)),
      self.ShamyQueue.setMeta({ name: "session", user: "", csrf: "" })
    ]));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag !== "shamy-queue") return;
  event.waitUntil(self.ShamyQueue.getMeta("session").then(function (meta) {
    if (!meta || !meta.user) return;
    return self.ShamyQueue.send(meta.user, meta.csrf, meta.maxAgeDays, meta.tooOld).then(function (results) {
      // The open pages show what the server answered (they did not send these themselves).
      return self.clients.matchAll({ type: "window" }).then(function (windows) {
        windows.forEach(function (client) { client.postMessage({ type: "sent", user: meta.user, results: results }); });
      });
    });
  }));
});

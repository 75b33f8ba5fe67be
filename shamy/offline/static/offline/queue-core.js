// The device queue of offline capture (issue 13), shared by the pages and the service worker.
//
// Every write made on this device (an attendance mark, a journal entry) is stored here first, in
// IndexedDB, with a key generated here (a UUID), and then sent in batches to its JSON API endpoint.
// The server applies each key at most once, so sending twice (a lost response, two tabs, the page
// and Background Sync at once) writes nothing twice. Items belong to the signed-in user who made
// them: only that user's items are counted, listed or sent.
(function (global) {
  "use strict";
  var DB_NAME = "shamy-offline";
  var BATCH = 100;

  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  function open() {
    var r = indexedDB.open(DB_NAME, 1);
    r.onupgradeneeded = function () {
      var db = r.result;
      db.createObjectStore("queue", { keyPath: "key" }).createIndex("user", "user");
      db.createObjectStore("meta", { keyPath: "name" });
    };
    return request(r);
  }

  // One store, one transaction: resolves with fn's result once the transaction has committed.
  function withStore(name, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(name, mode);
        var result;
        Promise.resolve(fn(transaction.objectStore(name))).then(function (value) { result = value; }, reject);
        transaction.oncomplete = function () { db.close(); resolve(result); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function uuid() {
    if (global.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  var Queue = {
    uuid: uuid,
    // item: {user, kind, url, field, payload, label, group}; the key and times are added here.
    add: function (item) {
      item.key = item.key || uuid();
      item.payload.key = item.key;
      item.created = new Date().toISOString();
      item.state = "waiting";
      item.detail = "";
      return withStore("queue", "readwrite", function (store) { return request(store.put(item)); }).then(function () { return item; });
    },
    list: function (user) {
      if (!user) return Promise.resolve([]);
      return withStore("queue", "readonly", function (store) {
        return request(store.index("user").getAll(String(user)));
      }).then(function (items) {
        return items.sort(function (a, b) { return a.created < b.created ? -1 : 1; });
      });
    },
    update: function (key, changes) {
      return withStore("queue", "readwrite", function (store) {
        return request(store.get(key)).then(function (item) {
          if (!item) return null;
          Object.assign(item, changes);
          return request(store.put(item)).then(function () { return item; });
        });
      });
    },
    remove: function (key) {
      return withStore("queue", "readwrite", function (store) { return request(store.delete(key)); });
    },
    // Every item of one user (signing out): nothing of theirs stays on the device.
    clear: function (user) {
      return Queue.list(user).then(function (items) {
        return withStore("queue", "readwrite", function (store) {
          return Promise.all(items.map(function (item) { return request(store.delete(item.key)); }));
        });
      });
    },
    getMeta: function (name) {
      return withStore("meta", "readonly", function (store) { return request(store.get(name)); });
    },
    setMeta: function (value) {
      return withStore("meta", "readwrite", function (store) { return request(store.put(value)); });
    },
    // Send the user's waiting items, endpoint by endpoint, in batches. Resolves with the server's
    // results ({key, outcome, detail, ...}); an item leaves the queue once the server has decided it
    // (applied, conflict, duplicate), stays "refused" with the reason otherwise, and stays waiting
    // when the connection or the server fails (rejects with the error then).
    // Items made more than ``maxAgeDays`` ago are not sent: the server keeps applied keys only that
    // long (OFFLINE_KEY_RETENTION_DAYS), so such an item could be applied twice. They stay on the
    // device as "expired" (with ``tooOld`` as the reason) for the person to see and discard.
    send: function (user, csrf, maxAgeDays, tooOld) {
      return Queue.list(user).then(function (items) {
        var oldest = maxAgeDays ? Date.now() - Number(maxAgeDays) * 86400000 : 0;
        var expired = items.filter(function (item) { return item.state === "waiting" && Date.parse(item.created) < oldest; });
        return Promise.all(expired.map(function (item) {
          item.state = "expired";
          item.detail = tooOld || "";
          return Queue.update(item.key, { state: "expired", detail: item.detail });
        })).then(function () { return items; });
      }).then(function (items) {
        var waiting = items.filter(function (item) { return item.state === "waiting"; });
        var groups = {};
        waiting.forEach(function (item) { (groups[item.url + " " + item.field] = groups[item.url + " " + item.field] || []).push(item); });
        var results = [];
        var chain = Promise.resolve();
        Object.keys(groups).forEach(function (name) {
          var group = groups[name];
          for (var start = 0; start < group.length; start += BATCH) {
            (function (batch) {
              chain = chain.then(function () { return Queue.sendBatch(batch, csrf); }).then(function (answers) {
                results.push.apply(results, answers);
              });
            })(group.slice(start, start + BATCH));
          }
        });
        return chain.then(function () { return results; });
      });
    },
    sendBatch: function (batch, csrf) {
      var body = {};
      body[batch[0].field] = batch.map(function (item) { return item.payload; });
      return fetch(batch[0].url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf || "" },
        body: JSON.stringify(body)
      }).then(function (response) {
        if (!response.ok) {
          var error = new Error("HTTP " + response.status);
          error.status = response.status;
          throw error;
        }
        return response.json();
      }).then(function (answer) {
        var byKey = {};
        batch.forEach(function (item) { byKey[item.key] = item; });
        return Promise.all(answer.results.map(function (result) {
          result.item = byKey[result.key];  // what was sent, for the page that shows it
          var done = result.outcome !== "refused";
          var next = done ? Queue.remove(result.key) : Queue.update(result.key, { state: "refused", detail: result.detail });
          return next.then(function () { return result; });
        }));
      });
    }
  };
  global.ShamyQueue = Queue;
})(typeof self !== "undefined" ? self : this);

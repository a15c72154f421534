// Offline reading: serves the guides a reader kept ("Keep on this phone") when
// the network fails. Registered only when the reader asks (offline.js), served
// at /offline-sw.js so its scope covers the guide pages. It stores nothing
// itself: offline.js puts each kept guide, its card and their CSS and scripts
// in a cache of their own, named PREFIX + the guide's path. Everything else
// goes to the network as if there were no worker.
"use strict";

var PREFIX = "faro-offline:";
// On a slow connection a kept page is shown from the phone after this long.
var NETWORK_WAIT_MS = 6000;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function keptCacheNames() {
  return caches.keys().then(function (names) {
    return names.filter(function (name) { return name.indexOf(PREFIX) === 0; });
  });
}

// The kept copy of `request` and the cache it is in, or null.
function findKept(request) {
  return keptCacheNames().then(function (names) {
    return names.reduce(function (found, name) {
      return found.then(function (kept) {
        if (kept) { return kept; }
        return caches.open(name).then(function (cache) {
          return cache.match(request, { ignoreVary: true }).then(function (response) {
            return response ? { cache: cache, response: response } : null;
          });
        });
      });
    }, Promise.resolve(null));
  });
}

function networkWithin(request, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("slow network")); }, ms);
    fetch(request).then(
      function (response) { clearTimeout(timer); resolve(response); },
      function (error) { clearTimeout(timer); reject(error); }
    );
  });
}

// Network first; the kept copy only when the network fails, is too slow or
// answers with a server error. A fresh answer replaces the kept copy, so a
// kept guide stays as current as the last time it was opened online.
function respond(request) {
  return findKept(request).then(function (kept) {
    if (!kept) { return fetch(request); }
    return networkWithin(request, NETWORK_WAIT_MS).then(
      function (response) {
        if (response.status >= 500) { return kept.response; }
        if (response.ok && response.type === "basic" && !response.redirected) {
          return kept.cache.put(request, response.clone()).then(
            function () { return response; },
            function () { return response; }
          );
        }
        return response;
      },
      function () { return kept.response; }
    );
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.headers.has("range")) { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (/^\/(admin|api|documents|media)\//.test(url.pathname)) { return; }
  event.respondWith(respond(request));
});

// "Keep on this phone": stores this guide, its wallet card and their CSS and
// scripts in a cache of the guide's own, and registers the worker that serves
// them with no network (/offline-sw.js). Nothing is stored and no worker is
// registered until the reader presses the button. The box stays hidden
// without JavaScript, a service worker or a secure context.
(function () {
  "use strict";
  var box = document.querySelector("[data-offline]");
  if (!box || !window.isSecureContext || !("serviceWorker" in navigator) || !window.caches) {
    return;
  }
  var PREFIX = "faro-offline:";
  var WORKER = "/offline-sw.js";
  var guide = window.location.pathname;
  var card = new URL(box.getAttribute("data-offline-card"), window.location.href).pathname;
  var cacheName = PREFIX + guide;
  var save = box.querySelector("[data-offline-save]");
  var remove = box.querySelector("[data-offline-remove]");
  var messages = box.querySelectorAll("[data-offline-message]");

  // state: "idle", "busy", "saved", "failed" or "removed".
  function show(state) {
    save.hidden = state === "saved" || state === "busy";
    save.disabled = state === "busy";
    remove.hidden = state !== "saved";
    for (var i = 0; i < messages.length; i++) {
      messages[i].hidden = messages[i].getAttribute("data-offline-message") !== state;
    }
  }

  // Same-origin stylesheets, scripts and images a document loads.
  function assetsOf(doc, base) {
    var urls = [];
    var elements = doc.querySelectorAll('link[rel~="stylesheet"][href], script[src], img[src]');
    for (var i = 0; i < elements.length; i++) {
      var url = new URL(elements[i].getAttribute("href") || elements[i].getAttribute("src"), base);
      if (url.origin === window.location.origin && urls.indexOf(url.href) < 0) {
        urls.push(url.href);
      }
    }
    return urls;
  }

  function registerWorker() {
    return navigator.serviceWorker.register(WORKER, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    });
  }

  // Unregister the worker once no guide is kept: it has nothing left to serve.
  function forgetWorkerIfNothingKept() {
    return caches.keys().then(function (names) {
      var kept = names.some(function (name) { return name.indexOf(PREFIX) === 0; });
      if (kept) { return null; }
      return navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (registration) { return registration.unregister(); }));
      });
    });
  }

  function keep() {
    show("busy");
    caches.open(cacheName).then(function (cache) {
      return cache.addAll([guide, card])
        .then(function () { return cache.match(card); })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var cardDocument = new DOMParser().parseFromString(html, "text/html");
          var cardUrl = new URL(card, window.location.href).href;
          var assets = assetsOf(document, window.location.href);
          assetsOf(cardDocument, cardUrl).forEach(function (url) {
            if (assets.indexOf(url) < 0) { assets.push(url); }
          });
          return cache.addAll(assets);
        });
    }).then(registerWorker).then(
      function () { show("saved"); },
      function () {
        // Half a guide is worse than none: drop what was stored.
        caches.delete(cacheName).then(forgetWorkerIfNothingKept).then(
          function () { show("failed"); },
          function () { show("failed"); }
        );
      }
    );
  }

  function forget() {
    show("busy");
    caches.delete(cacheName).then(forgetWorkerIfNothingKept).then(
      function () { show("removed"); },
      function () { show("saved"); }
    );
  }

  save.addEventListener("click", keep);
  remove.addEventListener("click", forget);

  // Checked without opening a cache or registering anything.
  Promise.all([caches.has(cacheName), navigator.serviceWorker.getRegistration("/")]).then(
    function (found) {
      var kept = found[0];
      var registration = found[1];
      if (kept && !registration) {
        // The reader kept this guide but the worker is gone: bring it back.
        navigator.serviceWorker.register(WORKER, { scope: "/" }).catch(function () {});
      } else if (!kept && registration) {
        // A worker left by an interrupted quick exit or removal.
        forgetWorkerIfNothingKept().catch(function () {});
      }
      show(kept ? "saved" : "idle");
      box.hidden = false;
    },
    function () {}
  );
})();

// Quick exit: replace this page with a neutral site so Back does not return.
// Without JavaScript the button is a plain link to the same place.
// Before leaving it deletes every guide kept for offline reading and the
// worker that serves them (know_your_rights/offline.js), waiting at most
// CLEAR_WAIT_MS: leaving fast matters more.
(function () {
  "use strict";
  var CLEAR_WAIT_MS = 400;
  var button = document.querySelector("[data-quick-exit]");
  if (!button) { return; }

  function forgetOfflineCopies() {
    var jobs = [];
    try {
      if (window.caches) {
        jobs.push(caches.keys().then(function (names) {
          return Promise.all(names.map(function (name) { return caches.delete(name); }));
        }));
      }
      if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
        jobs.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
          return Promise.all(registrations.map(function (registration) { return registration.unregister(); }));
        }));
      }
    } catch (error) {
      // Storage refused (e.g. a private mode that forbids it): nothing was kept.
    }
    return Promise.all(jobs);
  }

  var leaving = false;
  function leave(event) {
    if (event) { event.preventDefault(); }
    if (leaving) { return; }
    leaving = true;
    document.body.style.display = "none";
    var left = false;
    function go() {
      if (left) { return; }
      left = true;
      window.location.replace(button.href);
    }
    setTimeout(go, CLEAR_WAIT_MS);
    forgetOfflineCopies().then(go, go);
  }
  button.addEventListener("click", leave);
  var presses = [];
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 1500; });
    presses.push(now);
    if (presses.length >= 3) { leave(); }
  });
})();

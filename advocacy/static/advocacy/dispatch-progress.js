// Refresh the progress of the dispatches on an admin page without reloading it.
// Each `.faro-dispatch-progress[data-dispatch-id]` is updated from the JSON
// endpoint named by the nearest `[data-progress-url]`, every two seconds,
// until no dispatch on the page is still preparing or running.
(function () {
  "use strict";
  var ACTIVE = ["preparing", "running"];

  function boxes() {
    return Array.prototype.slice.call(document.querySelectorAll(".faro-dispatch-progress[data-dispatch-id]"));
  }

  function update(box, data) {
    var bar = box.querySelector("progress");
    if (bar) {
      bar.max = data.total || 1;
      bar.value = data.done;
      bar.textContent = data.percent + "%";
    }
    Object.keys(data).forEach(function (key) {
      var field = box.querySelector('[data-field="' + key + '"]');
      if (field) { field.textContent = data[key]; }
    });
    box.dataset.status = data.status;
  }

  function poll() {
    var all = boxes();
    var holder = document.querySelector("[data-progress-url]");
    if (!all.length || !holder) { return; }
    var ids = all.map(function (box) { return box.dataset.dispatchId; });
    var url = holder.dataset.progressUrl + "?ids=" + encodeURIComponent(ids.join(","));
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (payload) {
        if (!payload) { return; }
        var stillActive = false;
        payload.dispatches.forEach(function (data) {
          all.filter(function (box) { return box.dataset.dispatchId === String(data.id); })
            .forEach(function (box) { update(box, data); });
          if (ACTIVE.indexOf(data.status) !== -1) { stillActive = true; }
        });
        if (stillActive) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", poll);
  } else {
    poll();
  }
})();

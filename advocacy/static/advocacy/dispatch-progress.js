// Refresh the progress of the dispatches on an admin page without reloading it.
// Each `.faro-dispatch-progress[data-dispatch-id]` is updated from the JSON
// endpoint named by the nearest `[data-progress-url]`, every two seconds,
// until no dispatch on the page is still preparing or running. A dispatch's
// detail page also has `[data-failures-for]` (a table body): its rows are
// rewritten from the same answer, one per failure with its reason.
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

  function cell(row, value) {
    var td = document.createElement("td");
    td.textContent = value;  // text, never markup: a reason quotes a mail server
    row.appendChild(td);
    return td;
  }

  function showFailures(table, failures) {
    while (table.firstChild) { table.removeChild(table.firstChild); }
    if (!failures.length) {
      cell(table.appendChild(document.createElement("tr")), table.dataset.emptyText).colSpan = 4;
      return;
    }
    failures.forEach(function (failure) {
      var row = table.appendChild(document.createElement("tr"));
      [failure.delivery, failure.language, failure.attempts, failure.reason].forEach(function (value) {
        cell(row, value);
      });
    });
  }

  function poll() {
    var all = boxes();
    var holder = document.querySelector("[data-progress-url]");
    if (!all.length || !holder) { return; }
    var table = document.querySelector("[data-failures-for]");
    var ids = all.map(function (box) { return box.dataset.dispatchId; });
    var url = holder.dataset.progressUrl + "?ids=" + encodeURIComponent(ids.join(","));
    if (table) { url += "&failures=" + encodeURIComponent(table.dataset.failuresFor); }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (payload) {
        if (!payload) { return; }
        if (table && payload.failures && payload.failures[table.dataset.failuresFor]) {
          showFailures(table, payload.failures[table.dataset.failuresFor]);
        }
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

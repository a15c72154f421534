// The alert editor's text message, measured as it is typed: encoding,
// characters, segments and (for a saved alert, when a segment has a cost) the
// estimated cost. The server measures (one rule for the editor and for
// sending); this only asks, 300 ms after the last key, and shows its answer.
// With the field empty, the default text (title, summary, link) is measured.
(function () {
  "use strict";

  function pageId() {
    var match = window.location.pathname.match(/\/admin\/pages\/(\d+)\/edit\//);
    return match ? match[1] : "";
  }

  function setUp(field) {
    var output = document.createElement("p");
    output.className = "help faro-sms-measure";
    output.setAttribute("aria-live", "polite");
    field.parentNode.insertBefore(output, field.nextSibling);
    var title = document.getElementById("id_title");
    var summary = document.getElementById("id_summary");
    var timer = null;
    var asked = 0;

    function ask() {
      var number = ++asked;
      var params = new URLSearchParams({
        text: field.value,
        title: title ? title.value : "",
        summary: summary ? summary.value : "",
        page: pageId()
      });
      fetch(field.dataset.smsMeasureUrl + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || number !== asked) { return; }  // an older answer arriving late
          output.textContent = data.summary + (data.refusal ? " — " + data.refusal : "");
          output.dataset.segments = data.segments;
          output.dataset.encoding = data.encoding;
          output.classList.toggle("error-message", Boolean(data.refusal));
        })
        .catch(function () {});
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 300);
    }

    [field, title, summary].forEach(function (input) {
      if (input) { input.addEventListener("input", later); }
    });
    ask();
  }

  function start() {
    document.querySelectorAll("textarea[data-sms-measure-url]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

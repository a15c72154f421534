// Quick exit: replace this page with a neutral site so Back does not return.
// Without JavaScript the button is a plain link to the same place.
(function () {
  "use strict";
  var button = document.querySelector("[data-quick-exit]");
  if (!button) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.style.display = "none";
    window.location.replace(button.href);
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

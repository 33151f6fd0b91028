// The initiatives import page: while the server checks or imports the file (a large file takes
// minutes), the button is disabled and a status line says so, so nobody sends it twice.
(function () {
  "use strict";
  function watch() {
    var form = document.getElementById("import-form");
    var busy = document.getElementById("import-busy");
    if (!form || !busy) { return; }
    form.addEventListener("submit", function () {
      busy.hidden = false;
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();

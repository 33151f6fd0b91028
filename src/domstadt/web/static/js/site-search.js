// Suggestions for the header search box (issue 13): an ARIA combobox over /api/v1/search.
// Without this script the box is a plain GET form to /suche. User and stored text is
// inserted only with textContent (CSP is strict; no HTML strings).
(function () {
  "use strict";
  var input = document.getElementById("site-search-q");
  var list = document.getElementById("site-search-list");
  var status = document.getElementById("site-search-status");
  if (!input || !list || !window.fetch) { return; }
  var form = input.form;
  var timer = null;
  var controller = null;
  var active = -1;
  var options = [];

  function isSitePath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    options = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function select(index) {
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function addOption(title, detail, url) {
    var li = document.createElement("li");
    li.id = "site-search-option-" + options.length;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.dataset.url = url;
    li.textContent = title;
    if (detail) {
      var small = document.createElement("small");
      small.textContent = detail;
      li.appendChild(small);
    }
    li.addEventListener("mousedown", function (event) { event.preventDefault(); });
    li.addEventListener("click", function () { go(url); });
    list.appendChild(li);
    options.push(li);
  }

  function go(url) {
    if (isSitePath(url)) { window.location.assign(url); }
  }

  function show(data, query) {
    list.textContent = "";
    options = [];
    active = -1;
    var count = 0;
    (data.groups || []).forEach(function (group) {
      (group.hits || []).forEach(function (hit) {
        if (isSitePath(hit.url)) {
          addOption(hit.title, group.label + " (" + group.total + ")", hit.url);
          count += 1;
        }
      });
    });
    addOption(input.dataset.all || "Alle Ergebnisse", query, "/suche?q=" + encodeURIComponent(query));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    var found = (input.dataset.found || "%(count)s").replace("%(count)s", String(data.total));
    status.textContent = count ? found : (input.dataset.empty || "");
  }

  function suggest() {
    var query = input.value.trim();
    if (query.length < 2) { close(); return; }
    if (controller) { controller.abort(); }
    controller = new AbortController();
    var url = "/api/v1/search?per_kind=3&q=" + encodeURIComponent(query);
    fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && input.value.trim() === query) { show(data, query); } })
      .catch(function () { /* aborted or offline: the form still works */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, 120);
  });

  input.addEventListener("keydown", function (event) {
    var open = !list.hidden && options.length > 0;
    if (event.key === "ArrowDown" && open) {
      event.preventDefault();
      select(active + 1 < options.length ? active + 1 : 0);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      select(active > 0 ? active - 1 : options.length - 1);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      go(options[active].dataset.url);
    }
  });

  input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  if (form) { form.addEventListener("submit", function () { close(); }); }
})();

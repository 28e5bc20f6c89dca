// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";

  // Autosave a draft every few seconds after the last change; a stale version
  // (another tab saved first) shows a conflict message instead of overwriting.
  var form = document.querySelector("form[data-autosave]");
  if (form) {
    var status = document.getElementById("autosave-status");
    var timer = null;
    var save = function () {
      var data = new FormData(form);
      fetch(form.dataset.autosave, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken") },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().then(function (body) {
            return { ok: response.ok, body: body };
          });
        })
        .then(function (result) {
          if (result.ok) {
            form.querySelector("[name=version]").value = result.body.version;
            status.textContent = status.dataset.saved + " " + result.body.saved_at;
            status.className = "autosave ok";
          } else {
            status.textContent = result.body.message || status.dataset.failed;
            status.className = "autosave conflict";
          }
        })
        .catch(function () {
          status.textContent = status.dataset.failed;
          status.className = "autosave conflict";
        });
    };
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 3000);
    });
  }

  // Filter a long co-signer list as the member types.
  document.querySelectorAll("[data-filter-for]").forEach(function (input) {
    var select = document.getElementById(input.dataset.filterFor);
    input.addEventListener("input", function () {
      var needle = input.value.trim();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = needle !== "" && option.text.indexOf(needle) === -1 && !option.selected;
      });
    });
  });
})();

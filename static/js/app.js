// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Top bar: on a phone the menu folds behind one button.
  var toggle = document.querySelector("[data-nav-toggle]");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var bar = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = bar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // The to-do badge, when the page did not have it counted yet.
  var stale = document.querySelector("[data-todo-url]");
  if (stale) {
    fetch(stale.dataset.todoUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body || !body.count) { return; }
        document.querySelectorAll("[data-todo-badge]").forEach(function (badge) {
          badge.textContent = body.count;
          (badge.closest(".badge") || badge).hidden = false;
          badge.hidden = false;
        });
      })
      .catch(function () {});
  }
  // On a phone the filter bar folds to its search box until asked (or while filtering).
  var bar = document.querySelector("form.filter-bar[data-fold]");
  if (bar && !bar.hasAttribute("data-active") && window.matchMedia("(max-width: 40rem)").matches) {
    bar.classList.add("folded");
    var unfold = document.createElement("button");
    unfold.type = "button";
    unfold.className = "secondary";
    unfold.textContent = bar.dataset.fold;
    unfold.setAttribute("aria-expanded", "false");
    unfold.addEventListener("click", function () {
      var folded = bar.classList.toggle("folded");
      unfold.setAttribute("aria-expanded", folded ? "false" : "true");
    });
    bar.querySelector(".page-actions").append(unfold);
  }
  // Sorting applies as soon as it is chosen (the button stays for use without JavaScript).
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    var button = form.querySelector("[data-autosubmit-button]");
    if (button) { button.hidden = true; }
    form.addEventListener("change", function () { form.submit(); });
  });
  // Print the proposal as the 提案 form (the print stylesheet lays it out).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // Drop-down groups (<details>): one open at a time; Escape or a click elsewhere closes.
  var menus = document.querySelectorAll("details[data-menu]");
  var closeMenus = function (except) {
    menus.forEach(function (menu) {
      if (menu !== except) { menu.removeAttribute("open"); }
    });
  };
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) { closeMenus(menu); }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("details[data-menu]")) { closeMenus(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeMenus(null); }
  });

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

})();

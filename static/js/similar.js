/* Similar proposals while writing: after a pause in typing, the form asks the server for
   proposals like the title and text so far and shows them beside the form. Never blocks:
   a slow or failed answer is dropped, a newer keystroke cancels the older request. */
(function () {
  "use strict";
  var panel = document.querySelector("[data-similar]");
  if (!panel || !window.fetch) { return; }
  var fields = ["id_title", "id_background", "id_suggestions"]
    .map(function (id) { return document.getElementById(id); })
    .filter(Boolean);
  var PAUSE = 700, MIN_CHARS = 6;
  var timer = null, pending = null, last = "";
  var look = function () {
    var text = fields.map(function (f) { return f.value; }).join("\n").trim();
    if (text.length < MIN_CHARS || text === last) { return; }
    last = text;
    if (pending) { pending.abort(); }
    pending = window.AbortController ? new AbortController() : null;
    var url = panel.dataset.similar + "?text=" + encodeURIComponent(text.slice(0, 5000));
    if (panel.dataset.exclude) { url += "&exclude=" + panel.dataset.exclude; }
    fetch(url, { credentials: "same-origin", signal: pending ? pending.signal : undefined })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        panel.innerHTML = html;
        panel.hidden = !html.trim();
      })
      .catch(function () { /* offline or superseded: keep what is shown */ });
  };
  fields.forEach(function (field) {
    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(look, PAUSE);
    });
  });
  look();  // an opened draft shows its neighbours at once
})();

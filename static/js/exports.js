// Export job page: poll the job's status, move the progress bar, then show the link.
// Without JavaScript the page still shows the state it was rendered with.
(function () {
  "use strict";

  var box = document.getElementById("export-job");
  if (!box) {
    return;
  }
  var INTERVAL = 500;
  var MAX_FAILURES = 20;
  var FINAL = { done: true, failed: true };
  var bar = document.getElementById("export-progress");
  var status = document.getElementById("export-status");
  var count = document.getElementById("export-count");
  var percent = document.getElementById("export-percent");
  var download = document.getElementById("export-download");
  var link = document.getElementById("export-download-link");
  var error = document.getElementById("export-error");
  var failures = 0;

  var render = function (state) {
    box.dataset.status = state.status;
    status.textContent = state.status_label;
    status.className = "export-status export-status-" + state.status;
    if (state.total > 0) {
      bar.max = state.total;
      bar.value = state.status === "done" ? state.total : state.done;
    } else if (state.status === "done") {
      bar.max = 1;
      bar.value = 1;
    }
    bar.textContent = state.percent + "%";
    count.textContent = state.done + " / " + state.total;
    percent.textContent = state.percent;
    if (state.download_url) {
      link.href = state.download_url;
      download.hidden = false;
    }
    if (state.status === "failed") {
      error.textContent = state.error;
      error.hidden = false;
    }
  };

  var poll = function () {
    fetch(box.dataset.statusUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        render(state);
        if (!FINAL[state.status]) {
          window.setTimeout(poll, INTERVAL);
        }
      })
      .catch(function () {
        // A dropped request (network, server restart): try again, more slowly.
        failures += 1;
        if (failures < MAX_FAILURES) {
          window.setTimeout(poll, INTERVAL * 4);
        }
      });
  };

  if (!FINAL[box.dataset.status]) {
    poll();
  }
})();

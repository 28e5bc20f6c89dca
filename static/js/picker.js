// Searchable pickers over a plain <select> (which works on its own without JavaScript).
// <select data-picker="/api/v1/members/"> gets a search box that asks the API (?q= matches
// a name, its pinyin initials or a number) and shows the chosen ones as removable chips;
// the <select> stays in the form, hidden, and is what is submitted.
(function () {
  "use strict";

  var DELAY = 250;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function Picker(select, index) {
    this.select = select;
    this.multiple = select.multiple;
    this.url = select.dataset.picker;
    this.groups = select.dataset.pickerGroups ? JSON.parse(select.dataset.pickerGroups) : {};
    var id = "picker-" + index;
    this.box = el("div", { class: "picker" });
    this.chips = el("ul", { class: "chips picker-chips", "aria-label": select.dataset.pickerChosen || "已选" });
    this.input = el("input", {
      type: "search", class: "input picker-input", role: "combobox", autocomplete: "off",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": id + "-list",
      placeholder: select.dataset.pickerPlaceholder || "",
    });
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) { label.setAttribute("for", id + "-input"); }
    this.input.id = id + "-input";
    this.input.dataset.pickerFor = select.id;
    this.list = el("ul", { class: "picker-list", role: "listbox", id: id + "-list", hidden: "" });
    this.status = el("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
    this.box.append(this.chips, this.input, this.list, this.status);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.after(this.box);
    this.active = -1;
    this.timer = null;
    this.render();
    this.input.addEventListener("input", this.onInput.bind(this));
    this.input.addEventListener("keydown", this.onKey.bind(this));
    this.input.addEventListener("blur", function () {
      window.setTimeout(this.close.bind(this), 150);
    }.bind(this));
  }

  Picker.prototype.render = function () {
    var self = this;
    this.chips.textContent = "";
    Array.prototype.forEach.call(this.select.selectedOptions, function (option) {
      if (!option.value) { return; }
      var chip = el("li", { class: "chip" }, option.textContent);
      var remove = el("button", { type: "button", "aria-label": "移除 " + option.textContent }, "×");
      remove.addEventListener("click", function () {
        option.selected = false;
        self.select.dispatchEvent(new Event("change", { bubbles: true }));
        self.render();
        self.input.focus();
      });
      chip.append(remove);
      self.chips.append(chip);
    });
  };

  Picker.prototype.onInput = function () {
    window.clearTimeout(this.timer);
    var text = this.input.value.trim();
    if (!text) { this.close(); return; }
    this.timer = window.setTimeout(this.search.bind(this, text), DELAY);
  };

  Picker.prototype.search = function (text) {
    var self = this;
    var url = this.url + (this.url.indexOf("?") === -1 ? "?" : "&") + "page_size=20&q=" + encodeURIComponent(text);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (body) { self.show(body.results || [], text); })
      .catch(function () { self.show(self.local(text), text); });
  };

  // Offline or refused: the <select>'s own options, matched by name.
  Picker.prototype.local = function (text) {
    return Array.prototype.filter.call(this.select.options, function (option) {
      return option.value && option.textContent.indexOf(text) !== -1;
    }).map(function (option) { return { id: option.value, name: option.textContent }; });
  };

  Picker.prototype.show = function (rows, text) {
    var self = this;
    var allowed = {};
    Array.prototype.forEach.call(this.select.options, function (option) { allowed[option.value] = option; });
    rows = rows.filter(function (row) { return allowed[String(row.id)]; });
    this.list.textContent = "";
    this.active = -1;
    var lastGroup = null;
    rows.forEach(function (row, i) {
      var group = self.groups[row.kind];
      if (group && group !== lastGroup) {
        self.list.append(el("li", { class: "picker-group", role: "presentation" }, group));
        lastGroup = group;
      }
      var option = allowed[String(row.id)];
      var item = el("li", { role: "option", id: self.input.id + "-o" + i, "data-value": String(row.id),
        "aria-selected": option.selected ? "true" : "false" }, option.textContent);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); self.choose(item); });
      self.list.append(item);
    });
    if (!rows.length) { this.list.append(el("li", { class: "picker-empty", role: "presentation" }, "没有找到“" + text + "”")); }
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.status.textContent = rows.length ? "找到 " + rows.length + " 项" : "没有找到";
  };

  Picker.prototype.options = function () { return this.list.querySelectorAll("[role=option]"); };

  Picker.prototype.onKey = function (event) {
    var items = this.options();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!items.length) { return; }
      event.preventDefault();
      this.active = (this.active + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
      items.forEach(function (item, i) { item.classList.toggle("active", i === this.active); }, this);
      this.input.setAttribute("aria-activedescendant", items[this.active].id);
      items[this.active].scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter") {
      if (!this.list.hidden && items.length) {
        event.preventDefault();
        this.choose(items[Math.max(this.active, 0)]);
      }
    } else if (event.key === "Escape") {
      this.close();
    }
  };

  Picker.prototype.choose = function (item) {
    var value = item.dataset.value;
    Array.prototype.forEach.call(this.select.options, function (option) {
      if (option.value === value) { option.selected = true; }
      else if (!this.multiple) { option.selected = false; }
    }, this);
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
    this.render();
    this.input.value = "";
    this.close();
    this.input.focus();
  };

  Picker.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  document.querySelectorAll("select[data-picker]").forEach(function (select, i) {
    new Picker(select, i);
  });
})();

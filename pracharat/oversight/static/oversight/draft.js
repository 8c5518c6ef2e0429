/* Keeps a form's draft on the device while it is written (oversight's visit form).
 *
 * Every change is saved to localStorage under the form's data-draft key with the version the
 * server last saved (data-draft-version). Opening the page again with the same version (the
 * connection dropped before the form reached the server, the tab was closed) puts the draft
 * back; once the server has saved the form its version changes and the old draft is dropped.
 * Offline, sending is held back and the draft stays on the device. Without JavaScript the
 * form posts as usual and the server keeps the visit as a draft.
 */
(function () {
  "use strict";
  var PREFIX = "pracharat.draft.";

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" &&
        ["file", "hidden", "submit", "button", "password"].indexOf(el.type) === -1;
    });
  }

  function read(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name + "=" + el.value] = el.checked;
      } else if (el.tagName === "SELECT" && el.multiple) {
        data[el.name] = Array.prototype.filter.call(el.options, function (o) {
          return o.selected;
        }).map(function (o) { return o.value; });
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function write(form, data) {
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        var key = el.name + "=" + el.value;
        if (key in data) { el.checked = !!data[key]; }
      } else if (el.tagName === "SELECT" && el.multiple) {
        if (Array.isArray(data[el.name])) {
          Array.prototype.forEach.call(el.options, function (o) {
            o.selected = data[el.name].indexOf(o.value) !== -1;
          });
        }
      } else if (el.name in data) {
        el.value = data[el.name];
      }
    });
  }

  function say(form, text) {
    var box = form.querySelector("[data-draft-status]");
    if (box && text) { box.textContent = text; }
  }

  function clock() {
    var now = new Date();
    return ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
  }

  var store = storage();
  if (!store) { return; }

  Array.prototype.forEach.call(document.querySelectorAll("[data-draft-done]"), function (el) {
    store.removeItem(PREFIX + el.getAttribute("data-draft-done"));
  });

  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), function (form) {
    var key = PREFIX + form.getAttribute("data-draft");
    var version = form.getAttribute("data-draft-version") || "";
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && saved.version === version && !form.hasAttribute("data-draft-bound")) {
      write(form, saved.data || {});
      form.setAttribute("data-draft-restored", "1");
      say(form, form.getAttribute("data-msg-restored"));
    } else if (saved && saved.version !== version) {
      store.removeItem(key);
    }

    function save() {
      try {
        store.setItem(key, JSON.stringify({ version: version, data: read(form) }));
        say(form, (form.getAttribute("data-msg-saved") || "") + " " + clock());
      } catch (e) { /* storage full: the server still keeps the draft */ }
    }

    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function (event) {
      save();
      if (navigator.onLine === false) {
        event.preventDefault();
        say(form, form.getAttribute("data-msg-offline"));
      }
    });
    window.addEventListener("offline", function () { say(form, form.getAttribute("data-msg-offline")); });
  });
})();

// Copy buttons (progressive enhancement): a <button data-copy="text" hidden> is shown only
// when the browser can copy, and copies its text; without JavaScript the amount stays in
// the page as text to select.
(function () {
  "use strict";
  if (!navigator.clipboard || !navigator.clipboard.writeText) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        button.textContent = button.getAttribute("data-copied") || label;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();

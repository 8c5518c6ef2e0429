// The trainer's check-in screen: count the seconds down and, when the code's step ends, fetch
// the new QR code and short code in place (without JavaScript a <noscript> meta refresh
// reloads the page instead).
(function () {
  "use strict";
  function schedule(box) {
    var left = parseInt(box.getAttribute("data-left"), 10) || 1;
    var label = box.querySelector(".left");
    var timer = setInterval(function () {
      left -= 1;
      if (label && left >= 0) label.textContent = String(left);
      if (left <= 0) {
        clearInterval(timer);
        refresh(box);
      }
    }, 1000);
  }
  function refresh(box) {
    fetch(box.getAttribute("data-part"), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#qr");
        if (!fresh) throw new Error("no code");
        box.replaceWith(fresh);
        schedule(fresh);
      })
      .catch(function () { setTimeout(function () { window.location.reload(); }, 2000); });
  }
  var box = document.getElementById("qr");
  if (box) schedule(box);
})();

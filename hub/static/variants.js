/* Live character counters for the item form's per-channel variant texts.
 *
 * Every textarea with data-limit gets "n/limit" in the element named by its
 * data-counter attribute, updated as the creator types, marked .error over the limit.
 * A channel that counts its own way (X: links as 23, emoji as 2) gives a
 * data-count-url: the text is POSTed there as JSON {"text": ...} and the answer
 * {"length", "limit", "valid"} is shown instead. Without one, Unicode characters are
 * counted in the browser. The empty variant falls back to the main text (#body), so
 * that is what is counted then.
 */
(function () {
  "use strict";
  function csrfToken() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }
  function attach(area) {
    var out = document.getElementById(area.dataset.counter);
    var body = document.getElementById("body");
    var limit = parseInt(area.dataset.limit, 10);
    var timer = null;
    if (!out || !limit) { return; }
    function text() { return area.value || (body ? body.value : ""); }
    function show(length, valid) {
      out.textContent = length + "/" + limit;
      out.classList.toggle("error", !valid);
    }
    function update() {
      var value = text();
      if (!area.dataset.countUrl) {
        var n = Array.from(value).length;
        show(n, n <= limit);
        return;
      }
      fetch(area.dataset.countUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ text: value }),
        credentials: "same-origin"
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (data) { show(data.length, data.valid); }
      }).catch(function () {});
    }
    function later() { clearTimeout(timer); timer = setTimeout(update, 200); }
    area.addEventListener("input", later);
    if (body) { body.addEventListener("input", later); }
    update();
  }
  document.querySelectorAll("textarea[data-limit]").forEach(attach);
}());

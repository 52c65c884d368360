/* Live X character count for a variant text field.
 *
 * Mark the textarea with data-social-count="x" and put an element with
 * id="<textarea id>-count" next to it. The count comes from the hub
 * (POST /social/count), which counts the way X does: links 23, CJK and emoji 2.
 */
(function () {
  "use strict";
  function csrfToken() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }
  function attach(area) {
    var out = document.getElementById(area.id + "-count");
    if (!out) { return; }
    var timer = null;
    function update() {
      fetch(area.dataset.socialCountUrl || "/social/count", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ text: area.value }),
        credentials: "same-origin"
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (!data) { return; }
        out.textContent = data.length + "/" + data.limit;
        out.classList.toggle("error", !data.valid);
      });
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 250);
    });
    update();
  }
  document.querySelectorAll("textarea[data-social-count]").forEach(attach);
}());

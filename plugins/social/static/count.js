/* Live X character count for a variant text field.
 *
 * Attaches to the item form's X variant (textarea name="text_x") and to any textarea
 * marked data-social-count="x"; shows "n/280" in the element id="<textarea id>-count",
 * created after the textarea when the page has none. The count comes from the hub
 * (POST /social/count), which counts the way X does: links 23, CJK and emoji 2.
 * Include it with <script src="{{ url_for('social.static', filename='count.js') }}" defer>.
 */
(function () {
  "use strict";
  function csrfToken() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }
  function attach(area) {
    var out = document.getElementById(area.id + "-count");
    if (!out) {
      out = document.createElement("span");
      out.id = area.id + "-count";
      out.className = "muted";
      out.setAttribute("aria-live", "polite");
      area.insertAdjacentElement("afterend", out);
    }
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
  document.querySelectorAll('textarea[data-social-count], textarea[name="text_x"]').forEach(attach);
}());

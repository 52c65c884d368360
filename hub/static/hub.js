// The hub's one script for every page (CSP: 'self', nothing inline).
// A destructive button asks first: <button data-confirm="...">. Without JavaScript the
// form is sent as is; the server still checks who may do it.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var text = (button && button.dataset && button.dataset.confirm) || event.target.dataset.confirm;
  if (text && !window.confirm(text)) {
    event.preventDefault();
  }
});

// The item form: a channel's own fields (title, text, options) show only while the channel is
// chosen, so the form is as long as what the person is doing. Without JavaScript all show.
function hubSyncVariant(box) {
  var variant = box.closest(".channel-variant");
  if (variant) {
    variant.classList.toggle("unchosen", !box.checked);
  }
}
document.addEventListener("change", function (event) {
  if (event.target.matches && event.target.matches(".channel-variant input[name=channel]")) {
    hubSyncVariant(event.target);
  }
});
document.querySelectorAll(".channel-variant input[name=channel]").forEach(hubSyncVariant);

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

// The inbox's bulk selection: once an item is ticked, the items at another step (or another
// workflow version) cannot be ticked with it. Without JavaScript the server refuses a mixed
// selection and says why.
document.addEventListener("change", function (event) {
  if (!(event.target.matches && event.target.matches("#bulk input[name=item]"))) {
    return;
  }
  var boxes = document.querySelectorAll("#bulk input[name=item]");
  var ticked = Array.prototype.find.call(boxes, function (box) { return box.checked; });
  boxes.forEach(function (box) {
    box.disabled = Boolean(ticked) && box.dataset.group !== ticked.dataset.group;
  });
});

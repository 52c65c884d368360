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

// mieruka's own script: small additions to htmx, nothing fetched from elsewhere.
// After htmx replaces the main content (the period switch), move the keyboard focus there so
// keyboard and screen-reader users land on the new content.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail && event.detail.target;
  if (target && target.id === "main") {
    target.focus({ preventScroll: true });
  }
});

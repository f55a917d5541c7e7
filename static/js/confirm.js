// A form with data-confirm asks before it is sent (instead of an inline onsubmit handler,
// which the Content-Security-Policy forbids).
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

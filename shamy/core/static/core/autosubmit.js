// A <select data-autosubmit> submits its form when changed (instead of an inline onchange,
// which the Content-Security-Policy forbids). The form still has its own submit button.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
})();

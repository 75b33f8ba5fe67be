// Skip logic on the page: a question with data-show-if is shown only while the answer to the
// question it names is one of data-show-if-values. The server applies the same rule on saving.
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) { return; }
  function answers(name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      if (input.value) { values.push(String(parseFloat(input.value) == input.value ? parseFloat(input.value) : input.value)); }
    });
    return values;
  }
  function apply() {
    form.querySelectorAll("[data-show-if]").forEach(function (fieldset) {
      var wanted = fieldset.getAttribute("data-show-if-values").split(",");
      var given = answers(fieldset.getAttribute("data-show-if"));
      fieldset.hidden = !given.some(function (value) { return wanted.indexOf(value) !== -1; });
    });
  }
  form.addEventListener("change", apply);
  apply();
})();

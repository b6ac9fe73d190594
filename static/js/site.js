/* Site, phone and partner pages: behaviour that used to sit in inline handlers
   (the pages run under a Content-Security-Policy without 'unsafe-inline'). */
(function () {
  "use strict";
  // <select data-autosubmit>: a filter applies as soon as it changes
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
  });
  // <button data-confirm="…">: ask before a form goes out
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();

/* Cluster 6: small behaviours of every page, without inline event handlers (Content-Security-Policy):
 *   data-confirm="question"  on a button or link: asks before it acts;
 *   data-autosubmit          on a select: submits its form when the choice changes.
 * Delegated from the document, so that content htmx swaps in behaves the same. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-autosubmit]") && target.form) target.form.submit();
  });
})();

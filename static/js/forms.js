/* A POST form is sent once per click: a double click, or a second click while the first is
   still on its way, used to post twice (two drafts, two identical alerts, two invitations).
   After the first submit of a form its later submits are cancelled and its submit buttons
   are disabled; they come back when the page is shown again from the back-forward cache.
   Applies to every POST form; a form that must be sendable again without leaving the page
   (a download, say) opts out with data-resubmit="allow". Loaded by templates/base.html. */
(function () {
  "use strict";

  var SENT = "sent"; // form.dataset.submitState once submitted
  var MARK = "data-disabled-on-submit"; // on the buttons this script disabled

  function submitButtons(form) {
    // form.elements includes buttons outside the form that name it with form="...".
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "submit" || element.type === "image";
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method !== "post") {
      return;
    }
    if (form.dataset.resubmit === "allow" || event.defaultPrevented) {
      return;
    }
    if (form.dataset.submitState === SENT) {
      event.preventDefault();
      return;
    }
    form.dataset.submitState = SENT;
    // Disabled after this event, not during it: the browser leaves a disabled submitter's
    // name and value out of what it sends (e.g. which of "Save draft" and "Submit" it was).
    window.setTimeout(function () {
      submitButtons(form).forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute(MARK, "");
        }
      });
    }, 0);
  });

  // Back to a page kept in the back-forward cache: its forms are as they were left, sent.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    Array.prototype.forEach.call(document.forms, function (form) {
      delete form.dataset.submitState;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[" + MARK + "]"), function (button) {
      button.disabled = false;
      button.removeAttribute(MARK);
    });
  });
})();

// Every destructive action asks first. htmx asks only for requests it issues from an element that
// itself carries hx-confirm (a form's confirm covers all its buttons); a plain form, or one button
// of an htmx form, would submit without a question. This closes both gaps.
(function () {
  "use strict";
  var REQUEST_ATTRS = ["hx-post", "hx-get", "hx-put", "hx-patch", "hx-delete"];

  function issuesOwnRequest(element) {
    return REQUEST_ATTRS.some(function (name) { return element.hasAttribute(name); });
  }

  function htmxForm(form) {
    return issuesOwnRequest(form) || form.closest("[hx-boost='true']") !== null;
  }

  // A submit button with its own question that htmx would not ask (it has no request of its own).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[hx-confirm], input[type=submit][hx-confirm]");
    if (!button || issuesOwnRequest(button) || button.type !== "submit" || !button.form) return;
    if (!window.confirm(button.getAttribute("hx-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    } else {
      button.dataset.confirmed = "1";
    }
  }, true);

  // A plain (non-htmx) form with a question on the form itself.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    if (submitter && submitter.dataset.confirmed === "1") {
      delete submitter.dataset.confirmed;
      return;
    }
    if (htmxForm(form) || !form.hasAttribute("hx-confirm")) return;
    if (!window.confirm(form.getAttribute("hx-confirm"))) event.preventDefault();
  }, true);
})();

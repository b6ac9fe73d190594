/* Admin behaviour without inline script (the admin runs under a
   Content-Security-Policy): scoped choosers, Wagtail's date pickers and the
   confirm-before-submit buttons start from data attributes. */
(function () {
  "use strict";
  if (window.academyAdminStarted) return;
  window.academyAdminStarted = true;

  function startChoosers(root) {
    root.querySelectorAll("[data-academy-chooser]").forEach(function (el) {
      if (el.dataset.started || !window.Chooser) return;
      el.dataset.started = "1";
      new window.Chooser(el.dataset.academyChooser, JSON.parse(el.dataset.academyOptions));
    });
    root.querySelectorAll("[data-academy-multichooser]").forEach(function (box) {
      if (box.dataset.started) return;
      box.dataset.started = "1";
      var list = box.querySelector(".academy-multichooser__list");
      function add(item) {
        if (list.querySelector('[data-id="' + item.id + '"]')) return;
        var li = document.createElement("li");
        li.className = "academy-multichooser__item";
        li.dataset.id = item.id;
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = box.dataset.name;
        input.value = item.id;
        var label = document.createElement("span");
        label.textContent = item.title;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button button-small button-secondary";
        remove.setAttribute("data-academy-remove", "");
        remove.textContent = box.dataset.removeText;
        li.append(input, label, remove);
        list.appendChild(li);
      }
      box.addEventListener("click", function (event) {
        var remove = event.target.closest("[data-academy-remove]");
        if (remove) {
          remove.closest("li").remove();
          return;
        }
        if (!event.target.closest("[data-academy-add]")) return;
        window.ModalWorkflow({
          url: box.dataset.modalUrl,
          urlParams: { multiple: 1 },
          onload: new window.ChooserModalOnloadHandlerFactory().getOnLoadHandlers(),
          responses: {
            chosen: function (result) {
              (Array.isArray(result) ? result : [result]).forEach(add);
            },
          },
        });
      });
    });
  }

  function startDatePickers(root) {
    root.querySelectorAll("[data-academy-date-chooser]").forEach(function (el) {
      if (el.dataset.started) return;
      var init = window[el.dataset.academyDateChooser];
      if (typeof init !== "function") return;
      el.dataset.started = "1";
      init(el.dataset.target, JSON.parse(el.dataset.config || "{}"));
    });
  }

  function startInlinePanels(root) {
    root.querySelectorAll("[data-academy-inline-panel]").forEach(function (el) {
      if (el.dataset.started || !window.InlinePanel) return;
      el.dataset.started = "1";
      new window.InlinePanel(JSON.parse(el.dataset.academyInlinePanel));
    });
  }

  function start() {
    startChoosers(document);
    startDatePickers(document);
    startInlinePanels(document);
    // forms added later (inline panel rows, modals) start the same way
    new MutationObserver(function () {
      startChoosers(document);
      startDatePickers(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  document.addEventListener("submit", function (event) {
    var question = event.submitter && event.submitter.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

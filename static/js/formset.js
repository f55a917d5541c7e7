/*
 * Ordered Django formsets without dependencies.
 *
 * Markup (templates/plans/_formset.html):
 *   <div data-formset="PREFIX">              management form, rows and an empty-row template
 *     <… data-formset-body> <… data-formset-row> … </…>
 *     <template data-formset-empty> one row rendered with __prefix__ </template>
 *     <button data-formset-add>Thêm dòng</button>
 *   Inside a row: [data-formset-up], [data-formset-down], [data-formset-delete] buttons and a
 *   [data-formset-number] label. Each row has hidden PREFIX-N-ORDER and PREFIX-N-DELETE inputs.
 *
 * "Lên"/"Xuống" move the row and rewrite every ORDER value from the order on screen;
 * "Thêm dòng" clones the empty row with the next index and raises TOTAL_FORMS;
 * "Xóa" ticks DELETE (pressing it again un-ticks it). Formsets may be nested (a row may
 * hold its own formset): every lookup keeps to the elements of its own formset.
 */
(function () {
  "use strict";

  function own(container, selector) {
    return Array.prototype.filter.call(container.querySelectorAll(selector), function (el) {
      return el.closest("[data-formset]") === container;
    });
  }

  function bodyOf(container) {
    return own(container, "[data-formset-body]")[0];
  }

  function rowsOf(container) {
    var body = bodyOf(container);
    return Array.prototype.filter.call(body.children, function (el) {
      return el.matches("[data-formset-row]");
    });
  }

  function rowField(container, row, name) {
    var prefix = container.getAttribute("data-formset");
    var pattern = new RegExp("^" + prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "-\\d+-" + name + "$");
    return Array.prototype.find.call(row.querySelectorAll("input"), function (input) {
      return pattern.test(input.name);
    });
  }

  function inRow(row, selector) {
    return Array.prototype.filter.call(row.querySelectorAll(selector), function (el) {
      return el.closest("[data-formset-row]") === row;
    });
  }

  function isTicked(input) {
    return !!input && ["on", "true", "True", "1"].indexOf(input.value) !== -1;
  }

  function renumber(container) {
    var rows = rowsOf(container);
    rows.forEach(function (row, index) {
      var order = rowField(container, row, "ORDER");
      if (order) {
        order.value = String(index + 1);
      }
      inRow(row, "[data-formset-number]").forEach(function (label) {
        label.textContent = String(index + 1);
      });
      inRow(row, "[data-formset-up]").forEach(function (button) {
        button.disabled = index === 0;
      });
      inRow(row, "[data-formset-down]").forEach(function (button) {
        button.disabled = index === rows.length - 1;
      });
      var depth = row.querySelector("select[name$='-depth']");
      if (depth) {
        row.setAttribute("data-depth", depth.value);
      }
    });
  }

  function showDeleted(container, row) {
    var input = rowField(container, row, "DELETE");
    var ticked = isTicked(input);
    row.classList.toggle("to-delete", ticked);
    inRow(row, "[data-formset-delete]").forEach(function (button) {
      button.setAttribute("aria-pressed", ticked ? "true" : "false");
      button.textContent = ticked ? "Bỏ xóa" : "Xóa";
    });
  }

  function addRow(container) {
    var prefix = container.getAttribute("data-formset");
    var total = own(container, "input[name='" + prefix + "-TOTAL_FORMS']")[0];
    var template = own(container, "template[data-formset-empty]")[0];
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement(bodyOf(container).tagName === "TBODY" ? "tbody" : "div");
    if (holder.tagName === "TBODY") {
      var table = document.createElement("table");
      table.appendChild(holder);
    }
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.querySelector("[data-formset-row]");
    bodyOf(container).appendChild(row);
    total.value = String(index + 1);
    renumber(container);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
    return row;
  }

  function move(container, row, step) {
    var rows = rowsOf(container);
    var index = rows.indexOf(row);
    var target = rows[index + step];
    if (!target) {
      return;
    }
    if (step < 0) {
      target.parentNode.insertBefore(row, target);
    } else {
      target.parentNode.insertBefore(target, row);
    }
    renumber(container);
    var button = inRow(row, step < 0 ? "[data-formset-up]" : "[data-formset-down]")[0];
    if (button && !button.disabled) {
      button.focus();
    }
  }

  function toggleDelete(container, row) {
    var input = rowField(container, row, "DELETE");
    if (!input) {
      return;
    }
    input.value = isTicked(input) ? "" : "on";
    showDeleted(container, row);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add], [data-formset-up], [data-formset-down], [data-formset-delete]");
    if (!button) {
      return;
    }
    event.preventDefault();
    if (button.matches("[data-formset-add]")) {
      addRow(button.closest("[data-formset]"));
      return;
    }
    var row = button.closest("[data-formset-row]");
    var container = row.closest("[data-formset]");
    if (button.matches("[data-formset-up]")) {
      move(container, row, -1);
    } else if (button.matches("[data-formset-down]")) {
      move(container, row, 1);
    } else {
      toggleDelete(container, row);
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name$='-depth']")) {
      var row = event.target.closest("[data-formset-row]");
      if (row) {
        row.setAttribute("data-depth", event.target.value);
      }
    }
  });

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-formset]"), function (container) {
      renumber(container);
      rowsOf(container).forEach(function (row) {
        showDeleted(container, row);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

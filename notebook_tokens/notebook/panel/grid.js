// The panel's token table (anywidget front end): a checkbox per row, sortable headers, pages.
// The kernel owns the rows: it sorts and pages them and sends only the current page (`rows`), so a
// 1,000-token list costs one widget model and one page of DOM. This file only draws and reports clicks
// (`selected`, `sort_by`, `descending`, `page`). Every value goes in through textContent, never innerHTML.

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function badge(status) {
  const span = el("span", "nt-badge", status);
  span.dataset.status = status.replace(/ /g, "-");
  return span;
}

function cell(row, key) {
  const td = el("td");
  if (key === "id") {
    td.className = "nt-id";
    td.title = row.id; // the full id on hover; copy takes it from the title
    td.append(row.short);
    if (row.in_use) td.append(" ", badge("in use"));
  } else if (key === "status") {
    td.append(badge(row.status));
  } else if (key === "expires" || key === "last_used") {
    const hint = key === "expires" ? row.expires_left : row.unused_left;
    td.append(row[key] || "—");
    if (hint) td.append(el("span", "nt-left", hint));
  } else {
    if (key === "comment" || key === "owner" || key === "scopes") td.className = "nt-" + key;
    td.append(row[key] || "");
  }
  return td;
}

function render({ model, el: host }) {
  const root = el("div", "nt-view nt-panel nt-grid");
  host.appendChild(root);

  function setSelected(ids) {
    model.set("selected", ids);
    model.save_changes();
  }

  function header(columns, rows, selected) {
    const tr = el("tr");
    const all = el("input");
    all.type = "checkbox";
    all.className = "nt-select-page";
    all.title = "Select the tokens on this page";
    all.checked = rows.length > 0 && rows.every((row) => selected.has(row.id));
    all.addEventListener("change", () => {
      const next = new Set(selected);
      for (const row of rows) all.checked ? next.add(row.id) : next.delete(row.id);
      setSelected([...next]);
    });
    const first = el("th", "nt-check");
    first.append(all);
    tr.append(first);
    for (const [key, label] of columns) {
      const th = el("th");
      const active = model.get("sort_by") === key;
      th.setAttribute("aria-sort", active ? (model.get("descending") ? "descending" : "ascending") : "none");
      const button = el("button", "nt-sort", label + (active ? (model.get("descending") ? " ▼" : " ▲") : ""));
      button.type = "button";
      button.title = "Sort by " + label;
      button.addEventListener("click", () => {
        model.set("descending", active ? !model.get("descending") : false);
        model.set("sort_by", key);
        model.save_changes();
      });
      th.append(button);
      tr.append(th);
    }
    return tr;
  }

  function body(columns, rows, selected) {
    const tbody = el("tbody");
    for (const row of rows) {
      const tr = el("tr", row.in_use ? "nt-in-use" : "");
      tr.dataset.tokenId = row.id;
      const box = el("input", "nt-select");
      box.type = "checkbox";
      box.value = row.id;
      box.checked = selected.has(row.id);
      box.setAttribute("aria-label", "Select token " + row.short);
      box.addEventListener("change", () => {
        const next = new Set(model.get("selected"));
        box.checked ? next.add(row.id) : next.delete(row.id);
        setSelected([...next]);
      });
      const check = el("td", "nt-check");
      check.append(box);
      tr.append(check, ...columns.map(([key]) => cell(row, key)));
      tbody.append(tr);
    }
    if (!rows.length) {
      const td = el("td", "nt-empty", model.get("empty"));
      td.colSpan = columns.length + 1;
      tbody.append(el("tr")).append(td);
    }
    return tbody;
  }

  function pager(selected) {
    const total = model.get("total");
    const size = model.get("page_size");
    const page = model.get("page");
    const pages = Math.max(1, Math.ceil(total / size));
    const bar = el("div", "nt-pager");
    const first = total ? page * size + 1 : 0;
    const last = Math.min(total, (page + 1) * size);
    bar.append(el("span", "nt-count", `${first}–${last} of ${total}` + (selected.size ? ` · ${selected.size} selected` : "")));
    for (const [label, target] of [["‹ Previous", page - 1], ["Next ›", page + 1]]) {
      const button = el("button", "nt-page", label);
      button.type = "button";
      button.disabled = target < 0 || target >= pages;
      button.addEventListener("click", () => {
        model.set("page", target);
        model.save_changes();
      });
      bar.append(button);
    }
    return bar;
  }

  function draw() {
    const columns = model.get("columns");
    const rows = model.get("rows");
    const selected = new Set(model.get("selected"));
    const table = el("table", "nt-table" + (model.get("wide") ? " nt-wide" : ""));
    const thead = el("thead");
    thead.append(header(columns, rows, selected));
    table.append(thead, body(columns, rows, selected));
    const scroll = el("div", "nt-scroll");
    scroll.append(table);
    root.replaceChildren(scroll, pager(selected));
  }

  const events = ["rows", "selected", "sort_by", "descending", "page", "total", "columns"];
  for (const name of events) model.on(`change:${name}`, draw);
  draw();
  return () => {
    for (const name of events) model.off(`change:${name}`, draw);
  };
}

export default { render };

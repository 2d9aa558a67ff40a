// The app's own panels (anywidget ES module; shared.js is inlined by the Python side).
//
// One module for every panel of wb.app: the model's `panel` trait says which view to draw
// (tabs, search, codebook, journal, people, patterns, export). Every control is a real button,
// input or select with a label, so each panel works from the keyboard and is read out.
import { h, clear, guardShortcuts, WidgetView, saveOnCtrlEnter } from "./shared.js";

const KINDS = ["reflexive", "analytic"];
const PANEL_LABELS = { tabs: "Workbench tabs", search: "Search the stories", codebook: "Codebook editor",
  journal: "My journal", people: "People and stories", patterns: "Patterns", export: "Export" };

function download(file) {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
  const link = h("a", { href: url, download: file.name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function labelled(text, control) {
  return h("label", { class: "wb-app-field" }, h("span", { text }), control);
}

function options(select, items, chosen) {
  clear(select);
  for (const item of items) {
    const [value, label] = Array.isArray(item) ? item : [item, item];
    select.append(h("option", { value, text: label, selected: value === chosen }));
  }
}

class Panel extends WidgetView {
  constructor(model, el, keys) {
    super(model, el);
    const name = model.get("panel");
    this.root = h("section", { class: `wb-widget wb-app-panel wb-app-${name}`, "data-wb": `app-${name}`,
      "aria-label": PANEL_LABELS[name] || name });
    this.statusEl = h("p", { class: "wb-app-status", role: "status", "aria-live": "polite" });
    this.build();
    if (["codebook", "journal", "people"].includes(model.get("panel"))) {
      this.root.prepend(h("button", { type: "button", class: "wb-app-reload", "data-wb": "app-reload", text: "Read again",
        title: "Show what others changed since this tab opened", onclick: () => this.ask("reload", {}, "Reading…", "Up to date.") }));
    }
    this.root.append(this.statusEl, this.buildErrorBox("app-"));
    guardShortcuts(this.root);
    this.el.append(this.root);
    this.watch(keys);
    for (const key of keys) this.dirty.add(key);
    this.flush();
  }

  /** Send a request; say `doing` now and `done` (or the error) when the kernel answers. */
  ask(type, payload, doing, done, then) {
    this.hideError();
    this.setStatus(doing);
    this.request(type, payload, (reply) => {
      this.setStatus(reply.ok ? reply.said || done : "");
      if (reply.ok && reply.download) download(reply.download);
      if (then) then(reply);
    });
  }
}

class TabsView extends Panel {
  constructor(model, el) { super(model, el, ["tabs", "tab"]); }

  build() {
    this.list = h("div", { role: "tablist", class: "wb-app-tabs", "aria-label": "Workbench" });
    this.list.addEventListener("keydown", (e) => this.onKey(e));
    this.root.append(this.list);
  }

  onKey(e) {
    const buttons = [...this.list.querySelectorAll('[role="tab"]')];
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = buttons[(to + buttons.length) % buttons.length];
    next.focus();
    this.choose(next.dataset.tab);
  }

  choose(key) {
    this.model.set("tab", key);
    this.model.save_changes();
  }

  draw(d) {
    if (d.has("tabs")) {
      clear(this.list);
      for (const { key, label } of this.model.get("tabs")) {
        this.list.append(h("button", { type: "button", role: "tab", "data-wb": "tab", "data-tab": key, text: label,
          onclick: () => this.choose(key) }));
      }
    }
    const tab = this.model.get("tab");
    for (const button of this.list.querySelectorAll('[role="tab"]')) {
      const on = button.dataset.tab === tab;
      button.setAttribute("aria-selected", String(on));
      button.tabIndex = on ? 0 : -1;
    }
  }
}

class SearchView extends Panel {
  constructor(model, el) { super(model, el, ["hits", "summary", "codes"]); }

  build() {
    this.input = h("input", { type: "search", "data-wb": "search-input", "aria-label": "Search the stories" });
    this.input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); this.go(); } });
    this.scope = h("select", { "data-wb": "search-scope", "aria-label": "Where to search" });
    options(this.scope, [["all", "All stories"], ["story", "This story"]], "all");
    this.code = h("select", { "data-wb": "search-code", "aria-label": "Code to apply to a hit" });
    const button = h("button", { type: "button", "data-wb": "search-go", text: "Search", onclick: () => this.go() });
    this.summaryEl = h("p", { "data-wb": "search-summary", "aria-live": "polite" });
    this.list = h("ol", { class: "wb-app-hits", "data-wb": "search-hits", "aria-label": "Search results" });
    this.root.append(h("h3", { text: "Search" }), h("div", { class: "wb-app-row" }, labelled("Words", this.input),
      labelled("In", this.scope), button, labelled("Code hits as", this.code)), this.summaryEl, this.list);
  }

  go() {
    if (!this.input.value.trim()) return;
    this.ask("search", { words: this.input.value, scope: this.scope.value }, "Searching…", "");
  }

  draw(d) {
    if (d.has("codes")) options(this.code, this.model.get("codes").map((c) => c.name), this.code.value);
    if (d.has("summary")) this.summaryEl.textContent = this.model.get("summary");
    if (!d.has("hits")) return;
    clear(this.list);
    for (const hit of this.model.get("hits")) {
      const where = { narrative: hit.narrative_id, start: hit.start, end: hit.end };
      this.list.append(h("li", { "data-wb": "search-hit", "data-narrative": hit.narrative_id,
        "data-start": hit.start, "data-end": hit.end },
        h("span", { class: "wb-app-hit-title", text: `${hit.title}${hit.consent === "restricted" ? " (restricted)" : ""}: ` }),
        h("span", { text: `…${hit.before}` }), h("mark", { text: hit.match }), h("span", { text: `${hit.after}…` }),
        h("button", { type: "button", "data-wb": "search-open", text: "Go to story",
          "aria-label": `Open ${hit.title} in the coding tool`, onclick: () => this.ask("go", where, "", `Opened ${hit.title}.`) }),
        h("button", { type: "button", "data-wb": "search-code-hit", text: "Code",
          "aria-label": `Code “${hit.match}” in ${hit.title}`,
          onclick: () => this.ask("code", { ...where, code: this.code.value }, "Coding…",
            `Coded “${hit.match}” in ${hit.title} as ${this.code.value}.`) })));
    }
  }
}

const EDIT_FIELDS = ["description", "include", "exclude", "example"];

class CodebookView extends Panel {
  constructor(model, el) { super(model, el, ["codes", "history", "rule", "proposals"]); this.chosen = null; }

  build() {
    this.tree = h("ul", { class: "wb-app-tree", role: "tree", "data-wb": "cb-tree", "aria-label": "Codes" });
    this.form = h("div", { class: "wb-app-form", "data-wb": "cb-form" });
    this.historyEl = h("ol", { class: "wb-app-history", "data-wb": "cb-history", tabindex: 0, "aria-label": "History" });
    this.reason = h("textarea", { "data-wb": "cb-reason", rows: 2, "aria-label": "Reason for this change" });
    this.ruleEl = h("p", { "data-wb": "cb-rule" });
    this.proposalList = h("ul", { class: "wb-app-proposals", "data-wb": "cb-proposals", "aria-label": "Pending proposals" });
    this.root.append(this.ruleEl, this.proposalList, h("div", { class: "wb-app-columns" },
      h("div", {}, h("h3", { text: "Codes" }), this.tree),
      h("div", {}, h("h3", { text: "Change" }), this.form, labelled("Why (kept in the history)", this.reason)),
      h("div", {}, h("h3", { text: "History" }), this.historyEl)));
  }

  change(action, details) {
    const name = action === "add" ? details.name : this.chosen;
    this.ask("change", { action, name: name || "", reason: this.reason.value, details }, "Saving…",
      `Done: ${action} ${name || ""}.`, (reply) => { if (reply.ok) this.reason.value = ""; });
  }

  choose(name) {
    this.chosen = name;
    this.drawForm();
    for (const item of this.tree.querySelectorAll("[data-wb=cb-code]")) {
      item.setAttribute("aria-selected", String(item.dataset.code === name));
    }
  }

  drawForm() {
    clear(this.form);
    const codes = this.model.get("codes");
    const code = codes.find((c) => c.name === this.chosen);
    const active = codes.filter((c) => c.status === "active").map((c) => c.name);
    const field = (hook, label, value = "") => {
      const input = h("input", { type: "text", "data-wb": hook, value });
      this.form.append(labelled(label, input));
      return input;
    };
    const button = (hook, text, fn) => h("button", { type: "button", "data-wb": hook, text, onclick: fn });
    if (code) {
      const texts = Object.fromEntries(EDIT_FIELDS.map((k) => [k, field(`cb-${k}`, k[0].toUpperCase() + k.slice(1), code[k])]));
      const color = h("input", { type: "color", "data-wb": "cb-color", value: code.color || "#888888" });
      const parent = h("select", { "data-wb": "cb-parent" });
      options(parent, [["", "(top level)"], ...active.filter((n) => n !== code.name)], code.parent);
      this.form.append(labelled("Colour", color), labelled("Parent", parent),
        button("cb-save", "Save edits", () => this.change("edit", {
          ...Object.fromEntries(EDIT_FIELDS.map((k) => [k, texts[k].value])), color: color.value, parent: parent.value })));
      const to = field("cb-new-name", "New name", "");
      this.form.append(button("cb-rename", "Rename", () => this.change("rename", { to: to.value })));
      const into = h("select", { "data-wb": "cb-merge-into" });
      options(into, active.filter((n) => n !== code.name), "");
      this.form.append(labelled("Merge into", into), button("cb-merge", "Merge", () => this.change("merge", { into: into.value })));
      const parts = field("cb-split-into", "Split into (names, comma between)", "");
      this.form.append(button("cb-split", "Split", () => this.change("split", { into: parts.value })));
      this.form.append(code.status === "active" ? button("cb-retire", "Retire", () => this.change("retire", {}))
        : button("cb-reinstate", "Reinstate", () => this.change("reinstate", {})));
    }
    this.form.append(h("h4", { text: code ? "Or add a code below it" : "Add a code" }));
    const name = field("cb-add-name", "Name", "");
    const description = field("cb-add-description", "Description", "");
    this.form.append(button("cb-add", "Add code", () => this.change("add", {
      name: name.value, description: description.value, parent: code && code.status === "active" ? code.name : "" })));
  }

  draw(d) {
    if (d.has("codes")) {
      clear(this.tree);
      for (const code of this.model.get("codes")) {
        const item = h("li", { role: "treeitem", tabindex: 0, "data-wb": "cb-code", "data-code": code.name,
          "aria-level": String((code.level || 0) + 1), style: { marginLeft: `${(code.level || 0) * 1.2}em` },
          class: code.status === "active" ? "" : "wb-app-inactive", onclick: () => this.choose(code.name) },
          h("span", { class: "wb-app-swatch", style: { background: code.color || "#888" }, "aria-hidden": "true" }),
          h("span", { text: code.status === "active" ? code.name : `${code.name} (${code.status})` }));
        item.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); this.choose(code.name); } });
        if (code.status === "active") this.draggable(item, code.name);
        this.tree.append(item);
      }
      this.choose(this.model.get("codes").some((c) => c.name === this.chosen) ? this.chosen : null);
    }
    if (d.has("rule")) this.ruleEl.textContent = this.model.get("rule");
    if (d.has("proposals")) this.drawProposals();
    if (d.has("history")) {
      clear(this.historyEl);
      for (const row of this.model.get("history")) {
        this.historyEl.append(h("li", { "data-wb": "cb-event" }, h("strong", { text: `${row.event} ${row.code}` }),
          h("span", { text: ` ${row.detail} — ${row.coder}, ${row.at.slice(0, 10)}` }),
          row.rationale ? h("q", { text: row.rationale }) : ""));
      }
    }
  }
}

// Drag a code onto another to put it below that one (the Parent menu does the same from the keyboard);
// the reason is the one typed in "Why".
CodebookView.prototype.draggable = function draggable(item, name) {
  item.draggable = true;
  item.addEventListener("dragstart", (e) => { e.dataTransfer.setData("text/plain", name); e.dataTransfer.effectAllowed = "move"; });
  item.addEventListener("dragover", (e) => { e.preventDefault(); item.classList.add("wb-app-drop"); });
  item.addEventListener("dragleave", () => item.classList.remove("wb-app-drop"));
  item.addEventListener("drop", (e) => {
    e.preventDefault();
    item.classList.remove("wb-app-drop");
    const moved = e.dataTransfer.getData("text/plain");
    if (!moved || moved === name) return;
    this.ask("change", { action: "edit", name: moved, reason: this.reason.value, details: { parent: name } }, "Moving…",
      `Moved ${moved} below ${name}.`, (reply) => { if (reply.ok) this.reason.value = ""; });
  });
};

CodebookView.prototype.drawProposals = function drawProposals() {
  clear(this.proposalList);
  for (const pr of this.model.get("proposals")) {
    const words = h("input", { type: "text", "data-wb": "proposal-words", "aria-label": `Your words on: ${pr.summary}` });
    const voice = (how, label) => h("button", { type: "button", "data-wb": `proposal-${how}`, text: label,
      onclick: () => this.ask("voice", { proposal: pr.proposal_id, how, text: words.value }, "Saving…", `${label}: done.`) });
    this.proposalList.append(h("li", { "data-wb": "proposal", "data-proposal": pr.proposal_id },
      h("strong", { text: pr.summary }), h("span", { text: ` proposed by ${pr.proposed_by}: ` }), h("q", { text: pr.rationale }),
      h("span", { class: "wb-app-meta", text: ` · takes effect when ${pr.rule}` +
        (pr.endorsed_by ? ` · endorsed by ${pr.endorsed_by}` : "") + (pr.objected_by ? ` · objected by ${pr.objected_by}` : "") }),
      h("div", { class: "wb-app-row" }, labelled("Your words", words), voice("endorse", "Endorse"), voice("object", "Object"),
        pr.proposed_by === this.model.get("coder") ? voice("withdraw", "Withdraw") : "")));
  }
};

class JournalView extends Panel {
  constructor(model, el) { super(model, el, ["memos", "narratives", "prompts", "dialogues"]); }

  build() {
    this.text = saveOnCtrlEnter(h("textarea", { "data-wb": "journal-text", rows: 5 }), () => this.write());
    this.kind = h("select", { "data-wb": "journal-kind" });
    options(this.kind, KINDS, "reflexive");
    this.tie = h("select", { "data-wb": "journal-narrative" });
    this.promptList = h("ul", { class: "wb-app-prompts", "data-wb": "journal-prompts", "aria-label": "Reflexive prompts" });
    this.list = h("ol", { class: "wb-app-memos", "data-wb": "journal-memos", "aria-label": "My memos" });
    this.private = h("input", { type: "checkbox", "data-wb": "journal-private", checked: true });
    this.dialogueList = h("ul", { class: "wb-app-memos", "data-wb": "journal-dialogues", "aria-label": "My dialogues" });
    this.root.append(h("h3", { text: "My journal" }), labelled("Memo (Ctrl+Enter saves)", this.text),
      h("div", { class: "wb-app-row" }, labelled("Kind", this.kind), labelled("About", this.tie),
        labelled("Private (only you see it; never exported)", this.private),
        h("button", { type: "button", "data-wb": "journal-save", text: "Save memo", onclick: () => this.write() })),
      h("details", {}, h("summary", { text: "Reflexive prompts" }), this.promptList), this.list,
      h("h3", { text: "Dialogues I take part in" }), this.dialogueList);
  }

  memoItem(memo) {
    const item = h("li", { "data-wb": "journal-memo", "data-memo": memo.memo_id, "data-private": String(memo.private) });
    const text = h("p", { text: memo.text });
    const act = (hook, label, fn) => h("button", { type: "button", "data-wb": hook, text: label, onclick: fn,
      "aria-label": `${label}: ${memo.text.slice(0, 40)}` });
    const edit = act("journal-edit", "Edit", () => {
      const box = h("textarea", { "data-wb": "journal-edit-text", rows: 3, "aria-label": "New words (Ctrl+Enter saves)" });
      const save = () => this.ask("edit", { memo: memo.memo_id, text: box.value }, "Saving…",
        "Memo changed; the earlier words stay in its history.");
      saveOnCtrlEnter(box, save);
      box.value = memo.text;
      text.replaceWith(h("div", {}, box, act("journal-edit-save", "Save", save)));
      box.focus();
    });
    const del = act("journal-delete", "Delete", () => {
      if (del.dataset.armed !== "true") {
        del.dataset.armed = "true";
        del.textContent = "Delete for good?";
        return;
      }
      this.ask("delete", { memo: memo.memo_id }, "Deleting…", "Deleted: its words are gone from the project.");
    });
    item.append(h("span", { class: "wb-app-meta", text: `${memo.private ? "private" : "shared"} · ${memo.kind} · ${memo.created_at.slice(0, 16)}${memo.narrative_id ? ` · ${memo.narrative_id}` : ""}` }),
      text, h("div", { class: "wb-app-row" }, edit, del,
        memo.private ? act("journal-publish", "Share with the team", () => this.ask("publish", { memo: memo.memo_id }, "Sharing…", "Shared.")) : ""));
    return item;
  }

  write() {
    this.ask("write", { text: this.text.value, kind: this.kind.value, narrative: this.tie.value, private: this.private.checked },
      "Saving…", this.private.checked ? "Saved in your private journal." : "Memo saved for the team.", (reply) => { if (reply.ok) this.text.value = ""; });
  }

  draw(d) {
    if (d.has("narratives")) {
      options(this.tie, [["", "(the project)"], ...this.model.get("narratives").map((n) => [n.id, n.title])], this.tie.value);
    }
    if (d.has("prompts")) {
      clear(this.promptList);
      for (const prompt of this.model.get("prompts")) {
        this.promptList.append(h("li", {}, h("button", { type: "button", class: "wb-app-link", text: prompt,
          title: "Start a memo with this prompt",
          onclick: () => { this.text.value = `${prompt}\n${this.text.value}`; this.text.focus(); } })));
      }
    }
    if (d.has("memos")) {
      clear(this.list);
      for (const memo of this.model.get("memos")) this.list.append(this.memoItem(memo));
    }
    if (d.has("dialogues")) {
      clear(this.dialogueList);
      for (const dlg of this.model.get("dialogues")) {
        const answer = h("textarea", { "data-wb": "dialogue-reply-text", rows: 2, "aria-label": "Your reply, in your own words" });
        this.dialogueList.append(h("li", { "data-wb": "dialogue", "data-memo": dlg.memo_id },
          h("strong", { text: dlg.title || "Dialogue" }), h("span", { class: "wb-app-meta", text: ` with ${dlg.participants.join(", ")}` }),
          h("ol", {}, ...dlg.replies.map((r) => h("li", {}, h("strong", { text: `${r.coder}: ` }), h("span", { text: r.text })))),
          answer, h("button", { type: "button", "data-wb": "dialogue-reply", text: "Reply",
            onclick: () => this.ask("reply", { memo: dlg.memo_id, text: answer.value }, "Saving…", "Reply added.") })));
      }
    }
  }
}

class PeopleView extends Panel {
  constructor(model, el) { super(model, el, ["columns", "rows", "coder_columns", "coder_rows"]); }

  build() {
    this.table = h("table", { class: "wb-app-table", "data-wb": "people-table" });
    this.newName = h("input", { type: "text", "data-wb": "people-new-column", "aria-label": "New column's name" });
    this.root.append(h("h3", { text: "Stories and their attributes" }), h("div", { class: "wb-app-row" },
      labelled("New column", this.newName), h("button", { type: "button", "data-wb": "people-add-column", text: "Add column",
        onclick: () => this.ask("add_column", { name: this.newName.value }, "", "Column added: give a story a value to keep it.",
          (r) => { if (r.ok) this.newName.value = ""; }) })), h("div", { class: "wb-app-scroll" }, this.table));
    this.coderTable = h("table", { class: "wb-app-table", "data-wb": "coder-table" });
    this.newCoderColumn = h("input", { type: "text", "data-wb": "coder-new-column", "aria-label": "New column's name (coders)" });
    this.root.append(h("h3", { text: "Coders (who reads)" }), h("div", { class: "wb-app-row" },
      labelled("New column", this.newCoderColumn), h("button", { type: "button", "data-wb": "coder-add-column", text: "Add column",
        onclick: () => this.ask("add_column", { name: this.newCoderColumn.value, coders: true }, "", "Column added.",
          (r) => { if (r.ok) this.newCoderColumn.value = ""; }) })), this.coderTable);
  }

  cellInput(hook, data, label, value, send) {
    const input = h("input", { type: "text", value, "data-wb": hook, ...data, "aria-label": label });
    const save = () => { if (input.value !== value) send(input.value); };
    input.addEventListener("change", save);
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); save(); } });
    return h("td", {}, input);
  }

  draw(d) {
    if (d.has("coder_columns") || d.has("coder_rows")) {
      clear(this.coderTable);
      const cols = this.model.get("coder_columns");
      this.coderTable.append(h("thead", {}, h("tr", {}, ...["Coder", ...cols].map((c) => h("th", { scope: "col", text: c })))),
        h("tbody", {}, ...this.model.get("coder_rows").map((row) => h("tr", {}, h("th", { scope: "row", text: row.coder }),
          ...cols.map((c) => this.cellInput("coder-cell", { "data-coder": row.coder, "data-attr": c }, `${c} of ${row.coder}`,
            row.values[c] || "", (value) => this.ask("set_coder", { coder: row.coder, attribute: c, value }, "Saving…",
              `Saved ${c} of ${row.coder}.`)))))));
    }
    if (!d.has("columns") && !d.has("rows")) return;
    clear(this.table);
    const columns = this.model.get("columns");
    this.table.append(h("thead", {}, h("tr", {}, ...["Story", "Narrator", "Consent", ...columns].map((c) => h("th", { scope: "col", text: c })))));
    const body = h("tbody");
    for (const row of this.model.get("rows")) {
      const cells = columns.map((c) => {
        const input = h("input", { type: "text", value: row.values[c] || "", "data-wb": "attr-cell", "data-narrative": row.id,
          "data-attr": c, "aria-label": `${c} of ${row.title}` });
        const save = () => {
          if (input.value === (row.values[c] || "")) return;
          this.ask("set", { narrative: row.id, attribute: c, value: input.value }, "Saving…", `Saved ${c} of ${row.title}.`);
        };
        input.addEventListener("change", save);
        input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); save(); } });
        return h("td", {}, input);
      });
      body.append(h("tr", {}, h("th", { scope: "row", text: row.title }), h("td", { text: row.narrator }),
        h("td", { "data-wb": "consent", text: row.consent }), ...cells));
    }
    this.table.append(body);
  }
}

class PatternsView extends Panel {
  constructor(model, el) { super(model, el, ["choices", "dimensions", "kind", "by", "title", "table"]); }

  build() {
    this.kind = h("select", { "data-wb": "chart-kind", onchange: () => this.choose() });
    this.by = h("select", { "data-wb": "chart-by", onchange: () => this.choose() });
    const save = (fmt) => h("button", { type: "button", "data-wb": `chart-save-${fmt}`, text: `Save ${fmt.toUpperCase()}`,
      onclick: () => this.ask("save", { format: fmt }, "Drawing…", `Saved as ${fmt.toUpperCase()}.`) });
    this.titleEl = h("h3", { "data-wb": "chart-title" });
    this.table = h("table", { class: "wb-app-table", "data-wb": "chart-table" });
    this.root.append(h("div", { class: "wb-app-row" }, labelled("Chart", this.kind), labelled("By", this.by), save("png"), save("svg")),
      this.titleEl, h("details", {}, h("summary", { text: "The table behind the chart" }), h("div", { class: "wb-app-scroll" }, this.table)));
  }

  choose() {
    this.ask("choose", { kind: this.kind.value, by: this.by.value }, "Drawing…", "");
  }

  draw(d) {
    if (d.has("choices") || d.has("kind")) options(this.kind, this.model.get("choices").map((c) => [c.key, c.label]), this.model.get("kind"));
    if (d.has("dimensions") || d.has("by")) options(this.by, this.model.get("dimensions"), this.model.get("by"));
    const takesBy = (this.model.get("choices").find((c) => c.key === this.model.get("kind")) || {}).by;
    this.by.disabled = !takesBy;
    if (d.has("title")) this.titleEl.textContent = this.model.get("title");
    if (d.has("table")) {
      const { columns = [], rows = [], total = 0 } = this.model.get("table");
      clear(this.table);
      this.table.append(h("caption", { text: rows.length < total ? `The first ${rows.length} of ${total} rows` : `${total} rows` }),
        h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", { scope: "col", text: c })))),
        h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((v) => h("td", { text: v }))))));
    }
  }
}

const EXPORT_LABELS = { qdpx: "REFI-QDA project (.qdpx)", qdc: "Codebook (.qdc)", csv: "Codings (.csv)",
  xlsx: "Codings (.xlsx)", report: "Report (.html)" };

class ExportView extends Panel {
  constructor(model, el) { super(model, el, ["kinds"]); }

  build() {
    this.anon = h("input", { type: "checkbox", "data-wb": "export-anonymise" });
    this.memos = h("input", { type: "checkbox", "data-wb": "export-memos", checked: true });
    this.buttons = h("div", { class: "wb-app-row" });
    this.root.append(h("h3", { text: "Export" }), h("div", { class: "wb-app-row" },
      labelled("Coders as Coder 1, 2…", this.anon), labelled("Include memos and notes", this.memos)), this.buttons);
  }

  draw() {
    clear(this.buttons);
    for (const kind of this.model.get("kinds")) {
      this.buttons.append(h("button", { type: "button", "data-wb": "export", "data-kind": kind, text: EXPORT_LABELS[kind] || kind,
        onclick: () => this.ask("export", { kind, anonymise: this.anon.checked, memos: this.memos.checked }, "Exporting…", "Exported.") }));
    }
  }
}

const VIEWS = { tabs: TabsView, search: SearchView, codebook: CodebookView, journal: JournalView, people: PeopleView,
  patterns: PatternsView, export: ExportView };

function render({ model, el }) {
  const View = VIEWS[model.get("panel")];
  const view = new View(model, el);
  return () => view.destroy();
}

export default { render };

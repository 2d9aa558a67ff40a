// The card board's front end: the theme board and a workshop's pile sort (anywidget ES module;
// shared.js is inlined by the Python side).
//
// The kernel sends `columns` (each with its cards); the browser draws them and asks the kernel to
// `move` a card from one column to another, or to add a `new_column`. Two ways to move a card:
// drag it with the mouse onto a column, or with the keyboard: Enter or Space picks the focused
// card up, the arrow keys move between cards (up/down) and columns (left/right), Enter or Space
// places it in the column that has the focus, Escape puts it back. Everything anyone wrote goes
// into the page as text, never as HTML.
import { h, clear, guardShortcuts, readableColor, WidgetView } from "./shared.js";

const TICK_TIMEOUT_MS = 8000; // poll by ourselves when the kernel's heartbeats stop coming
const WORDS = {
  themes: { column: "theme", add: "Add a theme", name: "New theme", placeholder: "e.g. making room for each other",
    unplaced: "Codes not in a theme" },
  piles: { column: "pile", add: "Add a pile", name: "New pile", placeholder: "a name for what these have in common",
    unplaced: "Not sorted yet" },
};

class BoardView extends WidgetView {
  constructor(model, el) {
    super(model, el);
    this.started = performance.now();
    this.picked = null; // {kind, key, from, label}: the card picked up with the keyboard
    this.target = null; // the key of the column the picked card would be placed in
    this.dragged = null;
    this.focusAfter = null; // {kind, key} to focus once the columns are redrawn
    this.open = new Set(); // theme columns whose passages are shown
    this.lastTick = performance.now();
    this.build();
    this.watch(["columns", "coder", "project_name", "mode", "heading"]);
    for (const key of ["columns", "coder"]) this.dirty.add(key);
    this.flush();
    const timer = setInterval(() => {
      if (performance.now() - this.lastTick > TICK_TIMEOUT_MS) this.poll();
    }, 1000);
    this.cleanups.push(() => clearInterval(timer));
    this.firstRender();
  }

  get words() {
    return WORDS[this.model.get("mode")] || WORDS.themes;
  }

  firstRender() {
    // "wb-first-render" in the performance timeline: view created -> every card painted
    requestAnimationFrame(() => setTimeout(() => {
      const cards = this.root.querySelectorAll('[data-wb="card"]').length;
      performance.measure("wb-first-render", { start: this.started, end: performance.now(), detail: { cards } });
    }, 0));
  }

  // ------------------------------------------------------------------ skeleton
  build() {
    this.root = h("div", { class: "wb-widget wb-board", "data-wb": "board" });
    this.cleanups.push(guardShortcuts(this.root));
    this.projectEl = h("span", { class: "wb-project" });
    this.coderEl = h("span", { class: "wb-board-muted", "data-wb": "board-coder" });
    this.statusEl = h("span", { class: "wb-status", "data-wb": "status", role: "status" });
    this.announceEl = h("div", { class: "wb-board-sr", "aria-live": "assertive", "data-wb": "announce" });
    this.nameInput = h("input", { type: "text", "data-wb": "new-name", "aria-label": "Name" });
    this.defInput = h("input", { type: "text", "data-wb": "new-definition", "aria-label": "Definition: what it is and is not" });
    this.addBtn = h("button", { type: "button", class: "wb-btn", "data-wb": "new-add", onclick: () => this.addColumn() });
    this.nameInput.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); this.addColumn(); } });
    this.defInput.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); this.addColumn(); } });
    this.defLabel = h("label", { class: "wb-board-field" }, "Definition (what it is and is not)", this.defInput);
    this.nameLabelText = h("span");
    this.form = h("div", { class: "wb-board-form", "data-wb": "new-form" },
      h("label", { class: "wb-board-field" }, this.nameLabelText, this.nameInput), this.defLabel, this.addBtn);
    this.help = h("p", { class: "wb-board-help", id: `wb-board-help-${this.viewId}` });
    this.columnsEl = h("div", { class: "wb-board-columns", "data-wb": "columns" });
    this.root.append(
      h("div", { class: "wb-head" }, h("div", { class: "wb-who" }, this.projectEl, this.coderEl), this.statusEl),
      this.buildErrorBox(), this.form, this.help, this.announceEl, this.columnsEl);
    this.root.addEventListener("keydown", (e) => this.onKeydown(e));
    this.el.append(this.root);
  }

  draw(d) {
    const w = this.words;
    if (d.has("project_name") || d.has("coder") || d.has("mode")) {
      this.projectEl.textContent = this.model.get("project_name");
      this.coderEl.textContent = `as ${this.model.get("coder")}`;
      this.nameLabelText.textContent = w.name;
      this.nameInput.placeholder = w.placeholder;
      this.addBtn.textContent = w.add;
      this.defLabel.hidden = this.model.get("mode") !== "themes";
      this.help.textContent = `Drag a card onto a ${w.column}, or use the keyboard: Enter or Space picks up the ` +
        `focused card, the arrow keys move between cards and columns, Enter places it, Escape puts it back.`;
    }
    if (d.has("columns") || d.has("mode")) this.renderColumns();
  }

  // ------------------------------------------------------------------ columns and cards
  renderColumns() {
    const columns = this.model.get("columns") || [];
    const had = this.columnsEl.contains(document.activeElement) ? document.activeElement : null;
    const keep = had ? { kind: had.dataset.kind, key: had.dataset.key, column: had.dataset.column } : null;
    if (keep && had.dataset.wb === "column") keep.kind = keep.key = undefined;
    clear(this.columnsEl);
    for (const column of columns) this.columnsEl.append(this.renderColumn(column));
    const carrying = this.picked && this.target !== null ? { column: this.target } : null;
    const want = this.focusAfter || carrying || keep;
    this.focusAfter = null;
    if (want) this.refocus(want);
    if (this.picked) this.markPicked();
  }

  /** Focus the card {kind, key} (in `column` if it is there) or else the column itself, after a redraw. */
  refocus(want) {
    const esc = (v) => CSS.escape(String(v === undefined || v === null ? "" : v));
    const column = `[data-wb="column"][data-column="${esc(want.column)}"]`;
    let node = null;
    if (want.key !== undefined) {
      const card = `[data-wb="card"][data-kind="${esc(want.kind)}"][data-key="${esc(want.key)}"]`;
      node = this.columnsEl.querySelector(`${card}[data-column="${esc(want.column)}"]`) ||
        this.columnsEl.querySelector(card);
    }
    node = node || this.columnsEl.querySelector(column);
    if (node) node.focus();
  }

  renderColumn(column) {
    const w = this.words;
    const cards = column.cards || [];
    const label = column.kind === "theme" || column.kind === "pile"
      ? `${w.column} ${column.title}, ${cards.length} card${cards.length === 1 ? "" : "s"}` : `${column.title}, ${cards.length} cards`;
    const section = h("section", { class: `wb-board-column wb-board-${column.kind}`, "data-wb": "column",
      "data-column": column.key, "data-kind": column.kind, tabindex: "0", "aria-label": label,
      "aria-describedby": this.help.id });
    if (column.color) section.style.setProperty("--wb-c", readableColor(column.color));
    const title = h("h3", { class: "wb-board-title", "data-wb": "column-title", text: column.title });
    section.append(title);
    if (column.kind === "theme" || column.kind === "pile") section.append(this.renameButton(column, title));
    if (column.kind === "theme") section.append(...this.themeHeader(column));
    if (column.hint) section.append(h("p", { class: "wb-board-hint", text: column.hint }));
    const list = h("ul", { class: "wb-board-cards", "aria-label": `Cards in ${column.title}` });
    for (const item of cards) list.append(h("li", {}, this.renderCard(item, column.key)));
    if (!cards.length) list.append(h("li", { class: "wb-board-empty", text: `Drop cards here.` }));
    section.append(list);
    if (column.kind === "theme") section.append(...this.passagesBlock(column));
    section.addEventListener("dragover", (e) => {
      if (!this.dragged) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
      section.classList.add("wb-board-over");
    });
    section.addEventListener("dragleave", () => section.classList.remove("wb-board-over"));
    section.addEventListener("drop", (e) => {
      e.preventDefault();
      section.classList.remove("wb-board-over");
      const card = this.dragged;
      this.dragged = null;
      if (card) this.place(card, column.key);
    });
    return section;
  }

  /** A "Rename" button that turns the column's title into a text box (Enter saves, Escape cancels). */
  renameButton(column, title) {
    const button = h("button", { type: "button", class: "wb-btn wb-quiet wb-board-rename", "data-wb": "rename",
      "aria-label": `Rename ${column.title}`, text: "Rename" });
    button.addEventListener("click", () => {
      const input = h("input", { type: "text", "data-wb": "rename-input", value: column.title,
        "aria-label": `New name for ${column.title}` });
      const done = () => { input.replaceWith(title); button.hidden = false; };
      input.addEventListener("keydown", (e) => {
        if (e.key === "Escape") { e.preventDefault(); done(); button.focus(); }
        if (e.key !== "Enter") return;
        e.preventDefault();
        const name = input.value.trim();
        if (!name || name === column.title) { done(); return; }
        this.focusAfter = { column: name };
        this.request("rename_column", { key: column.key, name }, (reply) => {
          if (!reply.ok) return;
          this.hideError();
          this.setStatus(reply.said || "");
          this.say(reply.said || "");
        });
      });
      title.replaceWith(input);
      button.hidden = true;
      input.focus();
      input.select();
    });
    return button;
  }

  themeHeader(column) {
    const s = column.support || {};
    const n = (v, one, many) => `${v || 0} ${(v || 0) === 1 ? one : many}`;
    const parts = [h("p", { class: "wb-board-meta" },
      h("span", { class: "wb-badge", "data-wb": "phase", text: column.phase || "candidate" }),
      column.owner ? h("span", { class: "wb-board-muted", "data-wb": "owner", text: ` by ${column.owner}` }) : null)];
    parts.push(h("p", { class: "wb-board-def", "data-wb": "definition",
      text: column.definition || "No definition yet: what is this theme, and what is it not?" }));
    if (column.idea) parts.push(h("p", { class: "wb-board-idea", text: `Central idea: ${column.idea}` }));
    parts.push(h("p", { class: "wb-board-support", "data-wb": "support",
      text: `Support: ${n(s.stories, "story", "stories")} · ${n(s.narrators, "narrator", "narrators")} · ` +
        `${n(s.coders, "coder", "coders")}` +
        (s.negative_cases ? ` · ${n(s.negative_cases, "negative case", "negative cases")}` : "") }));
    return parts;
  }

  passagesBlock(column) {
    const passages = column.passages || [];
    const shown = this.open.has(column.key);
    const list = h("ul", { class: "wb-board-cards wb-board-passages", "data-wb": "passages", hidden: !shown,
      "aria-label": `Passages of ${column.title}` });
    for (const item of passages) list.append(h("li", {}, this.renderCard(item, column.key)));
    if (!passages.length) list.append(h("li", { class: "wb-board-empty", text: "No passages picked by hand yet." }));
    const toggle = h("button", { type: "button", class: "wb-btn wb-quiet wb-board-toggle", "data-wb": "show-passages",
      "aria-expanded": shown ? "true" : "false",
      text: `${shown ? "Hide" : "Show"} passages (${passages.length})` });
    toggle.addEventListener("click", () => {
      if (this.open.has(column.key)) this.open.delete(column.key);
      else this.open.add(column.key);
      const now = this.open.has(column.key);
      list.hidden = !now;
      toggle.setAttribute("aria-expanded", now ? "true" : "false");
      toggle.textContent = `${now ? "Hide" : "Show"} passages (${passages.length})`;
    });
    const reading = h("div", { class: "wb-board-reading", "data-wb": "support-passages", hidden: true });
    const read = h("button", { type: "button", class: "wb-btn wb-quiet wb-board-toggle", "data-wb": "read-support",
      "aria-expanded": "false", text: "Read its support" });
    read.addEventListener("click", () => {
      if (!reading.hidden) {
        reading.hidden = true;
        read.setAttribute("aria-expanded", "false");
        read.textContent = "Read its support";
        return;
      }
      this.request("supporting", { theme: column.key }, (reply) => {
        if (!reply.ok) return;
        clear(reading);
        const items = reply.passages || [];
        reading.append(h("p", { class: "wb-board-hint",
          text: `The first ${items.length} of ${reply.total} supporting passages:` }));
        const list = h("ul", { class: "wb-board-quotes" });
        for (const q of items) {
          list.append(h("li", { "data-negative": q.source === "negative case" ? "true" : null },
            h("span", { class: "wb-board-label", text: q.text }),
            h("span", { class: "wb-board-detail", text: `${q.story} · ${q.coder}${q.code ? " · " + q.code : ""}` +
              (q.source === "code" ? "" : ` · ${q.source}`) })));
        }
        reading.append(list);
        reading.hidden = false;
        read.setAttribute("aria-expanded", "true");
        read.textContent = "Hide its support";
      });
    });
    return [toggle, list, read, reading];
  }

  renderCard(item, columnKey) {
    const attrs = { class: `wb-board-card wb-board-${item.kind}`, "data-wb": "card", "data-kind": item.kind,
      "data-key": item.key, "data-column": columnKey, tabindex: "0", role: "button", draggable: "true",
      "aria-pressed": "false", "aria-describedby": this.help.id };
    if (item.negative) attrs["data-negative"] = "true";
    const node = h("div", attrs,
      item.card ? h("span", { class: "wb-board-tag", text: item.card }) : null,
      h("span", { class: "wb-board-label", text: item.label }),
      item.count !== undefined ? h("span", { class: "wb-board-count", text: ` (${item.count})`,
        "aria-label": `, ${item.count} codings` }) : null,
      item.negative ? h("span", { class: "wb-board-neg", text: " negative case" }) : null,
      item.detail ? h("span", { class: "wb-board-detail", text: item.detail }) : null);
    if (item.color) node.style.setProperty("--wb-c", readableColor(item.color)); // a custom property: not via h()
    const card = { kind: item.kind, key: item.key, from: columnKey, label: item.label };
    node.addEventListener("dragstart", (e) => {
      this.dragged = card;
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", item.label);
    });
    node.addEventListener("dragend", () => { this.dragged = null; });
    return node;
  }

  // ------------------------------------------------------------------ moving
  place(card, target) {
    if (card.from === target) {
      this.say(`${card.label} stays where it was.`);
      return;
    }
    this.focusAfter = { kind: card.kind, key: card.key, column: target };
    this.setStatus("Saving…");
    this.request("move", { kind: card.kind, key: card.key, from: card.from, to: target }, (reply) => {
      if (!reply.ok) {
        this.setStatus("");
        return;
      }
      this.hideError();
      this.setStatus(reply.said || "");
      this.say(reply.said || "");
    });
  }

  addColumn() {
    const name = this.nameInput.value.trim();
    if (!name) {
      this.showError(`Type a name for the new ${this.words.column} first.`);
      this.nameInput.focus();
      return;
    }
    this.request("new_column", { name, definition: this.defInput.value.trim() }, (reply) => {
      if (!reply.ok) return;
      this.hideError();
      this.nameInput.value = "";
      this.defInput.value = "";
      this.setStatus(reply.said || "");
      this.say(reply.said || "");
      this.focusAfter = { column: name };
    });
  }

  say(text) {
    this.announceEl.textContent = "";
    setTimeout(() => { this.announceEl.textContent = text; }, 30);
  }

  markPicked() {
    for (const node of this.columnsEl.querySelectorAll('[data-wb="card"]')) {
      const on = this.picked && node.dataset.kind === this.picked.kind && node.dataset.key === this.picked.key &&
        node.dataset.column === this.picked.from;
      node.classList.toggle("wb-board-picked", !!on);
      node.setAttribute("aria-pressed", on ? "true" : "false");
    }
    this.root.classList.toggle("wb-board-carrying", !!this.picked);
  }

  // ------------------------------------------------------------------ keyboard
  onKeydown(e) {
    const t = e.target;
    if (t.matches && t.matches("input, textarea, select, button")) return;
    if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    const onCard = t.dataset && t.dataset.wb === "card";
    const column = t.closest && t.closest('[data-wb="column"]');
    if (!column) return;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      if (this.picked) {
        const card = this.picked;
        const target = onCard || this.target === null ? column.dataset.column : this.target;
        this.picked = null;
        this.target = null;
        this.markPicked();
        this.place(card, target);
      } else if (onCard) {
        this.picked = { kind: t.dataset.kind, key: t.dataset.key, from: t.dataset.column,
          label: t.querySelector(".wb-board-label").textContent };
        this.target = null;
        this.markPicked();
        this.say(`Picked up ${this.picked.label}. Move to a ${this.words.column} with the arrow keys and press ` +
          "Enter to place it, or Escape to put it back.");
      }
    } else if (e.key === "Escape") {
      if (this.picked) {
        e.preventDefault();
        this.say(`${this.picked.label} put back.`);
        this.picked = null;
        this.target = null;
        this.markPicked();
      } else this.hideError();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const cards = [...column.querySelectorAll('[data-wb="card"]')].filter((n) => n.offsetParent !== null);
      const at = cards.indexOf(t);
      const next = e.key === "ArrowDown" ? cards[at + 1] || cards[0] : cards[at - 1] || cards[cards.length - 1];
      if (next) next.focus();
    } else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      e.preventDefault();
      const all = [...this.columnsEl.querySelectorAll('[data-wb="column"]')];
      const from = this.picked && this.target !== null && !onCard
        ? all.find((c) => c.dataset.column === this.target) || column : column;
      const other = all[all.indexOf(from) + (e.key === "ArrowRight" ? 1 : -1)];
      if (!other) return;
      if (this.picked) this.target = other.dataset.column;
      const cards = [...column.querySelectorAll('[data-wb="card"]')];
      const index = Math.max(0, cards.indexOf(t));
      const there = [...other.querySelectorAll('[data-wb="card"]')].filter((n) => n.offsetParent !== null);
      (this.picked ? other : there[Math.min(index, there.length - 1)] || other).focus();
      if (this.picked) this.say(`${other.getAttribute("aria-label")}. Enter places ${this.picked.label} here.`);
    }
  }

  // ------------------------------------------------------------------ others' changes
  onNotice(msg) {
    if (msg.type === "tick") this.lastTick = performance.now();
    else if (msg.type === "changed") {
      this.lastTick = performance.now();
      this.poll();
    }
  }

  poll() {
    if (this.polling) return;
    this.polling = true;
    this.request("poll", {}, () => { this.polling = false; });
    setTimeout(() => { this.polling = false; }, 10000);
  }
}

function render({ model, el }) {
  const view = new BoardView(model, el);
  return () => view.destroy();
}

export default { render };

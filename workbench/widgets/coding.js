// The coding widget's front end (anywidget ES module; shared.js is inlined by the Python side).
//
// Wire format: offsets are Python code points; OffsetMap converts them to the UTF-16 units the
// DOM counts. The narrative's text sits in one element ([data-wb="text"]) as plain Text nodes;
// codings are drawn in a separate layer on top (stacked underlines under the lines, a stripe
// and a label in the margin), so adding a highlight never touches the text or the selection.
import { h, clear, guardShortcuts, OffsetMap, readableColor, formatTime, lineBoxes, freeLane, WidgetView,
  saveOnCtrlEnter, ChunkedText, perFrame } from "./shared.js";

const FALLBACK_POLL_MS = 1000; // how often to ask the kernel when its watcher has gone quiet
const TICK_TIMEOUT_MS = 7000; // the kernel's watcher says "tick" every 3 s
const LABEL_H = 18; // px, one margin label
const UNDERLINE_LANES = 3; // stacked underlines below a line before they share the last lane
const UNDERLINE_STEP = 3; // px between stacked underlines
const STRIPE_LANES = 4; // margin stripes side by side
const STRIPE_STEP = 5; // px between margin stripes
const BULK_CHANGE = 40; // more changes than this and the whole layer is redrawn
const SPACE = /\s/;
const NEAR_PX = 1200; // highlights are drawn for the text within this distance of the view

const VIEW_NOTES = {
  all: "Showing every coder's codings. Dashed lines are other coders' codings.",
  blind: "Blind mode: other coders' codings and memos are hidden, so you can code on your own before comparing.",
};

class CodingView extends WidgetView {
  constructor(model, el) {
    super(model, el);
    this.bornAt = performance.now();
    this.docId = null;
    this.text = "";
    this.map = new OffsetMap("");
    this.chunks = null; // ChunkedText: the story's text nodes, in blocks laid out near the view
    this.window = [0, 0]; // UTF-16 units whose highlights are drawn (the text near the view)
    this.sel = null; // pending selection {start, end} in code points
    this.shown = new Map(); // coding id -> coding as drawn
    this.geo = new Map(); // coding id -> {lines, lane, stripe, y, top, bottom, node}
    this.labels = []; // [{y, id}] margin label slots in use
    this.selected = null; // coding id in the details panel
    this.atPoint = []; // coding ids under the last click
    this.filter = "";
    this.numbered = [];
    this.promptIndex = 0;
    this.layoutWidth = -1;
    this.lastTick = performance.now();
    this.pollSince = 0;
    this.pollAgain = false;
    this.build();
    this.listen();
    for (const key of ["project_name", "coders", "narratives", "doc", "codebook", "codings", "memos", "prompts",
      "media", "voices"]) {
      this.dirty.add(key);
    }
    this.flush();
    this.poll();
  }

  // ------------------------------------------------------------------ wiring
  listen() {
    this.watch(["passage", "coder", "project_name", "narratives", "narrative", "doc", "codings", "hidden", "codebook",
      "coders", "view", "memos", "prompts", "locked", "media", "media_data", "voices"]);

    const onSelection = () => this.readSelection();
    document.addEventListener("selectionchange", onSelection);
    this.cleanups.push(() => document.removeEventListener("selectionchange", onSelection));

    this.onWidthChange(this.page, () => {
      this.chunks.settle(); // the blocks' heights change with the width
      this.layoutAll();
    });
    // a long text: draw the highlights near the view as it scrolls, and again when blocks get their real height
    const follow = perFrame(() => this.followView());
    this.scroller.addEventListener("scroll", follow, { passive: true });
    const heights = new ResizeObserver(follow);
    heights.observe(this.textEl);
    this.cleanups.push(() => heights.disconnect());
    if (document.fonts && document.fonts.ready) {
      // a web font arriving late moves the lines: draw again only if it did
      document.fonts.ready.then(() => {
        if (this.textEl.offsetHeight !== this.layoutHeight) this.layoutAll();
      });
    }

    const timer = setInterval(() => {
      if (document.visibilityState === "hidden") return;
      if (performance.now() - this.lastTick > TICK_TIMEOUT_MS) this.poll();
    }, FALLBACK_POLL_MS);
    this.cleanups.push(() => clearInterval(timer));
    const onVisible = () => {
      if (document.visibilityState === "visible") this.poll();
    };
    document.addEventListener("visibilitychange", onVisible);
    this.cleanups.push(() => document.removeEventListener("visibilitychange", onVisible));
  }

  draw(d) {
    if (d.has("project_name") || d.has("coder")) this.renderHeader();
    if (d.has("coders") || d.has("view") || d.has("locked")) this.renderViewSelect();
    if (d.has("narratives") || d.has("narrative")) this.renderNarratives();
    let full = false;
    if (d.has("doc")) full = this.renderDoc() || full;
    if (d.has("codebook")) {
      this.renderCodebook();
      full = true;
    }
    if (d.has("view")) full = true;
    if (d.has("codings") || d.has("hidden") || d.has("view") || d.has("doc") || d.has("locked")) this.renderViewNote();
    if (full) {
      this.shown = new Map((this.model.get("codings") || []).map((c) => [c.id, c]));
      this.layoutAll();
    } else if (d.has("codings")) {
      this.updateHighlights();
    }
    if (d.has("codings") || d.has("doc") || d.has("view")) this.renderDetails();
    if (d.has("media") || d.has("media_data") || d.has("doc")) this.renderMedia();
    if (d.has("memos") || d.has("doc") || d.has("view")) this.renderMemos();
    if (d.has("voices") || d.has("doc")) this.renderVoices();
    if (d.has("prompts")) this.renderPrompt();
    if (d.has("codebook") || d.has("codings") || d.has("doc")) this.renderMemoTie();
    if (d.has("passage")) this.showPassage(this.model.get("passage") || {});
  }

  /** Select code points [start, end) of the open story (the app's search asked) and scroll to them. */
  showPassage({ narrative, start, end }) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || !this.text || narrative !== this.docId) return;
    this.sel = { start, end };
    this.renderSelection();
    const box = this.rangeFor(this.map.toUnits(start), this.map.toUnits(end)).getBoundingClientRect();
    this.scroller.scrollTop += box.top - this.scroller.getBoundingClientRect().top - 40;
    this.focusText(true);
  }

  onNotice(msg) {
    // the kernel's watcher: files changed (ask for them), or just its heartbeat
    if (msg.type === "changed") {
      this.lastTick = performance.now();
      this.poll();
    } else if (msg.type === "tick") {
      this.lastTick = performance.now();
    }
  }

  poll() {
    const now = performance.now();
    if (this.pollSince && now - this.pollSince < 10000) {
      this.pollAgain = true; // one poll at a time; a busy kernel answers later
      return;
    }
    this.pollSince = now;
    this.request("poll", {}, () => {
      this.pollSince = 0;
      if (this.pollAgain) {
        this.pollAgain = false;
        this.poll();
      }
    });
  }

  // ------------------------------------------------------------------ skeleton
  build() {
    this.root = h("div", { class: "wb-widget wb-coding", "data-wb": "coding-widget" });
    this.cleanups.push(guardShortcuts(this.root));

    // the keyboard's way past the header and the story list: the first stop, shown when focused
    this.skipEl = h("button", { type: "button", class: "wb-skip", "data-wb": "skip-to-text", text: "Skip to the story text",
      onclick: () => this.focusText() });
    this.projectEl = h("span", { class: "wb-project" });
    this.coderEl = h("span", { class: "wb-coder" });
    this.viewSel = h("select", { "data-wb": "view", "aria-label": "Whose codings to show",
      onchange: () => this.setView(this.viewSel.value) });
    this.statusEl = h("span", { class: "wb-status", role: "status", "aria-live": "polite", "data-wb": "status" });
    const head = h("div", { class: "wb-head" },
      h("div", { class: "wb-who" }, this.projectEl, this.coderEl),
      h("label", { class: "wb-pick" }, h("span", { text: "Show" }), this.viewSel),
      this.statusEl);

    this.buildErrorBox();

    this.progressEl = h("p", { class: "wb-progress", "data-wb": "progress" });
    this.navList = h("ul", { class: "wb-navlist" });
    const nav = h("nav", { class: "wb-nav", "aria-label": "Narratives" },
      h("h3", { class: "wb-h", text: "Narratives" }), this.progressEl, this.navList);

    this.docTitle = h("h2", { class: "wb-doctitle", "data-wb": "narrative-title" });
    this.docMeta = h("p", { class: "wb-docmeta" });
    this.consentEl = h("p", { class: "wb-consent", hidden: true });
    this.viewNote = h("p", { class: "wb-viewnote", "data-wb": "view-note" });
    this.textEl = h("div", {
      class: "wb-text", "data-wb": "text", contenteditable: "true", tabindex: "0", spellcheck: "false", translate: "no",
      autocorrect: "off", autocapitalize: "off", role: "textbox", "aria-readonly": "true", "aria-multiline": "true",
      "aria-label": "Narrative text. Select a passage, then press a code's number, click a code, or type to filter the codes and press Enter.",
    });
    this.selLayer = h("div", { class: "wb-sel-layer", "aria-hidden": "true" });
    this.hlLayer = h("div", { class: "wb-hl-layer", "data-wb": "highlights" });
    this.turnLayer = h("div", { class: "wb-turn-layer", "aria-hidden": "true" });
    this.page = h("div", { class: "wb-page" }, this.turnLayer, this.textEl, this.selLayer, this.hlLayer);
    this.scroller = h("div", { class: "wb-scroll" }, this.page);
    this.chunks = new ChunkedText(this.textEl);
    const hint = h("p", { class: "wb-hint" },
      "Select a passage with the mouse (or Shift + arrow keys), then press a code's number, click the code, ",
      "or type a few letters and press Enter. ", h("kbd", { text: "[" }), " and ", h("kbd", { text: "]" }),
      " move between codings; ", h("kbd", { text: "Esc" }), " clears.");
    const reader = h("section", { class: "wb-reader", "aria-label": "Narrative" },
      this.docTitle, this.docMeta, this.consentEl, this.viewNote, this.buildPlayer(), this.scroller, hint);

    this.selInfo = h("p", { class: "wb-selinfo", "data-wb": "selection-info", "aria-live": "polite" });
    this.filterEl = h("input", { type: "text", class: "wb-filter", "data-wb": "code-filter",
      placeholder: "Type to filter, Enter applies", autocomplete: "off", spellcheck: "false",
      "aria-label": "Filter the codes; Enter applies the first one to the selected passage" });
    this.codeList = h("ul", { class: "wb-codes", "data-wb": "code-list" });
    const codes = h("section", { class: "wb-panel wb-codes-panel", "aria-label": "Codes" },
      h("h3", { class: "wb-h", text: "Codes" }), this.selInfo, this.filterEl, this.codeList, this.buildNewCode());

    this.detailsEl = h("section", { class: "wb-panel wb-details", "data-wb": "coding-details", hidden: true,
      "aria-label": "Selected coding" });
    const memos = this.buildMemos();
    const side = h("aside", { class: "wb-side" }, codes, this.detailsEl, memos, this.buildVoices());

    this.root.append(this.skipEl, head, this.errorEl, h("div", { class: "wb-main" }, nav, reader, side));
    this.el.append(this.root);

    this.root.addEventListener("keydown", (e) => this.onKeydown(e));
    this.filterEl.addEventListener("input", () => this.setFilter(this.filterEl.value));
    this.textEl.addEventListener("beforeinput", (e) => e.preventDefault()); // read-only text
    this.textEl.addEventListener("input", () => this.restoreText());
    for (const type of ["paste", "cut", "drop", "dragstart"]) this.textEl.addEventListener(type, (e) => e.preventDefault());
    this.textEl.addEventListener("mousedown", (e) => {
      // A drag that starts inside an old selection would become drag-and-drop: start afresh.
      if (e.button === 0 && !e.shiftKey) window.getSelection().removeAllRanges();
    });
    this.textEl.addEventListener("mouseup", (e) => {
      if (e.button !== 0) return;
      requestAnimationFrame(() => this.onTextClick(e));
    });
    this.hlLayer.addEventListener("click", (e) => {
      const node = e.target.closest('[data-wb="highlight"]');
      if (node) this.selectCoding(node.getAttribute("data-coding-id"), { focus: true });
    });
  }

  buildNewCode() {
    this.newName = h("input", { type: "text", "data-wb": "new-code-name", required: true, maxlength: "120",
      autocomplete: "off" });
    this.newDesc = h("textarea", { "data-wb": "new-code-description", rows: "2" });
    this.newParent = h("select", { "data-wb": "new-code-parent" });
    this.newWhy = h("input", { type: "text", "data-wb": "new-code-rationale", autocomplete: "off" });
    const form = h("form", { class: "wb-form", "data-wb": "new-code-form",
      onsubmit: (e) => {
        e.preventDefault();
        this.addCode();
      } },
    h("label", {}, h("span", { text: "Name" }), this.newName),
    h("label", {}, h("span", { text: "Description" }), this.newDesc),
    h("label", {}, h("span", { text: "Under" }), this.newParent),
    h("label", {}, h("span", { text: "Why this code? (kept in the codebook's history)" }), this.newWhy),
    h("button", { type: "submit", class: "wb-btn", "data-wb": "new-code-save", text: "Add code" }));
    this.newCodeEl = h("details", { class: "wb-newcode", "data-wb": "new-code" },
      h("summary", { text: "New code" }), form);
    return this.newCodeEl;
  }

  buildMemos() {
    this.promptEl = h("q", { class: "wb-prompt-text", "data-wb": "prompt" });
    const prompt = h("div", { class: "wb-prompt" },
      h("p", { class: "wb-prompt-label", text: "A question to sit with" }), this.promptEl,
      h("div", { class: "wb-row" },
        h("button", { type: "button", class: "wb-btn wb-quiet", "data-wb": "prompt-next", text: "Another question",
          onclick: () => {
            this.promptIndex += 1;
            this.renderPrompt();
          } }),
        h("button", { type: "button", class: "wb-btn wb-quiet", "data-wb": "prompt-use", text: "Write about it",
          onclick: () => {
            const prompts = this.model.get("prompts") || [];
            if (!prompts.length) return;
            this.memoTitle.value = prompts[this.promptIndex % prompts.length];
            this.memoKind.value = "reflexive";
            this.memoInput.focus();
          } })));
    this.memoKind = h("select", { "data-wb": "memo-kind" },
      h("option", { value: "reflexive", text: "Reflexive: about me as a listener" }),
      h("option", { value: "analytic", text: "Analytic: about the story and the codes" }));
    this.memoTie = h("select", { "data-wb": "memo-tie" });
    this.memoTitle = h("input", { type: "text", "data-wb": "memo-title", placeholder: "Title (optional)",
      "aria-label": "Memo title (optional)", autocomplete: "off" });
    this.memoInput = h("textarea", { "data-wb": "memo-input", rows: "4", "aria-label": "Memo text",
      placeholder: "What are you noticing, and what do you bring to it?" });
    saveOnCtrlEnter(this.memoInput, () => this.saveMemo());
    // tabindex: a list that scrolls must be reachable by the keyboard too
    this.memoList = h("ul", { class: "wb-memos", "data-wb": "memo-list", tabindex: "0", "aria-label": "Memos on this narrative" });
    return h("section", { class: "wb-panel wb-form wb-memo-panel", "data-wb": "memo-panel", "aria-label": "Memos" },
      h("h3", { class: "wb-h", text: "Memos" }), prompt,
      h("label", {}, h("span", { text: "Kind" }), this.memoKind),
      h("label", {}, h("span", { text: "About" }), this.memoTie),
      this.memoTitle, this.memoInput,
      h("button", { type: "button", class: "wb-btn", "data-wb": "memo-save", text: "Save memo",
        onclick: () => this.saveMemo() }),
      this.memoList);
  }

  // ------------------------------------------------------------------ header, views, list
  renderHeader() {
    this.projectEl.textContent = this.model.get("project_name") || "";
    this.coderEl.textContent = `coding as ${this.model.get("coder") || ""}`;
  }

  renderViewSelect() {
    const me = this.model.get("coder");
    const view = this.model.get("view") || "mine";
    const options = [["mine", "My codings"], ["all", "All coders"], ["blind", "Blind: only mine, others hidden"]];
    for (const coder of this.model.get("coders") || []) {
      if (coder !== me && !["mine", "all", "blind"].includes(coder)) options.push([coder, `Only ${coder}`]);
    }
    if (!options.some(([value]) => value === view)) options.push([view, `Only ${view}`]);
    // a workshop's blind round: only the facilitator opens the others' codings (the kernel enforces it too)
    const locked = Boolean(this.model.get("locked"));
    const closed = (value) => locked && value !== "blind";
    clear(this.viewSel).append(...options.map(([value, label]) => h("option", { value, disabled: closed(value) || null,
      text: closed(value) ? `${label} (after the facilitator's reveal)` : label })));
    this.viewSel.value = view;
    this.root.classList.toggle("wb-view-others", !["mine", "blind"].includes(view));
  }

  setView(view) {
    this.model.set("view", view);
    this.model.save_changes();
  }

  renderNarratives() {
    const items = this.model.get("narratives") || [];
    const current = this.model.get("narrative");
    const coded = items.filter((n) => n.mine > 0).length;
    this.progressEl.textContent = items.length
      ? `You have coded ${coded} of ${items.length} narrative${items.length === 1 ? "" : "s"}.`
      : "No narratives yet: add some with p.import_narratives(...).";
    const nodes = items.map((n) => {
      const meta = [n.narrator, ...n.attributes.map(([k, v]) => `${k}: ${v}`)].filter(Boolean).join(" · ");
      const progress = n.mine > 0
        ? `✓ ${n.mine} coding${n.mine === 1 ? "" : "s"} by you`
        : "not yet coded by you";
      const button = h("button", {
        type: "button", class: `wb-nitem${n.id === current ? " wb-current" : ""}`, "data-wb": "narrative-item",
        "data-narrative-id": n.id, "aria-current": n.id === current ? "true" : null,
        onclick: () => this.openNarrative(n.id),
      },
      h("span", { class: "wb-ntitle", text: n.title }),
      meta ? h("span", { class: "wb-nmeta", text: meta }) : null,
      h("span", { class: `wb-nprogress${n.mine > 0 ? " wb-done" : ""}`, "data-wb": "narrative-progress",
        text: progress + (n.memos ? ` · ${n.memos} memo${n.memos === 1 ? "" : "s"}` : "") }),
      n.consent === "restricted" ? h("span", { class: "wb-badge", text: "restricted" }) : null);
      return h("li", {}, button);
    });
    clear(this.navList).append(...nodes);
  }

  openNarrative(id) {
    if (id === this.model.get("narrative")) return;
    this.model.set("narrative", id);
    this.model.save_changes();
  }

  renderViewNote() {
    const view = this.model.get("view") || "mine";
    const hidden = this.model.get("hidden") || 0;
    let note = this.model.get("locked") || VIEW_NOTES[view] || "";
    if (this.model.get("locked")) {
      // the blind round's message says it all
    } else if (view === "mine") {
      note = hidden
        ? `${hidden} coding${hidden === 1 ? "" : "s"} by other coders on this narrative ${hidden === 1 ? "is" : "are"} not shown: choose “All coders” to see them.`
        : "";
    } else if (!VIEW_NOTES[view]) {
      note = `Showing only ${view}'s codings.`;
    }
    this.viewNote.textContent = note;
    this.viewNote.hidden = !note;
  }

  // ------------------------------------------------------------------ the text
  renderDoc() {
    const doc = this.model.get("doc") || {};
    const text = typeof doc.text === "string" ? doc.text : "";
    const same = doc.id === this.docId && text === this.text;
    this.docTitle.textContent = doc.id ? doc.title : "No narrative";
    const meta = [doc.narrator ? `told by ${doc.narrator}` : "",
      ...(doc.attributes || []).map(([k, v]) => `${k}: ${v}`)].filter(Boolean);
    this.docMeta.textContent = meta.join(" · ");
    this.consentEl.hidden = doc.consent !== "restricted";
    this.consentEl.textContent = "Restricted consent: this story may be coded, analysed and counted, but never quoted." +
      (doc.consent_note ? ` The narrator asked not to be quoted: ${doc.consent_note}` : "");
    if (same) return false;
    this.docId = doc.id || null;
    this.text = text;
    this.map = new OffsetMap(text);
    this.sel = null;
    this.selected = null;
    this.atPoint = [];
    this.drawText();
    this.scroller.scrollTop = 0;
    this.renderSelectionInfo();
    return true;
  }

  drawText() {
    this.chunks.draw(this.text);
    if (!this.text) {
      this.textEl.setAttribute("contenteditable", "false");
    } else {
      this.textEl.setAttribute("contenteditable", "true");
    }
  }

  restoreText() {
    // Keys and drops are refused, but an input method can still slip text in: put the story back.
    if (this.textEl.textContent === this.text) return;
    this.drawText();
    this.layoutAll();
  }

  rangeFor(start16, end16) {
    return this.chunks.range(start16, end16);
  }

  /** UTF-16 offset of a DOM position inside the text, or null outside it. */
  offsetOf(node, offset) {
    return this.chunks.offsetOf(node, offset);
  }

  readSelection() {
    const s = window.getSelection();
    if (!s || !s.rangeCount || !this.text) return;
    const r = s.getRangeAt(0);
    const inStart = this.textEl.contains(r.startContainer);
    const inEnd = this.textEl.contains(r.endContainer);
    if (!inStart && !inEnd) return; // the selection is elsewhere: keep the pending one
    if (r.collapsed) {
      if (this.sel) {
        this.sel = null;
        this.renderSelection();
      }
      return;
    }
    let a = inStart ? this.offsetOf(r.startContainer, r.startOffset) : 0;
    let b = inEnd ? this.offsetOf(r.endContainer, r.endOffset) : this.text.length;
    while (a < b && SPACE.test(this.text[a])) a++;
    while (b > a && SPACE.test(this.text[b - 1])) b--;
    const start = this.map.toCodePoints(a);
    const end = this.map.toCodePoints(b);
    const next = start < end ? { start, end } : null;
    if (next?.start === this.sel?.start && next?.end === this.sel?.end) return;
    this.sel = next;
    this.renderSelection();
  }

  renderSelection() {
    clear(this.selLayer);
    this.renderSelectionInfo();
    if (!this.sel || !this.page.clientWidth) return;
    const origin = this.page.getBoundingClientRect();
    const range = this.rangeFor(this.map.toUnits(this.sel.start), this.map.toUnits(this.sel.end));
    const frag = document.createDocumentFragment();
    for (const line of lineBoxes(range.getClientRects(), origin)) {
      frag.append(h("span", { class: "wb-sel-box", style: {
        left: `${line.left}px`, top: `${line.top}px`, width: `${line.right - line.left}px`,
        height: `${line.bottom - line.top}px` } }));
    }
    this.selLayer.append(frag);
  }

  renderSelectionInfo() {
    if (!this.sel) {
      this.selInfo.textContent = "No passage selected.";
      this.selInfo.classList.remove("wb-has-sel");
      return;
    }
    const passage = this.passage(this.sel.start, this.sel.end, 60);
    this.selInfo.textContent = `Selected: “${passage}” (${this.sel.end - this.sel.start} characters)`;
    this.selInfo.classList.add("wb-has-sel");
  }

  /** The text of code points [start, end), shortened to about `max` characters. */
  passage(start, end, max = 240) {
    const text = this.text.slice(this.map.toUnits(start), this.map.toUnits(end)).replace(/\s+/g, " ");
    const chars = [...text];
    return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
  }

  focusText(restore = true) {
    this.textEl.focus({ preventScroll: true });
    if (restore && this.sel) {
      const range = this.rangeFor(this.map.toUnits(this.sel.start), this.map.toUnits(this.sel.end));
      const s = window.getSelection();
      s.removeAllRanges();
      s.addRange(range);
    }
  }

  onTextClick(e) {
    const s = window.getSelection();
    if (s && s.rangeCount && !s.getRangeAt(0).collapsed) return; // a selection, not a click
    let u = null;
    if (document.caretPositionFromPoint) {
      const pos = document.caretPositionFromPoint(e.clientX, e.clientY);
      if (pos) u = this.offsetOf(pos.offsetNode, pos.offset);
    } else if (document.caretRangeFromPoint) {
      const r = document.caretRangeFromPoint(e.clientX, e.clientY);
      if (r) u = this.offsetOf(r.startContainer, r.startOffset);
    }
    if (u === null) return;
    const cp = this.map.toCodePoints(u);
    const hits = [...this.shown.values()]
      .filter((c) => c.start <= cp && cp < c.end)
      .sort((a, b) => (a.end - a.start) - (b.end - b.start));
    // with a recording: a click plays from there (from the coding's start when it lands on one)
    const time = hits.length && hits[0].t0 !== null && hits[0].t0 !== undefined ? hits[0].t0 : this.timeAt(cp);
    if (this.player && time !== null) this.playFrom(time);
    if (!hits.length) {
      if (this.selected) this.selectCoding(null);
      return;
    }
    this.atPoint = hits.map((c) => c.id);
    this.selectCoding(hits[0].id, { keepPoint: true });
  }

  // ------------------------------------------------------------------ highlights
  colorOf(code) {
    if (!this.colors) {
      this.colors = new Map((this.model.get("codebook") || []).map((c) => [c.name, readableColor(c.color)]));
    }
    return this.colors.get(code) || "#5f6368";
  }

  metrics() {
    const marginX = this.textEl.offsetLeft + this.textEl.offsetWidth + 6;
    const labelX = marginX + STRIPE_LANES * STRIPE_STEP + 2;
    return { marginX, labelX, labelW: Math.max(24, this.page.clientWidth - labelX - 2) };
  }

  geometry(c, origin) {
    const range = this.rangeFor(this.map.toUnits(c.start), this.map.toUnits(c.end));
    const lines = lineBoxes(range.getClientRects(), origin);
    const top = lines.length ? lines[0].top : 0;
    const bottom = lines.length ? lines[lines.length - 1].bottom : 0;
    return { c, lines, top, bottom, lane: 0, stripe: 0, y: top, node: null };
  }

  layoutAll() {
    clear(this.hlLayer);
    this.geo = new Map();
    this.labels = [];
    this.colors = null;
    this.layoutWidth = this.page.clientWidth;
    if (!this.layoutWidth || !this.text) {
      this.renderSelection();
      return;
    }
    this.layoutHeight = this.textEl.offsetHeight;
    this.window = this.chunks.near(this.scroller, NEAR_PX);
    const origin = this.page.getBoundingClientRect();
    const m = this.metrics();
    // read everything first, then write: interleaving would force a layout per coding
    const geos = [...this.shown.values()].filter((c) => this.isNear(c)).map((c) => this.geometry(c, origin));
    geos.sort((a, b) => a.c.start - b.c.start || b.c.end - a.c.end);
    const laneEnds = [];
    const sameLane = new Map(); // one passage, one code, several coders: one underline, not a stack
    for (const g of geos) {
      const key = sameSpan(g.c);
      if (sameLane.has(key)) {
        g.lane = sameLane.get(key);
        continue;
      }
      let lane = laneEnds.findIndex((end) => end <= g.c.start);
      if (lane < 0) lane = laneEnds.length;
      laneEnds[lane] = g.c.end;
      g.lane = lane;
      sameLane.set(key, lane);
    }
    geos.sort((a, b) => a.top - b.top || a.c.start - b.c.start);
    const stripeEnds = [];
    let cursor = -Infinity;
    for (const g of geos) {
      let stripe = stripeEnds.findIndex((end) => end <= g.top);
      if (stripe < 0) stripe = stripeEnds.length;
      stripeEnds[stripe] = g.bottom;
      g.stripe = stripe;
      g.y = Math.max(g.top, cursor);
      cursor = g.y + LABEL_H;
      this.labels.push({ y: g.y, id: g.c.id });
    }
    const frag = document.createDocumentFragment();
    for (const g of geos) {
      g.node = this.highlightNode(g, m);
      this.geo.set(g.c.id, g);
      frag.append(g.node);
    }
    this.hlLayer.append(frag);
    this.renderSelection();
    this.markSelected();
    this.drawTurn();
    if (!this.drawnOnce) {
      // "wb-first-render" in the browser's performance timeline: view created -> text and highlights painted
      this.drawnOnce = true;
      const start = this.bornAt;
      const highlights = geos.length;
      requestAnimationFrame(() => setTimeout(() => {
        performance.measure("wb-first-render", { start, end: performance.now(), detail: { highlights } });
      }, 0));
    }
  }

  updateHighlights() {
    const list = this.model.get("codings") || [];
    const next = new Map(list.map((c) => [c.id, c]));
    const removed = [...this.shown.keys()].filter((id) => !next.has(id));
    const changed = list.filter((c) => {
      const old = this.shown.get(c.id);
      return !old || old.start !== c.start || old.end !== c.end || old.code !== c.code || old.coder !== c.coder
        || old.note !== c.note;
    });
    this.shown = next;
    if (removed.length + changed.length > BULK_CHANGE || this.page.clientWidth !== this.layoutWidth) {
      this.layoutAll();
      return;
    }
    for (const id of [...removed, ...changed.map((c) => c.id)]) this.dropHighlight(id);
    if (!changed.length) {
      this.markSelected();
      return;
    }
    const origin = this.page.getBoundingClientRect();
    const m = this.metrics();
    const fresh = changed.filter((c) => this.isNear(c)).map((c) => this.geometry(c, origin));
    for (const g of fresh) {
      const lanes = new Set();
      const stripes = new Set();
      const twin = [...this.geo.values()].find((other) => sameSpan(other.c) === sameSpan(g.c));
      for (const other of this.geo.values()) {
        if (other.c.start < g.c.end && g.c.start < other.c.end) lanes.add(other.lane);
        if (other.top < g.bottom && g.top < other.bottom) stripes.add(other.stripe);
      }
      g.lane = twin ? twin.lane : freeLane(lanes);
      g.stripe = freeLane(stripes);
      g.y = this.freeLabelSlot(g.top);
      this.labels.push({ y: g.y, id: g.c.id });
      g.node = this.highlightNode(g, m);
      this.geo.set(g.c.id, g);
      this.hlLayer.append(g.node);
    }
    this.markSelected();
  }

  /** Is coding c in the text near the view (the only part whose highlights are drawn)? */
  isNear(c) {
    const [a, b] = this.window;
    return this.map.toUnits(c.start) < b && this.map.toUnits(c.end) > a;
  }

  /** After a scroll or a block's new height: draw the highlights of the text now near the view. */
  followView() {
    if (!this.text) return;
    const height = this.textEl.offsetHeight;
    const [a, b] = this.chunks.near(this.scroller, NEAR_PX);
    if (height === this.layoutHeight && a === this.window[0] && b === this.window[1]) return;
    this.layoutAll();
  }

  dropHighlight(id) {
    const g = this.geo.get(id);
    if (!g) return;
    g.node.remove();
    this.geo.delete(id);
    this.labels = this.labels.filter((l) => l.id !== id);
  }

  freeLabelSlot(top) {
    let y = top;
    const sorted = this.labels.slice().sort((a, b) => a.y - b.y);
    for (const l of sorted) {
      if (l.y + LABEL_H <= y) continue;
      if (l.y >= y + LABEL_H) break;
      y = l.y + LABEL_H;
    }
    return y;
  }

  highlightNode(g, m) {
    const c = g.c;
    const color = this.colorOf(c.code);
    const others = !["mine", "blind"].includes(this.model.get("view") || "mine");
    const x = m.labelX;
    const node = h("div", {
      class: `wb-hl ${c.mine ? "wb-mine" : "wb-other"}`, "data-wb": "highlight", "data-coding-id": c.id,
      "data-code": c.code, "data-coder": c.coder, role: "button", tabindex: "-1",
      title: `${c.code}, coded by ${c.coder}${c.note ? ` (note: ${c.note})` : ""}`
        + (c.t0 !== null && c.t0 !== undefined ? `\nIn the recording: ${timeSpan(c.t0, c.t1)}` : ""),
      "aria-label": `${c.code}, coded by ${c.coder}: “${this.passage(c.start, c.end, 80)}”`,
      style: { left: `${x}px`, top: `${g.y}px`, width: `${m.labelW}px` },
    });
    node.style.setProperty("--wb-c", color);
    const stripeX = m.marginX + Math.min(g.stripe, STRIPE_LANES - 1) * STRIPE_STEP;
    node.append(h("span", { class: "wb-hl-stripe", style: {
      left: `${stripeX - x}px`, top: `${g.top - g.y}px`, height: `${Math.max(4, g.bottom - g.top)}px` } }));
    // with others shown, the coder's name comes first and never gets cut: it is the point of that view
    node.append(others
      ? h("span", { class: "wb-hl-text wb-hl-who", "data-wb": "highlight-label" },
        h("span", { class: "wb-hl-coder", "data-wb": "highlight-coder", text: c.coder }),
        h("span", { class: "wb-hl-code", text: c.code }))
      : h("span", { class: "wb-hl-text", "data-wb": "highlight-label", text: c.code }));
    const lane = Math.min(g.lane, UNDERLINE_LANES - 1);
    for (const line of g.lines) {
      node.append(h("span", { class: "wb-hl-line", style: {
        left: `${line.left - x}px`, top: `${line.bottom + 1 + lane * UNDERLINE_STEP - g.y}px`,
        width: `${line.right - line.left}px` } }));
    }
    return node;
  }

  markSelected() {
    for (const node of this.hlLayer.querySelectorAll(".wb-selected")) {
      node.classList.remove("wb-selected");
      for (const bg of node.querySelectorAll(".wb-hl-bg")) bg.remove();
    }
    const g = this.selected && this.geo.get(this.selected);
    if (!g) return;
    g.node.classList.add("wb-selected");
    const x = parseFloat(g.node.style.left);
    for (const line of g.lines) {
      g.node.prepend(h("span", { class: "wb-hl-bg", style: {
        left: `${line.left - x}px`, top: `${line.top - g.y}px`, width: `${line.right - line.left}px`,
        height: `${line.bottom - line.top}px` } }));
    }
  }

  // ------------------------------------------------------------------ the recording beside a transcript
  buildPlayer() {
    this.mediaBox = h("div", { class: "wb-media-box" });
    this.nowEl = h("p", { class: "wb-now", "data-wb": "now-playing", "aria-live": "polite" });
    this.fromSelBtn = h("button", { type: "button", class: "wb-btn wb-quiet", "data-wb": "play-selection",
      text: "▶ Play from the selected passage", onclick: () => this.playSelection() });
    this.playerEl = h("section", { class: "wb-player", "data-wb": "player-panel", "aria-label": "Recording",
      hidden: true }, this.mediaBox, h("div", { class: "wb-row" }, this.fromSelBtn, this.nowEl));
    this.cleanups.push(() => this.dropMedia());
    return this.playerEl;
  }

  dropMedia() {
    if (this.player) this.player.pause();
    if (this.mediaUrl) URL.revokeObjectURL(this.mediaUrl);
    this.player = null;
    this.mediaUrl = null;
    this.mediaKey = null;
  }

  renderMedia() {
    const media = this.model.get("media") || {};
    const data = this.model.get("media_data");
    const key = `${this.docId}:${media.status}:${media.name}:${data ? data.byteLength : 0}`;
    if (key === this.mediaKey) return;
    this.dropMedia();
    this.mediaKey = key;
    this.turn = -1;
    clear(this.mediaBox);
    this.nowEl.textContent = "";
    this.playerEl.hidden = !media.status || media.status === "none";
    this.playerEl.classList.toggle("wb-media-off", media.status !== "ok");
    this.fromSelBtn.hidden = media.status !== "ok";
    if (media.status !== "ok" || !data || !data.byteLength) {
      if (media.message) this.mediaBox.append(h("p", { class: "wb-consent wb-notice", role: "status", "data-wb": "media-notice",
        text: media.message }));
      this.drawTurn();
      return;
    }
    // the bytes came once from the kernel: the browser plays them from a blob URL (no server route)
    this.mediaUrl = URL.createObjectURL(new Blob([data], { type: media.type }));
    this.player = h(media.kind === "video" ? "video" : "audio", { controls: true, preload: "metadata",
      src: this.mediaUrl, "data-wb": "player", class: "wb-media",
      "aria-label": `Recording of this story (${media.name}). Clicking a passage plays from its time.` });
    this.player.addEventListener("timeupdate", () => this.followPlayer());
    this.player.addEventListener("seeked", () => this.followPlayer());
    this.mediaBox.append(this.player, h("span", { class: "wb-small", text: media.name }));
    this.drawTurn();
  }

  /** Seconds into the recording at code point cp: inside a timed turn, between its start and end times. */
  timeAt(cp) {
    const turns = (this.model.get("doc") || {}).turns || [];
    const t = turns.find((x) => x.start <= cp && cp < x.end);
    if (!t || t.t0 === null) return null;
    if (t.t1 === null || t.end <= t.start) return t.t0;
    return t.t0 + ((cp - t.start) / (t.end - t.start)) * (t.t1 - t.t0);
  }

  playFrom(seconds) {
    if (!this.player || seconds === null || seconds === undefined) return;
    this.player.currentTime = Math.max(0, seconds);
    const playing = this.player.play();
    if (playing && playing.catch) playing.catch(() => {}); // a browser that refuses to play still moved the time
    this.followPlayer();
  }

  playSelection() {
    if (!this.sel) {
      this.showError("Select a passage in the text first, then play it.");
      return;
    }
    const time = this.timeAt(this.sel.start);
    if (time === null) {
      this.showError("This part of the story has no time in the recording.");
      return;
    }
    this.playFrom(time);
  }

  /** The turn the player is in now: named in words, and outlined in the text (not by colour alone). */
  followPlayer() {
    if (!this.player) return;
    const now = this.player.currentTime;
    const turns = (this.model.get("doc") || {}).turns || [];
    let index = -1;
    for (let i = 0; i < turns.length; i++) {
      if (turns[i].t0 !== null && turns[i].t0 <= now + 0.05) index = i;
    }
    if (index === this.turn) return;
    this.turn = index;
    const t = turns[index];
    this.nowEl.textContent = t ? `Now playing: turn ${index + 1}, ${t.speaker || "no speaker"}, from ${clock(t.t0)}` : "";
    this.drawTurn();
    // while it plays on, the text follows the recording to the next turn
    const box = this.turnLayer.firstChild;
    if (box && !this.player.paused) {
      const top = parseFloat(box.style.top);
      const bottom = top + parseFloat(box.style.height);
      const at = this.scroller.scrollTop;
      if (top < at || bottom > at + this.scroller.clientHeight) this.scroller.scrollTop = Math.max(0, top - 40);
    }
  }

  drawTurn() {
    clear(this.turnLayer);
    const turns = (this.model.get("doc") || {}).turns || [];
    const t = this.player && turns[this.turn];
    if (!t || !this.page.clientWidth) return;
    const range = this.rangeFor(this.map.toUnits(t.start), this.map.toUnits(t.end));
    const lines = lineBoxes(range.getClientRects(), this.page.getBoundingClientRect());
    if (!lines.length) return;
    const top = lines[0].top;
    const bottom = lines[lines.length - 1].bottom;
    const left = Math.min(...lines.map((l) => l.left));
    const right = Math.max(...lines.map((l) => l.right));
    this.turnLayer.append(h("div", { class: "wb-turn-now", "data-wb": "current-turn", "data-turn": this.turn,
      style: { left: `${left - 6}px`, top: `${top}px`, width: `${right - left + 10}px`, height: `${bottom - top}px` } }));
  }

  // ------------------------------------------------------------------ details of one coding
  selectCoding(id, { keepPoint = false, focus = false, scroll = false } = {}) {
    if (!keepPoint) this.atPoint = id ? [id] : [];
    this.selected = id;
    this.renderDetails(true);
    this.markSelected();
    this.renderMemoTie();
    let g = id && this.geo.get(id);
    const c = id && this.shown.get(id);
    if (!g && c && scroll) {
      // a coding far from the view: bring its text near, then draw the highlights there
      const box = this.rangeFor(this.map.toUnits(c.start), this.map.toUnits(c.end)).getBoundingClientRect();
      this.scroller.scrollTop += box.top - this.scroller.getBoundingClientRect().top - 40;
      this.layoutAll();
      g = this.geo.get(id);
    }
    if (g && scroll) {
      const top = g.top - 40;
      if (top < this.scroller.scrollTop || g.bottom > this.scroller.scrollTop + this.scroller.clientHeight) {
        this.scroller.scrollTop = Math.max(0, top);
      }
    }
    if (focus && id) this.detailsEl.focus({ preventScroll: true });
  }

  step(direction) {
    const list = [...this.shown.values()].sort((a, b) => a.start - b.start || a.end - b.end);
    if (!list.length) return;
    let index = list.findIndex((c) => c.id === this.selected);
    if (index < 0) {
      const at = this.sel ? this.sel.start : 0;
      index = direction > 0 ? list.findIndex((c) => c.start >= at) : list.findLastIndex((c) => c.start < at);
      if (index < 0) index = direction > 0 ? 0 : list.length - 1;
    } else {
      index = (index + direction + list.length) % list.length;
    }
    this.selectCoding(list[index].id, { scroll: true });
  }

  renderDetails(force = false) {
    const c = this.selected ? this.shown.get(this.selected) : null;
    if (!c) {
      if (this.selected) this.selected = null;
      this.detailsEl.hidden = true;
      clear(this.detailsEl);
      this.detailsKey = null;
      return;
    }
    const key = JSON.stringify([c, this.atPoint]);
    const editing = this.noteInput && document.activeElement === this.noteInput;
    if (!force && (key === this.detailsKey || editing)) return;
    this.detailsKey = key;
    this.detailsEl.hidden = false;
    this.detailsEl.setAttribute("tabindex", "-1");
    const parts = [h("h3", { class: "wb-h", text: "Coding" })];
    const here = this.atPoint.filter((id) => this.shown.has(id));
    if (here.length > 1) {
      parts.push(h("p", { class: "wb-small", text: `${here.length} codings here:` }),
        h("div", { class: "wb-chooser" }, ...here.map((id) => {
          const o = this.shown.get(id);
          return h("button", { type: "button", class: `wb-chip${id === c.id ? " wb-on" : ""}`,
            "aria-pressed": id === c.id ? "true" : "false", style: { "--wb-c": this.colorOf(o.code) },
            "data-wb": "coding-choice", "data-coding-id": id, text: `${o.code} · ${o.coder}`,
            onclick: () => this.selectCoding(id, { keepPoint: true }) });
        })));
    }
    const swatch = h("span", { class: "wb-swatch", "aria-hidden": "true" });
    swatch.style.setProperty("--wb-c", this.colorOf(c.code));
    const fact = (label, ...value) => h("div", { class: "wb-fact" }, h("dt", { text: label }), h("dd", ...value));
    parts.push(h("dl", { class: "wb-facts" },
      fact("Code", { "data-wb": "detail-code" }, swatch, c.code),
      fact("Coder", { "data-wb": "detail-coder", text: c.coder }),
      fact("When", { "data-wb": "detail-time", text: formatTime(c.at) }),
      fact("Passage", { class: "wb-passage", "data-wb": "detail-passage", text: `“${this.passage(c.start, c.end)}”` }),
      c.t0 !== null && c.t0 !== undefined
        ? fact("In the recording", { "data-wb": "detail-time-span", text: timeSpan(c.t0, c.t1) }) : null));
    if (this.player && c.t0 !== null && c.t0 !== undefined) {
      parts.push(h("div", { class: "wb-row" }, h("button", { type: "button", class: "wb-btn wb-quiet",
        "data-wb": "detail-play", text: `▶ Play from ${clock(c.t0)}`, onclick: () => this.playFrom(c.t0) })));
    }
    this.noteInput = null;
    if (c.mine) {
      this.noteInput = h("textarea", { "data-wb": "note-input", rows: "2", "aria-label": "Note on this coding",
        placeholder: "Why this code here? (a note)" });
      this.noteInput.value = c.note || "";
      parts.push(h("label", { class: "wb-block" }, h("span", { text: "Note" }), this.noteInput),
        h("div", { class: "wb-row" },
          h("button", { type: "button", class: "wb-btn", "data-wb": "note-save", text: "Save note",
            onclick: () => this.saveNote(c.id) }),
          h("button", { type: "button", class: "wb-btn wb-danger", "data-wb": "remove", text: "Remove my coding",
            onclick: () => this.removeCoding(c.id) })));
    } else {
      parts.push(h("p", { class: "wb-note", "data-wb": "detail-note", text: c.note ? `Note: ${c.note}` : "No note." }),
        h("p", { class: "wb-small", text: `This is ${c.coder}'s reading: only ${c.coder} can change or remove it. ` +
          "Talk it through, or record your own reading." }));
    }
    parts.push(h("div", { class: "wb-row" },
      h("button", { type: "button", class: "wb-btn wb-quiet", text: "◀ Previous", "aria-label": "Previous coding",
        onclick: () => this.step(-1) }),
      h("button", { type: "button", class: "wb-btn wb-quiet", text: "Next ▶", "aria-label": "Next coding",
        onclick: () => this.step(1) }),
      h("button", { type: "button", class: "wb-btn wb-quiet", text: "Close", onclick: () => this.selectCoding(null) })));
    clear(this.detailsEl).append(...parts);
  }

  // ------------------------------------------------------------------ codes
  renderCodebook() {
    this.colors = null;
    const codes = this.model.get("codebook") || [];
    const keep = this.newParent.value;
    clear(this.newParent).append(h("option", { value: "", text: "(top level)" }),
      ...codes.map((c) => h("option", { value: c.name, text: `${"  ".repeat(c.level)}${c.name}` })));
    if (codes.some((c) => c.name === keep)) this.newParent.value = keep;
    this.renderCodeList();
  }

  visibleCodes() {
    const codes = this.model.get("codebook") || [];
    const q = this.filter.trim().toLocaleLowerCase();
    if (!q) return codes;
    const rank = (c) => {
      const name = c.name.toLocaleLowerCase();
      if (name === q) return 0;
      if (name.startsWith(q)) return 1;
      if (name.split(/[\s\-_/]+/).some((w) => w.startsWith(q))) return 2;
      if (name.includes(q)) return 3;
      return -1;
    };
    return codes.map((c, i) => [rank(c), i, c]).filter(([r]) => r >= 0)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , c]) => c);
  }

  renderCodeList() {
    const visible = this.visibleCodes();
    const flat = Boolean(this.filter.trim());
    this.numbered = visible.slice(0, 9);
    const items = visible.map((c, i) => {
      const button = h("button", {
        type: "button", class: "wb-code", "data-wb": "code-button", "data-code": c.name,
        title: [c.description, c.include && `Include: ${c.include}`, c.exclude && `Exclude: ${c.exclude}`]
          .filter(Boolean).join("\n") || null,
        "aria-keyshortcuts": i < 9 ? String(i + 1) : null,
        style: { paddingLeft: `${0.4 + (flat ? 0 : c.level) * 0.9}rem` },
        onclick: () => this.applyCode(c.name),
      },
      h("kbd", { class: "wb-key", "aria-hidden": "true", text: i < 9 ? String(i + 1) : "" }),
      h("span", { class: "wb-swatch", "aria-hidden": "true" }),
      h("span", { class: "wb-code-name", text: c.name }));
      button.style.setProperty("--wb-c", readableColor(c.color));
      return h("li", {}, button);
    });
    if (!items.length) {
      items.push(h("li", { class: "wb-small", text: this.filter
        ? `No code matches “${this.filter}”. Add it under New code.`
        : "The codebook is empty: add a code under New code." }));
    }
    clear(this.codeList).append(...items);
  }

  setFilter(value) {
    this.filter = value;
    this.renderCodeList();
  }

  applyNumber(n) {
    if (document.activeElement === this.textEl) this.readSelection();
    if (!this.sel) {
      this.showError("Select a passage in the text first, then choose a code.");
      return;
    }
    const code = this.numbered[n - 1];
    if (!code) {
      this.showError(`There is no code number ${n}${this.filter ? " in the filtered list" : ""}.`);
      return;
    }
    this.applyCode(code.name);
  }

  applyCode(name) {
    if (!this.docId) return;
    if (document.activeElement === this.textEl) this.readSelection();
    if (!this.sel) {
      this.showError("Select a passage in the text first, then choose a code.");
      return;
    }
    const { start, end } = this.sel;
    this.setStatus(`Saving “${name}”…`);
    this.request("code", { narrative: this.docId, start, end, code: name }, (reply) => {
      if (!reply.ok) {
        this.setStatus("");
        return;
      }
      this.hideError();
      // what the key press did, read out by the live status: "Coded “reciprocity” on 12 words."
      const words = [...this.text].slice(start, end).join("").split(/\s+/).filter(Boolean).length;
      this.setStatus(`Coded “${name}” on ${words} word${words === 1 ? "" : "s"}.`);
    });
  }

  addCode() {
    const name = this.newName.value.trim();
    if (!name) {
      this.showError("A new code needs a name.");
      this.newName.focus();
      return;
    }
    this.request("add_code", { name, description: this.newDesc.value, parent: this.newParent.value,
      rationale: this.newWhy.value }, (reply) => {
      if (!reply.ok) return;
      this.hideError();
      this.setStatus(`Added the code “${reply.name || name}”.`);
      this.newName.value = "";
      this.newDesc.value = "";
      this.newWhy.value = "";
      this.setFilter(this.filterEl.value);
    });
  }

  saveNote(id) {
    const note = this.noteInput ? this.noteInput.value : "";
    this.request("annotate", { id, note }, (reply) => {
      if (reply.ok) {
        this.hideError();
        this.setStatus("Note saved.");
      }
    });
  }

  removeCoding(id) {
    this.request("uncode", { id }, (reply) => {
      if (!reply.ok) return;
      this.hideError();
      if (this.selected === id) this.selectCoding(null);
      this.setStatus("Coding removed (the history keeps it).");
    });
  }

  // ------------------------------------------------------------------ memos
  renderPrompt() {
    const prompts = this.model.get("prompts") || [];
    this.promptEl.textContent = prompts.length ? prompts[this.promptIndex % prompts.length] : "";
    this.promptEl.parentElement.hidden = !prompts.length;
  }

  renderMemoTie() {
    const keep = this.memoTie.value;
    const options = [["narrative", "This narrative"]];
    const c = this.selected && this.shown.get(this.selected);
    if (c) options.push([`coding:${c.id}`, `The selected coding (${c.code} · ${c.coder})`]);
    for (const code of this.model.get("codebook") || []) options.push([`code:${code.name}`, `Code: ${code.name}`]);
    clear(this.memoTie).append(...options.map(([value, label]) => h("option", { value, text: label })));
    if (options.some(([value]) => value === keep)) this.memoTie.value = keep;
  }

  saveMemo() {
    const text = this.memoInput.value;
    if (!text.trim()) {
      this.showError("Write something in the memo first.");
      this.memoInput.focus();
      return;
    }
    this.request("memo", { text, kind: this.memoKind.value, tie: this.memoTie.value,
      title: this.memoTitle.value }, (reply) => {
      if (!reply.ok) return;
      this.hideError();
      this.memoInput.value = "";
      this.memoTitle.value = "";
      this.setStatus("Memo saved.");
    });
  }

  renderMemos() {
    const memos = (this.model.get("memos") || []).slice().reverse();
    const items = memos.map((m) => {
      const about = m.coding_id ? "on a coding" : m.code ? `on the code “${m.code}”` : "on this narrative";
      return h("li", { class: `wb-memo wb-memo-${m.kind}`, "data-wb": "memo", "data-memo-id": m.id },
        h("p", { class: "wb-memo-meta" },
          h("span", { class: "wb-badge", text: m.kind }), ` ${m.coder} · ${formatTime(m.at)} · ${about}`),
        m.title ? h("p", { class: "wb-memo-title", text: m.title }) : null,
        h("p", { class: "wb-memo-text", text: m.text }));
    });
    if (!items.length) items.push(h("li", { class: "wb-small", text: "No memos on this narrative yet." }));
    clear(this.memoList).append(...items);
  }

  // ------------------------------------------------------------------ the narrator's voice
  buildVoices() {
    // the narrator's own answers to how the story was read: beside the readings, never one of them
    this.voiceList = h("ul", { class: "wb-memos", "data-wb": "voice-list", tabindex: "0",
      "aria-label": "The narrator's answers" });
    this.voicePanel = h("section", { class: "wb-panel wb-voice-panel", "data-wb": "voices", hidden: true,
      "aria-label": "The narrator's answers" }, h("h3", { class: "wb-h", text: "The narrator's answers" }),
    this.voiceList);
    return this.voicePanel;
  }

  renderVoices() {
    const voices = this.model.get("voices") || [];
    this.voicePanel.hidden = !voices.length;
    clear(this.voiceList).append(...voices.map((v) => {
      const about = v.about === "coding" ? `${v.coder}'s reading “${v.code}”`
        : v.about === "theme" ? `the theme “${v.theme}”` : "the whole story";
      const passage = v.start >= 0 ? ` (“${(this.text || "").slice(v.start, Math.min(v.end, v.start + 60))}…”)` : "";
      return h("li", { class: "wb-memo wb-voice", "data-wb": "voice", "data-stance": v.stance },
        h("p", { class: "wb-memo-meta" }, h("span", { class: "wb-badge", text: v.stance }),
          ` ${v.narrator} ${v.says} · ${about}${passage}`),
        v.text ? h("p", { class: "wb-memo-text", text: v.text }) : null);
    }));
  }

  // ------------------------------------------------------------------ keys, status, errors
  onKeydown(e) {
    const t = e.target;
    if (t === this.filterEl) {
      this.onFilterKey(e);
      return;
    }
    if (t === this.textEl) {
      this.onTextKey(e);
      return;
    }
    if (t.matches && t.matches("input, textarea, select")) return;
    const plain = !(e.ctrlKey || e.metaKey || e.altKey);
    if (plain && /^[1-9]$/.test(e.key) && this.sel) {
      e.preventDefault();
      this.applyNumber(Number(e.key));
    } else if (plain && t.matches && t.matches('[data-wb="code-button"]') && ["ArrowDown", "ArrowUp"].includes(e.key)) {
      e.preventDefault();
      const buttons = [...this.codeList.querySelectorAll('[data-wb="code-button"]')];
      const i = buttons.indexOf(t) + (e.key === "ArrowDown" ? 1 : -1);
      if (i < 0) this.filterEl.focus();
      else if (buttons[i]) buttons[i].focus();
    } else if (plain && e.key === "Escape") {
      this.selectCoding(null);
    }
  }

  onTextKey(e) {
    if (e.isComposing) return;
    const k = e.key;
    if (e.ctrlKey || e.metaKey || e.altKey) {
      if (/^[xvzybiu]$/i.test(k)) e.preventDefault(); // no editing through shortcuts either
      return;
    }
    if (/^[1-9]$/.test(k)) {
      e.preventDefault();
      this.applyNumber(Number(k));
    } else if (k === "[" || k === "]") {
      e.preventDefault();
      this.step(k === "]" ? 1 : -1);
    } else if (k === "Escape") {
      e.preventDefault();
      this.sel = null;
      const s = window.getSelection();
      if (s && s.rangeCount) s.collapseToStart();
      this.renderSelection();
      this.selectCoding(null);
    } else if (k.length === 1 && k !== " ") {
      // type-to-filter: the letters go to the code filter, the selection stays
      e.preventDefault();
      this.readSelection();
      this.filterEl.value = k;
      this.setFilter(k);
      this.filterEl.focus();
    } else if (k === " " || k === "Enter" || k === "Backspace" || k === "Delete") {
      e.preventDefault();
    }
  }

  onFilterKey(e) {
    if (e.key === "Enter") {
      e.preventDefault();
      const first = this.visibleCodes()[0];
      if (!first) {
        this.showError(`No code matches “${this.filterEl.value}”. Add it under New code.`);
        return;
      }
      this.applyCode(first.name);
      this.filterEl.value = "";
      this.setFilter("");
      this.focusText();
    } else if (e.key === "Escape") {
      e.preventDefault();
      this.filterEl.value = "";
      this.setFilter("");
      this.focusText();
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      const first = this.codeList.querySelector('[data-wb="code-button"]');
      if (first) first.focus();
    }
  }
}

/** m:ss (or h:mm:ss) of a time in seconds. */
function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const pad = (n) => String(n).padStart(2, "0");
  return hms[0] ? `${hms[0]}:${pad(hms[1])}:${pad(hms[2])}` : `${hms[1]}:${pad(hms[2])}`;
}

function timeSpan(t0, t1) {
  return t1 === null || t1 === undefined || t1 <= t0 ? `from ${clock(t0)}` : `${clock(t0)}–${clock(t1)}`;
}

/** Codings of one passage with one code share an underline lane. */
function sameSpan(c) {
  return `${c.start}:${c.end}:${c.code}`;
}

function render({ model, el }) {
  const view = new CodingView(model, el);
  return () => view.destroy();
}

export default { render };

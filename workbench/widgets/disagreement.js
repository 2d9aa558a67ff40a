// The disagreement explorer's front end (anywidget ES module; shared.js is inlined by the Python side).
//
// The narrative's text is one Text node in [data-wb="dx-text"]; nothing a person or a file wrote
// is ever parsed as HTML. Coders' codings are bars in lanes to the left of the text (one lane per
// coder, bars spanning the lines they cover); the stretches where coders differ are boxes drawn
// in a layer behind the text. Offsets on the wire are Python code points (OffsetMap converts).
import { h, clear, guardShortcuts, OffsetMap, readableColor, formatTime, lineBoxes, freeLane, WidgetView,
  saveOnCtrlEnter, ChunkedText, perFrame } from "./shared.js";

const SUB_W = 8; // px per bar within a coder's lane (a coder's overlapping codings sit side by side)
const LANE_GAP = 8; // px between lanes
const NEAR_PX = 1200; // marks are drawn for the text within this distance of the view
const KIND_NOTES = {
  "boundaries differ": "Everyone used this code on this passage, but they cut it differently.",
  "different codes": "Some coders gave this stretch another code instead.",
  "only some coded": "Some coders gave this stretch no code of this kind.",
};

class ExplorerView extends WidgetView {
  constructor(model, el) {
    super(model, el);
    this.text = "";
    this.docId = null;
    this.map = new OffsetMap("");
    this.sel = null; // text selected by the reader {start, end} (code points), for a group reading
    this.lastCurrent = null; // the disagreement the side panels were last filled for
    this.build();
    this.listen();
    for (const key of ["project_name", "coder", "narratives", "codes", "code", "doc", "lanes", "items", "position",
      "memos", "people", "groups", "notice"]) this.dirty.add(key);
    this.flush();
  }

  // ------------------------------------------------------------------ wiring
  listen() {
    this.watch(["coder", "project_name", "narratives", "codes", "code", "compared", "doc", "lanes", "items", "total",
      "position", "memos", "people", "groups", "notice"]);
    this.onWidthChange(this.page, () => {
      this.chunks.settle(); // the blocks' heights change with the width
      this.layout();
    });
    // a long text: draw the marks near the view as it scrolls, and again when blocks get their real height
    const follow = perFrame(() => this.followView());
    this.scroller.addEventListener("scroll", follow, { passive: true });
    const heights = new ResizeObserver(follow);
    heights.observe(this.textEl);
    this.cleanups.push(() => heights.disconnect());
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(() => this.layout());
  }

  draw(d) {
    if (d.has("project_name") || d.has("coder")) this.renderHeader();
    if (d.has("narratives") || d.has("doc")) this.renderNarrativeSelect();
    if (d.has("codes") || d.has("code")) this.renderCodeSelect();
    if (d.has("doc")) this.renderDoc();
    if (d.has("people") || d.has("groups") || d.has("position") || d.has("items") || d.has("lanes")) this.renderForms();
    if (d.has("doc") || d.has("lanes") || d.has("items") || d.has("position") || d.has("codes")) this.layout();
    if (d.has("position") || d.has("total") || d.has("items") || d.has("notice")) this.renderNav();
    if (d.has("position") || d.has("items") || d.has("doc") || d.has("codes")) this.renderDetail();
    if (d.has("memos") || d.has("position") || d.has("items")) this.renderMemos();
  }

  // ------------------------------------------------------------------ skeleton
  build() {
    this.root = h("div", { class: "wb-widget wb-dx", "data-wb": "disagreement-explorer", tabindex: "-1" });
    this.cleanups.push(guardShortcuts(this.root));

    this.projectEl = h("span", { class: "wb-project" });
    this.coderEl = h("span", { class: "wb-dx-muted" });
    this.narrativeSel = h("select", { "data-wb": "dx-narrative", "aria-label": "Narrative",
      onchange: () => this.request("show", { narrative: this.narrativeSel.value }) });
    this.codeSel = h("select", { "data-wb": "dx-code", "aria-label": "Code",
      onchange: () => this.request("filter", { code: this.codeSel.value }) });
    this.statusEl = h("span", { class: "wb-status", role: "status", "aria-live": "polite", "data-wb": "dx-status" });
    const head = h("div", { class: "wb-head" },
      h("div", { class: "wb-who" }, this.projectEl, this.coderEl),
      h("label", { class: "wb-pick" }, h("span", { text: "Narrative" }), this.narrativeSel),
      h("label", { class: "wb-pick" }, h("span", { text: "Code" }), this.codeSel),
      h("button", { type: "button", class: "wb-btn wb-quiet", "data-wb": "dx-refresh", text: "Refresh",
        title: "Pick up what others wrote since", onclick: () => this.request("refresh", {}, (r) => {
          if (r.ok) this.setStatus("Up to date.");
        }) }),
      this.statusEl);

    this.buildErrorBox("dx-");

    this.noticeEl = h("p", { class: "wb-dx-notice", "data-wb": "dx-notice", hidden: true });
    this.prevBtn = h("button", { type: "button", class: "wb-btn", "data-wb": "dx-prev",
      "aria-keyshortcuts": "[", title: "Previous disagreement ( [ or p )", onclick: () => this.step(-1) },
    "◀ Previous");
    this.nextBtn = h("button", { type: "button", class: "wb-btn", "data-wb": "dx-next",
      "aria-keyshortcuts": "]", title: "Next disagreement ( ] or n )", onclick: () => this.step(1) },
    "Next ▶");
    this.positionEl = h("span", { class: "wb-dx-position", "data-wb": "dx-position", "aria-live": "polite" });
    const nav = h("div", { class: "wb-dx-nav", role: "group", "aria-label": "Move between disagreements" },
      this.prevBtn, this.positionEl, this.nextBtn,
      h("span", { class: "wb-dx-hint" }, h("kbd", { text: "]" }), " next · ", h("kbd", { text: "[" }),
        " previous · ", h("kbd", { text: "m" }), " memo · click a marked stretch to open it"));

    this.titleEl = h("h2", { class: "wb-dx-title", "data-wb": "dx-title" });
    this.metaEl = h("p", { class: "wb-dx-muted wb-dx-meta" });
    this.consentEl = h("p", { class: "wb-consent", hidden: true,
      text: "Restricted consent: this story may be coded, analysed and counted, but never quoted." });
    this.laneHead = h("div", { class: "wb-dx-lanehead", "data-wb": "dx-lane-heads" });
    this.textEl = h("div", { class: "wb-text", "data-wb": "dx-text", tabindex: "0", translate: "no", role: "document",
      "aria-label": "Narrative text. Marked stretches are where the coders differ." });
    this.markLayer = h("div", { class: "wb-dx-marks", "data-wb": "dx-marks", "aria-hidden": "true" });
    this.laneLayer = h("div", { class: "wb-dx-lanes", "data-wb": "dx-lanes" });
    this.page = h("div", { class: "wb-dx-page" }, this.laneLayer, this.markLayer, this.textEl);
    this.scroller = h("div", { class: "wb-scroll" }, this.page);
    this.chunks = new ChunkedText(this.textEl);
    this.window = [0, 0]; // UTF-16 units whose marks are drawn (the text near the view)
    this.legendEl = h("p", { class: "wb-dx-legend wb-dx-muted" },
      h("span", { class: "wb-dx-key wb-dx-key-boundaries" }), " boundaries differ ",
      h("span", { class: "wb-dx-key wb-dx-key-different" }), " different codes ",
      h("span", { class: "wb-dx-key wb-dx-key-only" }), " only some coded");
    const reader = h("section", { class: "wb-dx-reader", "aria-label": "Narrative and coders' lanes" },
      this.titleEl, this.metaEl, this.consentEl, this.legendEl, this.laneHead, this.scroller);

    const side = h("aside", { class: "wb-dx-side" }, this.buildDetail(), this.buildDialogue(), this.buildGroup(),
      this.buildMemoList());
    this.root.append(head, this.errorEl, this.noticeEl, nav, h("div", { class: "wb-dx-main" }, reader, side));
    this.el.append(this.root);

    this.root.addEventListener("keydown", (e) => this.onKeydown(e));
    this.textEl.addEventListener("mouseup", (e) => {
      if (e.button === 0) requestAnimationFrame(() => this.onTextMouseUp(e));
    });
    this.laneLayer.addEventListener("click", (e) => {
      const bar = e.target.closest('[data-wb="dx-lane-span"]');
      if (bar) this.openAt(Number(bar.getAttribute("data-start")), Number(bar.getAttribute("data-end")));
    });
  }

  buildDetail() {
    this.kindEl = h("span", { class: "wb-badge", "data-wb": "dx-kind" });
    this.kindNote = h("p", { class: "wb-dx-muted wb-dx-small", "data-wb": "dx-kind-note" });
    this.detailCode = h("span", { class: "wb-chip", "data-wb": "dx-detail-code" });
    this.rangeEl = h("span", { class: "wb-dx-muted", "data-wb": "dx-range" });
    this.passageEl = h("blockquote", { class: "wb-dx-passage", "data-wb": "dx-passage" });
    this.withEl = h("span", { "data-wb": "dx-with" });
    this.withoutEl = h("span", { "data-wb": "dx-without" });
    this.othersEl = h("span", { "data-wb": "dx-others" });
    const fact = (label, value) => h("p", { class: "wb-dx-fact" }, h("span", { class: "wb-dx-label", text: label }), value);
    this.othersRow = fact("Instead", this.othersEl);
    this.detailFacts = h("div", { class: "wb-dx-facts" },
      fact("Coded by", this.withEl), fact("Not coded by", this.withoutEl), this.othersRow);
    this.detailBody = h("div", {}, h("p", { class: "wb-dx-row" }, this.kindEl, this.detailCode, this.rangeEl),
      this.kindNote, this.passageEl, this.detailFacts);
    this.detailEmpty = h("p", { class: "wb-dx-muted", "data-wb": "dx-detail-empty" });
    return h("section", { class: "wb-panel", "data-wb": "dx-detail", "aria-label": "This disagreement" },
      h("h3", { class: "wb-h", text: "This disagreement" }), this.detailEmpty, this.detailBody);
  }

  buildDialogue() {
    this.participantsEl = h("div", { class: "wb-dx-people", "data-wb": "dx-participants" });
    this.extraPeople = h("input", { type: "text", "data-wb": "dx-participant-extra", autocomplete: "off",
      placeholder: "e.g. Sam (facilitator), Jo", "aria-label": "Others who took part, separated by commas" });
    this.memoTitle = h("input", { type: "text", "data-wb": "dx-memo-title", autocomplete: "off",
      placeholder: "Title (optional)", "aria-label": "Memo title (optional)" });
    this.memoText = h("textarea", { "data-wb": "dx-memo-text", rows: "4", "aria-label": "What was said",
      placeholder: "What did each of you hear in this passage? What did you agree on, and what stays open?" });
    saveOnCtrlEnter(this.memoText, () => this.saveMemo());
    return h("section", { class: "wb-panel wb-form", "data-wb": "dx-dialogue", "aria-label": "Dialogue memo" },
      h("h3", { class: "wb-h", text: "Talk it through: a dialogue memo" }),
      h("fieldset", { class: "wb-dx-fieldset" }, h("legend", { text: "Who took part" }), this.participantsEl,
        h("label", {}, h("span", { text: "Others (comma-separated)" }), this.extraPeople)),
      this.memoTitle, this.memoText,
      h("button", { type: "button", class: "wb-btn", "data-wb": "dx-memo-save", text: "Save dialogue memo",
        onclick: () => this.saveMemo() }));
  }

  buildGroup() {
    this.groupList = h("datalist", { id: `wb-dx-groups-${this.viewId}` });
    this.groupName = h("input", { type: "text", "data-wb": "dx-group-name", autocomplete: "off", value: "group:",
      list: this.groupList.id, "aria-label": "Group name, starting with group:", placeholder: "group:tuesday" });
    this.groupExtent = h("select", { "data-wb": "dx-group-extent", "aria-label": "Passage the group agreed on" });
    this.groupCode = h("select", { "data-wb": "dx-group-code", "aria-label": "Code of the group's reading" });
    this.groupNote = h("input", { type: "text", "data-wb": "dx-group-note", autocomplete: "off",
      placeholder: "Why (optional)", "aria-label": "Note on the group's reading (optional)" });
    return h("section", { class: "wb-panel wb-form", "data-wb": "dx-group", "aria-label": "Group reading" },
      h("h3", { class: "wb-h", text: "Record the group's reading" }),
      h("p", { class: "wb-dx-muted wb-dx-small",
        text: "Saved under the group's own name, beside everyone's own codings, which stay as they are." }),
      h("label", {}, h("span", { text: "Group" }), this.groupName, this.groupList),
      h("label", {}, h("span", { text: "Passage" }), this.groupExtent),
      h("label", {}, h("span", { text: "Code" }), this.groupCode),
      this.groupNote,
      h("button", { type: "button", class: "wb-btn", "data-wb": "dx-group-save", text: "Record group reading",
        onclick: () => this.saveGroup() }));
  }

  buildMemoList() {
    this.memoList = h("ul", { class: "wb-memos", "data-wb": "dx-memo-list" });
    return h("section", { class: "wb-panel", "aria-label": "Dialogue memos on this narrative" },
      h("h3", { class: "wb-h", text: "Dialogue memos on this narrative" }), this.memoList);
  }

  // ------------------------------------------------------------------ state helpers
  current() {
    const position = this.model.get("position");
    return (this.model.get("items") || []).find((item) => item.index === position) || null;
  }

  colorOf(code) {
    if (!this.colors) this.colors = new Map();
    if (!this.colors.has(code)) {
      const entry = (this.model.get("codes") || []).find((c) => c.name === code);
      this.colors.set(code, readableColor(entry ? entry.color : "#757575"));
    }
    return this.colors.get(code);
  }

  // ------------------------------------------------------------------ header and nav
  renderHeader() {
    this.projectEl.textContent = this.model.get("project_name") || "";
    this.coderEl.textContent = `exploring as ${this.model.get("coder") || ""}`;
  }

  renderNarrativeSelect() {
    const doc = this.model.get("doc") || {};
    const options = (this.model.get("narratives") || []).map((n) => h("option", { value: n.id,
      text: `${n.title} (${n.count} disagreement${n.count === 1 ? "" : "s"})` }));
    clear(this.narrativeSel).append(...options);
    if (doc.id) this.narrativeSel.value = doc.id;
  }

  renderCodeSelect() {
    this.colors = null;
    const code = this.model.get("code") || "";
    const names = (this.model.get("codes") || []).map((c) => c.name);
    if (code && !names.includes(code)) names.push(code);
    clear(this.codeSel).append(h("option", { value: "", text: "All codes" }),
      ...names.map((name) => h("option", { value: name, text: name })));
    this.codeSel.value = code;
    const keep = this.groupCode.value;
    clear(this.groupCode).append(...names.map((name) => h("option", { value: name, text: name })));
    if (names.includes(keep)) this.groupCode.value = keep;
  }

  renderNav() {
    const total = this.model.get("total") || 0;
    const position = this.model.get("position");
    const notice = this.model.get("notice") || "";
    this.positionEl.textContent = total
      ? (position >= 0 ? `Disagreement ${position + 1} of ${total}` : `${total} disagreement${total === 1 ? "" : "s"}: none selected`)
      : "No disagreements";
    this.prevBtn.disabled = !total;
    this.nextBtn.disabled = !total;
    this.noticeEl.textContent = notice;
    this.noticeEl.hidden = !notice;
  }

  step(by) {
    if (!(this.model.get("total") > 0)) {
      this.showError(this.model.get("notice") || "There are no disagreements to step through.");
      return;
    }
    this.request("step", { by }, (reply) => {
      if (reply.ok) this.hideError();
    });
  }

  go(index) {
    this.request("go", { index });
  }

  // ------------------------------------------------------------------ the text, lanes and marks
  renderDoc() {
    const doc = this.model.get("doc") || {};
    const text = typeof doc.text === "string" ? doc.text : "";
    this.titleEl.textContent = doc.id ? doc.title : "No narrative";
    this.metaEl.textContent = doc.narrator ? `told by ${doc.narrator}` : "";
    this.consentEl.hidden = doc.consent !== "restricted";
    if (doc.id === this.docId && text === this.text) return;
    this.docId = doc.id || null;
    this.text = text;
    this.map = new OffsetMap(text);
    this.sel = null;
    this.chunks.draw(text);
    this.scroller.scrollTop = 0;
  }

  range(start, end) {
    if (!this.text) return null;
    return this.chunks.range(this.map.toUnits(start), this.map.toUnits(end));
  }

  /** Is [start, end) (code points) in the text near the view (the only part whose marks are drawn)? */
  isNear(start, end) {
    return this.map.toUnits(start) < this.window[1] && this.map.toUnits(end) > this.window[0];
  }

  /** After a scroll or a block's new height: draw the marks of the text now near the view. */
  followView() {
    if (!this.text) return;
    const [a, b] = this.chunks.near(this.scroller, NEAR_PX);
    if (this.textEl.offsetHeight === this.layoutHeight && a === this.window[0] && b === this.window[1]) return;
    this.layout();
  }

  boxesOf(start, end, origin) {
    const r = this.range(start, end);
    return r ? lineBoxes(r.getClientRects(), origin) : [];
  }

  layout() {
    const lanes = this.model.get("lanes") || [];
    const items = this.model.get("items") || [];
    const current = this.current();
    // lane geometry first: it sets the text's left edge
    const geometry = lanes.map((lane) => {
      const spans = lane.spans.slice().sort((a, b) => a.start - b.start || b.end - a.end);
      const active = [];
      const placed = spans.map((span) => {
        for (let i = active.length - 1; i >= 0; i--) if (active[i].end <= span.start) active.splice(i, 1);
        const sub = freeLane(new Set(active.map((a) => a.sub)));
        const item = { span, sub, end: span.end };
        active.push(item);
        return item;
      });
      const subs = Math.max(1, ...placed.map((p) => p.sub + 1));
      return { lane, placed, width: subs * SUB_W + LANE_GAP };
    });
    let x = 0;
    for (const g of geometry) {
      g.x = x;
      x += Math.max(g.width, 22);
      g.width = Math.max(g.width, 22);
    }
    const lanesWidth = x;
    this.page.style.setProperty("--wb-dx-lanes", `${lanesWidth}px`);
    this.layoutWidth = this.page.clientWidth;

    clear(this.laneHead);
    this.laneHead.style.width = `${lanesWidth}px`;
    for (const g of geometry) {
      this.laneHead.append(h("span", {
        class: `wb-dx-lanename${g.lane.group ? " wb-dx-group" : ""}`, "data-wb": "dx-lane-head",
        "data-coder": g.lane.coder, title: g.lane.group ? `${g.lane.coder} (a group's negotiated reading)` : g.lane.coder,
        style: { left: `${g.x}px`, width: `${g.width}px` },
      }, h("span", { class: "wb-dx-lanename-text", text: g.lane.coder })));
    }
    // the header is as tall as the longest (vertical) name, up to its CSS limit
    const names = [...this.laneHead.querySelectorAll(".wb-dx-lanename-text")];
    const tallest = Math.max(0, ...names.map((n) => n.getBoundingClientRect().height));
    this.laneHead.style.height = `${Math.ceil(tallest) + 12}px`;

    const origin = this.page.getBoundingClientRect();
    clear(this.laneLayer);
    clear(this.markLayer);
    if (!this.text) return;
    this.layoutHeight = this.textEl.offsetHeight;
    this.window = this.chunks.near(this.scroller, NEAR_PX);
    for (const g of geometry) {
      this.laneLayer.append(h("div", { class: `wb-dx-lane${g.lane.group ? " wb-dx-group" : ""}`, "data-wb": "dx-lane",
        "data-coder": g.lane.coder, style: { left: `${g.x}px`, width: `${g.width - 2}px` } }));
    }
    if (current) {
      const boxes = this.boxesOf(current.start, current.end, origin);
      if (boxes.length) {
        const top = boxes[0].top;
        const bottom = boxes[boxes.length - 1].bottom;
        this.laneLayer.append(h("div", { class: "wb-dx-band", style: { top: `${top}px`, height: `${bottom - top}px`,
          width: `${lanesWidth}px` } }));
      }
    }
    for (const g of geometry) {
      for (const { span, sub } of g.placed) {
        if (!this.isNear(span.start, span.end)) continue;
        const boxes = this.boxesOf(span.start, span.end, origin);
        if (!boxes.length) continue;
        const top = boxes[0].top;
        const bottom = boxes[boxes.length - 1].bottom;
        const hit = current && current.code === span.code && span.start < current.end && span.end > current.start;
        const bar = h("div", {
          class: `wb-dx-bar${g.lane.group ? " wb-dx-group" : ""}${hit ? " wb-dx-hit" : ""}`, "data-wb": "dx-lane-span",
          "data-coder": g.lane.coder, "data-code": span.code, "data-start": span.start, "data-end": span.end,
          "data-coding-id": span.id,
          title: `${g.lane.coder}: ${span.code} (characters ${span.start}–${span.end})${span.note ? `\n${span.note}` : ""}`,
          style: { left: `${g.x + sub * SUB_W + 2}px`, top: `${top + 2}px`, height: `${Math.max(4, bottom - top - 4)}px` },
        });
        bar.style.setProperty("--wb-c", this.colorOf(span.code));
        this.laneLayer.append(bar);
      }
    }
    for (const item of items) {
      if (!this.isNear(item.start, item.end)) continue;
      const isCurrent = current && item.index === current.index;
      for (const box of this.boxesOf(item.start, item.end, origin)) {
        const mark = h("div", {
          class: `wb-dx-mark wb-dx-${item.kind.split(" ")[0]}${isCurrent ? " wb-dx-current" : ""}`, "data-wb": "dx-mark",
          "data-index": item.index, "data-code": item.code, "data-current": isCurrent ? "true" : null,
          style: { left: `${box.left}px`, top: `${box.top}px`, width: `${box.right - box.left}px`,
            height: `${box.bottom - box.top}px` },
        });
        mark.style.setProperty("--wb-c", this.colorOf(item.code));
        this.markLayer.append(mark);
      }
    }
    if (current && (!this.lastScrolled || this.lastScrolled !== `${this.docId}:${current.index}`)) {
      this.lastScrolled = `${this.docId}:${current.index}`;
      this.scrollTo(current);
    }
  }

  scrollTo(item) {
    const origin = this.page.getBoundingClientRect();
    const boxes = this.boxesOf(item.start, item.end, origin);
    if (!boxes.length) return;
    const top = boxes[0].top;
    const view = this.scroller.clientHeight;
    const at = this.scroller.scrollTop;
    if (top < at + 20 || boxes[boxes.length - 1].bottom > at + view - 20) {
      this.scroller.scrollTop = Math.max(0, top - Math.min(80, view / 4));
    }
  }

  offsetAt(node, offset) {
    const u = this.chunks.offsetOf(node, offset);
    return u === null ? null : this.map.toCodePoints(u);
  }

  onTextMouseUp() {
    const s = window.getSelection();
    if (!s || !s.rangeCount || !this.textEl.contains(s.anchorNode)) return;
    const a = this.offsetAt(s.anchorNode, s.anchorOffset);
    const b = this.offsetAt(s.focusNode, s.focusOffset);
    if (a === null || b === null) return;
    if (a === b) {
      this.openAt(a, a + 1);
      return;
    }
    this.sel = { start: Math.min(a, b), end: Math.max(a, b) };
    this.renderExtent();
    this.groupExtent.value = "selection";
    this.setStatus(`Selected characters ${this.sel.start}–${this.sel.end}: “The text you selected” is ready as the group's passage.`);
  }

  openAt(start, end) {
    // the disagreement under the click; clicking again cycles through overlapping ones
    const items = (this.model.get("items") || []).filter((i) => i.start < end && i.end > start);
    if (!items.length) return;
    const current = this.current();
    const at = current ? items.findIndex((i) => i.index === current.index) : -1;
    this.go(items[(at + 1) % items.length].index);
  }

  // ------------------------------------------------------------------ the side panels
  renderDetail() {
    const item = this.current();
    this.detailBody.hidden = !item;
    this.detailEmpty.hidden = Boolean(item);
    const doc = this.model.get("doc") || {};
    this.detailEmpty.textContent = (this.model.get("items") || []).length
      ? "Choose a marked stretch, or press Next."
      : `No disagreements in ${doc.id ? `“${doc.title}”` : "this narrative"}${this.model.get("code") ? " with this code" : ""}.`;
    if (!item) return;
    this.kindEl.textContent = item.kind;
    this.kindEl.setAttribute("data-kind", item.kind);
    this.kindNote.textContent = KIND_NOTES[item.kind] || "";
    this.detailCode.textContent = item.code;
    this.detailCode.style.setProperty("--wb-c", this.colorOf(item.code));
    this.rangeEl.textContent = `characters ${item.start}–${item.end}`;
    this.passageEl.textContent = this.text.slice(this.map.toUnits(item.start), this.map.toUnits(item.end));
    this.withEl.textContent = item.with.join(", ");
    this.withoutEl.textContent = item.without.join(", ");
    this.othersEl.textContent = item.others.join("; ");
    this.othersRow.hidden = !item.others.length;
  }

  renderForms() {
    const item = this.current();
    const key = item ? `${this.docId}:${item.index}:${item.start}:${item.code}` : null;
    const changed = key !== this.lastCurrent;
    this.lastCurrent = key;
    // participants: everyone known; those in this disagreement (and you) are ticked
    const me = this.model.get("coder");
    const involved = new Set(item ? [...item.with, ...item.without, me] : [me]);
    const ticked = new Set([...this.participantsEl.querySelectorAll('input[type="checkbox"]')]
      .filter((box) => box.checked).map((box) => box.value));
    const people = this.model.get("people") || [];
    const boxes = people.map((name) => {
      const box = h("input", { type: "checkbox", value: name, "data-wb": "dx-participant" });
      box.checked = changed || !this.participantsBuilt ? involved.has(name) : ticked.has(name);
      return h("label", { class: "wb-dx-person" }, box, h("span", { text: name }));
    });
    clear(this.participantsEl).append(...boxes);
    this.participantsBuilt = true;
    clear(this.groupList).append(...(this.model.get("groups") || []).map((g) => h("option", { value: g })));
    if (changed && item) this.groupCode.value = item.code;
    this.renderExtent(changed);
  }

  renderExtent(reset = false) {
    const item = this.current();
    const keep = this.groupExtent.value;
    const options = [];
    if (item) {
      options.push(["stretch", `This stretch (${item.start}–${item.end})`, item.start, item.end]);
      if (item.passage_start !== item.start || item.passage_end !== item.end) {
        options.push(["passage", `The whole passage (${item.passage_start}–${item.passage_end})`, item.passage_start,
          item.passage_end]);
      }
      for (const lane of this.model.get("lanes") || []) {
        for (const span of lane.spans) {
          if (span.code === item.code && span.start < item.passage_end && span.end > item.passage_start) {
            options.push([`coding:${span.id}`, `${lane.coder}'s reading (${span.start}–${span.end})`, span.start, span.end]);
          }
        }
      }
    }
    if (this.sel) options.push(["selection", `The text you selected (${this.sel.start}–${this.sel.end})`, this.sel.start, this.sel.end]);
    this.extents = new Map(options.map(([value, , start, end]) => [value, { start, end }]));
    clear(this.groupExtent).append(...options.map(([value, label]) => h("option", { value, text: label })));
    if (!options.length) this.groupExtent.append(h("option", { value: "", text: "Select text, or go to a disagreement" }));
    if (!reset && this.extents.has(keep)) this.groupExtent.value = keep;
  }

  renderMemos() {
    const memos = (this.model.get("memos") || []).slice().reverse();
    const items = memos.map((m) => h("li", { class: "wb-memo", "data-wb": "dx-memo", "data-memo-id": m.id },
      h("p", { class: "wb-dx-muted wb-dx-small" },
        h("span", { class: "wb-badge", text: "dialogue" }),
        ` ${m.coder} · ${formatTime(m.at)}${m.code ? ` · on “${m.code}”` : ""}`),
      m.title ? h("p", { class: "wb-memo-title", text: m.title }) : null,
      h("p", { class: "wb-dx-small", "data-wb": "dx-memo-participants", text: `With: ${m.participants.join(", ")}` }),
      h("p", { class: "wb-memo-text", text: m.text })));
    if (!items.length) items.push(h("li", { class: "wb-dx-muted wb-dx-small", text: "No dialogue memos on this narrative yet." }));
    clear(this.memoList).append(...items);
  }

  participants() {
    const ticked = [...this.participantsEl.querySelectorAll('input[type="checkbox"]')]
      .filter((box) => box.checked).map((box) => box.value);
    const extra = this.extraPeople.value.split(",").map((s) => s.trim()).filter(Boolean);
    return [...new Set([...ticked, ...extra])];
  }

  saveMemo() {
    const text = this.memoText.value;
    if (!text.trim()) {
      this.showError("Write what was said first.");
      this.memoText.focus();
      return;
    }
    const people = this.participants();
    if (!people.length) {
      this.showError("Name who took part: tick their names or type them.");
      return;
    }
    this.setStatus("Saving the dialogue memo…");
    this.request("memo", { text, participants: people, title: this.memoTitle.value }, (reply) => {
      if (!reply.ok) {
        this.setStatus("");
        return;
      }
      this.hideError();
      this.memoText.value = "";
      this.memoTitle.value = "";
      this.extraPeople.value = "";
      this.setStatus(`Dialogue memo saved, naming ${people.join(", ")}.`);
    });
  }

  saveGroup() {
    const group = this.groupName.value.trim();
    if (!group.startsWith("group:") || group.length <= "group:".length) {
      this.showError("Name the group, starting with “group:” (for example group:tuesday).");
      this.groupName.focus();
      return;
    }
    const extent = this.extents && this.extents.get(this.groupExtent.value);
    if (!extent) {
      this.showError("Choose the passage the group agreed on: go to a disagreement, or select text.");
      return;
    }
    const code = this.groupCode.value;
    if (!code) {
      this.showError("Choose the code of the group's reading.");
      return;
    }
    this.setStatus(`Recording ${group}'s reading…`);
    this.request("group", { group, start: extent.start, end: extent.end, code, note: this.groupNote.value }, (reply) => {
      if (!reply.ok) {
        this.setStatus("");
        return;
      }
      this.hideError();
      this.groupNote.value = "";
      this.setStatus(`Recorded ${group}'s reading: “${code}” on characters ${extent.start}–${extent.end}. Everyone's own codings stay.`);
    });
  }

  // ------------------------------------------------------------------ keys, status, errors
  onKeydown(e) {
    const t = e.target;
    if (t.matches && t.matches("input, textarea, select")) return;
    if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (e.key === "]" || e.key === "n") {
      e.preventDefault();
      this.step(1);
    } else if (e.key === "[" || e.key === "p") {
      e.preventDefault();
      this.step(-1);
    } else if (e.key === "m") {
      e.preventDefault();
      this.memoText.focus();
    } else if (e.key === "Escape") {
      this.hideError();
    }
  }
}

function render({ model, el }) {
  const view = new ExplorerView(model, el);
  return () => view.destroy();
}

export default { render };

// Helpers shared by the workbench widgets (plain ES module, no build step).
//
// Everything a person or a project file wrote (narratives, code names, notes, memos, coder
// names) goes into the page as text: textContent, Text nodes and setAttribute. Nothing is
// ever parsed as HTML, so a story containing "<img onerror=...>" shows literally.

/** Create an element. attrs: class, text, style (object), on<event> (listener), or attributes. */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "style") Object.assign(node.style, value);
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Remove every child of a node. */
export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/**
 * Keep JupyterLab's notebook shortcuts ("1" makes a heading, "a"/"b" insert cells, "d d"
 * deletes one) off the widget. Lumino walks up from the *focused* element and stops at an
 * element carrying data-lm-suppress-shortcuts, but matches the command-mode selector on the
 * focused element itself first: so the attribute must sit on whatever takes focus.
 */
export function guardShortcuts(root) {
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  const stamp = (event) => {
    const target = event.target;
    if (target instanceof Element && !target.hasAttribute("data-lm-suppress-shortcuts")) {
      target.setAttribute("data-lm-suppress-shortcuts", "true");
    }
  };
  // ...except Ctrl/Cmd+S, which should still save the notebook: a window-level capture listener
  // runs before Lumino's document-level one, so lift the attribute for just that keystroke.
  const letSaveThrough = (event) => {
    const target = event.target;
    if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "s") return;
    if (!(target instanceof Element) || !root.contains(target)) return;
    const marked = [...root.querySelectorAll("[data-lm-suppress-shortcuts]")].filter((n) => n.contains(target));
    marked.push(root);
    for (const node of marked) node.removeAttribute("data-lm-suppress-shortcuts");
    setTimeout(() => {
      for (const node of marked) node.setAttribute("data-lm-suppress-shortcuts", "true");
    }, 0);
  };
  root.addEventListener("focusin", stamp, true);
  root.addEventListener("mousedown", stamp, true);
  window.addEventListener("keydown", letSaveThrough, true);
  return () => {
    root.removeEventListener("focusin", stamp, true);
    root.removeEventListener("mousedown", stamp, true);
    window.removeEventListener("keydown", letSaveThrough, true);
  };
}

/**
 * Python counts code points, JavaScript counts UTF-16 code units ("I felt 😀 joy": "joy"
 * starts at 9 in Python and at 10 here). The wire carries code points; this converts.
 * An offset that falls inside a surrogate pair rounds down to the start of the character.
 */
export class OffsetMap {
  constructor(text) {
    this.units = text.length;
    this.astral = /[\uD800-\uDFFF]/.test(text);
    if (!this.astral) {
      this.length = text.length;
      return;
    }
    const n = text.length;
    const cpTo = new Uint32Array(n + 1);
    const unitTo = new Uint32Array(n + 1);
    let cp = 0;
    for (let i = 0; i < n; cp++) {
      const code = text.charCodeAt(i);
      const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      cpTo[cp] = i;
      unitTo[i] = cp;
      if (pair) {
        unitTo[i + 1] = cp;
        i += 2;
      } else {
        i += 1;
      }
    }
    cpTo[cp] = n;
    unitTo[n] = cp;
    this.length = cp;
    this.cpTo = cpTo.subarray(0, cp + 1);
    this.unitTo = unitTo;
  }

  /** UTF-16 offset of code-point offset cp. */
  toUnits(cp) {
    const c = Math.max(0, Math.min(cp, this.length));
    return this.astral ? this.cpTo[c] : c;
  }

  /** Code-point offset of UTF-16 offset u (rounding down inside a surrogate pair). */
  toCodePoints(u) {
    const c = Math.max(0, Math.min(u, this.units));
    return this.astral ? this.unitTo[c] : c;
  }
}

function channel(value) {
  const v = value / 255;
  return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function parseHex(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(String(hex || ""));
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function luminance([r, g, b]) {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG contrast ratio of two #rrggbb colours. */
export function contrast(a, b) {
  const la = luminance(parseHex(a) || [0, 0, 0]);
  const lb = luminance(parseHex(b) || [255, 255, 255]);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** The colour, darkened just enough to reach `ratio` against white (marks must be seen). */
export function readableColor(hex, ratio = 3) {
  const rgb = parseHex(hex);
  if (!rgb) return "#5f6368";
  let [r, g, b] = rgb;
  const toHex = () => "#" + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  for (let step = 0; step < 20 && contrast(toHex(), "#ffffff") < ratio; step++) {
    r *= 0.9;
    g *= 0.9;
    b *= 0.9;
  }
  return toHex();
}

/** A short, local, human date-time for an ISO timestamp. */
export function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso || "");
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** Merge a range's client rects into one box per line, relative to `origin` (a DOMRect). */
export function lineBoxes(rects, origin) {
  const lines = [];
  for (const rect of rects) {
    if (rect.width < 0.5 || rect.height < 0.5) continue;
    const top = rect.top - origin.top;
    const bottom = rect.bottom - origin.top;
    const line = lines.find((l) => Math.abs(l.top - top) < 2 && Math.abs(l.bottom - bottom) < 2);
    if (line) {
      line.left = Math.min(line.left, rect.left - origin.left);
      line.right = Math.max(line.right, rect.right - origin.left);
    } else {
      lines.push({ top, bottom, left: rect.left - origin.left, right: rect.right - origin.left });
    }
  }
  return lines.sort((a, b) => a.top - b.top || a.left - b.left);
}

const CHUNK_UNITS = 6000; // UTF-16 units in a block of text, about a screen or two

/**
 * A narrative shown as blocks of about CHUNK_UNITS units, each cut after a line break. Every block
 * is a `content-visibility: auto` box (see shared.css): the browser lays out and paints only the
 * blocks near the view, yet the whole text stays in the page, so a selection, the browser's find
 * and a screen reader reach all of it, and offsets stay exact across blocks. Offsets here are
 * UTF-16 units from the start of the text (OffsetMap converts them to code points).
 */
export class ChunkedText {
  constructor(el) {
    this.el = el;
    this.paras = []; // {start, node: Text}, in text order
    this.blocks = []; // {start, end, node: the block element}
    this.starts = new WeakMap(); // Text node -> its start
  }

  /** Put `text` into the element, replacing what was there. */
  draw(text) {
    const pieces = text.match(/[^\n]+\n*|\n+/g) || [];
    const frag = document.createDocumentFragment();
    this.paras = [];
    this.blocks = [];
    this.starts = new WeakMap();
    let pos = 0;
    let block = null;
    for (const piece of pieces) {
      if (!block || pos - block.start >= CHUNK_UNITS) {
        if (block) block.end = pos;
        block = { start: pos, end: text.length, node: h("div", { class: "wb-chunk", "data-start": pos }) };
        this.blocks.push(block);
        frag.append(block.node);
      }
      const node = document.createTextNode(piece);
      this.paras.push({ start: pos, node });
      this.starts.set(node, pos);
      block.node.append(h("span", { class: "wb-para" }, node));
      pos += piece.length;
    }
    for (const b of this.blocks) {
      // a first guess at the block's height (in lines) until the browser lays it out
      const lines = (text.slice(b.start, b.end).match(/\n/g) || []).length + (b.end - b.start) / 80;
      b.node.style.setProperty("--wb-lines", String(Math.ceil(lines)));
    }
    clear(this.el).append(frag);
    this.settle();
  }

  /**
   * In idle time, measure each block's real height at the current width and keep it as the
   * block's placeholder size, so the scroll bar is true and nothing jumps when a block comes
   * into view (a block away from the view keeps only that size, not its layout).
   */
  settle() {
    const width = this.el.clientWidth;
    const token = (this.settling = {});
    const idle = window.requestIdleCallback || ((fn) => setTimeout(() => fn({ timeRemaining: () => 8 }), 30));
    let next = 0;
    const step = (deadline) => {
      if (token !== this.settling || !this.el.isConnected) return;
      if (this.el.clientWidth !== width) {
        this.settle(); // the width changed meanwhile: start again
        return;
      }
      while (next < this.blocks.length && deadline.timeRemaining() > 3) {
        const node = this.blocks[next++].node;
        node.style.contentVisibility = "visible";
        const height = node.getBoundingClientRect().height;
        node.style.contentVisibility = "";
        node.style.containIntrinsicBlockSize = `auto ${height}px`;
      }
      if (next < this.blocks.length) idle(step);
    };
    if (this.blocks.length > 2 && width) idle(step);
  }

  /** [Text node, offset] of offset u; atEnd picks the earlier node at a boundary. */
  locate(u, atEnd = false) {
    const paras = this.paras;
    if (!paras.length) return [this.el, 0];
    let lo = 0;
    let hi = paras.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (paras[mid].start < u || (!atEnd && paras[mid].start === u)) lo = mid;
      else hi = mid - 1;
    }
    const p = paras[lo];
    return [p.node, Math.max(0, Math.min(u - p.start, p.node.length))];
  }

  /** A DOM Range over units [a, b). */
  range(a, b) {
    const range = document.createRange();
    const [n1, o1] = this.locate(a);
    const [n2, o2] = this.locate(b, true);
    range.setStart(n1, o1);
    range.setEnd(n2, o2);
    return range;
  }

  /** Offset of a DOM position inside the text, or null outside it. */
  offsetOf(node, offset) {
    if (!this.el.contains(node)) return null;
    const start = this.starts.get(node);
    if (start !== undefined) return start + Math.min(offset, node.length);
    const range = document.createRange(); // an element position (rare): count the text before it
    range.setStart(this.el, 0);
    try {
      range.setEnd(node, offset);
    } catch (err) {
      return null;
    }
    return range.toString().length;
  }

  /**
   * Units [a, b) of the blocks within `margin` px of the part of the text the scroller shows
   * (the whole text when it has few blocks): what is worth drawing marks for.
   */
  near(scroller, margin) {
    const n = this.blocks.length;
    if (n <= 2 || !scroller.clientHeight) return [0, n ? this.blocks[n - 1].end : 0];
    const base = this.el.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
    const top = -base - margin;
    const bottom = -base + scroller.clientHeight + margin;
    let first = 0;
    let last = n - 1;
    for (let i = 0; i < n; i++) {
      const node = this.blocks[i].node;
      if (node.offsetTop - this.blocks[0].node.offsetTop + node.offsetHeight < top) first = i + 1;
      if (node.offsetTop - this.blocks[0].node.offsetTop > bottom) {
        last = i - 1;
        break;
      }
    }
    first = Math.min(first, n - 1);
    last = Math.max(last, first);
    return [this.blocks[first].start, this.blocks[last].end];
  }
}

/** Smallest lane index not in `taken` (a Set of lane numbers). */
export function freeLane(taken) {
  let lane = 0;
  while (taken.has(lane)) lane++;
  return lane;
}

/** Run fn at most once per animation frame. */
export function perFrame(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn();
    });
  };
}

let viewCounter = 0;

/**
 * What every widget view shares: redraws batched per trait change, request/reply messages to
 * the kernel, an error box and a status line, and cleanups run when the view goes.
 * A subclass builds its DOM, calls watch(keys), and redraws what the changed keys touch in draw(dirty).
 */
export class WidgetView {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.viewId = `${Date.now().toString(36)}-${++viewCounter}`;
    this.reqSeq = 0;
    this.replies = new Map();
    this.dirty = new Set();
    this.flushQueued = false;
    this.cleanups = [];
  }

  /** Redraw when any of the model's `keys` change; hear the kernel's messages. */
  watch(keys) {
    for (const key of keys) {
      const handler = () => this.markDirty(key);
      this.model.on(`change:${key}`, handler);
      this.cleanups.push(() => this.model.off(`change:${key}`, handler));
    }
    const onMsg = (msg) => this.onMessage(msg);
    this.model.on("msg:custom", onMsg);
    this.cleanups.push(() => this.model.off("msg:custom", onMsg));
  }

  /** Call relayout() (at most once a frame) when `element` changes width. */
  onWidthChange(element, relayout) {
    const check = perFrame(() => {
      if (element.clientWidth !== this.layoutWidth) relayout();
    });
    const observer = new ResizeObserver(check);
    observer.observe(element);
    this.cleanups.push(() => observer.disconnect());
  }

  destroy() {
    for (const cleanup of this.cleanups) cleanup();
    this.cleanups = [];
    this.root.remove();
  }

  markDirty(key) {
    this.dirty.add(key);
    if (this.flushQueued) return;
    this.flushQueued = true;
    // One update message sets several traits; draw once, after all of them.
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  flush() {
    const dirty = this.dirty;
    this.dirty = new Set();
    this.draw(dirty);
  }

  /** Redraw what depends on the model keys in the Set `dirty`. */
  draw() {}

  /** Send a request to the kernel; done(reply) runs when its reply comes back. */
  request(type, payload, done) {
    const req = `${this.viewId}:${++this.reqSeq}`;
    if (done) this.replies.set(req, done);
    this.model.send({ type, req, ...payload });
    return req;
  }

  onMessage(msg) {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "reply") {
      // A refusal is shown even when another view (or code in the notebook) asked.
      if (!msg.ok) this.showError(msg.error || "The kernel refused the request.");
      const done = this.replies.get(msg.req);
      if (!done) return;
      this.replies.delete(msg.req);
      done(msg);
    } else if (msg.type === "error") {
      this.showError(msg.error);
    } else {
      this.onNotice(msg);
    }
  }

  /** Any other message from the kernel. */
  onNotice() {}

  /** The error box (hidden until showError); `hook` prefixes its data-wb names. */
  buildErrorBox(hook = "") {
    this.errorText = h("span", { class: "wb-error-text", "data-wb": `${hook}error-text` });
    this.errorEl = h("div", { class: "wb-error", role: "alert", "data-wb": `${hook}error`, hidden: true },
      h("span", { class: "wb-error-icon", "aria-hidden": "true", text: "!" }), this.errorText,
      h("button", { type: "button", class: "wb-dismiss", "aria-label": "Dismiss this message", text: "✕",
        onclick: () => this.hideError() }));
    return this.errorEl;
  }

  setStatus(text) {
    this.statusEl.textContent = text;
  }

  showError(text) {
    this.errorText.textContent = String(text || "");
    this.errorEl.hidden = false;
  }

  hideError() {
    this.errorEl.hidden = true;
    this.errorText.textContent = "";
  }
}

/** Ctrl/Cmd + Enter in `textarea` runs save(). */
export function saveOnCtrlEnter(textarea, save) {
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      save();
    }
  });
  return textarea;
}

// The Share panel's front end (anywidget ES module; shared.js is inlined by the Python side).
//
// A status line (where this copy stands against the shared repository), a Check button and a
// Sync now button; the outcome is read out by screen readers (aria-live) and shown as text.
import { h, WidgetView } from "./shared.js";

class ShareView extends WidgetView {
  constructor(model, el) {
    super(model, el);
    this.waiting = false; // a request of this view is on its way
    this.build();
    this.watch(["project_name", "coder", "status", "result", "shared", "busy"]);
    for (const key of ["project_name", "status", "result", "shared", "busy"]) this.dirty.add(key);
    this.flush();
  }

  build() {
    this.root = h("section", { class: "wb-widget wb-share", "data-wb": "share-panel", "aria-label": "Share" });
    this.titleEl = h("h3", { class: "wb-share-title" });
    this.statusEl = h("p", { class: "wb-share-status", "data-wb": "share-status", role: "status",
      "aria-live": "polite" });
    this.resultEl = h("p", { class: "wb-share-result", "data-wb": "share-result", "aria-live": "polite" });
    this.checkBtn = h("button", { type: "button", "data-wb": "share-check", text: "Check",
      title: "Ask the shared repository what is new (nothing is changed)", onclick: () => this.ask("status") });
    this.syncBtn = h("button", { type: "button", class: "wb-primary", "data-wb": "share-sync", text: "Sync now",
      title: "Send your work and take in the others'", onclick: () => this.ask("sync") });
    this.root.append(this.titleEl, this.statusEl, h("div", { class: "wb-share-actions" }, this.checkBtn,
      this.syncBtn), this.resultEl, this.buildErrorBox("share-"));
    this.el.append(this.root);
  }

  // Buttons are never `disabled` while a request runs: a disabled button drops the keyboard focus.
  // aria-disabled says "not now" to screen readers, and a press is ignored until the reply.
  setOff(off) {
    for (const button of [this.checkBtn, this.syncBtn]) button.setAttribute("aria-disabled", String(off));
  }

  off() {
    return this.waiting || this.model.get("busy") || !this.model.get("shared");
  }

  ask(kind) {
    if (this.off()) return;
    this.hideError();
    this.waiting = true;
    this.setOff(true);
    this.resultEl.textContent = kind === "sync" ? "Syncing…" : "Checking…";
    this.request(kind, {}, (reply) => {
      this.waiting = false;
      this.setOff(this.off());
      if (!reply.ok) this.resultEl.textContent = "";
      else if (kind === "status") this.resultEl.textContent = this.model.get("result");
    });
  }

  draw(d) {
    if (d.has("project_name")) this.titleEl.textContent = `Share “${this.model.get("project_name")}”`;
    if (d.has("status")) this.statusEl.textContent = this.model.get("status");
    if (d.has("result")) this.resultEl.textContent = this.model.get("result");
    if (d.has("shared") || d.has("busy")) this.setOff(this.off());
  }
}

function render({ model, el }) {
  const view = new ShareView(model, el);
  return () => view.destroy();
}

export default { render };

// The workbench's chart view (an anywidget module): vega-embed draws the chart as SVG, which
// screen readers can walk (Vega labels its marks for them) and which keeps vega-embed's tooltips.
//
// Nothing here is fetched from the internet: `vegaEmbed` is not imported but supplied by
// vl-convert's javascript_bundle, which bundles this file with Vega, Vega-Lite and vega-embed.
//
// Ids of its own: Vega names the gradients and clip paths of an SVG "gradient_0", "clip1", ...
// counting from the start in each copy of the library, and every chart on a page runs its own
// copy. So every chart defines id="gradient_0", and every legend's fill="url(#gradient_0)" finds
// the first one on the page: the legends show another chart's colours, or nothing. Each view
// here puts a prefix of its own in front of the ids in its SVG and the references to them, and
// keeps doing so whenever Vega redraws (a resize, a changed spec).

const REFERENCE_ATTRIBUTES = ["fill", "stroke", "clip-path", "mask", "filter", "marker-start", "marker-mid",
                              "marker-end"];
const URL_REFERENCE = /url\((["']?)([^#)"']*)#([^)"']+)\1\)/g;

function newPrefix() {
  // one count for the whole page, whichever copy of this module draws the chart
  const count = (globalThis.__workbenchChartViews ?? 0) + 1;
  globalThis.__workbenchChartViews = count;
  return `wb-chart-${count}-`;
}

export function ownIds(root, prefix) {
  const defined = new Set();
  for (const node of root.querySelectorAll("svg [id]")) {
    if (!node.id.startsWith(prefix)) {
      node.id = prefix + node.id;
    }
    defined.add(node.id);
  }
  const own = (id) => (!id.startsWith(prefix) && defined.has(prefix + id) ? prefix + id : id);
  const selector = REFERENCE_ATTRIBUTES.map((name) => `svg [${name}*="url("]`).join(", ");
  for (const node of root.querySelectorAll(selector)) {
    for (const name of REFERENCE_ATTRIBUTES) {
      const value = node.getAttribute(name);
      if (!value || !value.includes("url(")) {
        continue;
      }
      const fixed = value.replace(URL_REFERENCE, (_, quote, base, id) => `url(${quote}${base}#${own(id)}${quote})`);
      if (fixed !== value) {
        node.setAttribute(name, fixed);
      }
    }
  }
  for (const node of root.querySelectorAll('svg [href^="#"], svg [*|href^="#"]')) {
    for (const attribute of [...node.attributes]) {
      if (attribute.localName === "href" && attribute.value.startsWith("#")) {
        const fixed = "#" + own(attribute.value.slice(1));
        if (fixed !== attribute.value) {
          node.setAttributeNS(attribute.namespaceURI, attribute.name, fixed);
        }
      }
    }
  }
}

function keepIdsOwn(el, prefix) {
  const fix = () => ownIds(el, prefix);
  fix();
  // our own changes call back once more and then find nothing left to change
  const observer = new MutationObserver(fix);
  observer.observe(el, {subtree: true, childList: true, attributes: true,
                        attributeFilter: ["id", "href", ...REFERENCE_ATTRIBUTES]});
  return () => observer.disconnect();
}

function showError(el, error) {
  const box = document.createElement("div");
  box.style.color = "#b00020";
  box.textContent = `The chart could not be drawn: ${error && error.message ? error.message : error}`;
  el.replaceChildren(box);
}

async function render({ model, el }) {
  const prefix = newPrefix();
  let finalize = () => {};
  let stopWatching = () => {};
  let drawing = 0;

  const draw = async () => {
    const mine = ++drawing;
    stopWatching();
    finalize();
    stopWatching = () => {};
    finalize = () => {};
    el.replaceChildren();
    const spec = model.get("spec");
    if (!spec || Object.keys(spec).length === 0) {
      return;
    }
    const options = {renderer: "svg", ...(model.get("embed_options") ?? {})};
    let result;
    try {
      result = await vegaEmbed(el, structuredClone(spec), options);
    } catch (error) {
      showError(el, error);
      return;
    }
    if (mine !== drawing) {  // a newer spec arrived while this one was drawn
      result.finalize();
      return;
    }
    finalize = () => result.finalize();
    stopWatching = keepIdsOwn(el, prefix);
  };

  model.on("change:spec", draw);
  model.on("change:embed_options", draw);
  await draw();
  return () => {
    model.off("change:spec", draw);
    model.off("change:embed_options", draw);
    stopWatching();
    finalize();
  };
}

export default { render };

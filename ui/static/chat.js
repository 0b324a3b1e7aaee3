// The chat UI's conversation (a gr.HTML component): feedback icons, suggestion chips, the card
// strips' arrows, image fallbacks and scrolling. Gradio runs this once with `element`, `trigger`,
// `server` (the Python functions of ui/web.py) and `watch`.
const pressed = new Map(); // product id -> the kinds clicked, so re-rendered turns keep the state
const EXCLUSIVE = { like: "dislike", dislike: "like" };

function paint() {
  element.querySelectorAll("[data-product]").forEach((product) => {
    const kinds = pressed.get(product.dataset.product) || new Set();
    product.querySelectorAll("button[data-kind]").forEach((button) => {
      button.setAttribute("aria-pressed", String(kinds.has(button.dataset.kind)));
      const text = button.querySelector(".tt-fb-text");
      if (text) text.textContent = kinds.has("cart") ? "Added" : "Add";
    });
    product.classList.toggle("tt-rejected", kinds.has("dislike"));
  });
  element.querySelectorAll(".tt-shelf").forEach(arrows);
}

function arrows(shelf) {
  const strip = shelf.querySelector(".tt-strip");
  const prev = shelf.querySelector(".tt-prev");
  const next = shelf.querySelector(".tt-next");
  if (!strip || !prev || !next) return;
  prev.hidden = strip.scrollLeft <= 4;
  next.hidden = strip.scrollLeft + strip.clientWidth >= strip.scrollWidth - 4;
}

function toast(text) {
  const note = document.createElement("div");
  note.className = "tt-toast";
  note.setAttribute("role", "alert");
  note.textContent = text;
  element.appendChild(note);
  setTimeout(() => note.remove(), 4000);
}

async function record(product, kind) {
  const session = element.querySelector(".tt-chat")?.dataset.session || "";
  const result = await server.feedback({ session, product, kind });
  if (!result || !result.ok) throw new Error((result && result.error) || "not recorded");
}

element.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-kind]");
  if (button) {
    const product = button.closest("[data-product]").dataset.product;
    const kind = button.dataset.kind;
    const kinds = pressed.get(product) || new Set();
    if (kinds.has(kind)) return; // the log has it already
    const before = new Set(kinds);
    kinds.add(kind);
    if (EXCLUSIVE[kind]) kinds.delete(EXCLUSIVE[kind]);
    pressed.set(product, kinds);
    paint();
    try {
      await record(product, kind);
    } catch (error) {
      pressed.set(product, before);
      paint();
      toast("Could not save that: " + error.message);
    }
    return;
  }
  const link = event.target.closest("a[data-click]");
  if (link) {
    const product = link.closest("[data-product]")?.dataset.product;
    if (product) record(product, "click").catch(() => {});
    return;
  }
  const suggestion = event.target.closest("[data-ask]");
  if (suggestion) {
    trigger("click", { ask: suggestion.dataset.ask });
    return;
  }
  const nav = event.target.closest(".tt-nav");
  if (nav) {
    const strip = nav.parentElement.querySelector(".tt-strip");
    strip.scrollBy({ left: Number(nav.dataset.dir) * strip.clientWidth * 0.85, behavior: "smooth" });
  }
});

element.addEventListener("scroll", (event) => {
  if (event.target.classList && event.target.classList.contains("tt-strip")) {
    arrows(event.target.parentElement);
  }
}, true);

// Error events do not bubble: catch them on the way down. A broken product image gets the
// generated placeholder instead of the browser's broken-image icon.
element.addEventListener("error", (event) => {
  const image = event.target;
  if (image.tagName === "IMG" && image.dataset.fallback && !image.src.endsWith(image.dataset.fallback)) {
    image.src = image.dataset.fallback;
  }
}, true);

function follow() {
  // Keep the latest answer in view as it grows, but never scroll the question it answers out.
  const asked = element.querySelectorAll(".tt-turn.tt-user");
  const question = asked[asked.length - 1];
  const turns = element.querySelectorAll(".tt-turn");
  const answer = turns[turns.length - 1];
  if (!question || !answer) return;
  const composer = document.getElementById("composer");
  const bottom = window.innerHeight - (composer ? composer.offsetHeight + 12 : 12);
  const overflow = answer.getBoundingClientRect().bottom - bottom;
  const room = question.getBoundingClientRect().top - 12;
  if (overflow > 0 && room > 0) window.scrollBy({ top: Math.min(overflow, room), behavior: "smooth" });
}

watch("value", () => {
  paint();
  follow();
});
paint();

/* TailTalk chat widget: one script tag on any page, no build step, no framework.

     <script src="http://HOST:8000/widget.js" data-title="Ask our shop assistant"
             data-color="#0f766e" data-lang="en" data-api-key="..." defer></script>

   It opens a chat bubble, streams answers from HOST's /v1/chat/completions (SSE), shows the
   products of each answer from the `tailtalk` extension (the same markup as the chat UI, styled
   by HOST/tailtalk/cards.css) and sends like / not for me / add to cart / clicks to
   /v1/feedback. It lives in a shadow root, so the shop's styles and the widget's do not mix.
   The conversation survives page changes within the tab (sessionStorage). window.TailTalk has
   open(), close() and ask(text) for the shop's own buttons.
   Options (data-*): server, api-key (a client key), title, color, text-color, lang, position
   (right|left), greeting, placeholder, shopper-token (signed by the shop's backend), shopper-id
   (only on a server without keys), open (true), model. The session id is the server's: it comes
   back in X-Session-Id and goes with every later request of the conversation. */
(function () {
  "use strict";
  if (window.TailTalk) return;
  const script = document.currentScript || Array.from(document.scripts).find((s) => /\/widget\.js(\?|$)/.test(s.src));
  const data = (script && script.dataset) || {};
  const server = (data.server || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  const STRINGS = {
    en: {
      open: "Chat with our shopping assistant", close: "Close", restart: "New chat",
      placeholder: "What are you looking for?", send: "Send",
      greeting: "Hi! Tell me what you're looking for: the kind of product, a budget, what to avoid.",
      searching: "Searching the catalogue…", still: "Still working on it…",
      fallback: "The language model did not answer; the rules backend answered instead.",
      error: "Sorry, something went wrong:", offline: "The shop assistant cannot be reached right now.",
      like: "Like", dislike: "Not for me", cart: "Add to cart", add: "Add", added: "Added",
      view: "View product", compare: "Compare", price: "Price", rating: "Rating", brand: "Brand",
      lookingFor: "Looking for", upTo: "up to", from: "from", not: "not", no: "no",
      longTail: "Long-tail pick", longTailHint: "Relevant, and few shoppers have found it yet",
      powered: "Powered by TailTalk", saveFailed: "Could not save that:",
    },
    es: {
      open: "Chatea con nuestro asistente de compras", close: "Cerrar", restart: "Nueva conversación",
      placeholder: "¿Qué estás buscando?", send: "Enviar",
      greeting: "¡Hola! Cuéntame qué buscas: el tipo de producto, un presupuesto, qué evitar.",
      searching: "Buscando en el catálogo…", still: "Un momento…",
      fallback: "El modelo de lenguaje no respondió; respondió el motor de reglas.",
      error: "Lo siento, algo salió mal:", offline: "El asistente no está disponible ahora mismo.",
      like: "Me gusta", dislike: "No es para mí", cart: "Añadir al carrito", add: "Añadir", added: "Añadido",
      view: "Ver producto", compare: "Comparar", price: "Precio", rating: "Valoración", brand: "Marca",
      lookingFor: "Buscas", upTo: "hasta", from: "desde", not: "no", no: "sin",
      longTail: "Joya escondida", longTailHint: "Relevante, y pocos compradores lo han encontrado",
      powered: "Con TailTalk", saveFailed: "No se pudo guardar:",
    },
    de: {
      open: "Mit unserem Einkaufsassistenten chatten", close: "Schließen", restart: "Neuer Chat",
      placeholder: "Wonach suchen Sie?", send: "Senden",
      greeting: "Hallo! Was suchen Sie? Die Art des Produkts, ein Budget, was Sie vermeiden möchten.",
      searching: "Katalog wird durchsucht…", still: "Einen Moment…",
      fallback: "Das Sprachmodell hat nicht geantwortet; die Regel-Engine hat geantwortet.",
      error: "Entschuldigung, etwas ist schiefgelaufen:", offline: "Der Assistent ist gerade nicht erreichbar.",
      like: "Gefällt mir", dislike: "Nicht für mich", cart: "In den Warenkorb", add: "Kaufen", added: "Im Korb",
      view: "Zum Produkt", compare: "Vergleich", price: "Preis", rating: "Bewertung", brand: "Marke",
      lookingFor: "Gesucht", upTo: "bis", from: "ab", not: "nicht", no: "ohne",
      longTail: "Geheimtipp", longTailHint: "Passend, und bisher von wenigen entdeckt",
      powered: "Mit TailTalk", saveFailed: "Nicht gespeichert:",
    },
    fr: {
      open: "Discuter avec notre assistant d'achat", close: "Fermer", restart: "Nouvelle conversation",
      placeholder: "Que cherchez-vous ?", send: "Envoyer",
      greeting: "Bonjour ! Dites-moi ce que vous cherchez : le type de produit, un budget, ce qu'il faut éviter.",
      searching: "Recherche dans le catalogue…", still: "Un instant…",
      fallback: "Le modèle de langage n'a pas répondu ; le moteur de règles a répondu.",
      error: "Désolé, une erreur s'est produite :", offline: "L'assistant est injoignable pour le moment.",
      like: "J'aime", dislike: "Pas pour moi", cart: "Ajouter au panier", add: "Ajouter", added: "Ajouté",
      view: "Voir le produit", compare: "Comparer", price: "Prix", rating: "Note", brand: "Marque",
      lookingFor: "Vous cherchez", upTo: "jusqu'à", from: "dès", not: "pas", no: "sans",
      longTail: "Pépite", longTailHint: "Pertinent, et encore peu découvert",
      powered: "Avec TailTalk", saveFailed: "Non enregistré :",
    },
    zh: {
      open: "与购物助手聊天", close: "关闭", restart: "新对话", placeholder: "您在找什么？", send: "发送",
      greeting: "您好！告诉我您想找什么：商品类型、预算、想避开的东西。",
      searching: "正在搜索商品…", still: "请稍候…", fallback: "语言模型没有回应；由规则引擎回答。",
      error: "抱歉，出错了：", offline: "暂时无法连接购物助手。",
      like: "喜欢", dislike: "不感兴趣", cart: "加入购物车", add: "加购", added: "已加购",
      view: "查看商品", compare: "对比", price: "价格", rating: "评分", brand: "品牌",
      lookingFor: "您想要", upTo: "最高", from: "最低", not: "不要", no: "不含",
      longTail: "小众好物", longTailHint: "相关，且很少有人发现",
      powered: "由 TailTalk 提供", saveFailed: "未能保存：",
    },
  };
  const lang = (data.lang || document.documentElement.lang || "en").slice(0, 2).toLowerCase();
  const t = Object.assign({}, STRINGS.en, STRINGS[lang] || {});
  const config = {
    key: data.apiKey || "",
    title: data.title || "TailTalk",
    color: data.color || "#0f766e",
    textColor: data.textColor || "#ffffff",
    position: data.position === "left" ? "left" : "right",
    greeting: data.greeting || t.greeting,
    placeholder: data.placeholder || t.placeholder,
    shopper: data.shopperId || "",
    shopperToken: data.shopperToken || "",
    model: data.model || "tailtalk",
  };
  const STORE = "tailtalk:" + server;
  const ICONS = {
    like: '<path d="M12 20.5s-7.5-4.6-7.5-10.1A4.3 4.3 0 0 1 12 7.8a4.3 4.3 0 0 1 7.5 2.6c0 5.5-7.5 10.1-7.5 10.1z"/>',
    dislike: '<path d="M10 15.5v3.6a2 2 0 0 0 2 1.9l3.2-7.3V4H7.6a2 2 0 0 0-2 1.7L4.4 12.5a2 2 0 0 0 2 2.3H10zM15.2 4h2.6A1.9 1.9 0 0 1 19.7 5.7v6.4a1.9 1.9 0 0 1-1.9 1.6h-2.6"/>',
    cart: '<path d="M3 4h2.2l2.3 11.2a1.6 1.6 0 0 0 1.6 1.3h8.1a1.6 1.6 0 0 0 1.6-1.2L20.5 8H6.1"/><circle cx="9.5" cy="20" r="1.3"/><circle cx="17" cy="20" r="1.3"/>',
    link: '<path d="M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5"/>',
    chat: '<path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.5 4v-4h0A2.5 2.5 0 0 1 4 13.5z"/>',
    close: '<path d="M6 6l12 12M18 6L6 18"/>',
    restart: '<path d="M4 12a8 8 0 1 0 2.4-5.7M4 4v4.5h4.5"/>',
    send: '<path d="M4 12l16-8-6 16-2.5-6.5z"/>',
  };
  const LISTED = /^\s*(\d+\.|-)\s.*`[^`\s]+`\s*$/;

  // State: the conversation as sent to the server (assistant turns with their product lines,
  // which is how "the second one" is resolved without server state) and as shown.
  let state = load() || fresh();
  let busy = false;

  function fresh() {
    // No session yet: the server issues one with the first answer (X-Session-Id).
    return { session: "", messages: [], turns: [], pressed: {}, open: false };
  }
  function load() {
    let saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(STORE)); } catch (e) { return null; }
    if (saved && saved.turns.length && saved.turns[saved.turns.length - 1].pending) {
      // The page changed while an answer was coming: drop the unanswered question.
      saved.turns.splice(-2, 2);
      if (saved.messages.length && saved.messages[saved.messages.length - 1].role === "user") saved.messages.pop();
    }
    return saved;
  }
  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  // Markup (the same classes as ui/transcript.py) -------------------------------------------
  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }
  function icon(name) {
    return '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">' + ICONS[name] + "</svg>";
  }
  function markdown(text) {
    // Enough for answers: paragraphs, bullet lists, **bold**, *italic*, `code`. Escaped first.
    const inline = (s) => esc(s).replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>").replace(/(^|\W)\*(\S.*?)\*(?=\W|$)/g, "$1<em>$2</em>").replace(/`([^`]+)`/g, "<code>$1</code>");
    return text.split(/\n{2,}/).map((block) => {
      const lines = block.split("\n");
      if (lines.every((l) => /^\s*[-*]\s/.test(l))) return "<ul>" + lines.map((l) => "<li>" + inline(l.replace(/^\s*[-*]\s/, "")) + "</li>").join("") + "</ul>";
      return "<p>" + lines.map(inline).join("<br>") + "</p>";
    }).join("");
  }
  function prose(content) {
    return content.split("\n").filter((line) => !LISTED.test(line)).join("\n").trim();
  }
  function shortTitle(title, limit) {
    limit = limit || 64;
    const name = title.split(",")[0].trim() || title;
    if (name.length <= limit) return name;
    const cut = name.slice(0, limit).replace(/\s+\S*$/, "").replace(/[\s,;:(–-]+$/, "");
    return (cut || name.slice(0, limit)) + "…";
  }
  function money(value, currency) {
    if (value == null) return "";
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency: currency || "USD" }).format(value);
    } catch (e) {
      return value.toFixed(2) + " " + (currency || "");
    }
  }
  function webUrl(url) {
    // Only http(s) links and images, or paths on the server: never `javascript:` or `//elsewhere`.
    return url && /^(https?:\/\/|\/(?![\/\\]))\S*$/i.test(String(url).trim()) ? String(url).trim() : "";
  }
  function placeholder(id) {
    return server + "/images/placeholder/" + encodeURIComponent(id) + ".svg";
  }
  function image(p, css) {
    const fallback = placeholder(p.id);
    return '<img class="' + (css || "tt-img") + '" src="' + esc(webUrl(p.image_url) || fallback) + '" data-fallback="' + esc(fallback) + '" alt="' + esc(shortTitle(p.title)) + '" decoding="async" referrerpolicy="no-referrer">';
  }
  function stars(p) {
    if (p.rating == null) return "";
    const width = Math.max(0, Math.min(p.rating, 5)) / 5 * 100;
    const label = esc(p.rating.toFixed(1) + " / 5 (" + p.rating_count + ")");
    return '<div class="tt-rating" title="' + label + '" aria-label="' + label + '"><span class="tt-stars" aria-hidden="true"><span class="tt-stars-on" style="width:' + width.toFixed(0) + '%">★★★★★</span>★★★★★</span><span class="tt-score">' + p.rating.toFixed(1) + '</span><span class="tt-count">(' + p.rating_count.toLocaleString(lang) + ")</span></div>";
  }
  function badge(p) {
    return p.long_tail ? '<span class="tt-badge" title="' + esc(t.longTailHint) + '">' + esc(t.longTail) + "</span>" : "";
  }
  function buttons(compact) {
    return '<div class="tt-actions">' + [["like", t.like], ["dislike", t.dislike], ["cart", t.cart]].map(([kind, label]) =>
      '<button type="button" class="tt-fb tt-fb-' + kind + '" data-kind="' + kind + '" aria-pressed="false" aria-label="' + esc(label) + '" title="' + esc(label) + '">' + icon(kind) +
      (kind === "cart" && !compact ? '<span class="tt-fb-text">' + esc(t.add) + "</span>" : "") + "</button>").join("") + "</div>";
  }
  function wrap(p, css, inner) {
    if (!webUrl(p.url)) return '<div class="' + css + '">' + inner + "</div>";
    return '<a class="' + css + '" href="' + esc(webUrl(p.url)) + '" target="_blank" rel="noopener noreferrer" data-click="1">' + inner + "</a>";
  }
  function card(p, position) {
    return '<article class="tt-card" data-product="' + esc(p.id) + '" role="listitem">' +
      wrap(p, "tt-media", image(p) + (position ? '<span class="tt-rank">' + position + "</span>" : "") + badge(p)) +
      '<div class="tt-info"><h4 class="tt-title" title="' + esc(p.title) + '">' + wrap(p, "tt-title-link", esc(shortTitle(p.title))) + "</h4>" +
      (p.brand ? '<div class="tt-brand">' + esc(p.brand) + "</div>" : "") +
      '<div class="tt-price">' + esc(money(p.price, p.currency)) + "</div>" + stars(p) +
      (p.why ? '<p class="tt-why" title="' + esc(p.why) + '">' + esc(p.why) + "</p>" : "") + "</div>" + buttons(false) + "</article>";
  }
  function strip(products) {
    const nav = products.length > 2 ? '<button type="button" class="tt-nav tt-prev" data-dir="-1" aria-label="‹" hidden>‹</button><button type="button" class="tt-nav tt-next" data-dir="1" aria-label="›">›</button>' : "";
    return '<div class="tt-shelf">' + nav + '<div class="tt-strip" role="list">' + products.map((p, i) => card(p, i + 1)).join("") + "</div></div>";
  }
  function arrows(strip) {
    const shelf = strip.parentElement;
    const prev = shelf.querySelector(".tt-prev");
    const next = shelf.querySelector(".tt-next");
    if (!prev || !next) return;
    prev.hidden = strip.scrollLeft <= 4;
    next.hidden = strip.scrollLeft + strip.clientWidth >= strip.scrollWidth - 4;
  }
  function detail(p) {
    const facts = Object.entries(p.attributes || {}).slice(0, 8).map(([k, v]) => "<dt>" + esc(k) + "</dt><dd>" + esc(v) + "</dd>").join("");
    return '<article class="tt-detail" data-product="' + esc(p.id) + '">' + wrap(p, "tt-media", image(p) + badge(p)) +
      '<div class="tt-info"><h4 class="tt-title">' + esc(p.title) + "</h4>" + (p.brand ? '<div class="tt-brand">' + esc(p.brand) + "</div>" : "") +
      '<div class="tt-price">' + esc(money(p.price, p.currency)) + "</div>" + stars(p) + (facts ? "<dl>" + facts + "</dl>" : "") +
      (p.copy_text ? '<p class="tt-copy">' + esc(p.copy_text) + "</p>" : "") + (p.why ? '<p class="tt-why">' + esc(p.why) + "</p>" : "") +
      '<div class="tt-row">' + buttons(false) + (webUrl(p.url) ? '<a class="tt-view" href="' + esc(webUrl(p.url)) + '" target="_blank" rel="noopener noreferrer" data-click="1">' + esc(t.view) + " " + icon("link") + "</a>" : "") + "</div></div></article>";
  }
  function compare(products) {
    const head = products.map((p) => '<th scope="col" class="tt-col" data-product="' + esc(p.id) + '">' + image(p, "tt-thumb") + '<div class="tt-title" title="' + esc(p.title) + '">' + esc(shortTitle(p.title, 48)) + "</div>" + badge(p) + buttons(true) + "</th>").join("");
    const prices = products.map((p) => p.price).filter((v) => v != null);
    const ratings = products.map((p) => p.rating).filter((v) => v != null);
    const rows = [
      [t.price, products.map((p) => (p.price != null ? money(p.price, p.currency) : "–")), products.map((p) => prices.length > 1 && p.price === Math.min(...prices)), false],
      [t.rating, products.map((p) => (p.rating != null ? "★ " + p.rating.toFixed(1) + " (" + p.rating_count + ")" : "–")), products.map((p) => ratings.length > 1 && p.rating === Math.max(...ratings)), false],
      [t.brand, products.map((p) => p.brand || "–"), [], true],
    ];
    const keys = [...new Set(products.flatMap((p) => Object.keys(p.attributes || {})))].slice(0, 8);
    keys.forEach((k) => rows.push([k, products.map((p) => (p.attributes || {})[k] || "–"), [], true]));
    const body = rows.map(([label, values, best, marks]) => {
      const differs = marks && new Set(values.map((v) => v.toLowerCase())).size > 1;
      return "<tr" + (differs ? ' class="tt-differs"' : "") + '><th scope="row">' + esc(label) + "</th>" + values.map((v, i) => '<td class="' + (best[i] ? "tt-best" : "") + '">' + esc(v) + "</td>").join("") + "</tr>";
    }).join("");
    return '<div class="tt-compare-wrap"><table class="tt-compare"><thead><tr><th scope="col" class="tt-corner">' + esc(t.compare) + "</th>" + head + "</tr></thead><tbody>" + body + "</tbody></table></div>";
  }
  function understood(prefs) {
    prefs = prefs || {};
    const chips = [...(prefs.product_types && prefs.product_types.length ? prefs.product_types : prefs.categories || [])];
    if (prefs.max_price != null && prefs.min_price != null) chips.push(money(prefs.min_price) + " – " + money(prefs.max_price));
    else if (prefs.max_price != null) chips.push(t.upTo + " " + money(prefs.max_price));
    else if (prefs.min_price != null) chips.push(t.from + " " + money(prefs.min_price));
    (prefs.brands || []).forEach((b) => chips.push(b));
    (prefs.exclude_brands || []).forEach((b) => chips.push(t.not + " " + b));
    Object.values(prefs.attributes || {}).forEach((vs) => vs.forEach((v) => chips.push(v)));
    Object.values(prefs.exclude_attributes || {}).forEach((vs) => vs.forEach((v) => chips.push(t.no + " " + v)));
    if (prefs.min_rating != null) chips.push("★ " + prefs.min_rating + "+");
    return chips;
  }
  function products(turn) {
    const list = turn.products || [];
    if (!list.length) return "";
    const featured = turn.listKind === "featured";
    if (list.length > 1 && (turn.outcome === "compare" || featured)) return compare(list);
    if (turn.outcome === "details" || featured) return detail(list[0]);
    return strip(list);
  }
  function turnHtml(turn) {
    if (turn.role === "user") return '<div class="tt-turn tt-user"><div class="tt-bubble">' + esc(turn.text) + "</div></div>";
    const waiting = turn.pending ? '<div class="tt-waiting" role="status" aria-live="polite"><span class="tt-dots"><i></i><i></i><i></i></span><span class="tt-status">' + esc(turn.status || t.searching) + "</span></div>" : "";
    const text = turn.text ? markdown(turn.text) : "";
    const css = "tt-bubble" + (turn.failed ? " tt-failed" : "") + (turn.pending ? " tt-streaming" : "");
    const chips = (turn.understood || []).map((c) => '<span class="tt-chip">' + esc(c) + "</span>").join("");
    return '<div class="tt-turn tt-assistant"><div class="tt-body">' +
      (turn.notice ? '<div class="tt-notice" role="note">' + esc(turn.notice) + "</div>" : "") +
      (text || waiting ? '<div class="' + css + '">' + text + waiting + "</div>" : "") + products(turn) +
      (chips && !turn.pending ? '<div class="tt-meta"><span class="tt-label">' + esc(t.lookingFor) + "</span>" + chips + "</div>" : "") + "</div></div>";
  }

  // The widget -------------------------------------------------------------------------------
  const host = document.createElement("div");
  host.id = "tailtalk-widget";
  const shadow = host.attachShadow({ mode: "open" });
  shadow.innerHTML =
    '<link rel="stylesheet" href="' + esc(server) + '/tailtalk/cards.css"><link rel="stylesheet" href="' + esc(server) + '/tailtalk/widget.css">' +
    '<div class="tt-root tt-' + config.position + '" lang="' + esc(lang) + '">' +
    '<button type="button" class="tt-launcher" aria-expanded="false" aria-label="' + esc(t.open) + '" title="' + esc(t.open) + '">' + icon("chat") + "</button>" +
    '<section class="tt-panel" role="dialog" aria-label="' + esc(config.title) + '" hidden>' +
    '<header class="tt-head"><div class="tt-head-title">' + esc(config.title) + "</div>" +
    '<button type="button" class="tt-icon tt-restart" aria-label="' + esc(t.restart) + '" title="' + esc(t.restart) + '">' + icon("restart") + "</button>" +
    '<button type="button" class="tt-icon tt-close" aria-label="' + esc(t.close) + '" title="' + esc(t.close) + '">' + icon("close") + "</button></header>" +
    '<div class="tt-log"><div class="tt-chat"></div></div>' +
    '<form class="tt-form"><textarea rows="1" maxlength="4000" aria-label="' + esc(config.placeholder) + '" placeholder="' + esc(config.placeholder) + '"></textarea>' +
    '<button type="submit" class="tt-send" aria-label="' + esc(t.send) + '" title="' + esc(t.send) + '">' + icon("send") + "</button></form>" +
    '<div class="tt-foot">' + esc(t.powered) + "</div></section></div>";
  const root = shadow.querySelector(".tt-root");
  root.style.setProperty("--tt-brand", config.color);
  root.style.setProperty("--tt-brand-ink", config.textColor);
  const panel = shadow.querySelector(".tt-panel");
  const launcher = shadow.querySelector(".tt-launcher");
  const log = shadow.querySelector(".tt-log");
  const chat = shadow.querySelector(".tt-chat");
  const form = shadow.querySelector(".tt-form");
  const input = form.querySelector("textarea");

  function paint(scroll) {
    const greeting = '<div class="tt-turn tt-assistant"><div class="tt-body"><div class="tt-bubble"><p>' + esc(config.greeting) + "</p></div></div></div>";
    chat.innerHTML = greeting + state.turns.map(turnHtml).join("");
    chat.querySelectorAll("[data-product]").forEach((el) => {
      const kinds = state.pressed[el.dataset.product] || [];
      el.querySelectorAll("button[data-kind]").forEach((b) => {
        b.setAttribute("aria-pressed", String(kinds.includes(b.dataset.kind)));
        const label = b.querySelector(".tt-fb-text");
        if (label) label.textContent = kinds.includes("cart") ? t.added : t.add;
      });
      el.classList.toggle("tt-rejected", kinds.includes("dislike"));
    });
    if (scroll) {
      // Down to the latest answer, but never past the question it answers.
      const asked = chat.querySelectorAll(".tt-user");
      const question = asked[asked.length - 1];
      const bottom = log.scrollHeight - log.clientHeight;
      log.scrollTop = question ? Math.min(bottom, question.offsetTop - 8) : bottom;
    }
  }
  function setOpen(open) {
    state.open = open;
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    root.classList.toggle("tt-is-open", open);
    save();
    if (open) {
      paint(true);
      setTimeout(() => input.focus(), 0);
    }
  }
  function headers() {
    const h = { "Content-Type": "application/json" };
    if (state.session) h["X-Session-Id"] = state.session;
    if (config.key) h.Authorization = "Bearer " + config.key;
    if (config.shopperToken) h["X-Shopper-Token"] = config.shopperToken;
    else if (config.shopper) h["X-Shopper-Id"] = config.shopper;
    return h;
  }

  async function ask(text) {
    text = (text || "").trim();
    if (!text || busy) return;
    busy = true;
    if (!state.open) setOpen(true);
    state.messages.push({ role: "user", content: text });
    state.turns.push({ role: "user", text: text });
    const turn = { role: "assistant", pending: true, status: t.searching, text: "" };
    state.turns.push(turn);
    paint(true);
    const slow = setTimeout(() => { if (turn.pending && !turn.text) { turn.status = t.still; paint(false); } }, 3000);
    let content = "";
    try {
      const response = await fetch(server + "/v1/chat/completions", {
        method: "POST",
        headers: headers(),
        body: JSON.stringify({ model: config.model, messages: state.messages, stream: true }),
      });
      const issued = response.headers.get("X-Session-Id");
      if (issued) state.session = issued;
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        throw new Error((body.error && body.error.message) || "HTTP " + response.status);
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const line = event.split("\n").find((l) => l.startsWith("data: "));
          if (!line || line === "data: [DONE]") continue;
          const chunk = JSON.parse(line.slice(6));
          if (chunk.error) throw new Error(chunk.error.message);
          const delta = (chunk.choices && chunk.choices[0] && chunk.choices[0].delta) || {};
          if (delta.content) {
            content += delta.content;
            turn.text = prose(content);
          }
          if (chunk.tailtalk) {
            const extra = chunk.tailtalk;
            turn.products = extra.recommendations || [];
            turn.listKind = extra.list_kind;
            turn.outcome = extra.outcome;
            turn.understood = understood(extra.preferences);
            if (extra.fallback_reason) turn.notice = t.fallback;
          }
          paint(true);
        }
      }
      turn.pending = false;
      state.messages.push({ role: "assistant", content: content });
    } catch (error) {
      state.messages.pop(); // the question goes unanswered: do not send it again as history
      Object.assign(turn, { pending: false, failed: true, text: error instanceof TypeError ? t.offline : t.error + " " + error.message });
    } finally {
      clearTimeout(slow);
      busy = false;
      save();
      paint(true);
    }
  }

  async function feedback(product, kind) {
    if (!state.session) throw new Error("no conversation yet");
    const response = await fetch(server + "/v1/feedback", {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({ session_id: state.session, product_id: product, kind: kind }),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error((body.error && body.error.message) || "HTTP " + response.status);
    }
  }

  launcher.addEventListener("click", () => setOpen(!state.open));
  shadow.querySelector(".tt-close").addEventListener("click", () => setOpen(false));
  shadow.querySelector(".tt-restart").addEventListener("click", () => {
    if (busy) return;
    state = Object.assign(fresh(), { open: true });
    save();
    paint(true);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    input.style.height = "";
    ask(text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", () => {
    input.style.height = "";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  });
  chat.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-kind]");
    if (button) {
      const product = button.closest("[data-product]").dataset.product;
      const kind = button.dataset.kind;
      const before = state.pressed[product] || [];
      if (before.includes(kind)) return;
      const other = { like: "dislike", dislike: "like" }[kind];
      state.pressed[product] = before.filter((k) => k !== other).concat(kind);
      paint(false);
      try {
        await feedback(product, kind);
        save();
      } catch (error) {
        state.pressed[product] = before;
        paint(false);
        const note = document.createElement("div");
        note.className = "tt-toast";
        note.setAttribute("role", "alert");
        note.textContent = t.saveFailed + " " + error.message;
        panel.appendChild(note);
        setTimeout(() => note.remove(), 4000);
      }
      return;
    }
    const link = event.target.closest("a[data-click]");
    if (link) {
      const product = link.closest("[data-product]");
      if (product) feedback(product.dataset.product, "click").catch(() => {});
      return;
    }
    const nav = event.target.closest(".tt-nav");
    if (nav) {
      const row = nav.parentElement.querySelector(".tt-strip");
      row.scrollBy({ left: Number(nav.dataset.dir) * row.clientWidth * 0.85, behavior: "smooth" });
    }
  });
  chat.addEventListener("scroll", (event) => {
    if (event.target.classList && event.target.classList.contains("tt-strip")) arrows(event.target);
  }, true);
  chat.addEventListener("error", (event) => {
    const img = event.target;
    if (img.tagName === "IMG" && img.dataset.fallback && img.src !== img.dataset.fallback) img.src = img.dataset.fallback;
  }, true);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && state.open) setOpen(false);
  });

  function mount() {
    document.body.appendChild(host);
    if (state.open || data.open === "true") setOpen(true);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  window.TailTalk = { open: () => setOpen(true), close: () => setOpen(false), ask: ask };
})();

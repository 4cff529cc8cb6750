// Filters send only the values a person chose, so a shared or bookmarked URL stays short and readable.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get") return;
  const parameters = event.detail.parameters;
  for (const name of Array.from(parameters.keys())) {
    if (parameters.getAll(name).every((value) => value === "")) parameters.delete(name);
  }
});

// A panel's Close button empties the panel it names (the explanation under the portfolio); Escape does too.
// The focus goes back to what opened it, so a keyboard user carries on where they were.
let explanationOpener = null;
document.addEventListener("htmx:beforeRequest", (event) => {
  const opener = event.detail.elt;
  // A part's explanation opened from within the panel keeps the first opener: the panel's links go with it.
  if (event.detail.target && event.detail.target.id === "explanation" && !opener.closest("#explanation")) {
    explanationOpener = opener;
  }
});
function closePanel(panel) {
  panel.replaceChildren();
  if (panel.id === "explanation" && explanationOpener && explanationOpener.isConnected) explanationOpener.focus();
}
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-close]");
  if (!button) return;
  const panel = document.querySelector(button.dataset.close);
  if (panel) closePanel(panel);
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const panel = document.querySelector("aside#explanation");
  if (panel && panel.children.length) closePanel(panel);
});
// An explanation opened from a colour takes the focus, so keyboard and screen-reader users land on it.
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id !== "explanation") return;
  const heading = event.detail.target.querySelector("#explanation-title");
  if (heading) heading.focus();
});

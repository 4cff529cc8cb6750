// Filters send only the values a person chose, so a shared or bookmarked URL stays short and readable.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get") return;
  const parameters = event.detail.parameters;
  for (const name of Array.from(parameters.keys())) {
    if (parameters.getAll(name).every((value) => value === "")) parameters.delete(name);
  }
});

// A panel's Close button empties the panel it names (the explanation under the portfolio); Escape does too.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-close]");
  if (!button) return;
  const panel = document.querySelector(button.dataset.close);
  if (panel) panel.replaceChildren();
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const panel = document.querySelector("aside#explanation");
  if (panel && panel.children.length) panel.replaceChildren();
});
// An explanation opened from a colour takes the focus, so keyboard and screen-reader users land on it.
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id !== "explanation") return;
  const heading = event.detail.target.querySelector("h2");
  if (heading) heading.focus();
});

// Filters send only the values a person chose, so a shared or bookmarked URL stays short and readable.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get") return;
  const parameters = event.detail.parameters;
  for (const name of Array.from(parameters.keys())) {
    if (parameters.getAll(name).every((value) => value === "")) parameters.delete(name);
  }
});

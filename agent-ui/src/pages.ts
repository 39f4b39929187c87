import { h } from "./dom";

// Paths of the app's pages. The server returns index.html for every path without a file
// extension, so each of them can be loaded and reloaded directly.
export const homePath = "/";
export const contactsPath = "/contacts";

// pageLink returns a header link to another page of the app. A plain click switches pages
// without reloading. A click with a modifier key keeps the browser's behaviour, such as
// opening the page in a new tab.
export function pageLink(testid: string, label: string, path: string): HTMLAnchorElement {
  const link = h("a", { href: path, class: "nav", "data-testid": testid }, label);
  link.addEventListener("click", (ev) => {
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    navigate(path);
  });
  return link;
}

// navigate adds path to the browser's history and fires popstate, on which main.ts shows
// the page for the new path, as it does for the browser's back and forward buttons.
export function navigate(path: string): void {
  if (location.pathname !== path) history.pushState(null, "", path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

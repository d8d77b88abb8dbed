// nav.js - how views move the app on: go to another hash with a message to
// show once it is there, or re-render the current view after a write. It sits
// apart from app.js so that views need not import the module that imports them.

let onRoute = null;
let pendingNotice = null;

/** app.js registers its router (which re-renders and refreshes the menu badge). */
export function setRouter(fn) {
  onRoute = fn;
}

/** Navigates to hash; notice, if given, is shown after the navigation clears the banners. */
export function go(hash, notice) {
  pendingNotice = notice || null;
  if (location.hash === hash) onRoute();
  else location.hash = hash;
}

/** Re-renders the current view, e.g. after an approval changed the list. */
export function rerender(notice) {
  pendingNotice = notice || null;
  onRoute();
}

/** The notice waiting for the next render, once. */
export function takeNotice() {
  const n = pendingNotice;
  pendingNotice = null;
  return n;
}

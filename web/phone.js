// phone.js - what the portal and the app need at phone width (390 px) beyond
// CSS: the app's menu button, and a visible hint above every table that is
// wider than the screen.
//
// A table that scrolls sideways with nothing to say so is a table whose right
// half nobody reads (the 执行率 column was lost that way), so each such table
// gets one line of hint above it for as long as it overflows. The key tables
// are stacked as cards by style.css instead and never overflow.

import { t } from './i18n.js';

const HINT_CLASS = 'scroll-hint';
let pending = false;

/** Puts a hint before each .table-wrap that overflows, and takes it away when it no longer does. */
function markOverflowing() {
  pending = false;
  for (const wrap of document.querySelectorAll('.table-wrap')) {
    const overflowing = wrap.offsetParent !== null && wrap.scrollWidth > wrap.clientWidth + 1;
    wrap.classList.toggle('overflowing', overflowing);
    const prev = wrap.previousElementSibling;
    const hint = prev && prev.classList.contains(HINT_CLASS) ? prev : null;
    if (overflowing && !hint) {
      wrap.before(Object.assign(document.createElement('p'), { className: HINT_CLASS, textContent: t('layout.scroll_hint') }));
    } else if (hint) {
      if (!overflowing) hint.remove();
      else hint.textContent = t('layout.scroll_hint');
    }
  }
}

function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(markOverflowing);
}

/** The app's menu button: at phone width the menu folds away behind it. */
function bindNavToggle(button, nav) {
  const setOpen = (open) => {
    document.body.classList.toggle('nav-open', open);
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => setOpen(!document.body.classList.contains('nav-open')));
  // Choosing a view closes the menu, as it would on any phone app.
  nav.addEventListener('click', (ev) => {
    if (ev.target.closest('a')) setOpen(false);
  });
  setOpen(false);
}

/** Starts watching tables (and binds the menu button, if the page has one). */
export function bindPhoneLayout({ navToggle = null, nav = null } = {}) {
  if (navToggle && nav) bindNavToggle(navToggle, nav);
  // The views render asynchronously; a mutation or a resize re-checks once per frame.
  new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  window.addEventListener('resize', schedule);
  schedule();
}

// app.js - the officers' app at /app/: sign-in, the session, and a hash router
// over the views (工作台, 项目, 资金拨付, 账户, 预算执行, 审计发现, 资金管理办法,
// 年度考核, 导入导出, 账本).
//
// The session cookie is HttpOnly, so the page learns who is signed in only by
// asking GET /api/v1/me; the CSRF token it returns is kept in sessionStorage
// (one tab, gone with it) and sent on every write by api.js.

import { api, setCsrf, setUnauthenticatedHandler } from '../api.js';
import { el, clear, bindBanners, showError, hideError, showNotice, hideNotice } from '../ui.js';
import { t, applyI18n, bindLangSwitch, onLangChange, setEnums, enumLabel } from '../i18n.js';
import { currentUser, setUser, setMay, isReadOnly, getPairings } from './session.js';
import { setRouter, takeNotice } from './nav.js';
import { bindSkipLink, setCurrent } from '../a11y.js';
import * as dashboard from './dashboard.js';
import * as projects from './projects.js';
import * as transfers from './transfers.js';
import * as accounts from './accounts.js';
import * as budget from './budget.js';
import * as importView from './import.js';
import * as log from './log.js';
import * as audit from './audit.js';
import * as measures from './measures.js';
import * as assessment from './assessment.js';
import { decorate } from './reports.js';
import { bindPhoneLayout } from '../phone.js';
import * as inbox from './inbox.js';
import { signInAgain } from './reauth.js';

const VIEWS = { dashboard, inbox, projects, transfers, accounts, budget, import: importView, log, audit, measures, assessment };
const $ = (id) => document.getElementById(id);

// --- the frame: signed in or not ------------------------------------------------

function showLogin(message) {
  setUser(null);
  document.body.classList.remove('signed-in');
  $('nav').hidden = true;
  $('view').hidden = true;
  $('logout').hidden = true;
  $('user-chip').hidden = true;
  $('login').hidden = false;
  if (message) showNotice(message);
  $('login-form').elements.username.focus();
}

function showApp() {
  const me = currentUser();
  document.body.classList.add('signed-in');
  $('login').hidden = true;
  $('nav').hidden = false;
  $('view').hidden = false;
  $('logout').hidden = false;
  $('user-chip').hidden = false;
  $('user-name').textContent = me.name;
  const scope = (pairing) => [enumLabel('role', me.role), me.region_name, pairing, isReadOnly() ? t('app.readonly') : null].filter(Boolean).join(' · ');
  $('user-role').textContent = scope(me.pairing);
  // /me gives the pairing's code only: its name (无锡市—连云港市结对帮扶) once the pairings are read
  if (me.pairing) {
    getPairings()
      .then((list) => {
        const p = list.find((x) => x.code === me.pairing);
        if (p && p.name && currentUser() === me) $('user-role').textContent = scope(p.name);
      })
      .catch(() => {}); // the code stays: still true, only less readable
  }
  route();
  refreshBadge();
}

function setBadge(view, n) {
  const link = document.querySelector('[data-testid="nav-' + view + '"]');
  const old = link.querySelector('.nav-count');
  if (old) old.remove();
  if (n > 0) link.append(el('span', { class: 'nav-count', testid: 'nav-' + view + '-count', text: String(n) }));
}

/** What awaits the user (the server's inbox): all of it beside 待办, the requests beside 资金拨付. */
async function refreshBadge() {
  try {
    const box = await api('/inbox');
    setBadge('inbox', box.total);
    setBadge('transfers', box.counts.transfers);
  } catch (err) {
    // The dashboard and the inbox report this error where it matters.
  }
}

async function signIn(ev) {
  ev.preventDefault();
  const form = ev.target;
  const button = form.querySelector('[data-testid="login-submit"]');
  button.disabled = true;
  button.textContent = t('login.busy');
  hideError();
  try {
    const res = await api('/login', { method: 'POST', json: { username: form.elements.username.value.trim(), password: form.elements.password.value }, quiet401: true });
    setCsrf(res.csrf);
    setUser(res.user);
    setMay((await api('/me')).may); // what the user may do, for the forms and buttons shown
    form.elements.password.value = '';
    hideNotice();
    if (!location.hash || location.hash === '#/') location.hash = '#/dashboard';
    showApp();
  } catch (err) {
    showError(err);
  } finally {
    button.disabled = false;
    button.textContent = t('login.submit');
  }
}

async function signOut() {
  try {
    await api('/logout', { method: 'POST', quiet401: true });
  } catch (err) {
    if (err.status !== 401) showError(err); // already signed out is what we wanted
  }
  setCsrf(null);
  history.replaceState(null, '', '#/dashboard');
  showLogin();
}

// --- routing -------------------------------------------------------------------------

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map((p) => decodeURIComponent(p));
  const name = VIEWS[parts[0]] ? parts[0] : 'dashboard';
  return { name, args: VIEWS[parts[0]] ? parts.slice(1).filter(Boolean) : [] };
}

/** Renders the view of the hash into a fresh container, so a slow answer for a view the user left lands nowhere. */
function route() {
  if (!currentUser()) return;
  hideError();
  const notice = takeNotice();
  if (notice) showNotice(notice);
  else hideNotice();
  const { name, args } = parseHash();
  setCurrent(document.querySelectorAll('#nav a'), (a) => a.dataset.view === name);
  const host = clear($('view'));
  const container = el('div', { class: 'view-body', testid: 'view-' + name });
  host.append(container);
  document.title = t('nav.' + name) + ' · ' + t('app.title');
  VIEWS[name].render(container, args).then(() => decorate(container, name, args)).catch(showError);
}

async function restoreSession() {
  try {
    const res = await api('/me', { quiet401: true });
    setCsrf(res.csrf);
    setUser(res.user);
    setMay(res.may);
    showApp();
  } catch (err) {
    if (err.status !== 401) showError(err);
    showLogin();
  }
}

async function start() {
  bindBanners();
  bindSkipLink();
  applyI18n();
  bindPhoneLayout({ navToggle: $('nav-toggle'), nav: $('nav') });
  bindLangSwitch($('lang-switch'));
  onLangChange(() => {
    applyI18n();
    if (currentUser()) showApp();
  });
  $('login-form').addEventListener('submit', signIn);
  // A field marked invalid is unmarked as soon as it is edited (the amount field checks itself as you type).
  document.addEventListener('input', (ev) => {
    const target = ev.target;
    if (target.classList && !target.dataset.selfcheck) target.classList.remove('invalid');
  });
  $('logout').addEventListener('click', signOut);
  setRouter(() => {
    route();
    refreshBadge();
  });
  window.addEventListener('hashchange', route);
  // An expired session asks for the password over the page and keeps it as it
  // is (a half-filled form included); the call that met the 401 is then retried.
  setUnauthenticatedHandler(async () => {
    if (!currentUser()) return false;
    const user = await signInAgain(currentUser().name);
    if (!user) {
      showLogin(t('login.expired'));
      return false;
    }
    const changed = user.name !== currentUser().name;
    setUser(user);
    if (changed) showApp(); // another officer: their own view of everything
    return true;
  });
  try {
    setEnums(await api('/enums'));
  } catch (err) {
    showError(err); // labels fall back to codes; the app still works
  }
  await restoreSession();
}

start();

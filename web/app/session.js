// session.js - who is signed in, and the few lists every view needs (accounts,
// pairings), fetched once per session and dropped after a write that changes them.
//
// What the role may do is decided by the server; the app only hides forms a
// read-only role (auditor, assessor) could never submit, so nobody is invited
// to fill in a form that is bound to be refused.

import { api, listOf } from '../api.js';

let user = null;
let accounts = null; // Promise of the account list
let pairings = null;
let allowed = {}; // GET /api/v1/me's `may`: what the library says this user may do

const READ_ONLY_ROLES = ['auditor', 'assessor'];
const ACCOUNT_PAGE = 1000; // the API's largest page
const ACCOUNT_PAGES_MAX = 50; // 50,000 accounts: far beyond a programme, a bound all the same

export function currentUser() {
  return user;
}

export function setUser(u) {
  user = u || null;
  accounts = null;
  pairings = null;
  allowed = {};
}

/** Keeps /me's `may` (create_project, create_account, request_transfer). */
export function setMay(may) {
  allowed = may || {};
}

/**
 * Whether the server said this user may take an action at all: menus and
 * buttons for actions it may not take are not shown. The server computes it
 * with the rules that refuse the write, so the app holds no copy of them.
 */
export function may(action) {
  return Boolean(allowed[action]);
}

export function isReadOnly() {
  return !user || READ_ONLY_ROLES.includes(user.role);
}

/**
 * Whether the signed-in officer may approve or reject this request: not their
 * own (separation of duties), not a read-only role, and not refused by the
 * server's can_resolve when it says so.
 */
export function mayDecide(tr) {
  return Boolean(user) && !isReadOnly() && tr.actor !== user.name && tr.can_resolve !== false;
}

async function fetchAllAccounts() {
  const all = [];
  for (let page = 0; page < ACCOUNT_PAGES_MAX; page++) {
    const res = await api('/accounts', { params: { limit: ACCOUNT_PAGE, offset: page * ACCOUNT_PAGE } });
    const rows = listOf(res, 'accounts');
    all.push(...rows);
    const total = res && typeof res.total === 'number' ? res.total : all.length;
    if (rows.length < ACCOUNT_PAGE || all.length >= total) break;
  }
  return all;
}

/** Every account with its balances, shared by the views; refresh=true asks the server again. */
export function getAccounts(refresh = false) {
  if (!accounts || refresh) {
    accounts = fetchAllAccounts();
    accounts.catch(() => (accounts = null)); // a failure is not cached
  }
  return accounts;
}

/** Drops cached balances after a transfer, so the next view shows the new ones. */
export function invalidateAccounts() {
  accounts = null;
}

export async function accountIndex() {
  const list = await getAccounts();
  return new Map(list.map((a) => [a.code, a]));
}

export function getPairings() {
  if (!pairings) {
    pairings = api('/pairings').then((r) => listOf(r, 'pairings'));
    pairings.catch(() => (pairings = null));
  }
  return pairings;
}

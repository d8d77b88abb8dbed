// api.js - the one way both pages talk to the server (docs/api.md).
//
// Every failure becomes an ApiError carrying the server's {code, message, field}
// (and the row errors of a refused import), so callers can show it and never
// have to guess at shapes. Writes carry the CSRF token the server handed out at
// sign-in: the session cookie is HttpOnly, so this token is what proves a write
// came from our own page.

import { t, acceptLanguage } from './i18n.js';

const CSRF_KEY = 'pairaid.csrf';
let onUnauthenticated = null;
// The app reads as its signed-in user; the public portal always reads as the
// public (the server computes every figure from what its reader may see, and
// the portal must show the public's figures even to an officer signed in).
let credentials = 'same-origin';

/** 'omit' for the public portal: its requests carry no session cookie. */
export function readAsPublic() {
  credentials = 'omit';
}

export class ApiError extends Error {
  constructor(status, error) {
    super(error.message || t('common.error.http', { status }));
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code || 'http_' + status;
    this.field = error.field || null;
    this.errors = Array.isArray(error.errors) ? error.errors : null;
    this.result = error.result || null;
  }
}

export function setCsrf(token) {
  try {
    if (token) sessionStorage.setItem(CSRF_KEY, token);
    else sessionStorage.removeItem(CSRF_KEY);
  } catch (e) {
    // sessionStorage can be disabled; writes will then be refused with a clear 403
  }
}

function csrf() {
  try {
    return sessionStorage.getItem(CSRF_KEY);
  } catch (e) {
    return null;
  }
}

/**
 * Called on any 401, so the app can ask the user to sign in again wherever they
 * were. If it resolves true (signed in again), the request is sent once more, so
 * a form submitted into an expired session goes through without retyping.
 */
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn;
}

/** Builds "/api/v1/path?a=1" leaving out empty parameters. */
export function apiUrl(path, params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return '/api/v1' + path + (s ? '?' + s : '');
}

async function errorFrom(res) {
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    body = null; // a proxy's HTML error page, say: fall back to the status
  }
  const error = body && body.error && typeof body.error === 'object' ? body.error : {};
  return new ApiError(res.status, error);
}

/**
 * fetch() for a body whose upload progress is shown: fetch reports none, so
 * this one request goes through XMLHttpRequest, and resolves to a Response.
 */
function sendWithProgress(url, init, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(init.method, url);
    xhr.withCredentials = init.credentials !== 'omit';
    for (const [k, v] of Object.entries(init.headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    };
    xhr.onload = () => resolve(new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status }));
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(init.body);
  });
}

/**
 * Calls the API. opts: method, params (query), json (a body to send as JSON),
 * body + contentType (a raw body such as a CSV file), onProgress(sent, total)
 * for a large upload. Resolves to the parsed JSON (null for 204), with the
 * HTTP status on opts.onStatus if asked for.
 */
export async function api(path, opts = {}) {
  const method = opts.method || 'GET';
  // the server answers errors in the page's language (docs/api.md, Accept-Language)
  const headers = { Accept: 'application/json', 'Accept-Language': acceptLanguage() };
  let body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = opts.contentType || 'application/octet-stream';
    body = opts.body;
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrf();
    if (token) headers['X-CSRF-Token'] = token;
  }
  let res;
  try {
    const init = { method, headers, body, credentials };
    res = opts.onProgress
      ? await sendWithProgress(apiUrl(path, opts.params), init, opts.onProgress)
      : await fetch(apiUrl(path, opts.params), init);
  } catch (e) {
    throw new ApiError(0, { code: 'network', message: t('common.error.network') });
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && onUnauthenticated && !opts.quiet401 && !opts.retried) {
      if (await onUnauthenticated(err)) return api(path, Object.assign({}, opts, { retried: true }));
      err.handled = true; // the sign-in form says so: no second alert over it
    }
    throw err;
  }
  if (opts.onStatus) opts.onStatus(res.status);
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** A list from a response that is either the array itself or {key: [...], total}. */
export function listOf(data, key) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data[key])) return data[key];
  return [];
}

/** The file name a Content-Disposition gives: filename* (RFC 5987, UTF-8) first, else filename. */
function fileNameOf(disposition) {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition || '');
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch (e) {
      // a malformed escape: fall back to the plain name
    }
  }
  const plain = /filename="([^"]+)"/i.exec(disposition || '');
  return plain ? plain[1] : 'download';
}

/**
 * A file the server writes (a report as XLSX or CSV, an export): {blob,
 * filename}, read as api() reads (the portal as the public). A refusal is an
 * ApiError, as api()'s are.
 */
export async function apiFile(path, params) {
  let res;
  try {
    res = await fetch(apiUrl(path, params), { headers: { 'Accept-Language': acceptLanguage() }, credentials });
  } catch (e) {
    throw new ApiError(0, { code: 'network', message: t('common.error.network') });
  }
  if (!res.ok) throw await errorFrom(res);
  return { blob: await res.blob(), filename: fileNameOf(res.headers.get('Content-Disposition')) };
}

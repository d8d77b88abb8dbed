// reauth.js - signing in again over the page when the session has expired.
//
// The session can end while an officer fills in a form (it times out, or is
// ended from elsewhere). Throwing them back to the sign-in page would lose what
// they typed; instead a dialog over the page (登录已失效，请重新登录) asks for
// the password, the page underneath stays exactly as it is, and api.js sends
// the call that met the 401 again once signed in. Calls that fail together wait
// for the one dialog.

import { api, setCsrf } from '../api.js';
import { el } from '../ui.js';
import { t } from '../i18n.js';

let waiting = null; // the promise of the dialog that is open

function errorLine(err) {
  return err && err.message ? err.message : String(err);
}

function dialogFor(name, resolve) {
  const username = el('input', { name: 'username', value: name, autocomplete: 'username', required: true, testid: 'reauth-username' });
  const password = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, testid: 'reauth-password' });
  const error = el('p', { class: 'form-error', role: 'alert', testid: 'reauth-error', hidden: true });
  const submit = el('button', { type: 'submit', class: 'btn primary', testid: 'reauth-submit', text: t('login.submit') });
  const cancel = el('button', { type: 'button', class: 'btn', testid: 'reauth-cancel', text: t('session.cancel') });
  const form = el(
    'form',
    { class: 'modal-body', testid: 'reauth-form' },
    el('h3', { text: t('session.title') }),
    el('p', { class: 'lead', text: t('session.lead') }),
    el('label', { class: 'field' }, el('span', { class: 'field-label', text: t('login.username') }), username),
    el('label', { class: 'field' }, el('span', { class: 'field-label', text: t('login.password') }), password),
    error,
    el('div', { class: 'form-actions' }, submit, cancel)
  );
  const dialog = el('dialog', { class: 'modal', testid: 'reauth-dialog', 'aria-label': t('session.title') }, form);
  let user = null;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    error.hidden = true;
    try {
      const res = await api('/login', { method: 'POST', json: { username: username.value.trim(), password: password.value }, quiet401: true });
      setCsrf(res.csrf);
      user = res.user;
      dialog.close();
    } catch (err) {
      error.textContent = errorLine(err);
      error.hidden = false;
      password.select();
    } finally {
      submit.disabled = false;
    }
  });
  cancel.addEventListener('click', () => dialog.close());
  // Escape closes a modal dialog: the same as giving up.
  dialog.addEventListener('close', () => {
    dialog.remove();
    resolve(user);
  });
  return { dialog, password };
}

/**
 * Shows the sign-in dialog over the page, the user name filled in. Resolves to
 * the user signed in again, or null if the officer gives up.
 */
export function signInAgain(name) {
  if (!waiting) {
    waiting = new Promise((resolve) => {
      const { dialog, password } = dialogFor(name, resolve);
      document.body.append(dialog);
      dialog.showModal();
      password.focus();
    }).finally(() => {
      waiting = null;
    });
  }
  return waiting;
}

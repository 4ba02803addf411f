// Signing in: through the configured OAuth2 issuer (authorization code flow with PKCE, a public
// client: no secret in the page), with a pasted token, or, in the local profile only, with a token
// Herald mints at POST /local/token.

import { h, fill, title, notice } from './dom.js';
import { setToken } from './api.js';

const VERIFIER = 'herald.portal.pkce.verifier';
const STATE = 'herald.portal.pkce.state';

function redirectUri() {
  return `${location.origin}/portal`;
}

function base64url(bytes) {
  let text = '';
  for (const byte of new Uint8Array(bytes)) {
    text += String.fromCharCode(byte);
  }
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomText(length) {
  return base64url(crypto.getRandomValues(new Uint8Array(length)));
}

async function startSignIn(signIn) {
  const verifier = randomText(48);
  const state = randomText(24);
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(VERIFIER, verifier);
  sessionStorage.setItem(STATE, state);
  const url = new URL(signIn.authorizationUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', signIn.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('scope', signIn.scope);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  location.assign(url.toString());
}

/**
 * When the issuer sent the browser back here with a code, exchanges it for a token (checking the
 * state this page sent) and removes code and state from the address. Answers the token, or null
 * when this is no return from a sign-in.
 */
export async function finishSignIn(settings) {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) {
    return null;
  }
  history.replaceState(null, '', location.pathname + location.hash);
  const expected = sessionStorage.getItem(STATE);
  const verifier = sessionStorage.getItem(VERIFIER);
  sessionStorage.removeItem(STATE);
  sessionStorage.removeItem(VERIFIER);
  if (params.has('error')) {
    throw new Error(`The sign-in was refused: ${params.get('error')}${params.get('error_description')
      ? ` (${params.get('error_description')})` : ''}.`);
  }
  if (!settings.signIn || !expected || !verifier || params.get('state') !== expected) {
    throw new Error('The answer from the sign-in does not belong to a sign-in this page started. Sign in again.');
  }
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: params.get('code'),
    redirect_uri: redirectUri(),
    client_id: settings.signIn.clientId,
    code_verifier: verifier,
  });
  let answer;
  try {
    const response = await fetch(settings.signIn.tokenUri, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body,
    });
    answer = response.ok ? await response.json() : { error: `HTTP ${response.status}` };
  } catch {
    answer = { error: 'the issuer could not be reached' };
  }
  if (!answer.access_token) {
    throw new Error(`The issuer gave no token (${answer.error || 'no access_token in its answer'}). Sign in again.`);
  }
  return answer.access_token;
}

function field(id, label, hint, attributes = {}) {
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    h('input', { id, name: id, type: 'text', autocomplete: 'off', 'aria-describedby': hint ? `${id}-hint` : null, ...attributes }));
}

/** The sign-in view; {@code signedIn} is called once a token is stored. */
export function renderSignIn(view, settings, message, signedIn) {
  const parts = [title('Sign in to manage your subscriptions')];
  if (message) {
    parts.push(notice('error', message));
  }
  parts.push(h('p', {}, 'The page acts for whoever the token names: it lists and changes only that subscriber\'s subscriptions.'));

  if (settings.signIn) {
    parts.push(h('section', { class: 'card', 'aria-labelledby': 'issuer-heading' },
      h('h2', { id: 'issuer-heading' }, 'With your organisation\'s login'),
      h('p', {}, 'You are sent to the login service and back here.'),
      h('button', { type: 'button', id: 'sign-in-issuer', onclick: () => startSignIn(settings.signIn) }, 'Sign in')));
  }

  if (settings.localTokens) {
    const error = h('div', { id: 'local-error' });
    const form = h('form', { id: 'local-sign-in', novalidate: true },
      field('local-org', 'Agency code', 'The org claim of the token, e.g. ttd. Leave it empty to act as an organisation or person.'),
      field('local-org-number', 'Organisation number (optional)', 'Nine digits: the consumer claim.', { inputmode: 'numeric' }),
      field('local-pid', 'Person number (optional)', 'Eleven digits: the pid claim.', { inputmode: 'numeric' }),
      error,
      h('button', { type: 'submit' }, 'Get a local token'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const request = { scopes: [settings.subscribeScope] };
      for (const [member, id] of [['org', 'local-org'], ['orgNumber', 'local-org-number'], ['pid', 'local-pid']]) {
        const value = document.getElementById(id).value.trim();
        if (value) {
          request[member] = value;
        }
      }
      try {
        const response = await fetch('/local/token', {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request),
        });
        const answer = await response.json();
        if (!response.ok) {
          throw new Error(answer.detail || `HTTP ${response.status}`);
        }
        setToken(answer.access_token);
        signedIn();
      } catch (e) {
        fill(error, notice('error', `No token: ${e.message}`));
      }
    });
    parts.push(h('section', { class: 'card', 'aria-labelledby': 'local-heading' },
      h('h2', { id: 'local-heading' }, 'Local profile: a token from this Herald'),
      h('p', {}, 'This Herald runs in the local profile, for trying it out: it mints a token with the subscribe scope for the identity you give.'),
      form));
  }

  const pasteError = h('div', { id: 'paste-error' });
  const pasteForm = h('form', { id: 'paste-sign-in', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'pasted-token' }, 'Access token'),
      h('p', { class: 'hint', id: 'pasted-token-hint' }, `A bearer token (JWT) from your issuer with the scope ${settings.subscribeScope}. It is kept in this tab only.`),
      h('textarea', { id: 'pasted-token', name: 'pasted-token', 'aria-describedby': 'pasted-token-hint', spellcheck: 'false', autocomplete: 'off' })),
    pasteError,
    h('button', { type: 'submit' }, 'Use this token'));
  pasteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = document.getElementById('pasted-token').value.trim().replace(/^Bearer\s+/i, '');
    if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(value)) {
      document.getElementById('pasted-token').setAttribute('aria-invalid', 'true');
      fill(pasteError, h('p', { class: 'field-error' }, 'That is not a JWT: three base64url parts separated by dots.'));
      return;
    }
    setToken(value);
    signedIn();
  });
  parts.push(h('section', { class: 'card', 'aria-labelledby': 'paste-heading' },
    h('h2', { id: 'paste-heading' }, 'Paste a token'), pasteForm));

  fill(view, parts);
}

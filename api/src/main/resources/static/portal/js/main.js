// Herald's subscriber portal: routes between sign-in, the list, the create form and one
// subscription (#/, #/new, #/subscriptions/{id}).

import { fill, h, notice, title } from './dom.js';
import { token, setToken, claims, onUnauthorized } from './api.js';
import { renderSignIn, finishSignIn } from './signin.js';
import { renderList, renderCreate } from './subscriptions.js';
import { renderDetail } from './detail.js';

const main = document.getElementById('main');
let settings;
let stopView = null;
let message = null;
let secret = null;
let first = true;

function who() {
  const signedIn = Boolean(token());
  document.getElementById('sign-out').hidden = !signedIn;
  document.querySelector('header nav').hidden = !signedIn;
  const c = signedIn ? claims() : {};
  const name = c.org ? `agency ${c.org}` : (c.sub || '');
  document.getElementById('who').textContent = signedIn ? `Signed in${name ? ` as ${name}` : ''}` : '';
}

/** Shows the view of {@code hash}: through hashchange when the address changes, at once when it does not. */
function go(hash) {
  if ((location.hash || '#/') === hash) {
    route();
  } else {
    location.hash = hash;
  }
}

function route() {
  let hash = location.hash || '#/';
  if (!hash.startsWith('#/')) {
    if (!first) {
      // not a view of the page (an anchor such as #main): stay where we are
      return;
    }
    hash = '#/';
  }
  if (stopView) {
    stopView();
    stopView = null;
  }
  who();
  const view = h('div', { class: 'view' });
  fill(main, view);
  for (const link of document.querySelectorAll('header nav a')) {
    if (link.getAttribute('href') === hash) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  if (!token()) {
    document.title = 'Sign in · Herald';
    renderSignIn(view, settings, message, () => {
      message = null;
      // signed in: the view the address names (a link to a subscription, say)
      route();
    });
    message = null;
  } else if (hash === '#/new') {
    document.title = 'Create a subscription · Herald';
    renderCreate(view, (subscription) => {
      secret = subscription.secret ? { id: subscription.id, value: subscription.secret } : null;
      location.hash = `#/subscriptions/${subscription.id}`;
    });
  } else {
    const match = hash.match(/^#\/subscriptions\/(\d{1,18})$/);
    if (match) {
      document.title = `Subscription ${match[1]} · Herald`;
      const shown = secret && String(secret.id) === match[1] ? secret.value : null;
      secret = null;
      stopView = renderDetail(view, match[1], settings, shown, () => go('#/'));
    } else {
      document.title = 'Your subscriptions · Herald';
      renderList(view);
    }
  }
  if (!first) {
    const heading = main.querySelector('h1');
    (heading || main).focus();
  }
  first = false;
}

async function start() {
  try {
    const response = await fetch('/portal/config.json', { headers: { Accept: 'application/json' } });
    settings = await response.json();
  } catch {
    fill(main, title('Herald'), notice('error', 'The portal\'s settings could not be read. Reload the page.'));
    return;
  }
  try {
    const signedIn = await finishSignIn(settings);
    if (signedIn) {
      setToken(signedIn);
    }
  } catch (e) {
    message = e.message;
  }
  onUnauthorized(() => {
    setToken(null);
    message = 'Herald refused the token (it may have expired). Sign in again.';
    route();
  });
  document.getElementById('sign-out').addEventListener('click', () => {
    setToken(null);
    message = null;
    go('#/');
  });
  // the skip link moves focus to the content without changing the address (which names the view)
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  window.addEventListener('hashchange', route);
  route();
}

start();

// One subscription: its state and handshake, what was sent and what the endpoint said, its dead
// letters and their replay, and the actions on it. Deliveries and attempts are polled, so new
// ones appear without a reload.

import { h, fill, title, notice, badge, table, announce, time } from './dom.js';
import { api, ApiError, SUBSCRIPTIONS } from './api.js';
import { channelOf } from './subscriptions.js';

const SHOWN = 100;

/** "3 deliveries, newest first", or "The newest 100 deliveries" when there may be more. */
function caption(count, one, many) {
  return count >= SHOWN ? `The newest ${SHOWN} ${many}` : `${count} ${count === 1 ? one : many}, newest first`;
}

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, value]) => value !== undefined)
    .map(([term, value, id]) => [h('dt', {}, term), h('dd', { id }, value ?? '–')]));
}

/** An API message as a sentence: capital first letter, full stop at the end. */
function sentence(text) {
  const trimmed = String(text || '').trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function isSms(s) {
  return channelOf(s) === 'sms';
}

function validation(s) {
  if (s.validated) {
    return `Validated ${time(s.validatedAt)}`;
  }
  if (isSms(s)) {
    // an SMS subscription has no handshake: its owner confirms the texted code
    return `Not validated yet: waiting for the code texted to ${s.phoneNumber || 'the number'}`;
  }
  const handshake = s.handshake || { attempts: 0 };
  const parts = [`Not validated yet: ${handshake.attempts} handshake attempt${handshake.attempts === 1 ? '' : 's'}`];
  if (handshake.lastError) {
    parts.push(`the last failed: ${handshake.lastError}`);
  }
  parts.push(handshake.nextAttempt ? `next attempt ${time(handshake.nextAttempt)}` : 'no further attempt planned (resume it to start again)');
  return parts.join('; ');
}

function excerpt(text) {
  if (!text) {
    return '–';
  }
  return h('code', {}, text.length > 160 ? `${text.slice(0, 160)}…` : text);
}

/**
 * Renders subscription {@code id} into {@code view}; answers a function that stops its polling.
 * {@code secret} is the secret from its creation, shown this once.
 */
export function renderDetail(view, id, settings, secret, gone) {
  const base = `${SUBSCRIPTIONS}/${id}`;
  const state = { subscription: null, deliveries: [], attempts: [], dead: [], newestDelivery: null, shown: {} };
  let timer = null;
  let stopped = false;

  const summary = h('div', { id: 'summary' }, h('p', {}, 'Loading…'));
  const output = h('div', { id: 'action-result', tabindex: '-1' });
  const secretBox = h('div', { id: 'secret-box' });
  const deadBox = h('div', { id: 'dead-letter-list' });
  const deliveriesBox = h('div', { id: 'delivery-list' });
  const attemptsBox = h('div', { id: 'attempt-list' });
  const live = h('p', { class: 'live', id: 'live' });
  const toggle = h('button', { type: 'button', id: 'pause-resume', class: 'secondary' }, 'Pause');
  const confirmBox = h('span', { id: 'delete-confirm' });

  function showSecret(text, what) {
    fill(secretBox, notice('secret',
      h('p', {}, h('strong', {}, what), ' It is shown only now: store it where your receiver reads it.'),
      h('p', {}, h('code', { id: 'secret-value' }, text))));
  }
  if (secret) {
    showSecret(secret, 'The signing secret of this subscription.');
  }

  function say(kind, text) {
    fill(output, notice(kind, text));
    announce(text);
  }

  async function act(button, work) {
    button.disabled = true;
    try {
      await work();
    } catch (e) {
      say('error', e.message);
    } finally {
      button.disabled = false;
    }
  }

  function renderSummary() {
    const s = state.subscription;
    const key = JSON.stringify(s);
    if (state.shown.summary === key) {
      return;
    }
    state.shown.summary = key;
    fill(summary, facts([
      ['Status', badge(s.status), 'subscription-status'],
      ['Validation', validation(s), 'subscription-validation'],
      ['Disabled because', s.disabledReason || undefined],
      ['Channel', channelOf(s), 'subscription-channel'],
      ['Endpoint', h('span', { class: 'mono' }, s.endPoint)],
      ['Phone number', s.phoneNumber ? h('span', { class: 'mono' }, s.phoneNumber) : undefined, 'subscription-phone'],
      ['Resource', s.resourceFilter],
      ['Type', s.typeFilter ?? 'any'],
      ['Subject', s.subjectFilter ?? 'any'],
      ['Alternative subject', s.alternativeSubjectFilter ?? 'any'],
      ['Source prefix', s.sourceFilter ?? 'any'],
      ['Ordered delivery', s.orderedDelivery ? 'yes' : 'no'],
      ['Content type', s.pushContentType],
      ['Allowed rate', s.allowedRate ? `${s.allowedRate} per minute` : undefined],
      ['Created', `${time(s.created)} by ${s.createdBy}`],
    ]));
    toggle.textContent = s.status === 'paused' || s.status === 'disabled' ? 'Resume' : 'Pause';
    // nothing is signed for a phone: an SMS subscription has no secret to rotate
    rotateButton.hidden = isSms(s);
    renderVerification();
  }

  // an SMS subscription waits for the code Herald texted to the number: a form to enter it, and a way to get a new one
  const verifyResult = h('div', { id: 'verify-result', tabindex: '-1' });
  const codeInput = h('input', { id: 'verify-code', name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code',
    spellcheck: 'false', maxlength: '6', 'aria-describedby': 'verify-code-hint verify-code-error' });
  const codeHint = h('p', { class: 'hint', id: 'verify-code-hint' }, 'The 6 digits Herald texted to the number.');
  const codeError = h('p', { class: 'field-error', id: 'verify-code-error' });
  const verifyForm = h('form', { id: 'verify-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'verify-code' }, 'Code from the text'), codeHint, codeInput, codeError),
    h('button', { type: 'submit', id: 'verify-submit' }, 'Confirm the number'));
  const resendButton = h('button', { type: 'button', id: 'resend-code', class: 'secondary' }, 'Text me a new code');
  const verifyCard = h('section', { class: 'card', id: 'verification', hidden: true, 'aria-labelledby': 'verify-heading' },
    h('h2', { id: 'verify-heading' }, 'Confirm your phone number'),
    h('p', {}, 'Nothing is texted until you enter the code Herald sent to the number; events published before that are never sent.'),
    verifyForm,
    h('p', { class: 'hint', id: 'resend-hint' }, 'No text, or the code expired or was used up? A new code makes the previous one void.'),
    h('div', { class: 'actions' }, resendButton),
    verifyResult);

  function verifyMessage(kind, text) {
    fill(verifyResult, notice(kind, text));
    announce(text);
  }

  function codeProblem(text) {
    codeInput.setAttribute('aria-invalid', 'true');
    codeError.textContent = text;
    codeInput.focus();
  }

  function renderVerification() {
    const s = state.subscription;
    const waiting = isSms(s) && !s.validated;
    if (waiting) {
      codeHint.textContent = `The 6 digits Herald texted to ${s.phoneNumber || 'the number'}, e.g. 123456. The text says how long the code lasts; a few wrong tries make it void.`;
      verifyCard.hidden = false;
      return;
    }
    if (!verifyCard.hidden) {
      // confirmed here or elsewhere: the form is of no more use, and focus goes to what says so
      const hadFocus = verifyCard.contains(document.activeElement);
      verifyCard.hidden = true;
      say('info', `The number ${s.phoneNumber || 'of this subscription'} is confirmed: the subscription is validated and its events are texted from now on.`);
      if (hadFocus) {
        output.focus();
      }
    }
  }

  verifyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    act(verifyForm.querySelector('button'), async () => {
      codeInput.removeAttribute('aria-invalid');
      codeError.textContent = '';
      fill(verifyResult);
      const code = codeInput.value.trim();
      if (!/^[0-9]{6}$/.test(code)) {
        codeProblem('Enter the 6 digits of the code, e.g. 123456.');
        return;
      }
      try {
        state.subscription = await api('POST', `${base}/verification`, { code });
      } catch (e) {
        if (!(e instanceof ApiError)) {
          throw e;
        }
        if (e.status === 400) {
          const tries = e.problem.triesLeft;
          const told = sentence(e.errors[0]?.message || e.message);
          codeProblem(typeof tries === 'number' && !/left|last try/.test(told) ? `${told} ${tries} ${tries === 1 ? 'try' : 'tries'} left.` : told);
          return;
        }
        if (e.status === 409 && e.problem.code === 'no-open-code') {
          codeProblem(`${sentence(e.message)} Use “Text me a new code” below.`);
          return;
        }
        throw e;
      }
      codeInput.value = '';
      renderSummary();
    });
  });

  resendButton.addEventListener('click', () => act(resendButton, async () => {
    fill(verifyResult);
    try {
      await api('POST', `${base}/verification/resend`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) {
        const wait = e.retryAfter;
        const when = wait === null || wait === undefined ? 'in a minute'
          : `in ${wait} second${wait === 1 ? '' : 's'} (at ${new Date(Date.now() + wait * 1000).toLocaleTimeString()})`;
        verifyMessage('error', `A code was texted a moment ago. You can ask for a new one ${when}.`);
        return;
      }
      verifyMessage('error', e.message);
      return;
    }
    codeInput.removeAttribute('aria-invalid');
    codeError.textContent = '';
    verifyMessage('info', `A new code is texted to ${state.subscription?.phoneNumber || 'the number'}. The previous one no longer works.`);
  }));

  function renderDeadLetters() {
    const key = JSON.stringify(state.dead);
    if (state.shown.dead === key) {
      return;
    }
    state.shown.dead = key;
    if (state.dead.length === 0) {
      fill(deadBox, h('p', { id: 'no-dead-letters' }, 'No dead letters.'));
      return;
    }
    const rows = state.dead.map((d) => [d.id, h('span', { class: 'mono' }, d.eventPosition), d.attempts, d.lastStatus ?? '–',
      d.lastError ?? '–', time(d.deadLettered),
      h('button', { type: 'button', class: 'secondary replay-one', 'data-delivery': d.id, 'aria-label': `Replay delivery ${d.id}`,
        onclick: (event) => act(event.currentTarget, async () => {
          await api('POST', `${base}/deliveries/${d.id}/replay`);
          say('info', `Delivery ${d.id} is due again now.`);
          await refresh();
        }) }, 'Replay')]);
    fill(deadBox, table('dead-letters', caption(state.dead.length, 'dead letter', 'dead letters'),
      ['Delivery', 'Event position', 'Attempts', 'Last status', 'Last error', 'Dead-lettered', 'Action'], rows));
  }

  function renderDeliveries() {
    const key = JSON.stringify(state.deliveries);
    if (state.shown.deliveries === key) {
      return;
    }
    state.shown.deliveries = key;
    if (state.deliveries.length === 0) {
      fill(deliveriesBox, h('p', { id: 'no-deliveries' }, 'Nothing delivered yet: new deliveries appear here as events match.'));
      return;
    }
    const rows = state.deliveries.map((d) => [d.id, h('span', { class: 'mono' }, d.eventPosition), badge(d.status), d.attempts,
      d.lastStatus ?? '–', time(d.created), time(d.delivered || d.deadLettered || d.nextAttempt)]);
    fill(deliveriesBox, table('deliveries', caption(state.deliveries.length, 'delivery', 'deliveries'),
      ['Delivery', 'Event position', 'Status', 'Attempts', 'Last status', 'Created', 'Delivered, dead-lettered or next attempt'], rows));
  }

  function renderAttempts() {
    const key = JSON.stringify(state.attempts);
    if (state.shown.attempts === key) {
      return;
    }
    state.shown.attempts = key;
    if (state.attempts.length === 0) {
      fill(attemptsBox, h('p', { id: 'no-attempts' }, 'No attempts yet.'));
      return;
    }
    const rows = state.attempts.map((a) => [a.id, a.deliveryId, a.attempt, time(a.at), a.status ?? 'no answer',
      a.latencyMillis === null || a.latencyMillis === undefined ? '–' : `${a.latencyMillis} ms`, a.outcome,
      h('td', { class: 'excerpt' }, excerpt(a.responseExcerpt)), a.error ?? '–']);
    fill(attemptsBox, table('attempts', caption(state.attempts.length, 'attempt', 'attempts'),
      ['Attempt', 'Delivery', 'No.', 'At', 'Status', 'Latency', 'Outcome', 'Start of the answer', 'Error'], rows));
  }

  // one refresh at a time: a poll and an action's refresh never overlap
  let running = Promise.resolve();
  function refresh() {
    const next = running.catch(() => {}).then(read);
    running = next;
    return next;
  }

  /** Reads news: the subscription, and the newest deliveries, attempts and dead letters (the API's order=newest). */
  async function read() {
    const [subscription, deliveries, attempts, dead] = await Promise.all([
      api('GET', base),
      api('GET', `${base}/deliveries?order=newest&size=${SHOWN}`),
      api('GET', `${base}/attempts?order=newest&size=${SHOWN}`),
      api('GET', `${base}/deliveries?status=dead&order=newest&size=${SHOWN}`),
    ]);
    const previous = state.newestDelivery;
    Object.assign(state, { subscription, deliveries, attempts, dead });
    state.newestDelivery = deliveries.length ? deliveries[0].id : 0;
    renderSummary();
    renderDeadLetters();
    renderDeliveries();
    renderAttempts();
    const added = previous === null ? 0 : deliveries.filter((d) => d.id > previous).length;
    if (added > 0) {
      announce(`${added} new deliver${added === 1 ? 'y' : 'ies'}`);
    }
    live.textContent = `Updated ${time(new Date().toISOString())}; checks for news every ${Math.round(settings.pollIntervalMillis / 100) / 10} s.`;
  }

  async function poll() {
    if (stopped) {
      return;
    }
    try {
      await refresh();
    } catch (e) {
      if (e.status === 404) {
        stopped = true;
        fill(view, title(`Subscription ${id}`), notice('error', 'There is no such subscription among yours.'),
          h('p', {}, h('a', { href: '#/' }, 'Back to your subscriptions')));
        return;
      }
      live.textContent = `Could not check for news: ${e.message}`;
    }
    if (!stopped) {
      timer = setTimeout(poll, settings.pollIntervalMillis);
    }
  }

  toggle.addEventListener('click', () => act(toggle, async () => {
    const resume = toggle.textContent === 'Resume';
    state.subscription = await api('POST', `${base}/${resume ? 'resume' : 'pause'}`);
    renderSummary();
    say('info', resume ? 'Resumed: events are matched to it again from the next one on.'
      : 'Paused: events published while it is paused are skipped; deliveries already made wait for a resume.');
  }));
  const testButton = h('button', { type: 'button', id: 'send-test', class: 'secondary' }, 'Send a test event');
  testButton.addEventListener('click', () => act(testButton, async () => {
    const result = await api('POST', `${base}/test`);
    if (result.status !== null && result.status !== undefined) {
      say(result.status >= 200 && result.status < 300 ? 'info' : 'error',
        `Test event ${result.webhookId}: the endpoint answered ${result.status} in ${result.latencyMillis} ms.`);
    } else {
      say('error', `Test event ${result.webhookId}: no answer (${result.error}).`);
    }
  }));
  const rotateButton = h('button', { type: 'button', id: 'rotate-secret', class: 'secondary' }, 'Rotate the secret');
  rotateButton.addEventListener('click', () => act(rotateButton, async () => {
    const rotated = await api('POST', `${base}/rotate-secret`);
    showSecret(rotated.secret, 'The new signing secret. The previous one keeps signing beside it for a while, so your receiver can switch without a gap.');
    announce('A new secret is shown');
  }));
  const deleteButton = h('button', { type: 'button', id: 'delete', class: 'danger' }, 'Delete');
  deleteButton.addEventListener('click', () => {
    const yes = h('button', { type: 'button', id: 'delete-yes', class: 'danger' }, `Yes, delete subscription ${id}`);
    const no = h('button', { type: 'button', id: 'delete-no', class: 'secondary' }, 'Keep it');
    yes.addEventListener('click', () => act(yes, async () => {
      await api('DELETE', base);
      stopped = true;
      clearTimeout(timer);
      announce(`Subscription ${id} deleted`);
      gone();
    }));
    no.addEventListener('click', () => { fill(confirmBox); deleteButton.focus(); });
    fill(confirmBox, h('span', { role: 'group', 'aria-label': 'Confirm deletion' }, ' Delete it for good? ', yes, ' ', no));
    no.focus();
  });

  const replayAll = h('button', { type: 'button', id: 'replay-all', class: 'secondary' }, 'Replay all dead letters');
  replayAll.addEventListener('click', () => act(replayAll, async () => {
    const answer = await api('POST', `${base}/dead-letters/replay`);
    say('info', `${answer.replayed} dead letter${answer.replayed === 1 ? ' is' : 's are'} due again now.`);
    await refresh();
  }));

  /** A form with a start (required) and an end (optional) in the browser's local time; {@code run} gets them as UTC. */
  function rangeForm(id, submitText, run) {
    const form = h('form', { id, novalidate: true },
      h('div', { class: 'field' }, h('label', { for: `${id}-from` }, 'From (your local time)'),
        h('input', { id: `${id}-from`, type: 'datetime-local', step: '1', required: true })),
      h('div', { class: 'field' }, h('label', { for: `${id}-to` }, 'To, not included (optional)'),
        h('input', { id: `${id}-to`, type: 'datetime-local', step: '1' })),
      h('button', { type: 'submit', class: 'secondary' }, submitText));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      act(form.querySelector('button'), async () => {
        const from = document.getElementById(`${id}-from`);
        const to = document.getElementById(`${id}-to`).value;
        if (!from.value) {
          from.setAttribute('aria-invalid', 'true');
          from.focus();
          throw new Error('Give the start of the range.');
        }
        from.removeAttribute('aria-invalid');
        await run(new Date(from.value).toISOString(), to ? new Date(to).toISOString() : null);
      });
    });
    return form;
  }

  const deadRange = rangeForm('replay-dead-range', 'Replay the dead letters of this range', async (from, to) => {
    const query = new URLSearchParams({ from });
    if (to) {
      query.set('to', to);
    }
    const answer = await api('POST', `${base}/dead-letters/replay?${query}`);
    say('info', `${answer.replayed} dead letter${answer.replayed === 1 ? ' is' : 's are'} due again now.`);
    await refresh();
  });

  const eventRange = rangeForm('replay-range', 'Send the events of this range again', async (from, to) => {
    const range = to ? { from, to } : { from };
    let examined = 0;
    let replayed = 0;
    let after;
    // one call examines a bounded number of events; go on from where it stopped until the range is done
    for (let call = 0; call < 100; call++) {
      const answer = await api('POST', `${base}/replay`, after ? { ...range, after } : range);
      examined += answer.examined;
      replayed += answer.replayed;
      if (!answer.next) {
        break;
      }
      after = answer.next;
    }
    say('info', `Examined ${examined} event${examined === 1 ? '' : 's'} of the range; ${replayed} sent again.`);
    await refresh();
  });

  fill(view,
    title(`Subscription ${id}`),
    h('p', {}, h('a', { href: '#/' }, 'Back to your subscriptions')),
    secretBox,
    h('section', { class: 'card', 'aria-labelledby': 'summary-heading' }, h('h2', { id: 'summary-heading' }, 'State'), summary),
    verifyCard,
    h('section', { class: 'card', 'aria-labelledby': 'actions-heading' }, h('h2', { id: 'actions-heading' }, 'Actions'),
      h('div', { class: 'actions' }, toggle, testButton, rotateButton, deleteButton, confirmBox), output),
    h('section', { class: 'card', 'aria-labelledby': 'dead-heading' }, h('h2', { id: 'dead-heading' }, 'Dead letters'),
      h('p', { class: 'hint' }, 'Deliveries Herald gave up on. A replay sends one again with a fresh count of attempts and the same webhook-id.'),
      h('div', { class: 'actions' }, replayAll), deadBox,
      h('h3', {}, 'Replay the dead letters of a time range'),
      h('p', { class: 'hint' }, 'The dead letters whose deliveries were created in the range (when their events matched), e.g. during your receiver\'s outage.'),
      deadRange,
      h('h3', {}, 'Send the events of a time range again'),
      h('p', { class: 'hint' }, 'Every event of the range that matches the subscription, delivered or dead-lettered (only events published after it was validated), for a receiver that lost data.'),
      eventRange),
    h('section', { class: 'card', 'aria-labelledby': 'deliveries-heading' }, h('h2', { id: 'deliveries-heading' }, 'Deliveries'), live, deliveriesBox),
    h('section', { class: 'card', 'aria-labelledby': 'attempts-heading' }, h('h2', { id: 'attempts-heading' }, 'Attempts'),
      h('p', { class: 'hint' }, 'Every request Herald made, with what the endpoint answered.'), attemptsBox));

  (async () => {
    try {
      await refresh();
    } catch (e) {
      if (e.status === 404) {
        fill(view, title(`Subscription ${id}`), notice('error', 'There is no such subscription among yours.'),
          h('p', {}, h('a', { href: '#/' }, 'Back to your subscriptions')));
        return;
      }
      fill(summary, notice('error', e.message));
    }
    if (!stopped) {
      timer = setTimeout(poll, settings.pollIntervalMillis);
    }
  })();

  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

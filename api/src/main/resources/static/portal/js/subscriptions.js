// The list of the subscriber's subscriptions, and the form that creates one.

import { h, fill, title, notice, badge, table, announce } from './dom.js';
import { api, ApiError, SUBSCRIPTIONS } from './api.js';

/** Where a subscription's events go, as the API names its channel (webhook, web-push, sms, …). */
export function channelOf(subscription) {
  return subscription.channel || 'webhook';
}

export async function renderList(view) {
  fill(view, title('Your subscriptions'), h('p', {}, 'Loading…'));
  let list;
  try {
    list = await api('GET', SUBSCRIPTIONS);
  } catch (e) {
    fill(view, title('Your subscriptions'), notice('error', e.message));
    return;
  }
  const rows = list.subscriptions.map((s) => [
    h('a', { href: `#/subscriptions/${s.id}` }, `Subscription ${s.id}`),
    channelOf(s),
    h('span', { class: 'mono' }, s.endPoint),
    s.resourceFilter ?? '–',
    s.typeFilter ?? 'any',
    s.subjectFilter ?? 'any',
    badge(s.status),
  ]);
  fill(view,
    title('Your subscriptions'),
    h('p', { class: 'actions' }, h('a', { href: '#/new', id: 'create-link' }, 'Create a subscription')),
    rows.length === 0
      ? h('p', { id: 'no-subscriptions' }, 'You have no subscriptions yet.')
      : table('subscriptions', `${list.count} subscription${list.count === 1 ? '' : 's'}`,
        ['Subscription', 'Channel', 'Endpoint', 'Resource', 'Type', 'Subject', 'Status'], rows));
}

const FILTERS = [
  ['resourceFilter', 'Resource', 'Required. The resource whose events you want, an absolute URI: an app\'s is urn:altinn:resource:app_{org}_{app}, e.g. urn:altinn:resource:app_ttd_demo.', true],
  ['typeFilter', 'Event type (optional)', 'A type, e.g. app.instance.created, or a prefix ending in *, e.g. app.instance.process.* for every type that starts so. Empty: every type.'],
  ['subjectFilter', 'Subject (optional)', 'Only events about this subject, e.g. /party/50001. Empty: every subject you may read.'],
];

const MORE_FILTERS = [
  ['alternativeSubjectFilter', 'Alternative subject (optional)', 'E.g. /person/01017012345 or /org/910011154.'],
  ['sourceFilter', 'Source prefix (optional)', 'The start of the events\' source, an absolute URI, e.g. https://ttd.apps.example/ttd/demo.'],
];

function textField([member, label, hint, required]) {
  const id = `f-${member}`;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('p', { class: 'hint', id: `${id}-hint` }, hint),
    h('input', { id, name: member, type: 'text', autocomplete: 'off', spellcheck: 'false', required: required ? true : null,
      'aria-describedby': `${id}-hint ${id}-error` }),
    h('p', { class: 'field-error', id: `${id}-error` }));
}

function check(member, label, hint) {
  const id = `f-${member}`;
  return h('div', { class: 'field' },
    h('input', { id, name: member, type: 'checkbox', 'aria-describedby': `${id}-hint` }), ' ',
    h('label', { for: id, class: 'choice' }, label),
    h('p', { class: 'hint', id: `${id}-hint` }, hint),
    h('p', { class: 'field-error', id: `${id}-error` }));
}

/** The create form; {@code created} gets the new subscription (with its secret, shown once). */
export function renderCreate(view, created) {
  const summary = h('div', { id: 'create-errors', tabindex: '-1' });
  const webhook = h('div', { id: 'webhook-fields' },
    textField(['endPoint', 'Endpoint URL', 'Where Herald posts the events: an https URL (http only where this Herald allows it). Herald first sends it a validation event, which it must answer with a 2xx.', true]));
  const webPush = h('div', { id: 'web-push-fields', hidden: true },
    h('div', { class: 'field' },
      h('label', { for: 'f-pushSubscription' }, 'Push subscription'),
      h('p', { class: 'hint', id: 'f-pushSubscription-hint' }, 'The device\'s PushSubscription as JSON (what pushSubscription.toJSON() gives: endpoint and keys p256dh and auth).'),
      h('textarea', { id: 'f-pushSubscription', name: 'pushSubscription', spellcheck: 'false', 'aria-describedby': 'f-pushSubscription-hint f-pushSubscription-error' }),
      h('p', { class: 'field-error', id: 'f-pushSubscription-error' })));
  const sms = h('div', { id: 'sms-fields', hidden: true },
    h('div', { class: 'field' },
      h('label', { for: 'f-phoneNumber' }, 'Phone number'),
      h('p', { class: 'hint', id: 'f-phoneNumber-hint' }, 'In international (E.164) form: +, the country code and the number, digits only, e.g. +4791234567. Herald texts a 6-digit code to it; the subscription starts once you enter that code on its page. Only your own events are texted: sign in as the person or organisation whose events they are.'),
      h('input', { id: 'f-phoneNumber', name: 'phoneNumber', type: 'tel', autocomplete: 'tel', spellcheck: 'false',
        'aria-describedby': 'f-phoneNumber-hint f-phoneNumber-error' }),
      h('p', { class: 'field-error', id: 'f-phoneNumber-error' })));
  const channel = (value, label) => h('span', {},
    h('input', { type: 'radio', name: 'channel', id: `channel-${value}`, value, checked: value === 'webhook' ? true : null,
      onchange: () => { webhook.hidden = value !== 'webhook'; webPush.hidden = value !== 'web-push'; sms.hidden = value !== 'sms'; } }),
    ' ', h('label', { for: `channel-${value}`, class: 'choice' }, label));

  const form = h('form', { id: 'create-form', novalidate: true },
    summary,
    h('fieldset', {}, h('legend', {}, 'Channel: how the events reach you'),
      channel('webhook', 'Webhook (an HTTPS endpoint)'), channel('web-push', 'Web Push (a browser or phone)'),
      channel('sms', 'SMS (a text to your phone)')),
    webhook, webPush, sms,
    h('fieldset', {}, h('legend', {}, 'Which events'),
      FILTERS.map(textField),
      h('details', {}, h('summary', {}, 'More filters'), MORE_FILTERS.map(textField),
        check('includeSubunits', 'Include subunits', 'With an alternative subject /org/{number}: its subunits\' events too.'))),
    h('fieldset', {}, h('legend', {}, 'How they are sent'),
      check('orderedDelivery', 'Ordered delivery', 'One at a time, in the order they were published (slower; a failing event holds back the rest).'),
      h('div', { class: 'field' },
        h('label', { for: 'f-pushContentType' }, 'Content type'),
        h('select', { id: 'f-pushContentType', name: 'pushContentType' },
          h('option', { value: 'application/cloudevents+json' }, 'application/cloudevents+json (default)'),
          h('option', { value: 'application/json' }, 'application/json (for receivers that read only that)')))),
    h('p', { class: 'actions' }, h('button', { type: 'submit', id: 'create-submit' }, 'Create subscription'),
      h('a', { href: '#/' }, 'Cancel')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const element of form.querySelectorAll('[aria-invalid]')) {
      element.removeAttribute('aria-invalid');
    }
    for (const element of form.querySelectorAll('.field-error')) {
      element.textContent = '';
    }
    fill(summary);
    const body = {};
    const isPush = document.getElementById('channel-web-push').checked;
    const isSms = document.getElementById('channel-sms').checked;
    const problems = [];
    if (isSms) {
      body.channel = 'sms';
      body.phoneNumber = document.getElementById('f-phoneNumber').value.trim();
    } else if (isPush) {
      try {
        body.pushSubscription = JSON.parse(document.getElementById('f-pushSubscription').value);
      } catch {
        problems.push({ field: 'pushSubscription', message: 'must be the PushSubscription as JSON' });
      }
    } else {
      body.endPoint = document.getElementById('f-endPoint').value.trim();
    }
    for (const [member] of [...FILTERS, ...MORE_FILTERS]) {
      const value = document.getElementById(`f-${member}`).value.trim();
      if (value) {
        body[member] = value;
      }
    }
    // a number gets only its owner's own events: Herald refuses includeSubunits for SMS, so it is sent only when asked for
    if (!isSms || document.getElementById('f-includeSubunits').checked) {
      body.includeSubunits = document.getElementById('f-includeSubunits').checked;
    }
    body.orderedDelivery = document.getElementById('f-orderedDelivery').checked;
    body.pushContentType = document.getElementById('f-pushContentType').value;
    if (problems.length === 0) {
      try {
        const subscription = await api('POST', SUBSCRIPTIONS, body);
        announce(`Subscription ${subscription.id} created`);
        created(subscription);
        return;
      } catch (e) {
        if (!(e instanceof ApiError) || e.errors.length === 0) {
          fill(summary, notice('error', e.message));
          summary.focus();
          return;
        }
        problems.push(...e.errors);
      }
    }
    for (const problem of problems) {
      const member = String(problem.field || '').split('.')[0];
      const input = document.getElementById(`f-${member}`);
      const error = document.getElementById(`f-${member}-error`);
      if (input && error) {
        input.setAttribute('aria-invalid', 'true');
        error.textContent = `${problem.message}`;
      }
    }
    fill(summary, notice('error', h('p', {}, 'The subscription was not created:'),
      h('ul', {}, problems.map((p) => h('li', {}, `${p.field || 'request'} ${p.message}`)))));
    summary.focus();
  });

  fill(view, title('Create a subscription'),
    h('p', {}, 'Herald matches every new event you may read against these filters and sends each match once, signed with the subscription\'s secret.'),
    form);
}

// Small helpers to build the page from data without ever parsing it as markup:
// whatever an endpoint or a filter says is shown as text.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the element's content. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** Says something to screen reader users without moving their focus. */
export function announce(text) {
  const announcer = document.getElementById('announcer');
  announcer.textContent = '';
  // a change a moment later is read out even when the same words come twice
  setTimeout(() => { announcer.textContent = text; }, 50);
}

/** An API time (RFC 3339, UTC) as "2026-12-06 07:59:01 UTC", or a dash. */
export function time(value) {
  if (!value) {
    return '–';
  }
  return value.replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC');
}

const TONES = {
  active: 'good', delivered: 'good', 'pending-validation': 'warn', pending: 'warn', paused: 'warn',
  disabled: 'bad', dead: 'bad',
};

/** A status as a coloured badge; the word itself carries the meaning, the colour only repeats it. */
export function badge(status) {
  return h('span', { class: 'badge ' + (TONES[status] || '') }, status ?? '–');
}

/** A heading that takes focus after navigation, so screen readers start at the new view. */
export function title(text) {
  return h('h1', { tabindex: '-1' }, text);
}

export function notice(kind, ...children) {
  return h('div', { class: 'notice ' + kind, role: kind === 'error' ? 'alert' : null }, ...children);
}

/** A table with a caption and column headers; rows are arrays of cells (text or nodes). */
export function table(id, caption, headers, rows) {
  return h('div', { class: 'table-wrap' },
    h('table', { id },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((header) => h('th', { scope: 'col' }, header)))),
      h('tbody', {}, rows.map((row) => h('tr', {}, row.map((cell) => cell instanceof Node && cell.tagName === 'TD'
        ? cell : h('td', {}, cell)))))));
}

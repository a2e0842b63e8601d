// Building the page: elements with createElement, text as text nodes, never HTML.
let idCounter = 0;

/** Creates an element. Attributes go through setAttribute (never style or on*); children
 *  are nodes or strings (strings become text nodes). null/false attributes are left out. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      const lower = name.toLowerCase();
      if (lower === 'style' || lower.startsWith('on')) {
        throw new Error('el(): attribute not allowed: ' + name);
      }
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** An id no other element has: `prefix-1`, `prefix-2`, ... */
export function uid(prefix) {
  idCounter += 1;
  return prefix + '-' + idCounter;
}

export function button(text, { primary = false, type = 'button', id = null } = {}) {
  return el('button', { type, id, class: primary ? 'button' : 'button button--secondary' }, text);
}

export function actions(...buttons) {
  return el('div', { class: 'actions' }, ...buttons);
}

export function addDescribedBy(node, id) {
  const ids = (node.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  if (!ids.includes(id)) ids.push(id);
  node.setAttribute('aria-describedby', ids.join(' '));
}

export function removeDescribedBy(node, id) {
  const ids = (node.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== id);
  if (ids.length) node.setAttribute('aria-describedby', ids.join(' '));
  else node.removeAttribute('aria-describedby');
}

/**
 * Runs an action that waits for the Rust side, one at a time: while it runs, `buttons`
 * are disabled and another press does nothing, so a double click never sends twice.
 * `busy.running()` says whether one is running.
 */
export function oneAtATime() {
  let running = false;
  async function busy(buttons, action) {
    if (running) return undefined;
    running = true;
    for (const b of buttons) b.disabled = true;
    try {
      return await action();
    } finally {
      running = false;
      for (const b of buttons) b.disabled = false;
    }
  }
  busy.running = () => running;
  return busy;
}

// PSI Feedback: the web UI.
//
// Plain DOM, no framework. Each screen is a small function that builds its content with
// `el()` and hands it to `showScreen()`, which swaps the content of <main>, sets the page
// title and moves focus to the screen's <h1>. All text from the Rust side (team names,
// comments, ...) goes into the page as text nodes only, never as HTML.
'use strict';

(function () {
  const THANKS_TIMEOUT_MS = 20000;
  // The parts of each language's words, as in src-tauri/locale.rs.
  const LOCALE_PARTS = ['common', 'user', 'questionnaire', 'young', 'staff', 'errors'];
  // Text size steps (the root font size, in % of the browser's own) for data-text-size.
  const TEXT_SIZES = [0, 1, 2, 3];

  const state = {
    configured: false,
    staffUnlocked: false,
    questionnaire: null,
    context: null,
    // The session details chosen on the hand-over screen: { team, session_type, role } ids.
    session: null,
    // Increases on every screen change, so late answers for an old screen are ignored.
    screen: 0,
    thanksTimer: null,
    overviewPeriod: 'month',
    kiosk: false,
    // Responses the Rust side holds because they could not be saved.
    unsaved: 0,
    timeouts: { questionnaireIdleSeconds: 120, warningSeconds: 30, staffIdleSeconds: 300 },
    problem: null,
  };

  // Words: every language's keys and texts, the language of the device (chosen by staff at
  // hand-over) and the language on screen now (which the person may change).
  const words = { byLanguage: {}, languages: [], device: 'en', current: 'en' };
  // How the screen looks for the person using it now; back to these for the next person.
  const DEFAULT_DISPLAY = Object.freeze({ size: 0, contrast: 'standard' });
  const display = { ...DEFAULT_DISPLAY };

  let screenEl = null;
  let statusEl = null;
  let noticeEl = null;
  let statusTimer = null;
  let idCounter = 0;

  // ---------------------------------------------------------------------------------------
  // Words

  /** Reads every language's locale files (ui/locales/<language>/<part>.json). */
  async function loadWords() {
    const read = async (path) => {
      const reply = await fetch(path);
      if (!reply.ok) throw new Error(path + ': ' + reply.status);
      return reply.json();
    };
    const languages = await read('locales/languages.json');
    for (const code of languages) {
      const all = {};
      for (const part of LOCALE_PARTS) Object.assign(all, await read('locales/' + code + '/' + part + '.json'));
      words.byLanguage[code] = all;
    }
    words.languages = languages;
  }

  function fill(template, args) {
    if (!args) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name) => (
      Object.prototype.hasOwnProperty.call(args, name) ? String(args[name]) : whole));
  }

  /** The text of `key` in the language on screen, with `{name}` placeholders filled from
   *  `args`. A key missing there falls back to English, then to the key itself (a test
   *  checks that every language has every key, so neither happens in a release). */
  function t(key, args) {
    const here = words.byLanguage[words.current] || {};
    const english = words.byLanguage.en || {};
    const template = here[key] !== undefined ? here[key] : (english[key] !== undefined ? english[key] : key);
    return fill(template, args);
  }

  /** A text that depends on a number: `key.one`, `key.few`, `key.other`, ... by the
   *  language's own plural rules; `{n}` is the number. */
  function tn(key, n, args) {
    const category = new Intl.PluralRules(words.current).select(n);
    const here = words.byLanguage[words.current] || {};
    const chosen = here[key + '.' + category] !== undefined ? key + '.' + category : key + '.other';
    return t(chosen, { n, ...(args || {}) });
  }

  /** A questionnaire text: the young-person version (`yp.`) or the adult one (`q.`). */
  function tq(key, args) {
    const young = state.session && state.session.version === 'young';
    return t((young ? 'yp.' : 'q.') + key, args);
  }

  /** Whether there are words for `key` (English has every key; so, in a release, has
   *  every other language). */
  function hasWord(key) {
    return (words.byLanguage.en || {})[key] !== undefined;
  }

  /** Puts a language on screen: words, the page language and its direction. */
  function setLanguage(code) {
    words.current = words.byLanguage[code] ? code : 'en';
    document.documentElement.lang = words.current;
    document.getElementById('app-name').textContent = t('app.name');
    document.documentElement.dir = t('locale.dir') === 'rtl' ? 'rtl' : 'ltr';
  }

  /** Text size and colours, as chosen on the start screen (reset by resetDisplay()). */
  function applyDisplay() {
    document.documentElement.dataset.textSize = String(display.size);
    document.documentElement.dataset.contrast = display.contrast;
  }

  /** The next person starts with the device's language, standard text and colours. */
  function resetDisplay() {
    Object.assign(display, DEFAULT_DISPLAY);
    applyDisplay();
    setLanguage(words.device);
  }

  // ---------------------------------------------------------------------------------------
  // Small helpers

  /** Creates an element. Attributes go through setAttribute (never style or on*); children
   *  are nodes or strings (strings become text nodes). null/false attributes are left out. */
  function el(tag, attrs, ...children) {
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

  function uid(prefix) {
    idCounter += 1;
    return prefix + '-' + idCounter;
  }

  function button(text, { primary = false, type = 'button', id = null } = {}) {
    return el('button', { type, id, class: primary ? 'button' : 'button button--secondary' }, text);
  }

  /** Splits a textarea's value into trimmed, non-empty lines. */
  function lines(text) {
    return text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  }

  /** "2026-03" -> "March 2026"; anything else is shown as it is. */
  function monthName(value) {
    const m = /^(\d{4})-(\d{2})$/.exec(String(value || ''));
    if (!m) return String(value || '');
    const index = Number(m[2]) - 1;
    return index >= 0 && index < 12 ? t('month.with_year', { month: t('month.' + (index + 1)), year: m[1] }) : String(value);
  }

  /** The previous calendar month as YYYY-MM. */
  function previousMonth() {
    const now = new Date();
    let year = now.getFullYear();
    let month = now.getMonth(); // 0-based current month = 1-based previous month
    if (month === 0) {
      year -= 1;
      month = 12;
    }
    return year + '-' + String(month).padStart(2, '0');
  }

  function addDescribedBy(node, id) {
    const ids = (node.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    if (!ids.includes(id)) ids.push(id);
    node.setAttribute('aria-describedby', ids.join(' '));
  }

  function removeDescribedBy(node, id) {
    const ids = (node.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== id);
    if (ids.length) node.setAttribute('aria-describedby', ids.join(' '));
    else node.removeAttribute('aria-describedby');
  }

  // ---------------------------------------------------------------------------------------
  // Talking to the Rust side

  /** A message from the Rust side in the language on screen: its key and arguments,
   *  or its English text if the key is unknown here. */
  function translated(source) {
    const key = source && typeof source.key === 'string' ? source.key : '';
    const here = words.byLanguage[words.current] || {};
    const args = source && source.args && typeof source.args === 'object' ? { ...source.args } : {};
    // The question an answer belongs to, in the words the person saw.
    if (typeof args.item === 'string' && args.question !== undefined) args.question = tq('item.' + args.item);
    if (key && here[key] !== undefined) return t(key, args);
    if (key && here[key + '.other'] !== undefined && /^\d+$/.test(String(args.n))) {
      return tn(key, Number(args.n), args);
    }
    return source && typeof source.message === 'string' ? source.message : '';
  }

  function normaliseError(error) {
    if (error && typeof error === 'object' && typeof error.message === 'string' && error.message) {
      return {
        kind: typeof error.kind === 'string' ? error.kind : 'storage',
        message: translated(error) || error.message,
        field: typeof error.field === 'string' ? error.field : null,
      };
    }
    if (typeof error === 'string' && error) {
      return { kind: 'storage', message: error, field: null };
    }
    return { kind: 'storage', message: t('error.generic'), field: null };
  }

  async function call(command, args) {
    const tauri = window.__TAURI__;
    if (!tauri || !tauri.core || typeof tauri.core.invoke !== 'function') {
      throw normaliseError(t('app.only_in_app'));
    }
    try {
      return await tauri.core.invoke(command, args);
    } catch (error) {
      throw normaliseError(error);
    }
  }

  /** For staff commands: if the staff area has locked, go to the unlock screen. */
  function handleLocked(error) {
    if (error && error.kind === 'locked') {
      state.staffUnlocked = false;
      showStaffUnlock(t('staff.locked_relock'));
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------
  // Screens, status messages and errors

  /** Replaces the screen content. Returns a token that changes with the next screen. */
  function showScreen(heading, children, { wide = false } = {}) {
    state.screen += 1;
    clearTimeout(state.thanksTimer);
    state.thanksTimer = null;
    watchIdle(null);
    announce('');
    const h1 = el('h1', { tabindex: '-1' }, heading);
    screenEl.replaceChildren(h1, ...children.flat(Infinity).filter((c) => c instanceof Node));
    document.body.classList.toggle('wide', wide);
    document.title = t('app.title', { heading, app: t('app.name') });
    window.scrollTo(0, 0);
    h1.focus();
    return state.screen;
  }

  /**
   * Shows a message above the screen and puts it in the role="status" live region
   * (empty string clears both). The visible copy is set at once, in the same frame as
   * the screen it belongs to, so nothing moves under a finger after the screen appears;
   * only the hidden live region waits.
   */
  function announce(message, { visible = true } = {}) {
    clearTimeout(statusTimer);
    statusEl.textContent = '';
    if (visible || !message) {
      noticeEl.textContent = message;
      noticeEl.hidden = !message;
    }
    if (message) {
      // A short pause, so screen readers notice the change even for a repeated message.
      statusTimer = setTimeout(() => {
        statusEl.textContent = message;
      }, 100);
    }
  }

  function errorSlot() {
    return el('div', { class: 'error-slot' });
  }

  function focusField(target) {
    const box = target.closest('.question, .field, fieldset') || target;
    box.scrollIntoView({ block: 'start' });
    target.focus({ preventScroll: true });
  }

  function clearErrors(scope, slot) {
    if (slot) slot.replaceChildren();
    for (const message of scope.querySelectorAll('.error-message')) {
      for (const node of scope.querySelectorAll('[aria-describedby~="' + message.id + '"]')) {
        removeDescribedBy(node, message.id);
      }
      message.remove();
    }
    for (const node of scope.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
    for (const node of scope.querySelectorAll('.has-error')) node.classList.remove('has-error');
  }

  /** Shows a message next to the field or question it is about. */
  function markInvalid(target, message) {
    const id = uid('error');
    const text = el('p', { class: 'error-message', id }, el('span', { class: 'visually-hidden' }, t('error.prefix') + ' '), message);
    const group = target.type === 'radio' ? target.closest('fieldset') : null;
    if (group) {
      const legend = group.querySelector('legend');
      if (legend) legend.after(text);
      else group.prepend(text);
      addDescribedBy(group, id);
      (group.closest('.question') || group).classList.add('has-error');
    } else {
      target.before(text);
      addDescribedBy(target, id);
      target.setAttribute('aria-invalid', 'true');
      const field = target.closest('.field');
      if (field) field.classList.add('has-error');
    }
  }

  /**
   * The GOV.UK error summary: a box at the top of the form with a list of links, each
   * moving focus to the field concerned. errors: [{ message, target: element|null }].
   */
  function showErrors(scope, slot, errors, { focus = true } = {}) {
    clearErrors(scope, slot);
    const list = el('ul', { class: 'error-summary__list' });
    const marked = new Set();
    for (const error of errors) {
      const target = error.target || null;
      if (target && target.id) {
        const link = el('a', { href: '#' + target.id }, error.message);
        link.addEventListener('click', (event) => {
          event.preventDefault();
          focusField(target);
        });
        list.append(el('li', null, link));
        if (!marked.has(target)) {
          marked.add(target);
          markInvalid(target, error.message);
        }
      } else {
        list.append(el('li', null, error.message));
      }
    }
    const titleId = uid('error-summary-title');
    const summary = el('div', {
      class: 'error-summary',
      role: 'alert',
      tabindex: '-1',
      'aria-labelledby': titleId,
    }, el('h2', { class: 'error-summary__title', id: titleId }, t('error.summary_title')), list);
    slot.append(summary);
    if (focus) {
      summary.scrollIntoView({ block: 'start' });
      summary.focus({ preventScroll: true });
    }
    return summary;
  }

  /** Keys that would reload the page or go back: a reload clears the screen, and the
   *  window keeps no history, but neither should happen by accident mid-questionnaire. */
  function isNavigationKey(event) {
    const key = event.key;
    const ctrl = event.ctrlKey || event.metaKey;
    if (key === 'F5' || key === 'BrowserBack' || key === 'BrowserForward' || key === 'BrowserRefresh') return true;
    if (ctrl && (key === 'r' || key === 'R')) return true;
    if (event.altKey && (key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Home')) return true;
    const target = event.target;
    const editable = target instanceof HTMLElement
      && (target.isContentEditable || target.matches('input:not([type="radio"]):not([type="checkbox"]), textarea'));
    return key === 'Backspace' && !editable;
  }

  /** Stops the Enter key on a radio button from sending the whole form. */
  function onKeyDown(event) {
    if (isNavigationKey(event)) {
      event.preventDefault();
      return;
    }
    const target = event.target;
    if (event.key === 'Enter' && target instanceof HTMLInputElement && target.type === 'radio') {
      event.preventDefault();
      if (!target.checked) {
        target.checked = true;
        target.dispatchEvent(new Event('change', { bubbles: true }));
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Form building blocks

  function hintFor(control, text) {
    const id = control.id + '-hint';
    addDescribedBy(control, id);
    return el('p', { class: 'hint', id }, text);
  }

  function textField(id, label, { type = 'text', hint = null, value = '', autocomplete = 'off', className = '' } = {}) {
    const input = el('input', {
      type, id, name: id, autocomplete, spellcheck: 'false',
      class: 'input ' + className, value: value || null,
    });
    const wrap = el('div', { class: 'field' }, el('label', { for: id, class: 'label' }, label),
      hint ? hintFor(input, hint) : null, input);
    return { wrap, input };
  }

  function textAreaField(id, label, value, { hint = null, rows = 5 } = {}) {
    const input = el('textarea', { id, name: id, rows, class: 'textarea', spellcheck: 'true' }, value || '');
    const wrap = el('div', { class: 'field' }, el('label', { for: id, class: 'label' }, label),
      hint ? hintFor(input, hint) : null, input);
    return { wrap, input };
  }

  /** A select of { value, text } options; placeholder is a first empty option if given. */
  function selectField(id, label, options, selected, placeholder) {
    const select = el('select', { id, name: id, class: 'select' });
    fillSelect(select, options, selected, placeholder);
    const wrap = el('div', { class: 'field' }, el('label', { for: id, class: 'label' }, label), select);
    return { wrap, select };
  }

  function fillSelect(select, options, selected, placeholder) {
    const found = options.some((o) => String(o.value) === String(selected));
    select.replaceChildren();
    if (placeholder !== null && placeholder !== undefined) {
      select.append(el('option', { value: '' }, placeholder));
    }
    for (const o of options) select.append(el('option', { value: String(o.value) }, o.text));
    select.value = found ? String(selected) : '';
  }

  function radioOption(id, name, value, label, { checked = false, className = '' } = {}) {
    const input = el('input', {
      type: 'radio', id, name, value: String(value), class: 'option__input', checked: checked,
    });
    const text = el('label', { for: id, class: 'option__label' }, label);
    return el('div', { class: ('option ' + className).trim() }, input, text);
  }

  function radioGroup({ legend, name, idPrefix, options, checked, inline = false }) {
    const box = el('div', { class: inline ? 'options options--inline' : 'options' });
    for (const o of options) {
      box.append(radioOption(idPrefix + '-' + o.value, name, o.value, o.label, {
        checked: String(o.value) === String(checked),
      }));
    }
    return el('fieldset', { class: 'radio-group' }, el('legend', { class: 'radio-group__legend' }, legend), box);
  }

  function checkedValue(scope, name) {
    for (const input of scope.querySelectorAll('input[type="radio"]')) {
      if (input.name === name && input.checked) return input.value;
    }
    return null;
  }

  function actions(...buttons) {
    return el('div', { class: 'actions' }, ...buttons);
  }

  /** The three name lists of Setup and Settings. */
  function listFields(prefix, values, hints) {
    return {
      teams: textAreaField(prefix + '-teams', t('setup.lists.teams'), values.teams.join('\n'),
        { rows: 4, hint: hints ? t('setup.lists.teams_hint') : null }),
      sessionTypes: textAreaField(prefix + '-session-types', t('setup.lists.session_types'),
        values.session_types.join('\n'), { rows: 6 }),
      roles: textAreaField(prefix + '-roles', t('setup.lists.roles'), values.roles.join('\n'), { rows: 8 }),
    };
  }

  function validateLists(fields) {
    const lists = {
      teams: lines(fields.teams.input.value),
      session_types: lines(fields.sessionTypes.input.value),
      roles: lines(fields.roles.input.value),
    };
    const errors = [];
    if (!lists.teams.length) errors.push({ target: fields.teams.input, message: t('setup.lists.enter_team') });
    if (!lists.session_types.length) {
      errors.push({ target: fields.sessionTypes.input, message: t('setup.lists.enter_session_type') });
    }
    if (!lists.roles.length) {
      errors.push({ target: fields.roles.input, message: t('setup.lists.enter_role') });
    }
    return { lists, errors };
  }

  function byName(list) {
    return (list || []).map((x) => ({ value: x.id, text: x.name }));
  }

  function findById(list, value) {
    return (list || []).find((x) => String(x.id) === String(value)) || null;
  }

  // ---------------------------------------------------------------------------------------
  // Start-up

  function applyAppState(appState) {
    state.configured = Boolean(appState && appState.configured);
    state.staffUnlocked = Boolean(appState && appState.staffUnlocked);
    state.questionnaire = (appState && appState.questionnaire) || null;
    state.context = (appState && appState.context) || null;
    state.kiosk = Boolean(appState && appState.kiosk);
    state.unsaved = Number(appState && appState.unsaved) || 0;
    if (appState && appState.timeouts) state.timeouts = appState.timeouts;
    state.problem = (appState && appState.problem) || null;
  }

  async function loadAppState(message) {
    let appState;
    try {
      appState = await call('app_state');
    } catch (error) {
      showStartError(error);
      return;
    }
    applyAppState(appState);
    if (state.problem) showProblem(state.problem);
    else if (!state.configured) showSetup(message);
    else showHandOver(message);
  }

  function showStartError(error) {
    const retry = button(t('action.try_again'), { primary: true });
    retry.addEventListener('click', () => loadAppState());
    showScreen(t('start_error.heading'), [
      el('p', null, t('start_error.lead')),
      el('p', { class: 'error-text' }, error.message),
      el('p', null, t('start_error.ask')),
      actions(retry),
    ]);
  }

  // ---------------------------------------------------------------------------------------
  // A. Setup

  function showSetup(message) {
    const slot = errorSlot();
    const pass = textField('setup-passphrase', t('setup.passphrase'), {
      type: 'password', autocomplete: 'new-password', className: 'input--medium',
      hint: t('setup.passphrase_hint'),
    });
    const again = textField('setup-passphrase-again', t('setup.passphrase_again'), {
      type: 'password', autocomplete: 'new-password', className: 'input--medium',
    });
    // Suggested lists, one name a line, in the device's language; staff can change them.
    const lists = listFields('setup', {
      teams: [],
      session_types: lines(t('setup.default_session_types')),
      roles: lines(t('setup.default_roles')),
    }, true);
    const save = button(t('setup.save'), { primary: true, type: 'submit' });
    const form = el('form', { novalidate: true, autocomplete: 'off' },
      slot, pass.wrap, again.wrap, lists.teams.wrap, lists.sessionTypes.wrap, lists.roles.wrap, actions(save));
    const fieldTargets = {
      passphrase: pass.input,
      passphrase_again: again.input,
      teams: lists.teams.input,
      session_types: lists.sessionTypes.input,
      roles: lists.roles.input,
    };

    let saving = false;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (saving) return;
      const passphrase = pass.input.value;
      const errors = [];
      if (!passphrase) {
        errors.push({ target: pass.input, message: t('setup.enter_passphrase') });
      } else if (Array.from(passphrase).length < 8) {
        errors.push({ target: pass.input, message: t('setup.passphrase_too_short') });
      } else if (passphrase !== again.input.value) {
        errors.push({ target: again.input, message: t('setup.passphrases_differ') });
      }
      const checked = validateLists(lists);
      errors.push(...checked.errors);
      if (errors.length) {
        showErrors(form, slot, errors);
        return;
      }
      saving = true;
      save.disabled = true;
      try {
        await call('setup', { setup: { passphrase, ...checked.lists } });
      } catch (error) {
        saving = false;
        save.disabled = false;
        if (error.kind === 'already_configured') {
          await loadAppState(error.message);
          return;
        }
        showErrors(form, slot, [{ target: fieldTargets[error.field] || null, message: error.message }]);
        return;
      }
      await loadAppState(t('setup.done'));
    });

    showScreen(t('setup.heading'), [
      el('p', null, t('setup.lead')),
      el('p', null, t('setup.lists_lead')),
      form,
    ]);
    if (message) announce(message);
  }

  // ---------------------------------------------------------------------------------------
  // B. Hand-over

  /** The hand-over screen, for staff and the next person. `message` may be a function,
   *  so that it is said in the device's language, not the last person's. */
  function showHandOver(message) {
    resetDisplay();
    if (typeof message === 'function') message = message();
    const context = state.context || { teams: [], session_types: [], roles: [], defaults: {} };
    const defaults = context.defaults || {};
    const slot = errorSlot();

    // Radio groups rather than drop-downs: every choice visible, one tap, large targets.
    function choice(id, label, list, selected) {
      const options = (list || []).map((x) => ({ value: x.id, label: x.name }));
      const group = radioGroup({ legend: label, name: id, idPrefix: id, options, checked: selected });
      return { wrap: group, group, value: () => checkedValue(group, id), first: () => group.querySelector('input') };
    }
    const team = choice('handover-team', t('handover.team'), context.teams, defaults.team);
    const sessionType = choice('handover-session-type', t('handover.session_type'), context.session_types,
      defaults.session_type);
    const role = choice('handover-role', t('handover.role'), context.roles, defaults.role);
    const version = radioGroup({
      legend: t('handover.version'), name: 'handover-version', idPrefix: 'handover-version', inline: true,
      options: [
        { value: 'adult', label: t('handover.version.adult') },
        { value: 'young', label: t('handover.version.young') },
      ],
      checked: 'adult',
    });
    const language = languageGroup('handover-language', t('handover.language'), words.device);

    const start = button(t('handover.start'), { primary: true, type: 'submit' });
    const staff = button(t('action.staff_area'));
    const form = el('form', { novalidate: true, autocomplete: 'off' },
      slot, team.wrap, sessionType.wrap, role.wrap, version, language, actions(start, staff));

    staff.addEventListener('click', () => {
      if (state.staffUnlocked) showStaffArea();
      else showStaffUnlock();
    });

    let starting = false;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (starting) return;
      const chosen = {
        team: findById(context.teams, team.value()),
        session_type: findById(context.session_types, sessionType.value()),
        role: findById(context.roles, role.value()),
      };
      const errors = [];
      if (!chosen.team) errors.push({ target: team.first(), message: t('handover.choose_team') });
      if (!chosen.session_type) {
        errors.push({ target: sessionType.first(), message: t('handover.choose_session_type') });
      }
      if (!chosen.role) errors.push({ target: role.first(), message: t('handover.choose_role') });
      if (errors.length) {
        showErrors(form, slot, errors);
        return;
      }
      // The person gets the device next: make sure the staff area is locked first.
      starting = true;
      start.disabled = true;
      try {
        await call('lock_staff');
      } catch (error) {
        starting = false;
        start.disabled = false;
        showErrors(form, slot, [{ target: null, message: error.message }]);
        return;
      }
      state.staffUnlocked = false;
      state.session = {
        team: chosen.team.id,
        session_type: chosen.session_type.id,
        role: chosen.role.id,
        // Only for the window: the stored response is the same whichever version or
        // language was used, so summaries combine and exports stay in one language.
        version: checkedValue(version, 'handover-version') === 'young' ? 'young' : 'adult',
      };
      setLanguage(checkedValue(language, 'handover-language') || words.device);
      showIntro();
    });

    const unsavedNote = state.unsaved > 0
      ? el('div', { class: 'warning-box' },
        el('h2', { class: 'warning-box__title' }, t('handover.unsaved_title')),
        el('p', null, tn('handover.unsaved', state.unsaved)))
      : null;
    showScreen(t('handover.heading'), [
      unsavedNote,
      el('p', null, t('handover.lead')),
      form,
    ]);
    if (message) announce(message);
  }

  // ---------------------------------------------------------------------------------------
  // C. Intro

  /** A choice of language: each name in its own language, marked as such for screen
   *  readers, with a note where a translation still awaits a native speaker's review. */
  function languageGroup(idPrefix, legend, checked) {
    const box = el('div', { class: 'options options--inline' });
    for (const code of words.languages) {
      const own = words.byLanguage[code] || {};
      const option = radioOption(idPrefix + '-' + code, idPrefix, code, own['locale.name'] || code, {
        checked: code === checked,
      });
      option.querySelector('label').setAttribute('lang', code);
      box.append(option);
    }
    // Said in the language on screen, and in the language concerned if that differs.
    const notes = words.languages
      .filter((code) => (words.byLanguage[code] || {})['locale.review_note'])
      .map((code) => {
        const own = words.byLanguage[code];
        return el('p', { class: 'hint' }, t('language.awaiting_review', { language: own['locale.name'] }),
          code === words.current ? null : [' ', el('span', { lang: code }, own['locale.review_note'])]);
      });
    return el('fieldset', { class: 'radio-group' }, el('legend', { class: 'radio-group__legend' }, legend), notes, box);
  }

  /** Language, text size and colours, on the first screen the person sees. Each change
   *  applies at once; everything goes back to the defaults for the next person. */
  function displayChoices(onLanguage) {
    const language = languageGroup('display-language', t('display.language'), words.current);
    const size = radioGroup({
      legend: t('display.text_size'), name: 'display-size', idPrefix: 'display-size', inline: true,
      options: TEXT_SIZES.map((n) => ({ value: n, label: t('display.size.' + n) })),
      checked: display.size,
    });
    const colours = radioGroup({
      legend: t('display.colours'), name: 'display-colours', idPrefix: 'display-colours', inline: true,
      options: [
        { value: 'standard', label: t('display.colours.standard') },
        { value: 'high', label: t('display.colours.high') },
      ],
      checked: display.contrast,
    });
    language.addEventListener('change', (event) => onLanguage(event.target.value, event.target.id));
    size.addEventListener('change', (event) => {
      const n = Number(event.target.value);
      display.size = TEXT_SIZES.includes(n) ? n : 0;
      applyDisplay();
    });
    colours.addEventListener('change', (event) => {
      display.contrast = event.target.value === 'high' ? 'high' : 'standard';
      applyDisplay();
    });
    const headingId = uid('display-title');
    return el('section', { class: 'display-choices', 'aria-labelledby': headingId },
      el('h2', { id: headingId, class: 'display-choices__title' }, t('display.title')), language, size, colours);
  }

  function showIntro(focusId) {
    const q = state.questionnaire;
    if (!q || !state.session) {
      showHandOver();
      return;
    }
    const start = button(t('intro.start'), { primary: true });
    start.addEventListener('click', showQuestionnaire);
    const intro = ['about', 'anonymous', 'stays', 'comments', 'skip'].map((key) => el('p', null, tq('intro.' + key)));
    showScreen(tq('heading.intro'), [
      el('div', { class: 'intro' }, intro),
      actions(start),
      displayChoices((code, id) => {
        setLanguage(code);
        showIntro(id);
      }),
    ]);
    // After a change of language the screen is rebuilt in it; focus stays on the choice.
    const keep = focusId ? document.getElementById(focusId) : null;
    if (keep) keep.focus();
    watchIdle('questionnaire', () => { state.session = null; });
  }

  // ---------------------------------------------------------------------------------------
  // D. Questionnaire

  /** One question: a fieldset of native radios. In the young-person version the ordered
   *  scales also show faces; the words stay in each label, so screen readers read them. */
  function questionBlock(item) {
    const young = state.session && state.session.version === 'young';
    const faces = young && item.kind === 'scale';
    const options = el('div', { class: faces ? 'options options--faces' : 'options' });
    for (const option of item.options || []) {
      const row = radioOption('q-' + item.id + '-' + option.code, item.id, option.code,
        tq('option.' + item.scale + '.' + option.id));
      if (faces) {
        const label = row.querySelector('label');
        label.prepend(el('img', { src: 'faces/face-' + option.code + '.svg', alt: '', class: 'face', width: 56, height: 56 }));
      }
      options.append(row);
    }
    options.append(radioOption('q-' + item.id + '-0', item.id, 0, tq('decline'), { className: 'option--decline' }));
    const fieldset = el('fieldset', { class: 'question__fieldset' },
      el('legend', { class: 'question__legend' }, tq('item.' + item.id)), options);
    return el('div', { class: 'question', id: 'question-' + item.id }, fieldset);
  }

  function commentField(q) {
    const max = Number(q.comment_max_chars) || 2000;
    const nearLimit = Math.min(200, Math.floor(max / 10));
    const textarea = el('textarea', {
      id: 'comment', name: 'comment', rows: 6, maxlength: max, class: 'textarea',
      'aria-describedby': 'comment-hint comment-count',
    });
    const count = el('p', { id: 'comment-count', class: 'char-count', hidden: true });
    textarea.addEventListener('input', () => {
      const left = max - textarea.value.length;
      if (left <= nearLimit) {
        count.textContent = tn('questionnaire.characters_left', Math.max(left, 0));
        count.hidden = false;
      } else {
        count.textContent = '';
        count.hidden = true;
      }
    });
    const wrap = el('div', { class: 'field field--comment' },
      el('label', { for: 'comment', class: 'label label--question' }, tq('comment.prompt')),
      el('p', { class: 'hint', id: 'comment-hint' }, tq('comment.hint')),
      textarea, count);
    return { wrap, textarea };
  }

  function leaveQuestionnaire(form) {
    form.reset();
    form.remove();
    state.session = null;
  }

  function showQuestionnaire() {
    const q = state.questionnaire;
    const session = state.session;
    if (!q || !session) {
      showHandOver();
      return;
    }
    const slot = errorSlot();
    const sections = (q.sections || []).map((section) => el('div', { class: 'q-section' },
      el('h2', { class: 'q-section__title' }, tq('section.' + section.id)),
      (section.items || []).map((item) => questionBlock(item))));
    const comment = commentField(q);
    const send = button(t('questionnaire.send'), { primary: true, type: 'submit' });
    const cancel = button(t('questionnaire.cancel'));
    const cancelWarning = el('p', { class: 'cancel-warning', id: 'cancel-warning', hidden: true });
    const form = el('form', { id: 'questionnaire', novalidate: true, autocomplete: 'off' },
      slot, sections, comment.wrap, actions(send, cancel), cancelWarning);

    let cancelArmed = false;
    let saving = false;

    function disarmCancel() {
      if (!cancelArmed) return;
      cancelArmed = false;
      cancel.textContent = t('questionnaire.cancel');
      cancelWarning.textContent = '';
      cancelWarning.hidden = true;
      removeDescribedBy(cancel, cancelWarning.id);
      announce('', { visible: false });
    }

    form.addEventListener('change', disarmCancel);
    comment.textarea.addEventListener('input', disarmCancel);

    cancel.addEventListener('click', () => {
      if (saving) return;
      if (!cancelArmed) {
        cancelArmed = true;
        const text = t('questionnaire.cancel_warning');
        cancel.textContent = t('questionnaire.cancel_confirm');
        cancelWarning.textContent = text;
        cancelWarning.hidden = false;
        addDescribedBy(cancel, cancelWarning.id);
        announce(text, { visible: false });
        return;
      }
      leaveQuestionnaire(form);
      showHandOver(() => t('handover.cleared'));
    });

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (saving) return;
      disarmCancel();
      const answers = {};
      for (const input of form.querySelectorAll('input[type="radio"]')) {
        if (input.checked) answers[input.name] = Number(input.value);
      }
      const text = comment.textarea.value.trim();
      const response = {
        team: session.team,
        session_type: session.session_type,
        role: session.role,
        answers,
        comment: text ? text : null,
      };
      saving = true;
      send.disabled = true;
      cancel.disabled = true;
      // No idle reset while the answers are on their way: the reply decides what next.
      watchIdle(null);
      try {
        await call('submit_response', { response });
      } catch (error) {
        if (error.kind === 'not_saved') {
          // The Rust side keeps the answers until staff save them or discard them; the
          // page keeps nothing, so the next person cannot see them.
          leaveQuestionnaire(form);
          state.unsaved += 1;
          showNotSaved();
          return;
        }
        saving = false;
        send.disabled = false;
        cancel.disabled = false;
        watchIdle('questionnaire', () => leaveQuestionnaire(form));
        let target = null;
        if (error.field === 'comment') {
          target = comment.textarea;
        } else if (error.field) {
          const question = form.querySelector('#question-' + CSS.escape(error.field));
          target = question ? question.querySelector('input[type="radio"]') : null;
        }
        // The answers stay on screen: nothing is lost until staff deal with it.
        const message = error.kind === 'storage' ? t('questionnaire.not_saved') : error.message;
        showErrors(form, slot, [{ target, message }]);
        return;
      }
      // Nothing of this person's answers may stay in the page.
      leaveQuestionnaire(form);
      showThanks();
    });

    showScreen(tq('heading.questions'), [
      el('p', { class: 'hint hint--lead' }, tq('lead')),
      form,
    ]);
    watchIdle('questionnaire', () => leaveQuestionnaire(form));
  }

  // ---------------------------------------------------------------------------------------
  // E. Thanks

  function showThanks() {
    const finish = button(t('thanks.finish'), { primary: true });
    finish.addEventListener('click', () => showHandOver());
    showScreen(t('thanks.heading'), [
      el('p', { class: 'thanks' }, tq('thanks')),
      el('p', { class: 'hint' }, t('thanks.closes', { time: waitText(THANKS_TIMEOUT_MS / 1000) })),
      actions(finish),
    ]);
    state.thanksTimer = setTimeout(() => showHandOver(), THANKS_TIMEOUT_MS);
  }

  // ---------------------------------------------------------------------------------------
  // F. Staff unlock

  /**
   * A staff passphrase field with a submit button and a second button (`other`). On
   * submit the field is emptied and `send(passphrase)` is called; an error it throws is
   * shown in the error summary, and the form can be sent again.
   */
  function passphraseForm({ id, submit, other, send }) {
    const slot = errorSlot();
    const pass = textField(id, t('staff.passphrase'), { type: 'password', className: 'input--medium' });
    const ok = button(submit, { primary: true, type: 'submit' });
    const second = button(other);
    const form = el('form', { novalidate: true, autocomplete: 'off' }, slot, pass.wrap, actions(ok, second));
    let busy = false;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (busy) return;
      const passphrase = pass.input.value;
      pass.input.value = '';
      if (!passphrase) {
        showErrors(form, slot, [{ target: pass.input, message: t('staff.enter_passphrase') }]);
        return;
      }
      busy = true;
      ok.disabled = true;
      try {
        await send(passphrase);
      } catch (error) {
        showErrors(form, slot, [{ target: pass.input, message: error.message }]);
      } finally {
        busy = false;
        ok.disabled = false;
      }
    });
    return { form, input: pass.input, other: second };
  }

  function showStaffUnlock(message) {
    resetDisplay();
    const { form, other: back } = passphraseForm({
      id: 'unlock-passphrase',
      submit: t('unlock.unlock'),
      other: t('action.back'),
      send: async (passphrase) => {
        try {
          await call('unlock_staff', { passphrase });
        } catch (error) {
          if (error.kind !== 'not_configured') throw error;
          await loadAppState(error.message);
          return;
        }
        state.staffUnlocked = true;
        showStaffArea(t('unlock.unlocked'));
      },
    });
    back.addEventListener('click', () => showHandOver());

    showScreen(t('unlock.heading'), [
      el('p', null, t('unlock.lead')),
      form,
    ]);
    if (message) announce(message);
  }

  // ---------------------------------------------------------------------------------------
  // G. Staff area

  function staffSection(id, title, ...children) {
    const headingId = 'staff-' + id + '-heading';
    // tabindex -1: the links of staffNav() move focus to the heading.
    return el('section', { class: 'staff-section', id: 'staff-' + id, 'aria-labelledby': headingId },
      el('h2', { id: headingId, tabindex: '-1' }, title), ...children);
  }

  /** Links to each section of the staff area, so nobody has to scroll past every comment. */
  function staffNav(sections) {
    const items = sections.map((section) => {
      const heading = section.querySelector('h2');
      const link = el('a', { href: '#' + heading.id }, heading.textContent);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        heading.scrollIntoView({ block: 'start' });
        heading.focus({ preventScroll: true });
      });
      return el('li', null, link);
    });
    return el('nav', { class: 'staff-nav', 'aria-labelledby': 'staff-nav-heading' },
      el('h2', { id: 'staff-nav-heading', class: 'staff-nav__title' }, t('staff.on_this_page')),
      el('ul', { class: 'staff-nav__list' }, items));
  }

  function showStaffArea(message) {
    resetDisplay();
    const lock = button(t('staff.lock'));
    const summary = summarySection();
    const comments = commentsSection();
    const history = historySection();
    const exporter = exportSection({
      onSaved: () => {
        history.load(state.screen);
        if (audit) audit.load(state.screen);
      },
    });
    const settings = settingsSection();

    let locking = false;
    lock.addEventListener('click', async () => {
      if (locking) return;
      locking = true;
      lock.disabled = true;
      try {
        await call('lock_staff');
      } catch (error) {
        locking = false;
        lock.disabled = false;
        announce(error.message);
        return;
      }
      state.staffUnlocked = false;
      showHandOver(() => t('staff.locked'));
    });

    const audit = auditSection();
    const safety = safetySection(() => audit.load(state.screen));
    const sections = [summary.section, comments.section, exporter.section, history.section, settings.section,
      safety.section, audit.section];
    const token = showScreen(t('staff.heading'), [
      el('div', { class: 'actions actions--top' }, lock),
      staffNav(sections),
      sections,
    ], { wide: true });
    watchIdle('staff');
    if (message) announce(message);
    safety.load(token);
    audit.load(token);
    summary.load(token);
    comments.load(token);
    history.load(token);
    settings.load(token);
  }

  // Summary -------------------------------------------------------------------------------

  /**
   * A captioned table in its own scrolling box: a wide (or, with `tall`, long) table
   * scrolls there, keyboard too, and the page never scrolls sideways.
   */
  function scrollingTable(caption, headers, rows, { tall = false } = {}) {
    const captionId = uid('table-caption');
    const head = el('tr', null, headers.map((h) => el('th', { scope: 'col' }, h)));
    const table = el('table', { class: 'table' },
      el('caption', { id: captionId }, caption), el('thead', null, head), el('tbody', null, rows));
    return el('div', {
      class: tall ? 'table-wrap table-wrap--tall' : 'table-wrap',
      role: 'region', 'aria-labelledby': captionId, tabindex: '0',
    }, table);
  }

  function summaryTable(data, period) {
    const caption = period === 'quarter' ? t('summary.caption.quarter') : t('summary.caption.month');
    const rows = (data.rows || []).map((row) => el('tr', null, row.map((cell, index) => {
      const isObject = cell !== null && typeof cell === 'object';
      const text = isObject ? String(cell.text === null || cell.text === undefined ? '' : cell.text)
        : String(cell === null || cell === undefined ? '' : cell);
      const withheld = isObject && Boolean(cell.withheld);
      const attrs = index === 0 ? { scope: 'row' } : {};
      if (withheld) attrs.class = 'withheld';
      const content = withheld
        ? [el('span', { class: 'withheld__text' }, t('export.withheld')),
          isObject && cell.reason ? el('span', { class: 'withheld__reason' }, cell.reason) : null]
        : [text];
      return el(index === 0 ? 'th' : 'td', attrs, content);
    })));
    const headers = (data.columns || []).map((id) => t('summary.column.' + id));
    return scrollingTable(caption, headers, rows);
  }

  function summarySection() {
    const slot = errorSlot();
    const total = el('p', { class: 'total' }, t('summary.loading'));
    const teams = el('div', { class: 'team-counts' });
    const periods = radioGroup({
      legend: t('summary.periods'), name: 'overview-period', idPrefix: 'overview-period', inline: true,
      options: [{ value: 'month', label: t('summary.by_month') }, { value: 'quarter', label: t('summary.by_quarter') }],
      checked: state.overviewPeriod,
    });
    const tableBox = el('div', { class: 'table-box' });
    const section = staffSection('summary', t('summary.title'), slot, total, teams, periods, tableBox);
    let request = 0;
    let token = 0;

    async function load(screenToken) {
      if (screenToken) token = screenToken;
      request += 1;
      const mine = request;
      const period = state.overviewPeriod;
      tableBox.setAttribute('aria-busy', 'true');
      let data;
      try {
        data = await call('staff_overview', { period });
      } catch (error) {
        if (token !== state.screen || mine !== request) return;
        if (handleLocked(error)) return;
        tableBox.removeAttribute('aria-busy');
        showErrors(section, slot, [{ target: null, message: error.message }], { focus: false });
        return;
      }
      if (token !== state.screen || mine !== request) return;
      tableBox.removeAttribute('aria-busy');
      clearErrors(section, slot);
      const n = Number(data.total_responses) || 0;
      total.textContent = tn('summary.total', n);
      const teamList = data.teams || [];
      teams.replaceChildren(...(teamList.length ? [
        el('h3', { class: 'small-heading' }, t('summary.by_team')),
        el('ul', { class: 'plain-list' }, teamList.map((count) => el('li', null,
          tn('summary.team_responses', Number(count.responses) || 0, { team: count.team })))),
      ] : []));
      tableBox.replaceChildren(
        (data.rows || []).length ? summaryTable(data, period) : el('p', null, t('summary.nothing_yet')),
        el('p', { class: 'note' }, t('summary.note')),
      );
    }

    periods.addEventListener('change', () => {
      state.overviewPeriod = checkedValue(periods, 'overview-period') || 'month';
      load();
    });
    return { section, load };
  }

  // Comments ------------------------------------------------------------------------------

  function commentsSection() {
    const slot = errorSlot();
    const box = el('div', { class: 'comments-box' }, el('p', null, t('comments.loading')));
    const section = staffSection('comments', t('comments.title'), slot,
      el('p', { class: 'note' }, t('comments.note')), box);

    async function load(token) {
      let comments;
      try {
        comments = await call('staff_comments');
      } catch (error) {
        if (token !== state.screen) return;
        if (handleLocked(error)) return;
        box.replaceChildren();
        showErrors(section, slot, [{ target: null, message: error.message }], { focus: false });
        return;
      }
      if (token !== state.screen) return;
      if (!Array.isArray(comments) || comments.length === 0) {
        box.replaceChildren(el('p', null, t('comments.none')));
        return;
      }
      box.replaceChildren(el('ul', { class: 'comments' }, comments.map((c) => el('li', { class: 'comment' },
        el('p', { class: 'comment__meta' }, t('comments.meta', { team: String(c.team || ''), month: monthName(c.month) })),
        el('p', { class: 'comment__text' }, String(c.comment || ''))))));
    }
    return { section, load };
  }

  // Export --------------------------------------------------------------------------------

  /** What an export is broken down by (the form's choice or a stored release's id). */
  function breakdownText(id) {
    const key = 'export.breakdown.' + (id === 'attending_choice' ? 'choice' : id);
    return hasWord(key) ? t(key) : String(id || '');
  }

  /** The value cell of a preview row: withheld values say so in words, with the reason. */
  function valueCell(value) {
    const v = value && typeof value === 'object' ? value : { text: value, withheld: false, reason: null };
    const text = String(v.text === null || v.text === undefined ? '' : v.text);
    if (!v.withheld) return el('td', null, text);
    return el('td', { class: 'withheld' },
      el('span', { class: 'withheld__text' }, t('export.withheld')),
      v.reason ? el('span', { class: 'withheld__reason' }, String(v.reason)) : null);
  }

  /** A measure of an export, by id: a PSI dimension's score, an item, or "responses". */
  function measureText(id) {
    for (const key of ['q.score.' + id, 'q.item.' + id, 'export.measure.' + id]) {
      if (hasWord(key)) return t(key);
    }
    return String(id);
  }

  /** The answer scale of a measure: an item's own, or a dimension's items'. */
  function measureScale(id) {
    for (const section of (state.questionnaire && state.questionnaire.sections) || []) {
      for (const item of section.items || []) {
        if (item.id === id || section.id === id) return item.scale;
      }
    }
    return null;
  }

  /** A preview row's statistic: "mean", "percent", ... or the count of one answer. */
  function statisticText(row) {
    const option = row.option ? 'q.option.' + measureScale(row.measure) + '.' + row.option : null;
    if (row.statistic === 'count' && option && hasWord(option)) return t('export.option_count', { option: t(option) });
    const key = 'export.statistic.' + row.statistic;
    return hasWord(key) ? t(key) : String(row.statistic || '');
  }

  function previewTable(rows) {
    const headers = ['team', 'period', 'breakdown_value', 'measure', 'statistic', 'value']
      .map((column) => t('export.column.' + column));
    return scrollingTable(t('export.preview_caption'), headers, rows.map((row) => el('tr', null,
      el('th', { scope: 'row' }, String(row.team || '')),
      el('td', null, String(row.period || '')),
      el('td', null, row.breakdown_value === null || row.breakdown_value === undefined
        ? t('export.no_breakdown_value') : String(row.breakdown_value)),
      el('td', null, measureText(row.measure)),
      el('td', null, statisticText(row)),
      valueCell(row.value))), { tall: true });
  }

  function exportSection({ onSaved = null } = {}) {
    const slot = errorSlot();
    const month = previousMonth();
    const period = radioGroup({
      legend: t('export.period'), name: 'export-period', idPrefix: 'export-period', inline: true, checked: 'month',
      options: [{ value: 'month', label: t('export.period.months') }, { value: 'quarter', label: t('export.period.quarters') }],
    });
    const from = textField('export-from', t('export.from'), { value: month, className: 'input--month' });
    const to = textField('export-to', t('export.to'), { value: month, className: 'input--month' });
    const by = radioGroup({
      legend: t('export.breakdown'), name: 'export-by', idPrefix: 'export-by', checked: 'none',
      options: ['none', 'session_type', 'role', 'choice'].map((value) => ({ value, label: breakdownText(value) })),
    });
    const format = radioGroup({
      legend: t('export.format'), name: 'export-format', idPrefix: 'export-format', checked: 'csv',
      options: ['csv', 'json', 'html'].map((value) => ({ value, label: t('export.format.' + value) })),
    });
    const save = button(t('export.save'), { primary: true, type: 'submit' });
    const preview = button(t('export.preview'));
    const result = el('p', { class: 'result', hidden: true });
    const previewBox = el('div', { class: 'preview', hidden: true });
    const form = el('form', { novalidate: true, autocomplete: 'off' },
      slot, period, el('div', { class: 'field-row' }, from.wrap, to.wrap), by, format, actions(save, preview), result);
    const fieldTargets = {
      period: period.querySelector('input'),
      from: from.input,
      to: to.input,
      by: by.querySelector('input'),
      format: format.querySelector('input'),
    };
    const section = staffSection('export', t('export.title'),
      el('p', { class: 'note' }, t('export.note')),
      form, previewBox);

    function showResult(text) {
      result.textContent = text;
      result.hidden = false;
      announce(text, { visible: false });
    }

    /** The request the form describes, or null after showing what is wrong with it. */
    function readRequest() {
      const request = {
        period: checkedValue(period, 'export-period') || 'month',
        from: from.input.value.trim(),
        to: to.input.value.trim(),
        by: checkedValue(by, 'export-by') || 'none',
        format: checkedValue(format, 'export-format') || 'csv',
      };
      const valid = /^\d{4}-(0[1-9]|1[0-2])$/;
      const errors = [];
      if (!valid.test(request.from)) {
        errors.push({ target: from.input, message: t('export.enter_from', { example: month }) });
      }
      if (!valid.test(request.to)) {
        errors.push({ target: to.input, message: t('export.enter_to', { example: month }) });
      }
      if (!errors.length && request.from > request.to) {
        errors.push({ target: to.input, message: t('export.to_before_from') });
      }
      if (errors.length) {
        showErrors(form, slot, errors);
        return null;
      }
      clearErrors(form, slot);
      return request;
    }

    let busy = false;
    // Increases with each preview asked for and each change to the form, so a late
    // preview never shows under choices it was not made for.
    let previewRequest = 0;

    function setBusy(value) {
      busy = value;
      save.disabled = value;
      preview.disabled = value;
    }

    function showPreview(data) {
      const rows = Array.isArray(data.rows) ? data.rows : [];
      const groups = Number(data.groups) || 0;
      const withheld = Number(data.withheld) || 0;
      const total = Number(data.total_rows) || 0;
      const summary = t('export.preview_summary', {
        groups: tn('export.groups', groups),
        withheld: tn('export.values_withheld', withheld),
        rows: tn('export.rows', total),
      });
      const parts = [el('h3', null, t('export.preview_heading')), el('p', { class: 'preview__summary' }, summary)];
      const spoken = [summary];
      if (data.reissued) {
        const again = t('export.preview_reissued');
        parts.push(el('p', { class: 'preview__reissued' }, again));
        spoken.push(again);
      }
      if (rows.length && total > rows.length) {
        parts.push(el('p', { class: 'note' }, tn('export.preview_first_rows', total, { shown: rows.length })));
      }
      parts.push(rows.length ? previewTable(rows) : el('p', null, t('export.no_rows')));
      const notes = Array.isArray(data.notes) ? data.notes : [];
      if (notes.length) {
        parts.push(el('h4', { class: 'small-heading' }, t('export.notes_heading')),
          el('ul', { class: 'plain-list' }, notes.map((n) => el('li', null, String(n)))));
      }
      previewBox.replaceChildren(...parts);
      previewBox.hidden = false;
      announce(t('export.preview_ready', { details: spoken.join(' ') }), { visible: false });
    }

    form.addEventListener('input', forgetPreview);
    form.addEventListener('change', forgetPreview);

    function forgetPreview(event) {
      // The format changes only how the file is written, not what it holds.
      if (event && event.target && event.target.name === 'export-format') return;
      previewRequest += 1;
      if (previewBox.hidden || !previewBox.firstChild || previewBox.classList.contains('preview--stale')) return;
      previewBox.classList.add('preview--stale');
      previewBox.replaceChildren(el('p', { class: 'note' }, t('export.preview_stale')));
    }

    preview.addEventListener('click', async () => {
      if (busy) return;
      result.hidden = true;
      const request = readRequest();
      if (!request) return;
      previewRequest += 1;
      const mine = previewRequest;
      const token = state.screen;
      setBusy(true);
      previewBox.setAttribute('aria-busy', 'true');
      let data;
      try {
        data = await call('preview_export', { request });
      } catch (error) {
        setBusy(false);
        previewBox.removeAttribute('aria-busy');
        if (token !== state.screen) return;
        if (handleLocked(error)) return;
        showErrors(form, slot, [{ target: fieldTargets[error.field] || null, message: error.message }]);
        return;
      }
      setBusy(false);
      previewBox.removeAttribute('aria-busy');
      if (token !== state.screen || mine !== previewRequest) return;
      previewBox.classList.remove('preview--stale');
      showPreview(data || {});
    });

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (busy) return;
      result.hidden = true;
      const request = readRequest();
      if (!request) return;
      setBusy(true);
      let answer;
      try {
        answer = await call('export_file', { request });
      } catch (error) {
        setBusy(false);
        if (handleLocked(error)) return;
        showErrors(form, slot, [{ target: fieldTargets[error.field] || null, message: error.message }]);
        return;
      }
      setBusy(false);
      if (answer && answer.saved) {
        const groups = Number(answer.groups) || 0;
        const withheld = Number(answer.withheld) || 0;
        showResult(t(answer.reissued ? 'export.saved_reissued' : 'export.saved', {
          path: String(answer.path || ''),
          groups: tn('export.groups', groups),
          withheld: tn('export.values_withheld', withheld),
        }));
        if (onSaved) onSaved();
      } else {
        showResult(t('export.cancelled'));
      }
    });
    return { section };
  }

  // Release history -----------------------------------------------------------------------

  /** "2026-03-05T14:07:00Z" -> "5 March 2026, 14:07" in the device's time zone. */
  function localDateTime(value) {
    const date = new Date(String(value || ''));
    if (Number.isNaN(date.getTime())) return String(value || '');
    const month = date.getFullYear() + '-' + String(date.getMonth() + 1).padStart(2, '0');
    return t('staff.date_time', {
      day: date.getDate(),
      month: monthName(month),
      time: String(date.getHours()).padStart(2, '0') + ':' + String(date.getMinutes()).padStart(2, '0'),
    });
  }

  function periodsText(entry) {
    const kind = entry.period_kind === 'quarter' ? 'quarters' : 'months';
    const first = String(entry.first_month || '');
    const last = String(entry.last_month || '');
    return first === last
      ? t('history.periods.single.' + kind, { first })
      : t('history.periods.range.' + kind, { first, last });
  }

  function historyTable(entries) {
    const headers = ['number', 'saved', 'periods', 'breakdown', 'groups', 'withheld']
      .map((column) => t('history.column.' + column));
    return scrollingTable(t('history.caption'), headers, entries.map((e) => el('tr', null,
      el('th', { scope: 'row' }, String(e.number)),
      el('td', null, el('time', { datetime: String(e.released_at || '') }, localDateTime(e.released_at))),
      el('td', null, periodsText(e)),
      el('td', null, breakdownText(e.breakdown)),
      el('td', { class: 'number' }, String(Number(e.groups) || 0)),
      el('td', { class: 'number' }, String(Number(e.withheld) || 0)))));
  }

  /** A staff section showing a list loaded with `command`: `render(entries)` when
   *  there are some, else the `empty` sentence. */
  function listSection({ id, title, note, loading, command, render, empty }) {
    const slot = errorSlot();
    const box = el('div', { class: id + '-box' }, el('p', null, loading));
    const section = staffSection(id, title, slot, el('p', { class: 'note' }, note), box);
    let request = 0;

    async function load(token) {
      request += 1;
      const mine = request;
      box.setAttribute('aria-busy', 'true');
      let entries;
      try {
        entries = await call(command);
      } catch (error) {
        if (token !== state.screen || mine !== request) return;
        if (handleLocked(error)) return;
        box.removeAttribute('aria-busy');
        box.replaceChildren();
        showErrors(section, slot, [{ target: null, message: error.message }], { focus: false });
        return;
      }
      if (token !== state.screen || mine !== request) return;
      box.removeAttribute('aria-busy');
      clearErrors(section, slot);
      box.replaceChildren(Array.isArray(entries) && entries.length ? render(entries) : el('p', null, empty));
    }
    return { section, load };
  }

  function historySection() {
    return listSection({
      id: 'history',
      title: t('history.title'),
      note: t('history.note'),
      loading: t('history.loading'),
      command: 'release_history',
      render: historyTable,
      empty: t('history.empty'),
    });
  }

  // Anonymity settings --------------------------------------------------------------------

  // Each rule's words are anonymity.rule.<key>.label, .hint and .error.
  const RULE_FIELDS = [
    { key: 'group_floor', max: 1000 },
    { key: 'rounding_base', max: 100 },
    { key: 'min_possible_values', max: 7 },
  ];

  function ruleText(field, part, args) {
    return t('anonymity.rule.' + field.key + '.' + part, args);
  }
  const MAX_STAFF = 10000;

  /** label: text, or an array of text and nodes. */
  function numberField(id, label, value, { min, max, hint = null }) {
    const input = el('input', {
      type: 'number', id, name: id, inputmode: 'numeric', min, max, step: 1, autocomplete: 'off',
      class: 'input input--number', value: String(value),
    });
    const wrap = el('div', { class: 'field' }, el('label', { for: id, class: 'label' }, ...[label].flat()),
      hint ? hintFor(input, hint) : null, input);
    return { wrap, input };
  }

  /** The input's whole number if it is one from min to max, or null. */
  function wholeNumber(input, min, max) {
    const text = input.value.trim();
    if ((input.validity && input.validity.badInput) || !/^\d{1,7}$/.test(text)) return null;
    const n = Number(text);
    return n >= min && n <= max ? n : null;
  }

  /** The anonymity settings form: the rules (stricter only) and the staff in each role. */
  function anonymityForm() {
    const slot = errorSlot();
    const headingId = 'anonymity-heading';
    const body = el('div', { class: 'anonymity-box' }, el('p', null, t('anonymity.loading')));
    const form = el('form', { novalidate: true, autocomplete: 'off', 'aria-labelledby': headingId },
      el('h3', { id: headingId, class: 'form-heading' }, t('anonymity.title')), slot, body);
    // Filled in by render().
    let current = null;
    let ruleInputs = {};
    let staffInputs = [];
    let save = null;
    let result = null;
    let warning = null;
    let armed = false;
    let busy = false;
    let request = 0;

    function disarm() {
      if (!armed) return;
      armed = false;
      save.textContent = t('anonymity.save');
      warning.textContent = '';
      warning.hidden = true;
      removeDescribedBy(save, warning.id);
    }

    /** Builds the inputs for `data`; `keep` holds values typed before (see load()). */
    function render(data, keep) {
      const rules = (data && data.rules) || {};
      current = {
        group_floor: Number(rules.group_floor) || 0,
        rounding_base: Number(rules.rounding_base) || 0,
        min_possible_values: Number(rules.min_possible_values) || 0,
      };
      const kept = (key, value) => (keep && keep.has(key) ? keep.get(key) : value);
      ruleInputs = {};
      const ruleFields = RULE_FIELDS.map((f) => {
        const min = current[f.key];
        const id = 'anonymity-' + f.key.replace(/_/g, '-');
        const field = numberField(id, ruleText(f, 'label'), kept(f.key, min), {
          min, max: f.max, hint: ruleText(f, 'hint', { min, max: f.max }),
        });
        ruleInputs[f.key] = field.input;
        return field.wrap;
      });
      const rulesSet = el('fieldset', { class: 'fieldset' },
        el('legend', { class: 'fieldset__legend' }, t('anonymity.rules_legend')), ruleFields);

      const context = state.context || { teams: [], roles: [] };
      const counts = new Map();
      for (const c of (data && data.staff_counts) || []) {
        counts.set(String(c.team) + '\u0000' + String(c.role), Number(c.staff) || 0);
      }
      staffInputs = [];
      const hint = el('p', { class: 'hint', id: 'anonymity-staff-hint' }, t('anonymity.staff_hint'));
      // The team shows once above its roles; each label still names both ("North: Nurse"),
      // the team's part for screen readers only.
      const [beforeRole, afterRole = ''] = t('anonymity.staff_label').split('{role}');
      const teams = (context.teams || []).map((team, teamIndex) => el('div', { class: 'staff-team' },
        el('h4', { class: 'small-heading' }, team.name),
        el('div', { class: 'number-grid' }, (context.roles || []).map((role, r) => {
          const key = String(team.name) + '\u0000' + String(role.name);
          const id = 'anonymity-staff-' + teamIndex + '-' + r;
          const known = counts.has(key);
          const hidden = (text) => (text ? el('span', { class: 'visually-hidden' }, fill(text, { team: team.name })) : null);
          const label = [hidden(beforeRole), role.name, hidden(afterRole)].filter(Boolean);
          const field = numberField(id, label, kept(key, known ? counts.get(key) : 0), { min: 0, max: MAX_STAFF });
          staffInputs.push({ team: team.name, role: role.name, input: field.input, known });
          return field.wrap;
        }))));
      const staffSet = el('fieldset', { class: 'fieldset', 'aria-describedby': hint.id },
        el('legend', { class: 'fieldset__legend' }, t('anonymity.staff_legend')), hint,
        staffInputs.length ? teams : el('p', null, t('anonymity.add_lists_first')));

      save = button(t('anonymity.save'), { primary: true, type: 'submit' });
      warning = el('p', { class: 'cancel-warning', id: 'anonymity-warning', hidden: true });
      result = el('p', { class: 'result', hidden: true });
      armed = false;
      body.replaceChildren(rulesSet, staffSet, warning, actions(save), result);
    }

    async function load(token, { keep = false } = {}) {
      request += 1;
      const mine = request;
      // Keyed by rule and by team and role names, which stay put when the lists change.
      const typed = new Map();
      if (keep) {
        for (const [key, input] of Object.entries(ruleInputs)) typed.set(key, input.value);
        for (const s of staffInputs) typed.set(String(s.team) + '\u0000' + String(s.role), s.input.value);
      }
      body.setAttribute('aria-busy', 'true');
      let data;
      try {
        data = await call('disclosure_settings');
      } catch (error) {
        if (token !== state.screen || mine !== request) return;
        if (handleLocked(error)) return;
        body.removeAttribute('aria-busy');
        if (!current) body.replaceChildren(); // nothing loaded yet: no form to show
        showErrors(form, slot, [{ target: null, message: error.message }], { focus: false });
        return;
      }
      if (token !== state.screen || mine !== request) return;
      body.removeAttribute('aria-busy');
      clearErrors(form, slot);
      render(data, keep ? typed : null);
    }

    form.addEventListener('input', () => disarm());
    form.addEventListener('change', () => disarm());

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (busy || !current) return;
      result.hidden = true;
      const errors = [];
      const rules = {};
      for (const f of RULE_FIELDS) {
        const min = current[f.key];
        const n = wholeNumber(ruleInputs[f.key], min, f.max);
        if (n === null) {
          errors.push({
            target: ruleInputs[f.key],
            message: ruleText(f, 'error', { min, max: f.max }),
          });
        }
        rules[f.key] = n;
      }
      const sent = [];
      const staffCounts = [];
      for (const s of staffInputs) {
        const n = wholeNumber(s.input, 0, MAX_STAFF);
        if (n === null) {
          errors.push({
            target: s.input,
            message: t('anonymity.staff_error', { max: MAX_STAFF, team: s.team, role: s.role }),
          });
        } else if (s.known || n !== 0) {
          // A pair never filled in and left at 0 stays unrecorded, as it was.
          sent.push(s.input);
          staffCounts.push({ team: s.team, role: s.role, staff: n });
        }
      }
      if (errors.length) {
        disarm();
        showErrors(form, slot, errors);
        return;
      }
      clearErrors(form, slot);

      // Stricter rules cannot be undone: say what changes and ask for a second press.
      const raised = RULE_FIELDS.filter((f) => rules[f.key] > current[f.key]);
      if (raised.length && !armed) {
        armed = true;
        const changes = raised.map((f) => t('anonymity.stricter_change', {
          rule: ruleText(f, 'label'), from: current[f.key], to: rules[f.key],
        }));
        const text = t('anonymity.stricter_warning', { changes: changes.join(' ') });
        save.textContent = t('anonymity.stricter_confirm');
        warning.textContent = text;
        warning.hidden = false;
        addDescribedBy(save, warning.id);
        // Enter may have been pressed far above: bring the warning and its button to view.
        warning.scrollIntoView({ block: 'center' });
        save.focus({ preventScroll: true });
        announce(text, { visible: false });
        return;
      }

      const settings = { rules, staff_counts: staffCounts };
      busy = true;
      save.disabled = true;
      let saved;
      try {
        saved = await call('update_disclosure_settings', { settings });
      } catch (error) {
        busy = false;
        save.disabled = false;
        disarm();
        if (handleLocked(error)) return;
        let target = null;
        const field = error.field || '';
        const m = /^staff_counts\[(\d+)\]$/.exec(field);
        if (m) target = sent[Number(m[1])] || null;
        else if (Object.prototype.hasOwnProperty.call(ruleInputs, field)) target = ruleInputs[field];
        showErrors(form, slot, [{ target, message: error.message }]);
        return;
      }
      busy = false;
      render(saved, null);
      save.focus({ preventScroll: true });
      result.textContent = t('anonymity.saved');
      result.hidden = false;
      announce(t('anonymity.saved'), { visible: false });
    });

    return { form, load };
  }

  // Settings ------------------------------------------------------------------------------

  function settingsSection() {
    const slot = errorSlot();
    const context = state.context || { teams: [], session_types: [], roles: [], defaults: {} };
    const names = (list) => (list || []).map((x) => x.name);
    const lists = listFields('settings', {
      teams: names(context.teams),
      session_types: names(context.session_types),
      roles: names(context.roles),
    }, false);

    const defaults = context.defaults || {};
    const nameOf = (list, id) => {
      const found = findById(list, id);
      return found ? found.name : '';
    };
    const asOptions = (values) => values.map((v) => ({ value: v, text: v }));
    const noDefault = t('settings.no_default');
    const defaultTeam = selectField('settings-default-team', t('settings.default_team'),
      asOptions(names(context.teams)), nameOf(context.teams, defaults.team), noDefault);
    const defaultSessionType = selectField('settings-default-session-type', t('settings.default_session_type'),
      asOptions(names(context.session_types)), nameOf(context.session_types, defaults.session_type), noDefault);
    const defaultRole = selectField('settings-default-role', t('settings.default_role'),
      asOptions(names(context.roles)), nameOf(context.roles, defaults.role), noDefault);

    // Keep each default's choices in step with its list while staff edit it.
    const pairs = [
      [lists.teams.input, defaultTeam.select],
      [lists.sessionTypes.input, defaultSessionType.select],
      [lists.roles.input, defaultRole.select],
    ];
    for (const [textarea, select] of pairs) {
      textarea.addEventListener('input', () => {
        fillSelect(select, asOptions(lines(textarea.value)), select.value, noDefault);
      });
    }

    const save = button(t('settings.save'), { primary: true, type: 'submit' });
    const result = el('p', { class: 'result', hidden: true });
    const form = el('form', { novalidate: true, autocomplete: 'off' },
      slot,
      el('p', { class: 'note' }, t('settings.note')),
      lists.teams.wrap, lists.sessionTypes.wrap, lists.roles.wrap,
      defaultTeam.wrap, defaultSessionType.wrap, defaultRole.wrap,
      actions(save), result);
    const anonymity = anonymityForm();
    const fieldTargets = {
      teams: lists.teams.input,
      session_types: lists.sessionTypes.input,
      roles: lists.roles.input,
      defaults: defaultTeam.select,
      team: defaultTeam.select,
      default_team: defaultTeam.select,
      'defaults.team': defaultTeam.select,
      session_type: defaultSessionType.select,
      default_session_type: defaultSessionType.select,
      'defaults.session_type': defaultSessionType.select,
      role: defaultRole.select,
      default_role: defaultRole.select,
      'defaults.role': defaultRole.select,
    };
    const section = staffSection('settings', t('settings.title'), form, anonymity.form);

    let busy = false;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (busy) return;
      result.hidden = true;
      const checked = validateLists(lists);
      if (checked.errors.length) {
        showErrors(form, slot, checked.errors);
        return;
      }
      const settings = {
        ...checked.lists,
        defaults: {
          team: defaultTeam.select.value || null,
          session_type: defaultSessionType.select.value || null,
          role: defaultRole.select.value || null,
        },
      };
      clearErrors(form, slot);
      busy = true;
      save.disabled = true;
      let newContext;
      try {
        newContext = await call('update_settings', { settings });
      } catch (error) {
        busy = false;
        save.disabled = false;
        if (handleLocked(error)) return;
        showErrors(form, slot, [{ target: fieldTargets[error.field] || null, message: error.message }]);
        return;
      }
      busy = false;
      save.disabled = false;
      if (newContext && typeof newContext === 'object') {
        state.context = newContext;
        const d = newContext.defaults || {};
        lists.teams.input.value = names(newContext.teams).join('\n');
        lists.sessionTypes.input.value = names(newContext.session_types).join('\n');
        lists.roles.input.value = names(newContext.roles).join('\n');
        fillSelect(defaultTeam.select, asOptions(names(newContext.teams)),
          nameOf(newContext.teams, d.team), noDefault);
        fillSelect(defaultSessionType.select, asOptions(names(newContext.session_types)),
          nameOf(newContext.session_types, d.session_type), noDefault);
        fillSelect(defaultRole.select, asOptions(names(newContext.roles)),
          nameOf(newContext.roles, d.role), noDefault);
      }
      result.textContent = t('settings.saved');
      result.hidden = false;
      announce(t('settings.saved'), { visible: false });
      // The staff counts follow the lists; what was typed there stays.
      anonymity.load(state.screen, { keep: true });
    });
    return { section, load: (token) => anonymity.load(token) };
  }

  // ---------------------------------------------------------------------------------------
  // H. Dialogs, idle time, and what happens when answers cannot be saved

  const dialogs = new Set();

  /** A modal dialog over the screen: focus goes to `first` and comes back on close. */
  function modal(title, children, first) {
    const titleId = uid('dialog-title');
    const dialog = el('dialog', { class: 'dialog', 'aria-labelledby': titleId },
      el('h2', { id: titleId, class: 'dialog__title' }, title), children);
    const back = document.activeElement;
    dialog.addEventListener('close', () => {
      dialogs.delete(dialog);
      dialog.remove();
      if (back instanceof HTMLElement && back.isConnected) back.focus();
    });
    document.body.append(dialog);
    dialogs.add(dialog);
    dialog.showModal();
    if (first) first.focus();
    return dialog;
  }

  function closeDialog(dialog) {
    if (dialog && dialog.open) dialog.close();
  }

  const idle = { mode: null, timer: null, onClear: null, dialog: null, lastPing: 0 };

  /** "30 seconds", "5 minutes". */
  function waitText(seconds) {
    const n = Number(seconds) || 0;
    return n >= 120 ? tn('time.minutes', Math.round(n / 60)) : tn('time.seconds', n);
  }

  /**
   * Watches for a person who has walked away. 'questionnaire': after a quiet spell,
   * "Are you still there?", then the answers are cleared (`onClear`) and the hand-over
   * screen comes back. 'staff': the staff area locks. null: nothing is watched.
   */
  function watchIdle(mode, onClear) {
    clearTimeout(idle.timer);
    idle.timer = null;
    // Only the idle warning: staff may be typing in the close dialog.
    closeDialog(idle.dialog);
    idle.dialog = null;
    idle.mode = mode;
    idle.onClear = onClear || null;
    idle.lastPing = Date.now();
    if (mode) restartIdleTimer();
  }

  function restartIdleTimer() {
    clearTimeout(idle.timer);
    const timeouts = state.timeouts;
    const staff = idle.mode === 'staff';
    const seconds = Number(staff ? timeouts.staffIdleSeconds : timeouts.questionnaireIdleSeconds) || 120;
    idle.timer = setTimeout(staff ? lockForIdle : showStillThere, seconds * 1000);
  }

  function onActivity() {
    if (!idle.mode || idle.dialog) return; // the warning needs its own answer
    restartIdleTimer();
    if (idle.mode === 'staff') {
      // The Rust side ends an unlock that has been quiet too long: tell it someone is here.
      const every = Math.min(30000, (Number(state.timeouts.staffIdleSeconds) || 300) * 500);
      if (Date.now() - idle.lastPing >= every) {
        idle.lastPing = Date.now();
        call('staff_activity').catch((error) => handleLocked(error));
      }
    }
  }

  async function lockForIdle() {
    idle.mode = null;
    try {
      await call('lock_staff');
    } catch (error) {
      // Locked on this side whatever the answer: the Rust side also expires it.
    }
    state.staffUnlocked = false;
    showHandOver(() => t('staff.locked_idle', { time: waitText(state.timeouts.staffIdleSeconds) }));
  }

  function showStillThere() {
    const token = state.screen;
    const yes = button(t('still_there.yes'), { primary: true });
    const clear = button(t('still_there.clear'));
    const textId = uid('still-there-text');
    const dialog = modal(t('still_there.title'), [
      el('div', { id: textId },
        el('p', null, t('still_there.closing', { time: waitText(state.timeouts.warningSeconds) })),
        el('p', null, t('still_there.carry_on_hint'))),
      actions(yes, clear),
    ], yes);
    dialog.setAttribute('aria-describedby', textId);
    idle.dialog = dialog;

    function clearNow(chosen) {
      if (token !== state.screen) return;
      const onClear = idle.onClear;
      idle.mode = null;
      idle.dialog = null;
      closeDialog(dialog);
      if (onClear) onClear();
      showHandOver(() => (chosen === true ? t('handover.cleared') : t('handover.cleared_idle')));
    }

    function carryOn() {
      if (token !== state.screen) return;
      idle.dialog = null;
      closeDialog(dialog);
      restartIdleTimer();
    }

    clearTimeout(idle.timer);
    idle.timer = setTimeout(clearNow, (Number(state.timeouts.warningSeconds) || 30) * 1000);
    yes.addEventListener('click', carryOn);
    clear.addEventListener('click', () => clearNow(true));
    // Escape means "still here", never "clear".
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      carryOn();
    });
  }

  function showNotSaved() {
    const retry = button(t('action.try_again'), { primary: true });
    const staff = button(t('action.staff_area'));
    const result = el('p', { class: 'result', hidden: true });
    let busy = false;
    retry.addEventListener('click', async () => {
      if (busy) return;
      busy = true;
      retry.disabled = true;
      let saved;
      try {
        saved = await call('retry_unsaved');
      } catch (error) {
        busy = false;
        retry.disabled = false;
        result.textContent = error.message;
        result.hidden = false;
        announce(error.message, { visible: false });
        return;
      }
      state.unsaved = 0;
      if (Number(saved) > 0) showThanks();
      else showHandOver();
    });
    staff.addEventListener('click', () => (state.staffUnlocked ? showStaffArea() : showStaffUnlock()));
    showScreen(t('not_saved.heading'), [
      el('p', null, t('not_saved.kept')),
      result,
      actions(retry, staff),
    ]);
  }

  /** The database cannot be used: tell staff what happened, where the file is, and
   *  how to put a backup in its place. Nothing else is possible until then. */
  function showProblem(problem) {
    const what = translated(problem) || String(problem.message || '');
    if (!problem.damaged) {
      showScreen(t('problem.busy.heading'), [
        el('p', null, t('problem.busy.lead')),
        el('p', { class: 'error-text' }, what),
        el('p', null, t('problem.busy.next')),
      ]);
      return;
    }
    showScreen(t('problem.damaged.heading'), [
      el('p', null, t('problem.damaged.lead')),
      el('h2', null, t('problem.damaged.what')),
      el('p', { class: 'error-text' }, what),
      el('h2', null, t('problem.damaged.where')),
      el('p', null, el('code', { class: 'path' }, String(problem.path || ''))),
      el('h2', null, t('problem.damaged.how')),
      el('ol', { class: 'steps' },
        el('li', null, t('problem.damaged.step_close')),
        el('li', null, t('problem.damaged.step_restore_before'), el('code', null, 'psi-feedback restore BACKUP-FILE'),
          t('problem.damaged.step_restore_after')),
        el('li', null, t('problem.damaged.step_open'))),
      el('p', null, t('problem.damaged.kept')),
    ]);
  }

  /** Kiosk mode: the window's close button asks for the staff passphrase first. */
  function showCloseDialog() {
    if (Array.from(dialogs).some((d) => d.classList.contains('dialog--close'))) return;
    const { form, input, other: cancel } = passphraseForm({
      id: uid('close-passphrase'),
      submit: t('close.close'),
      other: t('action.cancel'),
      // The app exits once the Rust side accepts the passphrase.
      send: (passphrase) => call('close_app', { passphrase }),
    });
    const why = state.kiosk ? t('close.why_kiosk') : t('close.why_unsaved');
    const dialog = modal(t('close.title'), [el('p', null, why), form], input);
    dialog.classList.add('dialog--close');
    cancel.addEventListener('click', () => closeDialog(dialog));
  }

  // Device safety (staff) ------------------------------------------------------------------

  function resultLine() {
    return el('p', { class: 'result', hidden: true });
  }

  function say(result, text) {
    result.textContent = text;
    result.hidden = !text;
    if (text) announce(text, { visible: false });
  }

  /** What staff must know about the data file (a log kept aside, damage found by the
   *  full check), in the words of the Rust side's keys. */
  function noticesPart(notices) {
    if (!Array.isArray(notices) || !notices.length) return null;
    return el('div', { class: 'safety-part warning-box' },
      el('h3', { class: 'warning-box__title' }, t('safety.notices.title')),
      notices.map((n) => el('p', null, translated(n))));
  }

  function unsavedPart(count, onChange) {
    if (!count) return null;
    const slot = errorSlot();
    const result = resultLine();
    const retry = button(t('safety.unsaved.retry'), { primary: true });
    const discard = button(t('safety.unsaved.discard'));
    const warning = el('p', { class: 'cancel-warning', id: uid('discard-warning'), hidden: true });
    const part = el('div', { class: 'safety-part warning-box' },
      el('h3', null, t('safety.unsaved.title')),
      el('p', null, tn('safety.unsaved.text', count)),
      slot, warning, actions(retry, discard), result);
    let armed = false;
    retry.addEventListener('click', async () => {
      try {
        const n = await call('retry_unsaved');
        state.unsaved = 0;
        say(result, tn('safety.unsaved.saved', Number(n) || 0));
        onChange();
      } catch (error) {
        if (handleLocked(error)) return;
        showErrors(part, slot, [{ target: null, message: error.message }]);
      }
    });
    discard.addEventListener('click', async () => {
      if (!armed) {
        armed = true;
        warning.textContent = t('safety.unsaved.discard_warning');
        warning.hidden = false;
        discard.textContent = t('safety.unsaved.discard_confirm');
        addDescribedBy(discard, warning.id);
        announce(warning.textContent, { visible: false });
        return;
      }
      try {
        const n = await call('discard_unsaved');
        state.unsaved = 0;
        say(result, tn('safety.unsaved.discarded', Number(n) || 0));
        onChange();
      } catch (error) {
        if (handleLocked(error)) return;
        showErrors(part, slot, [{ target: null, message: error.message }]);
      }
    });
    return part;
  }

  function kioskPart(on, onChange) {
    const status = el('p', { class: 'status-line' });
    const toggle = button('');
    const slot = errorSlot();
    const part = el('div', { class: 'safety-part' },
      el('h3', null, t('safety.kiosk.title')),
      el('p', null, t('safety.kiosk.text')),
      slot, status, actions(toggle));
    function render() {
      status.textContent = state.kiosk ? t('safety.kiosk.on') : t('safety.kiosk.off');
      toggle.textContent = state.kiosk ? t('safety.kiosk.turn_off') : t('safety.kiosk.turn_on');
    }
    state.kiosk = on;
    render();
    toggle.addEventListener('click', async () => {
      const want = !state.kiosk;
      try {
        await call('set_kiosk', { on: want });
      } catch (error) {
        if (handleLocked(error)) return;
        showErrors(part, slot, [{ target: null, message: error.message }]);
        return;
      }
      clearErrors(part, slot);
      state.kiosk = want;
      render();
      announce(status.textContent, { visible: false });
      onChange();
    });
    return part;
  }

  function retentionPart(months, onChange) {
    const slot = errorSlot();
    const result = resultLine();
    const field = textField(uid('retention-months'), t('safety.retention.label'), {
      value: months ? String(months) : '', className: 'input--short',
      hint: t('safety.retention.hint'),
    });
    const save = button(t('safety.retention.save'), { primary: true, type: 'submit' });
    const warning = el('p', { class: 'cancel-warning', id: uid('retention-warning'), hidden: true });
    const current = el('p', { class: 'status-line' });
    const form = el('form', { novalidate: true, autocomplete: 'off' }, slot, field.wrap, warning, actions(save), result);
    const part = el('div', { class: 'safety-part' }, el('h3', null, t('safety.retention.title')), current, form);
    let kept = months;
    let armed = null;
    function render() {
      current.textContent = kept
        ? tn('safety.retention.kept', kept)
        : t('safety.retention.keep_all');
    }
    function disarm() {
      armed = null;
      warning.hidden = true;
      save.textContent = t('safety.retention.save');
      removeDescribedBy(save, warning.id);
    }
    render();
    field.input.addEventListener('input', disarm);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      say(result, '');
      const text = field.input.value.trim();
      const value = text === '' ? null : (/^\d+$/.test(text) ? Number(text) : NaN);
      if (value !== null && !(value >= 1 && value <= 600)) {
        disarm();
        showErrors(form, slot, [{ target: field.input, message: t('safety.retention.enter_months') }]);
        return;
      }
      clearErrors(form, slot);
      try {
        if (armed === null || armed !== value) {
          const check = await call('update_retention', { retention: { months: value, confirm: false } });
          if (Number(check.deleted) > 0) {
            armed = value;
            warning.textContent = tn('safety.retention.delete_warning', Number(check.deleted));
            warning.hidden = false;
            save.textContent = t('safety.retention.delete_confirm');
            addDescribedBy(save, warning.id);
            announce(warning.textContent, { visible: false });
            return;
          }
        }
        const done = await call('update_retention', { retention: { months: value, confirm: true } });
        disarm();
        kept = value;
        render();
        say(result, Number(done.deleted) > 0
          ? tn('safety.retention.saved_deleted', Number(done.deleted))
          : t('safety.retention.saved'));
        onChange();
      } catch (error) {
        disarm();
        if (handleLocked(error)) return;
        showErrors(form, slot, [{ target: error.field === 'months' ? field.input : null, message: error.message }]);
      }
    });
    return part;
  }

  function backupPart(onChange) {
    const slot = errorSlot();
    const result = resultLine();
    const save = button(t('safety.backup.save'), { primary: true });
    const part = el('div', { class: 'safety-part' },
      el('h3', null, t('safety.backup.title')),
      el('p', null, t('safety.backup.text')),
      slot, actions(save), result);
    let busy = false;
    save.addEventListener('click', async () => {
      if (busy) return;
      busy = true;
      save.disabled = true;
      say(result, '');
      try {
        const path = await call('backup_file');
        clearErrors(part, slot);
        if (path) {
          say(result, t('safety.backup.saved', { path }));
          onChange();
        }
      } catch (error) {
        if (!handleLocked(error)) showErrors(part, slot, [{ target: null, message: error.message }]);
      } finally {
        busy = false;
        save.disabled = false;
      }
    });
    return part;
  }

  function passphrasePart(onChange) {
    const slot = errorSlot();
    const result = resultLine();
    const current = textField(uid('current-passphrase'), t('safety.passphrase.current'), {
      type: 'password', className: 'input--medium',
    });
    const fresh = textField(uid('new-passphrase'), t('safety.passphrase.new'), {
      type: 'password', className: 'input--medium', autocomplete: 'new-password', hint: t('safety.passphrase.new_hint'),
    });
    const again = textField(uid('new-passphrase-again'), t('safety.passphrase.again'), {
      type: 'password', className: 'input--medium', autocomplete: 'new-password',
    });
    const save = button(t('safety.passphrase.save'), { primary: true, type: 'submit' });
    const form = el('form', { novalidate: true, autocomplete: 'off' },
      slot, current.wrap, fresh.wrap, again.wrap, actions(save), result);
    const part = el('div', { class: 'safety-part' }, el('h3', null, t('safety.passphrase.title')), form);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      say(result, '');
      const errors = [];
      if (!current.input.value) errors.push({ target: current.input, message: t('safety.passphrase.enter_current') });
      if (Array.from(fresh.input.value).length < 8) {
        errors.push({ target: fresh.input, message: t('safety.passphrase.too_short') });
      } else if (fresh.input.value !== again.input.value) {
        errors.push({ target: again.input, message: t('safety.passphrase.differ') });
      }
      if (errors.length) {
        showErrors(form, slot, errors);
        return;
      }
      const change = { current: current.input.value, new: fresh.input.value };
      current.input.value = '';
      try {
        await call('change_passphrase', { change });
      } catch (error) {
        if (handleLocked(error)) return;
        const target = error.field === 'current' ? current.input : (error.field === 'passphrase' ? fresh.input : null);
        showErrors(form, slot, [{ target, message: error.message }]);
        return;
      }
      fresh.input.value = '';
      again.input.value = '';
      clearErrors(form, slot);
      say(result, t('safety.passphrase.changed'));
      onChange();
    });
    return part;
  }

  function safetySection(onChange) {
    const slot = errorSlot();
    const body = el('div', { class: 'safety-box' }, el('p', null, t('safety.loading')));
    const section = staffSection('safety', t('safety.title'), slot, body);

    async function load(token) {
      body.setAttribute('aria-busy', 'true');
      let data;
      try {
        data = await call('safety_settings');
      } catch (error) {
        if (token !== state.screen) return;
        if (handleLocked(error)) return;
        body.removeAttribute('aria-busy');
        showErrors(section, slot, [{ target: null, message: error.message }], { focus: false });
        return;
      }
      if (token !== state.screen) return;
      body.removeAttribute('aria-busy');
      state.unsaved = Number(data.unsaved) || 0;
      const changed = () => onChange && onChange();
      const reload = () => {
        changed();
        load(state.screen);
      };
      body.replaceChildren(...[
        noticesPart(data.notices),
        unsavedPart(state.unsaved, reload),
        kioskPart(Boolean(data.kiosk), changed),
        retentionPart(data.retentionMonths || null, changed),
        backupPart(changed),
        passphrasePart(changed),
      ].filter(Boolean));
    }
    return { section, load };
  }

  // Audit trail ---------------------------------------------------------------------------

  /** An audit row's action (audit.action.<id>) or who did it (audit.who.<id>); an id
   *  with no words is shown as it is. */
  function auditWord(kind, id) {
    const key = 'audit.' + kind + '.' + id;
    return id && hasWord(key) ? t(key) : String(id || '');
  }

  function auditTable(entries) {
    const headers = ['when', 'who', 'what', 'details'].map((column) => t('audit.column.' + column));
    return scrollingTable(t('audit.caption'), headers,
      entries.map((e) => el('tr', null,
      el('td', null, el('time', { datetime: String(e.at || '') }, localDateTime(e.at))),
      el('td', null, auditWord('who', e.who)),
      el('td', null, auditWord('action', e.action)),
      el('td', null, String(e.detail || '')))));
  }

  function auditSection() {
    return listSection({
      id: 'audit',
      title: t('audit.title'),
      note: t('audit.note'),
      loading: t('audit.loading'),
      command: 'audit_trail',
      render: auditTable,
      empty: t('audit.empty'),
    });
  }

  // ---------------------------------------------------------------------------------------

  function start() {
    screenEl = document.getElementById('screen');
    statusEl = document.getElementById('status');
    noticeEl = document.getElementById('notice');
    document.addEventListener('keydown', onKeyDown);
    for (const type of ['keydown', 'pointerdown', 'input', 'wheel', 'touchstart', 'focusin']) {
      document.addEventListener(type, onActivity, { capture: true, passive: true });
    }
    // The built-in menu offers Back and Reload; text fields keep theirs (copy, paste).
    document.addEventListener('contextmenu', (event) => {
      const target = event.target;
      if (!(target instanceof HTMLElement && target.matches('input, textarea'))) event.preventDefault();
    });
    // A person's words must not stay on the clipboard for the next person to paste.
    for (const type of ['copy', 'cut']) {
      document.addEventListener(type, (event) => {
        const target = event.target;
        if (target instanceof Element && target.closest('#questionnaire')) event.preventDefault();
      });
    }
    // The Rust side calls this when the window's close button is pressed in kiosk mode.
    window.psiFeedback = Object.freeze({ closeRequested: showCloseDialog });
    // A fresh page (a start or a reload) never opens on an unlocked staff area.
    call('lock_staff').catch(() => {}).finally(async () => {
      try {
        await loadWords();
      } catch (error) {
        // Without its words the app cannot say anything: this one line stays English.
        screenEl.textContent = 'PSI Feedback could not read its language files. Please reinstall it.';
        return;
      }
      // The device speaks the system's language if there are words for it, else English.
      const system = String(navigator.language || 'en').toLowerCase().split('-')[0];
      words.device = words.byLanguage[system] ? system : 'en';
      resetDisplay();
      loadAppState();
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();

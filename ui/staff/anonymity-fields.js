// The anonymity settings' fields: the rules, which only ever get stricter, and the staff
// in each role of each team; and what they hold, checked as the Rust side will.
import { el } from '../dom.js';
import { numberField, wholeNumber } from '../forms.js';
import { state } from '../state.js';
import { t, fill } from '../words.js';

// Each rule's words are anonymity.rule.<key>.label, .hint and .error.
const RULE_FIELDS = [
  { key: 'group_floor', max: 1000 },
  { key: 'rounding_base', max: 100 },
  { key: 'min_possible_values', max: 7 },
];

function ruleText(field, part, args) {
  return t('anonymity.rule.' + field.key + '.' + part, args);
}

/** A staff count's key: team and role names, which stay put when the lists change. */
export function countKey(team, role) {
  return String(team) + '\u0000' + String(role);
}

/** The rules now in force, from a `disclosure_settings` reply: each field's minimum. */
export function rulesNow(data) {
  const rules = (data && data.rules) || {};
  return {
    group_floor: Number(rules.group_floor) || 0,
    rounding_base: Number(rules.rounding_base) || 0,
    min_possible_values: Number(rules.min_possible_values) || 0,
  };
}

/** The rules' fieldset; `kept(key, value)` gives what was typed before, if anything. */
export function ruleFieldset(inForce, kept) {
  const inputs = {};
  const fields = RULE_FIELDS.map((f) => {
    const min = inForce[f.key];
    const id = 'anonymity-' + f.key.replace(/_/g, '-');
    const field = numberField(id, ruleText(f, 'label'), kept(f.key, min), {
      min, max: f.max, hint: ruleText(f, 'hint', { min, max: f.max }),
    });
    inputs[f.key] = field.input;
    return field.wrap;
  });
  const fieldset = el('fieldset', { class: 'fieldset' },
    el('legend', { class: 'fieldset__legend' }, t('anonymity.rules_legend')), fields);
  return { fieldset, inputs };
}

/** The staff counts' fieldset: a number for each role in each team. `entries` are
 *  { team, role, input, known }; known: a count is stored for the pair. */
export function staffFieldset(data, maxStaff, kept) {
  const context = state.context || { teams: [], roles: [] };
  const counts = new Map();
  for (const c of (data && data.staff_counts) || []) counts.set(countKey(c.team, c.role), Number(c.staff) || 0);
  const entries = [];
  const hint = el('p', { class: 'hint', id: 'anonymity-staff-hint' }, t('anonymity.staff_hint'));
  // The team shows once above its roles; each label still names both ("North: Nurse"),
  // the team's part for screen readers only.
  const [beforeRole, afterRole = ''] = t('anonymity.staff_label').split('{role}');
  const teams = (context.teams || []).map((team, teamIndex) => el('div', { class: 'staff-team' },
    el('h4', { class: 'small-heading' }, team.name),
    el('div', { class: 'number-grid' }, (context.roles || []).map((role, r) => {
      const key = countKey(team.name, role.name);
      const id = 'anonymity-staff-' + teamIndex + '-' + r;
      const known = counts.has(key);
      const hidden = (text) => (text ? el('span', { class: 'visually-hidden' }, fill(text, { team: team.name })) : null);
      const label = [hidden(beforeRole), role.name, hidden(afterRole)].filter(Boolean);
      const field = numberField(id, label, kept(key, known ? counts.get(key) : 0), { min: 0, max: maxStaff });
      entries.push({ team: team.name, role: role.name, input: field.input, known });
      return field.wrap;
    }))));
  const fieldset = el('fieldset', { class: 'fieldset', 'aria-describedby': hint.id },
    el('legend', { class: 'fieldset__legend' }, t('anonymity.staff_legend')), hint,
    entries.length ? teams : el('p', null, t('anonymity.add_lists_first')));
  return { fieldset, entries };
}

/**
 * What the fields hold: `settings` to send, the input of each staff count sent (in
 * order, to find the one an error names) and what is wrong, if anything.
 */
export function readSettings(inForce, ruleInputs, staffEntries, maxStaff) {
  const errors = [];
  const rules = {};
  for (const f of RULE_FIELDS) {
    const min = inForce[f.key];
    const n = wholeNumber(ruleInputs[f.key], min, f.max);
    if (n === null) errors.push({ target: ruleInputs[f.key], message: ruleText(f, 'error', { min, max: f.max }) });
    rules[f.key] = n;
  }
  const sent = [];
  const staffCounts = [];
  for (const s of staffEntries) {
    const n = wholeNumber(s.input, 0, maxStaff);
    if (n === null) {
      errors.push({
        target: s.input,
        message: t('anonymity.staff_error', { max: maxStaff, team: s.team, role: s.role }),
      });
    } else if (s.known || n !== 0) {
      // A pair never filled in and left at 0 stays unrecorded, as it was.
      sent.push(s.input);
      staffCounts.push({ team: s.team, role: s.role, staff: n });
    }
  }
  return { settings: { rules, staff_counts: staffCounts }, sent, errors };
}

/** The warning before rules are made stricter (which cannot be undone), or null. */
export function stricterWarning(inForce, rules) {
  const raised = RULE_FIELDS.filter((f) => rules[f.key] > inForce[f.key]);
  if (!raised.length) return null;
  const changes = raised.map((f) => t('anonymity.stricter_change', {
    rule: ruleText(f, 'label'), from: inForce[f.key], to: rules[f.key],
  }));
  return t('anonymity.stricter_warning', { changes: changes.join(' ') });
}

// The three name lists (teams, session types, practitioner roles), as staff type them
// at setup and in the settings: one name a line.
import { textAreaField } from './forms.js';
import { lines } from './format.js';
import { t } from './words.js';

/** The three textareas, filled from `values` ({ teams, session_types, roles } arrays). */
export function listFields(prefix, values, hints) {
  return {
    teams: textAreaField(prefix + '-teams', t('setup.lists.teams'), values.teams.join('\n'),
      { rows: 4, hint: hints ? t('setup.lists.teams_hint') : null }),
    sessionTypes: textAreaField(prefix + '-session-types', t('setup.lists.session_types'),
      values.session_types.join('\n'), { rows: 6 }),
    roles: textAreaField(prefix + '-roles', t('setup.lists.roles'), values.roles.join('\n'), { rows: 8 }),
  };
}

/** The lists as typed, and an error for each one left empty. */
export function validateLists(fields) {
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

/** The entry of a context list ({ id, name }) with this id, or null. */
export function findById(list, value) {
  return (list || []).find((x) => String(x.id) === String(value)) || null;
}

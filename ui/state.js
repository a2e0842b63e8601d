// What the window knows: the app's state as the Rust side last sent it, and the choices
// made since (the session at hand-over, the summary's period). One object, changed in
// place, so every module sees the same values.

export const state = {
  configured: false,
  staffUnlocked: false,
  questionnaire: null,
  context: null,
  // The session details chosen on the hand-over screen: { team, session_type, role } ids
  // and the version of the questionnaire ('adult' or 'young'). While the person is back
  // on the first screen, `held` keeps the answers they gave so far; it goes with the
  // session, so every way out of the questionnaire drops it.
  session: null,
  overviewPeriod: 'month',
  overviewSpan: 'year',
  kiosk: false,
  // Responses the Rust side holds because they could not be saved.
  unsaved: 0,
  timeouts: { questionnaireIdleSeconds: 120, warningSeconds: 30, staffIdleSeconds: 300 },
  problem: null,
  // The clinic's own help lines by language (others use the locale files' default).
  help: {},
  // People who asked to talk to someone, not yet seen by staff.
  talk: 0,
};

/** Takes in the reply to `app_state`. */
export function applyAppState(appState) {
  state.configured = Boolean(appState && appState.configured);
  state.staffUnlocked = Boolean(appState && appState.staffUnlocked);
  state.questionnaire = (appState && appState.questionnaire) || null;
  state.context = (appState && appState.context) || null;
  state.kiosk = Boolean(appState && appState.kiosk);
  state.unsaved = Number(appState && appState.unsaved) || 0;
  if (appState && appState.timeouts) state.timeouts = appState.timeouts;
  state.problem = (appState && appState.problem) || null;
  state.help = (appState && appState.help && typeof appState.help === 'object') ? appState.help : {};
  state.talk = Number(appState && appState.talkRequests) || 0;
}

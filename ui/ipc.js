// Talking to the Rust side: one wrapper round Tauri's invoke, whose errors always come
// back as { kind, message, field }, the message in the language on screen.
import { t, translated } from './words.js';

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

/** Calls a command of the Rust side; throws the normalised error if it fails. */
export async function call(command, args) {
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

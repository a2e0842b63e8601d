// How the screen looks for the person using it now: language, text size and colours,
// chosen on the intro screen and back to the defaults for the next person.
import { words, setLanguage } from './words.js';

// Text size steps (the root font size, in % of the browser's own) for data-text-size.
export const TEXT_SIZES = [0, 1, 2, 3];
const DEFAULT_DISPLAY = Object.freeze({ size: 0, contrast: 'standard' });
export const display = { ...DEFAULT_DISPLAY };

/** Text size and colours, as chosen on the intro screen. */
export function applyDisplay() {
  document.documentElement.dataset.textSize = String(display.size);
  document.documentElement.dataset.contrast = display.contrast;
}

/** The next person starts with the device's language, standard text and colours. */
export function resetDisplay() {
  Object.assign(display, DEFAULT_DISPLAY);
  applyDisplay();
  setLanguage(words.device);
}

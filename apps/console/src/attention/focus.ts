/**
 * Where keyboard focus goes back to when an agent leaves a field or a panel.
 *
 * For the conversation screen (and any panel): call `focusList()` when the agent presses Escape in
 * the composer or closes a panel, so the next j/k moves through the list instead of typing into
 * the composer. It focuses the inbox's current row (or the list itself when no row is current);
 * it does nothing when no inbox list is on screen. The list registers itself with `onFocusList`.
 */
type Target = () => void;

let target: Target | null = null;

export function focusList(): void {
  if (target) target();
  else if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
}

/** The inbox list says how to take focus; returns the function that unregisters it. */
export function onFocusList(fn: Target): () => void {
  target = fn;
  return () => {
    if (target === fn) target = null;
  };
}

/** The agent is writing: single-key shortcuts must let the key through as text. */
export function isTyping(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(el.type);
  return el.getAttribute('role') === 'textbox' || el.getAttribute('role') === 'combobox';
}

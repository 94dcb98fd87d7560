import { useEffect, useRef } from 'react';
import { focusList, isTyping } from './focus.ts';

export type ShortcutMap = Partial<Record<string, (e: KeyboardEvent) => void>>;

/**
 * Single-key shortcuts on the whole window. The listener is installed once and reads the latest
 * handlers from a ref, so shortcuts keep working whatever re-rendered or took focus last (the old
 * console's j/k died after the first use). Keys typed into a field are never taken, and Escape in
 * a field leaves it for the list (a Mantine modal or menu handles its own Escape first).
 */
export function useShortcuts(map: ShortcutMap): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTyping(e.target)) {
        if (e.key === 'Escape' && !inDialog(e.target)) {
          (e.target as HTMLElement).blur();
          focusList();
        }
        return;
      }
      // A modal, menu or palette has the keys (and its own Escape) while it is open.
      if (inDialog(e.target)) return;
      // Enter on a button presses it (a message's Quote action), rather than opening the list's conversation.
      if (e.key === 'Enter' && onButton(e.target)) return;
      // Named keys in lower case (enter, escape, arrowdown); characters as typed (j, ?, /).
      const action = ref.current[e.key.length === 1 ? e.key : e.key.toLowerCase()];
      if (action) {
        e.preventDefault();
        action(e);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function onButton(el: EventTarget | null): boolean {
  return el instanceof Element && el.closest('button,[role=button]') !== null;
}

function inDialog(el: EventTarget | null): boolean {
  return el instanceof Element && el.closest('[role=dialog],[role=menu],[role=listbox]') !== null;
}

/** The shortcuts the help lists, in order; labels are translated in i18n/inbox.ts (shortcuts.*). */
export const SHORTCUTS = [
  { keys: ['j'], what: 'next' },
  { keys: ['k'], what: 'previous' },
  { keys: ['Enter'], what: 'open' },
  { keys: ['x'], what: 'select' },
  { keys: ['/'], what: 'search' },
  { keys: ['Esc'], what: 'escape' },
  { keys: ['Ctrl', 'K'], what: 'palette' },
  { keys: ['?'], what: 'help' },
] as const;

const HELP_EVENT = 'centralita:shortcut-help';

/** Opens the shortcut help from anywhere (the palette's action, a menu). */
export function showShortcutHelp(): void {
  window.dispatchEvent(new Event(HELP_EVENT));
}

export function onShortcutHelp(fn: () => void): () => void {
  window.addEventListener(HELP_EVENT, fn);
  return () => window.removeEventListener(HELP_EVENT, fn);
}

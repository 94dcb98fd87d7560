import { useLocalStorage } from '@mantine/hooks';
import { useState } from 'react';

/** The agent's alert choices, kept in this browser: sound is off until they turn it on. */
export function useSoundSetting() {
  return useLocalStorage<boolean>({ key: 'centralita.sound', defaultValue: false, getInitialValueInEffect: false });
}

export function useBannerDismissed() {
  return useLocalStorage<boolean>({ key: 'centralita.notify.dismissed', defaultValue: false, getInitialValueInEffect: false });
}

export type Permission = NotificationPermission | 'unsupported';

export function notificationPermission(): Permission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** The browser's answer so far, and a way to ask (only ever from a click). */
export function usePermission() {
  const [permission, setPermission] = useState<Permission>(notificationPermission());
  const ask = async () => {
    if (typeof Notification === 'undefined') return;
    setPermission(await Notification.requestPermission());
  };
  return { permission, ask };
}

let audio: AudioContext | null = null;

/** A short two-tone beep made on the spot (no audio file to download). */
export function beep(): void {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    const t0 = ctx.currentTime;
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(0.15, t0 + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.3);
    for (const [freq, at] of [
      [880, 0],
      [1320, 0.12],
    ] as const) {
      const osc = ctx.createOscillator();
      osc.frequency.value = freq;
      osc.connect(gain);
      osc.start(t0 + at);
      osc.stop(t0 + at + 0.15);
    }
  } catch {
    // No audio device, or the browser refused: the notification itself still shows.
  }
}

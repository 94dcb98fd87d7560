import { ActionIcon, Button, Kbd } from '@mantine/core';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { Me } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';

// The palette (Mantine Spotlight and its searches) loads on first use: the inbox never waits for it.
const load = () => import('./Palette.tsx');
const Palette = lazy(() => load().then((m) => ({ default: m.Palette })));

function SearchIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <circle cx="11" cy="11" r="7" />
      <path d="m20 20-3.5-3.5" />
    </svg>
  );
}

/** Ctrl+K / Cmd+K anywhere, even in the composer (it is not a character), and a header button. */
export function PaletteLauncher({ me }: { me: Me }) {
  const { t } = useT();
  const [wanted, setWanted] = useState(false);
  const open = useCallback(() => {
    setWanted(true);
    void load().then((m) => m.openPalette());
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        open();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <>
      <Button
        variant="default"
        size="xs"
        visibleFrom="md"
        leftSection={<SearchIcon />}
        rightSection={<Kbd size="xs">Ctrl K</Kbd>}
        onClick={open}
        aria-label={t('palette.open')}
        c="dimmed"
        fw={400}
      >
        {t('palette.hint')}
      </Button>
      <ActionIcon variant="subtle" color="gray" hiddenFrom="md" onClick={open} aria-label={t('palette.open')}>
        <SearchIcon />
      </ActionIcon>
      {wanted && (
        <Suspense fallback={null}>
          <Palette me={me} />
        </Suspense>
      )}
    </>
  );
}

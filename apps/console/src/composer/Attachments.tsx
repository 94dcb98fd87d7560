import { Button, FileButton, Group, Loader, Pill, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatSize } from '../conversation/MessageItem.tsx';
import { useT } from '../i18n/index.tsx';

/** The most files one message may carry (the server's limit too). */
export const MAX_FILES = 10;

export interface Upload {
  key: number;
  name: string;
  size: number;
  /** The pending upload's id once the server has it. */
  id: string | null;
  /** 0 to 1 while it uploads. */
  progress: number;
  error: string | null;
}

interface Answer {
  attachment?: { id: string; filename: string };
  error?: { message: string };
}

let seq = 0;

/**
 * The files of the reply being written. Each one goes up as soon as it is picked, as raw bytes
 * with the header that tells the server this page sent it (docs/api.md, POST /attachments);
 * XMLHttpRequest rather than fetch because only it reports upload progress. Removing a file only
 * drops it here: the server deletes uploads nobody sends after a day.
 */
export function useUploads(limit: number) {
  const { t, lang } = useT();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const requests = useRef(new Map<number, XMLHttpRequest>());

  useEffect(() => {
    const open = requests.current;
    return () => {
      for (const xhr of open.values()) xhr.abort();
    };
  }, []);

  const patch = useCallback((key: number, change: Partial<Upload>) => {
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));
  }, []);

  const add = (files: File[]) => {
    const room = MAX_FILES - uploads.length;
    for (const [i, file] of files.entries()) {
      seq += 1;
      const key = seq;
      const base: Upload = { key, name: file.name, size: file.size, id: null, progress: 0, error: null };
      if (i >= room) {
        setUploads((list) => [...list, { ...base, error: t('conversation.composer.files.tooMany', { max: MAX_FILES }) }]);
        continue;
      }
      if (file.size > limit) {
        const error = t('conversation.composer.files.tooLarge', { limit: formatSize(limit, lang) });
        setUploads((list) => [...list, { ...base, error }]);
        continue;
      }
      setUploads((list) => [...list, base]);
      const xhr = new XMLHttpRequest();
      requests.current.set(key, xhr);
      xhr.open('POST', `/api/v1/attachments?filename=${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader('X-Centralita-Upload', '1');
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) patch(key, { progress: e.loaded / e.total });
      };
      xhr.onload = () => {
        requests.current.delete(key);
        let answer: Answer = {};
        try {
          answer = JSON.parse(xhr.responseText) as Answer;
        } catch {
          // An answer that is not ours (a proxy's page): reported by status below.
        }
        if (xhr.status === 201 && answer.attachment) patch(key, { id: answer.attachment.id, progress: 1 });
        else if (xhr.status === 413) patch(key, { error: t('conversation.composer.files.tooLarge', { limit: formatSize(limit, lang) }) });
        else patch(key, { error: answer.error?.message ?? t('conversation.composer.files.failed') });
      };
      xhr.onerror = () => {
        requests.current.delete(key);
        patch(key, { error: t('conversation.composer.files.failed') });
      };
      xhr.send(file);
    }
  };

  const remove = (key: number) => {
    requests.current.get(key)?.abort();
    requests.current.delete(key);
    setUploads((list) => list.filter((u) => u.key !== key));
  };

  const ids = uploads.flatMap((u) => (u.id ? [u.id] : []));
  const uploading = uploads.some((u) => !u.id && !u.error);
  return { uploads, add, remove, clear: () => setUploads([]), ids, uploading };
}

/** The attach button and the limit it keeps. */
export function AttachButton({ onPick, disabled, limit }: { onPick: (files: File[]) => void; disabled: boolean; limit: number }) {
  const { t, lang } = useT();
  return (
    <Group gap={6} wrap="nowrap">
      <FileButton onChange={onPick} multiple disabled={disabled}>
        {(props) => (
          <Button {...props} size="compact-xs" variant="default" disabled={disabled}>
            {t('conversation.composer.files.attach')}
          </Button>
        )}
      </FileButton>
      <Text size="xs" c="dimmed">
        {t('conversation.composer.files.limit', { limit: formatSize(limit, lang) })}
      </Text>
    </Group>
  );
}

/** The picked files as chips, each with its progress and a remove button, and what went wrong in words. */
export function UploadList({ uploads, onRemove }: { uploads: Upload[]; onRemove: (key: number) => void }) {
  const { t, lang } = useT();
  if (uploads.length === 0) return null;
  const failed = uploads.filter((u) => u.error);
  return (
    <Stack gap={4}>
      <Pill.Group aria-label={t('conversation.composer.files.list')} data-testid="composer-files">
        {uploads.map((u) => (
          <Pill
            key={u.key}
            withRemoveButton
            // A long name is cut to the chip's width; the whole of it shows on hover.
            title={u.name}
            onRemove={() => onRemove(u.key)}
            // Pill hides its remove button from keyboards and screen readers (it is meant for inputs
            // that remove with Backspace); here it is the only way to remove, so it is a real button.
            removeButtonProps={{
              'aria-label': t('conversation.composer.files.remove', { name: u.name }),
              'aria-hidden': false,
              tabIndex: 0,
            }}
            bg={u.error ? 'var(--mantine-color-red-light)' : undefined}
            data-state={u.error ? 'failed' : u.id ? 'ready' : 'uploading'}
          >
            <Group gap={4} wrap="nowrap" component="span">
              {!u.id && !u.error && (
                <Loader size={10} aria-label={t('conversation.composer.files.uploading', { percent: Math.round(u.progress * 100) })} />
              )}
              <span>{u.name}</span>
              <Text span size="xs" c="dimmed">
                {!u.id && !u.error && u.progress > 0 ? `${Math.round(u.progress * 100)} %` : formatSize(u.size, lang)}
              </Text>
            </Group>
          </Pill>
        ))}
      </Pill.Group>
      {failed.map((u) => (
        <Text key={u.key} size="xs" c="red" role="alert">
          {t('conversation.composer.files.error', { name: u.name, reason: u.error })}
        </Text>
      ))}
    </Stack>
  );
}

import { Center, Loader } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';

// The conversation's screen (timeline, composer, contact panel) loads with the first
// conversation opened, so the inbox's first paint does not carry it.
const ConversationView = lazy(() => import('./ConversationView.tsx'));

export function ConversationScreen() {
  const { conversationId } = useParams({ from: '/app/inbox/$view/$conversationId' });
  return (
    <Suspense
      fallback={
        <Center p="xl">
          <Loader size="sm" />
        </Center>
      }
    >
      <ConversationView key={conversationId} conversationId={conversationId} />
    </Suspense>
  );
}

import { useParams } from '@tanstack/react-router';

export function ConversationScreen() {
  const { conversationId } = useParams({ from: '/app/inbox/$view/$conversationId' });
  return <div>{conversationId}</div>;
}

import { createContext, type ReactNode, useContext, useState } from 'react';
import { HandoffDialog } from './HandoffDialog.tsx';

/** Opens the conversation's handoff dialog: from the header, a refused reply, a privacy warning. */
interface HandoffControl {
  open(): void;
}

const HandoffContext = createContext<HandoffControl | null>(null);

/** One handoff dialog per open conversation, reachable from anything inside it. */
export function HandoffProvider({ conversationId, children }: { conversationId: string; children: ReactNode }) {
  const [opened, setOpened] = useState(false);
  const [control] = useState<HandoffControl>(() => ({ open: () => setOpened(true) }));
  return (
    <HandoffContext.Provider value={control}>
      {children}
      {opened && <HandoffDialog conversationId={conversationId} onClose={() => setOpened(false)} />}
    </HandoffContext.Provider>
  );
}

/** The handoff dialog's opener; null outside a conversation (nothing to hand off). */
export function useHandoff(): HandoffControl | null {
  return useContext(HandoffContext);
}

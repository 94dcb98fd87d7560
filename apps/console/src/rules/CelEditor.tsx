import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, linter, setDiagnostics } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderExt } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { Input } from '@mantine/core';
import { useEffect, useId, useRef } from 'react';
import type { RuleVocabulary } from '../api/types.ts';

/** CEL's words, enough to colour a condition: strings, numbers, operators, the variables. */
const cel = StreamLanguage.define<null>({
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/) || stream.match(/^'(?:[^'\\]|\\.)*'?/)) return 'string';
    if (stream.match(/^\d+(\.\d+)?/)) return 'number';
    if (stream.match(/^(true|false|null|in)\b/)) return 'keyword';
    if (stream.match(/^(conversation|contact|local|agent)\b/)) return 'variableName';
    if (stream.match(/^(&&|\|\||==|!=|<=|>=|[<>!?:+\-*/%])/)) return 'operator';
    if (stream.match(/^[A-Za-z_]\w*/)) return 'propertyName';
    stream.next();
    return null;
  },
});

const highlight = HighlightStyle.define([
  { tag: tags.string, color: 'var(--mantine-color-green-8)' },
  { tag: tags.number, color: 'var(--mantine-color-violet-7)' },
  { tag: tags.keyword, color: 'var(--mantine-color-blue-7)', fontWeight: '600' },
  { tag: tags.variableName, color: 'var(--mantine-color-orange-8)' },
  { tag: tags.operator, color: 'var(--mantine-color-gray-7)' },
]);

const theme = EditorView.theme({
  '&': {
    border: '1px solid var(--mantine-color-default-border)',
    borderRadius: 'var(--mantine-radius-sm)',
    backgroundColor: 'var(--mantine-color-body)',
    color: 'var(--mantine-color-text)',
    fontSize: 'var(--mantine-font-size-sm)',
  },
  '&.cm-focused': { outline: '2px solid var(--mantine-primary-color-filled)', outlineOffset: '-1px' },
  '&[data-error] ': { borderColor: 'var(--mantine-color-error)' },
  '.cm-content': { fontFamily: 'var(--mantine-font-family-monospace)', padding: '6px 0' },
  '.cm-line': { padding: '0 8px', overflowWrap: 'anywhere' },
});

/** Completes `conversation.`, `contact.`, `local.` (and `agent.` in a filter) from the server's vocabulary. */
function completer(vocabulary: RuleVocabulary | undefined, withAgent: boolean) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const word = ctx.matchBefore(/[A-Za-z_][\w.]*/);
    if (!word || !vocabulary) return null;
    const dot = word.text.lastIndexOf('.');
    const vars = Object.keys(vocabulary).filter((v) => withAgent || v !== 'agent');
    if (dot === -1) return { from: word.from, options: vars.map((v) => ({ label: v, type: 'variable' })) };
    const head = word.text.slice(0, dot) as keyof RuleVocabulary;
    const fields = vars.includes(head) ? vocabulary[head] : null;
    if (!fields) return null;
    return {
      from: word.from + dot + 1,
      options: Object.entries(fields).map(([name, type]) => ({ label: name, detail: type, type: 'property' })),
    };
  };
}

/**
 * A CEL condition in CodeMirror 6: colours, completion from the vocabulary, and the server's
 * problems for this field shown inline (underlined and listed below). The problems are replaced
 * whole at every check, so one fixed disappears even while another appears elsewhere.
 */
export function CelEditor({
  label,
  description,
  value,
  onChange,
  errors,
  vocabulary,
  withAgent = false,
  placeholder,
}: {
  label: string;
  description?: string;
  value: string;
  onChange: (value: string) => void;
  errors: string[];
  vocabulary?: RuleVocabulary;
  withAgent?: boolean;
  placeholder?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  const errorId = useId();
  const descriptionId = useId();

  // biome-ignore lint/correctness/useExhaustiveDependencies: built once; value and errors are pushed in below
  useEffect(() => {
    const v = new EditorView({
      parent: host.current as HTMLDivElement,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          cel,
          syntaxHighlighting(highlight),
          theme,
          EditorView.lineWrapping,
          linter(null),
          autocompletion({ override: [completer(vocabulary, withAgent)], activateOnTyping: true }),
          placeholderExt(placeholder ?? ''),
          EditorView.contentAttributes.of({
            'aria-label': label,
            'aria-describedby': `${descriptionId} ${errorId}`,
            spellcheck: 'false',
            autocapitalize: 'off',
          }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
  }, []);

  // A value changed from outside (the JSON tab, a reload) replaces the text.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const diagnostics: Diagnostic[] = errors.map((message) => ({ from: 0, to: v.state.doc.length, severity: 'error', message }));
    v.dispatch(setDiagnostics(v.state, diagnostics));
    v.dom.toggleAttribute('data-error', errors.length > 0);
  }, [errors]);

  return (
    <Input.Wrapper label={label} description={description} descriptionProps={{ id: descriptionId }} labelElement="div">
      <div ref={host} data-testid="cel-editor" />
      <div id={errorId}>
        {errors.map((e) => (
          <Input.Error key={e} role="alert" mt={4}>
            {e}
          </Input.Error>
        ))}
      </div>
    </Input.Wrapper>
  );
}

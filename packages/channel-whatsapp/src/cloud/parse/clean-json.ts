import { MAX_INPUT_DEPTH } from '@centralita/core';
import { capText, isRecord } from './read.ts';

/** Bounds on a copy: notices are small (a template's review, an account's update); this is plenty. */
const MAX_NODES = 20_000;
const MAX_CHILDREN = 1_000;

interface Task {
  src: unknown;
  depth: number;
  set: (value: unknown) => void;
}

/**
 * A copy of a JSON value that can be stored and logged: unsafe characters replaced, strings cut,
 * at most `MAX_INPUT_DEPTH` levels, 1,000 children per node and 20,000 nodes (what lies beyond
 * becomes null), and keys such as `__proto__` kept as plain keys. Iterative, so no input
 * exhausts the stack.
 */
export function cleanJson(value: unknown): unknown {
  let root: unknown = null;
  const stack: Task[] = [
    {
      src: value,
      depth: 0,
      set: (v) => {
        root = v;
      },
    },
  ];
  // Counted as nodes are queued, so a wide input costs no more than the budget.
  let budget = MAX_NODES - 1;
  const queue = (task: Task): void => {
    if (budget <= 0) {
      task.set(null);
      return;
    }
    budget -= 1;
    stack.push(task);
  };
  for (let task = stack.pop(); task; task = stack.pop()) {
    const { src, depth, set } = task;
    if (typeof src === 'string') set(capText(src));
    else if (typeof src === 'number') set(Number.isFinite(src) ? src : null);
    else if (typeof src === 'boolean' || src === null) set(src);
    else if (depth >= MAX_INPUT_DEPTH) set(null);
    else if (Array.isArray(src)) {
      const out: unknown[] = [];
      set(out);
      for (const [i, child] of src.slice(0, MAX_CHILDREN).entries()) {
        out.push(null);
        queue({
          src: child,
          depth: depth + 1,
          set: (v) => {
            out[i] = v;
          },
        });
      }
    } else if (isRecord(src)) {
      const out: Record<string, unknown> = {};
      set(out);
      for (const [key, child] of Object.entries(src).slice(0, MAX_CHILDREN)) {
        const name = capText(key, 200);
        // defineProperty, not assignment: a `__proto__` key must stay a key, not become the prototype.
        Object.defineProperty(out, name, { value: null, enumerable: true, writable: true, configurable: true });
        queue({ src: child, depth: depth + 1, set: (v) => Object.defineProperty(out, name, { value: v }) });
      }
    } else set(null);
  }
  return root;
}

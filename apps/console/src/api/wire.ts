/**
 * A server type as it arrives over JSON: dates become ISO strings, everything else keeps its shape.
 * The console imports the server's own types (type-only, erased from the bundle) and reads them
 * through this, so a field renamed on the server is a compile error here.
 */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends readonly (infer U)[]
      ? readonly Wire<U>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

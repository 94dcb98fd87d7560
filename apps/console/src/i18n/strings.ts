/** The same keys as `T`, every leaf a string: a translation that misses or adds a key fails to compile. */
export type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

/** Drops keys whose value is undefined, so a partial patch never overwrites a setting with "nothing". */
export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

// Suggestions offered by a text box (recent addresses, known topics): those containing what was typed, in the
// order given (most recent first), never the typed text itself.
export function addressSuggestions(recent: readonly string[], typed: string, limit = 10): string[] {
  const needle = typed.trim().toLowerCase()
  return recent.filter((a) => a.toLowerCase() !== needle && a.toLowerCase().includes(needle)).slice(0, limit)
}

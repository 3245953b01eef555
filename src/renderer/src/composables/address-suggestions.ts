// Recent addresses offered while typing in the connect field: those containing what was typed, most recent first.
export function addressSuggestions(recent: readonly string[], typed: string, limit = 10): string[] {
  const needle = typed.trim().toLowerCase()
  return recent.filter((a) => a.toLowerCase() !== needle && a.toLowerCase().includes(needle)).slice(0, limit)
}

// Only web links may leave the app for the OS browser: never file:, javascript:, custom schemes, etc.
export function isSafeExternalUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}

// Received message data as short text for the UI: strings as they are, anything else as compact JSON, binary as a
// size. The data comes from a peer: src/shared/value-preview.ts renders it without ever throwing, in bounded time.
import { previewValue } from '../../shared/value-preview'

export const PREVIEW_CHARS = 500

export function previewData(data: unknown): string {
  return previewValue(data, { maxChars: PREVIEW_CHARS })
}

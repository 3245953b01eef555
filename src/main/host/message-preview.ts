// Received message data as short text for the UI: strings as they are, anything else as JSON, binary as a size.
export const PREVIEW_CHARS = 500

export function previewData(data: unknown): string {
  let text: string
  if (typeof data === 'string') text = data
  else if (data instanceof Uint8Array) text = `<${data.byteLength} bytes>`
  else {
    try {
      text =
        JSON.stringify(data, (_key, value: unknown) =>
          typeof value === 'bigint'
            ? value.toString()
            : value instanceof Uint8Array
              ? `<${value.byteLength} bytes>`
              : value
        ) ?? String(data)
    } catch {
      text = String(data)
    }
  }
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text
}

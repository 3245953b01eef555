// What every contract call returns: a value, or an error a person can act on. Errors cross IPC and WebSocket as
// plain { name, message } (Error objects do not survive structured cloning intact).
export interface ContractError {
  /** Stable error class name, e.g. 'ValidationError', 'PeerUnreachableError', 'UnknownNodeError'. */
  name: string
  message: string
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const fail = (name: string, message: string): Result<never> => ({
  ok: false,
  error: { name, message }
})

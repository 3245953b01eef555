// The client side of the local control channel (control-protocol.ts): one call, one answer, bounded in time and size.
import { createConnection } from 'node:net'
import type { Result } from '../../shared/result'
import { MAX_CONTROL_RESPONSE_BYTES } from './control-protocol'

export class ControlUnavailableError extends Error {
  override name = 'ControlUnavailableError'
}

/** Calls `method` on the host listening at `path`; rejects with ControlUnavailableError when none answers. */
export function callControl(
  path: string,
  method: string,
  args: unknown[],
  timeoutMs = 10_000
): Promise<Result<unknown>> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path)
    let text = ''
    let settled = false
    const finish = (outcome: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      outcome()
    }
    const timer = setTimeout(
      () =>
        finish(() => reject(new ControlUnavailableError(`no answer from ${path} within ${timeoutMs} ms`))),
      timeoutMs
    )
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(`${JSON.stringify({ id: 1, method, args })}\n`))
    socket.on('data', (chunk: string) => {
      text += chunk
      if (text.length > MAX_CONTROL_RESPONSE_BYTES)
        return finish(() => reject(new Error('the host answered with more than the control channel allows')))
      const end = text.indexOf('\n')
      if (end < 0) return
      finish(() => {
        try {
          const reply = JSON.parse(text.slice(0, end)) as { result?: Result<unknown> }
          if (typeof reply.result !== 'object' || reply.result === null) throw new Error('no result')
          resolve(reply.result)
        } catch {
          reject(new Error('the host answered something that is not a control reply'))
        }
      })
    })
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
          ? `no Chaski host is running with these settings (nothing listens at ${path})`
          : err.code === 'EACCES'
            ? `${path} belongs to another user`
            : `cannot reach ${path}: ${err.message}`
      finish(() => reject(new ControlUnavailableError(why)))
    })
    socket.on('end', () =>
      finish(() => reject(new ControlUnavailableError(`${path} closed the connection without an answer`)))
    )
  })
}

// Tells a TLS connection from a plaintext (protocol version 1) one by its first byte, without consuming it, so one
// port serves both: a node that allows plaintext hands the socket to the plaintext handshake, one that does not
// answers `close {reason: 'secure-required'}` in plaintext (a version 1 peer reads it and reports the reason).
import type net from 'node:net'
import { systemClock, type Clock } from '../clock'
import { DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS, TLS_HANDSHAKE_RECORD } from './constants'
import { SecureHandshakeError, SecureHandshakeTimeoutError } from './errors'

export type ConnectionKind = 'tls' | 'plaintext'

/**
 * Waits for the first bytes of an accepted socket and puts them back (the socket is left paused, nothing lost: pass
 * it on to secureAccept or to the plaintext frame reader). Rejects when the peer sends nothing in time or closes.
 */
export function sniffConnection(
  socket: net.Socket,
  timeoutMs = DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS,
  clock: Clock = systemClock
): Promise<ConnectionKind> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clock.clearTimeout(timer)
      socket.off('data', onData)
      socket.off('close', onClose)
    }
    const onData = (chunk: Buffer): void => {
      done()
      socket.pause()
      socket.unshift(chunk)
      resolve(chunk[0] === TLS_HANDSHAKE_RECORD ? 'tls' : 'plaintext')
    }
    const onClose = (): void => {
      done()
      reject(new SecureHandshakeError('the peer closed the connection before sending a byte'))
    }
    const timer = clock.setTimeout(() => {
      done()
      socket.destroy()
      reject(new SecureHandshakeTimeoutError(`the peer sent nothing within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.on('data', onData)
    socket.once('close', onClose)
  })
}

// Stream transports compared by the secure bench (secure-transport.ts) and its memory child (secure-star-child.ts):
// - plain node:net;
// - node:tls through the library's verified link (src/main/chaski/security/tls-link.ts): TLS 1.3, each side's
//   self-signed P-256 node certificate, the peer's key turned into its id and checked;
// - a Noise candidate when it is installed (@hyperswarm/secret-stream: Noise XX over Ed25519/X25519, libsodium's
//   secretstream for the data), its peer key hashed and checked the same way.
// All carry the same 4-byte length-prefixed frames (raw-baseline.ts); a stream is handed out only once its handshake
// is done and checked.
import net from 'node:net'
import { once } from 'node:events'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import type { Duplex } from 'node:stream'
import { generateNodeKey } from '../src/main/chaski/security/node-key'
import {
  createTlsCredentials,
  secureAccept,
  secureDial,
  type TlsCredentials
} from '../src/main/chaski/security/tls-link'
import { withTimeout } from './waiting'

export const HOST = '127.0.0.1'
export type TransportName = 'net' | 'tls' | 'noise'

/** The version of the Noise candidate measured for the report; the bench says when it is not installed. */
export const NOISE_PACKAGE = '@hyperswarm/secret-stream'
export const NOISE_VERSION = '6.9.2'
export const NOISE_INSTALL = `npm install --no-save ${NOISE_PACKAGE}@${NOISE_VERSION}`

export interface StreamServer {
  port: number
  close(): Promise<void>
}

export interface StreamTransport {
  name: TransportName
  /** Starts a listener; `onStream` gets each inbound stream once it is established (secure and checked). */
  listen(onStream: (stream: Duplex) => void): Promise<StreamServer>
  /** Dials and resolves with the stream once established (secure and checked). */
  dial(port: number): Promise<Duplex>
}

/** Thrown when a peer's key is not the one the bench expects: a broken bench, never a figure. */
export class UnexpectedPeerKeyError extends Error {
  override name = 'UnexpectedPeerKeyError'
}

function trackSockets(server: net.Server, sockets: Set<Duplex>): () => Promise<void> {
  return async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

async function listenOn(server: net.Server): Promise<number> {
  server.listen({ port: 0, host: HOST, backlog: 4096 })
  await once(server, 'listening')
  return (server.address() as net.AddressInfo).port
}

export function netTransport(): StreamTransport {
  return {
    name: 'net',
    listen: async (onStream) => {
      const sockets = new Set<Duplex>()
      const server = net.createServer({ noDelay: true }, (socket) => {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
        socket.on('error', () => socket.destroy())
        onStream(socket)
      })
      return { port: await listenOn(server), close: trackSockets(server, sockets) }
    },
    dial: async (port) => {
      const socket = net.connect({ host: HOST, port, noDelay: true })
      socket.on('error', () => socket.destroy())
      await withTimeout(once(socket, 'connect'), 5_000, `net connect to ${port}`)
      return socket
    }
  }
}

/** A node's TLS material: key, certificate and one SecureContext (security/tls-link.ts), as a node keeps them. */
export type TlsIdentity = TlsCredentials

export function tlsIdentity(key = generateNodeKey()): Promise<TlsIdentity> {
  return createTlsCredentials(key)
}

/**
 * Accepts a TLS link on an accepted TCP socket with the library's primitive (secureAccept: TLS 1.3 only, the dialler's
 * certificate requested and its key turned into its id), as our listener will after its pending-connection limits.
 */
export async function tlsAccept(
  raw: net.Socket,
  identity: TlsIdentity
): Promise<{ stream: Duplex; peerId: string }> {
  raw.setNoDelay(true)
  const link = await secureAccept(raw, identity)
  return { stream: link.socket, peerId: link.peerId }
}

/** Dials a TCP connection, then a TLS link over it with the library's primitive (secureDial), as our dialler will. */
export async function tlsDial(
  port: number,
  identity: TlsIdentity
): Promise<{ stream: Duplex; peerId: string }> {
  const link = await secureDial(net.connect({ host: HOST, port, noDelay: true }), identity)
  return { stream: link.socket, peerId: link.peerId }
}

/** Listens with `accept` on each TCP socket; streams whose peer is not `expectedPeer` are dropped (a bench bug). */
async function secureListen(
  accept: (raw: net.Socket) => Promise<{ stream: Duplex; peerId: string }>,
  expectedPeer: string,
  onStream: (stream: Duplex) => void
): Promise<StreamServer> {
  const sockets = new Set<Duplex>()
  const listener = net.createServer({ noDelay: true }, (raw) => {
    sockets.add(raw)
    raw.on('close', () => sockets.delete(raw))
    accept(raw).then(
      ({ stream, peerId }) => {
        if (peerId === expectedPeer) onStream(stream)
        else stream.destroy(new UnexpectedPeerKeyError('dialler key'))
      },
      () => raw.destroy()
    )
  })
  return { port: await listenOn(listener), close: trackSockets(listener, sockets) }
}

async function checkedDial(
  dial: Promise<{ stream: Duplex; peerId: string }>,
  expectedPeer: string
): Promise<Duplex> {
  const { stream, peerId } = await dial
  if (peerId !== expectedPeer) {
    stream.destroy()
    throw new UnexpectedPeerKeyError('acceptor key')
  }
  return stream
}

export function tlsTransport(server: TlsIdentity, client: TlsIdentity): StreamTransport {
  return {
    name: 'tls',
    listen: (onStream) => secureListen((raw) => tlsAccept(raw, server), client.key.id, onStream),
    dial: (port) => checkedDial(tlsDial(port, client), server.key.id)
  }
}

interface NoiseKeyPair {
  publicKey: Buffer
  secretKey: Buffer
}
interface NoiseStream extends Duplex {
  remotePublicKey: Buffer | null
}
export interface SecretStreamClass {
  new (isInitiator: boolean, rawStream: Duplex, options: { keyPair: NoiseKeyPair }): NoiseStream
  keyPair(): NoiseKeyPair
}

/** The Noise candidate's class, or null when it is not installed (it is measured on demand, not a dependency). */
export function loadNoise(): SecretStreamClass | null {
  try {
    return createRequire(__filename)(NOISE_PACKAGE) as SecretStreamClass
  } catch {
    return null
  }
}

export interface NoiseIdentity {
  keyPair: NoiseKeyPair
  /** Same derivation as our node ids (a hash of the public key), so the check costs what ours would. */
  id: string
}

export function noiseIdentity(SecretStream: SecretStreamClass): NoiseIdentity {
  const keyPair = SecretStream.keyPair()
  return { keyPair, id: noiseIdOf(keyPair.publicKey) }
}

function noiseIdOf(publicKey: Buffer): string {
  return createHash('sha256').update(publicKey).digest('base64url')
}

async function noiseEstablished(
  stream: NoiseStream,
  what: string
): Promise<{ stream: Duplex; peerId: string }> {
  stream.on('error', () => stream.destroy())
  await withTimeout(once(stream, 'connect'), 5_000, what)
  if (!stream.remotePublicKey) throw new UnexpectedPeerKeyError(`${what}: no remote key`)
  return { stream, peerId: noiseIdOf(stream.remotePublicKey) }
}

export function noiseAccept(
  SecretStream: SecretStreamClass,
  raw: net.Socket,
  identity: NoiseIdentity
): Promise<{ stream: Duplex; peerId: string }> {
  raw.on('error', () => raw.destroy())
  return noiseEstablished(new SecretStream(false, raw, { keyPair: identity.keyPair }), 'noise accept')
}

export function noiseDial(
  SecretStream: SecretStreamClass,
  port: number,
  identity: NoiseIdentity
): Promise<{ stream: Duplex; peerId: string }> {
  const raw = net.connect({ host: HOST, port, noDelay: true })
  raw.on('error', () => raw.destroy())
  return noiseEstablished(
    new SecretStream(true, raw, { keyPair: identity.keyPair }),
    `noise connect to ${port}`
  )
}

/** @hyperswarm/secret-stream over TCP: the Noise XX handshake, then one secretstream message per write(). */
export function noiseTransport(
  SecretStream: SecretStreamClass,
  server: NoiseIdentity,
  client: NoiseIdentity
): StreamTransport {
  return {
    name: 'noise',
    listen: (onStream) => secureListen((raw) => noiseAccept(SecretStream, raw, server), client.id, onStream),
    dial: (port) => checkedDial(noiseDial(SecretStream, port, client), server.id)
  }
}

// A verified TLS link (issue #13): the secure channel a link's frames will travel in, set up over a TCP socket the
// transport already has (dialled within its connect timeout, or accepted within its pending-connection limits).
// TLS 1.3 only, each side presenting its node certificate; there is no certificate authority, so chain validation is
// off (rejectUnauthorized: false) and what is checked instead is the key: TLS proves the peer holds the private key of
// the certificate's public key (CertificateVerify), and that key's id (node-id.ts) is the peer's verified id. The
// handshake module then refuses a peer whose claimed id is not that one (verifyClaimedId).
import type net from 'node:net'
import tls from 'node:tls'
import type { KeyObject } from 'node:crypto'
import { createNodeCertificate } from './certificate'
import {
  CHANNEL_BINDING_BYTES,
  CHANNEL_BINDING_LABEL,
  DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS,
  LINK_ALPN_PROTOCOL
} from './constants'
import {
  IdentityMismatchError,
  PeerKeyError,
  PlaintextPeerError,
  SecureHandshakeError,
  SecureHandshakeTimeoutError
} from './errors'
import { nodeIdFromSpki } from './node-id'
import { isNodeKeyType, type NodeKey } from './node-key'
import { p256Spki } from './spki'
import { systemClock, type Clock } from '../clock'

/** What a node needs to set up links: its key, its certificate, and one SecureContext made from them. */
export interface TlsCredentials {
  readonly key: NodeKey
  /** PEM of the node's self-signed certificate (certificate.ts). */
  readonly certificate: string
  readonly context: tls.SecureContext
}

/** Makes a node's credentials: once per start (a certificate and a SecureContext cost a few milliseconds). */
export async function createTlsCredentials(key: NodeKey): Promise<TlsCredentials> {
  const certificate = await createNodeCertificate(key)
  const context = tls.createSecureContext({
    key: key.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    cert: certificate,
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3'
  })
  return { key, certificate, context }
}

/** Which end of the link we are: the dialler is the TLS client, the acceptor the TLS server. */
export type LinkRole = 'dialler' | 'acceptor'

export interface VerifiedTlsLink {
  /** The encrypted stream: read and write frames here, never on the TCP socket underneath. */
  readonly socket: tls.TLSSocket
  readonly role: LinkRole
  /** The peer's node id, derived from the key it proved on this link. */
  readonly peerId: string
  readonly peerPublicKey: KeyObject
  /** The peer's public key as SubjectPublicKeyInfo DER. */
  readonly peerSpki: Buffer
  /**
   * 32 bytes from the TLS exporter (RFC 8446 §7.5): equal at both ends of this link, unknown to anyone else and
   * different on every other link, even between the same two nodes. Proofs computed over it (network-key.ts,
   * comparison-code.ts) are bound to this link and cannot be replayed on another.
   */
  readonly channelBinding: Buffer
  /** The negotiated cipher suite, e.g. TLS_AES_256_GCM_SHA384 (for logs and the dashboard's padlock). */
  readonly cipher: string
}

export interface SecureLinkOptions {
  /** Bound on the TLS handshake; the socket is destroyed when it passes. @default 5000 */
  timeoutMs?: number
  signal?: AbortSignal
  /**
   * Dial only: the id we dialled for (a pinned peer, a reconnection). A peer proving another key is refused with
   * IdentityMismatchError before a single frame is sent to it.
   */
  expectedPeerId?: string
  /** Whose time bounds the handshake (the node's clock; tests move a ManualClock by hand). @default systemClock */
  clock?: Clock
}

/** Sets up a verified TLS link as the dialler (TLS client) over `socket`, connected or connecting. */
export function secureDial(
  socket: net.Socket,
  credentials: TlsCredentials,
  options: SecureLinkOptions = {}
): Promise<VerifiedTlsLink> {
  const tlsSocket = tls.connect({
    socket,
    secureContext: credentials.context,
    // There is no CA: the peer's certificate is checked by its key (verifiedLink), not by a chain or a host name.
    rejectUnauthorized: false,
    ALPNProtocols: [LINK_ALPN_PROTOCOL]
  })
  return handshake(tlsSocket, socket, 'dialler', 'secureConnect', options)
}

/** Sets up a verified TLS link as the acceptor (TLS server) over an accepted `socket`. */
export function secureAccept(
  socket: net.Socket,
  credentials: TlsCredentials,
  options: Omit<SecureLinkOptions, 'expectedPeerId'> = {}
): Promise<VerifiedTlsLink> {
  const tlsSocket = new tls.TLSSocket(socket, {
    isServer: true,
    secureContext: credentials.context,
    requestCert: true,
    rejectUnauthorized: false,
    ALPNProtocols: [LINK_ALPN_PROTOCOL]
  })
  return handshake(tlsSocket, socket, 'acceptor', 'secure', options)
}

/**
 * Throws IdentityMismatchError when the id a peer claims (its handshake's `id`) is not the id of the key it proved
 * on `link`: a node presenting another node's id, or a relay presenting its own key under the id of the node it
 * relays to.
 */
export function verifyClaimedId(link: VerifiedTlsLink, claimedId: string): void {
  if (claimedId !== link.peerId) {
    throw new IdentityMismatchError(
      `the peer claims the node id ${claimedId.slice(0, 64)} but proved the key of ${link.peerId}`,
      claimedId.slice(0, 64),
      link.peerId
    )
  }
}

/** The exporter's context: empty (in TLS 1.3 the same as none, RFC 8446 §7.5). */
const NO_CONTEXT = Buffer.alloc(0)

/** OpenSSL's errors for a first record that is not TLS: what a plaintext (protocol version 1) peer's frame gives. */
const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_RECORD_LAYER_FAILURE',
  'ERR_SSL_UNEXPECTED_RECORD',
  'ERR_SSL_HTTP_REQUEST'
])

function handshake(
  tlsSocket: tls.TLSSocket,
  socket: net.Socket,
  role: LinkRole,
  readyEvent: 'secure' | 'secureConnect',
  options: SecureLinkOptions
): Promise<VerifiedTlsLink> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS
  const clock = options.clock ?? systemClock
  // A dialled socket may still be connecting: its address is known once connected.
  let peer = describePeer(socket)
  if (socket.connecting) socket.once('connect', () => (peer = describePeer(socket)))
  return new Promise<VerifiedTlsLink>((resolve, reject) => {
    let settled = false
    const finish = (error: Error | null, link?: VerifiedTlsLink): void => {
      if (settled) return
      settled = true
      clock.clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      tlsSocket.off(readyEvent, onReady)
      tlsSocket.off('error', onError)
      tlsSocket.off('close', onClose)
      if (error) {
        tlsSocket.destroy() // closes the TCP socket too (guardRawSocket)
        reject(error)
      } else resolve(link!)
    }
    const onReady = (): void => {
      try {
        finish(null, verifiedLink(tlsSocket, role, peer, options.expectedPeerId))
      } catch (err) {
        finish(err as Error)
      }
    }
    const onError = (err: NodeJS.ErrnoException): void => {
      if (err.code !== undefined && NOT_TLS_CODES.has(err.code)) {
        finish(
          new PlaintextPeerError(
            `${peer} does not speak TLS (a plaintext protocol version 1 node?): ${err.message}`
          )
        )
      } else finish(new SecureHandshakeError(`TLS handshake with ${peer} failed: ${err.message}`))
    }
    const onClose = (): void =>
      finish(new SecureHandshakeError(`${peer} closed the connection during the TLS handshake`))
    const onAbort = (): void =>
      finish(options.signal!.reason instanceof Error ? options.signal!.reason : new Error('aborted'))
    const timer = clock.setTimeout(
      () =>
        finish(
          new SecureHandshakeTimeoutError(`TLS handshake with ${peer} did not finish within ${timeoutMs} ms`)
        ),
      timeoutMs
    )
    guardRawSocket(socket, tlsSocket)
    // Errors after the handshake end the link quietly; its owner adds its own listener to log them.
    tlsSocket.on('error', () => tlsSocket.destroy())
    tlsSocket.once(readyEvent, onReady)
    tlsSocket.on('error', onError)
    tlsSocket.once('close', onClose)
    if (options.signal?.aborted) onAbort()
    else options.signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Once TLS runs on a TCP socket, only the TLS socket may close it. Node 20 crashes (a segmentation fault: the whole
 * process) when the TCP socket under a TLS client socket is destroyed and then the TLS socket in the same tick, while
 * the peer's last handshake records are still arriving, which is what a stop() that closes every socket it holds
 * does (test/integration/security/tls-link.int.test.ts "closing the TCP socket", exit 139 before this guard). The
 * transport may still hold the TCP socket, so its destroy() is routed through the TLS socket, which then closes the
 * TCP socket in the order Node expects. Errors on the TCP socket end the link the same way.
 */
function guardRawSocket(socket: net.Socket, tlsSocket: tls.TLSSocket): void {
  const destroyRaw = socket.destroy.bind(socket)
  socket.destroy = (error?: Error): net.Socket => {
    if (tlsSocket.destroyed) return destroyRaw(error)
    tlsSocket.destroy(error)
    return socket
  }
  socket.on('error', () => tlsSocket.destroy())
}

function describePeer(socket: net.Socket): string {
  const address = socket.remoteAddress
  if (address === undefined) return 'the peer'
  return address.includes(':') ? `[${address}]:${socket.remotePort}` : `${address}:${socket.remotePort}`
}

/** The checks every link passes before its first frame: TLS 1.3, our ALPN, a P-256 node key, the expected id. */
function verifiedLink(
  socket: tls.TLSSocket,
  role: LinkRole,
  peer: string,
  expectedPeerId: string | undefined
): VerifiedTlsLink {
  const protocol = socket.getProtocol()
  if (protocol !== 'TLSv1.3') throw new SecureHandshakeError(`${peer} negotiated ${protocol}, not TLSv1.3`)
  if (socket.alpnProtocol !== LINK_ALPN_PROTOCOL) {
    throw new SecureHandshakeError(
      `${peer} is not a secure ChaskiNode: it did not agree to the ${LINK_ALPN_PROTOCOL} application protocol`
    )
  }
  const certificate = socket.getPeerX509Certificate()
  if (!certificate) throw new PeerKeyError(`${peer} presented no certificate, so no node key`)
  const peerPublicKey = certificate.publicKey
  if (!isNodeKeyType(peerPublicKey)) {
    const kind = peerPublicKey.asymmetricKeyType ?? 'unknown'
    throw new PeerKeyError(`${peer} presented a ${kind} key; node keys are ECDSA P-256`)
  }
  const peerSpki = p256Spki(peerPublicKey)
  const peerId = nodeIdFromSpki(peerSpki)
  if (expectedPeerId !== undefined && expectedPeerId !== peerId) {
    throw new IdentityMismatchError(
      `${peer} proved the key of ${peerId}, not of ${expectedPeerId}, the node we dialled`,
      expectedPeerId,
      peerId
    )
  }
  return {
    socket,
    role,
    peerId,
    peerPublicKey,
    peerSpki,
    channelBinding: socket.exportKeyingMaterial(CHANNEL_BINDING_BYTES, CHANNEL_BINDING_LABEL, NO_CONTEXT),
    cipher: socket.getCipher().standardName
  }
}

// `network_key` (docs/PROTOCOL.md §3a "Network key"): a node holding a network key proves it on a secure link before
// the §3 handshake: one HMAC per key it holds, over the link's TLS channel binding and the sender's role
// (security/network-key.ts). The dialler sends it first; the acceptor answers with its own once the dialler's proof
// holds; the dialler sends its `handshake` only then (network-key-gate.ts).
import { MAX_NETWORK_KEYS, NETWORK_KEY_BYTES } from '../security/constants'
import type { PeerLink } from '../peer-link'
import { fail, get, obj } from '../wire-fields'
import { defineCommand } from './command'

export interface NetworkKeyData {
  /** One proof per key the sender holds (1 or 2), each 32 bytes as 64 lowercase hex digits. */
  proofs: string[]
}

export interface NetworkKeyReceiver {
  onNetworkKey(link: PeerLink, proofs: Buffer[]): void
}

const PROOF_HEX = /^[0-9a-f]{64}$/

export function readNetworkKey(value: unknown): Buffer[] {
  const data = obj(value, 'network_key')
  const proofs = get(data, 'proofs')
  if (!Array.isArray(proofs) || proofs.length === 0 || proofs.length > MAX_NETWORK_KEYS) {
    fail('network_key', `field 'proofs' must be a list of 1 to ${MAX_NETWORK_KEYS} proofs`)
  }
  return proofs.map((proof: unknown) => {
    if (typeof proof !== 'string' || !PROOF_HEX.test(proof)) {
      fail('network_key', `each proof must be ${NETWORK_KEY_BYTES * 2} lowercase hex digits`)
    }
    return Buffer.from(proof, 'hex')
  })
}

export const networkKeyCommand = defineCommand<NetworkKeyData>()({
  name: 'network_key',
  topic: 'control',
  beforeHandshake: true,
  read: readNetworkKey,
  handle(context: { connections: NetworkKeyReceiver }, link, proofs) {
    context.connections.onNetworkKey(link, proofs)
  }
})

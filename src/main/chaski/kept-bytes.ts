// Small byte strings a node keeps for long (its encoded handshake and pong identity, local-identity.ts), carved
// from shared slabs: each costs its bytes and a view, not an ArrayBuffer and a native allocation of its own
// (~200 bytes per node at a 1000-node star). Only such bytes go into these slabs, never a transient buffer, so a
// slab is dense with live bytes; it is freed once no view into it is left. Bytes a node no longer needs (its
// identity changed) stay in their slab until then: at most one slab per live view.
const SLAB_BYTES = 4096
/** Larger byte strings get a buffer of their own. */
const LARGEST_SHARED = 512

let slab: Buffer | null = null
let slabUsed = 0

/** A buffer of `size` bytes (contents unset) for bytes kept as long as their owner lives. */
export function keptBytes(size: number): Buffer {
  if (size > LARGEST_SHARED) return Buffer.allocUnsafeSlow(size)
  if (slab === null || slabUsed + size > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES)
    slabUsed = 0
  }
  const bytes = slab.subarray(slabUsed, slabUsed + size)
  // 8-byte aligned starts, as the allocator's own.
  slabUsed += (size + 7) & ~7
  return bytes
}

// Loads the ChaskiNode library lazily, so the raw baseline still runs (and says why ours is missing)
// when the library is absent or fails to load. It is the bundled build (library-build.ts), as it ships.
import type * as ChaskiLibrary from '../src/main/chaski/index'
import { libraryBundle } from './library-build'
import { withTimeout } from './waiting'

export type Chaski = typeof ChaskiLibrary
export type ChaskiNodeInstance = InstanceType<Chaski['ChaskiNode']>
export type ChaskiNodeOptions = ConstructorParameters<Chaski['ChaskiNode']>[0]

/** Thrown when src/main/chaski/index cannot be imported. */
export class LibraryUnavailableError extends Error {
  override name = 'LibraryUnavailableError'
}

let loaded: Promise<Chaski> | undefined

export function loadChaski(): Promise<Chaski> {
  loaded ??= libraryBundle()
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS bundle at a path known at run time
    .then((file) => require(file) as Chaski)
    .catch((err: unknown) => {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err)
      throw new LibraryUnavailableError(`ChaskiNode library not loadable: ${reason}`)
    })
  return loaded
}

/** Options every bench node shares: loopback only, OS-chosen port. */
export const BENCH_NODE_DEFAULTS = { ip: '127.0.0.1', port: 0 } as const

/**
 * Plaintext nodes (protocol version 1) for the modules whose targets are the plaintext protocol's (connect, ping,
 * throughput, scale, discovery, codec): their figures stay comparable run to run. Secure links are the `secure`
 * module's. A library bundle from before secure links (CHASKI_BENCH_BASE_REF) knows no `secure` option.
 */
export function plaintextDefaults(chaski: Chaski): ChaskiNodeOptions {
  return 'security' in chaski ? { ...BENCH_NODE_DEFAULTS, secure: false } : { ...BENCH_NODE_DEFAULTS }
}

/** Creates a node and waits until it listens. */
export async function startNode(chaski: Chaski, options: ChaskiNodeOptions): Promise<ChaskiNodeInstance> {
  const node = new chaski.ChaskiNode({ ...plaintextDefaults(chaski), ...options })
  await node.ready
  return node
}

/** Stops nodes, all at once, bounded; failures are reported but never hide the bench result. */
export async function stopNodes(
  nodes: Iterable<ChaskiNodeInstance>,
  onError: (msg: string) => void
): Promise<void> {
  const all = [...nodes]
  const settled: Promise<PromiseSettledResult<unknown>[]> = Promise.allSettled(all.map((n) => n.stop()))
  const results: PromiseSettledResult<unknown>[] = await withTimeout(
    settled,
    30_000 + all.length * 20,
    `stopping ${all.length} node(s)`
  ).catch((err: Error) => {
    onError(err.message)
    return []
  })
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed.length > 0) onError(`${failed.length} node(s) failed to stop: ${String(failed[0].reason)}`)
}

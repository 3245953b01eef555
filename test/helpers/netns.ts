// A private LAN of network namespaces for tests (see /work/shared/notes/test-networks.md): one "switch" namespace
// holding a bridge, and N host namespaces each with a veth into it. Addresses like 10.231.0.x exist only inside
// these namespaces, so nothing reaches the machine's real interfaces. Names carry the pid: parallel runs never
// collide. Always call destroy() (afterAll); an exit hook also removes leftovers if the test process dies.
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface TestHost {
  /** Namespace name, for `ip netns exec`. */
  readonly ns: string
  /** Interface name inside the namespace. */
  readonly veth: string
  /** IPv4 address of the veth (exists only inside the namespace). */
  readonly address: string
}

export interface TestLan {
  readonly hosts: readonly TestHost[]
  readonly bridgeNs: string
  linkDown(host: number): Promise<void>
  linkUp(host: number): Promise<void>
  /** Drops `percent` % of the UDP packets arriving in the host (nftables, input hook). */
  addUdpLoss(host: number, percent: number): Promise<void>
  removeUdpLoss(host: number): Promise<void>
  destroy(): Promise<void>
}

/** Why namespace tests cannot run here, or null when they can (root, `ip netns`, and optionally `nft`). */
export function netnsUnavailableReason({ needNft = false }: { needNft?: boolean } = {}): string | null {
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  if (process.getuid?.() !== 0) return 'network namespaces need root'
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' })
  } catch {
    return '`ip netns` is not available (install iproute2)'
  }
  if (needNft) {
    try {
      execFileSync('nft', ['--version'], { stdio: 'ignore' })
    } catch {
      return '`nft` is not available (apt-get install -y nftables)'
    }
  }
  return null
}

let lans = 0
const live = new Set<string>()
let exitHookInstalled = false

/** Builds the LAN: `count` hosts on 10.231.<subnet>.0/24, host i (0-based) at .i+1. */
export async function createTestLan(
  count: number,
  { subnet = 0 }: { subnet?: number } = {}
): Promise<TestLan> {
  installExitHook()
  const prefix = `ck${process.pid}x${++lans}`
  const bridgeNs = `${prefix}-br`
  const hosts: TestHost[] = Array.from({ length: count }, (_, i) => ({
    ns: `${prefix}-h${i + 1}`,
    veth: `veth${i + 1}`,
    address: `10.231.${subnet}.${i + 1}`
  }))
  const created: string[] = []
  const ip = (...args: string[]): Promise<unknown> => run('ip', args)
  const lan: TestLan = {
    hosts,
    bridgeNs,
    linkDown: async (host) =>
      void (await ip('-n', at(hosts, host).ns, 'link', 'set', at(hosts, host).veth, 'down')),
    linkUp: async (host) =>
      void (await ip('-n', at(hosts, host).ns, 'link', 'set', at(hosts, host).veth, 'up')),
    addUdpLoss: async (host, percent) => {
      if (!Number.isInteger(percent) || percent < 1 || percent > 99)
        throw new RangeError('loss must be 1..99 %')
      const ns = at(hosts, host).ns
      const nft = (...args: string[]): Promise<unknown> => run('ip', ['netns', 'exec', ns, 'nft', ...args])
      await nft('add', 'table', 'inet', 'chaskiloss')
      await nft('add', 'chain', 'inet', 'chaskiloss', 'input', '{ type filter hook input priority 0; }')
      await nft(
        'add',
        'rule',
        'inet',
        'chaskiloss',
        'input',
        'meta',
        'l4proto',
        'udp',
        'numgen',
        'random',
        'mod',
        '100',
        '<',
        String(percent),
        'drop'
      )
    },
    removeUdpLoss: async (host) => {
      await run('ip', ['netns', 'exec', at(hosts, host).ns, 'nft', 'delete', 'table', 'inet', 'chaskiloss'])
    },
    destroy: async () => {
      for (const ns of created.splice(0).reverse()) {
        await run('ip', ['netns', 'del', ns]).catch(() => {})
        live.delete(ns)
      }
    }
  }
  try {
    for (const ns of [bridgeNs, ...hosts.map((host) => host.ns)]) {
      await ip('netns', 'add', ns)
      created.push(ns)
      live.add(ns)
    }
    await ip('-n', bridgeNs, 'link', 'add', 'br0', 'type', 'bridge')
    await ip('-n', bridgeNs, 'link', 'set', 'br0', 'up')
    for (const [i, host] of hosts.entries()) {
      const port = `port${i + 1}`
      await ip(
        'link',
        'add',
        host.veth,
        'netns',
        host.ns,
        'type',
        'veth',
        'peer',
        'name',
        port,
        'netns',
        bridgeNs
      )
      await ip('-n', bridgeNs, 'link', 'set', port, 'master', 'br0')
      await ip('-n', bridgeNs, 'link', 'set', port, 'up')
      await ip('-n', host.ns, 'addr', 'add', `${host.address}/24`, 'dev', host.veth)
      await ip('-n', host.ns, 'link', 'set', host.veth, 'up')
      await ip('-n', host.ns, 'link', 'set', 'lo', 'up')
    }
  } catch (err) {
    await lan.destroy()
    throw err
  }
  return lan
}

function at(hosts: readonly TestHost[], index: number): TestHost {
  const host = hosts[index]
  if (host === undefined) throw new RangeError(`no host #${index}`)
  return host
}

/** If the test process exits without destroy() (crash, timeout kill), remove what it created. */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const ns of live) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' })
      } catch {
        // already gone
      }
    }
  })
}

// Summarises a V8 CPU profile by file:function, to say where a missed target spends its time.
//   node --cpu-prof --cpu-prof-dir=bench/results/prof --import tsx bench/index.ts --only throughput
//   npx tsx bench/profile-summary.ts bench/results/prof [rows]
// Given a folder, it reads the largest .cpuprofile in it (the main thread; tsx's loader thread writes a small
// second one). Prints self time (where the CPU was) and inclusive time of src/ and bench/ functions.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

function pickProfile(target: string): string {
  if (!statSync(target).isDirectory()) return target
  const files = readdirSync(target)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(target, f))
  if (files.length === 0) throw new Error(`no .cpuprofile in ${target}`)
  return files.sort((a, b) => statSync(b).size - statSync(a).size)[0]
}

function label(node: ProfileNode): string {
  const { functionName, url } = node.callFrame
  const file = url.replace(/^file:\/\//, '').replace(/^.*?\/(src|bench|node_modules)\//, '$1/')
  return `${file || '(native)'}:${functionName || '(anonymous)'}`
}

export function summarize(profile: CpuProfile): {
  totalUs: number
  self: Map<string, number>
  inclusive: Map<string, number>
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const timeById = new Map<number, number>()
  profile.samples.forEach((id, i) => timeById.set(id, (timeById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let totalUs = 0
  for (const [id, us] of timeById) {
    totalUs += us
    const own = label(byId.get(id)!)
    self.set(own, (self.get(own) ?? 0) + us)
    // Each function counts once per stack, however deep its recursion.
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = label(byId.get(cur)!)
      if (seen.has(key)) continue
      seen.add(key)
      inclusive.set(key, (inclusive.get(key) ?? 0) + us)
    }
  }
  return { totalUs, self, inclusive }
}

function main(): void {
  const [target, rowsArg] = process.argv.slice(2)
  if (!target) {
    process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile | folder> [rows]\n')
    process.exit(2)
  }
  const file = pickProfile(target)
  const rows = Number(rowsArg ?? 30)
  const { totalUs, self, inclusive } = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile)
  const table = (map: Map<string, number>, keep: (key: string) => boolean): string =>
    [...map]
      .filter(([key]) => keep(key))
      .sort((a, b) => b[1] - a[1])
      .slice(0, rows)
      .map(
        ([key, us]) =>
          `${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${key}`
      )
      .join('\n')
  process.stdout.write(`${file}: ${(totalUs / 1000).toFixed(0)} ms sampled\n`)
  process.stdout.write(`\nself time\n${table(self, () => true)}\n`)
  process.stdout.write(
    `\ninclusive time, src/ and bench/\n${table(inclusive, (k) => /^(src|bench)\//.test(k))}\n`
  )
}

if (process.argv[1]?.endsWith('profile-summary.ts')) main()

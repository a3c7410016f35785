/**
 * Sums a V8 `.cpuprofile` (from `node --cpu-prof`) by where the time went: self time per package
 * or source file, self time per function, and inclusive time per function (recursion counted once).
 * Idle time is left out of the shares.
 *
 * Usage: npx tsx bench/cpu-profile-summary.ts PROFILE.cpuprofile [TOP=30]
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArgument] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-summary PROFILE.cpuprofile [TOP]');
const top = Number(topArgument ?? 30);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const selfUs = new Map<number, number>();
// A sample's time is the delta to the next sample.
for (let index = 0; index < profile.samples.length; index++) {
  const delta = profile.timeDeltas[index + 1] ?? 0;
  selfUs.set(profile.samples[index], (selfUs.get(profile.samples[index]) ?? 0) + delta);
}

/** Packages under node_modules, Node's own modules, our files by path, V8's pseudo-frames by name. */
function placeOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const module = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (module) return module[1];
  if (url.startsWith('node:')) return url;
  const own = url.match(/\/(src|bench)\/(.*)$/);
  return own ? `${own[1]}/${own[2]}` : url;
}
const functionOf = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${placeOf(node)}:${node.callFrame.lineNumber + 1}`;

const selfByPlace = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const totalByFunction = new Map<string, number>();
let busy = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id) as ProfileNode;
  if (node.callFrame.functionName === '(idle)') continue;
  busy += us;
  add(selfByPlace, placeOf(node), us);
  add(selfByFunction, functionOf(node), us);
  const seen = new Set<string>();
  for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
    const name = functionOf(byId.get(current) as ProfileNode);
    if (!seen.has(name)) add(totalByFunction, name, us);
    seen.add(name);
  }
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

function print(title: string, map: Map<string, number>): void {
  console.log(`\n${title}`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((us / busy) * 100).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  }
}

console.log(`${file}: ${(busy / 1000).toFixed(0)} ms busy (idle left out)`);
print('self time by package / file', selfByPlace);
print('self time by function', selfByFunction);
print('inclusive time by function', totalByFunction);

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import { freePort } from '../../src/deploy/targets/process/free-port.js';

export interface TcpProxy {
  /** The loopback port clients connect to. */
  port: number;
  /** A network partition: every connection through the proxy is dropped and new ones are refused. */
  cut(): Promise<void>;
  /** The partition heals: the proxy accepts connections again, on the same port. */
  restore(): Promise<void>;
  stop(): Promise<void>;
}

// The proxy runs in a process of its own, so that a busy test process does not slow the traffic
// through it. It reads `cut` / `restore` lines on stdin and answers `ok` on stdout.
const proxyScript = `
const net = require('node:net');
const readline = require('node:readline');
const [port, targetPort] = process.argv.slice(1).map(Number);
const sockets = new Set();
const track = (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => socket.destroy());
};
let server;
const listen = (done) => {
  server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    track(client);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  server.listen(port, '127.0.0.1', done);
};
const cut = (done) => {
  server.close(done);
  for (const socket of sockets) socket.destroy();
};
const ok = () => process.stdout.write('ok\\n');
readline.createInterface({ input: process.stdin }).on('line', (line) => (line === 'cut' ? cut(ok) : listen(ok)));
listen(ok);
`;

/** A TCP proxy on 127.0.0.1 to `targetPort`, to cut one client off a server that keeps running (and keeps its data). */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--eval', proxyScript, String(port), String(targetPort)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers = readline.createInterface({ input: child.stdout! });
  const answered = () => once(answers, 'line').then(() => undefined);
  await answered();
  const command = async (line: string) => {
    const done = answered();
    child.stdin!.write(`${line}\n`);
    await done;
  };
  return {
    port,
    cut: () => command('cut'),
    restore: () => command('restore'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill();
      await exited;
    },
  };
}

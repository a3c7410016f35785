import type { Config } from '../config.js';
import { createApp } from './app.js';
import { createServices } from './services.js';

/** Starts the server on the configured port and stops it gracefully on SIGINT/SIGTERM. */
export async function serve(config: Config): Promise<{ url: string; stop(): Promise<void> }> {
  const services = await createServices(config);
  const app = await createApp(services);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Close the listener first (in-flight requests finish), then flush and close services.
      await app.close();
      await services.close();
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop().then(
        () => process.exit(0),
        (error) => {
          services.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }

  process.stdout.write(
    `DevUp Gateway ${url}\n  UI       ${url}/\n  API      ${url}/v1  (OpenAI-compatible)\n  Admin    ${url}/api  (OpenAPI: ${url}/api/openapi.json)\n  Data     ${config.dataDir}\n`,
  );
  if (services.adminKey.generated) {
    process.stdout.write(`\nAdmin key (shown once; also saved to ${config.dataDir}/admin.key):\n  ${services.adminKey.generated}\n\n`);
  }
  return { url, stop };
}

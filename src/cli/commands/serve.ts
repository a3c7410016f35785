import { serve } from '../../server/serve.js';
import type { Command } from '../command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the gateway, admin API and web UI on one port',
  usage: 'devup serve [--port N] [--host H] [--data-dir DIR]',
  options: {
    port: { type: 'string', description: 'Port to listen on (DEVUP_PORT, default 8080)' },
    host: { type: 'string', description: 'Address to bind (DEVUP_HOST, default 0.0.0.0)' },
  },
  async run({ config, values }) {
    await serve({
      ...config,
      port: values.port === undefined ? config.port : Number(values.port),
      host: (values.host as string | undefined) ?? config.host,
    });
  },
};

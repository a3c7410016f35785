import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DeploymentView } from '../deploy/deployment-view.js';
import type { RouteModule } from '../http/route-module.js';
import type { ChangeBus } from '../store/change-bus/change-bus.js';
import type { Store } from '../store/database.js';

/** A dependency that does not answer within this long counts as down: a probe must answer quickly. */
const checkTimeoutMs = 2_000;

interface ReadinessServices {
  store: Store;
  config: Pick<Config, 'redisUrl'>;
  changes: ChangeBus;
  deploymentManager: { describeAll(): Pick<DeploymentView, 'state'>[] };
  logger: Logger;
}

/**
 * `GET /ready`, readiness (`GET /health` is liveness: the process answers). Ready means this
 * replica can do its work: the store answers a query and, when configured, Redis answers a PING.
 * 503 otherwise, so a load balancer takes the replica out of rotation and an orchestrator does not
 * restart it (the process is fine; what it needs is down). The deployments' states are reported,
 * counted by state, but do not make a replica unready: a failed deployment is the same on every
 * replica, and taking all of them out would stop every other deployment too. No names or error
 * texts: probes do not authenticate (the reasons are logged).
 *
 * @example GET /ready → 200 {"status":"ready","store":"ok","redis":"ok","deployments":{"ready":2,"failed":1}}
 */
export const readinessRoutes: RouteModule<ReadinessServices> = ({ app, services }) => {
  app.get('/ready', { config: { requestLog: false } }, async (_request, reply) => {
    const [store, redis] = await Promise.all([
      check('store', () => sql`select 1`.execute(services.store.db), services.logger),
      services.config.redisUrl ? check('redis', () => services.changes.ping(checkTimeoutMs), services.logger) : undefined,
    ]);
    const deployments: Record<string, number> = {};
    for (const { state } of services.deploymentManager.describeAll()) deployments[state] = (deployments[state] ?? 0) + 1;
    const ready = store === 'ok' && redis !== 'unavailable';
    reply.code(ready ? 200 : 503);
    if (!ready) reply.header('retry-after', '5');
    return { status: ready ? 'ready' : 'unavailable', store, redis: redis ?? 'not configured', deployments };
  });
};

async function check(name: string, probe: () => Promise<unknown>, logger: Logger): Promise<'ok' | 'unavailable'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'ok';
  } catch (error) {
    logger.warn({ err: error, dependency: name }, 'readiness: a dependency is unavailable');
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}

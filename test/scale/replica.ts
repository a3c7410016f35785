import { startApp, type TestApp } from '../support/start-app.js';

export type Replica = TestApp;

/** One gateway replica as `devup serve` builds it (`startApp`), sharing PostgreSQL and Redis with the others. */
export function startReplica(shared: { databaseUrl: string; redisUrl: string; replicaId: string }): Promise<Replica> {
  return startApp({ config: shared });
}

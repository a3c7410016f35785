import { startApp, type TestApp } from '../support/start-app.js';

export type Replica = TestApp;

/** One gateway replica as `devup serve` builds it (`startApp`), sharing PostgreSQL and Redis with the others. */
export function startReplica(shared: { databaseUrl: string; redisUrl: string; replicaId: string }): Promise<Replica> {
  return startApp({ config: shared });
}

/** Retries `check` until it stops throwing (a notification crossing replicas takes a few ms). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

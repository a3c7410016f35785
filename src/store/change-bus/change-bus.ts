/**
 * Tells the other gateway replicas that shared state changed (a key was revoked, a deployment
 * was created), so each reloads it from the shared database instead of waiting for a timer.
 * Handlers hear changes published by *other* replicas only, never their own. A `null` change
 * means notifications may have been missed (the connection dropped): reload everything.
 *
 * @example
 *   await bus.subscribe('keys', () => keys.reload());
 *   await keys.revoke(id);
 *   await bus.publish('keys', { id });
 */
export interface ChangeBus {
  publish(topic: string, change: unknown): Promise<void>;
  /** Resolves, once the subscription is in effect, to a function that unsubscribes the handler. */
  subscribe(topic: string, handler: ChangeHandler): Promise<() => void>;
  /** Resolves when the bus's server answers (Redis: a PING within `timeoutMs`); rejects at once while it is disconnected. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Runs on the delivering connection: a handler starts its work and catches its own errors. */
export type ChangeHandler = (change: unknown | null) => void;

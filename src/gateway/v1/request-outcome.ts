import type { DevupError } from '../../errors.js';
import type { Usage } from '../../providers/provider.js';
import type { RecordedOperation } from '../dialects/dialect.js';
import type { RoutableDeployment } from '../deployment-registry.js';
import type { ApiKey } from '../keys/api-key.js';
import type { Reservation } from '../limiter.js';
import type { Exchange, Routed } from '../routing/router.js';

/**
 * What one `/v1` request came to, filled in as it goes (key → deployment → routed target and
 * answer → timings → status or error) and handed to `RequestFinisher.finish` once it is over,
 * whichever route ran it. It is also the router's `Exchange`, so a request allocates one object.
 *
 * @example
 *   const outcome = new RequestOutcome(request.id, 'chat', performance.now(), request.body);
 *   outcome.key = keys.authenticate(token);
 *   // … deployment, route, answer …
 *   finisher.finish(outcome);
 */
export class RequestOutcome implements Exchange {
  key: ApiKey | undefined = undefined;
  /** Set once the deployment is resolved; the deployment's in-flight gauge is raised from then until `finish`. */
  deployment: RoutableDeployment | undefined = undefined;
  /** What the key's limits reserved for this request; settled to its usage in `finish`. */
  reservation: Reservation | undefined = undefined;
  routed: Routed | undefined = undefined;
  stream = false;
  /** Time waiting for the upstream's answer (headers, or a stream's first chunk), retries included. */
  upstreamMs = 0;
  ttftMs: number | null = null;
  /** The gateway's own time until the answer went out. */
  overheadMs = 0;
  /** The HTTP status the client got. */
  status = 200;
  /** What went wrong: before the answer (`status` is then its status), or mid-stream (`status` stays 200). */
  error: DevupError | undefined = undefined;
  controller: AbortController | undefined = undefined;
  clientGone = false;

  constructor(
    readonly requestId: string,
    /** The route's operation, as usage records name it. */
    readonly operation: RecordedOperation,
    /** `performance.now()` when the request arrived. */
    readonly startedAt: number,
    /** The body as received, for the name of a deployment that was never resolved. */
    readonly body: unknown,
  ) {}

  fail(error: DevupError): void {
    this.status = error.status;
    this.error = error;
  }

  /** True when the answer began and the upstream broke off (or went quiet) in the middle of it. */
  get brokeMidStream(): boolean {
    return this.error !== undefined && this.status === 200;
  }

  /** The answer's usage as its provider reports it (a stream's once its chunks were forwarded). */
  usage(): Usage | undefined {
    const answer = this.routed?.answer;
    if (answer === undefined) return undefined;
    return answer.kind === 'json' ? answer.usage : answer.reply.usage();
  }

  /** The deployment name for records: the resolved one, else what the client sent (bounded), else ''. */
  deploymentName(): string {
    if (this.deployment) return this.deployment.name;
    const model = (this.body as { model?: unknown } | undefined)?.model;
    return model === undefined ? '' : String(model).slice(0, 200);
  }
}

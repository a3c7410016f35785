import path from 'node:path';
import { z } from 'zod';
import { createOpenAICompatibleProvider } from '../../providers/openai-compatible/openai-compatible-provider.js';
import type { Provider } from '../../providers/provider.js';
import { DevupError } from '../../errors.js';
import { timeoutsSchema } from '../deployment-input.js';
import { parseOrThrow } from '../../validation.js';
import type { DeploymentTarget } from '../deployment-target.js';
import { definedFields, splitValues } from '../spec-secrets.js';
import { findExecutable } from './process/find-executable.js';
import { freePort } from './process/free-port.js';
import { LogTail } from './process/log-tail.js';
import { ProcessSupervisor } from './process/process-supervisor.js';
import { isRunning, RunFile } from './process/run-file.js';

const specSchema = z
  .object({
    /** The engine binary: a path, or a name on PATH (`llama-server`, `vllm`). */
    command: z.string().min(1),
    /** Arguments; `{port}` is replaced by the port. */
    args: z.array(z.string()).default([]),
    /** Port the engine listens on (127.0.0.1); a free one is picked when unset. */
    port: z.number().int().min(1).max(65_535).optional(),
    /** Health path; by default `/health`, then `/v1/models` when that is 404. */
    healthPath: z.string().regex(/^\//, 'must start with /').optional(),
    /** Variables for the engine over `config.childEnvironment` (`HF_TOKEN`); encrypted at rest, shown as `***`. */
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().min(1).optional(),
    /** The model name the engine expects; asked from its `/v1/models` when unset. */
    upstreamModel: z.string().min(1).optional(),
    /** How long loading may take before the start fails (weights can take minutes). */
    readyTimeoutMs: z.number().int().min(100).max(86_400_000).default(600_000),
    /** Grace between SIGTERM and SIGKILL when stopping. */
    stopTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
    timeouts: timeoutsSchema.optional(),
  })
  .strict();

export type ProcessSpec = z.output<typeof specSchema>;

/**
 * Target `process`: the gateway runs an OpenAI-compatible engine on this host (llama-server,
 * vLLM, SGLang, Ollama), captures its output (`devup deployments logs`), waits for its health
 * endpoint, serves it through an OpenAI-compatible provider at `http://127.0.0.1:PORT/v1`,
 * restarts it with backoff when it dies and stops it on stop/delete. On gateway shutdown it is
 * left running and re-attached on the next start.
 *
 * @example { "kind": "process", "spec": { "command": "llama-server", "args": ["-m", "/models/qwen.gguf", "--port", "{port}"] } }
 */
export function createProcessTarget(options: {
  /** What the engine inherits from the gateway's environment (`config.childEnvironment`), under the spec's own `env`. */
  environment: Record<string, string>;
}): DeploymentTarget<ProcessSpec> {
  return {
    kind: 'process',
    parseSpec(input) {
      const spec = parseOrThrow(specSchema, input, 'process spec');
      // Refuse a missing engine when the deployment is created, not only when it starts (a path
      // relative to the default cwd, the data dir, is only known at start).
      const checkable = !spec.command.includes('/') || path.isAbsolute(spec.command) || spec.cwd !== undefined;
      try {
        if (checkable) findExecutable(spec.command, spec.cwd ?? '/', { ...options.environment, ...spec.env }.PATH);
      } catch (error) {
        const message = (error as Error).message;
        throw new DevupError('invalid_request', `Invalid process spec: command: ${message}`, {
          fieldErrors: [{ path: 'command', message }],
        });
      }
      return spec;
    },
    splitSecrets(spec) {
      const env = splitValues(spec.env);
      return { spec: { ...spec, env: env.shown }, secrets: definedFields({ env: env.secret }) };
    },
    async start(spec, context) {
      const environment = { ...options.environment, ...spec.env };
      const cwd = spec.cwd ?? context.dataDir;
      const executable = findExecutable(spec.command, cwd, environment.PATH);
      const runFile = new RunFile(context.dataDir, context.targetId);
      const tail = new LogTail(path.join(context.dataDir, 'logs', `${context.targetId}.log`));
      tail.start();
      const previous = runFile.read();
      const alive = previous !== undefined && isRunning(previous);
      if (previous && !alive) runFile.remove();
      const port = alive ? previous.port : (spec.port ?? (await freePort()));
      const withPort = (value: string) => value.replaceAll('{port}', String(port));
      const supervisor = new ProcessSupervisor({
        launch: {
          executable,
          args: spec.args.map(withPort),
          cwd,
          env: Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, withPort(value)])),
          logFile: tail.file,
        },
        port,
        healthPaths: spec.healthPath ? [spec.healthPath] : ['/health', '/v1/models'],
        readyTimeoutMs: spec.readyTimeoutMs,
        stopTimeoutMs: spec.stopTimeoutMs,
        runFile,
        tail,
        emit: context.emit,
      });
      try {
        if (alive && (await supervisor.attach(previous, context.signal))) {
          context.emit({ type: 'log', message: `re-attached to process ${previous.pid} on port ${port}` });
        } else {
          await supervisor.start(context.signal);
        }
      } catch (error) {
        tail.stop();
        runFile.remove();
        throw error;
      }
      const baseUrl = `http://127.0.0.1:${port}/v1`;
      const openai = createOpenAICompatibleProvider({ baseUrl, timeouts: { ...context.timeouts, ...spec.timeouts } });
      // Health is the engine's own health path: llama-server lists models while still loading.
      const provider: Provider = {
        kind: openai.kind,
        call: (request) => openai.call(request),
        health: (signal) => supervisor.check(signal),
        close: () => openai.close(),
      };
      return {
        provider,
        get address() {
          return `${baseUrl} (pid ${supervisor.pid})`;
        },
        upstreamModel: spec.upstreamModel ?? (await servedModel(baseUrl)),
        timeouts: spec.timeouts,
        logs: (limit) => {
          tail.read();
          return tail.buffer.tail(limit);
        },
        async detach() {
          supervisor.detach();
          tail.stop();
          await provider.close();
        },
        async stop() {
          await supervisor.stop();
          tail.stop();
          await provider.close();
        },
      };
    },
  };
}

/** The first model the engine lists (llama-server names it after the GGUF file). */
async function servedModel(baseUrl: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${baseUrl}/models`, { signal: AbortSignal.timeout(5_000) });
    const body = (await response.json()) as { data?: Array<{ id?: unknown }> };
    const id = body.data?.[0]?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

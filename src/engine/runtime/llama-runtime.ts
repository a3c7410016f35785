import type { Llama } from 'node-llama-cpp';

let runtime: Promise<Llama> | undefined;

/**
 * The process's one llama.cpp runtime, loaded on first use (importing node-llama-cpp costs start
 * time that `devup` verbs without the engine should not pay). CPU prebuilt binaries only: the
 * package's postinstall is denied, so nothing is ever built. `maxThreads: 0` makes each context
 * use exactly the threads it asks for, which the measured default depends on.
 */
export function loadLlamaRuntime(): Promise<Llama> {
  runtime ??= import('node-llama-cpp').then(({ getLlama, LlamaLogLevel }) =>
    getLlama({ gpu: false, build: 'never', skipDownload: true, maxThreads: 0, logLevel: LlamaLogLevel.error, progressLogs: false }),
  );
  runtime.catch(() => (runtime = undefined));
  return runtime;
}

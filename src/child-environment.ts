// Variables an engine process needs from the gateway's environment: where programs, libraries,
// the home directory and the model cache are, the locale, and which GPUs to use. Everything else (DEVUP_ADMIN_KEY,
// DEVUP_SECRET_KEY, DEVUP_DATABASE_URL, a cloud key the operator exported) stays in the gateway:
// a deployment names what its engine needs in its own `env`, encrypted at rest.
const allowedNames = new Set([
  ...['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TERM', 'LD_LIBRARY_PATH'],
  ...['HF_HOME', 'HF_HUB_CACHE', 'HF_HUB_OFFLINE'],
]);
const allowedPrefixes = ['LC_', 'XDG_', 'CUDA_', 'NVIDIA_', 'NCCL_', 'HIP_', 'ROCR_', 'ROCM_', 'HSA_', 'OMP_'];

/**
 * The part of an environment a managed engine process inherits: an allow-list, nothing secret.
 *
 * @example childEnvironment({ PATH: '/usr/bin', DEVUP_ADMIN_KEY: '…', CUDA_VISIBLE_DEVICES: '0' }) // { PATH: '/usr/bin', CUDA_VISIBLE_DEVICES: '0' }
 */
export function childEnvironment(environment: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && (allowedNames.has(entry[0]) || allowedPrefixes.some((prefix) => entry[0].startsWith(prefix))),
    ),
  );
}

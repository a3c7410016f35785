/** The deployment targets the wizard offers, and the spec fields each one asks for. */
export interface TargetField {
  name: string;
  label: string;
  placeholder?: string;
  hint?: string;
  required?: boolean;
  /** Sent as the target's `secret` (stored encrypted), not in its spec. */
  secret?: boolean;
  /** Space-separated words sent as a string array (process arguments). */
  words?: boolean;
  /** Sent as a number (a context size). */
  numeric?: boolean;
}

export interface TargetKind {
  kind: string;
  title: string;
  summary: string;
  fields: TargetField[];
  /** Whether the hardware plan applies (the model runs on GPUs we size). */
  planned: boolean;
}

export const targetKinds: TargetKind[] = [
  {
    kind: 'embedded',
    title: 'Embedded GGUF',
    summary: 'Load a GGUF file in this process with llama.cpp. No GPU or other server needed.',
    planned: false,
    fields: [
      {
        name: 'file',
        label: 'GGUF file path',
        placeholder: '/models/model.gguf',
        hint: 'Absolute, or relative to the data directory’s models/ folder (where devup pull saves).',
        required: true,
      },
      {
        name: 'contextSize',
        label: 'Context size (tokens, optional)',
        hint: 'Per sequence. Default: what fits in the gateway’s free memory, up to the model’s trained context.',
        numeric: true,
      },
    ],
  },
  {
    kind: 'endpoint',
    title: 'Existing endpoint',
    summary: 'Connect an OpenAI-compatible server: vLLM, SGLang, llama-server, Ollama, a hosted API.',
    planned: false,
    fields: [
      { name: 'url', label: 'Base URL', placeholder: 'http://127.0.0.1:8000/v1', required: true },
      { name: 'upstreamModel', label: 'Upstream model name', placeholder: 'deepseek-chat', hint: 'Defaults to the library model id.' },
      { name: 'apiKey', label: 'API key', hint: 'Stored encrypted; never shown again.', secret: true },
    ],
  },
  {
    kind: 'process',
    title: 'Managed process',
    summary: 'Launch an engine (vLLM, SGLang, llama-server, Ollama) on this host; logs captured, restarted when it dies.',
    planned: true,
    fields: [
      { name: 'command', label: 'Command', placeholder: 'vllm', hint: 'A path, or a name on the gateway’s PATH.', required: true },
      {
        name: 'args',
        label: 'Arguments',
        placeholder: 'serve deepseek-ai/DeepSeek-V3 --port {port}',
        hint: '{port} is replaced by the port the gateway picks.',
        words: true,
      },
      { name: 'upstreamModel', label: 'Upstream model name (optional)', hint: 'Asked from the engine’s /v1/models when empty.' },
    ],
  },
  {
    kind: 'kubernetes',
    title: 'Kubernetes',
    summary: 'Run the plan’s engine on a cluster (Deployment, or LeaderWorkerSet across nodes) with your kubeconfig.',
    planned: true,
    fields: [
      {
        name: 'kubeconfig',
        label: 'Kubeconfig path',
        placeholder: '/etc/devup/kubeconfig',
        hint: 'A file on the gateway host; the gateway applies the manifests with it.',
        required: true,
      },
      { name: 'namespace', label: 'Namespace', placeholder: 'default' },
      {
        name: 'baseUrl',
        label: 'Service URL (optional)',
        placeholder: 'http://deepseek-v3.default.svc.cluster.local:8000/v1',
        hint: 'Where the gateway reaches the engine; defaults to the Service’s cluster DNS name.',
      },
    ],
  },
];

export const gpuChoices = [
  'h200',
  'h100',
  'h800',
  'h20',
  'b200',
  'a100-80g',
  'a100-40g',
  'l40s',
  'l4',
  'mi300x',
  'mi325x',
  'rtx-4090',
  'rtx-5090',
];
export const dtypeChoices = ['fp8', 'bf16', 'fp16', 'int8', 'int4', 'q8_0', 'q4_k_m'];
export const engineChoices = ['vllm', 'sglang', 'llama-server', 'ollama'];

/** The deployment targets the wizard offers, and the spec fields each one asks for. */
export interface TargetField {
  name: string;
  label: string;
  placeholder?: string;
  hint?: string;
  required?: boolean;
  /** Sent as the target's `secret` (stored encrypted), not in its spec. */
  secret?: boolean;
  options?: string[];
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
    fields: [{ name: 'file', label: 'GGUF file path', placeholder: '/models/model.gguf', hint: 'A path on the gateway host.', required: true }],
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
    summary: 'Launch an engine (vLLM, SGLang, llama-server) on this host; logs captured, restarted when it dies.',
    planned: true,
    fields: [
      { name: 'engine', label: 'Engine', options: ['vllm', 'sglang', 'llama-server', 'ollama'], required: true },
      { name: 'command', label: 'Command (optional)', placeholder: 'vllm serve deepseek-ai/DeepSeek-V3 --tensor-parallel-size 8', hint: 'Leave empty to use the plan’s recipe.' },
    ],
  },
  {
    kind: 'kubernetes',
    title: 'Kubernetes',
    summary: 'Render Deployment/LeaderWorkerSet manifests for the plan and apply them with your kubeconfig.',
    planned: true,
    fields: [
      { name: 'engine', label: 'Engine', options: ['vllm', 'sglang'], required: true },
      { name: 'namespace', label: 'Namespace', placeholder: 'default' },
    ],
  },
];

export const gpuChoices = ['h200', 'h100', 'h20', 'b200', 'a100-80g', 'l40s', 'mi300x'];
export const dtypeChoices = ['fp8', 'bf16', 'int4'];

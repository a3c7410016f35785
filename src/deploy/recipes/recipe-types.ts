import type { Plan } from '../planner/plan-types.js';

/**
 * Where one engine process runs: its role, its rank among the nodes, and how it finds the leader.
 * On a shell these are numbers and `LEADER_IP`; in a LeaderWorkerSet they are
 * `$(LWS_WORKER_INDEX)`, `$(LWS_LEADER_ADDRESS)` and `$(LWS_GROUP_SIZE)`, expanded by the kubelet.
 */
export interface NodeSlot {
  role: 'leader' | 'worker';
  rank: string;
  leaderAddress: string;
  groupSize: string;
}

export interface RecipeOptions {
  /** Weights to load: a Hugging Face repo (vLLM, SGLang) or a GGUF path (llama.cpp); default the spec's repo. */
  model?: string;
  /** The name clients send; default the plan's model id. */
  servedModelName?: string;
  port?: number;
  /**
   * Address the engine's HTTP server binds: 127.0.0.1 by default, since the gateway's keys do not
   * guard the engine itself; `0.0.0.0` to reach it from other hosts (a pod behind a Service).
   */
  host?: string;
}

/** What an engine needs to launch a plan, per node, ready for a shell or a pod. */
export interface EngineRecipe {
  engine: Plan['engine'];
  /** Container image that ships the engine. */
  image: string;
  port: number;
  /** Path that answers 200 once the model is loaded. */
  healthPath: string;
  env: Record<string, string>;
  /** Files the command reads (Ollama's Modelfile). */
  files: Array<{ name: string; content: string }>;
  nodes: Array<{ role: NodeSlot['role']; rank: number; argv: string[] }>;
  /** The commands as one would type them, node by node. */
  shell: string[];
  notes: string[];
}

/** One engine's recipe builder: the argv of a node slot, and what else it needs. */
export interface EngineRecipeBuilder {
  image: string;
  defaultPort: number;
  healthPath: string;
  /** Nodes beyond the first run this engine too (false: the engine cannot span nodes). */
  multiNode: boolean;
  argv(plan: Plan, slot: NodeSlot, options: Required<RecipeOptions>): string[];
  env?(plan: Plan, options: Required<RecipeOptions>): Record<string, string>;
  files?(plan: Plan, options: Required<RecipeOptions>): Array<{ name: string; content: string }>;
  /** Lines a person types before the engine command (ollama create). */
  setup?(plan: Plan, options: Required<RecipeOptions>): string[];
  notes?(plan: Plan): string[];
}

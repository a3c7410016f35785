import path from 'node:path';
import type { HubFile } from './hub-shapes.js';

/** A download variant before it is sized: one GGUF quantization (a file or a split set) or a safetensors checkpoint. */
export interface VariantFiles {
  /** `Q4_K_M`, `UD-Q4_K_XL`, `BF16`…; the file name when it names no quantization. */
  label: string;
  format: 'gguf' | 'safetensors';
  /** In order: a split set's parts 1…N; the first one is what llama.cpp is given. */
  files: HubFile[];
  bytes: number;
}

// llama.cpp's quantization names as converters write them into file names (any case), incl. unsloth's "UD-" dynamic ones.
const quantizationPattern =
  /(?<![A-Za-z0-9])((?:UD-)?(?:IQ[1-4]_(?:XXS|XS|S|M|NL)|Q[2-8]_K(?:_XL|_XS|_[SML])?|Q4_0_[48]_[48]|Q[4-8]_[01]|TQ[12]_0|MXFP4(?:_MOE)?|BF16|FP16|FP32|F16|F32))(?![A-Za-z0-9])/gi;
const splitPattern = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;

/**
 * The quantization a GGUF file name states: the last llama.cpp type in its name, else in its
 * folders (`Q4_K_M/Model-00001-of-00002.gguf`), upper-cased.
 *
 * @example quantizationLabel('Qwen2.5-7B-Instruct-q4_k_m-00001-of-00002.gguf') // 'Q4_K_M'
 */
export function quantizationLabel(filePath: string): string | undefined {
  const last = (text: string) => [...text.matchAll(quantizationPattern)].at(-1)?.[1].toUpperCase();
  return last(path.posix.basename(filePath)) ?? last(path.posix.dirname(filePath));
}

/**
 * A GGUF repository's files as variants: one per quantization, split sets
 * (`NAME-00001-of-00003.gguf`…) joined and kept only when every part is there; vision projectors
 * (`mmproj`) are not models and are left out. Smallest first.
 *
 * @example ggufVariants(files).map((variant) => variant.label) // ['Q4_K_M', 'Q8_0']
 */
export function ggufVariants(files: HubFile[]): VariantFiles[] {
  const sets = new Map<string, { parts: Map<number, HubFile>; count: number; name: string }>();
  for (const file of files) {
    if (!/\.gguf$/i.test(file.path) || /mmproj/i.test(path.posix.basename(file.path))) continue;
    const split = splitPattern.exec(file.path);
    const key = split ? `${split[1]}\u0000${split[3]}` : file.path;
    const set = sets.get(key) ?? { parts: new Map(), count: split ? Number(split[3]) : 1, name: split ? split[1] : file.path };
    set.parts.set(split ? Number(split[2]) : 1, file);
    sets.set(key, set);
  }
  const variants: VariantFiles[] = [];
  const labels = new Set<string>();
  for (const set of sets.values()) {
    const parts = Array.from({ length: set.count }, (_, index) => set.parts.get(index + 1));
    if (parts.some((part) => part === undefined)) continue;
    const complete = parts as HubFile[];
    let label = quantizationLabel(set.name) ?? path.posix.basename(set.name).replace(/\.gguf$/i, '');
    if (labels.has(label)) label = set.name.replace(/\.gguf$/i, '');
    labels.add(label);
    variants.push({ label, format: 'gguf', files: complete, bytes: complete.reduce((sum, file) => sum + file.bytes, 0) });
  }
  return variants.sort((left, right) => left.bytes - right.bytes || left.label.localeCompare(right.label));
}

/**
 * A transformers repository's checkpoint: the top-level `*.safetensors` files (Mistral's
 * `consolidated*.safetensors` are the same weights again and are left out when both are there).
 */
export function safetensorsVariant(files: HubFile[], dtypeLabel: string): VariantFiles | undefined {
  const topLevel = files.filter((file) => !file.path.includes('/') && /\.safetensors$/i.test(file.path));
  const transformers = topLevel.filter((file) => !/^consolidated/i.test(file.path));
  const chosen = transformers.length > 0 ? transformers : topLevel;
  if (chosen.length === 0) return undefined;
  return { label: dtypeLabel, format: 'safetensors', files: chosen, bytes: chosen.reduce((sum, file) => sum + file.bytes, 0) };
}

/** The variant `--quant` names (case-insensitive). */
export function findVariant<T extends { label: string }>(variants: T[], quant: string): T | undefined {
  const wanted = quant.toUpperCase();
  return variants.find((variant) => variant.label.toUpperCase() === wanted);
}

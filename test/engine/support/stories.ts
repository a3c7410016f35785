import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real TinyStories llama the engine tests run on; it lives outside the project and is never committed. */
export const storiesPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/models/stories260K.gguf');

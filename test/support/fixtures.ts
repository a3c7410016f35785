import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Test data the repository carries; each folder says where its files came from (README.md, SOURCES.md). */
export const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The real 260K-parameter TinyStories llama the engine tests run on (MIT; test/fixtures/models/README.md). */
export const storiesPath = path.join(fixturesDir, 'models', 'stories260K.gguf');

/** Genuine `config.json` files and DeepSeek-V3's public README (test/fixtures/reference/configs/SOURCES.md). */
export const referenceDir = path.join(fixturesDir, 'reference');

/** The source page the catalog is seeded from; the product ships it in `data/sources/`. */
export const seedPath = fileURLToPath(new URL('../../data/sources/000_566dd3d3e927ff44.txt', import.meta.url));

// `node dist/cli/generate-schema.js`: writes config/router.schema.json from the schema the loader
// uses, so editors (yaml-language-server, VS Code) validate router.yaml and show key descriptions.
// src/config/schema.test.ts fails when the committed file is out of date.

import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { routerSchema } from '../config/schema.js';

/** The exact text of config/router.schema.json. */
export function schemaFileText(): string {
  return `${JSON.stringify(routerSchema, null, 2)}\n`;
}

/** Same place from src/cli and dist/cli. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../config/router.schema.json', import.meta.url));

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  writeFileSync(SCHEMA_FILE, schemaFileText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
